import type { Store } from "../store.js";

/** Opens a PostgreSQL store. NOTE: not built yet; DATABASE_URL is rejected until it is. */
export async function openPostgresStore(_url: string): Promise<Store> {
  throw new Error("the PostgreSQL store is not available yet; unset DATABASE_URL to use SQLite");
}
