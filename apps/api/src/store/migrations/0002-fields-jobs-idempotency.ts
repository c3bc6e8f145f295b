import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Adds typed custom fields and their values, an index of session tags for
 * search, the durable job queue of background work, and stored idempotency
 * keys. Custom-field values get one column per value type, each indexed by
 * field and value, so equality, range, prefix and sort use an index.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const json = dialect === "postgres" ? sql`jsonb` : sql`text`;
  const double = dialect === "postgres" ? sql`double precision` : sql`real`;
  const boolean = dialect === "postgres" ? sql`boolean` : sql`integer`;

  await db.schema
    .createTable("custom_fields")
    .addColumn("field_id", "text", (col) => col.primaryKey())
    .addColumn("org_id", "text", (col) =>
      col.notNull().references("orgs.org_id").onDelete("cascade"),
    )
    .addColumn("entity_type", "text", (col) => col.notNull())
    .addColumn("field_name", "text", (col) => col.notNull())
    .addColumn("field_type", "text", (col) => col.notNull())
    .addColumn("display_name", "text")
    .addColumn("description", "text")
    .addColumn("options", json)
    .addColumn("status", "text", (col) => col.notNull())
    .addColumn("last_error", "text")
    .addColumn("attempts", "integer", (col) => col.notNull())
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addColumn("created_by", "text", (col) => col.notNull())
    .addColumn("modified_ns", "bigint", (col) => col.notNull())
    .addColumn("modified_by", "text", (col) => col.notNull())
    // A name stays taken while its field is deleting; the row disappears when deletion completes.
    .addUniqueConstraint("custom_fields_name", ["org_id", "entity_type", "field_name"])
    .execute();
  await db.schema
    .createIndex("custom_fields_org_status")
    .on("custom_fields")
    .columns(["org_id", "entity_type", "status"])
    .execute();

  await db.schema
    .createTable("custom_field_values")
    .addColumn("field_id", "text", (col) =>
      col.notNull().references("custom_fields.field_id").onDelete("cascade"),
    )
    .addColumn("org_id", "text", (col) => col.notNull())
    .addColumn("entity_type", "text", (col) => col.notNull())
    .addColumn("entity_id", "text", (col) => col.notNull())
    .addColumn("value_boolean", boolean)
    .addColumn("value_number", double)
    .addColumn("value_string", "text")
    .addColumn("value_ns", "bigint")
    .addPrimaryKeyConstraint("custom_field_values_pk", ["field_id", "entity_id"])
    .execute();
  for (const column of ["value_boolean", "value_number", "value_string", "value_ns"]) {
    await db.schema
      .createIndex(`custom_field_values_${column}`)
      .on("custom_field_values")
      .columns(["field_id", column, "entity_id"])
      .execute();
  }
  await db.schema
    .createIndex("custom_field_values_entity")
    .on("custom_field_values")
    .columns(["org_id", "entity_type", "entity_id"])
    .execute();

  await db.schema
    .createTable("session_tags")
    .addColumn("session_id", "text", (col) =>
      col.notNull().references("sessions.session_id").onDelete("cascade"),
    )
    .addColumn("org_id", "text", (col) => col.notNull())
    .addColumn("tag", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("session_tags_pk", ["session_id", "tag"])
    .execute();
  await db.schema
    .createIndex("session_tags_tag")
    .on("session_tags")
    .columns(["org_id", "tag", "session_id"])
    .execute();

  await db.schema
    .createTable("jobs")
    .addColumn("job_id", "text", (col) => col.primaryKey())
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("org_id", "text", (col) => col.notNull())
    .addColumn("subject_id", "text", (col) => col.notNull())
    .addColumn("status", "text", (col) => col.notNull())
    .addColumn("attempts", "integer", (col) => col.notNull())
    .addColumn("run_after_ns", "bigint", (col) => col.notNull())
    .addColumn("locked_by", "text")
    .addColumn("locked_until_ns", "bigint")
    .addColumn("last_error", "text")
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addColumn("updated_ns", "bigint", (col) => col.notNull())
    .execute();
  await db.schema.createIndex("jobs_due").on("jobs").columns(["status", "run_after_ns"]).execute();
  await db.schema.createIndex("jobs_subject").on("jobs").columns(["kind", "subject_id"]).execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("user_id", "text", (col) => col.notNull())
    .addColumn("idempotency_key", "text", (col) => col.notNull())
    .addColumn("request_hash", "text", (col) => col.notNull())
    .addColumn("state", "text", (col) => col.notNull())
    .addColumn("response_status", "integer")
    .addColumn("response_body", "text")
    .addColumn("response_etag", "text")
    .addColumn("created_ns", "bigint", (col) => col.notNull())
    .addColumn("expires_ns", "bigint", (col) => col.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["user_id", "idempotency_key"])
    .execute();
  await db.schema
    .createIndex("idempotency_keys_expiry")
    .on("idempotency_keys")
    .columns(["expires_ns"])
    .execute();
}
