import type { D1Database, D1PreparedStatement } from "@cloudflare/workers-types/index.js";

// How a transaction on D1 rolls back.
//
// D1 rejects BEGIN and SAVEPOINT, so a transaction's statements commit one by
// one. To undo them, every table of the store gets a shadow table
// `_sortie_undo_<table>` and three triggers that copy the old row (or, for an
// insert, its rowid) into it, tagged with the transaction's id. The triggers
// log only while the marker row names a transaction, and the driver sets the
// marker in the same `batch()` as each write of a transaction and clears it
// right after, so writes outside transactions are not logged. D1 runs a
// batch as one unit, so no other statement can run while the marker is set.
//
// Rolling back restores, for each row the transaction touched, the state
// before its first change: rows it inserted are deleted, rows it updated or
// deleted get their old values back. Rows that foreign-key actions changed
// (ON DELETE CASCADE) fire the triggers too, so they come back as well. The
// copies stay inside SQLite, so no value passes through a JavaScript number.

const MARKER_TABLE = "_sortie_tx_marker";
const SHADOW_PREFIX = "_sortie_undo_";

/** A table of the store and its columns, as the undo log copies them. */
interface TrackedTable {
  name: string;
  columns: { name: string; type: string }[];
  /** Whether a column is an alias of the rowid (INTEGER PRIMARY KEY), so inserts must not name rowid too. */
  hasRowidAlias: boolean;
}

/** Statements that log, commit and roll back the transactions of one database. */
export class UndoLog {
  constructor(
    private readonly database: D1Database,
    private readonly tables: readonly TrackedTable[],
  ) {}

  /** Runs one write of transaction `txn` with its changes logged, and returns the write's result. */
  async logged(txn: string, write: D1PreparedStatement): Promise<D1Result> {
    const results = await this.database.batch([
      this.database.prepare(`UPDATE ${MARKER_TABLE} SET txn = ? WHERE id = 1`).bind(txn),
      write,
      this.database.prepare(`UPDATE ${MARKER_TABLE} SET txn = NULL WHERE id = 1`),
    ]);
    return results[1] as D1Result;
  }

  /** Forgets what transaction `txn` logged: its changes stay. */
  async commit(txn: string): Promise<void> {
    if (this.tables.length === 0) return;
    await this.database.batch(this.tables.map((table) => this.forget(table, txn)));
  }

  /** Restores every row that transaction `txn` changed, in one batch that applies whole or not at all. */
  async rollback(txn: string): Promise<void> {
    const statements = [
      // Rows are restored table by table, so foreign keys are checked once, at the end.
      this.database.prepare("PRAGMA defer_foreign_keys = on"),
      ...this.tables.map((table) => this.deleteInserted(table, txn)),
      ...this.tables.map((table) => this.restoreExisting(table, txn)),
      ...this.tables.map((table) => this.reinsertDeleted(table, txn)),
      ...this.tables.map((table) => this.forget(table, txn)),
    ];
    await this.database.batch(statements);
  }

  private deleteInserted(table: TrackedTable, txn: string): D1PreparedStatement {
    return this.database
      .prepare(
        `DELETE FROM ${quote(table.name)} WHERE rowid IN (SELECT u._undo_rid FROM ${firstChanges(table)} AND u._undo_op = 'insert')`,
      )
      .bind(txn);
  }

  private restoreExisting(table: TrackedTable, txn: string): D1PreparedStatement {
    const columns = table.columns.map((column) => quote(column.name)).join(", ");
    const target = quote(table.name);
    return this.database
      .prepare(
        `UPDATE ${target} SET (${columns}) = (SELECT ${columns} FROM ${quote(shadowName(table.name))} AS s WHERE s._undo_seq = fc.seq)
         FROM (SELECT u._undo_rid AS rid, u._undo_seq AS seq FROM ${firstChanges(table)} AND u._undo_op != 'insert') AS fc
         WHERE ${target}.rowid = fc.rid`,
      )
      .bind(txn);
  }

  private reinsertDeleted(table: TrackedTable, txn: string): D1PreparedStatement {
    const columns = table.columns.map((column) => quote(column.name));
    const targetColumns = table.hasRowidAlias ? columns : ["rowid", ...columns];
    const sourceColumns = table.hasRowidAlias
      ? columns.map((column) => `u.${column}`)
      : ["u._undo_rid", ...columns.map((column) => `u.${column}`)];
    return this.database
      .prepare(
        `INSERT INTO ${quote(table.name)} (${targetColumns.join(", ")})
         SELECT ${sourceColumns.join(", ")} FROM ${firstChanges(table)} AND u._undo_op != 'insert'
         AND NOT EXISTS (SELECT 1 FROM ${quote(table.name)} AS t WHERE t.rowid = u._undo_rid)`,
      )
      .bind(txn);
  }

  private forget(table: TrackedTable, txn: string): D1PreparedStatement {
    return this.database
      .prepare(`DELETE FROM ${quote(shadowName(table.name))} WHERE _undo_txn = ?1`)
      .bind(txn);
  }
}

/** Result of one statement of a D1 batch. */
type D1Result = Awaited<ReturnType<D1PreparedStatement["run"]>>;

// The first logged change of each row in transaction ?1, as `u`, open for more conditions.
function firstChanges(table: TrackedTable): string {
  const shadow = quote(shadowName(table.name));
  return `${shadow} AS u WHERE u._undo_txn = ?1 AND u._undo_seq = (SELECT min(f._undo_seq) FROM ${shadow} AS f WHERE f._undo_txn = ?1 AND f._undo_rid = u._undo_rid)`;
}

