import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BlobTooLargeError } from "../src/blobs/blob-store.js";
import { R2BlobStore } from "../src/blobs/r2-blob-store.js";
import { toHex } from "../src/util/crypto.js";

const MIB = 1024 * 1024;
// R2's smallest part size; a store with it switches to multipart above 5 MiB.
const SMALL_PART = 5 * MIB;

const bucket = env.BLOBS;

/** Deterministic bytes, so a misplaced part changes the hash. */
function patternBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 13)) & 255;
  return bytes;
}

/** Streams bytes in chunks of an odd size, so chunks straddle part boundaries. */
function streamOf(bytes: Uint8Array, chunkBytes = 1_000_003): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunkBytes));
      offset += chunkBytes;
    },
  });
}

async function sha256(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

describe("R2BlobStore", () => {
  it("stores a small body in one put", async () => {
    const blobs = new R2BlobStore(bucket);
    const bytes = patternBytes(70_000);

    const stored = await blobs.put("test/small", streamOf(bytes, 4096));
    const object = await bucket.get("test/small");

    expect(stored).toEqual({ size: 70_000, sha256: await sha256(bytes) });
    expect(new Uint8Array(await (object as R2ObjectBody).arrayBuffer())).toEqual(bytes);
  });

  it("streams a large body in parts", async () => {
    const blobs = new R2BlobStore(bucket, SMALL_PART);
    const bytes = patternBytes(11 * MIB + 12_345);

    const stored = await blobs.put("test/large", streamOf(bytes));
    const reader = await blobs.open("test/large");

    expect(stored).toEqual({ size: bytes.length, sha256: await sha256(bytes) });
    expect(reader.size).toBe(bytes.length);
    expect(await reader.read(SMALL_PART - 2, 4)).toEqual(
      bytes.slice(SMALL_PART - 2, SMALL_PART + 2),
    );
    expect(await reader.read(bytes.length - 10, 100)).toEqual(bytes.slice(bytes.length - 10));
    expect(await reader.read(bytes.length, 10)).toEqual(new Uint8Array(0));
  });

  it("stores a body of exactly one part", async () => {
    const blobs = new R2BlobStore(bucket, SMALL_PART);
    const bytes = patternBytes(SMALL_PART);

    const stored = await blobs.put("test/one-part", streamOf(bytes));
    const object = await bucket.head("test/one-part");

    expect(stored.sha256).toBe(await sha256(bytes));
    expect(object?.size).toBe(SMALL_PART);
  });

  it("rejects a body over the limit", async () => {
    const blobs = new R2BlobStore(bucket, SMALL_PART);

    const small = blobs.put("test/too-large-small", streamOf(patternBytes(1000), 100), 999);
    const multipart = blobs.put(
      "test/too-large-parts",
      streamOf(patternBytes(6 * MIB)),
      5 * MIB + 1,
    );

    await expect(small).rejects.toBeInstanceOf(BlobTooLargeError);
    await expect(multipart).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await bucket.head("test/too-large-small")).toBeNull();
    expect(await bucket.head("test/too-large-parts")).toBeNull();
  });

  it("deletes blobs and ignores missing ones", async () => {
    const blobs = new R2BlobStore(bucket);
    await blobs.put("test/delete-me", streamOf(patternBytes(10)));

    await blobs.deleteMany(["test/delete-me", "test/never-stored"]);

    expect(await bucket.head("test/delete-me")).toBeNull();
  });

  it("names a missing blob on open", async () => {
    const blobs = new R2BlobStore(bucket);

    await expect(blobs.open("test/absent")).rejects.toThrow(
      "blob 'test/absent' is missing from the R2 bucket",
    );
  });
});
