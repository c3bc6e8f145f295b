import { describe, expect, it } from "vitest";
import {
  isPlausibleUnixWindow,
  PLAUSIBLE_UNIX_END_NS,
  PLAUSIBLE_UNIX_START_NS,
} from "./plausible-unix.js";

describe("isPlausibleUnixWindow", () => {
  it("bounds are 2000 and 2100", () => {
    expect(new Date(Number(PLAUSIBLE_UNIX_START_NS / 1_000_000n)).toISOString()).toBe(
      "2000-01-01T00:00:00.000Z",
    );
    expect(new Date(Number(PLAUSIBLE_UNIX_END_NS / 1_000_000n)).toISOString()).toBe(
      "2100-01-01T00:00:00.000Z",
    );
  });

  it("accepts recent wall-clock windows", () => {
    expect(isPlausibleUnixWindow(1_585_866_235_112_411_371n, 1_585_866_239_643_508_139n)).toBe(
      true,
    );
    expect(isPlausibleUnixWindow(PLAUSIBLE_UNIX_START_NS, PLAUSIBLE_UNIX_START_NS)).toBe(true);
  });

  it("rejects boot and sim clocks", () => {
    expect(isPlausibleUnixWindow(1_000_000_000n, 1_400_000_000n)).toBe(false);
    expect(isPlausibleUnixWindow(PLAUSIBLE_UNIX_START_NS - 1n, PLAUSIBLE_UNIX_START_NS)).toBe(
      false,
    );
  });

  it("rejects windows reaching 2100", () => {
    expect(isPlausibleUnixWindow(1_700_000_000_000_000_000n, PLAUSIBLE_UNIX_END_NS)).toBe(false);
    expect(isPlausibleUnixWindow(1_700_000_000_000_000_000n, 2n ** 64n - 1n)).toBe(false);
  });
});
