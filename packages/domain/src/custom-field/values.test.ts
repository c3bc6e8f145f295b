import { describe, expect, it } from "vitest";
import { INT64_MAX, INT64_MIN } from "../time/int64.js";
import type { FieldDefinition } from "./definition.js";
import {
  formatFieldValue,
  parseFieldValue,
  parseFieldValues,
  unknownFieldReason,
} from "./values.js";

const fields = {
  boolean: { field_name: "night", field_type: "boolean" },
  number: { field_name: "speed", field_type: "number" },
  string: { field_name: "pilot", field_type: "string" },
  enum: {
    field_name: "weather",
    field_type: "enum",
    options: { field_type: "enum", enum_values: ["clear", "rain"] },
  },
  timestamp: { field_name: "launched", field_type: "timestamp" },
} satisfies Record<string, FieldDefinition>;

// 2026-04-23T08:00:00Z in nanoseconds.
const LAUNCH_NS = 1776931200000000000n;

describe("parseFieldValue", () => {
  it.each<[string, FieldDefinition, unknown, unknown]>([
    ["true", fields.boolean, true, true],
    ["false", fields.boolean, false, false],
    ["an integer number", fields.number, 3, 3],
    ["a fractional number", fields.number, -2.5, -2.5],
    ["a large finite number", fields.number, 1e300, 1e300],
    ["a string", fields.string, "ada", "ada"],
    ["an empty string", fields.string, "", ""],
    ["a 4096-character string", fields.string, "s".repeat(4096), "s".repeat(4096)],
    ["an enum value", fields.enum, "rain", "rain"],
    ["a UTC timestamp", fields.timestamp, "2026-04-23T08:00:00Z", LAUNCH_NS],
    [
      "an offset timestamp",
      fields.timestamp,
      "2026-04-23T10:00:00.5+02:00",
      LAUNCH_NS + 500_000_000n,
    ],
    ["bigint nanoseconds", fields.timestamp, LAUNCH_NS, LAUNCH_NS],
    ["number nanoseconds", fields.timestamp, 1_000, 1_000n],
    ["negative nanoseconds", fields.timestamp, -5n, -5n],
    ["the int64 maximum", fields.timestamp, INT64_MAX, INT64_MAX],
    ["the int64 minimum", fields.timestamp, INT64_MIN, INT64_MIN],
  ])("accepts %s", (_name, field, value, stored) => {
    expect(parseFieldValue(field, value)).toEqual({ ok: true, value: stored });
  });

  it.each<[string, FieldDefinition, unknown, RegExp]>([
    [
      "a string as boolean",
      fields.boolean,
      "true",
      /must be true or false, received the string "true"/,
    ],
    ["a number as boolean", fields.boolean, 1, /must be true or false/],
    ["a string as number", fields.number, "3", /must be a finite number/],
    ["NaN as number", fields.number, Number.NaN, /must be a finite number/],
    ["infinity as number", fields.number, Number.POSITIVE_INFINITY, /must be a finite number/],
    ["a bigint as number", fields.number, 2n ** 60n, /at most 2\^53/],
    ["null as number", fields.number, null, /received null/],
    ["a number as string", fields.string, 5, /must be a string/],
    ["a 4097-character string", fields.string, "s".repeat(4097), /at most 4096/],
    ["an unknown enum value", fields.enum, "snow", /must be one of 'clear', 'rain'/],
    ["an enum value in another case", fields.enum, "Clear", /must be one of/],
    ["a number as enum", fields.enum, 1, /must be one of/],
    ["a timestamp without offset", fields.timestamp, "2026-04-23T08:00:00", /RFC 3339/],
    ["an impossible date", fields.timestamp, "2026-02-30T08:00:00Z", /RFC 3339/],
    ["a fractional number", fields.timestamp, 1.5, /integer nanoseconds/],
    ["an unsafe number", fields.timestamp, 2 ** 60, /integer nanoseconds/],
    ["a boolean as timestamp", fields.timestamp, true, /RFC 3339/],
    ["nanoseconds beyond int64", fields.timestamp, INT64_MAX + 1n, /64-bit integer/],
  ])("rejects %s", (_name, field, value, reason) => {
    const result = parseFieldValue(field, value);

    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toMatch(reason);
  });

  it("rejects any value for an enum without options", () => {
    const bare: FieldDefinition = { field_name: "bare", field_type: "enum" };

    expect(parseFieldValue(bare, "x").ok).toBe(false);
  });
});

describe("formatFieldValue", () => {
  it.each<[string, FieldDefinition, bigint | number | string | boolean | null, unknown]>([
    ["a timestamp as UTC", fields.timestamp, LAUNCH_NS + 1n, "2026-04-23T08:00:00.000000001Z"],
    ["a number-stored timestamp", fields.timestamp, 0, "1970-01-01T00:00:00Z"],
    ["null", fields.timestamp, null, null],
    ["a number", fields.number, 2.5, 2.5],
    ["an enum", fields.enum, "rain", "rain"],
    ["a boolean", fields.boolean, false, false],
  ])("formats %s", (_name, field, stored, expected) => {
    expect(formatFieldValue(field, stored)).toBe(expected);
  });

  it("round trips a timestamp value", () => {
    const text = "2026-04-23T08:00:00.123456789Z";
    const parsed = parseFieldValue(fields.timestamp, text);
    if (!parsed.ok) expect.fail(parsed.reason);

    expect(formatFieldValue(fields.timestamp, parsed.value)).toBe(text);
  });
});

describe("parseFieldValues", () => {
  const ready = new Map<string, FieldDefinition>(
    Object.values(fields).map((field) => [field.field_name, field]),
  );

  it("returns stored values", () => {
    const result = parseFieldValues(
      ready,
      { night: true, launched: "2026-04-23T08:00:00Z" },
      "custom_fields",
    );

    expect(result).toEqual({
      ok: true,
      value: new Map<string, unknown>([
        ["night", true],
        ["launched", LAUNCH_NS],
      ]),
    });
  });

  it("lists every offending field", () => {
    const result = parseFieldValues(
      ready,
      { night: "yes", speed: 3, ghost: 1, weather: "snow" },
      "custom_fields_changeset.set_fields",
    );

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.details.map((detail) => detail.path)).toEqual([
      "custom_fields_changeset.set_fields.night",
      "custom_fields_changeset.set_fields.ghost",
      "custom_fields_changeset.set_fields.weather",
    ]);
  });

  it("names ready fields for unknown names", () => {
    const result = parseFieldValues(ready, { ghost: 1 }, "custom_fields");

    expect(result.ok ? "" : result.details[0]?.reason).toMatch(
      /'ghost' is not a ready custom field.*night, speed/,
    );
  });

  it("rejects a __proto__ name safely", () => {
    const values = JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>;

    const result = parseFieldValues(ready, values, "custom_fields");

    expect(result.ok ? [] : result.details.map((detail) => detail.path)).toEqual([
      "custom_fields.__proto__",
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("says when no field is ready", () => {
    expect(unknownFieldReason("x", new Map())).toMatch(/no field is ready/);
  });
});
