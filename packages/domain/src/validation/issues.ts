import * as v from "valibot";
import type { ErrorDetail } from "../errors/codes.js";

/**
 * Turns Valibot issues into error details: a dot path (`files.0.file_id`, or
 * `body` for the whole input) and a reason that says what would be valid.
 */
export function toErrorDetails(issues: readonly v.BaseIssue<unknown>[]): ErrorDetail[] {
  return issues.map((issue) => ({
    path: issuePath(issue),
    reason: issue.message,
  }));
}

/** Formats the path of one Valibot issue as a dot path. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  const keys = v.getDotPath(issue);
  return keys ?? "body";
}

/** Joins error details into one message a person can act on. */
export function summarizeDetails(details: readonly ErrorDetail[]): string {
  const parts = details.slice(0, 5).map((detail) => `${detail.path}: ${detail.reason}`);
  const more = details.length > 5 ? ` (and ${details.length - 5} more)` : "";
  return `Invalid request. ${parts.join("; ")}${more}`;
}

/** Result of validating input against a schema: the output, or the details of every problem. */
export type Validated<T> = { ok: true; value: T } | { ok: false; details: ErrorDetail[] };

/** Validates input with a schema and never throws for bad input. */
export function validate<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
): Validated<v.InferOutput<TSchema>> {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, details: toErrorDetails(result.issues) };
}
