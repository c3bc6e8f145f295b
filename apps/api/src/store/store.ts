import { type Kysely, Migrator, type SelectQueryBuilder, type Transaction } from "kysely";
import type { DialectName } from "./dialect.js";
import { StoreMigrationProvider } from "./migrations/index.js";
import type { Database } from "./schema.js";

const MAX_ATTEMPTS = 5;

// PostgreSQL's serialization failure and deadlock: the transaction rolled back.
const RETRYABLE_CODES = new Set(["40001", "40P01"]);

function isRetryable(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    RETRYABLE_CODES.has((error as { code?: string }).code ?? "")
  );
}

/** Tells whether an error is a unique-constraint violation of SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: string }).code;
  return (
    code === "23505" ||
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY"
  );
}

/** A connection or transaction that repository functions run their queries on. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** Work that runs last inside a transaction, before it commits; throwing rolls the transaction back. */
export type CommitHook = (tx: Transaction<Database>) => Promise<void>;

/**
 * The store every route uses: one asynchronous, dialect-neutral interface over
 * SQLite, PostgreSQL and D1. Queries go through Kysely; each write runs in one
 * transaction through `transaction`.
 */
export class Store {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    private readonly onClose: () => Promise<void> = async () => {},
    private readonly beforeCommit?: CommitHook,
  ) {}

  /**
   * Returns a store on the same connections whose transactions run `hook`
   * after their work, inside the same transaction. Closing it closes the
   * connections of this store too.
   */
  withCommitHook(hook: CommitHook): Store {
    return new Store(this.db, this.dialect, this.onClose, hook);
  }

  /**
   * Runs `work` in one transaction; it commits when `work` resolves and rolls
   * back when it throws. On PostgreSQL a transaction chosen as a deadlock or
   * serialization victim has changed nothing and runs again, up to 5 times.
   */
  async transaction<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    const hook = this.beforeCommit;
    const run = hook
      ? async (tx: Transaction<Database>) => {
          const result = await work(tx);
          await hook(tx);
          return result;
        }
      : work;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute(run);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  /**
   * Locks the rows a query selects until the transaction ends, so concurrent
   * writers of the same session run one after another. SQLite needs no row
   * lock: its one connection runs one transaction at a time.
   */
  forUpdate<O>(
    query: SelectQueryBuilder<Database, keyof Database, O>,
  ): SelectQueryBuilder<Database, keyof Database, O> {
    return this.dialect === "postgres" ? query.forUpdate() : query;
  }

  /** Runs the pending migrations; throws with the failing migration's name. */
  async migrate(): Promise<void> {
    const migrator = new Migrator({
      db: this.db,
      provider: new StoreMigrationProvider(this.dialect),
    });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((result) => result.status === "Error");
    if (error) {
      const name = failed ? ` in migration ${failed.migrationName}` : "";
      throw new Error(`database migration failed${name}: ${(error as Error).message ?? error}`);
    }
  }

  /** Checks that the database runs a query; used by `/ready`. */
  async ping(): Promise<void> {
    await this.db.selectFrom("server_settings").select("name").limit(1).execute();
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    await this.db.destroy();
    await this.onClose();
  }
}
