import * as v from "valibot";

/** Smallest value of a signed 64-bit integer. */
export const INT64_MIN = -(2n ** 63n);
/** Largest value of a signed 64-bit integer. */
export const INT64_MAX = 2n ** 63n - 1n;

/** Tells whether a bigint fits a signed 64-bit integer. */
export function isInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

/**
 * A 64-bit integer such as a `*_ns` timestamp (nanoseconds since the Unix
 * epoch). Accepts only `bigint`, which the JSON codec produces for `*_ns` keys,
 * so the value never passes through a `number`.
 */
export const Int64Schema = v.pipe(
  v.bigint(
    (issue) =>
      `must be a JSON integer of 64 bits (nanoseconds), received ${describeReceived(issue.input)}`,
  ),
  v.check(
    isInt64,
    (issue) =>
      `must be a 64-bit integer between ${INT64_MIN} and ${INT64_MAX}, received ${String(issue.input)}`,
  ),
);

/** A nullable 64-bit integer, absent or `null` both meaning "not given". */
export const OptionalInt64Schema = v.nullish(Int64Schema);

/** Describes a received value for an error message without echoing large inputs. */
export function describeReceived(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  if (typeof input === "string") {
    return input.length > 40 ? "a string" : `the string ${JSON.stringify(input)}`;
  }
  if (typeof input === "number") return `the number ${input}`;
  return typeof input === "object" ? "an object" : String(typeof input);
}
