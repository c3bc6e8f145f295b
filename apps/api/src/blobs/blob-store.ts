/** Thrown when a streamed body exceeds the size allowed for it. */
export class BlobTooLargeError extends Error {
  override name = "BlobTooLargeError";
}

/** Size in bytes and SHA-256 (hex) of a stored blob. */
export interface StoredBlob {
  size: number;
  sha256: string;
}

/** Random access to a stored blob's bytes, for indexers. */
export interface BlobReader {
  readonly size: number;
  /** Reads `length` bytes at `offset` (fewer at the end of the blob). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * Storage of uploaded recordings: a local directory by default, while
 * S3-compatible object storage or R2 implement the same interface. Keys are
 * opaque strings made by the API.
 */
export interface BlobStore {
  /** Streams a body into the blob `key` with bounded memory; rejects past `maxBytes`. */
  put(key: string, body: ReadableStream<Uint8Array>, maxBytes?: number): Promise<StoredBlob>;
  /** Opens a blob for random-access reads. */
  open(key: string): Promise<BlobReader>;
  /** Deletes blobs; missing ones are ignored. */
  deleteMany(keys: readonly string[]): Promise<void>;
}
