import type { ByteSource } from "./byte-source.js";

const EMPTY = new Uint8Array(0);

/**
 * Sequential reader over a byte source for the MCAP scan. It fetches every
 * byte of the source once and in order, in blocks of `blockBytes`, as a plain
 * sequential read does. While the caller works on one block, the next one is
 * already being read. Memory keeps two blocks plus the largest range asked
 * for with `ensure`.
 *
 * `skip` moves forward without looking at the bytes. Blocks that hold only
 * skipped bytes are still fetched, and dropped, by the next `ensure`: skipping
 * within a block saves no read, and reading on keeps the source's access
 * sequential.
 */
export class BlockReader {
  readonly #source: ByteSource;
  readonly #blockBytes: number;
  #buffer: Uint8Array = EMPTY;
  #view: DataView = new DataView(EMPTY.buffer);
  /** Source offset of `#buffer[0]`. */
  #bufferStart = 0;
  /** Source offset just past the last fetched byte, which is also the end of `#buffer`. */
  #fetchedEnd = 0;
  #position = 0;
  #readAhead: { start: number; bytes: Promise<Uint8Array> } | undefined;

  constructor(source: ByteSource, blockBytes: number) {
    this.#source = source;
    this.#blockBytes = Math.max(1, blockBytes);
  }

  /** Source offset of the next byte. */
  get position(): number {
    return this.#position;
  }

  /** Size of the source in bytes. */
  get size(): number {
    return this.#source.size;
  }

  /** Bytes of the current buffer, valid until the next `ensure`. */
  get bytes(): Uint8Array {
    return this.#buffer;
  }

  /** View over `bytes`, valid until the next `ensure`. */
  get view(): DataView {
    return this.#view;
  }

  /** Index in `bytes` of the source offset `offset`, which `ensure` has made available. */
  indexOf(offset: number): number {
    return offset - this.#bufferStart;
  }

  /** Returns whether the `length` bytes from the position are in `bytes` already, so that no `ensure` is needed. */
  has(length: number): boolean {
    return this.#position + length <= this.#fetchedEnd;
  }

  /** Moves forward by `length` bytes without fetching them yet. */
  skip(length: number): void {
    this.#position += length;
  }

  /**
   * Makes the `length` bytes from the position available in `bytes` as one
   * contiguous range. Returns false, without fetching, when the source ends
   * before them.
   */
  async ensure(length: number): Promise<boolean> {
    const needEnd = this.#position + length;
    if (needEnd <= this.#fetchedEnd) return true;
    if (needEnd > this.#source.size) return false;

    // Blocks that end before the position hold only skipped bytes.
    while (this.#fetchedEnd <= this.#position && this.#fetchedEnd < this.#source.size) {
      const start = this.#fetchedEnd;
      this.#setBuffer(start, await this.#nextBlock());
    }
    if (needEnd <= this.#fetchedEnd) return true;

    // The range runs past the buffer, so its start is kept and blocks are appended until it is complete.
    const parts = [this.#buffer.subarray(this.#position - this.#bufferStart)];
    while (this.#fetchedEnd < needEnd) parts.push(await this.#nextBlock());
    const joined = new Uint8Array(this.#fetchedEnd - this.#position);
    let filled = 0;
    for (const part of parts) {
      joined.set(part, filled);
      filled += part.byteLength;
    }
    this.#setBuffer(this.#position, joined);
    return true;
  }

  // Returns the block at `#fetchedEnd` and starts reading the one after it, so that the source
  // reads while the caller works on this block.
  async #nextBlock(): Promise<Uint8Array> {
    const start = this.#fetchedEnd;
    const pending =
      this.#readAhead?.start === start ? this.#readAhead.bytes : this.#readBlock(start);
    this.#readAhead = undefined;
    const bytes = await pending;
    this.#fetchedEnd = start + bytes.byteLength;

    if (this.#fetchedEnd < this.#source.size) {
      const next = this.#readBlock(this.#fetchedEnd);
      // A failed read-ahead that is never awaited (the walk stopped first) must not be an unhandled rejection.
      next.catch(() => undefined);
      this.#readAhead = { start: this.#fetchedEnd, bytes: next };
    }
    return bytes;
  }

  #readBlock(start: number): Promise<Uint8Array> {
    return this.#source.read(start, Math.min(this.#blockBytes, this.#source.size - start));
  }

  #setBuffer(start: number, bytes: Uint8Array): void {
    this.#buffer = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#bufferStart = start;
  }
}
