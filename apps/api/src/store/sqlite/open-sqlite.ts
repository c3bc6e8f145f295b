import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Database } from "../schema.js";
import { Store } from "../store.js";

type StatementCache = Map<string, BetterSqlite3.Statement>;

const STATEMENT_CACHE_SIZE = 500;

/**
 * Opens (creating when missing) the SQLite database at `path` as a store.
 *
 * WAL mode lets readers run beside the writer. With `synchronous = NORMAL`,
 * WAL mode keeps every committed transaction across a crash of the process,
 * though a power loss may drop the last ones. Foreign keys are enforced, and
 * a busy timeout waits for another process's lock instead of failing at once.
 * Integers are read as `bigint`, so `*_ns` values never pass through a
 * `number`. Prepared statements are cached by SQL text because Kysely's
 * SQLite driver prepares each query on every call.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });

  const sqlite = new BetterSqlite3(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.defaultSafeIntegers(true);

  const cache: StatementCache = new Map();
  const database = {
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(sql, statement);
      }
      return statement;
    },
    close() {
      sqlite.close();
    },
  };

  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: database as unknown as BetterSqlite3.Database }),
  });
  return new Store(db, "sqlite");
}
