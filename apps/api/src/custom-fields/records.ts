import { type CustomFieldRecord, type FieldOptions, parseJson } from "@sortie/domain";
import type { Selectable } from "kysely";
import type { CustomFieldTable } from "../store/schema.js";
import { isoFromNs } from "../util/json-columns.js";

/** A custom-field row as read from the store. */
export type CustomFieldRow = Selectable<CustomFieldTable>;

/** Turns a custom-field row into the wire record. */
export function toCustomFieldRecord(row: CustomFieldRow): CustomFieldRecord {
  return {
    field_id: row.field_id,
    org_id: row.org_id,
    entity_type: row.entity_type as CustomFieldRecord["entity_type"],
    field_name: row.field_name,
    field_type: row.field_type as CustomFieldRecord["field_type"],
    display_name: row.display_name,
    description: row.description,
    options: row.options ? (parseJson(row.options) as FieldOptions) : null,
    status: row.status,
    last_error: row.last_error,
    attempts: Number(row.attempts),
    created: isoFromNs(row.created_ns),
    created_by: row.created_by,
    modified: isoFromNs(row.modified_ns),
    modified_by: row.modified_by,
  };
}
