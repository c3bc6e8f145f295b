import { describe, expect, it } from "vitest";
import type { FieldDefinition } from "../custom-field/definition.js";
import { type CheckedCondition, checkCondition } from "./check.js";
import type { ConditionNode } from "./condition-tree.js";
import { parseQueryString } from "./parser.js";
import type { TypedCondition } from "./typed-condition.js";

const CUSTOM = new Map<string, FieldDefinition>([
  [
    "weather",
    {
      field_name: "weather",
      field_type: "enum",
      options: { field_type: "enum", enum_values: ["clear", "rain"] },
    },
  ],
  ["speed", { field_name: "speed", field_type: "number" }],
  ["ok", { field_name: "ok", field_type: "boolean" }],
  ["pilot", { field_name: "pilot", field_type: "string" }],
  ["landed", { field_name: "landed", field_type: "timestamp" }],
]);

function checkString(text: string): CheckedCondition {
  const parsed = parseQueryString(text);
  if (!parsed.ok || !parsed.condition) expect.fail(`'${text}' did not parse`);
  return checkCondition(parsed.condition, CUSTOM, {
    form: "string",
    path: "query",
    spans: parsed.spans,
  });
}

function typed(text: string): TypedCondition {
  const checked = checkString(text);
  if (!checked.ok)
    expect.fail(
      `'${text}' was rejected: ${checked.issues.map((issue) => issue.reason).join("; ")}`,
    );
  return checked.value;
}

function checkTree(node: ConditionNode): CheckedCondition {
  return checkCondition(node, CUSTOM, { form: "tree", path: "condition" });
}

