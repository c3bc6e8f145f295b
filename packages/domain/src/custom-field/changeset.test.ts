import { describe, expect, it } from "vitest";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import {
  applyCustomFieldChangeset,
  type CustomFieldChangeset,
  CustomFieldChangesetSchema,
  combineCustomFieldChangesets,
  isCustomFieldChangesetEmpty,
} from "./changeset.js";

describe("CustomFieldChangesetSchema", () => {
  it("accepts sets and clears", () => {
    const input = { set_fields: { weather: "clear", speed: 3 }, clear_fields: ["pilot"] };

    expect(expectValid(CustomFieldChangesetSchema, input)).toEqual(input);
  });

  it("accepts null members", () => {
    const input = { set_fields: null, clear_fields: null };

    expect(expectValid(CustomFieldChangesetSchema, input)).toEqual(input);
  });

  it("ignores unknown keys", () => {
    expect(expectValid(CustomFieldChangesetSchema, { clear_fields: ["a"], other: 1 })).toEqual({
      clear_fields: ["a"],
    });
  });

  it("rejects a name set and cleared", () => {
    const details = expectIssue(
      CustomFieldChangesetSchema,
      { set_fields: { weather: "clear", pilot: "x" }, clear_fields: ["weather", "pilot", "speed"] },
      "clear_fields",
      /'weather' is both set and cleared/,
    );

    expect(details.map((detail) => detail.reason)).toEqual([
      expect.stringContaining("'weather'"),
      expect.stringContaining("'pilot'"),
    ]);
  });

  it.each<[string, unknown, string, RegExp]>([
    ["set_fields as a list", { set_fields: [1] }, "set_fields", /JSON object, received an array/],
    ["set_fields as text", { set_fields: "a" }, "set_fields", /JSON object/],
    ["clear_fields as text", { clear_fields: "a" }, "clear_fields", /array of field names/],
    [
      "an invalid field name",
      { clear_fields: ["Bad-Name"] },
      "clear_fields.0",
      /lower-case letter/,
    ],
    ["a list body", [], "body", /JSON object/],
  ])("rejects %s", (_name, input, path, reason) => {
    expectIssue(CustomFieldChangesetSchema, input, path, reason);
  });
});

describe("applyCustomFieldChangeset", () => {
  const values = new Map<string, unknown>([
    ["weather", "clear"],
    ["speed", 3],
  ]);

  it.each<[string, CustomFieldChangeset | null, Record<string, unknown>]>([
    ["changes nothing for null", null, { weather: "clear", speed: 3 }],
    [
      "sets a new value",
      { set_fields: { pilot: "ada" } },
      { weather: "clear", speed: 3, pilot: "ada" },
    ],
    ["overwrites a value", { set_fields: { speed: 4 } }, { weather: "clear", speed: 4 }],
    ["clears a value", { clear_fields: ["weather"] }, { speed: 3 }],
    [
      "ignores clearing an absent name",
      { clear_fields: ["pilot"] },
      { weather: "clear", speed: 3 },
    ],
    [
      "sets and clears different names",
      { set_fields: { speed: 5 }, clear_fields: ["weather"] },
      { speed: 5 },
    ],
  ])("%s", (_name, changeset, expected) => {
    const result = applyCustomFieldChangeset(values, changeset);
    if (!result.ok) expect.fail(JSON.stringify(result.details));

    expect(Object.fromEntries(result.value)).toEqual(expected);
  });

  it("rejects a name set and cleared", () => {
    const result = applyCustomFieldChangeset(values, {
      set_fields: { weather: "rain" },
      clear_fields: ["weather"],
    });

    expect(result).toEqual({
      ok: false,
      details: [
        {
          path: "custom_fields_changeset.clear_fields",
          reason: expect.stringContaining("'weather' is both set and cleared"),
        },
      ],
    });
  });

  it("leaves the input map unchanged", () => {
    const before = new Map(values);

    applyCustomFieldChangeset(values, { set_fields: { speed: 9 }, clear_fields: ["weather"] });

    expect(values).toEqual(before);
  });
});

describe("combineCustomFieldChangesets", () => {
  it.each<[string, CustomFieldChangeset | null, CustomFieldChangeset | null, CustomFieldChangeset]>(
    [
      ["returns empty for two nulls", null, null, {}],
      ["keeps the first alone", { set_fields: { a: 1 } }, null, { set_fields: { a: 1 } }],
      ["keeps the second alone", null, { clear_fields: ["a"] }, { clear_fields: ["a"] }],
      [
        "lets a later set win",
        { set_fields: { a: 1 } },
        { set_fields: { a: 2 } },
        { set_fields: { a: 2 } },
      ],
      [
        "lets a later clear win",
        { set_fields: { a: 1 } },
        { clear_fields: ["a"] },
        { clear_fields: ["a"] },
      ],
      [
        "lets a later set undo a clear",
        { clear_fields: ["a"] },
        { set_fields: { a: 2 } },
        { set_fields: { a: 2 } },
      ],
      [
        "joins different names",
        { set_fields: { a: 1 }, clear_fields: ["b"] },
        { set_fields: { c: 3 }, clear_fields: ["d"] },
        { set_fields: { a: 1, c: 3 }, clear_fields: ["b", "d"] },
      ],
    ],
  )("%s", (_name, first, second, expected) => {
    expect(combineCustomFieldChangesets(first, second)).toEqual(expected);
  });

  it("never sets and clears one name", () => {
    const combined = combineCustomFieldChangesets(
      { set_fields: { a: 1 }, clear_fields: ["b"] },
      { set_fields: { b: 2 }, clear_fields: ["a"] },
    );

    expect(combined).toEqual({ set_fields: { b: 2 }, clear_fields: ["a"] });
  });
});

describe("isCustomFieldChangesetEmpty", () => {
  it.each<[string, CustomFieldChangeset | null | undefined, boolean]>([
    ["null", null, true],
    ["undefined", undefined, true],
    ["an empty object", {}, true],
    ["empty members", { set_fields: {}, clear_fields: [] }, true],
    ["null members", { set_fields: null, clear_fields: null }, true],
    ["a set", { set_fields: { a: 1 } }, false],
    ["a set to null", { set_fields: { a: null } }, false],
    ["a clear", { clear_fields: ["a"] }, false],
  ])("returns %s for %s", (_name, changeset, expected) => {
    expect(isCustomFieldChangesetEmpty(changeset)).toBe(expected);
  });
});
