import { McapIndexedReader, type McapTypes } from "@mcap/core";
import { ByteCursor, dataView } from "./byte-cursor.js";
import { type ByteSource, RecordingReadError } from "./byte-source.js";
import { compareAscending } from "./compare.js";
import type { IndexResult } from "./index-result.js";
import { buildIndexResult, MessageWindow, TopicTally } from "./topic-tally.js";

const MESSAGE_INDEX_OPCODE = 0x07;
// Opcode (1), record length (8), channel id (2), byte length of the entries (4).
const MESSAGE_INDEX_PREFIX_BYTES = 15;
// Each entry is a log time (8) and an offset into the uncompressed chunk (8).
const MESSAGE_INDEX_ENTRY_BYTES = 16;
// Entries parsed per read, so a chunk with millions of messages needs little memory.
const ENTRIES_PER_READ = 4096;

/**
 * Indexes an MCAP file from its footer, summary section and message index
 * records, without reading any chunk. Message indexes are needed because the
 * summary gives per-channel counts but not per-channel windows; they cost 16
 * bytes per message.
 *
 * The summary is checked, not trusted. Chunk windows must be ordered and lie
 * inside the data section, and every message index entry must lie in its
 * chunk's window. The counts and window of the Statistics record must equal
 * those of the message indexes.
 *
 * Returns `undefined` when there is no summary or it is incomplete or
 * inconsistent. The caller then scans the whole file, and that scan also
 * decides whether the file is damaged.
 */
export async function indexMcapFromSummary(source: ByteSource): Promise<IndexResult | undefined> {
  let reader: McapIndexedReader;
  try {
    reader = await McapIndexedReader.Initialize({ readable: toReadable(source) });
  } catch (error) {
    if (error instanceof RecordingReadError) throw error;
    return undefined;
  }

  const { statistics } = reader;
  if (statistics === undefined || !chunkIndexesCoverStatistics(reader, statistics)) {
    return undefined;
  }

  const windows = await readMessageIndexes(source, reader);
  if (windows === undefined || !windowsMatchStatistics(windows, statistics)) return undefined;

  const tally = new TopicTally();
  for (const channel of reader.channelsById.values()) {
    const schemaName = schemaNameOf(reader, channel);
    if (schemaName === undefined) return undefined;
    tally.add(channel.topic, schemaName, windows.get(channel.id) ?? new MessageWindow());
  }

  // Messages on a channel the summary does not list would be dropped silently.
  for (const channelId of windows.keys()) {
    if (!reader.channelsById.has(channelId)) return undefined;
  }
  return buildIndexResult("mcap", tally);
}

function toReadable(source: ByteSource): McapTypes.IReadable {
  return {
    size: async () => BigInt(source.size),
    read: (offset, length) => source.read(Number(offset), Number(length)),
  };
}

// Every message must sit in an indexed chunk, or the message indexes miss some.
function chunkIndexesCoverStatistics(
  reader: McapIndexedReader,
  statistics: McapTypes.Statistics,
): boolean {
  if (statistics.chunkCount !== reader.chunkIndexes.length) return false;
  if (statistics.messageCount > 0n && reader.chunkIndexes.length === 0) return false;

  for (const chunk of reader.chunkIndexes) {
    if (chunk.messageStartTime > chunk.messageEndTime) return false;
    const chunkEnd = chunk.chunkStartOffset + chunk.chunkLength;
    if (chunk.chunkStartOffset < 8n || chunkEnd > reader.dataEndOffset) return false;

    for (const offset of chunk.messageIndexOffsets.values()) {
      if (offset < chunkEnd || offset >= reader.dataEndOffset) return false;
    }
  }
  return true;
}

/**
 * Reads the message index records of every chunk into one window per
 * channel. Returns `undefined` when a record is missing or malformed, or has a
 * time outside its chunk's window.
 */
