import type { ByteSource } from "./byte-source.js";

/** Bytes fetched per read when a caller asks for less, so small records cost one read per window. */
export const DEFAULT_WINDOW_BYTES = 1024 * 1024;

/**
 * Sequential reader over a range `[start, end)` of a byte source. It keeps
 * one window of bytes in memory (the larger of `windowBytes` and the largest
 * single `take`), so a scan of a large file needs bounded memory.
 */
export class ByteCursor {
  readonly #source: ByteSource;
  readonly #end: number;
  readonly #windowBytes: number;
  #buffer: Uint8Array = new Uint8Array(0);
  #bufferStart = 0;
  #position: number;

  constructor(
    source: ByteSource,
    start: number,
    end: number = source.size,
    windowBytes = DEFAULT_WINDOW_BYTES,
  ) {
    this.#source = source;
    this.#position = start;
    this.#end = Math.min(end, source.size);
    this.#windowBytes = windowBytes;
  }

  /** Offset of the next byte in the source. */
  get position(): number {
    return this.#position;
  }

  /** Bytes left before the end of the range. */
  get remaining(): number {
    return Math.max(0, this.#end - this.#position);
  }

  /**
   * Returns the next `length` bytes and moves past them, or `undefined`
   * (without moving) when fewer than `length` bytes remain in the range. The
   * returned view is valid until the next call.
   */
  async take(length: number): Promise<Uint8Array | undefined> {
    if (length < 0 || length > this.remaining) return undefined;

    const bufferEnd = this.#bufferStart + this.#buffer.byteLength;
    const inBuffer = this.#position >= this.#bufferStart && this.#position + length <= bufferEnd;
    if (!inBuffer) await this.#load(length);

    const from = this.#position - this.#bufferStart;
    this.#position += length;
    return this.#buffer.subarray(from, from + length);
  }

  /**
   * Moves forward by `length` bytes without reading them. Returns false
   * (without moving) for a negative length or one past the end.
   */
  skip(length: number): boolean {
    if (length < 0 || length > this.remaining) return false;
    this.#position += length;
    return true;
  }

  async #load(length: number): Promise<void> {
    const bufferEnd = this.#bufferStart + this.#buffer.byteLength;
    const loadLength = Math.min(Math.max(length, this.#windowBytes), this.remaining);

    // Keep the buffered bytes that the request overlaps, so no byte is read twice.
    const overlaps = this.#position >= this.#bufferStart && this.#position < bufferEnd;
    if (!overlaps) {
      this.#buffer = await this.#source.read(this.#position, loadLength);
      this.#bufferStart = this.#position;
      return;
    }

    const overlap = this.#buffer.subarray(this.#position - this.#bufferStart);
    const fresh = await this.#source.read(bufferEnd, loadLength - overlap.byteLength);
    const joined = new Uint8Array(overlap.byteLength + fresh.byteLength);
    joined.set(overlap);
    joined.set(fresh, overlap.byteLength);
    this.#buffer = joined;
    this.#bufferStart = this.#position;
  }
}

/** DataView over exactly the bytes of a view, for reading record fields. */
export function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
