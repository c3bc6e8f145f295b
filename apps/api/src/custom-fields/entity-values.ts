import {
  type EntityType,
  type FieldDefinition,
  parseFieldValues,
  type StoredFieldValue,
} from "@sortie/domain";
import { ApiError } from "../http/api-error.js";
import type { Executor } from "../store/store.js";

/**
 * Loads the ready custom fields of an org and entity type, by name.
 * NOTE: custom-field definitions are not stored yet, so no field is ready and
 * every value is rejected as an unknown field.
 */
export async function loadReadyFields(
  _db: Executor,
  _orgId: string,
  _entityType: EntityType,
): Promise<Map<string, FieldDefinition>> {
  return new Map();
}

/** Reads the `custom_fields` object of each entity: every ready field as a key, `null` when unset. */
export async function loadCustomFieldObjects(
  db: Executor,
  orgId: string,
  entityType: EntityType,
  entityIds: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const fields = await loadReadyFields(db, orgId, entityType);
  const objects = new Map<string, Record<string, unknown>>();
  for (const id of entityIds) {
    objects.set(id, Object.fromEntries([...fields.keys()].map((name) => [name, null])));
  }
  return objects;
}

/** Checks initial values against the ready fields, throwing one 400 that lists every problem. */
export async function parseInitialValues(
  db: Executor,
  orgId: string,
  entityType: EntityType,
  values: Record<string, unknown>,
): Promise<Map<string, StoredFieldValue>> {
  if (Object.keys(values).length === 0) return new Map();
  const fields = await loadReadyFields(db, orgId, entityType);
  const parsed = parseFieldValues(fields, values, "custom_fields");
  if (!parsed.ok) throw ApiError.invalid(parsed.details);
  return parsed.value;
}

/** Checks a changeset's names and values against the ready fields, throwing one 400 that lists every problem. */
export async function parseChangesetValues(
  db: Executor,
  orgId: string,
  entityType: EntityType,
  changeset: { set_fields?: Record<string, unknown> | null; clear_fields?: string[] | null },
): Promise<{ set: Map<string, StoredFieldValue>; clear: string[] }> {
  const setFields = changeset.set_fields ?? {};
  const clear = changeset.clear_fields ?? [];
  if (Object.keys(setFields).length === 0 && clear.length === 0) return { set: new Map(), clear: [] };

  const fields = await loadReadyFields(db, orgId, entityType);
  const parsed = parseFieldValues(fields, setFields, "custom_fields_changeset.set_fields");
  const details = parsed.ok ? [] : [...parsed.details];
  for (const name of clear) {
    if (!fields.has(name)) {
      details.push({
        path: `custom_fields_changeset.clear_fields`,
        reason: `'${name}' is not a ready custom field of this entity type`,
        value: name,
      });
    }
  }
  if (details.length || !parsed.ok) throw ApiError.invalid(details);
  return { set: parsed.value, clear };
}

/** Stores values of one entity, replacing those named in `set` and removing those in `clear`. */
export async function writeFieldValues(
  _tx: Executor,
  _orgId: string,
  _entityType: EntityType,
  _entityId: string,
  values: { set: Map<string, StoredFieldValue>; clear: string[] },
): Promise<void> {
  if (values.set.size || values.clear.length) {
    throw new Error("custom-field values cannot be stored before custom-field storage exists");
  }
}

/** Removes every value of one entity, when it is deleted. */
export async function deleteEntityValues(
  _tx: Executor,
  _entityType: EntityType,
  _entityId: string,
): Promise<void> {}
