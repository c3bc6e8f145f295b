import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INT64_MAX, INT64_MIN } from "./int64.js";
import { formatRfc3339Ms, formatRfc3339Ns, parseRfc3339Ns } from "./rfc3339.js";

const SECOND = 1_000_000_000n;
// 2026-04-23T08:00:00Z
const BASE = 1776931200n * SECOND;

describe("parseRfc3339Ns", () => {
  it.each([
    ["UTC with Z", "2026-04-23T08:00:00Z", BASE],
    ["lower-case z and t", "2026-04-23t08:00:00z", BASE],
    ["space separator", "2026-04-23 08:00:00Z", BASE],
    ["positive offset", "2026-04-23T10:30:00+02:30", BASE],
    ["negative offset", "2026-04-23T03:00:00-05:00", BASE],
    ["zero offset", "2026-04-23T08:00:00+00:00", BASE],
    ["unknown local offset", "2026-04-23T08:00:00-00:00", BASE],
    ["offset crossing midnight", "2026-04-22T23:00:00-09:00", BASE],
    ["maximum offset", "2026-04-24T07:59:00+23:59", BASE],
    ["milliseconds", "2026-04-23T08:00:00.123Z", BASE + 123_000_000n],
    ["nine fractional digits", "2026-04-23T08:00:00.123456789Z", BASE + 123_456_789n],
    ["one fractional digit", "2026-04-23T08:00:00.5Z", BASE + 500_000_000n],
    ["last nanosecond of a second", "2026-04-23T08:00:00.999999999Z", BASE + 999_999_999n],
    ["fraction with offset", "2026-04-23T09:00:00.000000001+01:00", BASE + 1n],
    ["epoch", "1970-01-01T00:00:00Z", 0n],
    ["before the epoch", "1969-12-31T23:59:59.999999999Z", -1n],
    ["leap day", "2024-02-29T00:00:00Z", 1709164800n * SECOND],
    ["int64 minimum", "1677-09-21T00:12:43.145224192Z", INT64_MIN],
    ["int64 maximum", "2262-04-11T23:47:16.854775807Z", INT64_MAX],
  ])("parses %s", (_name, text, expected) => {
    expect(parseRfc3339Ns(text)).toBe(expected);
  });

  it.each([
    ["February 30", "2026-02-30T00:00:00Z"],
    ["February 29 of a common year", "2026-02-29T00:00:00Z"],
    ["April 31", "2026-04-31T00:00:00Z"],
    ["month 13", "2026-13-01T00:00:00Z"],
    ["month 0", "2026-00-10T00:00:00Z"],
    ["day 0", "2026-04-00T00:00:00Z"],
    ["hour 24", "2026-04-23T24:00:00Z"],
    ["minute 60", "2026-04-23T08:60:00Z"],
    ["leap second", "2026-06-30T23:59:60Z"],
    ["offset hour 24", "2026-04-23T08:00:00+24:00"],
    ["offset hour 99", "2026-04-23T08:00:00+99:00"],
    ["offset minute 60", "2026-04-23T08:00:00+01:60"],
    ["missing offset", "2026-04-23T08:00:00"],
    ["date only", "2026-04-23"],
    ["ten fractional digits", "2026-04-23T08:00:00.1234567890Z"],
    ["empty fraction", "2026-04-23T08:00:00.Z"],
    ["offset without colon", "2026-04-23T08:00:00+0200"],
    ["two-digit year", "26-04-23T08:00:00Z"],
    ["surrounding spaces", " 2026-04-23T08:00:00Z "],
    ["before int64 minimum", "1677-09-21T00:12:43.145224191Z"],
    ["after int64 maximum", "2262-04-11T23:47:16.854775808Z"],
    ["empty text", ""],
  ])("rejects %s", (_name, text) => {
    expect(parseRfc3339Ns(text)).toBeUndefined();
  });
});

describe("formatRfc3339Ns", () => {
  it.each([
    ["whole seconds", BASE, "2026-04-23T08:00:00Z"],
    ["milliseconds", BASE + 120_000_000n, "2026-04-23T08:00:00.12Z"],
    ["nanoseconds", BASE + 1n, "2026-04-23T08:00:00.000000001Z"],
    ["all nine digits", BASE + 123_456_789n, "2026-04-23T08:00:00.123456789Z"],
    ["epoch", 0n, "1970-01-01T00:00:00Z"],
    ["one before the epoch", -1n, "1969-12-31T23:59:59.999999999Z"],
    ["negative with milliseconds", -1_500_000n, "1969-12-31T23:59:59.9985Z"],
    ["negative whole second", -SECOND, "1969-12-31T23:59:59Z"],
    ["int64 minimum", INT64_MIN, "1677-09-21T00:12:43.145224192Z"],
    ["int64 maximum", INT64_MAX, "2262-04-11T23:47:16.854775807Z"],
  ])("formats %s", (_name, ns, expected) => {
    expect(formatRfc3339Ns(ns)).toBe(expected);
  });

  it("round trips every int64 value", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (ns) => {
        expect(parseRfc3339Ns(formatRfc3339Ns(ns))).toBe(ns);
      }),
      { numRuns: 1000 },
    );
  });

  it("round trips through any offset", () => {
    const withinRange = fc.bigInt({
      min: INT64_MIN + 86_400n * SECOND,
      max: INT64_MAX - 86_400n * SECOND,
    });
    const offsetMinutes = fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 });

    fc.assert(
      fc.property(withinRange, offsetMinutes, (ns, minutes) => {
        const local = formatRfc3339Ns(ns + BigInt(minutes) * 60n * SECOND).slice(0, -1);
        const sign = minutes < 0 ? "-" : "+";
        const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, "0");
        const mm = String(Math.abs(minutes) % 60).padStart(2, "0");

        expect(parseRfc3339Ns(`${local}${sign}${hh}:${mm}`)).toBe(ns);
      }),
      { numRuns: 500 },
    );
  });
});

describe("formatRfc3339Ms", () => {
  it("formats milliseconds as UTC", () => {
    expect(formatRfc3339Ms(Date.UTC(2026, 3, 23, 8, 0, 0, 5))).toBe("2026-04-23T08:00:00.005Z");
  });
});
