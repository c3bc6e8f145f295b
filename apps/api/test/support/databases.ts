import pg from "pg";
import { randomToken } from "../../src/util/ids.js";

/** Stores every API test runs on. */
export const TEST_DIALECTS = ["sqlite", "postgres"] as const;
export type TestDialect = (typeof TEST_DIALECTS)[number];

/** Server URL of the PostgreSQL instance tests use: 127.0.0.1:5432, user postgres, trust auth. */
export const POSTGRES_ADMIN_URL =
  process.env.SORTIE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A database made for one test file, dropped at its end. */
export interface TemporaryDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the test PostgreSQL server. */
export async function createPostgresDatabase(): Promise<TemporaryDatabase> {
  const name = `sortie_test_${randomToken(12)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }

  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
