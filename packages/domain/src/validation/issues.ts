import * as v from "valibot";
import type { ErrorDetail } from "../errors/codes.js";

/**
 * Turns Valibot issues into error details: a dot path (`files.0.file_id`, or
 * `body` for the whole input) and a reason that says what would be valid.
 */
export function toErrorDetails(issues: readonly v.BaseIssue<unknown>[]): ErrorDetail[] {
  return issues.map((issue) => ({
    path: issuePath(issue),
    reason: isMissingKey(issue) ? "is required" : issue.message,
  }));
}

// Valibot reports a missing required key as `Invalid key: Expected "name" but
// received undefined`, with the key as the last path item.
function isMissingKey(issue: v.BaseIssue<unknown>): boolean {
  const last = issue.path?.at(-1);
  return issue.kind === "schema" && last?.origin === "key" && issue.input === undefined;
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

// Schema types whose Valibot 1.5.0 implementation reads an array as an object.
const OBJECT_SCHEMA_TYPES = new Set([
  "object",
  "loose_object",
  "strict_object",
  "object_with_rest",
  "record",
]);

/**
 * Validates input with a schema and never throws for bad input. An array
 * given where the schema expects an object is rejected at `body`.
 */
export function validate<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
): Validated<v.InferOutput<TSchema>> {
  if (Array.isArray(input) && OBJECT_SCHEMA_TYPES.has(schema.type)) {
    return {
      ok: false,
      details: [{ path: "body", reason: "must be a JSON object, received an array" }],
    };
  }

  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, details: toErrorDetails(result.issues) };
}
