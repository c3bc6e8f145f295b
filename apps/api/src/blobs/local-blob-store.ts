import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  type BlobReader,
  type BlobStore,
  BlobTooLargeError,
  type StoredBlob,
} from "./blob-store.js";

export { BlobTooLargeError } from "./blob-store.js";

/**
 * Blob storage in a local directory. A blob is written to a temporary file
 * and renamed into place when complete, so a reader never sees a partial blob
 * and a crash leaves only a temporary file behind.
 */
export class LocalBlobStore implements BlobStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(
    key: string,
    body: ReadableStream<Uint8Array>,
    maxBytes = Number.POSITIVE_INFINITY,
  ): Promise<StoredBlob> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.partial`;

    const hash = createHash("sha256");
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) {
          callback(new BlobTooLargeError(`the body is larger than the limit of ${maxBytes} bytes`));
          return;
        }
        hash.update(chunk);
        callback(null, chunk);
      },
    });

    try {
      await pipeline(Readable.fromWeb(body as never), measure, createWriteStream(temporary));
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { size, sha256: hash.digest("hex") };
  }

  async open(key: string): Promise<BlobReader> {
    const handle = await open(this.pathOf(key), "r");
    const { size } = await handle.stat();
    return {
      size,
      async read(offset: number, length: number) {
        const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        if (buffer.length === 0) return buffer;
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        return buffer.subarray(0, bytesRead);
      },
      close: () => handle.close(),
    };
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    if (!path.startsWith(this.root + sep))
      throw new Error(`blob key '${key}' leaves the blob directory`);
    return path;
  }
}
