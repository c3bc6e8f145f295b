import { isInteger, isSafeNumber, parse as parseLossless } from "lossless-json";

/**
 * JSON codec that keeps 64-bit integers exact.
 *
 * Unix-epoch nanoseconds exceed 2^53, so `JSON.parse` would round them. This
 * codec returns a `bigint` for every integer literal (digits only, no fraction
 * or exponent) under a key ending in `_ns` and for every other integer literal
 * outside the safe `number` range. All other values parse as `JSON.parse`
 * parses them. `stringifyJson` writes every `bigint` as a plain JSON integer.
 *
 * Parsing has two paths. The fast path marks the integer values of `*_ns` keys
 * in the text, lets the native `JSON.parse` do the work and turns the marks
 * into bigints while walking the result once. When that walk meets an integer
 * that `JSON.parse` may have rounded, or a number under a `*_ns` key that
 * carries no mark, the text is parsed again, exactly, by lossless-json.
 * lossless-json alone takes 7 to 10 times as long as `JSON.parse` on a 1 MiB
 * page of session records (measured by `pnpm bench` in this package), hence
 * the fast path.
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

// The end of a key that ends in `_ns`, and the text after it when the value is
// an integer literal. Inside a JSON string every `"` is escaped, so `_ns"`
// followed by `:` only matches the real end of a key.
const NS_KEY_END = '_ns"';
const NS_INTEGER_VALUE = /\s*:\s*(-?(?:0|[1-9]\d*))(?=\s*[,}])/y;
const STRINGIFY_MARKED = new RegExp(`"${STRINGIFY_MARK}(-?\\d+)"`, "g");

// Raised by the fast path when only the exact parser can give the right value.
class ExactParseNeeded extends Error {}

/** Parses JSON text, keeping 64-bit integers exact (see the module comment). */
export function parseJson(text: string): unknown {
  const marked = markNsIntegers(text);

  let value: unknown;
  try {
    value = JSON.parse(marked);
  } catch {
    throw syntaxErrorOf(text);
  }

  try {
    return restoreMarked(value);
  } catch (error) {
    if (error instanceof ExactParseNeeded) return parseExact(text);
    throw error;
  }
}

// Wraps the integer value of every `*_ns` key in a marked string. Finding the
// keys with indexOf and matching only there took half the time of one global
// regular expression over the text.
function markNsIntegers(text: string): string {
  let marked = "";
  let copiedUpTo = 0;
  let keyEnd = text.indexOf(NS_KEY_END);
  while (keyEnd !== -1) {
    const afterKey = keyEnd + NS_KEY_END.length;
    NS_INTEGER_VALUE.lastIndex = afterKey;
    const match = NS_INTEGER_VALUE.exec(text);
    if (match === null) {
      keyEnd = text.indexOf(NS_KEY_END, afterKey);
      continue;
    }

    const digits = match[1] as string;
    const valueEnd = NS_INTEGER_VALUE.lastIndex;
    marked += `${text.slice(copiedUpTo, valueEnd - digits.length)}"${PARSE_MARK_ESCAPED}${digits}"`;
    copiedUpTo = valueEnd;
    keyEnd = text.indexOf(NS_KEY_END, valueEnd);
  }
  return copiedUpTo === 0 ? text : marked + text.slice(copiedUpTo);
}

// Reports the error of the original text: positions and excerpts in the
// message must not include the marks, which would also reveal the nonce.
function syntaxErrorOf(text: string): JsonSyntaxError {
  try {
    JSON.parse(text);
  } catch (error) {
    return new JsonSyntaxError(`invalid JSON: ${(error as Error).message}`);
  }
  return new JsonSyntaxError("invalid JSON");
}

