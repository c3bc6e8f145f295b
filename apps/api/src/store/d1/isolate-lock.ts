/** How long a holder keeps the lock before a waiter may take it over, in ms. */
export const LOCK_LEASE_MS = 30_000;

interface Holder {
  since: number;
  released: Promise<void>;
}

/**
 * A lock for the async work of one isolate.
 *
 * Workers may cancel a request whose client went away, and a cancelled
 * request never reaches its `release()`. So that such a request cannot stop
 * every later one, a holder loses the lock `leaseMs` after taking it. Each
 * waiter times that lease with its own timer, because a cancelled request's
 * timers are cancelled with it. Waiters are not served in arrival order.
 * NOTE: a holder that is merely slow past its lease then runs beside the next one.
 */
export class IsolateLock {
  private holder: Holder | undefined;

  constructor(private readonly leaseMs = LOCK_LEASE_MS) {}

  /** Waits for the lock and returns the function that releases it; calling it again does nothing. */
  async acquire(): Promise<() => void> {
    for (;;) {
      const current = this.holder;
      if (!current) return this.take();

      const remainingMs = current.since + this.leaseMs - Date.now();
      if (remainingMs <= 0) {
        this.holder = undefined;
        continue;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const lapsed = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, remainingMs);
      });
      await Promise.race([current.released, lapsed]);
      clearTimeout(timer);
    }
  }

  private take(): () => void {
    let resolve!: () => void;
    const mine: Holder = {
      since: Date.now(),
      released: new Promise<void>((done) => (resolve = done)),
    };
    this.holder = mine;
    return () => {
      if (this.holder === mine) this.holder = undefined;
      resolve();
    };
  }
}
