import { type ByteCursor, dataView } from "./byte-cursor.js";

/** Record opcodes of the ROS bag format 2.0. */
export const BagOp = {
  messageData: 0x02,
  bagHeader: 0x03,
  indexData: 0x04,
  chunk: 0x05,
  chunkInfo: 0x06,
  connection: 0x07,
} as const;

const textDecoder = new TextDecoder();

/** Largest record header this reader accepts, in bytes. Headers have a few short fields, so a larger length means damage. */
const MAX_HEADER_BYTES = 64 * 1024;

/** Header fields and data length of one bag record, read before its data. */
export interface BagRecordHead {
  /** Offset of the record in the file, or in the uncompressed chunk for a record inside a chunk. */
  offset: number;
  op: number;
  fields: Map<string, Uint8Array>;
  /** Length of the record's data in bytes, which follows the header. */
  dataLength: number;
}

/**
 * Outcome of reading a record head: the head, or where and why reading
 * stopped. `truncated` means the bytes ran out; `malformed` means the bytes
 * are not a record.
 */
export type BagRecordHeadResult =
  | { kind: "record"; head: BagRecordHead }
  | { kind: "truncated" | "malformed"; reason: string };

/**
 * Reads the header and data length of the record at the cursor, leaving the
 * cursor at the start of the record's data. A bag record is a 4-byte header
 * length, header fields, a 4-byte data length, then the data.
 */
export async function readBagRecordHead(cursor: ByteCursor): Promise<BagRecordHeadResult> {
  const offset = cursor.position;
  const headerLengthBytes = await cursor.take(4);
  if (headerLengthBytes === undefined) {
    return {
      kind: "truncated",
      reason: `the record at byte ${offset} is cut off in its header length`,
    };
  }

  const headerLength = dataView(headerLengthBytes).getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES) {
    return {
      kind: "malformed",
      reason: `the record at byte ${offset} declares a ${headerLength}-byte header, which no bag record has`,
    };
  }

  const headerBytes = await cursor.take(headerLength + 4);
  if (headerBytes === undefined) {
    return { kind: "truncated", reason: `the record at byte ${offset} is cut off in its header` };
  }

  const fields = parseHeaderFields(headerBytes.subarray(0, headerLength));
  const op = fields?.get("op");
  if (fields === undefined || op?.byteLength !== 1) {
    return { kind: "malformed", reason: `the record at byte ${offset} has no valid header fields` };
  }

  const dataLength = dataView(headerBytes).getUint32(headerLength, true);
  return { kind: "record", head: { offset, op: op[0] ?? 0, fields, dataLength } };
}

/**
 * Parses `name=value` header fields, each prefixed by its 4-byte length.
 * Returns `undefined` when a length runs past the header or a field has no `=`.
 */
export function parseHeaderFields(header: Uint8Array): Map<string, Uint8Array> | undefined {
  const fields = new Map<string, Uint8Array>();
  const view = dataView(header);
  let position = 0;

  while (position < header.byteLength) {
    if (position + 4 > header.byteLength) return undefined;
    const fieldLength = view.getUint32(position, true);
    const fieldStart = position + 4;
    const fieldEnd = fieldStart + fieldLength;
    if (fieldEnd > header.byteLength) return undefined;

    const field = header.subarray(fieldStart, fieldEnd);
    const separator = field.indexOf(0x3d); // "="
    if (separator < 0) return undefined;
    fields.set(textDecoder.decode(field.subarray(0, separator)), field.subarray(separator + 1));
    position = fieldEnd;
  }
  return fields;
}

/** Reads a little-endian uint32 header field; `undefined` when absent or not 4 bytes. */
export function uint32Field(fields: Map<string, Uint8Array>, name: string): number | undefined {
  const value = fields.get(name);
  if (value?.byteLength !== 4) return undefined;
  return dataView(value).getUint32(0, true);
}

/** Reads a text header field; `undefined` when absent. */
export function textField(fields: Map<string, Uint8Array>, name: string): string | undefined {
  const value = fields.get(name);
  return value === undefined ? undefined : textDecoder.decode(value);
}

/**
 * Converts a ROS time (uint32 seconds, then uint32 nanoseconds) at `offset`
 * of `view` to nanoseconds.
 */
export function rosTimeNs(view: DataView, offset: number): bigint {
  const seconds = view.getUint32(offset, true);
  const nanoseconds = view.getUint32(offset + 4, true);
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
}
