import type { SessionRecord, SessionSearch, SortDirection } from "@sortie/domain";
import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from "kysely";
import type { KeysetListing } from "../pagination/paginate.js";
import type { SessionRow } from "../sessions/records.js";
import { toRecords } from "../sessions/service.js";
import type { Database } from "../store/schema.js";
import type { Executor } from "../store/store.js";
import { conditionSql, type SqlContext } from "./condition-sql.js";
import {
  hasNullTail,
  readSortCursor,
  type SortCursor,
  type SortKey,
  sortKeyName,
  sortKeyOf,
} from "./sort-key.js";

/** A session row with the value it was sorted by (`null` for sessions in the null tail). */
export type SearchRow = SessionRow & { sort_value?: unknown };

type SessionQuery = SelectQueryBuilder<Database, "sessions", SearchRow>;

/**
 * Builds the keyset listing of one search: the sessions of an org that match
 * the condition, in the order of the sort key and then the session id, both
 * in the sort direction.
 *
 * Sessions without a sort value come last in both directions. A second
 * query reads them, ordered by session id, once the sessions with a value
 * are exhausted. Split this way, each query follows the order of an index:
 * (org, column, session id) for session columns, (field, value, entity id)
 * for custom fields. A page then reads about `limit` index entries plus
 * those the filter skips, however deep the page is.
 *
 * NOTE: filters are probed row by row along the sort order, so a filter that
 * matches few sessions of a large org reads most of that order before a page
 * fills. Nothing yet drives such a query from the filter's own index.
 */
export function sessionSearchListing(
  db: Executor,
  orgId: string,
  search: SessionSearch,
  ctx: SqlContext,
  conditionFingerprint = "",
): KeysetListing<SearchRow, SessionRecord> {
  const queries = sessionSearchQueries(db, orgId, search, ctx);
  const { key } = queries;

  return {
    listing: `session_query:${orgId}:${sortKeyName(key)}:${search.sort.direction}:${conditionFingerprint}`,
    async fetch(after, limit) {
      const cursor = after ? readSortCursor(after, key, ctx.dialect) : null;
      const inNullTail = cursor !== null && cursor.value === null && key.source !== "id";

      const rows = inNullTail ? [] : await queries.withValues(cursor, limit).execute();
      if (rows.length >= limit || !hasNullTail(key)) return rows;

      const tail = await queries
        .nullTail(inNullTail ? cursor : null, limit - rows.length)
        .execute();
      return [...rows, ...tail];
    },
    cursorOf: (row) =>
      key.source === "id" ? [row.session_id] : [row.sort_value ?? null, row.session_id],
    toItems: (rows) => toRecords(db, rows),
  };
}

/** The two queries of a search page, unexecuted, so that tests can show their plans. */
export interface SessionSearchQueries {
  key: SortKey;
  /** Sessions that have a sort value, after the cursor. */
  withValues(cursor: SortCursor | null, limit: number): SessionQuery;
  /** Sessions without a sort value, after the cursor's session id when the cursor is in the null tail. */
  nullTail(cursor: SortCursor | null, limit: number): SessionQuery;
}

/** Builds the queries of a search: the org's sessions that match the condition, in sort order. */
export function sessionSearchQueries(
  db: Executor,
  orgId: string,
  search: SessionSearch,
  ctx: SqlContext,
): SessionSearchQueries {
  const key = sortKeyOf(search.sort, ctx.customFields);
  const direction = search.sort.direction;

  const matching = (from: SessionQuery, sqlContext: SqlContext = ctx): SessionQuery => {
    let query = from.where("sessions.org_id", "=", orgId);
    const condition = search.condition;
    if (condition) query = query.where((eb) => conditionSql(eb, condition, sqlContext));
    return query;
  };
  const sessions = () => db.selectFrom("sessions").selectAll("sessions") as SessionQuery;

  return {
    key,
    withValues: (cursor, limit) => {
      const query =
        key.source === "custom"
          ? matching(valueRowsThenSessions(db, key.fieldId), {
              ...ctx,
              sessionIdColumn: "sort_value_row.entity_id",
            })
          : matching(sessions());
      return withValuesQuery(query, key, direction, cursor, limit);
    },
    nullTail: (cursor, limit) => nullTailQuery(matching(sessions()), key, direction, cursor, limit),
  };
}

/**
 * Joins the value rows of one custom field to their sessions. SQLite keeps
 * the tables of a CROSS JOIN in the order written, so it reads the values in
 * index order and probes each session and filter. Without statistics it
 * would otherwise pick another order and sort every match. PostgreSQL plans
 * a CROSS JOIN with a join condition like any inner join.
 */
function valueRowsThenSessions(db: Executor, fieldId: string): SessionQuery {
  return db
    .selectFrom("custom_field_values as sort_value_row")
    .crossJoin("sessions")
    .selectAll("sessions")
    .where("sort_value_row.field_id", "=", fieldId)
    .whereRef("sessions.session_id", "=", "sort_value_row.entity_id") as unknown as SessionQuery;
}

const AFTER = { asc: ">", desc: "<" } as const;

function withValuesQuery(
  query: SessionQuery,
  key: SortKey,
  direction: SortDirection,
  cursor: SortCursor | null,
  limit: number,
): SessionQuery {
  if (key.source === "id") {
    if (cursor) query = query.where("sessions.session_id", AFTER[direction], cursor.sessionId);
    return query.orderBy("sessions.session_id", direction).limit(limit);
  }

  let sortColumn = sql.ref(key.column);
  let idColumn = sql.ref("sessions.session_id");
  if (key.source === "custom") {
    // Ordering by the value row's own columns matches the (field, value,
    // entity id) index, so the store reads the values in order.
    sortColumn = sql.ref(`sort_value_row.${key.column}`);
    idColumn = sql.ref("sort_value_row.entity_id");
  }

  query = query.select(sortColumn.as("sort_value")).where((eb) => eb(sortColumn, "is not", null));
  if (cursor) query = query.where(afterPosition(sortColumn, idColumn, direction, cursor));
  return query.orderBy(sortColumn, direction).orderBy(idColumn, direction).limit(limit);
}

function nullTailQuery(
  query: SessionQuery,
  key: SortKey,
  direction: SortDirection,
  cursor: SortCursor | null,
  limit: number,
): SessionQuery {
  if (key.source === "custom") {
    query = query.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("custom_field_values as sort_value_row")
            .select("sort_value_row.entity_id")
            .where("sort_value_row.field_id", "=", key.fieldId)
            .whereRef("sort_value_row.entity_id", "=", "sessions.session_id")
            .where(sql.ref(`sort_value_row.${key.column}`), "is not", null),
        ),
      ),
    );
  } else if (key.source === "session") {
    query = query.where(key.column, "is", null);
  }

  if (cursor) query = query.where("sessions.session_id", AFTER[direction], cursor.sessionId);
  return query.orderBy("sessions.session_id", direction).limit(limit);
}

// `(value, id) > (cursor value, cursor id)` ascending, `<` descending: one
// row-value comparison, which both stores turn into an index range.
function afterPosition(
  sortColumn: Expression<unknown>,
  idColumn: Expression<unknown>,
  direction: SortDirection,
  cursor: SortCursor,
): Expression<SqlBool> {
  const operator = direction === "asc" ? sql`>` : sql`<`;
  return sql<SqlBool>`(${sortColumn}, ${idColumn}) ${operator} (${cursor.value}, ${cursor.sessionId})`;
}
