import { Bag } from "@foxglove/rosbag";
import { ByteCursor, dataView } from "./byte-cursor.js";
import { type ByteSource, RecordingReadError } from "./byte-source.js";
import type { IndexResult } from "./index-result.js";
import { describeParserError, RecordingFormatError } from "./recording-format-error.js";
import { BagOp, readBagRecordHead, rosTimeNs, uint32Field } from "./rosbag-records.js";
import { type BagConnection, scanBagRecords } from "./rosbag-scan.js";
import { buildIndexResult, MessageWindow, TopicTally } from "./topic-tally.js";

type BagHeader = NonNullable<Bag["header"]>;
type ChunkInfo = Bag["chunkInfos"][number];

// Length of the "#ROSBAG V2.0\n" line before the bag header record.
const MAGIC_LINE_BYTES = 13;
// Each index entry is a record time (8 bytes) and an offset into the uncompressed chunk (4).
const INDEX_ENTRY_BYTES = 12;
// Entries parsed per read, so a chunk with many messages needs little memory.
const ENTRIES_PER_READ = 4096;
// Read-ahead for record heads; small so that locating index records reads no chunk data.
const HEAD_WINDOW_BYTES = 4096;

/**
 * Indexes a ROS 1 bag (format 2.0) from its index: the connection and chunk
 * info records at the end, plus the index data records after each chunk,
 * which hold the time of every message. No chunk is decompressed.
 *
 * The index is checked, not trusted: each chunk's window must be ordered,
 * its index records must list the counts of its chunk info, and every
 * message time must lie in its chunk's window. Chunks need not be in time
 * order, so the window is the minimum and maximum over all messages. When
 * the index is inconsistent, the chunks themselves are scanned instead.
 *
 * @throws RecordingFormatError when the bag has no index because it was
 * not closed properly, is cut off, or is damaged. The message counts the
 * messages that could be read.
 */
export async function indexRosbag(source: ByteSource): Promise<IndexResult> {
  const bag = new Bag(toFilelike(source));
  const header = await readBagHeader(bag, source);
  const dataStart = header.end ?? MAGIC_LINE_BYTES;
  const { indexPosition } = header;

  if (indexPosition === 0) {
    const scan = await scanBagRecords(source, dataStart, source.size);
    throw new RecordingFormatError(
      "ros1-bag",
      "truncated",
      `ROS bag has no index: the recording was not closed properly (${scan.messageCount} messages readable). Running "rosbag reindex" on the file rebuilds the index.`,
    );
  }
  if (indexPosition > source.size) {
    const scan = await scanBagRecords(source, dataStart, source.size);
    throw new RecordingFormatError(
      "ros1-bag",
      "truncated",
      `ROS bag ends at byte ${source.size}, before its index at byte ${indexPosition}: the recording was cut off (${scan.messageCount} messages readable)`,
    );
  }
  if (indexPosition < dataStart) {
    throw new RecordingFormatError(
      "ros1-bag",
      "damaged",
      `ROS bag header is damaged: it places the index at byte ${indexPosition}, inside the header that ends at byte ${dataStart}`,
    );
  }

  const fromIndex = await indexFromBagIndex(bag, source, header, dataStart);
  if (typeof fromIndex !== "string") return fromIndex;

  const scan = await scanBagRecords(source, dataStart, indexPosition);
  if (scan.stop !== undefined) {
    throw new RecordingFormatError(
      "ros1-bag",
      "damaged",
      `ROS bag is damaged: ${scan.stop.reason} (${scan.messageCount} messages readable before it). Its index is not usable either: ${fromIndex}.`,
    );
  }
  return resultFromConnections(scan.connections, scan.windows);
}

// The library reads ahead past the end of small files, so clamp reads to the file.
function toFilelike(source: ByteSource) {
  return {
    size: () => source.size,
    read: (offset: number, length: number) => {
      const start = Math.min(Math.max(0, offset), source.size);
      return source.read(start, Math.max(0, Math.min(length, source.size - start)));
    },
  };
}

async function readBagHeader(bag: Bag, source: ByteSource): Promise<BagHeader> {
  try {
    return await bag.reader.readHeader();
  } catch (error) {
    if (error instanceof RecordingReadError) throw error;
    const problem = source.size < MAGIC_LINE_BYTES + 4096 ? "truncated" : "damaged";
    throw new RecordingFormatError(
      "ros1-bag",
      problem,
      `ROS bag header record at byte ${MAGIC_LINE_BYTES} cannot be read: the file is ${problem === "truncated" ? "cut off" : "damaged"} (parser detail: ${describeParserError(error)})`,
      { cause: error },
    );
  }
}

/**
 * Builds the result from the bag's index records. Returns a description of
 * the first inconsistency instead when the index cannot be trusted.
 */
