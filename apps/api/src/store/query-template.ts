import { type Compilable, CompiledQuery, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import type { Executor } from "./store.js";

/** A named placeholder in a query template; replaced by a value at execution. */
class Slot {
  constructor(readonly name: string) {}
}

type Parameter = { slot: string } | { value: unknown };

/**
 * A query compiled once per dialect and executed with new values each time.
 *
 * Kysely compiles a query on every call, which costs more than a primary-key
 * read itself, so the hottest reads (API key lookup, session by id) use a
 * template instead. `build` receives `slot(name)` to stand for each value and
 * must not branch on values, because it runs only once per dialect.
 */
export function queryTemplate<Row, Params extends Record<string, unknown>>(
  build: (db: Kysely<Database>, slot: (name: keyof Params & string) => never) => Compilable<Row>,
): (db: Executor, params: Params) => Promise<Row[]> {
  // One compiled form per dialect adapter, since each writes its own SQL.
  const compiled = new Map<unknown, { sql: string; parameters: Parameter[] }>();

  return async (db, params) => {
    const dialect = db.getExecutor().adapter.constructor;
    let template = compiled.get(dialect);
    if (!template) {
      const query = build(db as Kysely<Database>, (name) => new Slot(name) as never).compile();
      template = {
        sql: query.sql,
        parameters: query.parameters.map((value) =>
          value instanceof Slot ? { slot: value.name } : { value },
        ),
      };
      compiled.set(dialect, template);
    }

    const values = template.parameters.map((parameter) =>
      "slot" in parameter ? params[parameter.slot] : parameter.value,
    );
    const result = await db.executeQuery<Row>(CompiledQuery.raw(template.sql, values));
    return result.rows;
  };
}
