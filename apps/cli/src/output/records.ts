import type {
  ApiKeyRecord,
  CustomFieldRecord,
  DeviceRecord,
  FileRecord,
  SessionFileView,
  SessionRecord,
} from "@sortie/sdk";
import { stringifyJson } from "@sortie/sdk";
import { formatWindow, NO_WINDOW } from "./bounds.js";
import type { Column } from "./table.js";

/** Text of an absent value in tables and views. */
const NONE = "-";

function text(value: string | null | undefined): string {
  return value === null || value === undefined || value === "" ? NONE : value;
}

function list(values: readonly string[]): string {
  return values.length === 0 ? NONE : values.join(", ");
}

function json(value: Record<string, unknown>): string {
  return Object.keys(value).length === 0 ? NONE : stringifyJson(value);
}

/** Columns of `sessions ls` and `sessions query`. */
export const SESSION_COLUMNS: ReadonlyArray<Column<SessionRecord>> = [
  { heading: "session_id", cell: (session) => session.session_id },
  { heading: "name", cell: (session) => text(session.name) },
  { heading: "key", cell: (session) => text(session.key) },
  {
    heading: "bounds",
    cell: (session) => formatWindow(session.min_timestamp_ns, session.max_timestamp_ns),
  },
  { heading: "tags", cell: (session) => list(session.tags) },
];

/** Label and value lines of one session, with its devices and contributions when known. */
export function sessionFields(
  session: SessionRecord,
  deviceIds?: readonly string[],
): Array<[string, string]> {
  const customFields = Object.entries(session.custom_fields).map(
    ([name, value]) => `${name}=${value === null ? "null" : stringifyJson(value)}`,
  );
  const fields: Array<[string, string]> = [
    ["session_id", session.session_id],
    ["key", text(session.key)],
    ["name", text(session.name)],
    ["description", text(session.description)],
    ["bounds", formatWindow(session.min_timestamp_ns, session.max_timestamp_ns)],
    ["min_timestamp_ns", text(session.min_timestamp_ns?.toString())],
    ["max_timestamp_ns", text(session.max_timestamp_ns?.toString())],
    ["tags", list(session.tags)],
    ["metadata", json(session.metadata)],
    ["custom_fields", list(customFields)],
  ];
  if (deviceIds) fields.push(["devices", list(deviceIds)]);
  fields.push(
    ["created", `${session.created} by ${session.created_by}`],
    ["modified", `${session.modified} by ${session.modified_by}`],
  );
  return fields;
}

/** Columns of a session's contributions. */
export const CONTRIBUTION_COLUMNS: ReadonlyArray<Column<SessionFileView>> = [
  { heading: "file_id", cell: (view) => view.file_id },
  { heading: "path", cell: (view) => view.relative_path },
  { heading: "device", cell: (view) => text(view.device_id) },
  {
    heading: "contributes",
    cell: (view) =>
      view.range_min_timestamp_ns === null
        ? "whole file"
        : `range ${formatWindow(view.range_min_timestamp_ns, view.range_max_timestamp_ns)}`,
  },
  {
    heading: "window",
    cell: (view) => formatWindow(view.min_timestamp_ns, view.max_timestamp_ns),
  },
];

/** Columns of `devices ls`. */
export const DEVICE_COLUMNS: ReadonlyArray<Column<DeviceRecord>> = [
  { heading: "device_id", cell: (device) => device.device_id },
  { heading: "name", cell: (device) => text(device.name) },
  { heading: "tags", cell: (device) => list(device.tags) },
  { heading: "created", cell: (device) => device.created },
];

/** Columns of `custom-fields ls`. */
export const FIELD_COLUMNS: ReadonlyArray<Column<CustomFieldRecord>> = [
  { heading: "field_id", cell: (field) => field.field_id },
  { heading: "entity_type", cell: (field) => field.entity_type },
  { heading: "name", cell: (field) => field.field_name },
  {
    heading: "type",
    cell: (field) =>
      field.options
        ? `${field.field_type} (${field.options.enum_values.join("|")})`
        : field.field_type,
  },
  {
    heading: "status",
    cell: (field) => (field.last_error ? `${field.status}: ${field.last_error}` : field.status),
  },
  { heading: "display_name", cell: (field) => text(field.display_name) },
];

/** Columns of `keys ls`. */
export const KEY_COLUMNS: ReadonlyArray<Column<ApiKeyRecord>> = [
  { heading: "key_id", cell: (key) => key.key_id },
  { heading: "name", cell: (key) => key.name },
  { heading: "prefix", cell: (key) => key.prefix },
  { heading: "created", cell: (key) => key.created },
  { heading: "expires", cell: (key) => text(key.expires) },
  { heading: "revoked", cell: (key) => text(key.revoked) },
];

/** Columns of the files of an import. */
export const FILE_COLUMNS: ReadonlyArray<Column<FileRecord>> = [
  { heading: "file_id", cell: (file) => file.file_id },
  { heading: "path", cell: (file) => file.relative_path },
  { heading: "format", cell: (file) => text(file.format) },
  { heading: "status", cell: (file) => text(file.ingestion_status) },
  { heading: "clock", cell: (file) => text(file.time_base) },
  {
    heading: "window",
    cell: (file) =>
      file.time_base === "relative" && file.start_time_ns === null
        ? `${NO_WINDOW} (relative clock)`
        : formatWindow(file.start_time_ns, file.end_time_ns),
  },
];