/** Writes a value as JSON with every `bigint` as a plain integer. */
export function stringifyJson(value: unknown, space?: number): string {
  const bigintPrototype = BigInt.prototype as { toJSON?: unknown };

  // Fast path: our `toJSON` stays installed and marks bigints only while this
  // function runs. Outside it, it returns the bigint unchanged, so
  // JSON.stringify throws on bigints exactly as it does without it.
  if (bigintPrototype.toJSON === markWhenActive || installMarkWhenActive(bigintPrototype)) {
    // A `toJSON` of the value may call stringifyJson again; the inner call
    // must not end the marking of the outer one.
    const outerMarking = marking;
    marking = true;
    try {
      return unmark(JSON.stringify(value, null, space));
    } finally {
      marking = outerMarking;
    }
  }

  // Another `toJSON` is installed, so replace it for this call only. Because
  // JSON.stringify is synchronous, no other code runs with the temporary one.
  const previous = Object.getOwnPropertyDescriptor(bigintPrototype, "toJSON");
  Object.defineProperty(bigintPrototype, "toJSON", {
    value: markBigint,
    configurable: true,
    writable: true,
  });
  try {
    return unmark(JSON.stringify(value, null, space));
  } finally {
    if (previous) Object.defineProperty(bigintPrototype, "toJSON", previous);
    else delete bigintPrototype.toJSON;
  }
}

let marking = false;

function markWhenActive(this: bigint): unknown {
  return marking ? markBigint.call(this) : this;
}

// Installs `markWhenActive` once, unless someone else's `toJSON` is there.
function installMarkWhenActive(bigintPrototype: { toJSON?: unknown }): boolean {
  if (Object.hasOwn(bigintPrototype, "toJSON")) return false;
  Object.defineProperty(bigintPrototype, "toJSON", {
    value: markWhenActive,
    configurable: true,
    writable: true,
    enumerable: false,
  });
  return true;
}

function unmark(text: string | undefined): string {
  return text === undefined ? (text as unknown as string) : text.replace(STRINGIFY_MARKED, "$1");
}

// One function for every call: a new closure per call made stringifyJson
// measurably slower.
function markBigint(this: bigint): string {
  return STRINGIFY_MARK + this.toString();
}

// Walks the parsed value with an explicit stack instead of recursion, so that
// deeply nested input cannot overflow the call stack.
function restoreMarked(root: unknown): unknown {
  if (typeof root === "string") return restoreString(root);
  if (typeof root === "number") return checkNumber(root);
  if (typeof root !== "object" || root === null) return root;

  const pending: object[] = [root];
  while (pending.length > 0) {
    const container = pending.pop() as object;

    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) {
        const item: unknown = container[i];
        if (typeof item === "object" && item !== null) pending.push(item);
        else if (typeof item === "number") checkNumber(item);
        else if (typeof item === "string" && item.charCodeAt(0) === 0) {
          container[i] = restoreString(item);
        }
      }
      continue;
    }

    const record = container as Record<string, unknown>;
    const keys = Object.keys(record);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const item = record[key];
      if (typeof item === "object" && item !== null) pending.push(item);
      else if (typeof item === "number") {
        checkNumber(item);
        // An unmarked number under a `*_ns` key comes from a key written with
        // escapes (`"t\u005fns"`) or from a non-integer literal. The exact
        // parser reads the decoded key, so it handles both.
        if (key.endsWith("_ns")) throw new ExactParseNeeded();
      } else if (typeof item === "string" && item.charCodeAt(0) === 0) {
        record[key] = restoreString(item);
      }
    }
  }
  return root;
}

function restoreString(value: string): unknown {
  return value.startsWith(PARSE_MARK) ? BigInt(value.slice(PARSE_MARK.length)) : value;
}

function checkNumber(value: number): number {
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw new ExactParseNeeded();
  return value;
}

function parseExact(text: string): unknown {
  try {
    // A repeated key keeps its last value, as `JSON.parse` does; lossless-json
    // would reject it by default.
    return parseLossless(text, exactReviver, {
      parseNumber: parseNumberExactly,
      onDuplicateKey: ({ newValue }) => newValue,
    });
  } catch (error) {
    // NOTE: lossless-json parses recursively, so this path rejects nesting
    // deeper than a few thousand levels, which the fast path accepts.
    if (error instanceof RangeError) {
      throw new JsonSyntaxError(
        "invalid JSON: arrays and objects nest too deeply to parse; flatten the structure",
      );
    }
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
