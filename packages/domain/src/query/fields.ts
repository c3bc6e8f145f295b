import type { FieldDefinition, FieldType } from "../custom-field/definition.js";
import { type Comparator, comparatorText, PRESENCE_COMPARATORS } from "./comparators.js";

/**
 * Kinds of value a searchable field holds. The kind decides which
 * comparators and values the field takes.
 *
 * - `text`: a string (session id, name, string custom fields).
 * - `time`: Unix-epoch nanoseconds, written as an integer or RFC 3339 text.
 * - `duration`: nanoseconds, written as an integer.
 * - `tag_list`: the session's tags, tested for membership.
 * - `related_id`: ids of the devices, datasets or files of a session; a
 *   comparison matches when any of them matches.
 * - `number`, `boolean`, `enum`: custom fields of those types.
 */
export type SearchValueKind =
  | "text"
  | "time"
  | "duration"
  | "tag_list"
  | "related_id"
  | "number"
  | "boolean"
  | "enum";

/** Canonical names of the built-in session fields that a query can name. */
export type SessionFieldName =
  | "session_id"
  | "name"
  | "tags"
  | "created"
  | "modified"
  | "min_timestamp_ns"
  | "max_timestamp_ns"
  | "duration"
  | "device.device_id"
  | "dataset.dataset_id"
  | "file.file_id";

interface SessionFieldSpec {
  kind: SearchValueKind;
  /** Whether a session can lack a value; only such fields take IS_NULL and the like. */
  nullable: boolean;
  sortable: boolean;
  aliases: readonly string[];
}

const SESSION_FIELDS: Readonly<Record<SessionFieldName, SessionFieldSpec>> = {
  session_id: { kind: "text", nullable: false, sortable: true, aliases: ["id"] },
  name: { kind: "text", nullable: true, sortable: true, aliases: [] },
  tags: { kind: "tag_list", nullable: false, sortable: false, aliases: [] },
  created: { kind: "time", nullable: false, sortable: true, aliases: [] },
  modified: { kind: "time", nullable: false, sortable: true, aliases: [] },
  min_timestamp_ns: { kind: "time", nullable: true, sortable: true, aliases: ["start_time"] },
  max_timestamp_ns: { kind: "time", nullable: true, sortable: true, aliases: ["end_time"] },
  duration: { kind: "duration", nullable: true, sortable: true, aliases: [] },
  "device.device_id": {
    kind: "related_id",
    nullable: true,
    sortable: false,
    aliases: ["device.id"],
  },
  "dataset.dataset_id": {
    kind: "related_id",
    nullable: true,
    sortable: false,
    aliases: ["dataset.id"],
  },
  "file.file_id": { kind: "related_id", nullable: true, sortable: false, aliases: ["file.id"] },
};

/** Prefix of a custom field's name in a query: `custom_fields.weather`. */
export const CUSTOM_FIELD_PREFIX = "custom_fields.";

const BY_NAME = new Map<string, SessionFieldName>();
for (const [name, spec] of Object.entries(SESSION_FIELDS) as [
  SessionFieldName,
  SessionFieldSpec,
][]) {
  BY_NAME.set(name, name);
  for (const alias of spec.aliases) BY_NAME.set(alias, name);
}

/** A field a query names, resolved: a built-in session field or a ready custom field. */
export type SearchField =
  | { source: "session"; name: SessionFieldName; kind: SearchValueKind; nullable: boolean }
  | {
      source: "custom";
      name: string;
      kind: SearchValueKind;
      nullable: true;
      definition: FieldDefinition;
    };

const CUSTOM_KINDS: Readonly<Record<FieldType, SearchValueKind>> = {
  boolean: "boolean",
  enum: "enum",
  number: "number",
  string: "text",
  timestamp: "time",
};

const ORDERED: Comparator[] = [
  "EQUALS",
  "NOT_EQUALS",
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL",
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL",
];

