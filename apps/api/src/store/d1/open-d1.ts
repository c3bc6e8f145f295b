import type { D1Database } from "@cloudflare/workers-types/index.js";
import { Kysely } from "kysely";
import type { Database } from "../schema.js";
import { Store } from "../store.js";
import { D1Dialect } from "./d1-dialect.js";
import { installUndoLog } from "./undo-log.js";

/**
 * The store on a D1 database. D1 speaks SQLite, so it runs the SQLite
 * migrations and queries, and reads every INTEGER as a `bigint` like the
 * embedded store. D1 enforces foreign keys by default.
 */
export class D1Store extends Store {
  constructor(
    private readonly database: D1Database,
    private readonly d1 = new D1Dialect(database),
  ) {
    super(new Kysely<Database>({ dialect: d1 }), "sqlite");
  }

  /**
   * Runs the pending migrations, then installs the undo log that lets
   * transactions roll back (see undo-log.ts) and clears the cache of result
   * columns read before tables changed.
   */
  override async migrate(): Promise<void> {
    try {
      await super.migrate();
    } finally {
      this.d1.driver.forgetColumns();
    }
    this.d1.driver.useUndoLog(await installUndoLog(this.database));
  }
}

/** Opens the store on a D1 binding; the caller runs `migrate()` before serving. */
export function openD1Store(database: D1Database): D1Store {
  return new D1Store(database);
}
