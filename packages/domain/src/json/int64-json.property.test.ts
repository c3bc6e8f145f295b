import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INT64_MAX, INT64_MIN } from "../time/int64.js";
import { parseJson, stringifyJson } from "./int64-json.js";

const int64 = fc.bigInt({ min: INT64_MIN, max: INT64_MAX });

// Strings biased towards text that resembles the codec's own patterns.
const trickyString = fc.oneof(
  fc.string(),
  fc.constantFrom('t_ns": 5}', '_ns":-1,', "\\_ns", '"_ns"', "\u0000i64", "~i64:1", "_ns"),
);

// Doubles that parse back to the same number: no -0, and no integer outside
// the safe range, which the codec reads as a bigint.
const plainDouble = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((value) => !Object.is(value, -0))
  .filter((value) => !Number.isInteger(value) || Number.isSafeInteger(value));

const unsafeInteger = fc.oneof(
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 70n }),
  fc.bigInt({ min: -(2n ** 70n), max: -(2n ** 53n) }),
);

// Keys other than `*_ns` keys. A generated key never ends in `_ns` by chance.
const plainKey = trickyString.map((key) => (key.endsWith("_ns") ? `${key}.` : key));
const nsKey = trickyString.map((key) => `${key}_ns`);

// Values exactly as parseJson must return them: integers under `*_ns` keys are
// bigints, other integers are numbers when safe and bigints when not.
const model = fc.letrec<{ value: unknown; structure: unknown; nsValue: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: "small" }, plainDouble, unsafeInteger, tie("structure")),
  structure: fc.oneof(
    { depthSize: "small" },
    trickyString,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc
      .array(fc.oneof(fc.tuple(plainKey, tie("value")), fc.tuple(nsKey, tie("nsValue"))), {
        maxLength: 4,
      })
      .map((entries) => Object.fromEntries(entries)),
  ),
  nsValue: fc.oneof(
    int64,
    plainDouble.filter((value) => !Number.isInteger(value)),
    tie("structure"),
  ),
}));

describe("int64 JSON codec properties", () => {
  it("round trips every int64 value", () => {
    fc.assert(
      fc.property(int64, (value) => {
        const parsed = parseJson(stringifyJson({ t_ns: value })) as { t_ns: unknown };

        expect(parsed.t_ns).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it("round trips int64 text unchanged", () => {
    fc.assert(
      fc.property(int64, int64, (a, b) => {
        const text = `{"min_timestamp_ns":${a},"items":[${b}],"other":${b}}`;

        expect(stringifyJson(parseJson(text))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it("round trips int64 values near the limits", () => {
    const nearLimits = fc.oneof(
      fc.bigInt({ min: INT64_MAX - 1000n, max: INT64_MAX }),
      fc.bigInt({ min: INT64_MIN, max: INT64_MIN + 1000n }),
      fc.bigInt({ min: 2n ** 53n - 1000n, max: 2n ** 53n + 1000n }),
    );

    fc.assert(
      fc.property(nearLimits, (value) => {
        const text = `{"t_ns":${value},"n":${value}}`;

        expect(stringifyJson(parseJson(text))).toBe(text);
        expect((parseJson(text) as { t_ns: bigint }).t_ns).toBe(value);
      }),
    );
  });

  it("parses generated documents exactly", () => {
    fc.assert(
      fc.property(model.value, fc.constantFrom(undefined, 2), (value, space) => {
        const text = stringifyJson(value, space);

        expect(parseJson(text)).toStrictEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with JSON.parse on plain JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);

        expect(stringifyJson(parseJson(text))).toBe(JSON.stringify(JSON.parse(text)));
      }),
      { numRuns: 500 },
    );
  });
});
