import type { Logger } from "../logger.js";
import type { Store } from "../store/store.js";
import { type Clock, msToNs } from "../util/clock.js";
import { randomToken } from "../util/ids.js";
import { claimJob, type JobRow } from "./queue.js";
import { runClaimedJob } from "./run-job.js";

/** Runs one kind of job; throwing makes the attempt fail. */
export interface JobHandler {
  /** Attempts before the job ends `failed`. */
  maxAttempts: number;
  run(job: JobRow): Promise<void>;
  /** Called once when the job has failed for good, to record the failure on its subject. */
  onFailed?(job: JobRow, error: string): Promise<void>;
}

/** Options of a worker. */
export interface WorkerOptions {
  /** How often to look for due jobs when idle, in ms. */
  pollIntervalMs: number;
}

/**
 * Runs background jobs from the durable job table inside an API node. Any
 * number of nodes may run one: claims never hand the same job to two workers,
 * and a job whose worker died is taken over when its lease lapses.
 */
export class JobWorker {
  private readonly id = `wk_${randomToken(10)}`;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeRequested = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly handlers: ReadonlyMap<string, JobHandler>,
    private readonly options: WorkerOptions,
  ) {}

  /** Starts polling. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Looks for jobs now instead of at the next poll; call after enqueueing. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops polling and waits for the job in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.drain().finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const again = this.wakeRequested;
        this.wakeRequested = false;
        this.schedule(again ? 0 : this.options.pollIntervalMs);
      });
    }, delayMs);
  }

  // Runs due jobs until none is left.
  private async drain(): Promise<void> {
    while (!this.stopped) {
      let job: JobRow | undefined;
      try {
        job = await claimJob(this.store, this.id, msToNs(this.clock.nowMs()));
      } catch (error) {
        this.logger.error(
          { worker_id: this.id, err: { message: (error as Error).message } },
          "claiming a job failed",
        );
        return;
      }
      if (!job) return;
      await this.runJob(job);
    }
  }

  private async runJob(job: JobRow): Promise<void> {
    await runClaimedJob(job, this.handlers.get(job.kind), {
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      workerId: this.id,
      runtime: "Node.js",
    });
  }
}