async function indexFromBagIndex(
  bag: Bag,
  source: ByteSource,
  header: BagHeader,
  dataStart: number,
): Promise<IndexResult | string> {
  const { indexPosition, connectionCount, chunkCount } = header;
  let index: Awaited<ReturnType<Bag["reader"]["readConnectionsAndChunkInfo"]>>;
  try {
    index = await bag.reader.readConnectionsAndChunkInfo(
      indexPosition,
      connectionCount,
      chunkCount,
    );
  } catch (error) {
    if (error instanceof RecordingReadError) throw error;
    return `the connection and chunk info records at byte ${indexPosition} cannot be parsed (${describeParserError(error)})`;
  }

  // An index without chunks is only true of a bag whose data section is empty.
  if (index.chunkInfos.length === 0 && indexPosition > dataStart) {
    return `the index lists no chunk, but ${indexPosition - dataStart} bytes of data precede it`;
  }

  const windows = new Map<number, MessageWindow>();
  for (const chunkInfo of index.chunkInfos) {
    const problem = await readChunkIndex(source, chunkInfo, dataStart, indexPosition, windows);
    if (problem !== undefined) return problem;
  }

  const connections = new Map<number, BagConnection>();
  for (const connection of index.connections) {
    connections.set(connection.conn, { topic: connection.topic, type: connection.type ?? null });
  }
  for (const conn of windows.keys()) {
    if (!connections.has(conn)) return `messages on connection ${conn} have no connection record`;
  }
  return resultFromConnections(connections, windows);
}

/**
 * Reads the index data records that follow one chunk and adds their message
 * times to `windows`. Returns a description of the inconsistency, if any.
 */
async function readChunkIndex(
  source: ByteSource,
  chunkInfo: ChunkInfo,
  dataStart: number,
  indexPosition: number,
  windows: Map<number, MessageWindow>,
): Promise<string | undefined> {
  const { chunkPosition } = chunkInfo;
  const startNs =
    BigInt(chunkInfo.startTime.sec) * 1_000_000_000n + BigInt(chunkInfo.startTime.nsec);
  const endNs = BigInt(chunkInfo.endTime.sec) * 1_000_000_000n + BigInt(chunkInfo.endTime.nsec);
  if (chunkPosition < dataStart || chunkPosition >= indexPosition) {
    return `the chunk info places a chunk at byte ${chunkPosition}, outside the data section`;
  }
  if (startNs > endNs) {
    return `the chunk info of the chunk at byte ${chunkPosition} ends before it starts`;
  }

  const cursor = new ByteCursor(source, chunkPosition, indexPosition, HEAD_WINDOW_BYTES);
  const chunk = await readBagRecordHead(cursor);
  if (chunk.kind !== "record" || chunk.head.op !== BagOp.chunk) {
    return `no chunk record starts at byte ${chunkPosition}, where the chunk info places one`;
  }
  if (!cursor.skip(chunk.head.dataLength)) {
    return `the chunk at byte ${chunkPosition} runs into the index section`;
  }

  const expectedCounts = new Map(chunkInfo.connections.map(({ conn, count }) => [conn, count]));
  for (let indexRecord = 0; indexRecord < chunkInfo.connections.length; indexRecord++) {
    const result = await readBagRecordHead(cursor);
    if (result.kind !== "record" || result.head.op !== BagOp.indexData) {
      return `the chunk at byte ${chunkPosition} is not followed by the ${chunkInfo.connections.length} index data records its chunk info announces`;
    }

    const { fields, dataLength } = result.head;
    const conn = uint32Field(fields, "conn");
    const count = uint32Field(fields, "count");
    if (uint32Field(fields, "ver") !== 1 || conn === undefined || count === undefined) {
      return `the index data record at byte ${result.head.offset} lacks its ver, conn or count field`;
    }
    if (expectedCounts.get(conn) !== count || dataLength !== count * INDEX_ENTRY_BYTES) {
      return `the index data record at byte ${result.head.offset} lists ${count} messages on connection ${conn}, but the chunk info lists ${expectedCounts.get(conn) ?? 0}`;
    }
    expectedCounts.delete(conn);

    let window = windows.get(conn);
    if (window === undefined) {
      window = new MessageWindow();
      windows.set(conn, window);
    }
    const problem = await readIndexEntries(cursor, count, startNs, endNs, window);
    if (problem !== undefined) {
      return `in the index data record at byte ${result.head.offset}, ${problem}`;
    }
  }
  return undefined;
}

async function readIndexEntries(
  cursor: ByteCursor,
  count: number,
  chunkStartNs: bigint,
  chunkEndNs: bigint,
  window: MessageWindow,
): Promise<string | undefined> {
  let entriesLeft = count;
  while (entriesLeft > 0) {
    const batch = Math.min(entriesLeft, ENTRIES_PER_READ);
    const entries = await cursor.take(batch * INDEX_ENTRY_BYTES);
    if (entries === undefined) return "the entries run into the index section";

    const view = dataView(entries);
    for (let entry = 0; entry < batch; entry++) {
      const timeNs = rosTimeNs(view, entry * INDEX_ENTRY_BYTES);
      if (timeNs < chunkStartNs || timeNs > chunkEndNs) {
        return `a message time (${timeNs} ns) lies outside the chunk's window ${chunkStartNs}..${chunkEndNs} ns`;
      }
      window.addMessage(timeNs);
    }
    entriesLeft -= batch;
  }
  return undefined;
}

function resultFromConnections(
  connections: Map<number, BagConnection>,
  windows: Map<number, MessageWindow>,
): IndexResult {
  const tally = new TopicTally();
  for (const [conn, connection] of connections) {
    tally.add(connection.topic, connection.type, windows.get(conn) ?? new MessageWindow());
  }
  return buildIndexResult("ros1-bag", tally);
}
