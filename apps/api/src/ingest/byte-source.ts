import { type FileHandle, open } from "node:fs/promises";

/**
 * Random-access reader over the bytes of one recording. Offsets and lengths
 * are in bytes; file offsets stay below 2^53, so a `number` represents them exactly.
 */
export interface ByteSource {
  /** Length of the recording in bytes. */
  readonly size: number;
  /**
   * Reads exactly `length` bytes starting at `offset`. The range must lie
   * inside `[0, size]`, and a range outside it is a caller bug that throws a
   * `RangeError`. A failing read throws a `RecordingReadError`.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A byte source on a local file, which the caller must close. */
export interface FileByteSource extends ByteSource {
  /** Closes the file handle; reads after closing fail. */
  close(): Promise<void>;
  /** Total bytes returned by `read` so far, to check how much of a file an indexer touched. */
  bytesRead(): number;
}

/**
 * Failure to read the bytes of a recording (an I/O error, or a file that
 * shrank while it was read). Unlike `RecordingFormatError`, it reports nothing
 * about the file's content, so the caller may retry.
 */
export class RecordingReadError extends Error {
  override readonly name = "RecordingReadError";
}

/**
 * Opens a file as a byte source backed by a `node:fs` file handle. The size
 * is taken once at open; each `read` reads only the range it is given.
 */
export async function fileByteSource(path: string): Promise<FileByteSource> {
  const handle = await open(path, "r");
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (error) {
    await handle.close();
    throw error;
  }

  let bytesRead = 0;
  return {
    size,
    async read(offset, length) {
      checkRange(offset, length, size);
      const bytes = await readFully(handle, path, offset, length);
      bytesRead += length;
      return bytes;
    },
    close: () => handle.close(),
    bytesRead: () => bytesRead,
  };
}

/** Wraps bytes already in memory as a byte source, counting the bytes read like a file source. */
export function memoryByteSource(bytes: Uint8Array): ByteSource & { bytesRead(): number } {
  let bytesRead = 0;
  return {
    size: bytes.byteLength,
    async read(offset, length) {
      checkRange(offset, length, bytes.byteLength);
      bytesRead += length;
      return bytes.subarray(offset, offset + length);
    },
    bytesRead: () => bytesRead,
  };
}

function checkRange(offset: number, length: number, size: number): void {
  const valid =
    Number.isSafeInteger(offset) &&
    Number.isSafeInteger(length) &&
    offset >= 0 &&
    length >= 0 &&
    offset + length <= size;
  if (!valid) {
    throw new RangeError(
      `cannot read ${length} bytes at offset ${offset} from a ${size}-byte recording: the range must lie inside the recording`,
    );
  }
}

async function readFully(
  handle: FileHandle,
  path: string,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;

  // A single read may return fewer bytes than asked, so loop until the range is filled.
  while (filled < length) {
    let result: { bytesRead: number };
    try {
      result = await handle.read(buffer, filled, length - filled, offset + filled);
    } catch (error) {
      throw new RecordingReadError(
        `reading ${length} bytes at offset ${offset} of ${path} failed: ${String(error)}`,
        { cause: error },
      );
    }

    if (result.bytesRead === 0) {
      throw new RecordingReadError(
        `${path} ended at byte ${offset + filled} while ${length} bytes at offset ${offset} were read: the file shrank after it was opened`,
      );
    }
    filled += result.bytesRead;
  }
  return buffer;
}
