import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ByteCursor } from "./byte-cursor.js";
import { fileByteSource, memoryByteSource, RecordingReadError } from "./byte-source.js";

const workDir = mkdtempSync(join(tmpdir(), "sortie-byte-source-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const bytes = Uint8Array.from({ length: 1000 }, (_, index) => index % 251);

describe("fileByteSource", () => {
  it("reads ranges and counts them", async () => {
    const path = join(workDir, "counted.bin");
    writeFileSync(path, bytes);
    const source = await fileByteSource(path);
    try {
      expect(source.size).toBe(1000);
      expect(await source.read(10, 5)).toEqual(bytes.subarray(10, 15));
      expect(await source.read(995, 5)).toEqual(bytes.subarray(995, 1000));
      expect(source.bytesRead()).toBe(10);
    } finally {
      await source.close();
    }
  });

  it("rejects ranges outside the file", async () => {
    const path = join(workDir, "bounded.bin");
    writeFileSync(path, bytes);
    const source = await fileByteSource(path);
    try {
      await expect(source.read(990, 20)).rejects.toThrow(RangeError);
      await expect(source.read(-1, 2)).rejects.toThrow(RangeError);
      expect(source.bytesRead()).toBe(0);
    } finally {
      await source.close();
    }
  });

  it("file shrunk after open fails", async () => {
    const path = join(workDir, "shrinking.bin");
    writeFileSync(path, bytes);
    const source = await fileByteSource(path);
    try {
      truncateSync(path, 100);
      await expect(source.read(50, 100)).rejects.toThrow(RecordingReadError);
      await expect(source.read(50, 100)).rejects.toThrow("the file shrank after it was opened");
    } finally {
      await source.close();
    }
  });
});

describe("ByteCursor", () => {
  it("takes bytes across windows", async () => {
    const source = memoryByteSource(bytes);
    const cursor = new ByteCursor(source, 100, 1000, 64);

    expect(await cursor.take(60)).toEqual(bytes.subarray(100, 160));
    expect(await cursor.take(10)).toEqual(bytes.subarray(160, 170));
    expect(await cursor.take(200)).toEqual(bytes.subarray(170, 370));
    expect(cursor.position).toBe(370);
  });

  it("reads no byte twice", async () => {
    const source = memoryByteSource(bytes);
    const cursor = new ByteCursor(source, 0, 1000, 64);
    while ((await cursor.take(7)) !== undefined) {}
    expect(source.bytesRead()).toBe(1000);
  });

  it("stops at the range end", async () => {
    const cursor = new ByteCursor(memoryByteSource(bytes), 990, 1000);
    expect(await cursor.take(11)).toBeUndefined();
    expect(cursor.position).toBe(990);
    expect(cursor.skip(11)).toBe(false);
    expect(cursor.skip(-1)).toBe(false);
    expect(cursor.skip(4)).toBe(true);
    expect(await cursor.take(6)).toEqual(bytes.subarray(994, 1000));
    expect(cursor.remaining).toBe(0);
  });

  it("skipped bytes are not read", async () => {
    const source = memoryByteSource(bytes);
    const cursor = new ByteCursor(source, 0, 1000, 16);
    await cursor.take(4);
    cursor.skip(500);
    expect(await cursor.take(4)).toEqual(bytes.subarray(504, 508));
    expect(source.bytesRead()).toBe(32);
  });
});
