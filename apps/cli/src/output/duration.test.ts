import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration.js";

describe("formatDuration", () => {
  it.each([
    [0n, "0ns"],
    [999n, "999ns"],
    [1_500n, "1.5µs"],
    [999_949n, "999.9µs"],
    [999_999n, "1.0ms"],
    [12_340_000n, "12.3ms"],
    [999_960_000n, "1.0s"],
    [4_531_096_768n, "4.5s"],
    [59_960_000_000n, "1m 0.0s"],
    [1_192_942_227_000n, "19m 52.9s"],
    [7_203_000_000_000n, "2h 0m 3.0s"],
    [274_506_000_000_000n, "3d 4h 15m 6.0s"],
  ])("formats %s ns as %s", (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
  });

  it("keeps the largest int64 exact", () => {
    // 2^63 - 1 ns is 106751d 23h 47m 16.854775807s.
    expect(formatDuration(9_223_372_036_854_775_807n)).toBe("106751d 23h 47m 16.9s");
  });

  it("marks a negative duration", () => {
    expect(formatDuration(-1_500n)).toBe("-1.5µs");
  });
});
