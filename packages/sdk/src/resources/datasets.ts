import {
  CreateDatasetRequestSchema,
  CreateSessionFromDatasetRequestSchema,
  type DatasetRecord,
  DeviceIdSchema,
  type FileRecord,
  RegisterFileRequestSchema,
  RelativePathSchema,
  type SessionRecord,
} from "@sortie/domain";
import type * as v from "valibot";
import type { Listing } from "../core/pagination.js";
import type { RequestOptions, Transport, UploadBody } from "../core/request.js";
import { type ListParams, Resource } from "../core/resource.js";
import { segment } from "../internal/path.js";
import { validateBody } from "../internal/validate-body.js";
import type { Session } from "./session.js";
import type { Sessions } from "./sessions.js";

/** Body of `datasets.create`. */
export type CreateDatasetInput = v.InferInput<typeof CreateDatasetRequestSchema>;
/** Body of `datasets.registerFile`: a file stored elsewhere, with its Unix window in ns when known. */
export type RegisterFileInput = v.InferInput<typeof RegisterFileRequestSchema>;
/** Body of `datasets.createSession`. */
export type CreateSessionFromDatasetInput = v.InferInput<
  typeof CreateSessionFromDatasetRequestSchema
>;

/** Options of `datasets.uploadFile`. */
export interface UploadFileOptions extends RequestOptions {
  /** Device that recorded the file; the dataset's device by default. */
  deviceId?: string;
}

/** Datasets, which group files, and their files. */
export class Datasets extends Resource {
  readonly #sessions: Sessions;

  constructor(transport: Transport, sessions: Sessions) {
    super(transport);
    this.#sessions = sessions;
  }

  /** Creates a dataset, optionally naming the device that recorded it. */
  async create(body: CreateDatasetInput = {}, options?: RequestOptions): Promise<DatasetRecord> {
    validateBody(CreateDatasetRequestSchema, body);
    return this.send({ method: "POST", path: "/v1/datasets", body, options });
  }

  /** Reads a dataset by id. */
  async retrieve(datasetId: string, options?: RequestOptions): Promise<DatasetRecord> {
    return this.send({ method: "GET", path: `/v1/datasets/${segment(datasetId)}`, options });
  }

  /** Lists the org's datasets, newest first. */
  list(params?: ListParams, options?: RequestOptions): Listing<DatasetRecord> {
    return this.listByQuery<DatasetRecord>("/v1/datasets", params, options);
  }

  /** Deletes a dataset and its files; the bounds of sessions that held them are recomputed. */
  async delete(datasetId: string, options?: RequestOptions): Promise<void> {
    await this.send({ method: "DELETE", path: `/v1/datasets/${segment(datasetId)}`, options });
  }

  /** Lists the dataset's files by relative path. */
  listFiles(datasetId: string, params?: ListParams, options?: RequestOptions): Listing<FileRecord> {
    return this.listByQuery<FileRecord>(
      `/v1/datasets/${segment(datasetId)}/files`,
      params,
      options,
    );
  }

  /** Registers a file stored elsewhere; a relative path already taken fails with ConflictError. */
  async registerFile(
    datasetId: string,
    body: RegisterFileInput,
    options?: RequestOptions,
  ): Promise<FileRecord> {
    validateBody(RegisterFileRequestSchema, body);
    return this.send({
      method: "POST",
      path: `/v1/datasets/${segment(datasetId)}/files`,
      body,
      options,
    });
  }

  /**
   * Uploads a recording's bytes as a file of the dataset and returns the file
   * in `ingestion_status: "pending"`; the API then indexes it in the
   * background. A Blob (such as Node.js's `fs.openAsBlob(path)`), an
   * ArrayBuffer or a typed array is retried on failure. A ReadableStream is
   * streamed and sent only once, because its bytes cannot be read twice. A
   * relative path already taken in the dataset fails with ConflictError.
   * NOTE: the API does not apply idempotency keys to uploads, so a retry after
   * a response lost on the way back fails with ConflictError, whose
   * `details[0].existing_file_id` names the file the first attempt stored.
   */
  async uploadFile(
    datasetId: string,
    relativePath: string,
    body: UploadBody,
    options: UploadFileOptions = {},
  ): Promise<FileRecord> {
    validateBody(RelativePathSchema, relativePath);
    const { deviceId, ...requestOptions } = options;
    if (deviceId !== undefined) validateBody(DeviceIdSchema, deviceId);
    return this.send({
      method: "PUT",
      path: `/v1/datasets/${segment(datasetId)}/files/upload`,
      query: { relative_path: relativePath, device_id: deviceId },
      upload: body,
      options: requestOptions,
    });
  }

  /** Lists the sessions holding any file of the dataset, newest first. */
  listSessions(
    datasetId: string,
    params?: ListParams,
    options?: RequestOptions,
  ): Listing<SessionRecord> {
    return this.listByQuery<SessionRecord>(
      `/v1/datasets/${segment(datasetId)}/sessions`,
      params,
      options,
    );
  }

  /** Creates a session holding every file of the dataset as a whole-file contribution, with their devices. */
  async createSession(
    datasetId: string,
    body: CreateSessionFromDatasetInput = {},
    options?: RequestOptions,
  ): Promise<Session> {
    validateBody(CreateSessionFromDatasetRequestSchema, body);
    const response = await this.transport.request<SessionRecord>({
      method: "POST",
      path: `/v1/datasets/${segment(datasetId)}/sessions`,
      body,
      options,
    });
    return this.#sessions.wrap(response.data, response.headers.get("etag") ?? undefined);
  }
}
