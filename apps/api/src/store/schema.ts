import type { ColumnType, Generated } from "kysely";

/**
 * Tables of the store, as Kysely types them. Every `*_ns` column is a 64-bit
 * integer read as `bigint`, and times such as `created_ns` are nanoseconds
 * since the Unix epoch. JSON columns (`tags`, `metadata`) contain JSON text
 * written by the int64-exact codec.
 */
export interface Database {
  orgs: OrgTable;
  users: UserTable;
  memberships: MembershipTable;
  api_keys: ApiKeyTable;
  server_settings: ServerSettingTable;
  devices: DeviceTable;
  datasets: DatasetTable;
  files: FileTable;
  file_topics: FileTopicTable;
  sessions: SessionTable;
  session_files: SessionFileTable;
  session_devices: SessionDeviceTable;
  session_tags: SessionTagTable;
  custom_fields: CustomFieldTable;
  custom_field_values: CustomFieldValueTable;
  jobs: JobTable;
  idempotency_keys: IdempotencyKeyTable;
}

export interface OrgTable {
  org_id: string;
  name: string;
  created_ns: bigint;
  created_by: string;
}

export interface UserTable {
  user_id: string;
  name: string;
  created_ns: bigint;
}

export interface MembershipTable {
  org_id: string;
  user_id: string;
  role: "admin" | "member";
  created_ns: bigint;
}

export interface ApiKeyTable {
  key_id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the whole key, hex; the key itself is never stored. */
  secret_hash: string;
  /** First characters of the key, shown in listings so a person can tell keys apart. */
  prefix: string;
  created_ns: bigint;
  expires_ns: bigint | null;
  revoked_ns: bigint | null;
}

export interface ServerSettingTable {
  name: string;
  value: string;
}

export interface DeviceTable {
  org_id: string;
  device_id: string;
  name: string | null;
  tags: string;
  metadata: string;
  created_ns: bigint;
  created_by: string;
  modified_ns: bigint;
  modified_by: string;
}

export interface DatasetTable {
  dataset_id: string;
  org_id: string;
  name: string | null;
  description: string | null;
  device_id: string | null;
  tags: string;
  metadata: string;
  created_ns: bigint;
  created_by: string;
  modified_ns: bigint;
  modified_by: string;
}

export interface FileTable {
  file_id: string;
  org_id: string;
  dataset_id: string;
  relative_path: string;
  size: bigint | null;
  content_hash: string | null;
  device_id: string | null;
  tags: string;
  metadata: string;
  origination: string | null;
  /** Blob storage key of the bytes; `null` for files registered by the caller. */
  blob_key: string | null;
  ingestion_status: "pending" | "indexed" | "failed" | null;
  ingestion_error: string | null;
  format: string | null;
  time_base: "unix" | "relative" | null;
  /** Window in the file's own clock, from indexing. */
  recorded_start_ns: bigint | null;
  recorded_end_ns: bigint | null;
  /** Offset from the own clock to Unix time found by indexing (0 for Unix clocks). */
  clock_offset_ns: bigint | null;
  /** Offset from the own clock to Unix time set by the caller; wins over `clock_offset_ns`. */
  time_offset_ns: bigint | null;
  /** Unix window set explicitly by the caller; wins over both offsets. */
  explicit_start_ns: bigint | null;
  explicit_end_ns: bigint | null;
  /** Effective Unix window, derived from the columns above at every write. */
  start_time_ns: bigint | null;
  end_time_ns: bigint | null;
  created_ns: bigint;
  created_by: string;
  modified_ns: bigint;
  modified_by: string;
}

export interface FileTopicTable {
  file_id: string;
  topic_name: string;
  schema_name: string;
  message_count: bigint;
  /** Window of the topic's messages in the file's own clock. */
  start_ns: bigint | null;
  end_ns: bigint | null;
}

export interface SessionTable {
  session_id: string;
  org_id: string;
  key: string | null;
  name: string | null;
  description: string | null;
  tags: string;
  metadata: string;
  min_timestamp_ns: bigint | null;
  max_timestamp_ns: bigint | null;
  /** `max_timestamp_ns - min_timestamp_ns` (capped at the 64-bit maximum), kept by the bounds writer for search. */
  duration_ns: ColumnType<bigint | null, bigint | null | undefined, bigint | null>;
  /** Incremented by every write to the session; the ETag is made from it. */
  version: bigint;
  created_ns: bigint;
  created_by: string;
  modified_ns: bigint;
  modified_by: string;
}

export interface SessionFileTable {
  contribution_id: Generated<bigint>;
  session_id: string;
  file_id: string;
  /** `whole` for a whole-file contribution, else `<min>:<max>`; unique per session and file. */
  range_key: string;
  range_min_ns: bigint | null;
  range_max_ns: bigint | null;
  /** Effective window: the range, else the file's window; kept current when the file's window changes. */
  window_min_ns: bigint | null;
  window_max_ns: bigint | null;
  created_ns: bigint;
  created_by: string;
}

export interface SessionDeviceTable {
  session_id: string;
  org_id: string;
  device_id: string;
  created_ns: bigint;
  created_by: string;
}

export interface SessionTagTable {
  session_id: string;
  org_id: string;
  tag: string;
}

export interface CustomFieldTable {
  field_id: string;
  org_id: string;
  entity_type: string;
  field_name: string;
  field_type: string;
  display_name: string | null;
  description: string | null;
  /** JSON of the enum options, `null` for other types. */
  options: string | null;
  status: "creating" | "ready" | "deleting" | "failed";
  last_error: string | null;
  attempts: number;
  created_ns: bigint;
  created_by: string;
  modified_ns: bigint;
  modified_by: string;
}

/** One value of one field on one entity, in the column of its type; the others are null. */
export interface CustomFieldValueTable {
  field_id: string;
  org_id: string;
  entity_type: string;
  /** `session_id` for sessions, `device_id` for devices (unique within the field's org). */
  entity_id: string;
  /** 1 or 0 on SQLite, boolean on PostgreSQL. */
  value_boolean: number | boolean | null;
  value_number: number | null;
  /** Values of string and enum fields. */
  value_string: string | null;
  /** Values of timestamp fields, Unix ns. */
  value_ns: bigint | null;
}

export interface JobTable {
  job_id: string;
  /** Kind of work, such as `index_file` or `custom_field_create`. */
  kind: string;
  org_id: string;
  /** Id of the file or field the job works on. */
  subject_id: string;
  status: "queued" | "running" | "done" | "failed";
  attempts: number;
  /** Earliest time to run, Unix ns; retries move it forward with backoff. */
  run_after_ns: bigint;
  /** Worker holding the job, and until when; a lapsed lease makes the job claimable again. */
  locked_by: string | null;
  locked_until_ns: bigint | null;
  last_error: string | null;
  created_ns: bigint;
  updated_ns: bigint;
}

export interface IdempotencyKeyTable {
  user_id: string;
  idempotency_key: string;
  /** SHA-256 of method, path and body: a reuse with another request is a 409. */
  request_hash: string;
  /** `in_progress` once claimed, `applied` when the request's write committed, `done` with the response stored. */
  state: "in_progress" | "applied" | "done";
  response_status: number | null;
  response_body: string | null;
  response_etag: string | null;
  created_ns: bigint;
  expires_ns: bigint;
}
