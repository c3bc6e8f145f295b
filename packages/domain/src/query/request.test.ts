import { describe, expect, it } from "vitest";
import type { FieldDefinition } from "../custom-field/definition.js";
import { parseJson } from "../json/int64-json.js";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import { ConditionTreeSchema } from "./condition-tree.js";
import { checkSessionSearch, QuerySessionsRequestSchema } from "./request.js";

const CUSTOM = new Map<string, FieldDefinition>([
  ["speed", { field_name: "speed", field_type: "number" }],
  [
    "level",
    {
      field_name: "level",
      field_type: "enum",
      options: { field_type: "enum", enum_values: ["low", "high"] },
    },
  ],
]);

describe("QuerySessionsRequestSchema", () => {
  it("fills defaults for an empty body", () => {
    expect(expectValid(QuerySessionsRequestSchema, {})).toEqual({ limit: 100 });
  });

  it("reads sort directions in any case", () => {
    expect(expectValid(QuerySessionsRequestSchema, { sort_direction: "ASC" }).sort_direction).toBe(
      "asc",
    );
    expect(
      expectValid(QuerySessionsRequestSchema, { sort_direction: " Desc " }).sort_direction,
    ).toBe("desc");
    expectIssue(
      QuerySessionsRequestSchema,
      { sort_direction: "ascending" },
      "sort_direction",
      /'asc' or 'desc'/,
    );
  });

  it("bounds the limit", () => {
    expect(expectValid(QuerySessionsRequestSchema, { limit: 1000 }).limit).toBe(1000);
    expect(expectValid(QuerySessionsRequestSchema, { limit: null }).limit).toBe(100);
    expectIssue(QuerySessionsRequestSchema, { limit: 0 }, "limit", /at least 1/);
    expectIssue(QuerySessionsRequestSchema, { limit: 1001 }, "limit", /at most 1000/);
    expectIssue(QuerySessionsRequestSchema, { limit: "10" }, "limit", /integer/);
  });

  it("rejects query and condition together", () => {
    expectIssue(
      QuerySessionsRequestSchema,
      { query: "name IS_NULL", condition: { field: "name", comparator: "IS_NULL" } },
      "condition",
      /either query or condition, not both/,
    );
  });

  it("reads comparators by name or symbol", () => {
    const parsed = expectValid(QuerySessionsRequestSchema, {
      condition: {
        operator: "or",
        conditions: [
          { field: "name", comparator: "begins_with", value: "a" },
          { field: "name", comparator: ">=", value: "b" },
        ],
      },
    });
    expect(parsed.condition).toEqual({
      operator: "OR",
      conditions: [
        { field: "name", comparator: "BEGINS_WITH", value: "a" },
        { field: "name", comparator: "GREATER_THAN_OR_EQUAL", value: "b" },
      ],
    });
  });

  it("keeps 64-bit tree values exact", () => {
    const body = parseJson(
      '{"condition": {"field": "start_time", "comparator": "EQUALS", "value": 1700000060000000001}}',
    );
    expect(expectValid(QuerySessionsRequestSchema, body).condition).toEqual({
      field: "start_time",
      comparator: "EQUALS",
      value: 1700000060000000001n,
    });
  });
});

