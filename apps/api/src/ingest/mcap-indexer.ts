import type { ByteSource } from "./byte-source.js";
import type { IndexResult } from "./index-result.js";
import { scanMcapStream } from "./mcap-stream-scan.js";
import { indexMcapFromSummary } from "./mcap-summary.js";

/**
 * Indexes an MCAP file: from its summary and message indexes when they are
 * present and consistent, reading a small part of the file, otherwise by a
 * streaming scan of every record.
 *
 * @throws RecordingFormatError when the file is cut off or damaged.
 */
export async function indexMcap(source: ByteSource): Promise<IndexResult> {
  const fromSummary = await indexMcapFromSummary(source);
  return fromSummary ?? (await scanMcapStream(source));
}
