import { describe, expect, it } from "vitest";
import { COMPARATOR_SYMBOLS, COMPARATORS } from "./comparators.js";
import type { ConditionNode } from "./condition-tree.js";
import { parseQueryString } from "./parser.js";

function parsed(text: string): ConditionNode | null {
  const result = parseQueryString(text);
  if (!result.ok) expect.fail(`expected '${text}' to parse, got: ${result.issue.reason}`);
  return result.condition;
}

function issue(text: string) {
  const result = parseQueryString(text);
  if (result.ok) expect.fail(`expected '${text}' to be rejected`);
  return result.issue;
}

describe("parseQueryString", () => {
  it("parses the documented example", () => {
    const text = `tags CONTAINS 'night' AND custom_fields.weather = 'clear'
  AND start_time >= '2026-04-23T00:00:00Z' AND device.id = 'robot_001'`;
    expect(parsed(text)).toEqual({
      operator: "AND",
      conditions: [
        { field: "tags", comparator: "CONTAINS", value: "night" },
        { field: "custom_fields.weather", comparator: "EQUALS", value: "clear" },
        { field: "start_time", comparator: "GREATER_THAN_OR_EQUAL", value: "2026-04-23T00:00:00Z" },
        { field: "device.id", comparator: "EQUALS", value: "robot_001" },
      ],
    });
  });

  it("reads an empty query as no condition", () => {
    expect(parsed("")).toBeNull();
    expect(parsed(" \n\t ")).toBeNull();
  });

  it("reads symbols as comparator names", () => {
    for (const [symbol, name] of Object.entries(COMPARATOR_SYMBOLS)) {
      expect(parsed(`name ${symbol} 'x'`)).toEqual({ field: "name", comparator: name, value: "x" });
      expect(parsed(`name ${name} 'x'`)).toEqual({ field: "name", comparator: name, value: "x" });
    }
  });

  it("reads every comparator name", () => {
    for (const comparator of COMPARATORS) {
      let text = `name ${comparator} 'x'`;
      if (comparator === "IN") text = "name IN ('x')";
      if (["IS_NULL", "IS_NOT_NULL", "EXISTS", "NOT_EXISTS"].includes(comparator))
        text = `name ${comparator}`;
      if (comparator === "OVERLAPS") text = "OVERLAPS [1, 2]";
      const node = parsed(text);
      expect(node, text).toMatchObject({ comparator });
    }
  });

  it("reads keywords in any case", () => {
    expect(parsed("name begins_with 'a' oR NOT tags Contains 'b' anD id in ('c')")).toEqual(
      parsed("name BEGINS_WITH 'a' OR NOT tags CONTAINS 'b' AND id IN ('c')"),
    );
    expect(parsed("name is not null")).toEqual({ field: "name", comparator: "IS_NOT_NULL" });
    expect(parsed("name Is Null")).toEqual({ field: "name", comparator: "IS_NULL" });
    expect(parsed("flag = true")).toEqual({ field: "flag", comparator: "EQUALS", value: true });
    expect(parsed("flag != False")).toEqual({
      field: "flag",
      comparator: "NOT_EQUALS",
      value: false,
    });
  });

  it("keeps fields that start with keywords", () => {
    expect(parsed("notes = 'a'")).toEqual({ field: "notes", comparator: "EQUALS", value: "a" });
    expect(parsed("custom_fields.in_flight = true")).toMatchObject({
      field: "custom_fields.in_flight",
    });
    expect(parsed("order_id = 1 or index = 2")).toMatchObject({ operator: "OR" });
  });

  it("binds NOT before AND before OR", () => {
    expect(parsed("a = 1 OR b = 2 AND NOT c = 3")).toEqual({
      operator: "OR",
      conditions: [
        { field: "a", comparator: "EQUALS", value: 1 },
        {
          operator: "AND",
          conditions: [
            { field: "b", comparator: "EQUALS", value: 2 },
            { operator: "NOT", conditions: [{ field: "c", comparator: "EQUALS", value: 3 }] },
          ],
        },
      ],
    });
  });

  it("groups by parentheses", () => {
    expect(parsed("(a = 1 OR b = 2) AND c = 3")).toEqual({
      operator: "AND",
      conditions: [
        {
          operator: "OR",
          conditions: [
            { field: "a", comparator: "EQUALS", value: 1 },
            { field: "b", comparator: "EQUALS", value: 2 },
          ],
        },
        { field: "c", comparator: "EQUALS", value: 3 },
      ],
    });
    expect(parsed("((a = 1))")).toEqual({ field: "a", comparator: "EQUALS", value: 1 });
  });

  it("nests repeated NOT", () => {
    expect(parsed("NOT NOT a IS_NULL")).toEqual({
      operator: "NOT",
      conditions: [{ operator: "NOT", conditions: [{ field: "a", comparator: "IS_NULL" }] }],
    });
  });

  it("reads doubled quotes in strings", () => {
    expect(parsed("name = 'it''s ''quoted'''")).toEqual({
      field: "name",
      comparator: "EQUALS",
      value: "it's 'quoted'",
    });
    expect(parsed("name = ''")).toEqual({ field: "name", comparator: "EQUALS", value: "" });
    expect(parsed("name = 'and OR not'")).toEqual({
      field: "name",
      comparator: "EQUALS",
      value: "and OR not",
    });
  });

  it("reads integers exactly", () => {
    expect(parsed("t = 1700000060000000001")).toEqual({
      field: "t",
      comparator: "EQUALS",
      value: 1700000060000000001n,
    });
    expect(parsed("t = -9223372036854775808")).toEqual({
      field: "t",
      comparator: "EQUALS",
      value: -9223372036854775808n,
    });
    expect(parsed("t = 9007199254740991")).toEqual({
      field: "t",
      comparator: "EQUALS",
      value: 9007199254740991,
    });
    expect(parsed("t = 9007199254740992")).toEqual({
      field: "t",
      comparator: "EQUALS",
      value: 9007199254740992n,
    });
  });

  it("reads decimals as numbers", () => {
    expect(parsed("x > -2.5")).toEqual({ field: "x", comparator: "GREATER_THAN", value: -2.5 });
    expect(parsed("x > 1e3")).toEqual({ field: "x", comparator: "GREATER_THAN", value: 1000 });
    expect(parsed("x > 1.5E-2")).toEqual({ field: "x", comparator: "GREATER_THAN", value: 0.015 });
  });

  it("reads IN lists", () => {
    expect(parsed("id IN ('a', 'b', 3, NULL)")).toEqual({
      field: "id",
      comparator: "IN",
      value: ["a", "b", 3, null],
    });
  });

  it("reads the overlap window", () => {
    expect(parsed("OVERLAPS [1, '2026-04-23T00:00:00Z']")).toEqual({
      comparator: "OVERLAPS",
      value: [1, "2026-04-23T00:00:00Z"],
    });
    expect(parsed("overlaps [1,2] and name = 'x'")).toMatchObject({ operator: "AND" });
  });

  it("records spans of comparisons", () => {
    const result = parseQueryString("name = 'a' AND\n  tags IN ('x', 'y')");
    if (!result.ok || !result.condition || !("conditions" in result.condition))
      expect.fail("expected a group");
    const second = result.condition.conditions[1] as ConditionNode & object;
    const spans = result.spans.comparisons.get(second as never);
    expect(spans?.field).toEqual({ offset: 17, line: 2, column: 3, token: "tags" });
    expect(spans?.comparator).toMatchObject({ line: 2, column: 8, token: "IN" });
    expect(spans?.items?.[1]).toEqual({ offset: 31, line: 2, column: 17, token: "'y'" });
    expect(result.spans.groups.get(result.condition)).toMatchObject({ token: "AND", column: 12 });
  });

  describe("errors", () => {
    const cases: [string, number, string, RegExp][] = [
      ["name = ", 8, "", /expected a value/],
      ["name", 5, "", /expected a comparator after the field 'name'/],
      ["(name = 'x'", 12, "", /expected '\)' to close a parenthesis/],
      ["name = 'x')", 11, ")", /unmatched '\)'/],
      ["name = 'x' tags = 'y'", 12, "tags", /join conditions with AND or OR/],
      ["name = 'x", 8, "'", /unterminated string/],
      ['name = "x"', 8, '"', /single quotes/],
      ["name = x", 8, "x", /write text in single quotes, such as 'x'/],
      ["name IN ()", 10, ")", /IN takes at least one value/],
      ["name IN ('a' 'b')", 14, "'b'", /expected ',' or '\)' in the IN list/],
      ["name IN 'a'", 9, "'a'", /IN takes a list in parentheses/],
      ["OVERLAPS [1 2]", 13, "2", /OVERLAPS takes a window/],
      ["OVERLAPS (1, 2)", 10, "(", /OVERLAPS takes a window/],
      ["name = 'x' AND", 15, "", /expected a condition/],
      ["OR name = 'x'", 1, "OR", /expected a condition/],
      ["name ~ 'x'", 6, "~", /unexpected character '~'/],
      ["name IS 'x'", 9, "'x'", /expected NULL/],
      ["= 'x'", 1, "=", /expected a condition/],
    ];

    it.each(cases)("rejects %j at its token", (text, column, token, reason) => {
      const found = issue(text);
      expect(found.path).toBe("query");
      expect(found.column).toBe(column);
      expect(found.offset).toBe(column - 1);
      expect(found.line).toBe(1);
      expect(found.token).toBe(token);
      expect(found.reason).toMatch(reason);
      expect(found.reason).toMatch(new RegExp(`^line 1, column ${column}, `));
    });

    it("counts lines and columns", () => {
      expect(issue("name = 'a'\nAND\n  tags # 'b'")).toMatchObject({
        line: 3,
        column: 8,
        offset: 22,
        token: "#",
      });
    });

    it("limits nested parentheses", () => {
      expect(parsed(`${"(".repeat(32)}a = 1${")".repeat(32)}`)).toEqual({
        field: "a",
        comparator: "EQUALS",
        value: 1,
      });
      const found = issue(`${"(".repeat(33)}a = 1${")".repeat(33)}`);
      expect(found).toMatchObject({ column: 33, token: "(" });
      expect(found.reason).toMatch(/deeper than 32 levels/);
    });

    it("survives very deep input", () => {
      expect(issue("(".repeat(10_000)).reason).toMatch(/deeper than 32 levels/);
      expect(parseQueryString(`${"NOT ".repeat(3000)}a = 1`).ok).toBe(true);
    });

    it("limits query length", () => {
      expect(issue(`a = '${"x".repeat(16 * 1024)}'`).reason).toMatch(/at most 16384 characters/);
    });
  });
});
