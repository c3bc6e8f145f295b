import type { FileRecord, Sortie } from "@sortie/sdk";
import type { CommandContext } from "../context.js";
import { startProgress } from "./progress.js";

/** Pause between two reads of the pending files, in milliseconds. */
const POLL_INTERVAL_MS = 250;

/**
 * Reads the uploaded files until none is `pending`, and returns them as last
 * read, in the order given. Throws when `timeoutMs` passes first, naming the
 * files still pending.
 */
export async function waitForIndexing(
  context: CommandContext,
  client: Sortie,
  files: readonly FileRecord[],
  timeoutMs: number,
): Promise<FileRecord[]> {
  const latest = new Map(files.map((file) => [file.file_id, file]));
  const isPending = (file: FileRecord) => file.ingestion_status === "pending";
  const countDone = () => [...latest.values()].filter((file) => !isPending(file)).length;
  const progress = startProgress(
    context.streams.stderr,
    "indexing  {bar} {value}/{total} files",
    files.length,
  );
  progress.advance(countDone());

  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const pending = [...latest.values()].filter(isPending);
      if (pending.length === 0) break;
      if (Date.now() > deadline) {
        const names = pending.map((file) => file.relative_path).join(", ");
        throw new Error(
          `indexing did not finish within ${timeoutMs / 1000} s; still pending: ${names}. Raise --timeout, or check the files later with the API`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));

      const before = countDone();
      for (const file of pending)
        latest.set(file.file_id, await client.files.retrieve(file.file_id));
      progress.advance(countDone() - before);
    }
  } finally {
    progress.stop();
  }
  return files.map((file) => latest.get(file.file_id) as FileRecord);
}
