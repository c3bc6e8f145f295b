import type { Logger } from "../logger.js";
import type { Store } from "../store/store.js";
import { type Clock, msToNs } from "../util/clock.js";
import { completeJob, failJob, type JobRow } from "./queue.js";
import type { JobHandler } from "./worker.js";

/**
 * Runs one claimed job with its handler and records the outcome: done, a
 * retry with backoff, or failed for good (then the handler's `onFailed` runs).
 * Every outcome is logged with the job's ids; nothing is thrown.
 */
export async function runClaimedJob(
  job: JobRow,
  handler: JobHandler | undefined,
  context: { store: Store; clock: Clock; logger: Logger; workerId: string; runtime: string },
): Promise<void> {
  const { store, clock, logger } = context;
  const fields = {
    worker_id: context.workerId,
    job_id: job.job_id,
    kind: job.kind,
    subject_id: job.subject_id,
    attempt: job.attempts,
  };

  try {
    if (!handler) throw new Error(`no handler for job kind '${job.kind}' on ${context.runtime}`);
    await handler.run(job);
    await completeJob(store.db, job.job_id, msToNs(clock.nowMs()));
    logger.info(fields, "job done");
    return;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const outcome = await failJob(
      store.db,
      job,
      message,
      msToNs(clock.nowMs()),
      handler?.maxAttempts ?? 1,
    );
    logger.warn({ ...fields, err: { message }, outcome }, "job attempt failed");
    if (outcome !== "failed") return;

    try {
      await handler?.onFailed?.(job, message);
    } catch (failure) {
      logger.error(
        { ...fields, err: { message: (failure as Error).message } },
        "recording a job failure failed",
      );
    }
  }
}
