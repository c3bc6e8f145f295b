import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

// Largest 64-bit integer: a duration longer than that is stored as it.
const INT64_MAX = sql.lit(9223372036854775807n);

/**
 * Supports session search. Adds `sessions.duration_ns`, the session's
 * `max_timestamp_ns - min_timestamp_ns` kept by the bounds writer, so that
 * duration filters and sorts use an index, and one index per sortable
 * session column led by the org, so that every sort of a search reads its
 * rows in order instead of sorting them. Custom-field values and tags are
 * already indexed by field and value and by org and tag.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable("sessions").addColumn("duration_ns", "bigint").execute();

  // The CASE caps a difference beyond the 64-bit range instead of
  // overflowing; `INT64_MAX + min` is only evaluated for a negative min,
  // where it cannot overflow.
  await sql`
    UPDATE sessions SET duration_ns = CASE
      WHEN min_timestamp_ns >= 0 THEN max_timestamp_ns - min_timestamp_ns
      WHEN max_timestamp_ns > ${INT64_MAX} + min_timestamp_ns THEN ${INT64_MAX}
      ELSE max_timestamp_ns - min_timestamp_ns
    END
    WHERE min_timestamp_ns IS NOT NULL AND max_timestamp_ns IS NOT NULL
  `.execute(db);

  const sortColumns = [
    "modified_ns",
    "name",
    "min_timestamp_ns",
    "max_timestamp_ns",
    "duration_ns",
  ];
  for (const column of sortColumns) {
    await db.schema
      .createIndex(`sessions_org_${column}`)
      .on("sessions")
      .columns(["org_id", column, "session_id"])
      .execute();
  }
  await db.schema
    .createIndex("sessions_org_session")
    .on("sessions")
    .columns(["org_id", "session_id"])
    .execute();
}
