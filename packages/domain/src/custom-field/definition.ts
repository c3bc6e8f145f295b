import * as v from "valibot";
import { Int64Schema } from "../time/int64.js";

/** Entity types a custom field can describe. */
export const ENTITY_TYPES = ["session", "device", "dataset", "event", "collection"] as const;
/** Value types of custom fields. */
export const FIELD_TYPES = ["boolean", "enum", "number", "string", "timestamp"] as const;
/** Lifecycle states of a custom field. Only `ready` fields take values. */
export const FIELD_STATUSES = ["creating", "ready", "deleting", "failed"] as const;

/** An entity type a custom field can describe. */
export type EntityType = (typeof ENTITY_TYPES)[number];
/** A custom field's value type. */
export type FieldType = (typeof FIELD_TYPES)[number];
/** A custom field's lifecycle state. */
export type FieldStatus = (typeof FIELD_STATUSES)[number];

/** Pattern of a field name: a lower-case letter, then up to 62 of `a-z`, `0-9`, `_`. */
export const FIELD_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
/** Maximum length of a display name, in characters. */
export const DISPLAY_NAME_LENGTH = 128;
/** Maximum length of a field description, in characters. */
export const FIELD_DESCRIPTION_LENGTH = 256;
/** Maximum number of values of an enum field. */
export const ENUM_VALUES_MAX = 1000;

const lowerCase = (allowed: readonly string[]) =>
  v.pipe(
    v.string(`must be one of: ${allowed.join(", ")}`),
    v.transform((value: string) => value.toLowerCase()),
    v.picklist(allowed, `must be one of: ${allowed.join(", ")}`),
  );

/** An entity type, accepted in any case and read as lower case. */
export const EntityTypeSchema = lowerCase(ENTITY_TYPES) as v.GenericSchema<unknown, EntityType>;
/** A field type, accepted in any case and read as lower case. */
export const FieldTypeSchema = lowerCase(FIELD_TYPES) as v.GenericSchema<unknown, FieldType>;
/** A field status, accepted in any case and read as lower case. */
export const FieldStatusSchema = lowerCase(FIELD_STATUSES) as v.GenericSchema<unknown, FieldStatus>;

/** A custom field's name. */
export const FieldNameSchema = v.pipe(
  v.string("must be a string"),
  v.regex(
    FIELD_NAME_PATTERN,
    "must start with a lower-case letter and hold only a-z, 0-9 and '_', at most 63 characters",
  ),
);

/** Options of an enum field: its allowed values, each 1 to 256 characters. */
export const EnumOptionsSchema = v.object({
  field_type: v.literal("enum", "must be 'enum'"),
  enum_values: v.pipe(
    v.array(
      v.pipe(
        v.string("each enum value must be a string"),
        v.minLength(1, "an enum value must not be empty"),
        v.maxLength(256, "an enum value must be at most 256 characters"),
      ),
      "must be an array of strings",
    ),
    v.minLength(1, "must hold at least one value"),
    v.maxLength(ENUM_VALUES_MAX, `must hold at most ${ENUM_VALUES_MAX} values`),
    v.check((values) => new Set(values).size === values.length, "must not repeat a value"),
  ),
});

/** Options of a field, present only for enum fields. */
export type FieldOptions = v.InferOutput<typeof EnumOptionsSchema>;

/** Request body of `POST /v1/custom-fields`. */
export const CreateCustomFieldRequestSchema = v.pipe(
  v.object({
    entity_type: EntityTypeSchema,
    field_name: FieldNameSchema,
    field_type: FieldTypeSchema,
    display_name: v.nullish(
      v.pipe(
        v.string(),
        v.maxLength(DISPLAY_NAME_LENGTH, `must be at most ${DISPLAY_NAME_LENGTH} characters`),
      ),
    ),
    description: v.nullish(
      v.pipe(
        v.string(),
        v.maxLength(
          FIELD_DESCRIPTION_LENGTH,
          `must be at most ${FIELD_DESCRIPTION_LENGTH} characters`,
        ),
      ),
    ),
    options: v.nullish(EnumOptionsSchema),
  }),
  v.forward(
    v.check(
      (input) => input.field_type !== "enum" || input.options != null,
      "an enum field needs options: { field_type: 'enum', enum_values: [...] }",
    ),
    ["options"],
  ),
  v.forward(
    v.check(
      (input) => input.field_type === "enum" || input.options == null,
      "only enum fields take options; remove options or use field_type 'enum'",
    ),
    ["options"],
  ),
);

/** A parsed create-field request. */
export type CreateCustomFieldRequest = v.InferOutput<typeof CreateCustomFieldRequestSchema>;

/** Request body of `POST /v1/custom-fields/id/{id}`: only descriptive attributes change. */
export const UpdateCustomFieldRequestSchema = v.object({
  display_name: v.nullish(
    v.pipe(
      v.string(),
      v.maxLength(DISPLAY_NAME_LENGTH, `must be at most ${DISPLAY_NAME_LENGTH} characters`),
    ),
  ),
  description: v.nullish(
    v.pipe(
      v.string(),
      v.maxLength(
        FIELD_DESCRIPTION_LENGTH,
        `must be at most ${FIELD_DESCRIPTION_LENGTH} characters`,
      ),
    ),
  ),
});

/** A parsed update-field request; an absent key leaves the attribute unchanged. */
export type UpdateCustomFieldRequest = v.InferOutput<typeof UpdateCustomFieldRequestSchema>;

/** Request body of `POST /v1/custom-fields/query`. */
export const QueryCustomFieldsRequestSchema = v.object({
  entity_type: v.nullish(EntityTypeSchema),
  statuses: v.nullish(v.array(FieldStatusSchema, "must be an array of statuses")),
  limit: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
  page_token: v.nullish(v.string()),
});

/** A custom field as the API returns it. */
export const CustomFieldRecordSchema = v.object({
  field_id: v.string(),
  org_id: v.string(),
  entity_type: v.picklist(ENTITY_TYPES),
  field_name: v.string(),
  field_type: v.picklist(FIELD_TYPES),
  display_name: v.nullable(v.string()),
  description: v.nullable(v.string()),
  options: v.nullable(EnumOptionsSchema),
  status: v.picklist(FIELD_STATUSES),
  last_error: v.nullable(v.string()),
  attempts: v.number(),
  created: v.string(),
  created_by: v.string(),
  modified: v.string(),
  modified_by: v.string(),
});

/** A custom field as the API returns it. */
export type CustomFieldRecord = v.InferOutput<typeof CustomFieldRecordSchema>;

/** The part of a field definition that value validation needs. */
export interface FieldDefinition {
  field_name: string;
  field_type: FieldType;
  options?: FieldOptions | null;
}

/** A timestamp value in storage form: nanoseconds since the Unix epoch. */
export const TimestampNsSchema = Int64Schema;
