import {
  CreateDatasetRequestSchema,
  CreateSessionFromDatasetRequestSchema,
  DatasetRecordSchema,
  FileRecordSchema,
  RegisterFileRequestSchema,
  RelativePathSchema,
  SessionRecordSchema,
} from "@sortie/domain";
import type { Context, Hono } from "hono";
import * as v from "valibot";
import { requireOrg } from "../auth/org-scope.js";
import { BlobTooLargeError } from "../blobs/blob-store.js";
import { findDataset, toDatasetRecord } from "../datasets/records.js";
import { requireDevices } from "../devices/lookup.js";
import type { AppEnv } from "../env.js";
import { INDEX_FILE_JOB } from "../files/indexing-contract.js";
import { toFileRecord } from "../files/records.js";
import { deleteFiles, syncFileWindow } from "../files/window-sync.js";
import { ApiError } from "../http/api-error.js";
import { nowNs, pageQuery, param } from "../http/context.js";
import { readJsonBody, sendData } from "../http/json.js";
import { documented } from "../http/openapi.js";
import { parseInput } from "../http/validate.js";
import { enqueueJob } from "../jobs/queue.js";
import { cursorBigint, cursorString, readPage } from "../pagination/paginate.js";
import { datasetSessions } from "../sessions/listings.js";
import { sessionEtag } from "../sessions/records.js";
import { createSession, toRecords } from "../sessions/service.js";
import type { Executor } from "../store/store.js";
import { writeJson } from "../util/json-columns.js";

const TAG = "Datasets";
const DEFAULT_MAX_UPLOAD_BYTES = 100 * 2 ** 30;

// Validated as an object so that errors name the query parameter, not the body.
const UploadQuerySchema = v.object({ relative_path: RelativePathSchema });

async function uploadFile(c: Context<AppEnv>): Promise<Response> {
  const { store, blobs, ids, config } = c.get("deps");
  const dataset = await findDataset(store.db, c.get("caller"), param(c, "dataset_id"));
  const { relative_path: relativePath } = parseInput(UploadQuerySchema, {
    relative_path: c.req.query("relative_path") ?? "",
  });
  const deviceId = c.req.query("device_id") || dataset.device_id;
  if (deviceId && deviceId !== dataset.device_id)
    await requireDevices(store.db, dataset.org_id, [deviceId]);
  await requireFreePath(store.db, dataset.dataset_id, relativePath);

  const body = c.req.raw.body;
  if (!body)
    throw ApiError.invalidAt(
      "body",
      "the upload body is empty; send the recording's bytes as the request body",
    );
  const maxBytes = config.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBytes) throw uploadTooLarge(maxBytes);

  const fileId = ids.next("fl_");
  const blobKey = `${dataset.org_id}/${fileId}`;
  let stored: { size: number; sha256: string };
  try {
    stored = await blobs.put(blobKey, body, maxBytes);
  } catch (error) {
    if (error instanceof BlobTooLargeError) throw uploadTooLarge(maxBytes);
    throw error;
  }

  const now = nowNs(c);
  const userId = c.get("caller").userId;
  try {
    const row = await store.transaction(async (tx) => {
      await requireFreePath(tx, dataset.dataset_id, relativePath);
      await tx
        .insertInto("files")
        .values({
          file_id: fileId,
          org_id: dataset.org_id,
          dataset_id: dataset.dataset_id,
          relative_path: relativePath,
          size: BigInt(stored.size),
          content_hash: `sha256:${stored.sha256}`,
          device_id: deviceId ?? null,
          tags: "[]",
          metadata: "{}",
          origination: "upload",
          blob_key: blobKey,
          ingestion_status: "pending",
          ingestion_error: null,
          format: null,
          time_base: null,
          recorded_start_ns: null,
          recorded_end_ns: null,
          clock_offset_ns: null,
          time_offset_ns: null,
          explicit_start_ns: null,
          explicit_end_ns: null,
          start_time_ns: null,
          end_time_ns: null,
          created_ns: now,
          created_by: userId,
          modified_ns: now,
          modified_by: userId,
        })
        .execute();
      await enqueueJob(tx, {
        jobId: ids.next("jb_"),
        kind: INDEX_FILE_JOB,
        orgId: dataset.org_id,
        subjectId: fileId,
        nowNs: now,
      });
      return tx
        .selectFrom("files")
        .selectAll()
        .where("file_id", "=", fileId)
        .executeTakeFirstOrThrow();
    });
    c.get("deps").jobs?.wake();
    return sendData(c, toFileRecord(row));
  } catch (error) {
    await blobs.deleteMany([blobKey]);
    throw error;
  }
}

async function requireFreePath(
  db: Executor,
  datasetId: string,
  relativePath: string,
): Promise<void> {
  const existing = await db
    .selectFrom("files")
    .select("file_id")
    .where("dataset_id", "=", datasetId)
    .where("relative_path", "=", relativePath)
    .executeTakeFirst();
  if (existing) {
    throw ApiError.conflict(
      `Dataset '${datasetId}' already contains '${relativePath}' as file ${existing.file_id}; choose another relative_path or delete that file first`,
      [
        {
          path: "relative_path",
          reason: "already taken",
          value: relativePath,
          existing_file_id: existing.file_id,
        },
      ],
    );
  }
}

