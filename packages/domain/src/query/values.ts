import { describeReceived, isInt64 } from "../time/int64.js";
import { parseRfc3339Ns } from "../time/rfc3339.js";
import type { QueryScalar } from "./condition-tree.js";
import { describeKind, fieldLabel, type SearchField } from "./fields.js";

/** A value after checking: strings, finite numbers, booleans, and bigint nanoseconds for times and durations. */
export type SearchScalar = string | number | bigint | boolean;

/** The checked value, or why it does not fit the field. */
export type CheckedScalar = { ok: true; value: SearchScalar } | { ok: false; reason: string };

/** The forms a time value takes, for messages. */
export const TIME_FORMS =
  "integer nanoseconds since the Unix epoch or an RFC 3339 date-time with an offset in single quotes, such as '2026-04-23T00:00:00Z'";

/** Reads an integer of nanoseconds given as a bigint or as a number that is an exact integer. */
function integerNs(value: QueryScalar): bigint | undefined {
  if (typeof value === "bigint") return isInt64(value) ? value : undefined;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}

/** Reads a time: integer nanoseconds or RFC 3339 text with an offset; `undefined` for anything else. */
export function readTimeNs(value: QueryScalar): bigint | undefined {
  return typeof value === "string" ? parseRfc3339Ns(value) : integerNs(value);
}

/** Describes a received value for messages, naming integers and booleans. */
export function describeQueryValue(value: QueryScalar): string {
  if (typeof value === "bigint") return `the integer ${value}`;
  if (typeof value === "boolean") return `the boolean ${value}`;
  return describeReceived(value);
}

/** Checks one value against the kind of its field and returns it in the form the store compares. */
export function checkScalar(field: SearchField, value: QueryScalar): CheckedScalar {
  const label = fieldLabel(field);
  if (value === null) {
    return {
      ok: false,
      reason: `${label} cannot be compared with null; test for a missing value with IS_NULL or NOT_EXISTS`,
    };
  }

  switch (field.kind) {
    case "text":
    case "related_id":
    case "tag_list":
      return typeof value === "string"
        ? { ok: true, value }
        : {
            ok: false,
            reason: `${label} takes a string in single quotes, received ${describeQueryValue(value)}`,
          };

    case "enum": {
      const allowed =
        field.source === "custom" ? (field.definition.options?.enum_values ?? []) : [];
      if (typeof value === "string" && allowed.includes(value)) return { ok: true, value };
      const list = allowed.map((item) => `'${item.replace(/'/g, "''")}'`).join(", ");
      return {
        ok: false,
        reason: `${label} takes one of its values ${list}, received ${describeQueryValue(value)}`,
      };
    }

    case "time": {
      const ns = readTimeNs(value);
      if (ns !== undefined) return { ok: true, value: ns };
      return {
        ok: false,
        reason: `${label} is ${describeKind(field)}: it takes ${TIME_FORMS}; received ${describeQueryValue(value)}`,
      };
    }

    case "duration": {
      const ns = integerNs(value);
      if (ns !== undefined) return { ok: true, value: ns };
      return {
        ok: false,
        reason: `${label} takes integer nanoseconds (max_timestamp_ns - min_timestamp_ns), received ${describeQueryValue(value)}`,
      };
    }

    case "number": {
      if (typeof value === "number" && Number.isFinite(value)) return { ok: true, value };
      // Custom number values are 64-bit floats, so an integer beyond 2^53
      // compares as its nearest float.
      if (typeof value === "bigint") return { ok: true, value: Number(value) };
      return {
        ok: false,
        reason: `${label} takes a finite number written without quotes, received ${describeQueryValue(value)}`,
      };
    }

    case "boolean":
      return typeof value === "boolean"
        ? { ok: true, value }
        : {
            ok: false,
            reason: `${label} takes TRUE or FALSE, received ${describeQueryValue(value)}`,
          };
  }
}
