import type { ByteSource } from "./byte-source.js";
import { detectFormat, FORMAT_HEAD_BYTES } from "./detect-format.js";
import type { IndexResult } from "./index-result.js";
import { indexMcap } from "./mcap-indexer.js";
import {
  asFormatError,
  FORMAT_LABEL,
  type KnownRecordingFormat,
} from "./recording-format-error.js";
import { indexRosbag } from "./rosbag-indexer.js";
import { indexUlog } from "./ulog-indexer.js";

export type { ByteSource, FileByteSource } from "./byte-source.js";
export { fileByteSource, memoryByteSource, RecordingReadError } from "./byte-source.js";
export type { IndexedTopic, IndexResult, RecordingFormat } from "./index-result.js";
export type { KnownRecordingFormat, RecordingProblem } from "./recording-format-error.js";
export { RecordingFormatError } from "./recording-format-error.js";
export { ulogTopicName } from "./ulog-topic-name.js";

const INDEXERS: Record<KnownRecordingFormat, (source: ByteSource) => Promise<IndexResult>> = {
  mcap: indexMcap,
  "ros1-bag": indexRosbag,
  ulog: indexUlog,
};

/**
 * Indexes a recording: detects its format from its magic bytes and returns
 * its time window and topics. Files of no known format get format
 * `unknown` and an unknown window; that is not an error.
 *
 * @param source the recording's bytes, read by random access
 * @param fileName the file's name, whose extension only serves to report a
 *   mislabelled file (a `.mcap` without MCAP magic bytes)
 * @throws RecordingFormatError when the file is empty, cut off, damaged or
 *   of an unsupported version; its message states in plain words what is wrong
 * @throws RecordingReadError when reading the bytes fails
 *
 * @example
 * const source = await fileByteSource("flight.ulg");
 * try {
 *   const { recorded_start_ns, clock_offset_ns } = await indexRecording(source, "flight.ulg");
 * } finally {
 *   await source.close();
 * }
 */
export async function indexRecording(source: ByteSource, fileName: string): Promise<IndexResult> {
  const head = await source.read(0, Math.min(FORMAT_HEAD_BYTES, source.size));
  const format = detectFormat(head, source.size, fileName);
  if (format === "unknown") {
    return {
      format,
      recorded_start_ns: null,
      recorded_end_ns: null,
      clock_offset_ns: null,
      topics: [],
      message_count: 0,
    };
  }

  // Indexers turn the damage they expect into plain messages; this catches
  // whatever a parser or decompressor still throws on unexpected bytes.
  try {
    return await INDEXERS[format](source);
  } catch (error) {
    throw asFormatError(error, format, `${FORMAT_LABEL[format]} file cannot be parsed`);
  }
}
