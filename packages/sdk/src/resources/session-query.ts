import { COMPARATORS, LIMITS } from "@sortie/domain";
import * as v from "valibot";

/** Comparators of a condition in a JSON query tree, as the domain package defines them. */
export const QUERY_COMPARATORS = COMPARATORS;

/** A comparator of a condition in a JSON query tree. */
export type QueryComparator = (typeof QUERY_COMPARATORS)[number];

/** One comparison: `field` (such as `tags` or `custom_fields.weather`), a comparator and a value. */
export interface QueryComparison {
  field: string;
  comparator: QueryComparator;
  /** Time fields take bigint nanoseconds or RFC 3339 strings; `OVERLAPS` takes `[t0, t1]`. */
  value?: unknown;
}

/** Conditions joined by `AND` or `OR`, or one condition negated by `NOT`. */
export interface QueryGroup {
  operator: "AND" | "OR" | "NOT";
  conditions: QueryCondition[];
}

/** A node of a JSON query tree. */
export type QueryCondition = QueryComparison | QueryGroup;

/** Body of `sessions.query`: a query string or a condition tree, with sort and page options. */
export interface SessionQueryInput {
  /** A query string such as `tags CONTAINS 'night' AND start_time >= '2026-04-23T00:00:00Z'`. */
  query?: string;
  /** The same condition as a JSON tree; give either `query` or `condition`. */
  condition?: QueryCondition;
  /** Field to sort by; `created` by default. */
  sort_by?: string;
  /** `asc` or `desc` in any case; `desc` by default. */
  sort_direction?: string;
  /** Items per page, 1 to 1000. */
  limit?: number;
  /** Token of the page to start at. */
  page_token?: string | null;
}

const ComparisonSchema = v.object({
  field: v.pipe(v.string("must be a field name"), v.minLength(1, "must not be empty")),
  comparator: v.picklist(QUERY_COMPARATORS, `must be one of: ${QUERY_COMPARATORS.join(", ")}`),
  value: v.optional(v.unknown()),
});

const GroupSchema: v.GenericSchema<QueryGroup> = v.pipe(
  v.object({
    operator: v.picklist(["AND", "OR", "NOT"], "must be AND, OR or NOT"),
    conditions: v.array(
      v.lazy(() => ConditionSchema),
      "must be an array of conditions",
    ),
  }),
  v.check(
    (group) => group.operator !== "NOT" || group.conditions.length === 1,
    "NOT takes exactly one condition",
  ),
);

const ConditionSchema: v.GenericSchema<QueryCondition> = v.union(
  [GroupSchema, ComparisonSchema],
  "must be a condition {field, comparator, value} or a group {operator, conditions}",
);

/**
 * Checks a query body before it is sent: exactly one of `query` and
 * `condition`, a valid tree, a sort direction and a page size in range. Only
 * the structure is checked here; the API checks field names, comparators per
 * field type and the query string against the org's custom fields.
 */
export const SessionQuerySchema = v.pipe(
  v.object({
    query: v.optional(
      v.pipe(v.string("must be a query string"), v.minLength(1, "must not be empty")),
    ),
    condition: v.optional(ConditionSchema),
    sort_by: v.optional(v.string("must be a field name")),
    sort_direction: v.optional(
      v.pipe(
        v.string("must be 'asc' or 'desc'"),
        v.check((direction) => /^(asc|desc)$/i.test(direction), "must be 'asc' or 'desc'"),
      ),
    ),
    limit: v.optional(
      v.pipe(
        v.number("must be an integer"),
        v.integer("must be an integer"),
        v.minValue(LIMITS.pageLimitMin, `must be at least ${LIMITS.pageLimitMin}`),
        v.maxValue(LIMITS.pageLimitMax, `must be at most ${LIMITS.pageLimitMax}`),
      ),
    ),
    page_token: v.nullish(v.string("must be a string")),
  }),
  v.check(
    (body) => (body.query === undefined) !== (body.condition === undefined),
    "give exactly one of query (a query string) and condition (a JSON tree)",
  ),
);