const COMPARATORS_BY_KIND: Readonly<Record<SearchValueKind, readonly Comparator[]>> = {
  text: [...ORDERED, "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH", "IN"],
  time: [...ORDERED, "IN"],
  duration: [...ORDERED, "IN"],
  number: [...ORDERED, "IN"],
  boolean: ["EQUALS", "NOT_EQUALS"],
  enum: ["EQUALS", "NOT_EQUALS", "IN"],
  tag_list: ["CONTAINS", "NOT_CONTAINS"],
  related_id: ["EQUALS", "NOT_EQUALS", "IN", "BEGINS_WITH"],
};

/** Resolves a field name or alias against the built-in fields and the ready custom fields. */
export function resolveSearchField(
  name: string,
  customFields: ReadonlyMap<string, FieldDefinition>,
): SearchField | undefined {
  if (name.startsWith(CUSTOM_FIELD_PREFIX)) {
    const definition = customFields.get(name.slice(CUSTOM_FIELD_PREFIX.length));
    if (!definition) return undefined;
    return {
      source: "custom",
      name: definition.field_name,
      kind: CUSTOM_KINDS[definition.field_type],
      nullable: true,
      definition,
    };
  }
  const canonical = BY_NAME.get(name);
  if (!canonical) return undefined;
  const spec = SESSION_FIELDS[canonical];
  return { source: "session", name: canonical, kind: spec.kind, nullable: spec.nullable };
}

/** Lists the comparators a field takes, in the order messages list them. */
export function comparatorsOf(field: SearchField): Comparator[] {
  const base = [...COMPARATORS_BY_KIND[field.kind]];
  return field.nullable ? [...base, ...PRESENCE_COMPARATORS] : base;
}

/** Tells whether a field can be sorted on. */
export function isSortable(field: SearchField): boolean {
  if (field.source === "custom") return true;
  return SESSION_FIELDS[field.name].sortable;
}

/** Formats a field's name as a query writes it. */
export function fieldLabel(field: SearchField): string {
  return field.source === "custom" ? `${CUSTOM_FIELD_PREFIX}${field.name}` : field.name;
}

/** Describes a field's kind of value for messages, such as "a time". */
export function describeKind(field: SearchField): string {
  switch (field.kind) {
    case "text":
      return "a string";
    case "time":
      return "a time";
    case "duration":
      return "a duration in nanoseconds";
    case "tag_list":
      return "a list of tags";
    case "related_id":
      return "a list of ids";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "enum":
      return "an enum";
  }
}

/** Lists comparators as a query writes them: symbols where they exist, else names. */
export function listComparators(comparators: readonly Comparator[]): string {
  return comparators.map(comparatorText).join(", ");
}

function withAliases(name: SessionFieldName): string {
  const aliases = SESSION_FIELDS[name].aliases;
  return aliases.length ? `${name} (or ${aliases.join(", ")})` : name;
}

/** Lists the fields a filter may name, for messages. */
export function describeFilterableFields(
  customFields: ReadonlyMap<string, FieldDefinition>,
): string {
  const session = (Object.keys(SESSION_FIELDS) as SessionFieldName[]).map(withAliases).join(", ");
  return `${session}, and ${describeCustomFields(customFields)}`;
}

/** Lists the fields a sort may name, for messages. */
export function describeSortableFields(customFields: ReadonlyMap<string, FieldDefinition>): string {
  const session = (Object.keys(SESSION_FIELDS) as SessionFieldName[])
    .filter((name) => SESSION_FIELDS[name].sortable)
    .map(withAliases)
    .join(", ");
  return `${session}, and ${describeCustomFields(customFields)}`;
}

/** Describes the ready custom fields for messages. */
export function describeCustomFields(customFields: ReadonlyMap<string, FieldDefinition>): string {
  const names = [...customFields.keys()];
  if (names.length === 0) return "custom_fields.<name> of a ready custom field (none is ready)";
  const listed = names.slice(0, 20).map((name) => `${CUSTOM_FIELD_PREFIX}${name}`);
  const more = names.length > 20 ? ` and ${names.length - 20} more` : "";
  return `the ready custom fields ${listed.join(", ")}${more}`;
}
