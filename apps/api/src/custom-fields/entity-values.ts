import {
  type EntityType,
  type FieldDefinition,
  type FieldOptions,
  type FieldType,
  formatFieldValue,
  parseFieldValues,
  parseJson,
  type StoredFieldValue,
} from "@sortie/domain";
import { ApiError } from "../http/api-error.js";
import { queryTemplate } from "../store/query-template.js";
import type { CustomFieldValueTable } from "../store/schema.js";
import type { Executor } from "../store/store.js";

/** A ready custom field: its definition and id. */
export interface ReadyField extends FieldDefinition {
  field_id: string;
}

const selectReadyFields = queryTemplate<
  { field_id: string; field_name: string; field_type: string; options: string | null },
  { orgId: string; entityType: string }
>((db, slot) =>
  db
    .selectFrom("custom_fields")
    .select(["field_id", "field_name", "field_type", "options"])
    .where("org_id", "=", slot("orgId"))
    .where("entity_type", "=", slot("entityType"))
    .where("status", "=", "ready")
    .orderBy("field_name"),
);

/** Loads the ready custom fields of an org and entity type, by name, in name order. */
export async function loadReadyFields(
  db: Executor,
  orgId: string,
  entityType: EntityType,
): Promise<Map<string, ReadyField>> {
  const rows = await selectReadyFields(db, { orgId, entityType });
  return new Map(
    rows.map((row) => [
      row.field_name,
      {
        field_id: row.field_id,
        field_name: row.field_name,
        field_type: row.field_type as FieldType,
        options: row.options ? (parseJson(row.options) as FieldOptions) : null,
      },
    ]),
  );
}

type ValueColumns = Pick<
  CustomFieldValueTable,
  "value_boolean" | "value_number" | "value_string" | "value_ns"
>;

/** Reads a value from its typed column. */
export function readStoredValue(
  field: FieldDefinition,
  row: ValueColumns,
): StoredFieldValue | null {
  switch (field.field_type) {
    case "boolean":
      return row.value_boolean === null ? null : Boolean(Number(row.value_boolean));
    case "number":
      return row.value_number === null ? null : Number(row.value_number);
    case "string":
    case "enum":
      return row.value_string;
    case "timestamp":
      return row.value_ns;
  }
}

/** Puts a value in the column of its type; the other columns are null. */
export function valueColumns(
  field: FieldDefinition,
  value: StoredFieldValue,
  dialect: string,
): ValueColumns {
  const columns: ValueColumns = {
    value_boolean: null,
    value_number: null,
    value_string: null,
    value_ns: null,
  };
  switch (field.field_type) {
    case "boolean":
      // SQLite has no boolean type: 1 and 0 stand for true and false.
      if (dialect === "postgres") columns.value_boolean = Boolean(value);
      else columns.value_boolean = value ? 1 : 0;
      break;
    case "number":
      columns.value_number = Number(value);
      break;
    case "string":
    case "enum":
      columns.value_string = String(value);
      break;
    case "timestamp":
      columns.value_ns = BigInt(value);
      break;
  }
  return columns;
}

/**
 * Reads the `custom_fields` object of each entity: every ready field as a key
 * in name order, `null` when unset, timestamps as RFC 3339 UTC.
 */
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
  if (fields.size === 0 || entityIds.length === 0) return objects;

  const byId = new Map([...fields.values()].map((field) => [field.field_id, field]));
  for (let start = 0; start < entityIds.length; start += 500) {
    const rows = await db
      .selectFrom("custom_field_values")
      .select([
        "field_id",
        "entity_id",
        "value_boolean",
        "value_number",
        "value_string",
        "value_ns",
      ])
      .where("org_id", "=", orgId)
      .where("entity_type", "=", entityType)
      .where("entity_id", "in", entityIds.slice(start, start + 500))
      .execute();
    for (const row of rows) {
      const field = byId.get(row.field_id);
      const object = objects.get(row.entity_id);
      if (field && object)
        object[field.field_name] = formatFieldValue(field, readStoredValue(field, row));
    }
  }
  return objects;
}

/** Values to write on one entity: names to set with their stored values, names to clear. */
export interface FieldValueChanges {
  set: Map<string, StoredFieldValue>;
  clear: string[];
  fields: ReadonlyMap<string, ReadyField>;
}

/** Checks initial values against the ready fields, throwing one 400 that lists every problem. */
export async function parseInitialValues(
  db: Executor,
  orgId: string,
  entityType: EntityType,
  values: Record<string, unknown>,
): Promise<FieldValueChanges> {
  if (Object.keys(values).length === 0) return { set: new Map(), clear: [], fields: new Map() };
  const fields = await loadReadyFields(db, orgId, entityType);
  const parsed = parseFieldValues(fields, values, "custom_fields");
  if (!parsed.ok) throw ApiError.invalid(parsed.details);
  return { set: parsed.value, clear: [], fields };
}

/** Checks a changeset's names and values against the ready fields, throwing one 400 that lists every problem. */
export async function parseChangesetValues(
  db: Executor,
  orgId: string,
  entityType: EntityType,
  changeset: { set_fields?: Record<string, unknown> | null; clear_fields?: string[] | null },
): Promise<FieldValueChanges> {
  const setFields = changeset.set_fields ?? {};
  const clear = [...new Set(changeset.clear_fields ?? [])];
  if (Object.keys(setFields).length === 0 && clear.length === 0) {
    return { set: new Map(), clear: [], fields: new Map() };
  }

  const fields = await loadReadyFields(db, orgId, entityType);
  const parsed = parseFieldValues(fields, setFields, "custom_fields_changeset.set_fields");
  const details = parsed.ok ? [] : [...parsed.details];
  for (const name of clear) {
    if (!fields.has(name)) {
      details.push({
        path: "custom_fields_changeset.clear_fields",
        reason: `'${name}' is not a ready custom field of this entity type`,
        value: name,
      });
    }
  }
  if (details.length || !parsed.ok) throw ApiError.invalid(details);
  return { set: parsed.value, clear, fields };
}

/** Stores values of one entity, replacing those in `set` and removing those in `clear`. */
export async function writeFieldValues(
  tx: Executor,
  dialect: string,
  orgId: string,
  entityType: EntityType,
  entityId: string,
  changes: FieldValueChanges,
): Promise<void> {
  for (const [name, value] of changes.set) {
    const field = changes.fields.get(name) as ReadyField;
    const columns = valueColumns(field, value, dialect);
    await tx
      .insertInto("custom_field_values")
      .values({
        field_id: field.field_id,
        org_id: orgId,
        entity_type: entityType,
        entity_id: entityId,
        ...columns,
      })
      .onConflict((conflict) => conflict.columns(["field_id", "entity_id"]).doUpdateSet(columns))
      .execute();
  }
  const clearedIds = changes.clear.map((name) => (changes.fields.get(name) as ReadyField).field_id);
  if (clearedIds.length) {
    await tx
      .deleteFrom("custom_field_values")
      .where("entity_id", "=", entityId)
      .where("field_id", "in", clearedIds)
      .execute();
  }
}

/** Removes every value of one entity, when it is deleted. */
export async function deleteEntityValues(
  tx: Executor,
  orgId: string,
  entityType: EntityType,
  entityId: string,
): Promise<void> {
  await tx
    .deleteFrom("custom_field_values")
    .where("org_id", "=", orgId)
    .where("entity_type", "=", entityType)
    .where("entity_id", "=", entityId)
    .execute();
}
