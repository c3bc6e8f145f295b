import * as v from "valibot";
import type { ErrorDetail } from "../errors/codes.js";
import { rejectArrays } from "../validation/common.js";
import { FieldNameSchema } from "./definition.js";

/**
 * Changes to custom-field values: `set_fields` sets values, `clear_fields`
 * removes them. A name may not appear in both.
 */
export const CustomFieldChangesetSchema = rejectArrays(
  v.pipe(
    v.object({
      set_fields: v.nullish(
        rejectArrays(v.record(v.string(), v.unknown(), "must be an object of field values")),
      ),
      clear_fields: v.nullish(v.array(FieldNameSchema, "must be an array of field names")),
    }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const set = dataset.value.set_fields ?? {};
      for (const name of dataset.value.clear_fields ?? []) {
        if (Object.hasOwn(set, name)) {
          addIssue({
            message: `'${name}' is both set and cleared; keep it in one of set_fields or clear_fields`,
            path: [
              {
                type: "object",
                origin: "value",
                input: dataset.value,
                key: "clear_fields",
                value: dataset.value.clear_fields,
              },
            ],
          });
        }
      }
    }),
  ),
);

/** A parsed custom-field changeset. */
export type CustomFieldChangeset = v.InferOutput<typeof CustomFieldChangesetSchema>;

/** Tells whether a custom-field changeset changes nothing. */
export function isCustomFieldChangesetEmpty(
  changeset: CustomFieldChangeset | null | undefined,
): boolean {
  if (!changeset) return true;
  return Object.keys(changeset.set_fields ?? {}).length === 0 && !changeset.clear_fields?.length;
}

/**
 * Applies a changeset to a map of values without changing the input: sets
 * first, then clears. A name both set and cleared is invalid.
 */
export function applyCustomFieldChangeset<T>(
  values: ReadonlyMap<string, T>,
  changeset:
    | { set_fields?: Record<string, T> | null; clear_fields?: readonly string[] | null }
    | null
    | undefined,
): { ok: true; value: Map<string, T> } | { ok: false; details: ErrorDetail[] } {
  const result = new Map(values);
  if (!changeset) return { ok: true, value: result };

  const set = changeset.set_fields ?? {};
  const both = (changeset.clear_fields ?? []).filter((name) => Object.hasOwn(set, name));
  if (both.length) {
    return {
      ok: false,
      details: both.map((name) => ({
        path: `custom_fields_changeset.clear_fields`,
        reason: `'${name}' is both set and cleared; keep it in one of set_fields or clear_fields`,
      })),
    };
  }

  for (const [name, value] of Object.entries(set)) result.set(name, value);
  for (const name of changeset.clear_fields ?? []) result.delete(name);
  return { ok: true, value: result };
}

/**
 * Combines two changesets so that applying the result equals applying `first`
 * and then `second`: for each name the later changeset wins, whether it sets
 * or clears.
 */
export function combineCustomFieldChangesets(
  first: CustomFieldChangeset | null | undefined,
  second: CustomFieldChangeset | null | undefined,
): CustomFieldChangeset {
  const setFields = new Map<string, unknown>();
  const cleared = new Set<string>();

  for (const changeset of [first, second]) {
    if (!changeset) continue;
    for (const [name, value] of Object.entries(changeset.set_fields ?? {})) {
      setFields.set(name, value);
      cleared.delete(name);
    }
    for (const name of changeset.clear_fields ?? []) {
      setFields.delete(name);
      cleared.add(name);
    }
  }

  const combined: CustomFieldChangeset = {};
  if (setFields.size) combined.set_fields = Object.fromEntries(setFields);
  if (cleared.size) combined.clear_fields = [...cleared];
  return combined;
}