describe("checkCondition", () => {
  it("resolves aliases to their fields", () => {
    expect(typed("id = 'ss_1'")).toMatchObject({
      kind: "compare",
      field: { source: "session", name: "session_id" },
    });
    expect(typed("start_time IS_NULL")).toMatchObject({
      kind: "presence",
      field: { name: "min_timestamp_ns" },
      present: false,
    });
    expect(typed("end_time EXISTS")).toMatchObject({
      kind: "presence",
      field: { name: "max_timestamp_ns" },
      present: true,
    });
    expect(typed("device.id = 'r'")).toMatchObject({
      field: { name: "device.device_id", kind: "related_id" },
    });
    expect(typed("dataset.id = 'd'")).toMatchObject({ field: { name: "dataset.dataset_id" } });
  });

  it("reads times as nanoseconds", () => {
    const expected = {
      kind: "compare",
      comparator: "GREATER_THAN_OR_EQUAL",
      value: 1776902400000000000n,
    };
    expect(typed("created >= '2026-04-23T00:00:00Z'")).toMatchObject(expected);
    expect(typed("created >= '2026-04-23T02:00:00+02:00'")).toMatchObject(expected);
    expect(typed("created >= 1776902400000000000")).toMatchObject(expected);
    expect(typed("created >= 5")).toMatchObject({ value: 5n });
    expect(typed("custom_fields.landed < '1970-01-01T00:00:00.000000001Z'")).toMatchObject({
      value: 1n,
    });
  });

  it("types custom field values", () => {
    expect(typed("custom_fields.speed > 2.5")).toMatchObject({
      field: { source: "custom", name: "speed", kind: "number" },
      value: 2.5,
    });
    expect(typed("custom_fields.ok = TRUE")).toMatchObject({
      field: { kind: "boolean" },
      value: true,
    });
    expect(typed("custom_fields.weather IN ('clear', 'rain')")).toMatchObject({
      kind: "in",
      values: ["clear", "rain"],
    });
    expect(typed("custom_fields.pilot BEGINS_WITH 'a'")).toMatchObject({
      field: { kind: "text" },
      comparator: "BEGINS_WITH",
    });
  });

  it("maps groups to typed groups", () => {
    expect(typed("NOT (name = 'a' OR tags CONTAINS 'b') AND OVERLAPS [1, 2]")).toEqual({
      kind: "and",
      conditions: [
        {
          kind: "not",
          condition: {
            kind: "or",
            conditions: [
              {
                kind: "compare",
                field: expect.objectContaining({ name: "name" }),
                comparator: "EQUALS",
                value: "a",
              },
              {
                kind: "compare",
                field: expect.objectContaining({ name: "tags" }),
                comparator: "CONTAINS",
                value: "b",
              },
            ],
          },
        },
        { kind: "overlaps", from: 1n, to: 2n },
      ],
    });
  });

  it("points at unknown fields", () => {
    const checked = checkString("name = 'a' AND colour = 'red'");
    expect(checked).toMatchObject({
      ok: false,
      issues: [{ path: "query", column: 16, token: "colour" }],
    });
    if (!checked.ok)
      expect(checked.issues[0]?.reason).toMatch(
        /unknown field 'colour'; filterable fields are session_id/,
      );
  });

  it("names the ready custom fields", () => {
    const checked = checkString("custom_fields.wind > 1");
    if (checked.ok) expect.fail("expected an issue");
    expect(checked.issues[0]?.reason).toMatch(
      /'wind' is not a ready custom field of sessions \(ready ones are weather, speed, ok, pilot, landed\)/,
    );
  });

  it("points at comparators that do not fit", () => {
    const checked = checkString("created CONTAINS '2026'");
    if (checked.ok) expect.fail("expected an issue");
    expect(checked.issues[0]).toMatchObject({ column: 9, token: "CONTAINS" });
    expect(checked.issues[0]?.reason).toMatch(
      /CONTAINS does not apply to created, which is a time; it takes =, !=, >, >=, <, <=, IN/,
    );
  });

  it("rejects presence tests on fields always set", () => {
    for (const text of [
      "session_id IS_NULL",
      "created EXISTS",
      "tags NOT_EXISTS",
      "modified IS NOT NULL",
    ]) {
      expect(checkString(text).ok, text).toBe(false);
    }
  });

  it("points at values of the wrong type", () => {
    const cases: [string, string, RegExp][] = [
      ["name = 1", "1", /takes a string/],
      ["created > 1.5", "1.5", /integer nanoseconds/],
      ["created > 9223372036854775808", "9223372036854775808", /integer nanoseconds/],
      [
        "duration > '2026-01-01T00:00:00Z'",
        "'2026-01-01T00:00:00Z'",
        /duration takes integer nanoseconds/,
      ],
      ["custom_fields.speed = 'fast'", "'fast'", /finite number/],
      ["custom_fields.ok = 1", "1", /TRUE or FALSE/],
      ["custom_fields.weather = 'snow'", "'snow'", /one of its values 'clear', 'rain'/],
      ["name = NULL", "NULL", /IS_NULL or NOT_EXISTS/],
      ["name IN ('a', TRUE)", "TRUE", /takes a string/],
      ["OVERLAPS [2, 1]", "2", /starts after it ends/],
    ];
    for (const [text, token, reason] of cases) {
      const checked = checkString(text);
      if (checked.ok) expect.fail(`expected '${text}' to be rejected`);
      expect(checked.issues[0]?.token, text).toBe(token);
      expect(checked.issues[0]?.reason, text).toMatch(reason);
    }
  });

  it("collects every issue", () => {
    const checked = checkString("name = 1 AND nope = 2 OR created CONTAINS 'x'");
    if (checked.ok) expect.fail("expected issues");
    expect(checked.issues.map((found) => found.token)).toEqual(["1", "nope", "CONTAINS"]);
  });

  it("gives tree issues a path", () => {
    const checked = checkTree({
      operator: "AND",
      conditions: [
        { field: "name", comparator: "IN", value: ["a", 1] },
        { operator: "NOT", conditions: [{ field: "speed", comparator: "EQUALS", value: 1 }] },
        { comparator: "OVERLAPS", field: "created", value: [1, 2] },
        { comparator: "EQUALS", value: "x" },
        { field: "name", comparator: "IS_NULL", value: "x" },
        { field: "name", comparator: "EQUALS", value: ["x"] },
        { field: "name", comparator: "IN", value: "x" },
      ],
    });
    if (checked.ok) expect.fail("expected issues");
    expect(checked.issues.map((found) => found.path)).toEqual([
      "condition.conditions.0.value.1",
      "condition.conditions.1.conditions.0.field",
      "condition.conditions.2.field",
      "condition.conditions.3.field",
      "condition.conditions.4.value",
      "condition.conditions.5.value",
      "condition.conditions.6.value",
    ]);
    expect(checked.issues[0]).not.toHaveProperty("column");
  });

  it("accepts tree values of the JSON codec", () => {
    const checked = checkTree({
      operator: "OR",
      conditions: [
        { field: "start_time", comparator: "EQUALS", value: 1700000060000000001n },
        { field: "custom_fields.speed", comparator: "LESS_THAN", value: 2n ** 60n },
        { comparator: "OVERLAPS", value: ["2026-04-23T00:00:00Z", 1776902400000000001n] },
      ],
    });
    expect(checked).toMatchObject({
      ok: true,
      value: {
        conditions: [
          { value: 1700000060000000001n },
          { value: 2 ** 60 },
          { kind: "overlaps", from: 1776902400000000000n, to: 1776902400000000001n },
        ],
      },
    });
  });

  it("limits comparisons and depth", () => {
    const many = Array.from({ length: 201 }, () => "name IS_NULL").join(" OR ");
    const tooMany = checkString(many);
    if (tooMany.ok) expect.fail("expected an issue");
    expect(tooMany.issues[0]?.reason).toMatch(/at most 200 comparisons/);

    const deep = checkString(`${"NOT ".repeat(33)}name IS_NULL`);
    if (deep.ok) expect.fail("expected an issue");
    expect(deep.issues[0]).toMatchObject({ token: "NOT", column: 129 });
    expect(checkString(`${"NOT ".repeat(32)}name IS_NULL`).ok).toBe(true);

    let tree: ConditionNode = { field: "name", comparator: "IS_NULL" };
    for (let i = 0; i < 33; i++) tree = { operator: "NOT", conditions: [tree] };
    const deepTree = checkTree(tree);
    if (deepTree.ok) expect.fail("expected an issue");
    expect(deepTree.issues[0]?.path).toBe(`condition${".conditions.0".repeat(32)}`);
  });
});
