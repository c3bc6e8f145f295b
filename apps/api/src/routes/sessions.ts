import {
  AddFilesRequestSchema,
  AttachToDeviceRequestSchema,
  CreateSessionRequestSchema,
  DetachFromDeviceRequestSchema,
  RemoveFilesRequestSchema,
  SessionFileViewSchema,
  SessionRecordSchema,
  SessionUpdateSchema,
  TopicRecordSchema,
} from "@sortie/domain";
import type { Context, Hono } from "hono";
import * as v from "valibot";
import { requireOrg, visibleOrgs } from "../auth/org-scope.js";
import { deleteEntityValues } from "../custom-fields/entity-values.js";
import { requireDevices } from "../devices/lookup.js";
import type { AppEnv } from "../env.js";
import { sessionTopics } from "../files/topics.js";
import { ApiError } from "../http/api-error.js";
import { nowNs, pageQuery, param } from "../http/context.js";
import { readJsonBody, sendData } from "../http/json.js";
import { documented } from "../http/openapi.js";
import { parseInput } from "../http/validate.js";
import { readPage } from "../pagination/paginate.js";
import { recomputeSessionBounds } from "../sessions/bounds.js";
import {
  deleteContributions,
  insertContributions,
  shareLockFiles,
} from "../sessions/contributions.js";
import { orgSessions, sessionContributions, sessionDevices } from "../sessions/listings.js";
import { findSession, lockSession, touchSession } from "../sessions/lookup.js";
import type { SessionRow } from "../sessions/records.js";
import { sessionEtag } from "../sessions/records.js";
import {
  attachDevices,
  createSession,
  readSessionRow,
  toRecord,
  updateSession,
} from "../sessions/service.js";
import { pageOfTopics } from "./files.js";

const TAG = "Sessions";
const KEY_PREFIX = "/v1/sessions/key/";

// Keys may hold '/', sent as %2F; decode the raw path once so '%25' stays '%'.
function sessionKeyFromUrl(url: string): string {
  const raw = new URL(url).pathname.slice(KEY_PREFIX.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw ApiError.invalidAt(
      "key",
      "the key in the path is not valid URL encoding; encode it with encodeURIComponent",
    );
  }
}

async function sendSession(c: Context<AppEnv>, row: SessionRow): Promise<Response> {
  const record = await toRecord(c.get("deps").store.db, row);
  return sendData(c, record, 200, { etag: sessionEtag(row) });
}

