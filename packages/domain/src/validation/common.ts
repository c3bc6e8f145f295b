import * as v from "valibot";
import { stringifyJson } from "../json/int64-json.js";
import { LIMITS } from "../limits.js";
import { describeReceived } from "../time/int64.js";

/**
 * Wraps an object or record schema so that it rejects arrays: the object and
 * record schemas of Valibot 1.5.0 accept an array and read it as an object
 * with index keys.
 */
export function rejectArrays<const TSchema extends v.GenericSchema>(schema: TSchema) {
  return v.pipe(
    v.custom<v.InferInput<TSchema>>(
      (input) => typeof input === "object" && input !== null && !Array.isArray(input),
      (issue) => `must be a JSON object, received ${describeReceived(issue.input)}`,
    ),
    schema,
  );
}

/** An identifier given in a path or body: 1 to 128 characters, no control characters. */
export const IdSchema = v.pipe(
  v.string("must be a string id"),
  v.minLength(1, "must not be empty"),
  v.maxLength(LIMITS.idLength, `must be at most ${LIMITS.idLength} characters`),
  v.regex(/^[^\p{Cc}]+$/u, "must not contain control characters"),
);

/** A caller-chosen device id: letters, digits and `_ . : -`, starting with a letter or digit. */
export const DeviceIdSchema = v.pipe(
  v.string("must be a string id"),
  v.regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/,
    "must be 1 to 128 characters of letters, digits, '_', '.', ':' or '-', starting with a letter or digit",
  ),
);

/** One tag: 1 to 128 characters. */
export const TagSchema = v.pipe(
  v.string("each tag must be a string"),
  v.minLength(1, "a tag must not be empty"),
  v.maxLength(LIMITS.tagLength, `a tag must be at most ${LIMITS.tagLength} characters`),
);

/** A list of tags; duplicates are kept once, in order of first appearance. */
export const TagsSchema = v.pipe(
  v.array(TagSchema, "must be an array of strings"),
  v.transform((tags: string[]) => dedupeTags(tags)),
  v.maxLength(
    LIMITS.tagsPerEntity,
    `must hold at most ${LIMITS.tagsPerEntity} distinct tags per entity`,
  ),
);

/** Removes repeated tags, keeping the first appearance of each. */
export function dedupeTags(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}

/** A JSON object of free-form metadata, bounded in size and depth. */
export const MetadataSchema = v.pipe(
  rejectArrays(v.record(v.string(), v.unknown(), "must be a JSON object")),
  v.check(
    (value) => jsonDepth(value) <= LIMITS.metadataDepth,
    `must not nest objects and arrays deeper than ${LIMITS.metadataDepth} levels`,
  ),
  // Too deep a value already has its issue, and JSON.stringify would overflow
  // the call stack on it.
  v.check(
    (value) =>
      jsonDepth(value) > LIMITS.metadataDepth || jsonByteLength(value) <= LIMITS.metadataBytes,
    `must be at most ${LIMITS.metadataBytes} bytes as JSON`,
  ),
);

/** A JSON object of metadata or `null`, read as `{}`. */
export const OptionalMetadataSchema = v.nullish(MetadataSchema, () => ({}));

/** A tag list or `null`, read as `[]`. */
export const OptionalTagsSchema = v.nullish(TagsSchema, () => []);

/** Size of a value written as JSON, in UTF-8 bytes. */
export function jsonByteLength(value: unknown): number {
  return new TextEncoder().encode(stringifyJson(value)).length;
}

/**
 * Nesting depth of objects and arrays in a JSON value; a scalar has depth 0.
 * Walks one level at a time instead of recursing, so that no depth can
 * overflow the call stack.
 */
export function jsonDepth(value: unknown): number {
  let depth = 0;
  let level: object[] = typeof value === "object" && value !== null ? [value] : [];
  while (level.length > 0) {
    depth++;
    const next: object[] = [];
    for (const container of level) {
      for (const child of Object.values(container)) {
        if (typeof child === "object" && child !== null) next.push(child);
      }
    }
    level = next;
  }
  return depth;
}

/** A page request: `limit` 1 to 1000 (default 100) and an opaque `page_token`. */
export const PageQuerySchema = v.object({
  limit: v.optional(
    v.pipe(
      v.union([v.number(), v.string()], "must be an integer"),
      v.transform((value) => Number(value)),
      v.integer(`must be an integer from ${LIMITS.pageLimitMin} to ${LIMITS.pageLimitMax}`),
      v.minValue(LIMITS.pageLimitMin, `must be at least ${LIMITS.pageLimitMin}`),
      v.maxValue(LIMITS.pageLimitMax, `must be at most ${LIMITS.pageLimitMax}`),
    ),
    LIMITS.pageLimitDefault,
  ),
  page_token: v.nullish(v.pipe(v.string("must be a string"), v.maxLength(4096))),
});

/** A parsed page request. */
export type PageQuery = v.InferOutput<typeof PageQuerySchema>;

/** One page of a listing: its items and the token of the next page, `null` on the last. */
export interface Page<T> {
  items: T[];
  next_token: string | null;
}
