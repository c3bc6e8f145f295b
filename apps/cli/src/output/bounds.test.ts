import { describe, expect, it } from "vitest";
import { formatWindow } from "./bounds.js";

describe("formatWindow", () => {
  it("drops the end's date on one day", () => {
    expect(formatWindow(1_618_986_639_553_798_000n, 1_618_987_832_496_025_000n)).toBe(
      "2021-04-21T06:30:39.553798Z … 06:50:32.496025Z (19m 52.9s)",
    );
  });

  it("keeps the end's date across days", () => {
    expect(formatWindow(1_585_866_235_112_411_371n, 1_618_987_832_496_025_000n)).toBe(
      "2020-04-02T22:23:55.112411371Z … 2021-04-21T06:50:32.496025Z (383d 8h 26m 37.4s)",
    );
  });

  it("shows every nanosecond digit", () => {
    expect(formatWindow(1_700_000_000_000_000_001n, 1_700_000_000_000_000_001n)).toBe(
      "2023-11-14T22:13:20.000000001Z … 22:13:20.000000001Z (0ns)",
    );
  });

  it("unknown window is a dash", () => {
    expect(formatWindow(null, null)).toBe("-");
    expect(formatWindow(1n, null)).toBe("-");
  });
});
