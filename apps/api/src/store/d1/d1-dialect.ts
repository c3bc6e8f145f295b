import type { D1Database } from "@cloudflare/workers-types/index.js";
import {
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  SqliteAdapter,
  SqliteQueryCompiler,
} from "kysely";
import { D1Driver } from "./d1-driver.js";
import { D1Introspector } from "./d1-introspector.js";

/** Kysely dialect for Cloudflare D1: SQLite's SQL, run through the exact-integer D1 driver. */
export class D1Dialect implements Dialect {
  readonly driver: D1Driver;

  constructor(database: D1Database) {
    this.driver = new D1Driver(database);
  }

  createDriver(): Driver {
    return this.driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new D1Introspector(db);
  }
}
