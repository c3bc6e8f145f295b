import * as v from "valibot";
import type { FieldDefinition } from "../custom-field/definition.js";
import { LIMITS } from "../limits.js";
import { describeReceived } from "../time/int64.js";
import { checkCondition } from "./check.js";
import { ConditionTreeSchema, QUERY_LIMITS } from "./condition-tree.js";
import {
  describeSortableFields,
  fieldLabel,
  isSortable,
  resolveSearchField,
  type SearchField,
} from "./fields.js";
import { parseQueryString } from "./parser.js";
import type { QueryIssue } from "./query-issue.js";
import type { TypedCondition } from "./typed-condition.js";

/** Sort directions of a session query. */
export const SORT_DIRECTIONS = ["asc", "desc"] as const;

/** A sort direction. */
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

/** Field a session query sorts on when the request names none. */
export const DEFAULT_SORT_FIELD = "created";

/** Direction a session query sorts in when the request names none. */
export const DEFAULT_SORT_DIRECTION: SortDirection = "desc";

const LIMIT_REASON = `must be an integer from ${LIMITS.pageLimitMin} to ${LIMITS.pageLimitMax}`;

/**
 * Request body of `POST /v1/sessions/query`. It contains a query string or
 * the same condition as a JSON tree, never both, and neither matches every
 * session. `sort_by` names a sortable field and `sort_direction` is `asc` or
 * `desc` in any case. By default the newest `created` comes first. `limit`
 * is 1 to 1000 (default 100), and `page_token` continues a previous page.
 */
export const QuerySessionsRequestSchema = v.pipe(
  v.object({
    query: v.nullish(
      v.pipe(
        v.string("must be a query string such as \"tags CONTAINS 'night'\""),
        v.maxLength(
          QUERY_LIMITS.queryLength,
          `must be at most ${QUERY_LIMITS.queryLength} characters`,
        ),
      ),
    ),
    condition: v.nullish(ConditionTreeSchema),
    sort_by: v.nullish(
      v.pipe(
        v.string("must be the name of a sortable field, such as 'created'"),
        v.minLength(1, "must not be empty"),
        v.maxLength(200, "must be at most 200 characters"),
      ),
    ),
    sort_direction: v.nullish(
      v.pipe(
        v.string("must be 'asc' or 'desc'"),
        v.transform((text: string) => text.trim().toLowerCase()),
        v.picklist(
          SORT_DIRECTIONS,
          (issue) =>
            `must be 'asc' or 'desc' in any case, received ${describeReceived(issue.input)}`,
        ),
      ),
    ),
    limit: v.nullish(
      v.pipe(
        v.number(LIMIT_REASON),
        v.integer(LIMIT_REASON),
        v.minValue(LIMITS.pageLimitMin, `must be at least ${LIMITS.pageLimitMin}`),
        v.maxValue(LIMITS.pageLimitMax, `must be at most ${LIMITS.pageLimitMax}`),
      ),
      LIMITS.pageLimitDefault,
    ),
    page_token: v.nullish(
      v.pipe(v.string("must be the next_token of the previous page"), v.maxLength(4096)),
    ),
  }),
  v.forward(
    v.check(
      (request) => request.query == null || request.condition == null,
      "give either query or condition, not both",
    ),
    ["condition"],
  ),
);

/** A parsed session query request. */
export type QuerySessionsRequest = v.InferOutput<typeof QuerySessionsRequestSchema>;
/** A session query request as a client writes it. */
export type QuerySessionsInput = v.InferInput<typeof QuerySessionsRequestSchema>;

/** The order of a session query; the session id breaks ties in the same direction. */
export interface SessionSort {
  field: SearchField;
  direction: SortDirection;
}

/** A session query ready to run: its checked condition (`null` matches every session) and its order. */
export interface SessionSearch {
  condition: TypedCondition | null;
  sort: SessionSort;
  limit: number;
  page_token: string | null;
}

/** The checked search, or every issue found. */
export type CheckedSessionSearch =
  | { ok: true; value: SessionSearch }
  | { ok: false; issues: QueryIssue[] };

/**
 * Checks a parsed request against the ready custom fields of sessions
 * (`customFields`, by name): parses the query string, checks the condition
 * and resolves the sort. Issues of a query string point at the offending
 * token; issues of a tree carry its dot path under `condition`.
 */
export function checkSessionSearch(
  request: QuerySessionsRequest,
  customFields: ReadonlyMap<string, FieldDefinition>,
): CheckedSessionSearch {
  const issues: QueryIssue[] = [];

  let condition: TypedCondition | null = null;
  if (request.query != null) {
    const parsed = parseQueryString(request.query);
    if (!parsed.ok) issues.push(parsed.issue);
    else if (parsed.condition) {
      const checked = checkCondition(parsed.condition, customFields, {
        form: "string",
        path: "query",
        spans: parsed.spans,
      });
      if (checked.ok) condition = checked.value;
      else issues.push(...checked.issues);
    }
  } else if (request.condition != null) {
    const checked = checkCondition(request.condition, customFields, {
      form: "tree",
      path: "condition",
    });
    if (checked.ok) condition = checked.value;
    else issues.push(...checked.issues);
  }

  const sortName = request.sort_by ?? DEFAULT_SORT_FIELD;
  const sortField = resolveSearchField(sortName, customFields);
  if (!sortField || !isSortable(sortField)) {
    const what = sortField
      ? `${fieldLabel(sortField)} cannot be sorted on`
      : `unknown field '${sortName}'`;
    issues.push({
      path: "sort_by",
      reason: `${what}; sortable fields are ${describeSortableFields(customFields)}`,
      value: sortName,
    });
  }

  if (issues.length || !sortField) return { ok: false, issues };
  return {
    ok: true,
    value: {
      condition,
      sort: { field: sortField, direction: request.sort_direction ?? DEFAULT_SORT_DIRECTION },
      limit: request.limit,
      page_token: request.page_token ?? null,
    },
  };
}
