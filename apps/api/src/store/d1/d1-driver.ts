import type { D1Database } from "@cloudflare/workers-types/index.js";
import type { CompiledQuery, DatabaseConnection, Driver, QueryResult } from "kysely";
import { randomToken } from "../../util/ids.js";
import {
  bindExactly,
  columnProbeSql,
  decodeExactRows,
  exactSelectSql,
  isSelectSql,
} from "./exact-integers.js";
import { IsolateLock } from "./isolate-lock.js";
import type { UndoLog } from "./undo-log.js";

const COLUMN_CACHE_SIZE = 500;

/** A D1 failure with SQLite's extended result code, as `isUniqueViolation` reads it. */
export class D1QueryError extends Error {
  override name = "D1QueryError";

  constructor(
    message: string,
    readonly code: string | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Kysely driver over a D1 binding, with 64-bit integers kept exact (see
 * exact-integers.ts).
 *
 * D1 has no interactive transactions: it rejects BEGIN and SAVEPOINT and
 * offers only `batch()`, which cannot run the reads that the store's
 * transactions interleave with their writes. A Kysely transaction here runs
 * its statements one by one while it holds a lock of this isolate, so the
 * transactions of one isolate run one after another. Its writes are logged,
 * so a rollback restores every row they changed (undo-log.ts).
 * NOTE: transactions of different isolates are not isolated from each other:
 * two isolates writing one session at once can interleave, and a rollback
 * restores rows that another isolate changed in between. An isolate that dies
 * mid-transaction leaves the writes it made.
 */
export class D1Driver implements Driver {
  private readonly lock = new IsolateLock();
  private readonly releases = new WeakMap<DatabaseConnection, () => void>();
  /** Result column names per SELECT text; the schema only changes in migrations. */
  private readonly columns = new Map<string, string[]>();
  private undo: UndoLog | undefined;

  constructor(private readonly database: D1Database) {}

  async init(): Promise<void> {}

  /** Starts logging the writes of transactions; the store calls it after migrating. */
  useUndoLog(undo: UndoLog): void {
    this.undo = undo;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new D1Connection(this.database, this.columns);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.undo)
      throw new Error(
        "the D1 store cannot roll back before migrate() installed its undo log; call store.migrate() first",
      );
    this.releases.set(connection, await this.lock.acquire());
    (connection as D1Connection).begin(this.undo, `tx_${randomToken(16)}`);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await (connection as D1Connection).end("commit");
    } finally {
      this.release(connection);
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await (connection as D1Connection).end("rollback");
    } finally {
      this.release(connection);
    }
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    this.columns.clear();
  }

  /** Drops the cached result columns; call after a migration changed tables. */
  forgetColumns(): void {
    this.columns.clear();
  }

  private release(connection: DatabaseConnection): void {
    this.releases.get(connection)?.();
    this.releases.delete(connection);
  }
}

class D1Connection implements DatabaseConnection {
  private transaction: { undo: UndoLog; txn: string } | undefined;

  constructor(
    private readonly database: D1Database,
    private readonly columns: Map<string, string[]>,
  ) {}

  begin(undo: UndoLog, txn: string): void {
    this.transaction = { undo, txn };
  }

  async end(outcome: "commit" | "rollback"): Promise<void> {
    const transaction = this.transaction;
    this.transaction = undefined;
    if (!transaction) return;
    if (outcome === "commit") await transaction.undo.commit(transaction.txn);
    else await transaction.undo.rollback(transaction.txn);
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const statement = bindExactly(compiled.sql, compiled.parameters);
    const returnsRows =
      compiled.query.kind === "SelectQueryNode" ||
      (compiled.query.kind === "RawNode" && isSelectSql(compiled.sql));
    try {
      if (returnsRows) return { rows: (await this.select(statement)) as R[] };
      return await this.write<R>(statement, compiled.sql);
    } catch (error) {
      throw toQueryError(error, compiled.sql);
    }
  }

  // biome-ignore lint/correctness/useYield: D1 has no cursors; Kysely's stream API is not offered.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error(
      "the D1 store cannot stream query results; read pages with limit and a keyset instead",
    );
  }

  private async select(statement: {
    sql: string;
    parameters: unknown[];
  }): Promise<Record<string, unknown>[]> {
    const columns = await this.resultColumns(statement);
    if (columns.length === 0) return [];
    const rows = await this.database
      .prepare(exactSelectSql(statement.sql, columns))
      .bind(...statement.parameters)
      .raw<never[]>();
    return decodeExactRows(columns, rows);
  }

  private async resultColumns(statement: {
    sql: string;
    parameters: unknown[];
  }): Promise<string[]> {
    const cached = this.columns.get(statement.sql);
    if (cached) return cached;

    const [names] = await this.database
      .prepare(columnProbeSql(statement.sql))
      .bind(...statement.parameters)
      .raw<string[]>({ columnNames: true });
    const columns = names ?? [];
    if (this.columns.size >= COLUMN_CACHE_SIZE) {
      const oldest = this.columns.keys().next().value;
      if (oldest !== undefined) this.columns.delete(oldest);
    }
    this.columns.set(statement.sql, columns);
    return columns;
  }

  private async write<R>(
    statement: { sql: string; parameters: unknown[] },
    sql: string,
  ): Promise<QueryResult<R>> {
    const prepared = this.database.prepare(statement.sql).bind(...statement.parameters);
    const result = this.transaction
      ? await this.transaction.undo.logged(this.transaction.txn, prepared)
      : await prepared.run();
    if (result.results.length > 0) {
      // D1 returned these rows with integers as numbers, so they cannot be trusted.
      throw new Error(
        `the D1 store reads rows only from SELECT statements, where integers stay exact; replace RETURNING with a SELECT in '${sql.slice(0, 200)}'`,
      );
    }
    return {
      rows: [],
      numAffectedRows: BigInt(result.meta.changes ?? 0),
      insertId: BigInt(result.meta.last_row_id ?? 0),
    };
  }
}

// D1 puts SQLite's extended result code only into the message, e.g.
// "UNIQUE constraint failed: files.file_id: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_PRIMARYKEY)".
function toQueryError(error: unknown, sql: string): unknown {
  if (!(error instanceof Error) || error instanceof D1QueryError) return error;
  const text = `${error.message} ${(error.cause as Error | undefined)?.message ?? ""}`;
  const code =
    /extended: (SQLITE_[A-Z_]+)/.exec(text)?.[1] ?? /\b(SQLITE_[A-Z_]+)\b/.exec(text)?.[1];
  return new D1QueryError(`${error.message} (statement: ${sql.slice(0, 300)})`, code, {
    cause: error,
  });
}
