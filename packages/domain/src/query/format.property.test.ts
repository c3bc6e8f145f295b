import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMPARATORS, type Comparator, PRESENCE_COMPARATORS } from "./comparators.js";
import type { ConditionNode, QueryScalar } from "./condition-tree.js";
import { formatCondition } from "./format.js";
import { parseQueryString } from "./parser.js";

// Any tree the printer writes parses back to the same tree: the query string
// and the JSON tree describe the same conditions.

const fieldArbitrary = fc.constantFrom(
  "name",
  "tags",
  "start_time",
  "custom_fields.weather",
  "device.id",
  "notes",
  "in_flight",
);

const scalarArbitrary: fc.Arbitrary<QueryScalar> = fc.oneof(
  fc.string(),
  fc.constantFrom("it's", "''", "a AND b", "%_*?[", "\n"),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Object.is(value, -0)),
  fc
    .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    .filter((value) => value < -(2n ** 53n) || value > 2n ** 53n),
  fc.boolean(),
  fc.constant(null),
);

const comparisonArbitrary: fc.Arbitrary<ConditionNode> = fc
  .tuple(
    fieldArbitrary,
    fc.constantFrom<Comparator>(...COMPARATORS),
    scalarArbitrary,
    fc.array(scalarArbitrary, { minLength: 1, maxLength: 4 }),
  )
  .map(([field, comparator, value, list]): ConditionNode => {
    if (PRESENCE_COMPARATORS.has(comparator)) return { field, comparator };
    if (comparator === "IN") return { field, comparator, value: list };
    if (comparator === "OVERLAPS") return { comparator, value: [value, list[0] as QueryScalar] };
    return { field, comparator, value };
  });

const treeArbitrary: fc.Arbitrary<ConditionNode> = fc.letrec<{ node: ConditionNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    comparisonArbitrary,
    fc.record({
      operator: fc.constantFrom("AND" as const, "OR" as const),
      conditions: fc.array(tie("node"), { minLength: 2, maxLength: 3 }),
    }),
    fc.record({ operator: fc.constant("NOT" as const), conditions: fc.tuple(tie("node")) }),
  ),
})).node;

describe("formatCondition", () => {
  it("parses back to the same tree", () => {
    fc.assert(
      fc.property(treeArbitrary, (tree) => {
        const text = formatCondition(tree);
        const parsed = parseQueryString(text);
        if (!parsed.ok) throw new Error(`'${text}' did not parse: ${parsed.issue.reason}`);
        expect(parsed.condition).toEqual(tree);
      }),
      { numRuns: 300 },
    );
  });

  it("writes quotes and large numbers readably", () => {
    expect(formatCondition({ field: "name", comparator: "EQUALS", value: "it's" })).toBe(
      "name = 'it''s'",
    );
    expect(
      formatCondition({ field: "t", comparator: "GREATER_THAN", value: 1700000060000000001n }),
    ).toBe("t > 1700000060000000001");
    expect(formatCondition({ field: "x", comparator: "LESS_THAN", value: 1e20 })).toBe("x < 1e+20");
    expect(formatCondition({ comparator: "OVERLAPS", value: [1, 2] })).toBe("OVERLAPS [1, 2]");
  });
});
