import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { FileRecord, Sortie } from "@sortie/sdk";
import type { CommandContext } from "../context.js";
import type { LocalFile } from "./local-files.js";
import { formatBytes, startProgress } from "./progress.js";

/** Dataset and device of the files of an import. */
export interface UploadTarget {
  datasetId: string;
  deviceId: string | undefined;
}

/**
 * Uploads the files one after another, each streamed from disk, with one
 * progress bar over all bytes on a terminal and one line per file otherwise.
 * Stops at the first failed upload: the files before it stay in the dataset.
 */
export async function uploadFiles(
  context: CommandContext,
  client: Sortie,
  target: UploadTarget,
  files: readonly LocalFile[],
): Promise<FileRecord[]> {
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  const progress = startProgress(
    context.streams.stderr,
    "uploading {bar} {percentage}% | {done} of {all} | {file}",
    totalBytes,
    { done: formatBytes(0), all: formatBytes(totalBytes), file: "" },
  );

  const uploaded: FileRecord[] = [];
  let doneBytes = 0;
  try {
    for (const file of files) {
      const stream = createReadStream(file.path);
      stream.on("data", (chunk) => {
        doneBytes += chunk.length;
        progress.advance(chunk.length, { done: formatBytes(doneBytes), file: file.relativePath });
      });
      try {
        // A stream is sent once and never retried by the SDK, because its bytes cannot be read twice.
        const body = Readable.toWeb(stream) as ReadableStream<Uint8Array>;
        const record = await client.datasets.uploadFile(target.datasetId, file.relativePath, body, {
          deviceId: target.deviceId,
        });
        uploaded.push(record);
      } finally {
        stream.destroy();
      }
      if (!context.interactive) {
        context.note(
          `uploaded ${file.relativePath} (${formatBytes(file.size)}) as ${uploaded.at(-1)?.file_id}`,
        );
      }
    }
  } finally {
    progress.stop();
  }
  return uploaded;
}
