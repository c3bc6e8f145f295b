import { type McapTypes, Opcode } from "@mcap/core";
import { ByteCursor, dataView } from "./byte-cursor.js";
import type { ByteSource } from "./byte-source.js";
import { compareAscending } from "./compare.js";

// Opcode (1), record length (8), channel id (2), byte length of the entries (4).
const MESSAGE_INDEX_PREFIX_BYTES = 15;
// Each entry is a log time (8) and an offset into the uncompressed chunk (8).
const MESSAGE_INDEX_ENTRY_BYTES = 16;
// Entries parsed per read, so a chunk with millions of messages needs little memory.
const ENTRIES_PER_READ = 4096;

/** Message count and log time range of one channel's Message Index record in one chunk. */
export interface ChannelEntries {
  count: number;
  /** Earliest log time, or `undefined` when the record has no entry. */
  earliestNs: bigint | undefined;
  /** Latest log time, or `undefined` when the record has no entry. */
  latestNs: bigint | undefined;
}

/**
 * Reads the Message Index records of one chunk, which follow the chunk
 * contiguously, and returns their entries by channel id. They cost 16 bytes
 * per message.
 *
 * Returns `undefined` when a record is missing or malformed, or has a log
 * time outside the chunk's window.
 */
export async function readChunkMessageIndexes(
  source: ByteSource,
  chunk: McapTypes.ChunkIndex,
  dataEndOffset: bigint,
): Promise<Map<number, ChannelEntries> | undefined> {
  const entriesByChannel = new Map<number, ChannelEntries>();
  const records = [...chunk.messageIndexOffsets.entries()].sort((a, b) =>
    compareAscending(a[1], b[1]),
  );
  const first = records[0];
  if (first === undefined) return entriesByChannel;

  // One cursor bounded to the records reads them in order.
  const start = first[1];
  const end = start + chunk.messageIndexLength;
  if (end > dataEndOffset) return undefined;
  const cursor = new ByteCursor(source, Number(start), Number(end));
  for (const [channelId, offset] of records) {
    if (!cursor.skip(Number(offset) - cursor.position)) return undefined;

    const entries = await readMessageIndex(cursor, channelId, chunk);
    if (entries === undefined) return undefined;
    entriesByChannel.set(channelId, entries);
  }
  return entriesByChannel;
}

async function readMessageIndex(
  cursor: ByteCursor,
  channelId: number,
  chunk: McapTypes.ChunkIndex,
): Promise<ChannelEntries | undefined> {
  const prefix = await cursor.take(MESSAGE_INDEX_PREFIX_BYTES);
  if (prefix === undefined) return undefined;

  const view = dataView(prefix);
  const recordLength = view.getBigUint64(1, true);
  const entriesLength = view.getUint32(11, true);
  const wellFormed =
    view.getUint8(0) === Opcode.MESSAGE_INDEX &&
    view.getUint16(9, true) === channelId &&
    entriesLength % MESSAGE_INDEX_ENTRY_BYTES === 0 &&
    recordLength >= BigInt(6 + entriesLength);
  if (!wellFormed) return undefined;

  const entries: ChannelEntries = { count: 0, earliestNs: undefined, latestNs: undefined };
  let entriesLeft = entriesLength / MESSAGE_INDEX_ENTRY_BYTES;
  while (entriesLeft > 0) {
    const batch = Math.min(entriesLeft, ENTRIES_PER_READ);
    const bytes = await cursor.take(batch * MESSAGE_INDEX_ENTRY_BYTES);
    if (bytes === undefined) return undefined;

    const entryView = dataView(bytes);
    for (let index = 0; index < batch; index++) {
      const logTime = entryView.getBigUint64(index * MESSAGE_INDEX_ENTRY_BYTES, true);
      if (logTime < chunk.messageStartTime || logTime > chunk.messageEndTime) return undefined;
      if (entries.earliestNs === undefined || logTime < entries.earliestNs) {
        entries.earliestNs = logTime;
      }
      if (entries.latestNs === undefined || logTime > entries.latestNs) entries.latestNs = logTime;
    }
    entries.count += batch;
    entriesLeft -= batch;
  }
  return entries;
}
