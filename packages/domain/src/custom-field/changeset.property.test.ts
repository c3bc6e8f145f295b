import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyCustomFieldChangeset,
  type CustomFieldChangeset,
  combineCustomFieldChangesets,
} from "./changeset.js";

const name = fc.constantFrom("weather", "speed", "pilot", "site");
const value = fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.boolean());

// A valid changeset: no name is both set and cleared.
const changeset: fc.Arbitrary<CustomFieldChangeset> = fc
  .record({
    set: fc.dictionary(name, value, { maxKeys: 3 }),
    clear: fc.uniqueArray(name, { maxLength: 3 }),
  })
  .map(({ set, clear }) => ({
    set_fields: set,
    clear_fields: clear.filter((cleared) => !Object.hasOwn(set, cleared)),
  }));

const values = fc.dictionary(name, value).map((entries) => new Map(Object.entries(entries)));

function applyOk(current: ReadonlyMap<string, unknown>, change: CustomFieldChangeset) {
  const result = applyCustomFieldChangeset(current, change);
  if (!result.ok) throw new Error(`unexpected error: ${JSON.stringify(result.details)}`);
  return result.value;
}

describe("custom-field changeset properties", () => {
  it("combines like applying in order", () => {
    fc.assert(
      fc.property(values, changeset, changeset, (current, first, second) => {
        const sequential = applyOk(applyOk(current, first), second);

        const combined = applyOk(current, combineCustomFieldChangesets(first, second));

        expect(combined).toEqual(sequential);
      }),
    );
  });

  it("combines into a valid changeset", () => {
    fc.assert(
      fc.property(changeset, changeset, (first, second) => {
        const combined = combineCustomFieldChangesets(first, second);

        const cleared = combined.clear_fields ?? [];
        expect(
          cleared.filter((cleared) => Object.hasOwn(combined.set_fields ?? {}, cleared)),
        ).toEqual([]);
      }),
    );
  });

  it("combines associatively", () => {
    fc.assert(
      fc.property(values, changeset, changeset, changeset, (current, a, b, c) => {
        const left = combineCustomFieldChangesets(combineCustomFieldChangesets(a, b), c);
        const right = combineCustomFieldChangesets(a, combineCustomFieldChangesets(b, c));

        expect(applyOk(current, left)).toEqual(applyOk(current, right));
      }),
    );
  });

  it("restores values after set and clear", () => {
    fc.assert(
      fc.property(values, name, value, (current, field, newValue) => {
        fc.pre(!current.has(field));

        const afterSet = applyOk(current, { set_fields: { [field]: newValue } });
        const afterClear = applyOk(afterSet, { clear_fields: [field] });

        expect(afterClear).toEqual(current);
      }),
    );
  });
});
