import { ByteCursor, dataView } from "./byte-cursor.js";
import { type ByteSource, memoryByteSource } from "./byte-source.js";
import { loadDecompressors, MAX_UNCOMPRESSED_CHUNK_BYTES } from "./decompressors.js";
import { describeParserError } from "./recording-format-error.js";
import {
  BagOp,
  type BagRecordHead,
  parseHeaderFields,
  readBagRecordHead,
  rosTimeNs,
  textField,
  uint32Field,
} from "./rosbag-records.js";
import { MessageWindow } from "./topic-tally.js";

/** Topic and message type of one bag connection. */
export interface BagConnection {
  topic: string;
  type: string | null;
}

/** Connections and messages found by reading a bag's records in file order. */
export interface BagScan {
  /** Number of messages read. */
  messageCount: number;
  connections: Map<number, BagConnection>;
  /** Message count and window per connection id. */
  windows: Map<number, MessageWindow>;
  /** Reason the scan stopped before the end of its range; `undefined` when it read the whole range. */
  stop: { kind: "truncated" | "damaged"; reason: string } | undefined;
}

/**
 * Reads every record in `[start, end)` of a bag, decompressing chunks, and
 * counts the messages per connection. It serves when the bag's index is
 * missing or disagrees with itself, because the chunk contents are the truth
 * that the index summarises. Memory stays bounded by one chunk, compressed
 * and uncompressed.
 */
export async function scanBagRecords(
  source: ByteSource,
  start: number,
  end: number,
): Promise<BagScan> {
  const scan: BagScan = {
    messageCount: 0,
    connections: new Map(),
    windows: new Map(),
    stop: undefined,
  };
  const cursor = new ByteCursor(source, start, end);

  while (cursor.remaining > 0) {
    const result = await readBagRecordHead(cursor);
    if (result.kind !== "record") {
      scan.stop = {
        kind: result.kind === "truncated" ? "truncated" : "damaged",
        reason: result.reason,
      };
      return scan;
    }

    const { head } = result;
    if (head.dataLength > MAX_UNCOMPRESSED_CHUNK_BYTES) {
      scan.stop = {
        kind: "damaged",
        reason: `the record at byte ${head.offset} declares ${head.dataLength} bytes of data, more than the ${MAX_UNCOMPRESSED_CHUNK_BYTES}-byte limit of this indexer`,
      };
      return scan;
    }
    const data = await cursor.take(head.dataLength);
    if (data === undefined) {
      scan.stop = {
        kind: "truncated",
        reason: `the record at byte ${head.offset} is cut off: it declares ${head.dataLength} bytes of data but ${cursor.remaining} remain`,
      };
      return scan;
    }

    const problem =
      head.op === BagOp.chunk
        ? await readChunk(head, data, scan)
        : readRecord(head, data, scan, false);
    if (problem !== undefined) {
      scan.stop = { kind: "damaged", reason: problem };
      return scan;
    }
  }

  // Messages of a connection without its record cannot be named, so the bag is damaged.
  for (const conn of scan.windows.keys()) {
    if (!scan.connections.has(conn)) {
      scan.stop = {
        kind: "damaged",
        reason: `messages on connection ${conn} have no connection record`,
      };
    }
  }
  return scan;
}

// Returns a description of the damage, or `undefined` when the chunk was read.
async function readChunk(
  head: BagRecordHead,
  data: Uint8Array,
  scan: BagScan,
): Promise<string | undefined> {
  const compression = textField(head.fields, "compression");
  const size = uint32Field(head.fields, "size");
  if (compression === undefined || size === undefined) {
    return `the chunk at byte ${head.offset} lacks its compression or size field`;
  }
  if (size > MAX_UNCOMPRESSED_CHUNK_BYTES) {
    return `the chunk at byte ${head.offset} declares ${size} bytes uncompressed, more than the ${MAX_UNCOMPRESSED_CHUNK_BYTES}-byte limit of this indexer`;
  }

  let records = data;
  if (compression !== "none") {
    const decompress = (await loadDecompressors())[compression];
    if (decompress === undefined) {
      return `the chunk at byte ${head.offset} uses compression "${compression}"; only none, bz2 and lz4 are supported`;
    }
    try {
      records = decompress(data, BigInt(size));
    } catch (error) {
      return `the ${compression} chunk at byte ${head.offset} cannot be decompressed (${describeParserError(error)})`;
    }
  }

  // Records inside a chunk use the same framing as the file, so reuse the cursor on the chunk bytes.
  const where = `in the chunk at byte ${head.offset} (inner offsets count from its uncompressed start)`;
  const inner = new ByteCursor(memoryByteSource(records), 0);
  while (inner.remaining > 0) {
    const result = await readBagRecordHead(inner);
    if (result.kind !== "record") return `${where}, ${result.reason}`;

    const innerData = await inner.take(result.head.dataLength);
    if (innerData === undefined) {
      return `${where}, the record at byte ${result.head.offset} runs past the chunk's end`;
    }
    const problem = readRecord(result.head, innerData, scan, true);
    if (problem !== undefined) return `${where}, ${problem}`;
  }
  return undefined;
}

// Records one connection or message; returns a description of the damage, if any.
function readRecord(
  head: BagRecordHead,
  data: Uint8Array,
  scan: BagScan,
  insideChunk: boolean,
): string | undefined {
  switch (head.op) {
    case BagOp.connection: {
      const conn = uint32Field(head.fields, "conn");
      const topic = textField(head.fields, "topic");
      const connectionHeader = parseHeaderFields(data);
      if (conn === undefined || topic === undefined || connectionHeader === undefined) {
        return `the connection record at byte ${head.offset} lacks its conn or topic field`;
      }
      scan.connections.set(conn, { topic, type: textField(connectionHeader, "type") ?? null });
      return undefined;
    }

    case BagOp.messageData: {
      const conn = uint32Field(head.fields, "conn");
      const time = head.fields.get("time");
      if (conn === undefined || time?.byteLength !== 8) {
        return `the message record at byte ${head.offset} lacks its conn or time field`;
      }
      let window = scan.windows.get(conn);
      if (window === undefined) {
        window = new MessageWindow();
        scan.windows.set(conn, window);
      }
      window.addMessage(rosTimeNs(dataView(time), 0));
      scan.messageCount += 1;
      return undefined;
    }

    // Index records summarise chunks; the scan reads the chunks themselves.
    case BagOp.indexData:
    case BagOp.chunkInfo:
      return insideChunk ? `an index record at byte ${head.offset} sits inside a chunk` : undefined;

    default:
      return `the record at byte ${head.offset} has the unknown opcode ${head.op}`;
  }
}
