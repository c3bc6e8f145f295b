import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ByteSource, memoryByteSource, RecordingReadError } from "./byte-source.js";
import { BlockReader } from "./mcap-block-reader.js";

const bytes = Uint8Array.from({ length: 1000 }, (_, index) => (index * 7) % 251);

/** Memory source that records every range read, in call order. */
function recordingReads(data: Uint8Array): ByteSource & { reads: [number, number][] } {
  const source = memoryByteSource(data);
  const reads: [number, number][] = [];
  return {
    size: source.size,
    reads,
    read(offset, length) {
      reads.push([offset, length]);
      return source.read(offset, length);
    },
  };
}

/** Copies the `length` bytes at the reader's position, which `ensure` made available. */
function bytesAtPosition(reader: BlockReader, length: number): Uint8Array {
  const at = reader.indexOf(reader.position);
  return reader.bytes.slice(at, at + length);
}

describe("BlockReader", () => {
  it("ensure returns the source bytes", async () => {
    // Steps of (bytes skipped, bytes looked at), with small blocks so that ranges cross them.
    const steps = fc.array(fc.tuple(fc.nat({ max: 120 }), fc.nat({ max: 90 })), { maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 64 }), steps, async (blockBytes, moves) => {
        const reader = new BlockReader(memoryByteSource(bytes), blockBytes);
        for (const [skipped, length] of moves) {
          reader.skip(skipped);
          const position = reader.position;
          const available = await reader.ensure(length);

          expect(available).toBe(position + length <= bytes.byteLength);
          if (!available) return;
          expect(bytesAtPosition(reader, length)).toEqual(bytes.slice(position, position + length));
          expect(reader.has(length)).toBe(true);
        }
      }),
      { numRuns: 200, seed: 20_260_101 },
    );
  });

  it("reads each byte once, in order", async () => {
    const source = recordingReads(bytes);
    const reader = new BlockReader(source, 64);
    for (const [skipped, length] of [
      [0, 9],
      [300, 100],
      [5, 9],
      [500, 20],
    ]) {
      reader.skip(skipped ?? 0);
      expect(await reader.ensure(length ?? 0)).toBe(true);
    }
    reader.skip(bytes.byteLength - reader.position);
    expect(await reader.ensure(0)).toBe(true);

    let next = 0;
    for (const [offset, length] of source.reads) {
      expect(offset).toBe(next);
      next = offset + length;
    }
    expect(next).toBe(bytes.byteLength);
  });

  it("reads in whole blocks", async () => {
    const source = recordingReads(bytes);
    const reader = new BlockReader(source, 128);
    expect(await reader.ensure(300)).toBe(true);

    expect(source.reads.slice(0, 3)).toEqual([
      [0, 128],
      [128, 128],
      [256, 128],
    ]);
  });

  it("range past the end is refused", async () => {
    const source = recordingReads(bytes);
    const reader = new BlockReader(source, 64);
    reader.skip(990);

    expect(await reader.ensure(11)).toBe(false);
    expect(source.reads).toEqual([]);
    expect(await reader.ensure(10)).toBe(true);
    expect(bytesAtPosition(reader, 10)).toEqual(bytes.slice(990));
  });

  it("failed read reaches the caller", async () => {
    const failing: ByteSource = {
      size: bytes.byteLength,
      read: async (offset) => {
        if (offset >= 64) throw new RecordingReadError(`read at ${offset} failed`);
        return bytes.slice(offset, offset + 64);
      },
    };
    const reader = new BlockReader(failing, 64);
    expect(await reader.ensure(10)).toBe(true);

    reader.skip(100);
    await expect(reader.ensure(10)).rejects.toThrow("read at 64 failed");
  });

  it("unused failed read-ahead stays handled", async () => {
    // The read-ahead of the second block fails and is never awaited; an unhandled
    // rejection would fail this test run.
    const failing: ByteSource = {
      size: bytes.byteLength,
      read: async (offset) => {
        if (offset >= 64) throw new RecordingReadError(`read at ${offset} failed`);
        return bytes.slice(offset, offset + 64);
      },
    };
    const reader = new BlockReader(failing, 64);
    expect(await reader.ensure(10)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bytesAtPosition(reader, 10)).toEqual(bytes.slice(0, 10));
  });
});
