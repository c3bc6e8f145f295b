import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "../schema.js";
import { Store } from "../store.js";

const INT8_OID = 20;
const JSON_OID = 114;
const JSONB_OID = 3802;

// BIGINT columns come back as bigint, so `*_ns` values never pass through a
// `number`; JSON and JSONB come back as text for the int64-exact codec.
const TYPES = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID) return (value: string) => BigInt(value);
    if (oid === JSON_OID || oid === JSONB_OID) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

/** Options of the PostgreSQL pool. */
export interface PostgresOptions {
  /** Maximum connections of this node, default 10. */
  maxConnections?: number;
}

/**
 * Opens a PostgreSQL store from a `postgres://` URL. Each API node keeps its
 * own pool; everything else lives in the database.
 */
export async function openPostgresStore(
  url: string,
  options: PostgresOptions = {},
): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types: TYPES,
  });
  // An idle connection that breaks (server restart) must not crash the process.
  pool.on("error", () => {});

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new Store(db, "postgres");
}
