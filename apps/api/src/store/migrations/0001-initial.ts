import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Creates the tables of orgs, users, keys, devices, datasets, files, sessions,
 * contributions and device attachments. Both dialects get the same logical
 * schema: 64-bit integers for every `*_ns` column, JSON text on SQLite and
 * JSONB on PostgreSQL for tags and metadata.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const json = dialect === "postgres" ? sql`jsonb` : sql`text`;

  await db.schema
    .createTable("server_settings")
    .addColumn("name", "text", (col) => col.primaryKey())
    .addColumn("value", "text", (col) => col.notNull())
    .execute();

  await db.schema
    .createTable("orgs")
    .addColumn("org_id", "text", (col) => col.primaryKey())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addColumn("created_by", "text", (col) => col.notNull())
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("user_id", "text", (col) => col.primaryKey())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .execute();

  await db.schema
    .createTable("memberships")
    .addColumn("org_id", "text", (col) =>
      col.notNull().references("orgs.org_id").onDelete("cascade"),
    )
    .addColumn("user_id", "text", (col) =>
      col.notNull().references("users.user_id").onDelete("cascade"),
    )
    .addColumn("role", "text", (col) => col.notNull())
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addPrimaryKeyConstraint("memberships_pk", ["org_id", "user_id"])
    .execute();
  await db.schema.createIndex("memberships_user").on("memberships").columns(["user_id"]).execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("key_id", "text", (col) => col.primaryKey())
    .addColumn("user_id", "text", (col) =>
      col.notNull().references("users.user_id").onDelete("cascade"),
    )
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("secret_hash", "text", (col) => col.notNull().unique())
    .addColumn("prefix", "text", (col) => col.notNull())
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addColumn("expires_ns", "bigint")
    .addColumn("revoked_ns", "bigint")
    .execute();
  await db.schema
    .createIndex("api_keys_user")
    .on("api_keys")
    .columns(["user_id", "created_ns"])
    .execute();

  await db.schema
    .createTable("devices")
    .addColumn("org_id", "text", (col) =>
      col.notNull().references("orgs.org_id").onDelete("cascade"),
    )
    .addColumn("device_id", "text", (col) => col.notNull())
    .addColumn("name", "text")
    .addColumn("tags", json, (col) => col.notNull())
    .addColumn("metadata", json, (col) => col.notNull())
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addColumn("created_by", "text", (col) => col.notNull())
    .addColumn("modified_ns", "bigint", (col) => col.notNull())
    .addColumn("modified_by", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("devices_pk", ["org_id", "device_id"])
    .execute();
  await db.schema.createIndex("devices_by_id").on("devices").columns(["device_id"]).execute();

  await db.schema
    .createTable("datasets")
    .addColumn("dataset_id", "text", (col) => col.primaryKey())
    .addColumn("org_id", "text", (col) =>
      col.notNull().references("orgs.org_id").onDelete("cascade"),
    )
    .addColumn("name", "text")
    .addColumn("description", "text")
    .addColumn("device_id", "text")
    .addColumn("tags", json, (col) => col.notNull())
    .addColumn("metadata", json, (col) => col.notNull())
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addColumn("created_by", "text", (col) => col.notNull())
    .addColumn("modified_ns", "bigint", (col) => col.notNull())
    .addColumn("modified_by", "text", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("datasets_org")
    .on("datasets")
    .columns(["org_id", "created_ns", "dataset_id"])
    .execute();

  await db.schema
    .createTable("files")
    .addColumn("file_id", "text", (col) => col.primaryKey())
    .addColumn("org_id", "text", (col) =>
      col.notNull().references("orgs.org_id").onDelete("cascade"),
    )
    .addColumn("dataset_id", "text", (col) =>
      col.notNull().references("datasets.dataset_id").onDelete("cascade"),
    )
    .addColumn("relative_path", "text", (col) => col.notNull())
    .addColumn("size", "bigint")
    .addColumn("content_hash", "text")
    .addColumn("device_id", "text")
    .addColumn("tags", json, (col) => col.notNull())
    .addColumn("metadata", json, (col) => col.notNull())
    .addColumn("origination", "text")
    .addColumn("blob_key", "text")
    .addColumn("ingestion_status", "text")
    .addColumn("ingestion_error", "text")
    .addColumn("format", "text")
    .addColumn("time_base", "text")
    .addColumn("recorded_start_ns", "bigint")
    .addColumn("recorded_end_ns", "bigint")
    .addColumn("clock_offset_ns", "bigint")
    .addColumn("time_offset_ns", "bigint")
    .addColumn("explicit_start_ns", "bigint")
    .addColumn("explicit_end_ns", "bigint")
    .addColumn("start_time_ns", "bigint")
    .addColumn("end_time_ns", "bigint")
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addColumn("created_by", "text", (col) => col.notNull())
    .addColumn("modified_ns", "bigint", (col) => col.notNull())
    .addColumn("modified_by", "text", (col) => col.notNull())
    .addUniqueConstraint("files_dataset_path", ["dataset_id", "relative_path"])
    .execute();

  await db.schema
    .createTable("file_topics")
    .addColumn("file_id", "text", (col) =>
      col.notNull().references("files.file_id").onDelete("cascade"),
    )
    .addColumn("topic_name", "text", (col) => col.notNull())
    .addColumn("schema_name", "text", (col) => col.notNull())
    .addColumn("message_count", "bigint", (col) => col.notNull())
    .addColumn("start_ns", "bigint")
    .addColumn("end_ns", "bigint")
    .addPrimaryKeyConstraint("file_topics_pk", ["file_id", "topic_name", "schema_name"])
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("session_id", "text", (col) => col.primaryKey())
    .addColumn("org_id", "text", (col) =>
      col.notNull().references("orgs.org_id").onDelete("cascade"),
    )
    .addColumn("key", "text")
    .addColumn("name", "text")
    .addColumn("description", "text")
    .addColumn("tags", json, (col) => col.notNull())
    .addColumn("metadata", json, (col) => col.notNull())
    .addColumn("min_timestamp_ns", "bigint")
    .addColumn("max_timestamp_ns", "bigint")
    .addColumn("version", "bigint", (col) => col.notNull())
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addColumn("created_by", "text", (col) => col.notNull())
    .addColumn("modified_ns", "bigint", (col) => col.notNull())
    .addColumn("modified_by", "text", (col) => col.notNull())
    .addUniqueConstraint("sessions_org_key", ["org_id", "key"])
    .execute();
  await db.schema
    .createIndex("sessions_org_created")
    .on("sessions")
    .columns(["org_id", "created_ns", "session_id"])
    .execute();

  const contributionId =
    dialect === "postgres"
      ? db.schema
          .createTable("session_files")
          .addColumn("contribution_id", "bigint", (col) =>
            col.primaryKey().generatedAlwaysAsIdentity(),
          )
      : db.schema
          .createTable("session_files")
          .addColumn("contribution_id", "integer", (col) => col.primaryKey().autoIncrement());
  await contributionId
    .addColumn("session_id", "text", (col) =>
      col.notNull().references("sessions.session_id").onDelete("cascade"),
    )
    .addColumn("file_id", "text", (col) =>
      col.notNull().references("files.file_id").onDelete("cascade"),
    )
    .addColumn("range_key", "text", (col) => col.notNull())
    .addColumn("range_min_ns", "bigint")
    .addColumn("range_max_ns", "bigint")
    .addColumn("window_min_ns", "bigint")
    .addColumn("window_max_ns", "bigint")
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addColumn("created_by", "text", (col) => col.notNull())
    .addUniqueConstraint("session_files_unique", ["session_id", "file_id", "range_key"])
    .execute();
  // Bounds are MIN(window_min_ns) and MAX(window_max_ns) per session: each is
  // one descent of these indexes, so its cost does not grow with the count.
  await db.schema
    .createIndex("session_files_window_min")
    .on("session_files")
    .columns(["session_id", "window_min_ns"])
    .execute();
  await db.schema
    .createIndex("session_files_window_max")
    .on("session_files")
    .columns(["session_id", "window_max_ns"])
    .execute();
  await db.schema
    .createIndex("session_files_file")
    .on("session_files")
    .columns(["file_id"])
    .execute();

  await db.schema
    .createTable("session_devices")
    .addColumn("session_id", "text", (col) =>
      col.notNull().references("sessions.session_id").onDelete("cascade"),
    )
    .addColumn("org_id", "text", (col) => col.notNull())
    .addColumn("device_id", "text", (col) => col.notNull())
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addColumn("created_by", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("session_devices_pk", ["session_id", "device_id"])
    .execute();
  await db.schema
    .createIndex("session_devices_device")
    .on("session_devices")
    .columns(["org_id", "device_id", "session_id"])
    .execute();
}
