import { afterEach, describe, expect, it } from "vitest";
import { INT64_MAX, INT64_MIN } from "../time/int64.js";
import { JsonSyntaxError, parseJson, stringifyJson } from "./int64-json.js";

// Integers in the safe range would not need the codec, so the samples lie above 2^53.
const NS = 1700000060000000001n;

describe("parseJson", () => {
  it.each([
    ["positive nanoseconds", '{"t_ns":1700000060000000001}', NS],
    ["negative nanoseconds", '{"t_ns":-1700000060000000001}', -NS],
    ["int64 maximum", `{"t_ns":${INT64_MAX}}`, INT64_MAX],
    ["int64 minimum", `{"t_ns":${INT64_MIN}}`, INT64_MIN],
    ["zero", '{"t_ns":0}', 0n],
    ["negative zero", '{"t_ns":-0}', 0n],
    ["small value", '{"t_ns":5}', 5n],
    ["value beyond int64", '{"t_ns":9223372036854775808}', 9223372036854775808n],
  ])("keeps %s exact", (_name, text, expected) => {
    const parsed = parseJson(text) as { t_ns: unknown };

    expect(parsed.t_ns).toBe(expected);
  });

  it.each([
    ["spaces around colon", '{ "t_ns" : 1700000060000000001 }'],
    ["tabs and newlines", '{\n\t"t_ns"\t:\n\t1700000060000000001\n}'],
    ["carriage returns", '{"t_ns"\r\n:\r\n1700000060000000001\r\n}'],
    ["member before others", '{"t_ns":1700000060000000001 , "a":1}'],
  ])("reads nanoseconds with %s", (_name, text) => {
    const parsed = parseJson(text) as { t_ns: unknown };

    expect(parsed.t_ns).toBe(NS);
  });

  it("reads nanoseconds in nested objects", () => {
    const text = '{"data":{"items":[{"min_timestamp_ns":1700000060000000001,"x":{"end_ns":7}}]}}';

    const parsed = parseJson(text) as {
      data: { items: { min_timestamp_ns: bigint; x: object }[] };
    };

    expect(parsed.data.items[0]?.min_timestamp_ns).toBe(NS);
    expect(parsed.data.items[0]?.x).toEqual({ end_ns: 7n });
  });

  it("keeps other safe integers as numbers", () => {
    const parsed = parseJson('{"count":42,"size":-7,"ratio":0.5}');

    expect(parsed).toEqual({ count: 42, size: -7, ratio: 0.5 });
  });

  it.each([
    ["fraction", '{"t_ns":1.5}', 1.5],
    ["integer with fraction", '{"t_ns":1.0}', 1],
    ["exponent", '{"t_ns":1e3}', 1000],
    ["string", '{"t_ns":"5"}', "5"],
    ["null", '{"t_ns":null}', null],
    ["boolean", '{"t_ns":true}', true],
  ])("leaves a %s under an _ns key", (_name, text, expected) => {
    const parsed = parseJson(text) as { t_ns: unknown };

    expect(parsed.t_ns).toStrictEqual(expected);
  });

  it("reads numbers in _ns arrays as numbers", () => {
    const parsed = parseJson('{"t_ns":[1,2]}');

    expect(parsed).toEqual({ t_ns: [1, 2] });
  });

  it.each([
    ["escaped underscore", '{"t\\u005fns":5}'],
    ["escaped letter", '{"t_n\\u0073":5}'],
    ["escaped key with big value", '{"t\\u005fns":1700000060000000001}'],
  ])("decodes an _ns key with %s", (_name, text) => {
    const parsed = parseJson(text) as { t_ns: unknown };

    expect(typeof parsed.t_ns).toBe("bigint");
  });

  it("matches both paths on escaped keys", () => {
    const fast = parseJson('{"t\\u005fns":5}');
    const exact = parseJson('{"t\\u005fns":5,"big":12345678901234567890}') as Record<
      string,
      unknown
    >;

    expect(fast).toEqual({ t_ns: 5n });
    expect(exact.t_ns).toBe(5n);
  });

  it.each([
    ["key ending in _ns", '{"_ns":1}', { _ns: 1n }],
    ["string value ending in _ns", '{"a":"x_ns","b":1}', { a: "x_ns", b: 1 }],
    ["key text inside a string", '{"a":"t_ns\\": 5}","b":1}', { a: 't_ns": 5}', b: 1 }],
    ["escaped backslash before key end", '{"a\\\\_ns":5}', { "a\\_ns": 5n }],
    ["array of _ns strings", '["t_ns", 5]', ["t_ns", 5]],
    ["key with _ns inside", '{"t_nsx":5}', { t_nsx: 5 }],
  ])("handles a %s", (_name, text, expected) => {
    expect(parseJson(text)).toEqual(expected);
  });

  it("keeps strings that look like marks", () => {
    const text = '{"a":"\\u0000i64abc:5","b":"~i64abc:5"}';

    expect(parseJson(text)).toEqual({ a: "\u0000i64abc:5", b: "~i64abc:5" });
  });

  describe("exact fallback", () => {
    it("keeps big integers under other keys", () => {
      const parsed = parseJson('{"count":12345678901234567890,"t_ns":5,"n":3}');

      expect(parsed).toEqual({ count: 12345678901234567890n, t_ns: 5n, n: 3 });
    });

    it("keeps big integers in arrays", () => {
      const parsed = parseJson("[1, 9007199254740993, -9007199254740993]");

      expect(parsed).toEqual([1, 9007199254740993n, -9007199254740993n]);
    });

    it("keeps a big top-level integer", () => {
      expect(parseJson("9007199254740993")).toBe(9007199254740993n);
    });

    it("keeps big floats as numbers", () => {
      const parsed = parseJson('{"a":1e20,"b":12345678901234567890.5}');

      expect(parsed).toEqual({ a: 1e20, b: Number("12345678901234567890.5") });
    });

    it("keeps nested nanoseconds exact", () => {
      const text = '{"x":[{"t_ns":1700000060000000001}],"big":9007199254740993}';

      const parsed = parseJson(text) as { x: { t_ns: bigint }[] };

      expect(parsed.x[0]?.t_ns).toBe(NS);
    });

    it("keeps the last repeated key", () => {
      const fast = parseJson('{"a":1,"a":2}');
      const exact = parseJson('{"a":1,"a":2,"big":9007199254740993}') as Record<string, unknown>;

      expect(fast).toEqual({ a: 2 });
      expect(exact.a).toBe(2);
    });
  });

  it.each([
    ["plain JSON", '{"a":1,}'],
    ["JSON with a marked member", '{"t_ns":1700000060000000001,}'],
    ["truncated text", '{"t_ns":17'],
    ["empty text", ""],
    ["leading zero", '{"t_ns":01}'],
    ["bare minus", '{"t_ns":-}'],
    ["unquoted key", "{t_ns:1}"],
    ["fallback text", '{"big":9007199254740993,'],
  ])("rejects %s with JsonSyntaxError", (_name, text) => {
    expect(() => parseJson(text)).toThrow(JsonSyntaxError);
  });

  it("hides marks in syntax errors", () => {
    let message = "";
    try {
      parseJson('{"t_ns":1700000060000000001,"a":}');
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toMatch(/^invalid JSON/);
    expect(message).not.toContain("\u0000");
    expect(message).not.toContain("i64");
  });

  it("reports positions in the original text", () => {
    const text = '{"t_ns":1,}';
    let expected = "";
    try {
      JSON.parse(text);
    } catch (error) {
      expected = `invalid JSON: ${(error as Error).message}`;
    }

    expect(() => parseJson(text)).toThrow(expected);
  });

  it("parses deep nesting without overflow", () => {
    const depth = 100_000;
    const text = `${"[".repeat(depth)}1${"]".repeat(depth)}`;

    let value = parseJson(text);
    let levels = 0;
    while (Array.isArray(value)) {
      value = value[0];
      levels++;
    }

    expect(levels).toBe(depth);
  });

  it("rejects deep exact nesting cleanly", () => {
    const depth = 100_000;
    const text = `${"[".repeat(depth)}9007199254740993${"]".repeat(depth)}`;

    expect(() => parseJson(text)).toThrow(JsonSyntaxError);
  });

  it.each([
    ["fast path", '{"__proto__":{"polluted":1},"t_ns":5}'],
    ["exact path", '{"__proto__":{"polluted":1},"big":9007199254740993}'],
  ])("stores __proto__ as own key on %s", (_name, text) => {
    const parsed = parseJson(text) as Record<string, unknown>;

    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("stringifyJson", () => {
  const prototype = BigInt.prototype as { toJSON?: () => unknown };

  afterEach(() => {
    delete prototype.toJSON;
  });

  it.each([
    ["nanoseconds", NS, "1700000060000000001"],
    ["negative nanoseconds", -NS, "-1700000060000000001"],
    ["int64 maximum", INT64_MAX, "9223372036854775807"],
    ["int64 minimum", INT64_MIN, "-9223372036854775808"],
    ["zero", 0n, "0"],
  ])("writes %s as an integer", (_name, value, expected) => {
    expect(stringifyJson({ t_ns: value })).toBe(`{"t_ns":${expected}}`);
  });

  it("writes bigints in arrays and nesting", () => {
    const text = stringifyJson({ a: [1n, { b: -2n }], c: "3" });

    expect(text).toBe('{"a":[1,{"b":-2}],"c":"3"}');
  });

  it("writes a top-level bigint", () => {
    expect(stringifyJson(NS)).toBe("1700000060000000001");
  });

  it("indents like JSON.stringify", () => {
    const value = { t_ns: 1n, list: [1, 2] };

    expect(stringifyJson(value, 2)).toBe(JSON.stringify({ t_ns: 1, list: [1, 2] }, null, 2));
  });

  it("keeps strings that resemble integers", () => {
    const value = { a: "123", b: "~i64:5", c: "\u0000" };

    expect(stringifyJson(value)).toBe(JSON.stringify(value));
  });

  it("returns undefined for undefined", () => {
    expect(stringifyJson(undefined)).toBeUndefined();
  });

  it("leaves JSON.stringify rejecting bigints", () => {
    stringifyJson({ a: 1n });

    expect(() => JSON.stringify({ a: 1n })).toThrow(TypeError);
    expect(() => JSON.stringify(1n)).toThrow(TypeError);
  });

  it("marks bigints in nested calls", () => {
    const inner = { toJSON: () => JSON.parse(stringifyJson({ b: 2 })) as unknown };

    expect(stringifyJson({ x: inner, y: 3n })).toBe('{"x":{"b":2},"y":3}');
  });

  it("restores a toJSON set later", () => {
    stringifyJson({ a: 1n });
    const later = () => "later";
    prototype.toJSON = later;

    expect(stringifyJson({ a: 1n })).toBe('{"a":1}');
    expect(prototype.toJSON).toBe(later);
  });

  it("restores a previous BigInt toJSON", () => {
    const previous = function (this: bigint) {
      return `custom:${this.toString()}`;
    };
    prototype.toJSON = previous;

    const text = stringifyJson({ a: 1n });

    expect(text).toBe('{"a":1}');
    expect(prototype.toJSON).toBe(previous);
    expect(JSON.stringify({ a: 2n })).toBe('{"a":"custom:2"}');
  });

  it("restores toJSON after a throw", () => {
    const previous = () => "custom";
    prototype.toJSON = previous;
    const cyclic: Record<string, unknown> = { a: 1n };
    cyclic.self = cyclic;

    expect(() => stringifyJson(cyclic)).toThrow(TypeError);
    expect(prototype.toJSON).toBe(previous);
  });

  it("round trips the sample value", () => {
    const text = '{"data":{"min_timestamp_ns":1700000060000000001,"max_timestamp_ns":-1}}';

    expect(stringifyJson(parseJson(text))).toBe(text);
  });
});