/**
 * Creates the marker row and, for every table of the store, its shadow table
 * and triggers, updating them when a migration changed the table's columns.
 * Runs after the migrations, on every start of an isolate; when nothing
 * changed it only reads the schema.
 */
export async function installUndoLog(database: D1Database): Promise<UndoLog> {
  try {
    return await installOnce(database);
  } catch {
    // Another isolate that started at the same time may have changed the schema first.
    return installOnce(database);
  }
}

async function installOnce(database: D1Database): Promise<UndoLog> {
  const tables = await readTrackedTables(database);
  const existing = await database
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'trigger') AND name GLOB '_sortie_*'",
    )
    .all<{ name: string; sql: string }>();
  const present = new Map(existing.results.map((row) => [row.name, row.sql]));

  const ddl: string[] = [];
  if (!present.has(MARKER_TABLE)) {
    ddl.push(
      `CREATE TABLE IF NOT EXISTS ${MARKER_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), txn TEXT)`,
    );
    ddl.push(`INSERT OR IGNORE INTO ${MARKER_TABLE} (id, txn) VALUES (1, NULL)`);
  }
  for (const table of tables) ddl.push(...shadowDdl(table, present));

  // One batch: one round trip, and all of it or nothing.
  if (ddl.length > 0) await database.batch(ddl.map((statement) => database.prepare(statement)));
  return new UndoLog(database, tables);
}

async function readTrackedTables(database: D1Database): Promise<TrackedTable[]> {
  const { results } = await database
    .prepare(
      `SELECT t.name AS tbl, p.name AS col, p.type AS type, p.pk AS pk
       FROM sqlite_master AS t, pragma_table_info(t.name) AS p
       WHERE t.type = 'table' AND t.name NOT GLOB 'sqlite_*' AND t.name NOT GLOB '_cf_*'
         AND t.name NOT GLOB '_sortie_*' AND t.name NOT GLOB 'kysely_migration*'
       ORDER BY t.name, p.cid`,
    )
    .all<{ tbl: string; col: string; type: string; pk: number }>();

  const tables = new Map<string, TrackedTable & { keys: { type: string }[] }>();
  for (const row of results) {
    let table = tables.get(row.tbl);
    if (!table) {
      table = { name: row.tbl, columns: [], hasRowidAlias: false, keys: [] };
      tables.set(row.tbl, table);
    }
    table.columns.push({ name: row.col, type: row.type });
    if (row.pk > 0) table.keys.push({ type: row.type });
  }
  return [...tables.values()].map(({ keys, ...table }) => ({
    ...table,
    hasRowidAlias: keys.length === 1 && keys[0]?.type.toUpperCase() === "INTEGER",
  }));
}

function shadowDdl(table: TrackedTable, present: Map<string, string>): string[] {
  const shadow = shadowName(table.name);
  const statements: string[] = [];

  const columnDefinitions = table.columns.map((column) => `${quote(column.name)} ${column.type}`);
  if (!present.has(shadow)) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${quote(shadow)} (_undo_seq INTEGER PRIMARY KEY, _undo_txn TEXT NOT NULL, _undo_op TEXT NOT NULL, _undo_rid INTEGER NOT NULL${columnDefinitions.map((definition) => `, ${definition}`).join("")})`,
    );
    statements.push(
      `CREATE INDEX IF NOT EXISTS ${quote(`${shadow}_txn`)} ON ${quote(shadow)} (_undo_txn, _undo_rid)`,
    );
  } else {
    const shadowSql = present.get(shadow) ?? "";
    for (const column of table.columns) {
      if (!shadowSql.includes(quote(column.name))) {
        statements.push(
          `ALTER TABLE ${quote(shadow)} ADD COLUMN ${quote(column.name)} ${column.type}`,
        );
      }
    }
  }

  for (const [event, row] of [
    ["INSERT", "NEW"],
    ["UPDATE", "OLD"],
    ["DELETE", "OLD"],
  ] as const) {
    const name = `${shadow}_${event.toLowerCase()}`;
    const trigger = triggerSql(table, name, event, row);
    if (present.get(name) === trigger) continue;
    if (present.has(name)) statements.push(`DROP TRIGGER IF EXISTS ${quote(name)}`);
    statements.push(trigger);
  }
  return statements;
}

// sqlite_master keeps a CREATE statement as written, so the text is compared to see whether the columns changed.
function triggerSql(
  table: TrackedTable,
  name: string,
  event: "INSERT" | "UPDATE" | "DELETE",
  row: "NEW" | "OLD",
): string {
  const marker = `(SELECT txn FROM ${MARKER_TABLE} WHERE id = 1)`;
  const copied = event === "INSERT" ? [] : table.columns.map((column) => quote(column.name));
  const values =
    event === "INSERT" ? [] : table.columns.map((column) => `OLD.${quote(column.name)}`);
  return (
    `CREATE TRIGGER ${quote(name)} AFTER ${event} ON ${quote(table.name)} WHEN ${marker} IS NOT NULL BEGIN ` +
    `INSERT INTO ${quote(shadowName(table.name))} (_undo_txn, _undo_op, _undo_rid${copied.map((column) => `, ${column}`).join("")}) ` +
    `VALUES (${marker}, '${event.toLowerCase()}', ${row}.rowid${values.map((value) => `, ${value}`).join("")}); END`
  );
}

function shadowName(table: string): string {
  return `${SHADOW_PREFIX}${table}`;
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