function uploadTooLarge(maxBytes: number): ApiError {
  return new ApiError(
    "RobotoInvalidRequestException",
    `The upload is larger than this server's limit of ${maxBytes} bytes (SORTIE_MAX_UPLOAD_BYTES); split the recording or raise the limit`,
    [{ path: "body", reason: `larger than ${maxBytes} bytes` }],
    413,
  );
}

/** Registers the dataset routes, file registration and sessions by dataset. */
export function registerDatasetRoutes(app: Hono<AppEnv>): void {
  app.post(
    "/v1/datasets",
    documented({
      tag: TAG,
      summary: "Create a dataset",
      body: CreateDatasetRequestSchema,
      data: DatasetRecordSchema,
    }),
    async (c) => {
      const request = parseInput(CreateDatasetRequestSchema, await readJsonBody(c));
      const { store, ids } = c.get("deps");
      const orgId = requireOrg(c);
      const now = nowNs(c);
      const datasetId = ids.next("ds_");
      const row = await store.transaction(async (tx) => {
        if (request.device_id) await requireDevices(tx, orgId, [request.device_id]);
        await tx
          .insertInto("datasets")
          .values({
            dataset_id: datasetId,
            org_id: orgId,
            name: request.name ?? null,
            description: request.description ?? null,
            device_id: request.device_id ?? null,
            tags: writeJson(request.tags),
            metadata: writeJson(request.metadata),
            created_ns: now,
            created_by: c.get("caller").userId,
            modified_ns: now,
            modified_by: c.get("caller").userId,
          })
          .execute();
        return tx
          .selectFrom("datasets")
          .selectAll()
          .where("dataset_id", "=", datasetId)
          .executeTakeFirstOrThrow();
      });
      return sendData(c, toDatasetRecord(row));
    },
  );

  app.get(
    "/v1/datasets",
    documented({ tag: TAG, summary: "List datasets", pageItem: DatasetRecordSchema }),
    async (c) => {
      const orgId = requireOrg(c);
      const { db } = c.get("deps").store;
      const page = await readPage(c.get("pageTokens"), pageQuery(c), {
        listing: `datasets:${orgId}`,
        async fetch(after, limit) {
          let query = db.selectFrom("datasets").selectAll().where("org_id", "=", orgId);
          if (after) {
            const created = cursorBigint(after[0]);
            const id = cursorString(after[1]);
            query = query.where((eb) =>
              eb.or([
                eb("created_ns", "<", created),
                eb.and([eb("created_ns", "=", created), eb("dataset_id", "<", id)]),
              ]),
            );
          }
          return query
            .orderBy("created_ns", "desc")
            .orderBy("dataset_id", "desc")
            .limit(limit)
            .execute();
        },
        cursorOf: (row) => [row.created_ns, row.dataset_id],
        toItems: (rows) => rows.map(toDatasetRecord),
      });
      return sendData(c, page);
    },
  );

  app.get(
    "/v1/datasets/:dataset_id",
    documented({ tag: TAG, summary: "Get a dataset", data: DatasetRecordSchema }),
    async (c) =>
      sendData(
        c,
        toDatasetRecord(
          await findDataset(c.get("deps").store.db, c.get("caller"), param(c, "dataset_id")),
        ),
      ),
  );

  app.delete(
    "/v1/datasets/:dataset_id",
    documented({
      tag: TAG,
      summary: "Delete a dataset",
      description:
        "Deletes the dataset and its files; the bounds of sessions that held them are recomputed.",
      data: null,
    }),
    async (c) => {
      const { store } = c.get("deps");
      const dataset = await findDataset(store.db, c.get("caller"), param(c, "dataset_id"));
      const now = nowNs(c);
      const blobKeys = await store.transaction(async (tx) => {
        const files = await tx
          .selectFrom("files")
          .select("file_id")
          .where("dataset_id", "=", dataset.dataset_id)
          .execute();
        const keys = await deleteFiles(
          store,
          tx,
          files.map((file) => file.file_id),
          now,
        );
        await tx.deleteFrom("datasets").where("dataset_id", "=", dataset.dataset_id).execute();
        return keys;
      });
      await c.get("deps").blobs.deleteMany(blobKeys);
      return sendData(c, null);
    },
  );

  app.get(
    "/v1/datasets/:dataset_id/files",
    documented({ tag: TAG, summary: "List the files of a dataset", pageItem: FileRecordSchema }),
    async (c) => {
      const { db } = c.get("deps").store;
      const dataset = await findDataset(db, c.get("caller"), param(c, "dataset_id"));
      const page = await readPage(c.get("pageTokens"), pageQuery(c), {
        listing: `dataset_files:${dataset.dataset_id}`,
        async fetch(after, limit) {
          let query = db
            .selectFrom("files")
            .selectAll()
            .where("dataset_id", "=", dataset.dataset_id);
          if (after) query = query.where("relative_path", ">", cursorString(after[0]));
          return query.orderBy("relative_path", "asc").limit(limit).execute();
        },
        cursorOf: (row) => [row.relative_path],
        toItems: (rows) => rows.map(toFileRecord),
      });
      return sendData(c, page);
    },
  );

  app.post(
    "/v1/datasets/:dataset_id/files",
    documented({
      tag: TAG,
      summary: "Register a file stored elsewhere",
      description:
        "Records a file with its Unix window in nanoseconds when known (both bounds or neither). The relative path is unique per dataset.",
      body: RegisterFileRequestSchema,
      data: FileRecordSchema,
    }),
    async (c) => {
      const request = parseInput(RegisterFileRequestSchema, await readJsonBody(c));
      const { store, ids } = c.get("deps");
      const dataset = await findDataset(store.db, c.get("caller"), param(c, "dataset_id"));
      const now = nowNs(c);
      const fileId = ids.next("fl_");
      const userId = c.get("caller").userId;

      const row = await store.transaction(async (tx) => {
        await requireFreePath(tx, dataset.dataset_id, request.relative_path);
        const deviceId = request.device_id ?? dataset.device_id;
        if (request.device_id) await requireDevices(tx, dataset.org_id, [request.device_id]);
        const hasWindow = request.start_time_ns != null && request.end_time_ns != null;

        await tx
          .insertInto("files")
          .values({
            file_id: fileId,
            org_id: dataset.org_id,
            dataset_id: dataset.dataset_id,
            relative_path: request.relative_path,
            size: request.size == null ? null : BigInt(request.size),
            content_hash: null,
            device_id: deviceId,
            tags: writeJson(request.tags),
            metadata: writeJson(request.metadata),
            origination: request.origination ?? null,
            blob_key: null,
            ingestion_status: null,
            ingestion_error: null,
            format: null,
            time_base: hasWindow ? "unix" : null,
            recorded_start_ns: null,
            recorded_end_ns: null,
            clock_offset_ns: null,
            time_offset_ns: null,
            explicit_start_ns: request.start_time_ns ?? null,
            explicit_end_ns: request.end_time_ns ?? null,
            start_time_ns: null,
            end_time_ns: null,
            created_ns: now,
            created_by: userId,
            modified_ns: now,
            modified_by: userId,
          })
          .execute();
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

  app.put(
    "/v1/datasets/:dataset_id/files/upload",
    documented({
      tag: TAG,
      summary: "Upload a recording",
      description:
        "Streams the raw request body (any size up to the server's upload limit, not bound by the JSON body limit) into blob storage, records its size and SHA-256, and starts indexing in the background: the file's ingestion_status goes from 'pending' to 'indexed' or 'failed'. Query parameters: relative_path (required), device_id (optional, defaults to the dataset's).",
      data: FileRecordSchema,
    }),
    async (c) => uploadFile(c),
  );

  app.get(
    "/v1/datasets/:dataset_id/sessions",
    documented({
      tag: TAG,
      summary: "List sessions holding files of a dataset",
      pageItem: SessionRecordSchema,
    }),
    async (c) => {
      const { db } = c.get("deps").store;
      const dataset = await findDataset(db, c.get("caller"), param(c, "dataset_id"));
      return sendData(
        c,
        await readPage(
          c.get("pageTokens"),
          pageQuery(c),
          datasetSessions(db, dataset.org_id, dataset.dataset_id),
        ),
      );
    },
  );

  app.post(
    "/v1/datasets/:dataset_id/sessions",
    documented({
      tag: TAG,
      summary: "Create a session from a dataset",
      description:
        "Creates a session holding every file of the dataset as a whole-file contribution, with the devices of the dataset and its files attached.",
      body: CreateSessionFromDatasetRequestSchema,
      data: SessionRecordSchema,
    }),
    async (c) => {
      const request = parseInput(CreateSessionFromDatasetRequestSchema, await readJsonBody(c));
      const { store, ids } = c.get("deps");
      const dataset = await findDataset(store.db, c.get("caller"), param(c, "dataset_id"));
      const files = await store.db
        .selectFrom("files")
        .select("file_id")
        .where("dataset_id", "=", dataset.dataset_id)
        .execute();
      const actor = { orgId: dataset.org_id, userId: c.get("caller").userId, nowNs: nowNs(c) };
      const row = await createSession(
        store,
        actor,
        {
          ...request,
          device_ids: dataset.device_id ? [dataset.device_id] : [],
          files: files.map((file) => ({
            file_id: file.file_id,
            range_min_timestamp_ns: null,
            range_max_timestamp_ns: null,
          })),
        },
        ids.next("ss_"),
      );
      const [record] = await toRecords(store.db, [row]);
      return sendData(c, record, 200, { etag: sessionEtag(row) });
    },
  );
}
