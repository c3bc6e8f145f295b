import {
  FileRecordSchema,
  isInt64,
  isMetadataChangesetEmpty,
  type TopicRecord,
  TopicRecordSchema,
  UpdateFileRequestSchema,
} from "@sortie/domain";
import type { Context, Hono } from "hono";
import { visibleOrgs } from "../auth/org-scope.js";
import { requireDevices } from "../devices/lookup.js";
import type { AppEnv, Caller } from "../env.js";
import { INDEX_FILE_JOB } from "../files/indexing-contract.js";
import { type FileRow, toFileRecord } from "../files/records.js";
import { compareTopics, fileTopics } from "../files/topics.js";
import { deleteFiles, syncFileWindow } from "../files/window-sync.js";
import { ApiError } from "../http/api-error.js";
import { nowNs, pageQuery, param } from "../http/context.js";
import { readJsonBody, sendData } from "../http/json.js";
import { documented } from "../http/openapi.js";
import { parseInput } from "../http/validate.js";
import { enqueueJob } from "../jobs/queue.js";
import { cursorString, readPage } from "../pagination/paginate.js";
import type { Executor } from "../store/store.js";
import { applyMetadataChanges } from "../util/metadata-changes.js";

const TAG = "Files";

/** Pages an in-memory topic list, sorted by name and schema, with keyset tokens. */
export async function pageOfTopics(c: Context<AppEnv>, listing: string, topics: TopicRecord[]) {
  return readPage(c.get("pageTokens"), pageQuery(c), {
    listing,
    async fetch(after, limit) {
      if (!after) return topics.slice(0, limit);
      const marker: TopicRecord = {
        topic_name: cursorString(after[0]),
        schema_name: after[1] === null ? null : cursorString(after[1]),
        message_count: 0,
        start_time_ns: null,
        end_time_ns: null,
      };
      return topics.filter((topic) => compareTopics(topic, marker) > 0).slice(0, limit);
    },
    cursorOf: (topic) => [topic.topic_name, topic.schema_name],
    toItems: (rows) => rows,
  });
}

/** Reads a file among the orgs the caller may see; any other is a 404. */
export async function findFile(db: Executor, caller: Caller, fileId: string): Promise<FileRow> {
  const orgs = visibleOrgs(caller);
  const row = orgs.length
    ? await db
        .selectFrom("files")
        .selectAll()
        .where("file_id", "=", fileId)
        .where("org_id", "in", orgs)
        .executeTakeFirst()
    : undefined;
  if (!row) throw ApiError.notFound("File", fileId);
  return row;
}

/** Rejects an offset that would move the file's recorded window out of the 64-bit range of the `*_ns` columns. */
// 2000-01-01T00:00:00Z in Unix ns: earlier times are not taken as Unix time,
// the same rule indexing applies to a recording's own clock.
const PLAUSIBLE_UNIX_START_NS = 946_684_800_000_000_000n;

function requireShiftableWindow(file: FileRow, offset: bigint): void {
  const start = (file.recorded_start_ns as bigint) + offset;
  const end = (file.recorded_end_ns as bigint) + offset;
  if (!isInt64(start) || !isInt64(end)) {
    throw ApiError.invalidAt(
      "time_offset_ns",
      `shifting the recorded window [${file.recorded_start_ns}, ${file.recorded_end_ns}] of file '${file.file_id}' by ${offset} leaves the 64-bit range; give an offset that places it in Unix nanoseconds`,
      offset,
    );
  }
  if (start < PLAUSIBLE_UNIX_START_NS) {
    throw ApiError.invalidAt(
      "time_offset_ns",
      `shifting the recorded window of file '${file.file_id}' by ${offset} starts it at ${start} ns, before 2000-01-01, so it would give sessions 1970 bounds; give the offset from the recording's own clock to Unix time`,
      offset,
    );
  }
}

