import type { SelectQueryBuilder } from "kysely";
import { cursorBigint, cursorString, type KeysetListing } from "../pagination/paginate.js";
import type { Database } from "../store/schema.js";
import type { Executor } from "../store/store.js";
import { type ContributionViewRow, type SessionRow, toSessionFileView } from "./records.js";
import { toRecords } from "./service.js";

type SessionQuery = SelectQueryBuilder<Database, "sessions", SessionRow>;

/**
 * Sessions in creation order, newest first, with the session id as the
 * tiebreaker. `narrow` restricts the rows (to an org, a device, a dataset).
 */
function newestSessionsFirst(
  db: Executor,
  listing: string,
  narrow: (query: SessionQuery) => SessionQuery,
): KeysetListing<SessionRow, Awaited<ReturnType<typeof toRecords>>[number]> {
  return {
    listing,
    async fetch(after, limit) {
      let query = narrow(db.selectFrom("sessions").selectAll("sessions") as SessionQuery);
      if (after) {
        const created = cursorBigint(after[0]);
        const id = cursorString(after[1]);
        query = query.where((eb) =>
          eb.or([
            eb("sessions.created_ns", "<", created),
            eb.and([eb("sessions.created_ns", "=", created), eb("sessions.session_id", "<", id)]),
          ]),
        );
      }
      return query
        .orderBy("sessions.created_ns", "desc")
        .orderBy("sessions.session_id", "desc")
        .limit(limit)
        .execute();
    },
    cursorOf: (row) => [row.created_ns, row.session_id],
    toItems: (rows) => toRecords(db, rows),
  };
}

/** Lists every session of an org. */
export function orgSessions(db: Executor, orgId: string) {
  return newestSessionsFirst(db, `sessions:${orgId}`, (query) =>
    query.where("sessions.org_id", "=", orgId),
  );
}

/** Sessions a device is attached to. */
export function deviceSessions(db: Executor, orgId: string, deviceId: string) {
  return newestSessionsFirst(db, `device_sessions:${orgId}:${deviceId}`, (query) =>
    query
      .where("sessions.org_id", "=", orgId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("session_devices")
            .select("session_devices.session_id")
            .whereRef("session_devices.session_id", "=", "sessions.session_id")
            .where("session_devices.device_id", "=", deviceId),
        ),
      ),
  );
}

/** Sessions holding any file of a dataset. */
export function datasetSessions(db: Executor, orgId: string, datasetId: string) {
  return newestSessionsFirst(db, `dataset_sessions:${datasetId}`, (query) =>
    query
      .where("sessions.org_id", "=", orgId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("session_files")
            .innerJoin("files", "files.file_id", "session_files.file_id")
            .select("session_files.session_id")
            .whereRef("session_files.session_id", "=", "sessions.session_id")
            .where("files.dataset_id", "=", datasetId),
        ),
      ),
  );
}

/** Lists the contributions of a session, in the order they were added. */
export function sessionContributions(
  db: Executor,
  sessionId: string,
): KeysetListing<
  ContributionViewRow & { contribution_id: bigint },
  ReturnType<typeof toSessionFileView>
> {
  return {
    listing: `session_files:${sessionId}`,
    async fetch(after, limit) {
      let query = db
        .selectFrom("session_files")
        .innerJoin("files", "files.file_id", "session_files.file_id")
        .select([
          "session_files.contribution_id",
          "session_files.session_id",
          "session_files.file_id",
          "files.dataset_id",
          "files.relative_path",
          "files.device_id",
          "session_files.range_min_ns",
          "session_files.range_max_ns",
          "files.start_time_ns",
          "files.end_time_ns",
          "session_files.window_min_ns",
          "session_files.window_max_ns",
          "session_files.created_ns",
          "session_files.created_by",
        ])
        .where("session_files.session_id", "=", sessionId);
      if (after) query = query.where("session_files.contribution_id", ">", cursorBigint(after[0]));
      return query.orderBy("session_files.contribution_id", "asc").limit(limit).execute();
    },
    cursorOf: (row) => [row.contribution_id],
    toItems: (rows) => rows.map(toSessionFileView),
  };
}

/** Lists the devices attached to a session, by device id. */
export function sessionDevices(
  db: Executor,
  sessionId: string,
): KeysetListing<{ device_id: string }, string> {
  return {
    listing: `session_devices:${sessionId}`,
    async fetch(after, limit) {
      let query = db
        .selectFrom("session_devices")
        .select("device_id")
        .where("session_id", "=", sessionId);
      if (after) query = query.where("device_id", ">", cursorString(after[0]));
      return query.orderBy("device_id", "asc").limit(limit).execute();
    },
    cursorOf: (row) => [row.device_id],
    toItems: (rows) => rows.map((row) => row.device_id),
  };
}