describe("ConditionTreeSchema", () => {
  it("names the offending key", () => {
    expectIssue(
      ConditionTreeSchema,
      { field: "name", comparator: "LIKE" },
      "comparator",
      /must be one of EQUALS/,
    );
    expectIssue(ConditionTreeSchema, { field: "name" }, "comparator", /is required/);
    expectIssue(
      ConditionTreeSchema,
      { operator: "XOR", conditions: [] },
      "operator",
      /AND, OR, NOT/,
    );
    expectIssue(
      ConditionTreeSchema,
      { operator: "AND", conditions: [] },
      "conditions",
      /at least one/,
    );
    expectIssue(
      ConditionTreeSchema,
      { operator: "AND", conditions: [{ field: 1, comparator: "IS_NULL" }] },
      "conditions.0.field",
      /field name/,
    );
    expectIssue(
      ConditionTreeSchema,
      { field: "n", comparator: "EQUALS", value: { a: 1 } },
      "value",
      /a list of those/,
    );
    expectIssue(
      ConditionTreeSchema,
      { field: "n", comparator: "IN", value: [[1]] },
      "value",
      /a list of those/,
    );
    expectIssue(ConditionTreeSchema, "name = 'x'", "body", /must be a condition/);
  });

  it("takes exactly one condition under NOT", () => {
    const leaf = { field: "name", comparator: "IS_NULL" };
    expectValid(ConditionTreeSchema, { operator: "NOT", conditions: [leaf] });
    expectIssue(
      ConditionTreeSchema,
      { operator: "NOT", conditions: [leaf, leaf] },
      "conditions",
      /exactly one/,
    );
  });

  it("rejects deep nesting without recursing", () => {
    let tree: unknown = { field: "name", comparator: "IS_NULL" };
    for (let i = 0; i < 50_000; i++) tree = { operator: "NOT", conditions: [tree] };
    expectIssue(ConditionTreeSchema, tree, "body", /deeper than 32 levels/);
  });

  it("limits comparisons", () => {
    const conditions = Array.from({ length: 201 }, () => ({
      field: "name",
      comparator: "IS_NULL",
    }));
    expectIssue(
      ConditionTreeSchema,
      { operator: "OR", conditions },
      "body",
      /at most 200 comparisons/,
    );
  });
});

describe("checkSessionSearch", () => {
  it("sorts newest first by default", () => {
    const checked = checkSessionSearch(expectValid(QuerySessionsRequestSchema, {}), CUSTOM);
    expect(checked).toMatchObject({
      ok: true,
      value: {
        condition: null,
        sort: { field: { name: "created" }, direction: "desc" },
        limit: 100,
        page_token: null,
      },
    });
  });

  it("sorts by aliases and custom fields", () => {
    const byStart = checkSessionSearch(
      expectValid(QuerySessionsRequestSchema, { sort_by: "start_time", sort_direction: "asc" }),
      CUSTOM,
    );
    expect(byStart).toMatchObject({
      ok: true,
      value: { sort: { field: { name: "min_timestamp_ns" }, direction: "asc" } },
    });
    const byLevel = checkSessionSearch(
      expectValid(QuerySessionsRequestSchema, { sort_by: "custom_fields.level" }),
      CUSTOM,
    );
    expect(byLevel).toMatchObject({
      ok: true,
      value: { sort: { field: { source: "custom", name: "level", kind: "enum" } } },
    });
  });

  it("rejects fields that cannot be sorted", () => {
    for (const sortBy of ["tags", "device.id", "custom_fields.nope", "weight"]) {
      const checked = checkSessionSearch(
        expectValid(QuerySessionsRequestSchema, { sort_by: sortBy }),
        CUSTOM,
      );
      if (checked.ok) expect.fail(`expected sort_by '${sortBy}' to be rejected`);
      expect(checked.issues[0]).toMatchObject({ path: "sort_by", value: sortBy });
      expect(checked.issues[0]?.reason).toMatch(
        /sortable fields are session_id \(or id\), name, created, .*custom_fields\.speed/,
      );
    }
  });

  it("checks query strings and trees alike", () => {
    const byString = checkSessionSearch(
      expectValid(QuerySessionsRequestSchema, {
        query: "custom_fields.speed > 2 AND NOT name IS_NULL",
      }),
      CUSTOM,
    );
    const byTree = checkSessionSearch(
      expectValid(QuerySessionsRequestSchema, {
        condition: {
          operator: "AND",
          conditions: [
            { field: "custom_fields.speed", comparator: "GREATER_THAN", value: 2 },
            { operator: "NOT", conditions: [{ field: "name", comparator: "IS_NULL" }] },
          ],
        },
      }),
      CUSTOM,
    );
    expect(byString.ok).toBe(true);
    expect(byTree).toEqual(byString);
  });

  it("reports query and sort issues together", () => {
    const checked = checkSessionSearch(
      expectValid(QuerySessionsRequestSchema, { query: "name = ", sort_by: "tags" }),
      CUSTOM,
    );
    if (checked.ok) expect.fail("expected issues");
    expect(checked.issues.map((found) => found.path)).toEqual(["query", "sort_by"]);
  });
});
