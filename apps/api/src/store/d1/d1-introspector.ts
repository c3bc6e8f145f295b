import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  type Kysely,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from "kysely";

interface TableRow {
  name: string;
  type: string;
}

interface ColumnRow {
  table: string;
  name: string;
  type: string;
  notnull: bigint;
  dflt_value: unknown;
}

/**
 * Lists tables as Kysely's SQLite introspector does, without D1's own `_cf_*`
 * tables. D1 denies `pragma_table_info` on them, so the stock introspector
 * fails, and with it the migrator, which looks up its own tables through it.
 */
export class D1Introspector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    return [];
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const internal = options.withInternalKyselyTables
      ? []
      : [DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE];
    const tables = await sql<TableRow>`
      SELECT name, type FROM sqlite_master
      WHERE type IN ('table', 'view') AND name NOT GLOB 'sqlite_*' AND name NOT GLOB '_cf_*'
      ORDER BY name`.execute(this.db);
    const listed = tables.rows.filter((table) => !internal.includes(table.name));
    if (listed.length === 0) return [];

    const columns = await sql<ColumnRow>`
      SELECT t.name AS "table", p.name AS name, p.type AS type, p."notnull" AS "notnull", p.dflt_value AS dflt_value
      FROM sqlite_master AS t, pragma_table_info(t.name) AS p
      WHERE t.name IN (${sql.join(listed.map((table) => table.name))})
      ORDER BY t.name, p.cid`.execute(this.db);

    return listed.map((table) => ({
      name: table.name,
      isView: table.type === "view",
      columns: columns.rows
        .filter((column) => column.table === table.name)
        .map((column) => ({
          name: column.name,
          dataType: column.type,
          isNullable: !column.notnull,
          isAutoIncrementing: false,
          hasDefaultValue: column.dflt_value !== null,
        })),
    }));
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}
