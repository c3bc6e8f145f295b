import {
  AddFilesRequestSchema,
  AttachToDeviceRequestSchema,
  type CreateSessionInput,
  CreateSessionRequestSchema,
  DetachFromDeviceRequestSchema,
  RemoveFilesRequestSchema,
  type SessionFileView,
  SessionKeySchema,
  type SessionRecord,
  type SessionUpdateInput,
  SessionUpdateSchema,
  type TopicRecord,
} from "@sortie/domain";
import type * as v from "valibot";
import type { Listing } from "../core/pagination.js";
import type { ApiRequest, RequestOptions } from "../core/request.js";
import { type ListParams, Resource } from "../core/resource.js";
import { segment } from "../internal/path.js";
import { validateBody } from "../internal/validate-body.js";
import { Session } from "./session.js";
import { type SessionQueryInput, SessionQuerySchema } from "./session-query.js";

/** Body of `sessions.addFiles`: contributions, each a whole file or an inclusive range in Unix ns. */
export type AddFilesInput = v.InferInput<typeof AddFilesRequestSchema>;
/** Body of `sessions.removeFiles`: every contribution of each file is removed. */
export type RemoveFilesInput = v.InferInput<typeof RemoveFilesRequestSchema>;
/** Body of `sessions.attachDevice` and `sessions.detachDevice`. */
export type DeviceAttachmentInput = v.InferInput<typeof AttachToDeviceRequestSchema>;

/** Options of `sessions.update`. */
export interface UpdateSessionOptions extends RequestOptions {
  /** ETag of the version the update is based on (`session.etag`); a stale one fails with PreconditionFailedError. */
  ifMatch?: string;
}

/**
 * The sessions of the caller's org. Methods that return one session resolve
 * to a `Session`, which has the record's fields and the operations on it.
 * Listings yield plain `SessionRecord`s, which `wrap` turns into sessions.
 */
export class Sessions extends Resource {
  /** Creates a session, optionally with devices, file contributions, tags, metadata, custom fields and a unique key. */
  async create(body: CreateSessionInput = {}, options?: RequestOptions): Promise<Session> {
    validateBody(CreateSessionRequestSchema, body);
    return this.#sendSession({ method: "POST", path: "/v1/sessions", body, options });
  }

  /** Reads a session by id. */
  async retrieve(sessionId: string, options?: RequestOptions): Promise<Session> {
    return this.#sendSession({
      method: "GET",
      path: `/v1/sessions/id/${segment(sessionId)}`,
      options,
    });
  }

  /** Reads the session of a caller-chosen key; the key may hold `/`. */
  async retrieveByKey(key: string, options?: RequestOptions): Promise<Session> {
    validateBody(SessionKeySchema, key);
    return this.#sendSession({ method: "GET", path: `/v1/sessions/key/${segment(key)}`, options });
  }

  /**
   * Updates name, description, tags and metadata (by changeset) and custom
   * fields (by changeset). An absent key leaves its attribute unchanged; `null`
   * clears `name` or `description`.
   */
  async update(
    sessionId: string,
    body: SessionUpdateInput,
    options?: UpdateSessionOptions,
  ): Promise<Session> {
    validateBody(SessionUpdateSchema, body);
    const headers = options?.ifMatch
      ? { ...options.headers, "if-match": options.ifMatch }
      : options?.headers;
    return this.#sendSession({
      method: "PUT",
      path: `/v1/sessions/id/${segment(sessionId)}`,
      body,
      options: { ...options, headers },
    });
  }

  /** Deletes a session; its files and devices remain. */
  async delete(sessionId: string, options?: RequestOptions): Promise<void> {
    await this.send({ method: "DELETE", path: `/v1/sessions/id/${segment(sessionId)}`, options });
  }

  /** Lists the org's sessions, newest first. */
  list(params?: ListParams, options?: RequestOptions): Listing<SessionRecord> {
    return this.listByQuery<SessionRecord>("/v1/sessions", params, options);
  }

  /** Finds sessions by a query string or a condition tree, sorted and paged by the API. */
  query(body: SessionQueryInput, options?: RequestOptions): Listing<SessionRecord> {
    validateBody(SessionQuerySchema, body);
    return this.listByBody<SessionRecord>("/v1/sessions/query", { ...body }, options);
  }

  /** Adds file contributions; the session's bounds are recomputed. Identical contributions change nothing. */
  async addFiles(
    sessionId: string,
    body: AddFilesInput,
    options?: RequestOptions,
  ): Promise<Session> {
    validateBody(AddFilesRequestSchema, body);
    return this.#sendSession({
      method: "POST",
      path: `/v1/sessions/id/${segment(sessionId)}/files`,
      body,
      options,
    });
  }

  /** Removes every contribution of each file; a file without one fails with NotFoundError and nothing is removed. */
  async removeFiles(
    sessionId: string,
    body: RemoveFilesInput,
    options?: RequestOptions,
  ): Promise<Session> {
    validateBody(RemoveFilesRequestSchema, body);
    return this.#sendSession({
      method: "DELETE",
      path: `/v1/sessions/id/${segment(sessionId)}/files`,
      body,
      options,
    });
  }

  /** Lists the session's contributions, each with its file and effective window. */
  listFiles(
    sessionId: string,
    params?: ListParams,
    options?: RequestOptions,
  ): Listing<SessionFileView> {
    return this.listByQuery<SessionFileView>(
      `/v1/sessions/id/${segment(sessionId)}/files`,
      params,
      options,
    );
  }

  /** Attaches a device; attaching an attached device changes nothing. */
  async attachDevice(
    sessionId: string,
    body: DeviceAttachmentInput,
    options?: RequestOptions,
  ): Promise<Session> {
    validateBody(AttachToDeviceRequestSchema, body);
    return this.#sendSession({
      method: "POST",
      path: `/v1/sessions/id/${segment(sessionId)}/devices`,
      body,
      options,
    });
  }

  /** Detaches a device; one that is not attached fails with DeviceNotFoundError. */
  async detachDevice(
    sessionId: string,
    body: DeviceAttachmentInput,
    options?: RequestOptions,
  ): Promise<Session> {
    validateBody(DetachFromDeviceRequestSchema, body);
    return this.#sendSession({
      method: "DELETE",
      path: `/v1/sessions/id/${segment(sessionId)}/devices`,
      body,
      options,
    });
  }

  /** Lists the ids of the devices attached to the session. */
  listDevices(sessionId: string, params?: ListParams, options?: RequestOptions): Listing<string> {
    return this.listByQuery<string>(
      `/v1/sessions/id/${segment(sessionId)}/devices`,
      params,
      options,
    );
  }

  /** Lists the topics whose data overlaps the session's contribution windows. */
  listTopics(
    sessionId: string,
    params?: ListParams,
    options?: RequestOptions,
  ): Listing<TopicRecord> {
    return this.listByQuery<TopicRecord>(
      `/v1/sessions/id/${segment(sessionId)}/topics`,
      params,
      options,
    );
  }

  /** Turns a record from a listing into a `Session`, without a request. */
  wrap(record: SessionRecord, etag?: string): Session {
    return new Session(this, record, etag);
  }

  async #sendSession(request: ApiRequest): Promise<Session> {
    const response = await this.transport.request<SessionRecord>(request);
    return new Session(this, response.data, response.headers.get("etag") ?? undefined);
  }
}
