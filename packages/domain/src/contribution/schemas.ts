import * as v from "valibot";
import { LIMITS } from "../limits.js";
import { OptionalInt64Schema } from "../time/int64.js";
import { IdSchema } from "../validation/common.js";

/**
 * A file's contribution to a session: the whole file, or the inclusive range
 * `[range_min_timestamp_ns, range_max_timestamp_ns]` in Unix-epoch
 * nanoseconds. Both bounds are given or neither, and min ≤ max.
 */
export const SessionFileSchema = v.pipe(
  v.object({
    file_id: IdSchema,
    range_min_timestamp_ns: OptionalInt64Schema,
    range_max_timestamp_ns: OptionalInt64Schema,
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { range_min_timestamp_ns: min, range_max_timestamp_ns: max } = dataset.value;
    if ((min == null) !== (max == null)) {
      const missing = min == null ? "range_min_timestamp_ns" : "range_max_timestamp_ns";
      addIssue({
        message: `give both range_min_timestamp_ns and range_max_timestamp_ns, or neither for the whole file; ${missing} is missing`,
        path: [
          { type: "object", origin: "value", input: dataset.value, key: missing, value: null },
        ],
      });
    } else if (min != null && max != null && min > max) {
      addIssue({
        message: `range_min_timestamp_ns (${min}) must not be greater than range_max_timestamp_ns (${max})`,
        path: [
          {
            type: "object",
            origin: "value",
            input: dataset.value,
            key: "range_min_timestamp_ns",
            value: min,
          },
        ],
      });
    }
  }),
  v.transform((file) => ({
    file_id: file.file_id,
    range_min_timestamp_ns: file.range_min_timestamp_ns ?? null,
    range_max_timestamp_ns: file.range_max_timestamp_ns ?? null,
  })),
);

/** A parsed contribution: both bounds set, or both `null` for the whole file. */
export type SessionFile = v.InferOutput<typeof SessionFileSchema>;

/** Request body of `POST /v1/sessions/id/{id}/files`. */
export const AddFilesRequestSchema = v.object({
  files: v.pipe(
    v.array(SessionFileSchema, "must be an array of contributions"),
    v.minLength(1, "must hold at least one contribution"),
    v.maxLength(
      LIMITS.filesPerRequest,
      `must hold at most ${LIMITS.filesPerRequest} contributions per request`,
    ),
  ),
});

/** A parsed add-files request. */
export type AddFilesRequest = v.InferOutput<typeof AddFilesRequestSchema>;

/** Request body of `DELETE /v1/sessions/id/{id}/files`: every contribution of each file is removed. */
export const RemoveFilesRequestSchema = v.object({
  file_ids: v.pipe(
    v.array(IdSchema, "must be an array of file ids"),
    v.minLength(1, "must hold at least one file id"),
    v.maxLength(
      LIMITS.filesPerRequest,
      `must hold at most ${LIMITS.filesPerRequest} file ids per request`,
    ),
  ),
});

/** A parsed remove-files request. */
export type RemoveFilesRequest = v.InferOutput<typeof RemoveFilesRequestSchema>;

/** A stored contribution of a file to a session. */
export const SessionFileRecordSchema = v.object({
  session_id: v.string(),
  file_id: v.string(),
  range_min_timestamp_ns: v.nullable(v.bigint()),
  range_max_timestamp_ns: v.nullable(v.bigint()),
  created: v.string(),
  created_by: v.string(),
});

/** A stored contribution of a file to a session. */
export type SessionFileRecord = v.InferOutput<typeof SessionFileRecordSchema>;

/**
 * One contribution as `GET /v1/sessions/id/{id}/files` lists it: the
 * contribution, the file it comes from, and its effective window. That window
 * is the range when given, else the file's window, and `null` while unknown.
 */
export const SessionFileViewSchema = v.object({
  session_id: v.string(),
  file_id: v.string(),
  dataset_id: v.string(),
  relative_path: v.string(),
  device_id: v.nullable(v.string()),
  range_min_timestamp_ns: v.nullable(v.bigint()),
  range_max_timestamp_ns: v.nullable(v.bigint()),
  file_start_time_ns: v.nullable(v.bigint()),
  file_end_time_ns: v.nullable(v.bigint()),
  min_timestamp_ns: v.nullable(v.bigint()),
  max_timestamp_ns: v.nullable(v.bigint()),
  created: v.string(),
  created_by: v.string(),
});

/** One contribution with its file and effective window. */
export type SessionFileView = v.InferOutput<typeof SessionFileViewSchema>;
