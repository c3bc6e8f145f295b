import type { ErrorDetail } from "../errors/codes.js";
import { describeReceived, isInt64 } from "../time/int64.js";
import { formatRfc3339Ns, parseRfc3339Ns } from "../time/rfc3339.js";
import type { FieldDefinition } from "./definition.js";

/** A custom-field value in storage form; timestamps are nanoseconds. */
export type StoredFieldValue = boolean | number | string | bigint;

/** Result of checking one value against its field: the stored form or the reason it is invalid. */
export type FieldValueResult =
  | { ok: true; value: StoredFieldValue }
  | { ok: false; reason: string };

/**
 * Checks a value against its field's type and returns its storage form.
 *
 * boolean takes a JSON boolean, number a finite number, string a string, enum
 * one of the field's values, and timestamp an RFC 3339 string with an offset
 * or integer nanoseconds since the Unix epoch (stored as nanoseconds).
 */
export function parseFieldValue(field: FieldDefinition, value: unknown): FieldValueResult {
  switch (field.field_type) {
    case "boolean":
      return typeof value === "boolean"
        ? { ok: true, value }
        : { ok: false, reason: `must be true or false, received ${describeReceived(value)}` };
    case "number":
      if (typeof value === "number" && Number.isFinite(value)) return { ok: true, value };
      if (typeof value === "bigint") {
        return {
          ok: false,
          reason: `must be a number of at most 2^53 in magnitude, received ${value}`,
        };
      }
      return { ok: false, reason: `must be a finite number, received ${describeReceived(value)}` };
    case "string":
      if (typeof value !== "string") {
        return { ok: false, reason: `must be a string, received ${describeReceived(value)}` };
      }
      return value.length <= 4096
        ? { ok: true, value }
        : { ok: false, reason: "must be at most 4096 characters" };
    case "enum": {
      const allowed = field.options?.enum_values ?? [];
      if (typeof value === "string" && allowed.includes(value)) return { ok: true, value };
      return {
        ok: false,
        reason: `must be one of ${allowed.map((item) => `'${item}'`).join(", ")}, received ${describeReceived(value)}`,
      };
    }
    case "timestamp":
      return parseTimestampValue(value);
  }
}

function parseTimestampValue(value: unknown): FieldValueResult {
  if (typeof value === "bigint") {
    return isInt64(value)
      ? { ok: true, value }
      : { ok: false, reason: `must fit a 64-bit integer of nanoseconds, received ${value}` };
  }
  if (typeof value === "number" && Number.isSafeInteger(value))
    return { ok: true, value: BigInt(value) };
  if (typeof value === "string") {
    const ns = parseRfc3339Ns(value);
    if (ns !== undefined) return { ok: true, value: ns };
  }
  return {
    ok: false,
    reason: `must be an RFC 3339 date-time with an offset (such as '2026-04-23T08:00:00Z') or integer nanoseconds since the Unix epoch, received ${describeReceived(value)}`,
  };
}

/** Turns a stored value into its wire form: timestamps as RFC 3339 UTC with up to nine fractional digits. */
export function formatFieldValue(field: FieldDefinition, value: StoredFieldValue | null): unknown {
  if (value === null) return null;
  if (field.field_type === "timestamp") return formatRfc3339Ns(BigInt(value));
  return value;
}

/**
 * Checks a map of values against the ready fields of an entity type. Every
 * unknown name and every invalid value yields a detail under `pathPrefix`.
 */
export function parseFieldValues(
  fields: ReadonlyMap<string, FieldDefinition>,
  values: Record<string, unknown>,
  pathPrefix: string,
): { ok: true; value: Map<string, StoredFieldValue> } | { ok: false; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  const parsed = new Map<string, StoredFieldValue>();
  for (const [name, value] of Object.entries(values)) {
    const field = fields.get(name);
    if (!field) {
      details.push({
        path: `${pathPrefix}.${name}`,
        reason: unknownFieldReason(name, fields),
      });
      continue;
    }
    const result = parseFieldValue(field, value);
    if (result.ok) parsed.set(name, result.value);
    else details.push({ path: `${pathPrefix}.${name}`, reason: result.reason });
  }
  return details.length ? { ok: false, details } : { ok: true, value: parsed };
}

/** Explains that a name is not a ready custom field, listing the ready ones. */
export function unknownFieldReason(
  name: string,
  fields: ReadonlyMap<string, FieldDefinition>,
): string {
  const known = [...fields.keys()];
  const list = known.length
    ? `ready fields are: ${known.slice(0, 20).join(", ")}`
    : "no field is ready";
  return `'${name}' is not a ready custom field of this entity type (${list}); create it with POST /v1/custom-fields`;
}
