/** Delay before the first retry, in milliseconds; each further retry doubles it. */
export const INITIAL_RETRY_DELAY_MS = 500;
/** Longest computed delay between two attempts, in milliseconds. */
export const MAX_RETRY_DELAY_MS = 8_000;
/** Longest `Retry-After` the client waits for, in milliseconds; a longer one ends the retries. */
export const MAX_RETRY_AFTER_MS = 60_000;

const NUMBER_LIKE = /^\s*[-+]?[\d.]+\s*$/;

/** Tells whether a response status is worth another attempt: 408, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Delay before retry number `retry` (1 for the first), in milliseconds:
 * exponential from 500 ms, capped at 8 s, less a random jitter of up to 25 %
 * so that clients failed together do not retry together.
 */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);
  return ceiling * (1 - 0.25 * random());
}

/**
 * Reads the wait a response requests, in milliseconds: `retry-after-ms`, else
 * `Retry-After` as seconds or as an HTTP date. Returns `undefined` when there
 * is none or it cannot be read, and `Infinity` when it exceeds 60 s.
 */
export function retryAfterMs(headers: Headers, nowMs: number = Date.now()): number | undefined {
  const milliseconds = readNonNegativeNumber(headers.get("retry-after-ms"));
  const seconds = readNonNegativeNumber(headers.get("retry-after"));

  const text = headers.get("retry-after") ?? "";

  let wait: number | undefined;
  if (milliseconds !== undefined) wait = milliseconds;
  else if (seconds !== undefined) wait = seconds * 1000;
  else if (!NUMBER_LIKE.test(text)) {
    // `Date.parse` would read a negative number such as "-1" as a year.
    const date = Date.parse(text);
    if (!Number.isNaN(date)) wait = Math.max(0, date - nowMs);
  }

  if (wait === undefined) return undefined;
  return wait > MAX_RETRY_AFTER_MS ? Number.POSITIVE_INFINITY : wait;
}

function readNonNegativeNumber(text: string | null): number | undefined {
  if (text === null || text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
