import { fileUnixWindow } from "@sortie/domain";
import { recomputeSessionBounds } from "../sessions/bounds.js";
import type { Executor } from "../store/store.js";

/**
 * Recomputes a file's Unix window from its clock columns and carries it into
 * every whole-file contribution and the bounds of every session holding the
 * file. Call it in the transaction of the write that changed the columns.
 */
export async function syncFileWindow(tx: Executor, fileId: string, nowNs: bigint): Promise<void> {
  const file = await tx
    .selectFrom("files")
    .select([
      "explicit_start_ns",
      "explicit_end_ns",
      "recorded_start_ns",
      "recorded_end_ns",
      "time_offset_ns",
      "clock_offset_ns",
      "start_time_ns",
      "end_time_ns",
    ])
    .where("file_id", "=", fileId)
    .executeTakeFirstOrThrow();

  const window = fileUnixWindow(file);
  const start = window?.min ?? null;
  const end = window?.max ?? null;
  if (start === file.start_time_ns && end === file.end_time_ns) return;

  await tx.updateTable("files").set({ start_time_ns: start, end_time_ns: end }).where("file_id", "=", fileId).execute();
  await tx
    .updateTable("session_files")
    .set({ window_min_ns: start, window_max_ns: end })
    .where("file_id", "=", fileId)
    .where("range_key", "=", "whole")
    .execute();

  await recomputeSessionsOfFiles(tx, [fileId], nowNs);
}

/** The sessions holding any of the files, in id order (a stable lock order). */
export async function sessionsOfFiles(tx: Executor, fileIds: readonly string[]): Promise<string[]> {
  if (fileIds.length === 0) return [];
  const rows = await tx
    .selectFrom("session_files")
    .select("session_id")
    .distinct()
    .where("file_id", "in", fileIds)
    .orderBy("session_id")
    .execute();
  return rows.map((row) => row.session_id);
}

/** Recomputes the bounds of every session holding any of the files and marks each as changed. */
export async function recomputeSessionsOfFiles(
  tx: Executor,
  fileIds: readonly string[],
  nowNs: bigint,
  sessionIds?: readonly string[],
): Promise<void> {
  for (const sessionId of sessionIds ?? (await sessionsOfFiles(tx, fileIds))) {
    await recomputeSessionBounds(tx, sessionId);
    await tx
      .updateTable("sessions")
      .set((eb) => ({ version: eb("version", "+", 1n), modified_ns: nowNs }))
      .where("session_id", "=", sessionId)
      .execute();
  }
}

/**
 * Deletes files with their contributions and topics, recomputing the bounds
 * of every session that held them, all in the caller's transaction. Returns
 * the blob keys of the deleted files so the caller can remove the bytes after
 * the commit.
 */
export async function deleteFiles(tx: Executor, fileIds: readonly string[], nowNs: bigint): Promise<string[]> {
  if (fileIds.length === 0) return [];
  const blobKeys: string[] = [];
  for (let start = 0; start < fileIds.length; start += 500) {
    const chunk = fileIds.slice(start, start + 500);
    const sessions = await sessionsOfFiles(tx, chunk);
    const rows = await tx.selectFrom("files").select("blob_key").where("file_id", "in", chunk).execute();
    for (const row of rows) if (row.blob_key) blobKeys.push(row.blob_key);

    await tx.deleteFrom("session_files").where("file_id", "in", chunk).execute();
    await tx.deleteFrom("file_topics").where("file_id", "in", chunk).execute();
    await tx.deleteFrom("files").where("file_id", "in", chunk).execute();
    await recomputeSessionsOfFiles(tx, chunk, nowNs, sessions);
  }
  return blobKeys;
}
