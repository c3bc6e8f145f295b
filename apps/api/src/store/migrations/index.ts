import type { Kysely, Migration, MigrationProvider } from "kysely";
import type { DialectName } from "../dialect.js";
import { up as initial } from "./0001-initial.js";
import { up as fieldsJobsIdempotency } from "./0002-fields-jobs-idempotency.js";
import { up as search } from "./0003-search.js";

type VersionedMigration = {
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
};

// Versions run in the order of their names; a released version never changes.
const MIGRATIONS: Record<string, VersionedMigration> = {
  "0001-initial": { up: initial },
  "0002-fields-jobs-idempotency": { up: fieldsJobsIdempotency },
  "0003-search": { up: search },
};

/** Provides the migrations of one dialect to Kysely's Migrator. */
export class StoreMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(MIGRATIONS)) {
      migrations[name] = { up: (db) => migration.up(db, this.dialect) };
    }
    return migrations;
  }
}
