import type { ErrorDetail } from "../errors/codes.js";
import { describeSpan, type SourceSpan } from "./source-span.js";

/**
 * One problem of a query. For a query string the path is `query`, and the
 * issue gives the position of the offending token. For a JSON tree the path
 * is the dot path of the offending key, such as `condition.conditions.1.value`.
 */
export interface QueryIssue extends ErrorDetail {
  offset?: number;
  line?: number;
  column?: number;
  token?: string;
}

/** Makes an issue at a token of the query string, with a reason that starts with the position. */
export function issueAtSpan(path: string, span: SourceSpan, reason: string): QueryIssue {
  return {
    path,
    reason: `${describeSpan(span)}: ${reason}`,
    offset: span.offset,
    line: span.line,
    column: span.column,
    token: span.token,
  };
}
