import type { Executor } from "../store/store.js";

const INT64_MAX = 2n ** 63n - 1n;

/**
 * Recomputes a session's bounds from its contributions and stores them. Each
 * bound is one probe of the (session_id, window) indexes, so the cost does
 * not grow with the number of contributions. Call it inside the transaction
 * of the write that changed the contributions.
 */
export async function recomputeSessionBounds(tx: Executor, sessionId: string): Promise<void> {
  const min = await tx
    .selectFrom("session_files")
    .select("window_min_ns")
    .where("session_id", "=", sessionId)
    .where("window_min_ns", "is not", null)
    .orderBy("window_min_ns", "asc")
    .limit(1)
    .executeTakeFirst();
  const max = await tx
    .selectFrom("session_files")
    .select("window_max_ns")
    .where("session_id", "=", sessionId)
    .where("window_max_ns", "is not", null)
    .orderBy("window_max_ns", "desc")
    .limit(1)
    .executeTakeFirst();

  const minNs = min?.window_min_ns ?? null;
  const maxNs = max?.window_max_ns ?? null;
  // Search filters and sorts on the stored duration. A span beyond the
  // 64-bit range is capped.
  let durationNs: bigint | null = null;
  if (minNs !== null && maxNs !== null)
    durationNs = maxNs - minNs > INT64_MAX ? INT64_MAX : maxNs - minNs;
  await tx
    .updateTable("sessions")
    .set({ min_timestamp_ns: minNs, max_timestamp_ns: maxNs, duration_ns: durationNs })
    .where("session_id", "=", sessionId)
    .execute();
}
