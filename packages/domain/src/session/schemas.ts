import * as v from "valibot";
import { MetadataChangesetSchema } from "../changeset/metadata-changeset.js";
import { SessionFileSchema } from "../contribution/schemas.js";
import { CustomFieldChangesetSchema } from "../custom-field/changeset.js";
import { LIMITS } from "../limits.js";
import {
  IdSchema,
  OptionalMetadataSchema,
  OptionalTagsSchema,
  rejectArrays,
} from "../validation/common.js";

const NameSchema = v.pipe(
  v.string("must be a string or null"),
  v.maxLength(LIMITS.sessionNameLength, `must be at most ${LIMITS.sessionNameLength} characters`),
);

const DescriptionSchema = v.pipe(
  v.string("must be a string or null"),
  v.maxLength(LIMITS.descriptionLength, `must be at most ${LIMITS.descriptionLength} characters`),
);

/** A session key: 1 to 120 characters chosen by the caller, unique per org. */
export const SessionKeySchema = v.pipe(
  v.string("must be a string"),
  v.minLength(1, "must not be empty"),
  v.maxLength(LIMITS.sessionKeyLength, `must be at most ${LIMITS.sessionKeyLength} characters`),
  v.regex(/^[^\p{Cc}]+$/u, "must not contain control characters"),
);

const CustomFieldValuesSchema = v.nullish(
  rejectArrays(v.record(v.string(), v.unknown(), "must be an object of field values")),
  () => ({}),
);

/**
 * Request body of `POST /v1/sessions`. Sortie adds `key` and `files`:
 * contributions added in the same step, whose files' devices are attached too.
 */
export const CreateSessionRequestSchema = v.object({
  name: v.nullish(NameSchema),
  description: v.nullish(DescriptionSchema),
  device_ids: v.nullish(
    v.pipe(
      v.array(IdSchema, "must be an array of device ids"),
      v.maxLength(
        LIMITS.devicesPerRequest,
        `must hold at most ${LIMITS.devicesPerRequest} device ids`,
      ),
      v.transform((ids: string[]) => [...new Set(ids)]),
    ),
    () => [],
  ),
  tags: OptionalTagsSchema,
  metadata: OptionalMetadataSchema,
  custom_fields: CustomFieldValuesSchema,
  key: v.nullish(SessionKeySchema),
  files: v.nullish(
    v.pipe(
      v.array(SessionFileSchema, "must be an array of contributions"),
      v.maxLength(
        LIMITS.filesPerRequest,
        `must hold at most ${LIMITS.filesPerRequest} contributions`,
      ),
    ),
    () => [],
  ),
});

/** A parsed create-session request. */
export type CreateSessionRequest = v.InferOutput<typeof CreateSessionRequestSchema>;
/** A create-session request as a client writes it. */
export type CreateSessionInput = v.InferInput<typeof CreateSessionRequestSchema>;

/**
 * Partial update of a session. An absent key leaves the attribute unchanged.
 * `null` clears `name` or `description`, while a `null` changeset means no
 * change. After parsing, absent keys stay absent, so `"name" in update`
 * distinguishes the two.
 */
export const SessionUpdateSchema = v.object({
  name: v.optional(v.nullable(NameSchema)),
  description: v.optional(v.nullable(DescriptionSchema)),
  metadata_changeset: v.optional(v.nullable(MetadataChangesetSchema)),
  custom_fields_changeset: v.optional(v.nullable(CustomFieldChangesetSchema)),
});

/** A parsed session update. */
export type SessionUpdate = v.InferOutput<typeof SessionUpdateSchema>;
/** A session update as a client writes it. */
export type SessionUpdateInput = v.InferInput<typeof SessionUpdateSchema>;

/** Request body of `POST /v1/sessions/id/{id}/devices`. */
export const AttachToDeviceRequestSchema = v.object({ device_id: IdSchema });
/** A parsed attach request. */
export type AttachToDeviceRequest = v.InferOutput<typeof AttachToDeviceRequestSchema>;

/** Request body of `DELETE /v1/sessions/id/{id}/devices`. */
export const DetachFromDeviceRequestSchema = v.object({ device_id: IdSchema });
/** A parsed detach request. */
export type DetachFromDeviceRequest = v.InferOutput<typeof DetachFromDeviceRequestSchema>;

/** Request body of `POST /v1/datasets/{id}/sessions`: a session holding all files of the dataset. */
export const CreateSessionFromDatasetRequestSchema = v.object({
  name: v.nullish(NameSchema),
  description: v.nullish(DescriptionSchema),
  tags: OptionalTagsSchema,
  metadata: OptionalMetadataSchema,
  custom_fields: CustomFieldValuesSchema,
  key: v.nullish(SessionKeySchema),
});

/** A parsed create-from-dataset request. */
export type CreateSessionFromDatasetRequest = v.InferOutput<
  typeof CreateSessionFromDatasetRequestSchema
>;

/** A session as the API returns it. Bounds are Unix-epoch nanoseconds, `null` without contributions. */
export const SessionRecordSchema = v.object({
  session_id: v.string(),
  org_id: v.string(),
  key: v.nullable(v.string()),
  name: v.nullable(v.string()),
  description: v.nullable(v.string()),
  tags: v.array(v.string()),
  metadata: v.record(v.string(), v.unknown()),
  custom_fields: v.record(v.string(), v.unknown()),
  min_timestamp_ns: v.nullable(v.bigint()),
  max_timestamp_ns: v.nullable(v.bigint()),
  created: v.string(),
  created_by: v.string(),
  modified: v.string(),
  modified_by: v.string(),
});

/** A session as the API returns it. */
export type SessionRecord = v.InferOutput<typeof SessionRecordSchema>;
