import * as v from "valibot";
import { MetadataChangesetSchema } from "../changeset/metadata-changeset.js";
import { LIMITS } from "../limits.js";
import { Int64Schema, OptionalInt64Schema } from "../time/int64.js";
import { IdSchema, OptionalMetadataSchema, OptionalTagsSchema } from "../validation/common.js";

/** A file path inside its dataset: relative, `/`-separated, without `.` or `..` segments. */
export const RelativePathSchema = v.pipe(
  v.string("must be a string"),
  v.minLength(1, "must not be empty"),
  v.maxLength(LIMITS.relativePathLength, `must be at most ${LIMITS.relativePathLength} characters`),
  v.check(
    (path) =>
      !path.startsWith("/") &&
      !path.split("/").some((part) => part === "" || part === "." || part === ".."),
    "must be a relative path such as 'flights/run1.mcap', without leading '/', empty, '.' or '..' segments",
  ),
  v.regex(/^[^\p{Cc}\\]+$/u, "must not contain control characters or backslashes"),
);

function checkWindowPair(input: {
  start_time_ns?: bigint | null;
  end_time_ns?: bigint | null;
}): string | undefined {
  const { start_time_ns: start, end_time_ns: end } = input;
  if ((start == null) !== (end == null)) {
    return "give both start_time_ns and end_time_ns, or neither while the window is unknown";
  }
  if (start != null && end != null && start > end) {
    return `start_time_ns (${start}) must not be greater than end_time_ns (${end})`;
  }
  return undefined;
}

/**
 * Request body of `POST /v1/datasets/{id}/files`: registers a file stored
 * elsewhere, with its recorded window in Unix-epoch nanoseconds when known.
 */
export const RegisterFileRequestSchema = v.pipe(
  v.object({
    relative_path: RelativePathSchema,
    size: v.nullish(
      v.pipe(v.number("must be a number of bytes"), v.integer("must be an integer"), v.minValue(0)),
    ),
    device_id: v.nullish(IdSchema),
    start_time_ns: OptionalInt64Schema,
    end_time_ns: OptionalInt64Schema,
    tags: OptionalTagsSchema,
    metadata: OptionalMetadataSchema,
    origination: v.nullish(v.pipe(v.string("must be a string"), v.maxLength(1024))),
  }),
  v.forward(
    v.check(
      (input) => checkWindowPair(input) === undefined,
      (issue) => checkWindowPair(issue.input) ?? "",
    ),
    ["start_time_ns"],
  ),
);

/** A parsed register-file request. */
export type RegisterFileRequest = v.InferOutput<typeof RegisterFileRequestSchema>;

/**
 * Request body of `PUT /v1/files/id/{id}`. `start_time_ns`/`end_time_ns` set an
 * explicit Unix window; `time_offset_ns` turns a relative recording's own
 * clock into Unix time (window = recorded window + offset). `null` clears.
 */
export const UpdateFileRequestSchema = v.pipe(
  v.object({
    time_offset_ns: v.optional(v.nullable(Int64Schema)),
    start_time_ns: v.optional(v.nullable(Int64Schema)),
    end_time_ns: v.optional(v.nullable(Int64Schema)),
    device_id: v.optional(v.nullable(IdSchema)),
    metadata_changeset: v.nullish(MetadataChangesetSchema),
  }),
  v.forward(
    v.check(
      (input) =>
        "start_time_ns" in input === "end_time_ns" in input && checkWindowPair(input) === undefined,
      (issue) => checkWindowPair(issue.input) ?? "give start_time_ns and end_time_ns together",
    ),
    ["start_time_ns"],
  ),
);

/** A parsed update-file request; absent keys stay absent. */
export type UpdateFileRequest = v.InferOutput<typeof UpdateFileRequestSchema>;

/** Indexing states of an uploaded file; registered files have none. */
export const INGESTION_STATUSES = ["pending", "indexed", "failed"] as const;
/** Time bases of a file's own clock. */
export const TIME_BASES = ["unix", "relative"] as const;

/** A file as the API returns it. `start_time_ns`/`end_time_ns` are Unix time, `null` unless known. */
export const FileRecordSchema = v.object({
  file_id: v.string(),
  org_id: v.string(),
  dataset_id: v.string(),
  relative_path: v.string(),
  size: v.nullable(v.number()),
  content_hash: v.nullable(v.string()),
  device_id: v.nullable(v.string()),
  tags: v.array(v.string()),
  metadata: v.record(v.string(), v.unknown()),
  origination: v.nullable(v.string()),
  ingestion_status: v.nullable(v.picklist(INGESTION_STATUSES)),
  ingestion_error: v.nullable(v.string()),
  format: v.nullable(v.string()),
  time_base: v.nullable(v.picklist(TIME_BASES)),
  recorded_start_ns: v.nullable(v.bigint()),
  recorded_end_ns: v.nullable(v.bigint()),
  time_offset_ns: v.nullable(v.bigint()),
  start_time_ns: v.nullable(v.bigint()),
  end_time_ns: v.nullable(v.bigint()),
  created: v.string(),
  created_by: v.string(),
  modified: v.string(),
  modified_by: v.string(),
});

/** A file as the API returns it. */
export type FileRecord = v.InferOutput<typeof FileRecordSchema>;

/** A topic of a file; times are Unix-epoch nanoseconds, `null` while the file's window is unknown. */
export const TopicRecordSchema = v.object({
  topic_name: v.string(),
  schema_name: v.nullable(v.string()),
  message_count: v.number(),
  start_time_ns: v.nullable(v.bigint()),
  end_time_ns: v.nullable(v.bigint()),
});

/** A topic of a file. */
export type TopicRecord = v.InferOutput<typeof TopicRecordSchema>;