async function readMessageIndexes(
  source: ByteSource,
  reader: McapIndexedReader,
): Promise<Map<number, MessageWindow> | undefined> {
  const windows = new Map<number, MessageWindow>();

  for (const chunk of reader.chunkIndexes) {
    const records = [...chunk.messageIndexOffsets.entries()].sort((a, b) =>
      compareAscending(a[1], b[1]),
    );
    const first = records[0];
    if (first === undefined) {
      // A chunk without message indexes hides its messages from this reader.
      if (chunk.messageStartTime !== 0n || chunk.messageEndTime !== 0n) return undefined;
      continue;
    }

    // The records of one chunk are contiguous, so one cursor bounded to them reads them in order.
    const start = first[1];
    const end = start + chunk.messageIndexLength;
    if (end > reader.dataEndOffset) return undefined;
    const cursor = new ByteCursor(source, Number(start), Number(end));
    for (const [channelId, offset] of records) {
      if (!cursor.skip(Number(offset) - cursor.position)) return undefined;

      let window = windows.get(channelId);
      if (window === undefined) {
        window = new MessageWindow();
        windows.set(channelId, window);
      }
      const valid = await readMessageIndex(cursor, channelId, chunk, window);
      if (!valid) return undefined;
    }
  }
  return windows;
}

async function readMessageIndex(
  cursor: ByteCursor,
  channelId: number,
  chunk: McapTypes.ChunkIndex,
  window: MessageWindow,
): Promise<boolean> {
  const prefix = await cursor.take(MESSAGE_INDEX_PREFIX_BYTES);
  if (prefix === undefined) return false;

  const view = dataView(prefix);
  const recordLength = view.getBigUint64(1, true);
  const entriesLength = view.getUint32(11, true);
  const wellFormed =
    view.getUint8(0) === MESSAGE_INDEX_OPCODE &&
    view.getUint16(9, true) === channelId &&
    entriesLength % MESSAGE_INDEX_ENTRY_BYTES === 0 &&
    recordLength >= BigInt(6 + entriesLength);
  if (!wellFormed) return false;

  let entriesLeft = entriesLength / MESSAGE_INDEX_ENTRY_BYTES;
  while (entriesLeft > 0) {
    const batch = Math.min(entriesLeft, ENTRIES_PER_READ);
    const entries = await cursor.take(batch * MESSAGE_INDEX_ENTRY_BYTES);
    if (entries === undefined) return false;

    const entryView = dataView(entries);
    for (let index = 0; index < batch; index++) {
      const logTime = entryView.getBigUint64(index * MESSAGE_INDEX_ENTRY_BYTES, true);
      if (logTime < chunk.messageStartTime || logTime > chunk.messageEndTime) return false;
      window.addMessage(logTime);
    }
    entriesLeft -= batch;
  }
  return true;
}

function windowsMatchStatistics(
  windows: Map<number, MessageWindow>,
  statistics: McapTypes.Statistics,
): boolean {
  const overall = new MessageWindow();
  let messageCount = 0n;
  for (const [channelId, window] of windows) {
    messageCount += BigInt(window.count);
    if (window.startNs !== null && window.endNs !== null) {
      overall.widen(window.startNs, window.endNs);
    }

    // Writers may leave per-channel counts out; when present they must agree.
    const expected = statistics.channelMessageCounts.get(channelId);
    if (statistics.channelMessageCounts.size > 0 && (expected ?? 0n) !== BigInt(window.count)) {
      return false;
    }
  }

  if (messageCount !== statistics.messageCount) return false;
  if (messageCount === 0n) return true;
  return (
    overall.startNs === statistics.messageStartTime && overall.endNs === statistics.messageEndTime
  );
}

// `null` for a channel without schema (id 0); `undefined` when the summary lacks the schema.
function schemaNameOf(
  reader: McapIndexedReader,
  channel: McapTypes.Channel,
): string | null | undefined {
  if (channel.schemaId === 0) return null;
  return reader.schemasById.get(channel.schemaId)?.name;
}
