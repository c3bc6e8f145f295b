import { FIELD_TYPES, type FieldOptions, type FieldType, parseJson } from "@sortie/domain";
import type { ReadyField } from "../custom-fields/entity-values.js";
import type { Executor } from "../store/store.js";

/**
 * Loads the ready custom fields of sessions in an org, by name: the fields a
 * query may filter and sort on. Fields that are being created, deleted or
 * have failed are left out.
 *
 * NOTE: this reads `custom_fields` itself, as `loadReadyFields` will once
 * custom-field storage lands; switch to that function then.
 */
export async function loadSearchableFields(
  db: Executor,
  orgId: string,
): Promise<Map<string, ReadyField>> {
  const rows = await db
    .selectFrom("custom_fields")
    .select(["field_id", "field_name", "field_type", "options"])
    .where("org_id", "=", orgId)
    .where("entity_type", "=", "session")
    .where("status", "=", "ready")
    .orderBy("field_name")
    .execute();

  const fields = new Map<string, ReadyField>();
  for (const row of rows) {
    if (!(FIELD_TYPES as readonly string[]).includes(row.field_type)) continue;
    fields.set(row.field_name, {
      field_id: row.field_id,
      field_name: row.field_name,
      field_type: row.field_type as FieldType,
      options: row.options === null ? null : (parseJson(row.options) as FieldOptions),
    });
  }
  return fields;
}
