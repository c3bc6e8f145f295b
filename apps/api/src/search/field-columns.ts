import type { SearchField, SearchScalar, SearchValueKind, SessionFieldName } from "@sortie/domain";
import type { ReadyField } from "../custom-fields/entity-values.js";
import type { DialectName } from "../store/dialect.js";

/** Session fields stored in a column of `sessions`. */
export type SessionColumnField = Exclude<
  SessionFieldName,
  "tags" | "device.device_id" | "dataset.dataset_id" | "file.file_id"
>;

/** A qualified column of `sessions` that search filters or sorts on. */
export type SessionColumn =
  | "sessions.session_id"
  | "sessions.name"
  | "sessions.created_ns"
  | "sessions.modified_ns"
  | "sessions.min_timestamp_ns"
  | "sessions.max_timestamp_ns"
  | "sessions.duration_ns";

/** The column of each session field stored on the session row. */
export const SESSION_COLUMNS: Readonly<Record<SessionColumnField, SessionColumn>> = {
  session_id: "sessions.session_id",
  name: "sessions.name",
  created: "sessions.created_ns",
  modified: "sessions.modified_ns",
  min_timestamp_ns: "sessions.min_timestamp_ns",
  max_timestamp_ns: "sessions.max_timestamp_ns",
  duration: "sessions.duration_ns",
};

/** Tells whether a session field is stored on the session row. */
export function isSessionColumnField(name: SessionFieldName): name is SessionColumnField {
  return name in SESSION_COLUMNS;
}

/** A column of `custom_field_values`: each value type has its own. */
export type ValueColumn = "value_string" | "value_number" | "value_boolean" | "value_ns";

/** Names the column that stores values of a custom field of this kind. */
export function valueColumnOf(kind: SearchValueKind): ValueColumn {
  switch (kind) {
    case "number":
      return "value_number";
    case "boolean":
      return "value_boolean";
    case "time":
      return "value_ns";
    default:
      return "value_string";
  }
}

/** Finds the stored id of a custom field named by a checked condition. */
export function customFieldId(
  field: SearchField,
  customFields: ReadonlyMap<string, ReadyField>,
): string {
  const ready = customFields.get(field.name);
  // The condition was checked against these very fields, so this holds.
  if (!ready)
    throw new Error(`custom field '${field.name}' was checked but is not among the loaded fields`);
  return ready.field_id;
}

/** Converts a value to the form the store compares: booleans are 1 and 0 on SQLite. */
export function storedValue(value: SearchScalar, dialect: DialectName): SearchScalar {
  if (typeof value === "boolean" && dialect === "sqlite") return value ? 1 : 0;
  return value;
}
