import {
  COMPARATORS,
  type Comparator,
  comparatorsOf,
  comparatorText,
  type FieldDefinition,
  PRESENCE_COMPARATORS,
  resolveSearchField,
} from "@sortie/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertReadyField, search, searchIds, searchRaw } from "./search-fixture.js";
import { TEST_DIALECTS } from "./support/databases.js";
import { createSession, expectApiError } from "./support/fixtures.js";
import { startTestApi, type TestApi, type TestResponse } from "./support/test-api.js";

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
  ["inspected", { field_name: "inspected", field_type: "boolean" }],
  ["notes", { field_name: "notes", field_type: "string" }],
  ["landed_at", { field_name: "landed_at", field_type: "timestamp" }],
]);

const FIELDS = [
  "session_id",
  "name",
  "tags",
  "created",
  "modified",
  "start_time",
  "end_time",
  "duration",
  "device.id",
  "dataset.id",
  "file.file_id",
  ...[...CUSTOM.keys()].map((name) => `custom_fields.${name}`),
];

// Every comparator a field does not take, OVERLAPS aside (it takes no field).
const INVALID: [string, Comparator][] = FIELDS.flatMap((name) => {
  const field = resolveSearchField(name, CUSTOM);
  if (!field) throw new Error(`test field ${name} does not resolve`);
  const valid = comparatorsOf(field);
  return COMPARATORS.filter(
    (comparator) => comparator !== "OVERLAPS" && !valid.includes(comparator),
  ).map((comparator): [string, Comparator] => [name, comparator]);
});

// A value of the right shape for the comparator, so that only the comparator is at fault.
function invalidQuery(field: string, comparator: Comparator): string {
  if (PRESENCE_COMPARATORS.has(comparator)) return `${field} ${comparator}`;
  if (comparator === "IN") return `${field} IN ('a')`;
  return `${field} ${comparatorText(comparator)} 'a'`;
}

function expectQueryIssue(
  response: TestResponse,
  column: number,
  token: string,
  reason: RegExp,
): void {
  expectApiError(response, 400, "RobotoInvalidRequestException");
  const [detail] = response.body.details;
  expect(detail.path).toBe("query");
  expect(detail.column, detail.reason).toBe(column);
  expect(detail.token).toBe(token);
  expect(detail.offset).toBe(column - 1);
  expect(detail.line).toBe(1);
  expect(detail.reason).toMatch(reason);
  expect(response.body.error.message).toContain(`column ${column}`);
}

function expectPathIssue(response: TestResponse, path: string, reason: RegExp): void {
  expectApiError(response, 400, "RobotoInvalidRequestException");
  const details: { path: string; reason: string }[] = response.body.details;
  const matching = details.filter((detail) => detail.path === path);
  expect(matching.length, JSON.stringify(details)).toBeGreaterThan(0);
  expect(
    matching.some((detail) => reason.test(detail.reason)),
    JSON.stringify(matching),
  ).toBe(true);
}

