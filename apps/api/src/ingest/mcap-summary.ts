import { McapIndexedReader, type McapTypes } from "@mcap/core";
import { type ByteSource, RecordingReadError } from "./byte-source.js";
import type { IndexResult } from "./index-result.js";
import { findChannelWindows } from "./mcap-channel-windows.js";
import { buildIndexResult, MessageWindow, TopicTally } from "./topic-tally.js";

/**
 * Indexes an MCAP file from its footer, summary section and message index
 * records, without reading any chunk. Message indexes are needed because the
 * summary gives per-channel counts but not per-channel windows. Only the
 * indexes of the chunks that can hold a channel's earliest or latest message
 * are read (see `findChannelWindows`), so a file of well-ordered chunks costs
 * a few reads whatever its size.
 *
 * The summary is checked, not trusted. Chunk windows must be ordered and lie
 * inside the data section, and every message index entry read must lie in
 * its chunk's window. The counts and window of the Statistics record must
 * agree with those of the message indexes read.
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

  const windows = await findChannelWindows(source, {
    chunkIndexes: reader.chunkIndexes,
    statistics,
    dataEndOffset: reader.dataEndOffset,
  });
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

    // A chunk without message indexes hides its messages from this reader.
    const indexed = chunk.messageIndexOffsets.size > 0;
    if (!indexed && (chunk.messageStartTime !== 0n || chunk.messageEndTime !== 0n)) return false;
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
