import { loadDecompressHandlers } from "@mcap/support";

/**
 * Largest uncompressed chunk the indexer will decompress, in bytes. Writers
 * use chunks of a few MiB; a larger declared size is more likely damage than
 * data, and the WebAssembly decompressors cannot allocate beyond a few GiB.
 */
export const MAX_UNCOMPRESSED_CHUNK_BYTES = 512 * 1024 * 1024;

/** Decompresses a chunk whose uncompressed size is known from its record; throws on bad data. */
export type Decompress = (compressed: Uint8Array, uncompressedSize: bigint) => Uint8Array;

/** Decompressors by compression name as MCAP and ROS bags spell it (`bz2`, `lz4`, `zstd`). */
export type Decompressors = Readonly<Record<string, Decompress>>;

let loading: Promise<Decompressors> | undefined;

/**
 * Loads the bz2, lz4 and zstd decompressors of `@mcap/support` once per
 * process.
 *
 * The Emscripten build of `@foxglove/wasm-bz2` 0.3.0 registers process-wide
 * `uncaughtException` and `unhandledRejection` listeners that rethrow, which
 * would crash the server past its own error handlers. The listeners added
 * while loading are removed again, which leaves the process as it was.
 */
export function loadDecompressors(): Promise<Decompressors> {
  loading ??= loadWithoutProcessListeners();
  return loading;
}

async function loadWithoutProcessListeners(): Promise<Decompressors> {
  const uncaughtBefore = new Set(process.listeners("uncaughtException"));
  const unhandledBefore = new Set(process.listeners("unhandledRejection"));

  const handlers = await loadDecompressHandlers();

  for (const listener of process.listeners("uncaughtException")) {
    if (!uncaughtBefore.has(listener)) process.removeListener("uncaughtException", listener);
  }
  for (const listener of process.listeners("unhandledRejection")) {
    if (!unhandledBefore.has(listener)) process.removeListener("unhandledRejection", listener);
  }
  return handlers;
}
