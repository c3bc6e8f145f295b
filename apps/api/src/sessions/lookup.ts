import { visibleOrgs } from "../auth/org-scope.js";
import type { Caller } from "../env.js";
import { ApiError } from "../http/api-error.js";
import { queryTemplate } from "../store/query-template.js";
import type { Executor, Store } from "../store/store.js";
import type { SessionRow } from "./records.js";

const selectSessionInOrg = queryTemplate<SessionRow, { sessionId: string; orgId: string }>(
  (db, slot) =>
    db
      .selectFrom("sessions")
      .selectAll()
      .where("session_id", "=", slot("sessionId"))
      .where("org_id", "=", slot("orgId")),
);

/**
 * Reads a session by id among the orgs the caller may see. Another org's
 * session is reported as not found, like one that does not exist.
 */
export async function findSession(
  db: Executor,
  caller: Caller,
  sessionId: string,
): Promise<SessionRow> {
  const orgs = visibleOrgs(caller);
  if (orgs.length === 1) {
    const [row] = await selectSessionInOrg(db, { sessionId, orgId: orgs[0] as string });
    if (!row) throw ApiError.notFound("Session", sessionId);
    return row;
  }
  const row = orgs.length
    ? await db
        .selectFrom("sessions")
        .selectAll()
        .where("session_id", "=", sessionId)
        .where("org_id", "in", orgs)
        .executeTakeFirst()
    : undefined;
  if (!row) throw ApiError.notFound("Session", sessionId);
  return row;
}

/**
 * Reads and locks a session for a write inside `tx`, so concurrent writers of
 * one session run one after another and none loses an update.
 */
export async function lockSession(
  store: Store,
  tx: Executor,
  caller: Caller,
  sessionId: string,
): Promise<SessionRow> {
  const orgs = visibleOrgs(caller);
  const row = orgs.length
    ? await store
        .forUpdate(
          tx
            .selectFrom("sessions")
            .selectAll()
            .where("session_id", "=", sessionId)
            .where("org_id", "in", orgs),
        )
        .executeTakeFirst()
    : undefined;
  if (!row) throw ApiError.notFound("Session", sessionId);
  return row as SessionRow;
}

/** Marks a session as written: a new version and modification time. */
export async function touchSession(
  tx: Executor,
  sessionId: string,
  userId: string,
  nowNs: bigint,
): Promise<void> {
  await tx
    .updateTable("sessions")
    .set((eb) => ({
      version: eb("version", "+", 1n),
      modified_ns: nowNs,
      modified_by: userId,
    }))
    .where("session_id", "=", sessionId)
    .execute();
}
