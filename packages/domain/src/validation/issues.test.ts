import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { summarizeDetails, validate } from "./issues.js";

const schema = v.object({
  name: v.string("must be a string"),
  files: v.array(v.object({ file_id: v.string("must be a string id") })),
  labels: v.optional(v.record(v.string(), v.number("must be a number"))),
});

describe("validate", () => {
  it("returns the parsed value", () => {
    expect(validate(schema, { name: "a", files: [], extra: 1 })).toEqual({
      ok: true,
      value: { name: "a", files: [] },
    });
  });

  it("names nested paths", () => {
    const result = validate(schema, {
      name: "a",
      files: [{ file_id: "x" }, { file_id: 2 }],
      labels: { k: "v" },
    });

    expect(result).toEqual({
      ok: false,
      details: [
        { path: "files.1.file_id", reason: "must be a string id" },
        { path: "labels.k", reason: "must be a number" },
      ],
    });
  });

  it("says a missing key is required", () => {
    const result = validate(schema, { files: [] });

    expect(result).toEqual({ ok: false, details: [{ path: "name", reason: "is required" }] });
  });

  it("names the body for a non-object", () => {
    const result = validate(schema, "text");

    expect(result.ok ? [] : result.details.map((detail) => detail.path)).toEqual(["body"]);
  });

  it.each([
    ["an object schema", schema],
    ["a record schema", v.record(v.string(), v.unknown())],
    ["a loose object schema", v.looseObject({})],
    [
      "a piped object schema",
      v.pipe(
        v.object({}),
        v.check(() => true),
      ),
    ],
  ])("rejects an array for %s", (_name, target) => {
    expect(validate(target, [])).toEqual({
      ok: false,
      details: [{ path: "body", reason: "must be a JSON object, received an array" }],
    });
  });

  it("accepts arrays for array schemas", () => {
    expect(validate(v.array(v.number()), [1])).toEqual({ ok: true, value: [1] });
  });

  it("never throws on bad input", () => {
    for (const input of [undefined, null, 0, Symbol("s"), () => 1, new Date(0)]) {
      expect(() => validate(schema, input)).not.toThrow();
    }
  });
});

describe("summarizeDetails", () => {
  it("joins details into one message", () => {
    const message = summarizeDetails([
      { path: "name", reason: "is required" },
      { path: "files.0", reason: "must be an object" },
    ]);

    expect(message).toBe("Invalid request. name: is required; files.0: must be an object");
  });

  it("counts details past five", () => {
    const details = Array.from({ length: 7 }, (_, i) => ({ path: `p${i}`, reason: "bad" }));

    expect(summarizeDetails(details)).toMatch(/p4: bad \(and 2 more\)$/);
  });
});