describe.each(TEST_DIALECTS)("search errors on %s", (dialect) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(dialect);
    for (const [name, definition] of CUSTOM) {
      const enumValues = definition.options?.enum_values;
      await insertReadyField(
        api,
        api.orgId,
        name,
        definition.field_type,
        enumValues ? { enumValues } : {},
      );
    }
    await createSession(api, { name: "kept", tags: ["a"] });
  });

  afterAll(async () => {
    await api?.close();
  });

  describe("malformed query strings", () => {
    const cases: [string, number, string, RegExp][] = [
      ["name = ", 8, "", /expected a value: a string in single quotes/],
      ["name", 5, "", /expected a comparator after the field 'name'/],
      ["(name = 'x'", 12, "", /expected '\)' to close a parenthesis/],
      ["name = 'x')", 11, ")", /unmatched '\)'/],
      ["name = 'x' tags CONTAINS 'y'", 12, "tags", /join conditions with AND or OR/],
      ["name = 'x", 8, "'", /unterminated string/],
      ['name = "x"', 8, '"', /single quotes/],
      ["name = x", 8, "x", /write text in single quotes, such as 'x'/],
      ["name IN ()", 10, ")", /IN takes at least one value/],
      ["name IN 'a'", 9, "'a'", /IN takes a list in parentheses/],
      ["OVERLAPS [1 2]", 13, "2", /OVERLAPS takes a window written \[t0, t1\]: expected ','/],
      ["name = 'x' AND", 15, "", /expected a condition/],
      ["name # 'x'", 6, "#", /unexpected character '#'/],
      ["name == 'x'", 7, "=", /expected a value/],
      ["AND name = 'x'", 1, "AND", /expected a condition/],
    ];

    it.each(cases)("rejects %j at its position", async (query, column, token, reason) => {
      expectQueryIssue(await search(api, { query }), column, token, reason);
    });

    it("reports lines of multi-line queries", async () => {
      const response = await search(api, { query: "name = 'x'\n  AND tags ~ 'y'" });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0]).toMatchObject({
        path: "query",
        line: 2,
        column: 12,
        offset: 22,
        token: "~",
      });
      expect(response.body.error.message).toContain("line 2, column 12");
    });
  });

  describe("unknown fields", () => {
    it("names the valid fields", async () => {
      const response = await search(api, { query: "tags CONTAINS 'a' AND nme = 'x'" });
      expectQueryIssue(
        response,
        23,
        "nme",
        /unknown field 'nme'; filterable fields are session_id .*name.*custom_fields\.weather/,
      );
    });

    it("names the ready custom fields", async () => {
      const response = await search(api, { query: "custom_fields.nope = 1" });
      expectQueryIssue(
        response,
        1,
        "custom_fields.nope",
        /'nope' is not a ready custom field of sessions \(ready ones are inspected, landed_at/,
      );
    });

    it("rejects unknown fields in trees", async () => {
      const response = await search(api, {
        condition: {
          operator: "AND",
          conditions: [
            { field: "name", comparator: "EQUALS", value: "x" },
            { field: "device.name", comparator: "EQUALS", value: "x" },
          ],
        },
      });
      expectPathIssue(response, "condition.conditions.1.field", /unknown field 'device.name'/);
    });
  });

  describe("comparators that do not fit", () => {
    it("leaves only nullable text complete", () => {
      const restricted = new Set(INVALID.map(([field]) => field));
      expect(FIELDS.filter((field) => !restricted.has(field))).toEqual([
        "name",
        "custom_fields.notes",
      ]);
    });

    it.each(INVALID)("rejects %s %s", async (field, comparator) => {
      const query = invalidQuery(field, comparator);
      const byString = await search(api, { query });
      expectQueryIssue(
        byString,
        field.length + 2,
        query.slice(field.length + 1).split(" ")[0] as string,
        /does not apply to/,
      );
      expect(byString.body.details[0].reason).toMatch(/; it takes /);

      const value = PRESENCE_COMPARATORS.has(comparator)
        ? undefined
        : comparator === "IN"
          ? ["a"]
          : "a";
      const byTree = await search(api, { condition: { field, comparator, value } });
      expectPathIssue(byTree, "condition.comparator", /does not apply to/);
    });

    it("rejects a field on OVERLAPS", async () => {
      expectQueryIssue(
        await search(api, { query: "start_time OVERLAPS [1, 2]" }),
        1,
        "start_time",
        /names no field/,
      );
    });
  });

  describe("values of the wrong type", () => {
    const cases: [string, number, string, RegExp][] = [
      ["name = 5", 8, "5", /name takes a string in single quotes, received the number 5/],
      ["created > 'yesterday'", 11, "'yesterday'", /RFC 3339 date-time with an offset/],
      ["created > 1.5", 11, "1.5", /integer nanoseconds/],
      ["start_time >= '2026-04-23'", 15, "'2026-04-23'", /RFC 3339/],
      ["start_time = 9223372036854775808", 14, "9223372036854775808", /integer nanoseconds/],
      [
        "duration > '2026-04-23T00:00:00Z'",
        12,
        "'2026-04-23T00:00:00Z'",
        /duration takes integer nanoseconds/,
      ],
      ["custom_fields.speed > '5'", 23, "'5'", /finite number written without quotes/],
      ["custom_fields.speed > 1e999", 23, "1e999", /finite number/],
      ["custom_fields.inspected = 'true'", 27, "'true'", /TRUE or FALSE/],
      ["custom_fields.weather = 'snow'", 25, "'snow'", /one of its values 'clear', 'rain'/],
      ["name = NULL", 8, "NULL", /IS_NULL or NOT_EXISTS/],
      ["tags CONTAINS 5", 15, "5", /tags takes a string/],
      ["name IN ('a', 5)", 15, "5", /takes a string/],
      ["OVERLAPS [5, 1]", 11, "5", /starts after it ends/],
      ["OVERLAPS ['soon', 1]", 11, "'soon'", /each bound of OVERLAPS takes integer nanoseconds/],
      ["device.id = TRUE", 13, "TRUE", /takes a string/],
    ];

    it.each(cases)("rejects %j at the value", async (query, column, token, reason) => {
      expectQueryIssue(await search(api, { query }), column, token, reason);
    });

    it("lists every wrong value at once", async () => {
      const response = await search(api, {
        query: "name = 1 AND created > 'x' OR custom_fields.speed = 'y'",
      });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details.map((detail: { token: string }) => detail.token)).toEqual([
        "1",
        "'x'",
        "'y'",
      ]);
    });

    it("points at tree values by path", async () => {
      const response = await search(api, {
        condition: {
          operator: "OR",
          conditions: [
            { field: "name", comparator: "IN", value: ["a", 5] },
            {
              operator: "NOT",
              conditions: [{ field: "created", comparator: "GREATER_THAN", value: "soon" }],
            },
            { field: "custom_fields.weather", comparator: "EQUALS", value: "snow" },
            { field: "name", comparator: "EQUALS", value: ["a"] },
            { field: "name", comparator: "IS_NULL", value: "a" },
          ],
        },
      });
      expectPathIssue(response, "condition.conditions.0.value.1", /takes a string/);
      expectPathIssue(response, "condition.conditions.1.conditions.0.value", /RFC 3339/);
      expectPathIssue(response, "condition.conditions.2.value", /one of its values/);
      expectPathIssue(response, "condition.conditions.3.value", /use IN for a list/);
      expectPathIssue(response, "condition.conditions.4.value", /takes no value/);
    });
  });

  describe("malformed trees", () => {
    const cases: [unknown, string, RegExp][] = [
      [
        { field: "name", comparator: "LIKE", value: "x" },
        "condition.comparator",
        /must be one of EQUALS, NOT_EQUALS/,
      ],
      [{ field: "name", value: "x" }, "condition.comparator", /is required/],
      [{ operator: "XOR", conditions: [] }, "condition.operator", /must be one of AND, OR, NOT/],
      [{ operator: "AND", conditions: [] }, "condition.conditions", /at least one condition/],
      [
        {
          operator: "NOT",
          conditions: [
            { field: "name", comparator: "IS_NULL" },
            { field: "name", comparator: "IS_NULL" },
          ],
        },
        "condition.conditions",
        /NOT takes exactly one condition/,
      ],
      [
        { field: "name", comparator: "EQUALS", value: { nested: 1 } },
        "condition.value",
        /must be a string, number, boolean, null or a list/,
      ],
      [
        { operator: "AND", conditions: ["name = 'x'"] },
        "condition.conditions.0",
        /must be a condition/,
      ],
      [[{ field: "name", comparator: "IS_NULL" }], "condition", /must be a condition/],
      [{ field: 5, comparator: "EQUALS", value: "x" }, "condition.field", /must be a field name/],
    ];

    it.each(cases)("rejects %j by path", async (condition, path, reason) => {
      expectPathIssue(await search(api, { condition }), path, reason);
    });
  });

  describe("request checks", () => {
    it("rejects both query and condition", async () => {
      const response = await search(api, {
        query: "name = 'x'",
        condition: { field: "name", comparator: "EQUALS", value: "x" },
      });
      expectPathIssue(response, "condition", /either query or condition, not both/);
    });

    it("rejects unknown sort fields", async () => {
      expectPathIssue(
        await search(api, { sort_by: "weight" }),
        "sort_by",
        /unknown field 'weight'; sortable fields are/,
      );
      expectPathIssue(
        await search(api, { sort_by: "tags" }),
        "sort_by",
        /tags cannot be sorted on/,
      );
      expectPathIssue(
        await search(api, { sort_by: "custom_fields.nope" }),
        "sort_by",
        /custom_fields\.weather/,
      );
    });

    it("rejects unknown sort directions", async () => {
      expectPathIssue(
        await search(api, { sort_direction: "up" }),
        "sort_direction",
        /'asc' or 'desc'/,
      );
    });

    it("rejects limits out of range", async () => {
      expectPathIssue(await search(api, { limit: 0 }), "limit", /at least 1/);
      expectPathIssue(await search(api, { limit: 1001 }), "limit", /at most 1000/);
      expectPathIssue(await search(api, { limit: 2.5 }), "limit", /integer/);
    });

    it("rejects a query that is not text", async () => {
      expectPathIssue(await search(api, { query: ["name"] }), "query", /must be a query string/);
    });

    it("rejects invalid JSON bodies", async () => {
      expectPathIssue(await searchRaw(api, '{"query": '), "body", /invalid JSON/);
    });
  });

  describe("limits", () => {
    it("rejects deep parentheses", async () => {
      const query = `${"(".repeat(33)}name = 'x'${")".repeat(33)}`;
      expectQueryIssue(await search(api, { query }), 33, "(", /nest deeper than 32 levels/);
    });

    it("rejects long NOT chains", async () => {
      const response = await search(api, { query: `${"NOT ".repeat(40)}name = 'x'` });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].reason).toMatch(/deeper than 32 levels/);
    });

    it("survives a very deep tree", async () => {
      const depth = 20_000;
      const body = `{"condition": ${'{"operator": "NOT", "conditions": ['.repeat(depth)}{"field": "name", "comparator": "IS_NULL"}${"]}".repeat(depth)}}`;
      expectPathIssue(await searchRaw(api, body), "condition", /deeper than 32 levels/);
    });

    it("rejects too many comparisons", async () => {
      const query = Array.from({ length: 201 }, (_, index) => `name = '${index}'`).join(" OR ");
      const response = await search(api, { query });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].reason).toMatch(/at most 200 comparisons/);
    });

    it("rejects long IN lists", async () => {
      const values = Array.from({ length: 1001 }, (_, index) => `'${index}'`).join(", ");
      const response = await search(api, { query: `name IN (${values})` });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].reason).toMatch(/IN takes 1 to 1000 values, received 1001/);
    });

    it("rejects overlong query strings", async () => {
      expectPathIssue(
        await search(api, { query: `name = '${"x".repeat(17_000)}'` }),
        "query",
        /at most 16384 characters/,
      );
    });
  });

  describe("bound values", () => {
    it("matches SQL text literally", async () => {
      const name = "x'); DROP TABLE sessions; --";
      const session = await createSession(api, { name });
      const found = await searchIds(api, { query: `name = '${name.replace(/'/g, "''")}'` });
      expect(found).toEqual([session.session_id]);

      const nothing = await searchIds(api, { query: "name = 'x'' OR ''1''=''1'" });
      expect(nothing).toEqual([]);
      const everything = await searchIds(api, {});
      expect(everything.length).toBeGreaterThanOrEqual(2);
    });
  });
});
