import type { ByteSource } from "./byte-source.js";
import { loadDecompressors } from "./decompressors.js";
import type { IndexResult } from "./index-result.js";
import { BlockReader } from "./mcap-block-reader.js";
import { McapRecordWalker } from "./mcap-record-walker.js";
import { buildIndexResult, TopicTally } from "./topic-tally.js";

/** Bytes fetched per read. The benchmark's raw-read baseline reads blocks of the same size. */
const STREAM_BLOCK_BYTES = 1024 * 1024;

/**
 * Indexes an MCAP file by reading every record from start to end, for files
 * without a usable summary. Every byte is read once and in order. Memory
 * stays bounded by one block plus the largest record held whole, which is a
 * compressed chunk and its decompressed records, or a Schema, Channel or
 * summary record.
 *
 * @throws RecordingFormatError when the file ends before its footer or a
 * record cannot be read; the message counts the messages read until then.
 */
export async function scanMcapStream(source: ByteSource): Promise<IndexResult> {
  const walker = new McapRecordWalker(await loadDecompressors());
  await walker.walkFile(new BlockReader(source, STREAM_BLOCK_BYTES));

  // A message whose channel was not defined before it is rejected by the walk.
  const tally = new TopicTally();
  for (const channel of walker.channels.values()) {
    const schemaName =
      channel.schemaId === 0 ? null : (walker.schemaNames.get(channel.schemaId) ?? null);
    tally.add(channel.topic, schemaName, channel.window);
  }
  return buildIndexResult("mcap", tally);
}
