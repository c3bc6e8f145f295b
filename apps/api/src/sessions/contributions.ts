import {
  type ErrorDetail,
  fileUnixWindow,
  rangeMissesWindow,
  type SessionFile,
} from "@sortie/domain";
import { ApiError } from "../http/api-error.js";
import type { DialectName } from "../store/dialect.js";
import type { Executor, Store } from "../store/store.js";

/** The file columns contribution checks need. */
interface ContributedFile {
  file_id: string;
  device_id: string | null;
  explicit_start_ns: bigint | null;
  explicit_end_ns: bigint | null;
  recorded_start_ns: bigint | null;
  recorded_end_ns: bigint | null;
  time_offset_ns: bigint | null;
  clock_offset_ns: bigint | null;
}

/**
 * Reads the files of contributions in one org. Any file that does not exist
 * there is a 404 naming every missing id, so nothing is applied.
 */
export async function loadContributedFiles(
  db: Executor,
  orgId: string,
  fileIds: readonly string[],
  dialect: DialectName,
): Promise<Map<string, ContributedFile>> {
  const unique = [...new Set(fileIds)];
  const files = new Map<string, ContributedFile>();
  for (let start = 0; start < unique.length; start += 500) {
    let query = db
      .selectFrom("files")
      .select([
        "file_id",
        "device_id",
        "explicit_start_ns",
        "explicit_end_ns",
        "recorded_start_ns",
        "recorded_end_ns",
        "time_offset_ns",
        "clock_offset_ns",
      ])
      .where("org_id", "=", orgId)
      .where("file_id", "in", unique.slice(start, start + 500))
      .orderBy("file_id");
    // A share lock makes a concurrent window change of these files wait for
    // this transaction, or this one wait for it and read the new window.
    if (dialect === "postgres") query = query.forShare();
    const rows = await query.execute();
    for (const row of rows) files.set(row.file_id, row);
  }

  const missing = unique.filter((id) => !files.has(id));
  if (missing.length) {
    throw new ApiError(
      "RobotoNotFoundException",
      `File${missing.length > 1 ? "s" : ""} not found in your organization: ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ` and ${missing.length - 10} more` : ""}; nothing was changed`,
      missing.map((id) => ({ path: "file_id", reason: "not found", value: id })),
    );
  }
  return files;
}

/**
 * Share-locks the rows of the files, in id order, until the transaction ends.
 * An add takes these locks before it locks the session, because window
 * changes and file deletions lock the file first and its sessions second: one
 * order for every writer, so none deadlocks with another. SQLite needs no
 * row lock: its one connection runs one transaction at a time.
 */
export async function shareLockFiles(
  store: Store,
  tx: Executor,
  fileIds: readonly string[],
): Promise<void> {
  if (store.dialect !== "postgres") return;
  const sorted = [...new Set(fileIds)].sort();
  for (let start = 0; start < sorted.length; start += 500) {
    await tx
      .selectFrom("files")
      .select("file_id")
      .where("file_id", "in", sorted.slice(start, start + 500))
      .orderBy("file_id")
      .forShare()
      .execute();
  }
}

/**
 * Adds contributions to a session, after checking every one: the files exist
 * in the session's org (404) and no range lies wholly outside its file's known
 * window (400). A contribution identical to an existing one is skipped.
 * Returns how many were added; the caller recomputes the bounds.
 */
export async function insertContributions(
  store: Store,
  tx: Executor,
  orgId: string,
  sessionId: string,
  contributions: readonly SessionFile[],
  userId: string,
  nowNs: bigint,
  pathPrefix = "files",
): Promise<number> {
  if (contributions.length === 0) return 0;
  const files = await loadContributedFiles(
    tx,
    orgId,
    contributions.map((contribution) => contribution.file_id),
    store.dialect,
  );

  const problems: ErrorDetail[] = [];
  const rows = contributions.map((contribution, index) => {
    const file = files.get(contribution.file_id) as ContributedFile;
    const fileWindow = fileUnixWindow(file);
    const { range_min_timestamp_ns: min, range_max_timestamp_ns: max } = contribution;
    const range = min !== null && max !== null ? { min, max } : null;

    if (range && rangeMissesWindow(range, fileWindow) && fileWindow) {
      problems.push({
        path: `${pathPrefix}.${index}`,
        reason: `range [${range.min}, ${range.max}] lies wholly outside the recorded window [${fileWindow.min}, ${fileWindow.max}] of file '${file.file_id}'; pick a range that overlaps it, or omit both bounds to add the whole file`,
      });
    }

    const window = range ?? fileWindow;
    return {
      session_id: sessionId,
      file_id: file.file_id,
      range_key: range ? `${range.min}:${range.max}` : "whole",
      range_min_ns: range?.min ?? null,
      range_max_ns: range?.max ?? null,
      window_min_ns: window?.min ?? null,
      window_max_ns: window?.max ?? null,
      created_ns: nowNs,
      created_by: userId,
    };
  });
  if (problems.length) throw ApiError.invalid(problems);

  let added = 0n;
  for (let start = 0; start < rows.length; start += 200) {
    const result = await tx
      .insertInto("session_files")
      .values(rows.slice(start, start + 200))
      .onConflict((conflict) =>
        conflict.columns(["session_id", "file_id", "range_key"]).doNothing(),
      )
      .executeTakeFirst();
    added += result.numInsertedOrUpdatedRows ?? 0n;
  }
  return Number(added);
}

/**
 * Removes every contribution of the given files from a session. A file
 * without a contribution is a 404 naming it, and then nothing is removed.
 */
export async function deleteContributions(
  tx: Executor,
  sessionId: string,
  fileIds: readonly string[],
): Promise<void> {
  const unique = [...new Set(fileIds)];
  const present = new Set<string>();
  for (let start = 0; start < unique.length; start += 500) {
    const rows = await tx
      .selectFrom("session_files")
      .select("file_id")
      .distinct()
      .where("session_id", "=", sessionId)
      .where("file_id", "in", unique.slice(start, start + 500))
      .execute();
    for (const row of rows) present.add(row.file_id);
  }

  const missing = unique.filter((id) => !present.has(id));
  if (missing.length) {
    throw new ApiError(
      "RobotoNotFoundException",
      `File${missing.length > 1 ? "s" : ""} ${missing.slice(0, 10).join(", ")} ${missing.length > 1 ? "have" : "has"} no contribution in session '${sessionId}'; nothing was removed`,
      missing.map((id) => ({
        path: "file_ids",
        reason: "no contribution in this session",
        value: id,
      })),
    );
  }

  for (let start = 0; start < unique.length; start += 500) {
    await tx
      .deleteFrom("session_files")
      .where("session_id", "=", sessionId)
      .where("file_id", "in", unique.slice(start, start + 500))
      .execute();
  }
}
