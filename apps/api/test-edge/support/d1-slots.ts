import { env } from "cloudflare:workers";
import { D1_SLOT_COUNT } from "../shared-suite.js";

/**
 * D1 bindings that test APIs take one at a time, as vitest.edge.config.ts
 * declares them. A test file may run a few APIs at once (a second org's API,
 * one with other limits), and each needs a database of its own.
 */
export const D1_SLOTS = Array.from({ length: D1_SLOT_COUNT }, (_, index) => `DB_${index}`);

const slotsInUse = new Set<string>();

/** A D1 database emptied for one test API; `release` hands it to the next. */
export interface D1Slot {
  name: string;
  database: D1Database;
  release(): void;
}

/** Takes a free D1 binding and drops every table in it. */
export async function takeD1Slot(): Promise<D1Slot> {
  const name = D1_SLOTS.find((slot) => !slotsInUse.has(slot));
  if (!name)
    throw new Error(
      `all ${D1_SLOTS.length} D1 test databases are in use; close a test API first or add a slot in vitest.edge.config.ts`,
    );
  slotsInUse.add(name);

  const database = env[name as `DB_${number}`];
  if (!database)
    throw new Error(`D1 binding ${name} is missing; declare it in vitest.edge.config.ts`);
  await dropAllTables(database);
  return { name, database, release: () => slotsInUse.delete(name) };
}

async function dropAllTables(database: D1Database): Promise<void> {
  let remaining = await listTables(database);

  // A table that another one references drops only after it, so each pass drops what it can.
  while (remaining.length > 0) {
    const failures: string[] = [];
    for (const name of remaining) {
      try {
        await database.prepare(`DROP TABLE IF EXISTS "${name.replaceAll('"', '""')}"`).run();
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    const left = await listTables(database);
    if (left.length === remaining.length)
      throw new Error(`cannot empty the D1 test database: ${failures.join("; ")}`);
    remaining = left;
  }
}

async function listTables(database: D1Database): Promise<string[]> {
  const { results } = await database
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*' AND name NOT GLOB '_cf_*'",
    )
    .all<{ name: string }>();
  return results.map((row) => row.name);
}
