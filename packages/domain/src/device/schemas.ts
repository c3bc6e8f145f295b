import * as v from "valibot";
import { MetadataChangesetSchema } from "../changeset/metadata-changeset.js";
import { CustomFieldChangesetSchema } from "../custom-field/changeset.js";
import {
  DeviceIdSchema,
  OptionalMetadataSchema,
  OptionalTagsSchema,
  rejectArrays,
} from "../validation/common.js";

/** Request body of `POST /v1/devices/create`. Without `device_id`, the server makes a `dv_` id. */
export const CreateDeviceRequestSchema = v.object({
  device_id: v.nullish(DeviceIdSchema),
  name: v.nullish(
    v.pipe(v.string("must be a string"), v.maxLength(120, "must be at most 120 characters")),
  ),
  tags: OptionalTagsSchema,
  metadata: OptionalMetadataSchema,
  custom_fields: v.nullish(
    rejectArrays(v.record(v.string(), v.unknown(), "must be an object of field values")),
    () => ({}),
  ),
});

/** A parsed create-device request. */
export type CreateDeviceRequest = v.InferOutput<typeof CreateDeviceRequestSchema>;

/** Request body of `PUT /v1/devices/id/{id}`. */
export const UpdateDeviceRequestSchema = v.object({
  name: v.optional(
    v.nullable(v.pipe(v.string(), v.maxLength(120, "must be at most 120 characters"))),
  ),
  metadata_changeset: v.nullish(MetadataChangesetSchema),
  custom_fields_changeset: v.nullish(CustomFieldChangesetSchema),
});

/** A parsed update-device request. */
export type UpdateDeviceRequest = v.InferOutput<typeof UpdateDeviceRequestSchema>;

/** A device as the API returns it. */
export const DeviceRecordSchema = v.object({
  device_id: v.string(),
  org_id: v.string(),
  name: v.nullable(v.string()),
  tags: v.array(v.string()),
  metadata: v.record(v.string(), v.unknown()),
  custom_fields: v.record(v.string(), v.unknown()),
  created: v.string(),
  created_by: v.string(),
  modified: v.string(),
  modified_by: v.string(),
});

/** A device as the API returns it. */
export type DeviceRecord = v.InferOutput<typeof DeviceRecordSchema>;
