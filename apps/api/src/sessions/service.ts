import {
  type CreateSessionRequest,
  isCustomFieldChangesetEmpty,
  isMetadataChangesetEmpty,
  type SessionRecord,
  type SessionUpdate,
} from "@sortie/domain";
import {
  loadCustomFieldObjects,
  parseChangesetValues,
  parseInitialValues,
  writeFieldValues,
} from "../custom-fields/entity-values.js";
import { requireDevices } from "../devices/lookup.js";
import type { Caller } from "../env.js";
import { ApiError } from "../http/api-error.js";
import type { Executor, Store } from "../store/store.js";
import { writeJson } from "../util/json-columns.js";
import { applyMetadataChanges } from "../util/metadata-changes.js";
import { recomputeSessionBounds } from "./bounds.js";
import { insertContributions } from "./contributions.js";
import { lockSession, touchSession } from "./lookup.js";
import { type SessionRow, toSessionRecord } from "./records.js";
import { writeSessionTags } from "./tags-index.js";

/** Author of a write: the acting user in one org, and the instant in Unix ns. */
export interface Actor {
  orgId: string;
  userId: string;
  nowNs: bigint;
}

/** A session record with the ETag of its version. */
export interface SessionWithEtag {
  record: SessionRecord;
  etag: string;
  row: SessionRow;
}

/**
 * Creates a session with its devices, custom-field values and contributions
 * in one transaction. The devices of the contributed files are attached too.
 */
export async function createSession(
  store: Store,
  actor: Actor,
  request: CreateSessionRequest,
  newId: string,
): Promise<SessionRow> {
  return store.transaction(async (tx) => {
    if (request.key != null) await requireFreeKey(tx, actor.orgId, request.key);
    const values = await parseInitialValues(tx, actor.orgId, "session", request.custom_fields);

    await tx
      .insertInto("sessions")
      .values({
        session_id: newId,
        org_id: actor.orgId,
        key: request.key ?? null,
        name: request.name ?? null,
        description: request.description ?? null,
        tags: writeJson(request.tags),
        metadata: writeJson(request.metadata),
        min_timestamp_ns: null,
        max_timestamp_ns: null,
        version: 1n,
        created_ns: actor.nowNs,
        created_by: actor.userId,
        modified_ns: actor.nowNs,
        modified_by: actor.userId,
      })
      .execute();

    await writeSessionTags(tx, actor.orgId, newId, request.tags);
    await insertContributions(
      store,
      tx,
      actor.orgId,
      newId,
      request.files,
      actor.userId,
      actor.nowNs,
    );
    const fileDevices = await devicesOfFiles(
      tx,
      request.files.map((file) => file.file_id),
    );
    const deviceIds = [...new Set([...request.device_ids, ...fileDevices])];
    await requireDevices(tx, actor.orgId, deviceIds);
    await attachDevices(tx, actor, newId, deviceIds);

    await writeFieldValues(tx, store.dialect, actor.orgId, "session", newId, values);
    await recomputeSessionBounds(tx, newId);
    return readSessionRow(tx, newId);
  });
}

/**
 * Applies a session update in one transaction: name and description (absent
 * leaves them, `null` clears them), a metadata changeset and a custom-field
 * changeset. With `ifMatch`, a stale ETag is a 412 and nothing changes.
 */
export async function updateSession(
  store: Store,
  caller: Caller,
  sessionId: string,
  update: SessionUpdate,
  nowNs: bigint,
  ifMatch: string | undefined,
): Promise<SessionRow> {
  return store.transaction(async (tx) => {
    const row = await lockSession(store, tx, caller, sessionId);
    checkPrecondition(row, ifMatch);

    const changes: Partial<SessionRow> = {};
    if ("name" in update) changes.name = update.name ?? null;
    if ("description" in update) changes.description = update.description ?? null;

    if (!isMetadataChangesetEmpty(update.metadata_changeset)) {
      const applied = applyMetadataChanges(row, update.metadata_changeset);
      changes.tags = applied.tags;
      changes.metadata = applied.metadata;
      await writeSessionTags(tx, row.org_id, sessionId, applied.tagList);
    }

    if (update.custom_fields_changeset) {
      const values = await parseChangesetValues(
        tx,
        row.org_id,
        "session",
        update.custom_fields_changeset,
      );
      await writeFieldValues(tx, store.dialect, row.org_id, "session", sessionId, values);
    }

    // An update that changes nothing keeps the version, so ETags held by
    // other clients stay valid.
    const valuesChanged = !isCustomFieldChangesetEmpty(update.custom_fields_changeset);
    if (Object.keys(changes).length === 0 && !valuesChanged) return row;

    if (Object.keys(changes).length) {
      await tx.updateTable("sessions").set(changes).where("session_id", "=", sessionId).execute();
    }
    await touchSession(tx, sessionId, caller.userId, nowNs);
    return readSessionRow(tx, sessionId);
  });
}

