import * as v from "valibot";
import { LIMITS } from "../limits.js";
import { IdSchema, OptionalMetadataSchema, OptionalTagsSchema } from "../validation/common.js";

/** Request body of `POST /v1/datasets`. */
export const CreateDatasetRequestSchema = v.object({
  name: v.nullish(
    v.pipe(v.string("must be a string"), v.maxLength(120, "must be at most 120 characters")),
  ),
  description: v.nullish(
    v.pipe(v.string("must be a string"), v.maxLength(LIMITS.descriptionLength)),
  ),
  device_id: v.nullish(IdSchema),
  tags: OptionalTagsSchema,
  metadata: OptionalMetadataSchema,
});

/** A parsed create-dataset request. */
export type CreateDatasetRequest = v.InferOutput<typeof CreateDatasetRequestSchema>;

/** A dataset as the API returns it. */
export const DatasetRecordSchema = v.object({
  dataset_id: v.string(),
  org_id: v.string(),
  name: v.nullable(v.string()),
  description: v.nullable(v.string()),
  device_id: v.nullable(v.string()),
  tags: v.array(v.string()),
  metadata: v.record(v.string(), v.unknown()),
  created: v.string(),
  created_by: v.string(),
  modified: v.string(),
  modified_by: v.string(),
});

/** A dataset as the API returns it. */
export type DatasetRecord = v.InferOutput<typeof DatasetRecordSchema>;
