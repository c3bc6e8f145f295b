import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  INITIAL_RETRY_DELAY_MS,
  isRetryableStatus,
  MAX_RETRY_DELAY_MS,
  retryAfterMs,
} from "./retry-delay.js";

describe("backoffDelayMs", () => {
  it("doubles from the initial delay", () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelayMs(retry, noJitter))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 8_000,
    ]);
  });

  it("jitter stays within a quarter", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, random) => {
          const ceiling = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);
          const delay = backoffDelayMs(retry, () => random);
          return delay <= ceiling && delay >= ceiling * 0.75;
        },
      ),
    );
  });
});

describe("retryAfterMs", () => {
  const at = (headers: Record<string, string>, nowMs?: number) =>
    retryAfterMs(new Headers(headers), nowMs);

  it("reads seconds and milliseconds", () => {
    expect(at({ "retry-after": "2" })).toBe(2_000);
    expect(at({ "retry-after": "0.5" })).toBe(500);
    expect(at({ "retry-after-ms": "120", "retry-after": "9" })).toBe(120);
  });

  it("reads an HTTP date", () => {
    const now = Date.parse("2026-04-23T08:00:00Z");
    expect(at({ "retry-after": "Thu, 23 Apr 2026 08:00:03 GMT" }, now)).toBe(3_000);
    expect(at({ "retry-after": "Thu, 23 Apr 2026 07:00:00 GMT" }, now)).toBe(0);
  });

  it("ignores unreadable values", () => {
    expect(at({})).toBeUndefined();
    expect(at({ "retry-after": "soon" })).toBeUndefined();
    expect(at({ "retry-after": "-1" })).toBeUndefined();
  });

  it("over a minute means stop", () => {
    expect(at({ "retry-after": "61" })).toBe(Number.POSITIVE_INFINITY);
    expect(at({ "retry-after": "60" })).toBe(60_000);
  });
});

describe("isRetryableStatus", () => {
  it("selects 408, 429 and 5xx", () => {
    const retryable = [400, 401, 403, 404, 408, 409, 412, 413, 429, 500, 502, 503, 504].filter(
      isRetryableStatus,
    );
    expect(retryable).toEqual([408, 429, 500, 502, 503, 504]);
  });
});
