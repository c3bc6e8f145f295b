import { fileUnixWindow } from "@sortie/domain";
import { recomputeSessionBounds } from "../sessions/bounds.js";
import type { Executor, Store } from "../store/store.js";

/**
 * Recomputes a file's Unix window from its clock columns and carries it into
 * every whole-file contribution and the bounds of every session holding the
 * file. Call it in the transaction of the write that changed the columns.
 *
 * Locks the file row first: writers adding contributions of the file read it
 * with a share lock, so they wait and then see the new window. Then it locks
 * the sessions holding the file, in id order, so no other write recomputes
 * their bounds from a snapshot without this change.
 */
export async function syncFileWindow(
  store: Store,
  tx: Executor,
  fileId: string,
  nowNs: bigint,
): Promise<void> {
  const file = await store
    .forUpdate(
      tx
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
        .where("file_id", "=", fileId),
    )
    .executeTakeFirstOrThrow();

  const window = fileUnixWindow(file);
  const start = window?.min ?? null;
  const end = window?.max ?? null;
  if (start === file.start_time_ns && end === file.end_time_ns) return;

  const sessions = await sessionsOfFiles(tx, [fileId]);
  await lockSessions(store, tx, sessions);
  await tx
    .updateTable("files")
    .set({ start_time_ns: start, end_time_ns: end })
    .where("file_id", "=", fileId)
    .execute();
  await tx
    .updateTable("session_files")
    .set({ window_min_ns: start, window_max_ns: end })
    .where("file_id", "=", fileId)
    .where("range_key", "=", "whole")
    .execute();

  await recomputeSessionsOfFiles(tx, [fileId], nowNs, sessions);
}

/** Locks session rows in id order, the one order every writer uses, for the rest of the transaction. */
export async function lockSessions(
  store: Store,
  tx: Executor,
  sessionIds: readonly string[],
): Promise<void> {
  if (store.dialect !== "postgres" || sessionIds.length === 0) return;
  const sorted = [...sessionIds].sort();
  for (let start = 0; start < sorted.length; start += 500) {
    await tx
      .selectFrom("sessions")
      .select("session_id")
      .where("session_id", "in", sorted.slice(start, start + 500))
      .orderBy("session_id")
      .forUpdate()
      .execute();
  }
}

/** Lists the sessions holding any of the files, in id order (a stable lock order). */
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
export async function deleteFiles(
  store: Store,
  tx: Executor,
  fileIds: readonly string[],
  nowNs: bigint,
): Promise<string[]> {
  if (fileIds.length === 0) return [];
  const blobKeys: string[] = [];
  const sorted = [...fileIds].sort();
  for (let start = 0; start < sorted.length; start += 500) {
    const chunk = sorted.slice(start, start + 500);
    // Same lock order as syncFileWindow: files, then their sessions.
    await store
      .forUpdate(
        tx.selectFrom("files").select("file_id").where("file_id", "in", chunk).orderBy("file_id"),
      )
      .execute();
    const sessions = await sessionsOfFiles(tx, chunk);
    await lockSessions(store, tx, sessions);
    const rows = await tx
      .selectFrom("files")
      .select("blob_key")
      .where("file_id", "in", chunk)
      .execute();
    for (const row of rows) if (row.blob_key) blobKeys.push(row.blob_key);

    await tx.deleteFrom("session_files").where("file_id", "in", chunk).execute();
    await tx.deleteFrom("file_topics").where("file_id", "in", chunk).execute();
    await tx.deleteFrom("files").where("file_id", "in", chunk).execute();
    await recomputeSessionsOfFiles(tx, chunk, nowNs, sessions);
  }
  return blobKeys;
}
