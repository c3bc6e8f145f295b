import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import {
  describeReceived,
  INT64_MAX,
  INT64_MIN,
  Int64Schema,
  isInt64,
  OptionalInt64Schema,
} from "./int64.js";

describe("int64 limits", () => {
  it("matches two's complement bounds", () => {
    expect(INT64_MIN).toBe(-9223372036854775808n);
    expect(INT64_MAX).toBe(9223372036854775807n);
  });

  it.each([
    [INT64_MIN, true],
    [INT64_MAX, true],
    [0n, true],
    [INT64_MIN - 1n, false],
    [INT64_MAX + 1n, false],
  ])("isInt64(%s) is %s", (value, expected) => {
    expect(isInt64(value)).toBe(expected);
  });
});

describe("Int64Schema", () => {
  const schema = v.object({ t_ns: Int64Schema });

  it.each([INT64_MIN, INT64_MAX, 0n, 1700000060000000001n, -1n])("accepts %s", (value) => {
    expect(expectValid(schema, { t_ns: value }).t_ns).toBe(value);
  });

  it.each([
    ["int64 maximum plus one", INT64_MAX + 1n, /between/],
    ["int64 minimum minus one", INT64_MIN - 1n, /between/],
    ["a number", 5, /received the number 5/],
    ["a string", "5", /received the string "5"/],
    ["null", null, /received null/],
    ["an array", [1], /received an array/],
  ])("rejects %s", (_name, value, reason) => {
    expectIssue(schema, { t_ns: value }, "t_ns", reason);
  });

  it("treats absent and null alike", () => {
    const optional = v.object({ t_ns: OptionalInt64Schema });

    expect(expectValid(optional, {}).t_ns).toBeUndefined();
    expect(expectValid(optional, { t_ns: null }).t_ns).toBeNull();
  });
});

describe("describeReceived", () => {
  it.each([
    [null, "null"],
    [[1, 2], "an array"],
    ["short", 'the string "short"'],
    ["x".repeat(41), "a string"],
    [3.5, "the number 3.5"],
    [{ a: 1 }, "an object"],
    [true, "boolean"],
    [1n, "bigint"],
  ])("describes %s", (input, expected) => {
    expect(describeReceived(input)).toBe(expected);
  });
});
