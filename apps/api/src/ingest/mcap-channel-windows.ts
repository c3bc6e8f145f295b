import type { McapTypes } from "@mcap/core";
import type { ByteSource } from "./byte-source.js";
import { compareAscending } from "./compare.js";
import { type ChannelEntries, readChunkMessageIndexes } from "./mcap-message-index.js";
import { MessageWindow } from "./topic-tally.js";

/** The parts of an MCAP summary that the search reads. */
export interface McapSummary {
  chunkIndexes: readonly McapTypes.ChunkIndex[];
  statistics: McapTypes.Statistics;
  dataEndOffset: bigint;
}

/**
 * Finds the message count and the exact log time window of every channel
 * with messages, reading the Message Index records of as few chunks as the
 * chunk windows allow.
 *
 * Counts come from the Statistics record. A channel's earliest message lies
 * in one of the chunks that index it, which are visited by ascending
 * `message_start_time`. The visit stops at the first chunk that starts at or
 * after the earliest time found so far, since that chunk cannot contain an
 * earlier message. The latest message is found the same way by descending
 * `message_end_time`. Chunks may overlap and come in any order. When the
 * Statistics record gives no per-channel counts, every chunk's indexes are
 * read to count them.
 *
 * Returns `undefined` when an index read is malformed or has a log time
 * outside its chunk's window, or when the entries read contradict the
 * Statistics counts. The caller then scans the whole file.
 *
 * NOTE: the windows of chunks that are not visited are trusted to bound
 * their messages. Only a full scan would catch a chunk index that lies.
 */
export async function findChannelWindows(
  source: ByteSource,
  summary: McapSummary,
): Promise<Map<number, MessageWindow> | undefined> {
  const { chunkIndexes, statistics } = summary;
  const search = new ChunkEntriesCache(source, summary.dataEndOffset);
  const countsKnown = statistics.channelMessageCounts.size > 0 || statistics.messageCount === 0n;
  if (!countsKnown) {
    for (const chunk of chunkIndexes) await search.entriesOf(chunk);
  }

  const counts = countsKnown ? statistics.channelMessageCounts : search.countsRead();
  const byStart = [...chunkIndexes].sort((a, b) =>
    compareAscending(a.messageStartTime, b.messageStartTime),
  );
  const byEndDescending = [...chunkIndexes].sort((a, b) =>
    compareAscending(b.messageEndTime, a.messageEndTime),
  );

  const windows = new Map<number, MessageWindow>();
  for (const [channelId, count] of counts) {
    if (count === 0n) continue;
    const earliest = await findEarliest(search, byStart, channelId);
    const latest = await findLatest(search, byEndDescending, channelId);
    if (search.failed || earliest === undefined || latest === undefined) return undefined;

    const window = new MessageWindow();
    window.count = Number(count);
    window.widen(earliest, latest);
    windows.set(channelId, window);
  }

  if (search.failed || !countsAgree(chunkIndexes, search, counts)) return undefined;
  return windows;
}

async function findEarliest(
  search: ChunkEntriesCache,
  byStart: readonly McapTypes.ChunkIndex[],
  channelId: number,
): Promise<bigint | undefined> {
  let earliest: bigint | undefined;
  for (const chunk of byStart) {
    if (!chunk.messageIndexOffsets.has(channelId)) continue;
    if (earliest !== undefined && chunk.messageStartTime >= earliest) break;

    const time = (await search.entriesOf(chunk))?.get(channelId)?.earliestNs;
    if (time !== undefined && (earliest === undefined || time < earliest)) earliest = time;
  }
  return earliest;
}

async function findLatest(
  search: ChunkEntriesCache,
  byEndDescending: readonly McapTypes.ChunkIndex[],
  channelId: number,
): Promise<bigint | undefined> {
  let latest: bigint | undefined;
  for (const chunk of byEndDescending) {
    if (!chunk.messageIndexOffsets.has(channelId)) continue;
    if (latest !== undefined && chunk.messageEndTime <= latest) break;

    const time = (await search.entriesOf(chunk))?.get(channelId)?.latestNs;
    if (time !== undefined && (latest === undefined || time > latest)) latest = time;
  }
  return latest;
}

/**
 * Checks the entries read against the counts: a channel's entries may not
 * exceed its count, and must equal it when every chunk that indexes the
 * channel was read.
 */
function countsAgree(
  chunkIndexes: readonly McapTypes.ChunkIndex[],
  search: ChunkEntriesCache,
  counts: ReadonlyMap<number, bigint>,
): boolean {
  const read = search.countsRead();
  for (const [channelId, countRead] of read) {
    if (countRead > (counts.get(channelId) ?? 0n)) return false;
  }

  for (const [channelId, count] of counts) {
    const allRead = chunkIndexes.every(
      (chunk) => !chunk.messageIndexOffsets.has(channelId) || search.hasRead(chunk),
    );
    if (allRead && (read.get(channelId) ?? 0n) !== count) return false;
  }
  return true;
}

/** Message Index entries of the chunks read so far, so that each chunk's records are read once. */
class ChunkEntriesCache {
  readonly #source: ByteSource;
  readonly #dataEndOffset: bigint;
  readonly #byChunk = new Map<McapTypes.ChunkIndex, Map<number, ChannelEntries>>();
  /** Set when a chunk's records were malformed, which ends the search. */
  failed = false;

  constructor(source: ByteSource, dataEndOffset: bigint) {
    this.#source = source;
    this.#dataEndOffset = dataEndOffset;
  }

  async entriesOf(chunk: McapTypes.ChunkIndex): Promise<Map<number, ChannelEntries> | undefined> {
    if (this.failed) return undefined;
    const cached = this.#byChunk.get(chunk);
    if (cached !== undefined) return cached;

    const entries = await readChunkMessageIndexes(this.#source, chunk, this.#dataEndOffset);
    if (entries === undefined) {
      this.failed = true;
      return undefined;
    }
    this.#byChunk.set(chunk, entries);
    return entries;
  }

  hasRead(chunk: McapTypes.ChunkIndex): boolean {
    return this.#byChunk.has(chunk);
  }

  /** Entry counts by channel over the chunks read so far. */
  countsRead(): Map<number, bigint> {
    const counts = new Map<number, bigint>();
    for (const entriesByChannel of this.#byChunk.values()) {
      for (const [channelId, entries] of entriesByChannel) {
        counts.set(channelId, (counts.get(channelId) ?? 0n) + BigInt(entries.count));
      }
    }
    return counts;
  }
}
