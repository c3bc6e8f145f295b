import * as v from "valibot";
import { describeReceived } from "../time/int64.js";
import { jsonDepth } from "../validation/common.js";
import {
  COMPARATORS,
  type Comparator,
  comparatorFromText,
  GROUP_OPERATORS,
  type GroupOperator,
} from "./comparators.js";

/** Limits on one query, so that no query can exhaust the stack, the parser or the store's bound parameters. */
export const QUERY_LIMITS = {
  /** Maximum length of a query string, in characters. */
  queryLength: 16 * 1024,
  /** Maximum nesting of groups (parentheses, AND, OR, NOT) in one query. */
  depth: 32,
  /** Maximum number of comparisons in one query. */
  comparisons: 200,
  /** Maximum number of values in one IN list. */
  listValues: 1000,
} as const;

/** A value as written in a query: a scalar, or a list for IN and OVERLAPS. */
export type QueryScalar = string | number | bigint | boolean | null;

/** A value of a comparison, before it is checked against its field. */
export type QueryValue = QueryScalar | QueryScalar[];

/** One comparison: `{field, comparator, value}`. OVERLAPS tests the session window and names no field. */
export interface ComparisonNode {
  field?: string;
  comparator: Comparator;
  value?: QueryValue;
}

/** A group: AND or OR of one or more conditions, or NOT of exactly one. */
export interface GroupNode {
  operator: GroupOperator;
  conditions: ConditionNode[];
}

/** A node of a condition tree, as the JSON form writes it and the query-string parser produces it. */
export type ConditionNode = ComparisonNode | GroupNode;

/** Tells a group node from a comparison. */
export function isGroupNode(node: ConditionNode): node is GroupNode {
  return "operator" in node;
}

const NODE_SHAPE =
  'must be a condition {"field", "comparator", "value"} or a group {"operator": "AND" | "OR" | "NOT", "conditions": [...]}';

const ScalarSchema = v.union(
  [v.string(), v.pipe(v.number(), v.finite()), v.bigint(), v.boolean(), v.null()],
  (issue) => `must be a string, number, boolean or null, received ${describeReceived(issue.input)}`,
);

const ComparatorSchema = v.pipe(
  v.string(`must be one of ${COMPARATORS.join(", ")}`),
  v.transform((text: string) => comparatorFromText(text.trim()) ?? text),
  v.picklist(
    COMPARATORS,
    (issue) =>
      `must be one of ${COMPARATORS.join(", ")}, received ${describeReceived(issue.input)}`,
  ),
);

const ComparisonSchema = v.object({
  field: v.nullish(
    v.pipe(
      v.string("must be a field name such as 'name', 'tags' or 'custom_fields.weather'"),
      v.minLength(1, "must not be empty"),
      v.maxLength(200, "must be at most 200 characters"),
    ),
  ),
  comparator: ComparatorSchema,
  value: v.optional(
    v.union(
      [ScalarSchema, v.array(ScalarSchema)],
      (issue) =>
        `must be a string, number, boolean, null or a list of those, received ${describeReceived(issue.input)}`,
    ),
  ),
});

const OperatorSchema = v.pipe(
  v.string(`must be one of ${GROUP_OPERATORS.join(", ")}`),
  v.transform((text: string) => text.trim().toUpperCase()),
  v.picklist(
    GROUP_OPERATORS,
    (issue) =>
      `must be one of ${GROUP_OPERATORS.join(", ")}, received ${describeReceived(issue.input)}`,
  ),
);

const GroupSchema = v.pipe(
  v.object({
    operator: OperatorSchema,
    conditions: v.pipe(
      v.array(
        v.lazy(() => NodeSchema),
        "must be an array of conditions",
      ),
      v.minLength(1, "must hold at least one condition"),
    ),
  }),
  v.forward(
    v.check(
      (group) => group.operator !== "NOT" || group.conditions.length === 1,
      "NOT takes exactly one condition; wrap several in an AND or OR group",
    ),
    ["conditions"],
  ),
);

// Picks the schema by shape, so that an error names the keys of the kind of
// node the client meant instead of listing the failures of both.
const NodeSchema: v.GenericSchema<unknown, ConditionNode> = v.lazy((input) => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return v.custom<ConditionNode>(
      () => false,
      (issue) => `${NODE_SHAPE}, received ${describeReceived(issue.input)}`,
    );
  }
  return ("operator" in input ? GroupSchema : ComparisonSchema) as v.GenericSchema<
    unknown,
    ConditionNode
  >;
});

/** Counts the comparisons of a tree. */
export function countComparisons(node: ConditionNode): number {
  let count = 0;
  const pending: ConditionNode[] = [node];
  while (pending.length > 0) {
    const next = pending.pop() as ConditionNode;
    if (isGroupNode(next)) pending.push(...next.conditions);
    else count++;
  }
  return count;
}

// Each group adds two levels of JSON (its object and its conditions array),
// and a comparison with a list value adds two more.
const MAX_JSON_DEPTH = 2 * QUERY_LIMITS.depth + 2;

/**
 * A condition tree in its JSON form. Nesting deeper than the limit is
 * rejected before the recursive schema runs, so no input can overflow the
 * call stack.
 */
export const ConditionTreeSchema = v.pipe(
  v.unknown(),
  v.check(
    (input) => jsonDepth(input) <= MAX_JSON_DEPTH,
    `must not nest groups deeper than ${QUERY_LIMITS.depth} levels`,
  ),
  NodeSchema,
  v.check(
    (node) => countComparisons(node) <= QUERY_LIMITS.comparisons,
    `must hold at most ${QUERY_LIMITS.comparisons} comparisons`,
  ),
);
