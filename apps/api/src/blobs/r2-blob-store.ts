import type {
  DigestStream,
  R2Bucket,
  R2MultipartUpload,
  R2UploadedPart,
} from "@cloudflare/workers-types/index.js";
import { toHex } from "../util/crypto.js";
import {
  type BlobReader,
  type BlobStore,
  BlobTooLargeError,
  type StoredBlob,
} from "./blob-store.js";

/**
 * Size of each part of a multipart upload, in bytes. R2 requires every part
 * but the last to have the same size, of at least 5 MiB.
 */
export const PART_BYTES = 8 * 1024 * 1024;

// R2 deletes at most 1000 keys per call.
const DELETE_BATCH = 1000;

// Workers' incremental SHA-256; the Web Crypto digest needs the whole body at once.
const { DigestStream: Sha256Stream } = crypto as unknown as { DigestStream: typeof DigestStream };

/**
 * Blob storage in a Cloudflare R2 bucket. A body that fits in one part is
 * written with one `put`. A larger one streams through a multipart upload, so
 * memory stays at one part whatever the body's size. A failed or oversized
 * upload is aborted, so no partial object becomes visible.
 */
export class R2BlobStore implements BlobStore {
  constructor(
    private readonly bucket: R2Bucket,
    private readonly partBytes = PART_BYTES,
  ) {}

  async put(
    key: string,
    body: ReadableStream<Uint8Array>,
    maxBytes = Number.POSITIVE_INFINITY,
  ): Promise<StoredBlob> {
    const digest = new Sha256Stream("SHA-256");
    const hash = digest.getWriter();
    const reader = body.getReader();
    const parts: R2UploadedPart[] = [];
    let upload: R2MultipartUpload | undefined;
    let part = new Uint8Array(this.partBytes);
    let filled = 0;
    let size = 0;

    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes)
          throw new BlobTooLargeError(`the body is larger than the limit of ${maxBytes} bytes`);
        await hash.write(value);

        // Copy the chunk into fixed-size parts, sending each part once it is full.
        for (let offset = 0; offset < value.byteLength; ) {
          const count = Math.min(this.partBytes - filled, value.byteLength - offset);
          part.set(value.subarray(offset, offset + count), filled);
          filled += count;
          offset += count;
          if (filled === this.partBytes) {
            upload ??= await this.bucket.createMultipartUpload(key);
            parts.push(await upload.uploadPart(parts.length + 1, part));
            part = new Uint8Array(this.partBytes);
            filled = 0;
          }
        }
      }

      await hash.close();
      const sha256 = toHex(new Uint8Array(await digest.digest));
      if (upload) {
        if (filled > 0)
          parts.push(await upload.uploadPart(parts.length + 1, part.subarray(0, filled)));
        await upload.complete(parts);
      } else {
        await this.bucket.put(key, part.subarray(0, filled), { sha256 });
      }
      return { size, sha256 };
    } catch (error) {
      await reader.cancel(error).catch(() => {});
      await upload?.abort().catch(() => {});
      throw error;
    }
  }

  async open(key: string): Promise<BlobReader> {
    const head = await this.bucket.head(key);
    if (!head) throw new Error(`blob '${key}' is missing from the R2 bucket`);
    const { size } = head;
    const bucket = this.bucket;

    return {
      size,
      async read(offset: number, length: number) {
        const count = Math.max(0, Math.min(length, size - offset));
        if (count === 0) return new Uint8Array(0);
        const object = await bucket.get(key, { range: { offset, length: count } });
        if (!object)
          throw new Error(`blob '${key}' disappeared from the R2 bucket while it was read`);
        return new Uint8Array(await object.arrayBuffer());
      },
      async close() {},
    };
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      await this.bucket.delete(keys.slice(start, start + DELETE_BATCH));
    }
  }
}
