import type { Selectable } from "kysely";
import { sql } from "kysely";
import type { JobTable } from "../store/schema.js";
import type { Executor, Store } from "../store/store.js";

/** A job row as read from the store. */
export type JobRow = Selectable<JobTable>;

/** How long a claimed job stays with its worker before another may take it over, in ns. */
export const LEASE_NS = 60_000_000_000n;

/**
 * Adds a job in the caller's transaction, so the job exists exactly when the
 * write that needs it commits.
 */
export async function enqueueJob(
  tx: Executor,
  job: { jobId: string; kind: string; orgId: string; subjectId: string; nowNs: bigint },
): Promise<void> {
  await tx
    .insertInto("jobs")
    .values({
      job_id: job.jobId,
      kind: job.kind,
      org_id: job.orgId,
      subject_id: job.subjectId,
      status: "queued",
      attempts: 0,
      run_after_ns: job.nowNs,
      locked_by: null,
      locked_until_ns: null,
      last_error: null,
      created_ns: job.nowNs,
      updated_ns: job.nowNs,
    })
    .execute();
}

/**
 * Claims the next due job for `workerId`: a queued job whose time has come, or
 * a running one whose worker's lease lapsed (the worker died). On PostgreSQL
 * the row is locked with `FOR UPDATE SKIP LOCKED`, so any number of nodes can
 * claim at once without taking the same job; SQLite runs one transaction at a
 * time.
 */
export async function claimJob(
  store: Store,
  workerId: string,
  nowNs: bigint,
): Promise<JobRow | undefined> {
  return store.transaction(async (tx) => {
    let query = tx
      .selectFrom("jobs")
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "queued"), eb("run_after_ns", "<=", nowNs)]),
          eb.and([eb("status", "=", "running"), eb("locked_until_ns", "<", nowNs)]),
        ]),
      )
      .orderBy("run_after_ns")
      .limit(1);
    if (store.dialect === "postgres") query = query.forUpdate().skipLocked();
    const job = await query.executeTakeFirst();
    if (!job) return undefined;

    await tx
      .updateTable("jobs")
      .set({
        status: "running",
        attempts: sql`attempts + 1`,
        locked_by: workerId,
        locked_until_ns: nowNs + LEASE_NS,
        updated_ns: nowNs,
      })
      .where("job_id", "=", job.job_id)
      .execute();
    return { ...job, status: "running" as const, attempts: Number(job.attempts) + 1 };
  });
}

/** Marks a job done; its row stays for inspection until cleaned up. */
export async function completeJob(tx: Executor, jobId: string, nowNs: bigint): Promise<void> {
  await tx
    .updateTable("jobs")
    .set({ status: "done", locked_by: null, locked_until_ns: null, updated_ns: nowNs })
    .where("job_id", "=", jobId)
    .execute();
}

/**
 * Records a failed attempt: the job runs again after a backoff that doubles
 * with each attempt, or ends `failed` after `maxAttempts`.
 */
export async function failJob(
  tx: Executor,
  job: JobRow,
  error: string,
  nowNs: bigint,
  maxAttempts: number,
): Promise<"retry" | "failed"> {
  const final = job.attempts >= maxAttempts;
  const backoffNs = 200_000_000n * 2n ** BigInt(Math.min(job.attempts, 10));
  await tx
    .updateTable("jobs")
    .set({
      status: final ? "failed" : "queued",
      last_error: error.slice(0, 2000),
      run_after_ns: nowNs + backoffNs,
      locked_by: null,
      locked_until_ns: null,
      updated_ns: nowNs,
    })
    .where("job_id", "=", job.job_id)
    .execute();
  return final ? "failed" : "retry";
}
