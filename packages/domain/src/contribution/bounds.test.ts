import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INT64_MAX, INT64_MIN } from "../time/int64.js";
import {
  aggregateBounds,
  type ContributionWindowInput,
  contributionWindow,
  rangeMissesWindow,
  type TimeWindow,
} from "./bounds.js";

const T = 1700000060000000001n;

// Math.min and Math.max do not take bigints.
function compareBigints(a: bigint, b: bigint): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function window(min: bigint, max: bigint): TimeWindow {
  return { min, max };
}

describe("contributionWindow", () => {
  const whole = {
    range_min_timestamp_ns: null,
    range_max_timestamp_ns: null,
    file_start_time_ns: T,
    file_end_time_ns: T + 100n,
  };

  it.each<[string, ContributionWindowInput, TimeWindow | null]>([
    [
      "uses the range when given",
      { ...whole, range_min_timestamp_ns: T + 10n, range_max_timestamp_ns: T + 20n },
      window(T + 10n, T + 20n),
    ],
    ["uses the file window otherwise", whole, window(T, T + 100n)],
    [
      "keeps a range past the file",
      { ...whole, range_min_timestamp_ns: T + 50n, range_max_timestamp_ns: T + 500n },
      window(T + 50n, T + 500n),
    ],
    [
      "uses a range of an unknown file",
      {
        ...whole,
        file_start_time_ns: null,
        file_end_time_ns: null,
        range_min_timestamp_ns: 1n,
        range_max_timestamp_ns: 2n,
      },
      window(1n, 2n),
    ],
    [
      "adds nothing for an unknown file",
      { ...whole, file_start_time_ns: null, file_end_time_ns: null },
      null,
    ],
    ["adds nothing for a half-known file", { ...whole, file_end_time_ns: null }, null],
  ])("%s", (_name, input, expected) => {
    expect(contributionWindow(input)).toEqual(expected);
  });
});

describe("aggregateBounds", () => {
  it.each<[string, (TimeWindow | null)[], TimeWindow | null]>([
    ["returns null without contributions", [], null],
    ["returns null for unknown windows", [null, null], null],
    ["returns a single window", [window(T, T + 1n)], window(T, T + 1n)],
    [
      "spans several windows",
      [window(T + 5n, T + 6n), window(T, T + 1n), window(T + 2n, T + 9n)],
      window(T, T + 9n),
    ],
    ["skips unknown windows", [null, window(T, T + 1n), null], window(T, T + 1n)],
    ["handles negative times", [window(-10n, -5n), window(-3n, 2n)], window(-10n, 2n)],
    [
      "handles the int64 limits",
      [window(INT64_MIN, 0n), window(0n, INT64_MAX)],
      window(INT64_MIN, INT64_MAX),
    ],
    ["handles an instant", [window(T, T)], window(T, T)],
  ])("%s", (_name, windows, expected) => {
    expect(aggregateBounds(windows)).toEqual(expected);
  });

  it("leaves input windows unchanged", () => {
    const first = window(T, T + 1n);

    aggregateBounds([first, window(T - 5n, T + 5n)]);

    expect(first).toEqual(window(T, T + 1n));
  });

  it("accepts any iterable", () => {
    function* windows() {
      yield window(3n, 4n);
      yield window(1n, 2n);
    }

    expect(aggregateBounds(windows())).toEqual(window(1n, 4n));
  });

  it("matches minimum and maximum", () => {
    const int64 = fc.bigInt({ min: INT64_MIN, max: INT64_MAX });
    const windowArb = fc
      .tuple(int64, int64)
      .map(([a, b]) => (a <= b ? window(a, b) : window(b, a)));

    fc.assert(
      fc.property(fc.array(fc.option(windowArb, { nil: null })), (windows) => {
        const known = windows.filter((item): item is TimeWindow => item !== null);

        const bounds = aggregateBounds(windows);

        if (known.length === 0) {
          expect(bounds).toBeNull();
          return;
        }
        const mins = known.map((item) => item.min).sort(compareBigints);
        const maxes = known.map((item) => item.max).sort(compareBigints);
        expect(bounds?.min).toBe(mins[0]);
        expect(bounds?.max).toBe(maxes.at(-1));
      }),
    );
  });
});

describe("rangeMissesWindow", () => {
  const file = window(T, T + 100n);

  it.each<[string, TimeWindow, TimeWindow | null, boolean]>([
    ["is false inside the window", window(T + 10n, T + 20n), file, false],
    ["is false for a partial overlap", window(T - 50n, T + 10n), file, false],
    ["is false for a covering range", window(T - 1n, T + 101n), file, false],
    ["is false touching the start", window(T - 10n, T), file, false],
    ["is false touching the end", window(T + 100n, T + 200n), file, false],
    ["is true wholly before", window(T - 10n, T - 1n), file, true],
    ["is true wholly after", window(T + 101n, T + 200n), file, true],
    ["is false for an unknown window", window(0n, 1n), null, false],
  ])("%s", (_name, range, fileWindow, expected) => {
    expect(rangeMissesWindow(range, fileWindow)).toBe(expected);
  });
});
