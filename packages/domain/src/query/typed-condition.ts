import type { Comparator } from "./comparators.js";
import type { SearchField } from "./fields.js";
import type { SearchScalar } from "./values.js";

/** Comparators that compare a field with one value. */
export type ValueComparator = Exclude<
  Comparator,
  "IN" | "OVERLAPS" | "IS_NULL" | "IS_NOT_NULL" | "EXISTS" | "NOT_EXISTS"
>;

/**
 * A condition checked against the field catalogue: every field resolved,
 * every comparator fits its field, every value has its field's type (times
 * and durations as bigint nanoseconds).
 *
 * A comparison never matches a session that lacks a value for its field;
 * only `presence` with `present: false` does. So `not` of a comparison
 * matches exactly the sessions the comparison does not match.
 */
export type TypedCondition =
  | { kind: "and" | "or"; conditions: TypedCondition[] }
  | { kind: "not"; condition: TypedCondition }
  | { kind: "compare"; field: SearchField; comparator: ValueComparator; value: SearchScalar }
  | { kind: "in"; field: SearchField; values: SearchScalar[] }
  | { kind: "presence"; field: SearchField; present: boolean }
  | { kind: "overlaps"; from: bigint; to: bigint };