/** Registers the file routes: read, update (window, offset, metadata) and delete. */
export function registerFileRoutes(app: Hono<AppEnv>): void {
  app.get(
    "/v1/files/id/:file_id",
    documented({ tag: TAG, summary: "Get a file", data: FileRecordSchema }),
    async (c) =>
      sendData(
        c,
        toFileRecord(await findFile(c.get("deps").store.db, c.get("caller"), param(c, "file_id"))),
      ),
  );

  app.put(
    "/v1/files/id/:file_id",
    documented({
      tag: TAG,
      summary: "Update a file",
      description:
        "Sets an explicit Unix window (start_time_ns and end_time_ns together), or time_offset_ns to place a relative recording's own clock in Unix time; null clears either. The bounds of every session holding the file are recomputed in the same transaction.",
      body: UpdateFileRequestSchema,
      data: FileRecordSchema,
    }),
    async (c) => {
      const request = parseInput(UpdateFileRequestSchema, await readJsonBody(c));
      const { store } = c.get("deps");
      const fileId = param(c, "file_id");
      const file = await findFile(store.db, c.get("caller"), fileId);
      const now = nowNs(c);

      const row = await store.transaction(async (tx) => {
        const changes: Partial<FileRow> = { modified_ns: now, modified_by: c.get("caller").userId };
        if ("start_time_ns" in request) {
          changes.explicit_start_ns = request.start_time_ns ?? null;
          changes.explicit_end_ns = request.end_time_ns ?? null;
        }
        if ("time_offset_ns" in request) {
          if (request.time_offset_ns != null && file.recorded_start_ns === null) {
            throw ApiError.invalidAt(
              "time_offset_ns",
              `file '${fileId}' has no recorded window to shift (it was registered or is not indexed yet); set start_time_ns and end_time_ns instead`,
            );
          }
          if (request.time_offset_ns != null) requireShiftableWindow(file, request.time_offset_ns);
          changes.time_offset_ns = request.time_offset_ns ?? null;
        }
        if ("device_id" in request) {
          if (request.device_id) await requireDevices(tx, file.org_id, [request.device_id]);
          changes.device_id = request.device_id ?? null;
        }
        if (!isMetadataChangesetEmpty(request.metadata_changeset)) {
          const current = await tx
            .selectFrom("files")
            .select(["tags", "metadata"])
            .where("file_id", "=", fileId)
            .executeTakeFirstOrThrow();
          const applied = applyMetadataChanges(current, request.metadata_changeset);
          changes.tags = applied.tags;
          changes.metadata = applied.metadata;
        }

        await tx.updateTable("files").set(changes).where("file_id", "=", fileId).execute();
        await syncFileWindow(store, tx, fileId, now);
        return tx
          .selectFrom("files")
          .selectAll()
          .where("file_id", "=", fileId)
          .executeTakeFirstOrThrow();
      });
      return sendData(c, toFileRecord(row));
    },
  );

  app.get(
    "/v1/files/id/:file_id/topics",
    documented({
      tag: TAG,
      summary: "List a file's topics",
      description:
        "Topics found by indexing, with times in Unix ns (null while the file's clock is unknown), by name.",
      pageItem: TopicRecordSchema,
    }),
    async (c) => {
      const { db } = c.get("deps").store;
      const file = await findFile(db, c.get("caller"), param(c, "file_id"));
      const topics = await fileTopics(db, file.file_id);
      return sendData(c, await pageOfTopics(c, `file_topics:${file.file_id}`, topics));
    },
  );

  app.post(
    "/v1/files/id/:file_id/reindex",
    documented({
      tag: TAG,
      summary: "Index a file again",
      description:
        "Restarts indexing of an uploaded file; its ingestion_status returns to 'pending'.",
      data: FileRecordSchema,
    }),
    async (c) => {
      const { store, ids } = c.get("deps");
      const file = await findFile(store.db, c.get("caller"), param(c, "file_id"));
      if (!file.blob_key) {
        throw ApiError.invalidAt(
          "file_id",
          `file '${file.file_id}' was registered without bytes, so there is nothing to index; set its window with PUT /v1/files/id/{id}`,
        );
      }
      const now = nowNs(c);
      const row = await store.transaction(async (tx) => {
        await tx
          .updateTable("files")
          .set({
            ingestion_status: "pending",
            ingestion_error: null,
            modified_ns: now,
            modified_by: c.get("caller").userId,
          })
          .where("file_id", "=", file.file_id)
          .execute();
        await enqueueJob(tx, {
          jobId: ids.next("jb_"),
          kind: INDEX_FILE_JOB,
          orgId: file.org_id,
          subjectId: file.file_id,
          nowNs: now,
        });
        return tx
          .selectFrom("files")
          .selectAll()
          .where("file_id", "=", file.file_id)
          .executeTakeFirstOrThrow();
      });
      c.get("deps").jobs?.wake();
      return sendData(c, toFileRecord(row));
    },
  );

  app.delete(
    "/v1/files/id/:file_id",
    documented({
      tag: TAG,
      summary: "Delete a file",
      description:
        "Removes the file's contributions from every session and recomputes their bounds in the same transaction.",
      data: null,
    }),
    async (c) => {
      const { store, blobs } = c.get("deps");
      const file = await findFile(store.db, c.get("caller"), param(c, "file_id"));
      const now = nowNs(c);
      const blobKeys = await store.transaction((tx) => deleteFiles(store, tx, [file.file_id], now));
      await blobs.deleteMany(blobKeys);
      return sendData(c, null);
    },
  );
}