/** Throws a 412 when `If-Match` names another version of the session. */
export function checkPrecondition(row: SessionRow, ifMatch: string | undefined): void {
  if (ifMatch === undefined || ifMatch.trim() === "*") return;
  const current = `"${row.session_id}.${row.version}"`;
  const matches = ifMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === current);
  if (!matches) {
    throw new ApiError(
      "RobotoConditionException",
      `The session changed since you read it (If-Match ${ifMatch}, current ETag ${current}); read it again and retry`,
      [{ path: "If-Match", reason: "stale ETag", value: ifMatch }],
    );
  }
}

/** Reads a session row after a write in the same transaction. */
export async function readSessionRow(db: Executor, sessionId: string): Promise<SessionRow> {
  return db
    .selectFrom("sessions")
    .selectAll()
    .where("session_id", "=", sessionId)
    .executeTakeFirstOrThrow();
}

/** Turns one row into its record with its custom-field object. */
export async function toRecord(db: Executor, row: SessionRow): Promise<SessionRecord> {
  const objects = await loadCustomFieldObjects(db, row.org_id, "session", [row.session_id]);
  return toSessionRecord(row, objects.get(row.session_id) ?? {});
}

/** Turns rows into records with their custom-field objects, one query for the whole page. */
export async function toRecords(
  db: Executor,
  rows: readonly SessionRow[],
): Promise<SessionRecord[]> {
  const byOrg = new Map<string, string[]>();
  for (const row of rows) byOrg.set(row.org_id, [...(byOrg.get(row.org_id) ?? []), row.session_id]);

  const customFields = new Map<string, Record<string, unknown>>();
  for (const [orgId, ids] of byOrg) {
    for (const [id, object] of await loadCustomFieldObjects(db, orgId, "session", ids)) {
      customFields.set(id, object);
    }
  }
  return rows.map((row) => toSessionRecord(row, customFields.get(row.session_id) ?? {}));
}

/** Attaches devices to a session; already attached ones stay as they are. */
export async function attachDevices(
  tx: Executor,
  actor: Actor,
  sessionId: string,
  deviceIds: readonly string[],
): Promise<number> {
  if (deviceIds.length === 0) return 0;
  const result = await tx
    .insertInto("session_devices")
    .values(
      deviceIds.map((deviceId) => ({
        session_id: sessionId,
        org_id: actor.orgId,
        device_id: deviceId,
        created_ns: actor.nowNs,
        created_by: actor.userId,
      })),
    )
    .onConflict((conflict) => conflict.columns(["session_id", "device_id"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

async function devicesOfFiles(db: Executor, fileIds: readonly string[]): Promise<string[]> {
  if (fileIds.length === 0) return [];
  const unique = [...new Set(fileIds)];
  const devices = new Set<string>();
  for (let start = 0; start < unique.length; start += 500) {
    const rows = await db
      .selectFrom("files")
      .select("device_id")
      .where("file_id", "in", unique.slice(start, start + 500))
      .where("device_id", "is not", null)
      .execute();
    for (const row of rows) devices.add(row.device_id as string);
  }
  return [...devices];
}

async function requireFreeKey(db: Executor, orgId: string, key: string): Promise<void> {
  const existing = await db
    .selectFrom("sessions")
    .select("session_id")
    .where("org_id", "=", orgId)
    .where("key", "=", key)
    .executeTakeFirst();
  if (existing) {
    throw ApiError.conflict(
      `A session with key '${key}' already exists: ${existing.session_id}; read it with GET /v1/sessions/key/{key} or choose another key`,
      [
        {
          path: "key",
          reason: "already taken",
          value: key,
          existing_session_id: existing.session_id,
        },
      ],
    );
  }
}