/** Registers the session routes: CRUD, contributions, device attachments. */
export function registerSessionRoutes(app: Hono<AppEnv>): void {
  app.post(
    "/v1/sessions",
    documented({
      tag: TAG,
      summary: "Create a session",
      description:
        "Creates a session with optional devices, tags, metadata, custom-field values, a unique key and file contributions (whose devices are attached too).",
      body: CreateSessionRequestSchema,
      data: SessionRecordSchema,
    }),
    async (c) => {
      const request = parseInput(CreateSessionRequestSchema, await readJsonBody(c));
      const { store, ids } = c.get("deps");
      const actor = { orgId: requireOrg(c), userId: c.get("caller").userId, nowNs: nowNs(c) };
      const row = await createSession(store, actor, request, ids.next("ss_"));
      return sendSession(c, row);
    },
  );

  app.get(
    "/v1/sessions",
    documented({ tag: TAG, summary: "List sessions", pageItem: SessionRecordSchema }),
    async (c) => {
      const page = await readPage(
        c.get("pageTokens"),
        pageQuery(c),
        orgSessions(c.get("deps").store.db, requireOrg(c)),
      );
      return sendData(c, page);
    },
  );

  app.get(
    "/v1/sessions/id/:session_id",
    documented({ tag: TAG, summary: "Get a session", data: SessionRecordSchema }),
    async (c) =>
      sendSession(
        c,
        await findSession(c.get("deps").store.db, c.get("caller"), param(c, "session_id")),
      ),
  );

  app.get(
    "/v1/sessions/key/:key{.+}",
    documented({
      tag: TAG,
      summary: "Get a session by key",
      description:
        "Reads the session of a caller-chosen key; URL-encode the key, which may hold '/'.",
      data: SessionRecordSchema,
    }),
    async (c) => {
      const key = sessionKeyFromUrl(c.req.url);
      const orgs = visibleOrgs(c.get("caller"));
      const rows = orgs.length
        ? await c
            .get("deps")
            .store.db.selectFrom("sessions")
            .selectAll()
            .where("key", "=", key)
            .where("org_id", "in", orgs)
            .execute()
        : [];
      if (rows.length > 1) {
        throw ApiError.invalidAt(
          "X-Roboto-Org-Id",
          `key '${key}' names a session in ${rows.length} of your orgs; send the org id in the X-Roboto-Org-Id header`,
        );
      }
      const row = rows[0];
      if (!row) throw ApiError.notFound("Session with key", key);
      return sendSession(c, row);
    },
  );

  app.put(
    "/v1/sessions/id/:session_id",
    documented({
      tag: TAG,
      summary: "Update a session",
      description:
        "An absent key leaves the attribute unchanged; null clears name or description; a null changeset means no change. Send If-Match with the ETag of a read to reject concurrent changes (412).",
      body: SessionUpdateSchema,
      data: SessionRecordSchema,
    }),
    async (c) => {
      const update = parseInput(SessionUpdateSchema, await readJsonBody(c));
      const row = await updateSession(
        c.get("deps").store,
        c.get("caller"),
        param(c, "session_id"),
        update,
        nowNs(c),
        c.req.header("if-match"),
      );
      return sendSession(c, row);
    },
  );

  app.delete(
    "/v1/sessions/id/:session_id",
    documented({ tag: TAG, summary: "Delete a session", data: null }),
    async (c) => {
      const { store } = c.get("deps");
      const sessionId = param(c, "session_id");
      await store.transaction(async (tx) => {
        const session = await lockSession(store, tx, c.get("caller"), sessionId);
        await deleteEntityValues(tx, session.org_id, "session", sessionId);
        await tx.deleteFrom("session_files").where("session_id", "=", sessionId).execute();
        await tx.deleteFrom("session_devices").where("session_id", "=", sessionId).execute();
        await tx.deleteFrom("session_tags").where("session_id", "=", sessionId).execute();
        await tx.deleteFrom("sessions").where("session_id", "=", sessionId).execute();
      });
      return sendData(c, null);
    },
  );

  app.post(
    "/v1/sessions/id/:session_id/files",
    documented({
      tag: TAG,
      summary: "Add file contributions",
      description:
        "Adds whole files or clipped ranges (both bounds or neither, inclusive Unix ns). An identical contribution is a no-op; the session's bounds are recomputed in the same transaction.",
      body: AddFilesRequestSchema,
      data: SessionRecordSchema,
    }),
    async (c) => {
      const request = parseInput(AddFilesRequestSchema, await readJsonBody(c));
      const { store } = c.get("deps");
      const sessionId = param(c, "session_id");
      const now = nowNs(c);
      const row = await store.transaction(async (tx) => {
        await shareLockFiles(
          store,
          tx,
          request.files.map((file) => file.file_id),
        );
        const session = await lockSession(store, tx, c.get("caller"), sessionId);
        const added = await insertContributions(
          store,
          tx,
          session.org_id,
          sessionId,
          request.files,
          c.get("caller").userId,
          now,
        );
        if (added === 0) return session;
        await recomputeSessionBounds(tx, sessionId);
        await touchSession(tx, sessionId, c.get("caller").userId, now);
        return readSessionRow(tx, sessionId);
      });
      return sendSession(c, row);
    },
  );

  app.delete(
    "/v1/sessions/id/:session_id/files",
    documented({
      tag: TAG,
      summary: "Remove file contributions",
      description:
        "Removes every contribution of each listed file. A file without a contribution is a 404 and nothing is removed.",
      body: RemoveFilesRequestSchema,
      data: SessionRecordSchema,
    }),
    async (c) => {
      const request = parseInput(RemoveFilesRequestSchema, await readJsonBody(c));
      const { store } = c.get("deps");
      const sessionId = param(c, "session_id");
      const now = nowNs(c);
      const row = await store.transaction(async (tx) => {
        await lockSession(store, tx, c.get("caller"), sessionId);
        await deleteContributions(tx, sessionId, request.file_ids);
        await recomputeSessionBounds(tx, sessionId);
        await touchSession(tx, sessionId, c.get("caller").userId, now);
        return readSessionRow(tx, sessionId);
      });
      return sendSession(c, row);
    },
  );

  app.get(
    "/v1/sessions/id/:session_id/files",
    documented({ tag: TAG, summary: "List file contributions", pageItem: SessionFileViewSchema }),
    async (c) => {
      const { db } = c.get("deps").store;
      const session = await findSession(db, c.get("caller"), param(c, "session_id"));
      const page = await readPage(
        c.get("pageTokens"),
        pageQuery(c),
        sessionContributions(db, session.session_id),
      );
      return sendData(c, page);
    },
  );

  app.post(
    "/v1/sessions/id/:session_id/devices",
    documented({
      tag: TAG,
      summary: "Attach a device",
      description: "Attaching an attached device changes nothing; an unknown device is a 404.",
      body: AttachToDeviceRequestSchema,
      data: SessionRecordSchema,
    }),
    async (c) => {
      const request = parseInput(AttachToDeviceRequestSchema, await readJsonBody(c));
      const { store } = c.get("deps");
      const sessionId = param(c, "session_id");
      const now = nowNs(c);
      const row = await store.transaction(async (tx) => {
        const session = await lockSession(store, tx, c.get("caller"), sessionId);
        await requireDevices(tx, session.org_id, [request.device_id]);
        const actor = { orgId: session.org_id, userId: c.get("caller").userId, nowNs: now };
        if ((await attachDevices(tx, actor, sessionId, [request.device_id])) === 0) return session;
        await touchSession(tx, sessionId, c.get("caller").userId, now);
        return readSessionRow(tx, sessionId);
      });
      return sendSession(c, row);
    },
  );

  app.delete(
    "/v1/sessions/id/:session_id/devices",
    documented({
      tag: TAG,
      summary: "Detach a device",
      description: "Detaching a device that is not attached is a 404.",
      body: DetachFromDeviceRequestSchema,
      data: SessionRecordSchema,
    }),
    async (c) => {
      const request = parseInput(DetachFromDeviceRequestSchema, await readJsonBody(c));
      const { store } = c.get("deps");
      const sessionId = param(c, "session_id");
      const now = nowNs(c);
      const row = await store.transaction(async (tx) => {
        await lockSession(store, tx, c.get("caller"), sessionId);
        const result = await tx
          .deleteFrom("session_devices")
          .where("session_id", "=", sessionId)
          .where("device_id", "=", request.device_id)
          .executeTakeFirst();
        if ((result.numDeletedRows ?? 0n) === 0n) {
          throw new ApiError(
            "RobotoDeviceNotFoundException",
            `Device '${request.device_id}' is not attached to session '${sessionId}'`,
            [
              {
                path: "device_id",
                reason: "not attached to this session",
                value: request.device_id,
              },
            ],
          );
        }
        await touchSession(tx, sessionId, c.get("caller").userId, now);
        return readSessionRow(tx, sessionId);
      });
      return sendSession(c, row);
    },
  );

  app.get(
    "/v1/sessions/id/:session_id/topics",
    documented({
      tag: TAG,
      summary: "List the topics of a session",
      description:
        "Topics whose data overlaps the window of a contribution of their file (a clipped contribution clips them), one entry per topic name and schema across files, by name. message_count sums each file's count once.",
      pageItem: TopicRecordSchema,
    }),
    async (c) => {
      const { db } = c.get("deps").store;
      const session = await findSession(db, c.get("caller"), param(c, "session_id"));
      const topics = await sessionTopics(db, session.session_id);
      return sendData(c, await pageOfTopics(c, `session_topics:${session.session_id}`, topics));
    },
  );

  app.get(
    "/v1/sessions/id/:session_id/devices",
    documented({ tag: TAG, summary: "List attached devices", pageItem: v.string() }),
    async (c) => {
      const { db } = c.get("deps").store;
      const session = await findSession(db, c.get("caller"), param(c, "session_id"));
      const page = await readPage(
        c.get("pageTokens"),
        pageQuery(c),
        sessionDevices(db, session.session_id),
      );
      return sendData(c, page);
    },
  );
}
