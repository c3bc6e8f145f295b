/** Waits `ms` milliseconds; rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * An AbortSignal for one attempt: it aborts when the caller's signal aborts or
 * when `timeoutMs` passes, and records which of the two happened. `AbortSignal.any` would do this but
 * is missing before Node.js 20.3.
 */
export class AttemptSignal {
  readonly signal: AbortSignal;
  #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timedOut = false;
  #callerSignal: AbortSignal | undefined;
  #onCallerAbort = () => this.#controller.abort(this.#callerSignal?.reason);

  constructor(timeoutMs: number, callerSignal?: AbortSignal) {
    this.signal = this.#controller.signal;
    this.#callerSignal = callerSignal;
    if (callerSignal?.aborted) {
      this.#controller.abort(callerSignal.reason);
      return;
    }
    callerSignal?.addEventListener("abort", this.#onCallerAbort, { once: true });
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort();
    }, timeoutMs);
  }

  /** Whether the timeout, not the caller, aborted the attempt. */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** Whether the caller's signal aborted the attempt. */
  get abortedByCaller(): boolean {
    return this.#callerSignal?.aborted === true;
  }

  /** Stops the timer and the listener; call once the response body is read. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
  }
}
