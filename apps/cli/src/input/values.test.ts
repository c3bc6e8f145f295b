import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { parseAssignment, parsePositiveInteger, parseTimestampNs } from "./values.js";

describe("parseTimestampNs", () => {
  it("reads integer nanoseconds exactly", () => {
    expect(parseTimestampNs("1700000060000000001")).toBe(1_700_000_060_000_000_001n);
    expect(parseTimestampNs("-5")).toBe(-5n);
  });

  it("reads RFC 3339 with nine digits", () => {
    expect(parseTimestampNs("2023-11-14T23:14:20.000000001+01:00")).toBe(
      1_700_000_060_000_000_001n,
    );
  });

  it("rejects other text", () => {
    for (const text of ["yesterday", "1.5", "2023-11-14", "9223372036854775808", ""]) {
      expect(() => parseTimestampNs(text), text).toThrow(InvalidArgumentError);
    }
  });
});

describe("parsePositiveInteger", () => {
  it("reads whole numbers", () => {
    expect(parsePositiveInteger("1")).toBe(1);
    expect(parsePositiveInteger("250")).toBe(250);
  });

  it("rejects zero, fractions and words", () => {
    for (const text of ["0", "-1", "1.5", "ten", "1e3", ""]) {
      expect(() => parsePositiveInteger(text), text).toThrow(InvalidArgumentError);
    }
  });
});

describe("parseAssignment", () => {
  it("reads JSON values with their types", () => {
    expect(parseAssignment("wind_kmh=12")).toEqual(["wind_kmh", 12]);
    expect(parseAssignment("checked=true")).toEqual(["checked", true]);
    expect(parseAssignment('code="007"')).toEqual(["code", "007"]);
    expect(parseAssignment("camera.iso=[100,200]")).toEqual(["camera.iso", [100, 200]]);
  });

  it("keeps big integers exact", () => {
    expect(parseAssignment("t=1700000060000000001")).toEqual(["t", 1_700_000_060_000_000_001n]);
  });

  it("reads other text as a string", () => {
    expect(parseAssignment("weather=clear")).toEqual(["weather", "clear"]);
    expect(parseAssignment("note=a=b")).toEqual(["note", "a=b"]);
    expect(parseAssignment("empty=")).toEqual(["empty", ""]);
  });

  it("rejects text without a name", () => {
    expect(() => parseAssignment("=1")).toThrow(InvalidArgumentError);
    expect(() => parseAssignment("weather")).toThrow(InvalidArgumentError);
  });
});
