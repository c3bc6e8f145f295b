import { parseRfc3339Ns } from "@sortie/domain";
import { parseJson } from "@sortie/sdk";
import { InvalidArgumentError } from "commander";

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Reads a point in time: integer nanoseconds since the Unix epoch, or an RFC
 * 3339 date-time with an offset (up to nine fractional digits). Throws
 * InvalidArgumentError, which Commander reports as a usage error.
 */
export function parseTimestampNs(text: string): bigint {
  if (INTEGER.test(text)) {
    const ns = BigInt(text);
    if (ns >= INT64_MIN && ns <= INT64_MAX) return ns;
  }
  const parsed = parseRfc3339Ns(text);
  if (parsed === undefined) {
    throw new InvalidArgumentError(
      "expected integer nanoseconds since the Unix epoch or an RFC 3339 date-time such as 2026-04-23T08:00:00Z.",
    );
  }
  return parsed;
}

/** Reads a whole number of at least 1. */
export function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!INTEGER.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError("expected a whole number of at least 1.");
  }
  return value;
}

/**
 * Reads `name=value`. The value is read as JSON when it is valid JSON (so
 * `12`, `true`, `null`, `[1,2]` and `"007"` keep their types, and integers
 * stay exact), and as a plain string otherwise.
 */
export function parseAssignment(text: string): [string, unknown] {
  const equals = text.indexOf("=");
  if (equals <= 0) {
    throw new InvalidArgumentError("expected name=value, such as weather=clear or wind_kmh=12.");
  }
  const name = text.slice(0, equals);
  const raw = text.slice(equals + 1);
  return [name, readJsonOrString(raw)];
}

function readJsonOrString(raw: string): unknown {
  try {
    return parseJson(raw);
  } catch {
    return raw;
  }
}

/** Option parser of a repeatable option: appends each occurrence. */
export function collect<T>(parse: (text: string) => T) {
  return (text: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(text)];
}

/** Option parser of a repeatable string option. */
export function collectText(text: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), text];
}

/** Turns `[name, value]` pairs into an object; a name given twice keeps its last value. */
export function toObject(pairs: ReadonlyArray<[string, unknown]>): Record<string, unknown> {
  return Object.fromEntries(pairs);
}
