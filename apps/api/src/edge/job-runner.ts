import type { JobNotifier } from "../deps.js";
import { claimJob, type JobRow } from "../jobs/queue.js";
import { runClaimedJob } from "../jobs/run-job.js";
import type { JobHandler } from "../jobs/worker.js";
import type { Logger } from "../logger.js";
import type { Store } from "../store/store.js";
import { type Clock, msToNs } from "../util/clock.js";
import { randomToken } from "../util/ids.js";

/** Limits of one run, so it ends well within the time Workers grant `waitUntil` after a response. */
export interface RunBudget {
  maxJobs: number;
  maxMs: number;
}

/** Default budget of one run; the cron trigger takes what is left. */
export const DEFAULT_RUN_BUDGET: RunBudget = { maxJobs: 50, maxMs: 20_000 };

/**
 * Runs background jobs from the durable job table on Workers, where nothing
 * may poll between requests. The app calls `wake()` when a request queued a
 * job, and the Worker then passes `runDue()` to `ctx.waitUntil`. The cron
 * trigger calls `runDue()` too, for jobs whose retry backoff or lease has passed.
 * Claims, completion and retries with backoff are those of the Node worker.
 */
export class EdgeJobRunner implements JobNotifier {
  private readonly id = `wk_edge_${randomToken(10)}`;
  private requested = false;
  private running: Promise<number> | undefined;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly handlers: ReadonlyMap<string, JobHandler>,
    private readonly budget: RunBudget = DEFAULT_RUN_BUDGET,
  ) {}

  wake(): void {
    this.requested = true;
  }

  /** Tells whether a request queued work since the last call, and clears the mark. */
  takeWakeRequest(): boolean {
    const requested = this.requested;
    this.requested = false;
    return requested;
  }

  /**
   * Runs due jobs until none is left or the budget is spent, and returns how
   * many ran. A call during a run makes that run look for jobs once more and
   * returns its promise, so one isolate runs one loop at a time.
   */
  runDue(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async loop(): Promise<number> {
    const deadline = Date.now() + this.budget.maxMs;
    let ran = 0;
    do {
      this.again = false;
      while (ran < this.budget.maxJobs && Date.now() < deadline) {
        const job = await this.claim();
        if (!job) break;
        await this.runJob(job);
        ran++;
      }
    } while (this.again && ran < this.budget.maxJobs && Date.now() < deadline);
    return ran;
  }

  private async claim(): Promise<JobRow | undefined> {
    try {
      return await claimJob(this.store, this.id, msToNs(this.clock.nowMs()));
    } catch (error) {
      this.logger.error(
        { worker_id: this.id, err: { message: (error as Error).message } },
        "claiming a job failed",
      );
      return undefined;
    }
  }

  private async runJob(job: JobRow): Promise<void> {
    await runClaimedJob(job, this.handlers.get(job.kind), {
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      workerId: this.id,
      runtime: "the edge",
    });
  }
}
