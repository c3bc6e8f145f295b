import { describe, expect, it } from "vitest";
import { type FileClock, fileClockOffset, fileUnixWindow } from "./window.js";

const T = 1700000060000000001n;

const unknown: FileClock = {
  explicit_start_ns: null,
  explicit_end_ns: null,
  recorded_start_ns: null,
  recorded_end_ns: null,
  time_offset_ns: null,
  clock_offset_ns: null,
};

describe("fileUnixWindow", () => {
  it.each<[string, Partial<FileClock>, { min: bigint; max: bigint } | null]>([
    ["is null when nothing is known", {}, null],
    [
      "prefers the explicit window",
      {
        explicit_start_ns: T,
        explicit_end_ns: T + 1n,
        recorded_start_ns: 0n,
        recorded_end_ns: 5n,
        clock_offset_ns: 0n,
      },
      { min: T, max: T + 1n },
    ],
    [
      "shifts by the indexed offset",
      { recorded_start_ns: 1n, recorded_end_ns: 5n, clock_offset_ns: T },
      { min: T + 1n, max: T + 5n },
    ],
    [
      "prefers the caller's offset",
      { recorded_start_ns: 1n, recorded_end_ns: 5n, clock_offset_ns: 0n, time_offset_ns: T },
      { min: T + 1n, max: T + 5n },
    ],
    [
      "keeps Unix recordings at offset zero",
      { recorded_start_ns: T, recorded_end_ns: T + 9n, clock_offset_ns: 0n },
      { min: T, max: T + 9n },
    ],
    [
      "is null for a relative clock without offset",
      { recorded_start_ns: 1n, recorded_end_ns: 5n },
      null,
    ],
    ["is null for a half explicit window", { explicit_start_ns: T }, null],
    [
      "shifts by a negative offset",
      { recorded_start_ns: 10n, recorded_end_ns: 20n, time_offset_ns: -10n },
      { min: 0n, max: 10n },
    ],
  ])("%s", (_name, clock, expected) => {
    expect(fileUnixWindow({ ...unknown, ...clock })).toEqual(expected);
  });
});

describe("fileClockOffset", () => {
  it.each<[string, Partial<FileClock>, bigint | null]>([
    ["is null without offsets", {}, null],
    ["returns the indexed offset", { clock_offset_ns: 5n }, 5n],
    ["prefers the caller's offset", { clock_offset_ns: 5n, time_offset_ns: 7n }, 7n],
    ["keeps a zero caller offset", { clock_offset_ns: 5n, time_offset_ns: 0n }, 0n],
  ])("%s", (_name, clock, expected) => {
    expect(fileClockOffset({ ...unknown, ...clock })).toBe(expected);
  });
});
