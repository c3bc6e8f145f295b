import { isInteger, isSafeNumber, parse as parseLossless } from "lossless-json";

/**
 * JSON codec that keeps 64-bit integers exact.
 *
 * Unix-epoch nanoseconds exceed 2^53, so `JSON.parse` would round them. This
 * codec returns a `bigint` for every integer under a key ending in `_ns` and
 * for every other integer outside the safe `number` range; all other values
 * parse as `JSON.parse` parses them. `stringifyJson` writes every `bigint` as
 * a plain JSON integer.
 *
 * Parsing has two paths. The fast path marks the integer values of `*_ns` keys
 * in the text, lets the native `JSON.parse` do the work and turns the marks
 * into bigints while walking the result once. When that walk meets an integer
 * that `JSON.parse` may have rounded, the text is parsed again, exactly, by
 * lossless-json. lossless-json alone is about five times slower than
 * `JSON.parse` (measured by `pnpm bench` in this package), hence the fast path.
 */

/** Thrown when the text is not valid JSON; `message` names the position. */
export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
}

// A random nonce makes the marks impossible to forge from inside the JSON text.
const NONCE = Math.random().toString(36).slice(2, 12).padEnd(10, "0");
const PARSE_MARK = `\u0000i64${NONCE}:`;
const PARSE_MARK_ESCAPED = `\\u0000i64${NONCE}:`;
const STRINGIFY_MARK = `~i64${NONCE}:`;

// The integer value of a key ending in `_ns`. Inside a JSON string every `"`
// is escaped, so `_ns"` followed by `:` only matches the real end of a key.
const NS_MEMBER = /_ns"(\s*):(\s*)(-?(?:0|[1-9]\d*))(?=\s*[,}])/g;
const STRINGIFY_MARKED = new RegExp(`"${STRINGIFY_MARK}(-?\\d+)"`, "g");

class RoundedIntegerFound extends Error {}

/** Parses JSON text, keeping 64-bit integers exact (see the module comment). */
export function parseJson(text: string): unknown {
  const marked = text.replace(NS_MEMBER, `_ns"$1:$2"${PARSE_MARK_ESCAPED}$3"`);

  let value: unknown;
  try {
    value = JSON.parse(marked);
  } catch (error) {
    throw new JsonSyntaxError(`invalid JSON: ${(error as Error).message}`);
  }

  try {
    return restoreMarked(value);
  } catch (error) {
    if (error instanceof RoundedIntegerFound) return parseExact(text);
    throw error;
  }
}

/** Writes a value as JSON with every `bigint` as a plain integer. */
export function stringifyJson(value: unknown, space?: number): string {
  const bigintPrototype = BigInt.prototype as { toJSON?: () => unknown };
  const previous = Object.getOwnPropertyDescriptor(bigintPrototype, "toJSON");

  // JSON.stringify is synchronous, so the temporary `toJSON` is visible to
  // nothing but this call and is restored before any other code runs.
  Object.defineProperty(bigintPrototype, "toJSON", {
    value(this: bigint) {
      return STRINGIFY_MARK + this.toString();
    },
    configurable: true,
    writable: true,
  });
  try {
    const text = JSON.stringify(value, null, space);
    return text === undefined ? text : text.replace(STRINGIFY_MARKED, "$1");
  } finally {
    if (previous) Object.defineProperty(bigintPrototype, "toJSON", previous);
    else delete bigintPrototype.toJSON;
  }
}

function restoreMarked(value: unknown): unknown {
  if (typeof value === "string") return restoreString(value);
  if (typeof value === "number") return checkNumber(value);
  if (typeof value !== "object" || value === null) return value;

  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === "object" && item !== null) restoreMarked(item);
      else if (typeof item === "number") checkNumber(item);
      else if (typeof item === "string" && item.charCodeAt(0) === 0) value[i] = restoreString(item);
    }
    return value;
  }

  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = record[key];
    if (typeof item === "object" && item !== null) restoreMarked(item);
    else if (typeof item === "number") checkNumber(item);
    else if (typeof item === "string" && item.charCodeAt(0) === 0) record[key] = restoreString(item);
  }
  return record;
}

function restoreString(value: string): unknown {
  return value.startsWith(PARSE_MARK) ? BigInt(value.slice(PARSE_MARK.length)) : value;
}

function checkNumber(value: number): number {
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw new RoundedIntegerFound();
  return value;
}

function parseExact(text: string): unknown {
  try {
    return parseLossless(text, exactReviver, parseNumberExactly);
  } catch (error) {
    throw new JsonSyntaxError(`invalid JSON: ${(error as Error).message}`);
  }
}

// An integer literal whose type depends on its key, decided in `exactReviver`.
class IntegerLiteral {
  constructor(readonly literal: string) {}
}

function parseNumberExactly(literal: string): unknown {
  if (!isInteger(literal)) return Number(literal);
  if (!isSafeNumber(literal)) return BigInt(literal);
  return new IntegerLiteral(literal);
}

function exactReviver(key: string, value: unknown): unknown {
  if (!(value instanceof IntegerLiteral)) return value;
  return key.endsWith("_ns") ? BigInt(value.literal) : Number(value.literal);
}
