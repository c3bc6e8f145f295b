import { type FileRecord, type TopicRecord, UpdateFileRequestSchema } from "@sortie/domain";
import type * as v from "valibot";
import type { Listing } from "../core/pagination.js";
import type { RequestOptions } from "../core/request.js";
import { type ListParams, Resource } from "../core/resource.js";
import { segment } from "../internal/path.js";
import { validateBody } from "../internal/validate-body.js";

/**
 * Body of `files.update`: an explicit Unix window (`start_time_ns` and
 * `end_time_ns` together), `time_offset_ns` for a relative recording, the
 * device, or a metadata changeset. `null` clears a value.
 */
export type UpdateFileInput = v.InferInput<typeof UpdateFileRequestSchema>;

/** Files of datasets; create them with `datasets.registerFile` or `datasets.uploadFile`. */
export class Files extends Resource {
  /** Reads a file by id. */
  async retrieve(fileId: string, options?: RequestOptions): Promise<FileRecord> {
    return this.send({ method: "GET", path: `/v1/files/id/${segment(fileId)}`, options });
  }

  /** Updates a file; a new window recomputes the bounds of every session holding it. */
  async update(
    fileId: string,
    body: UpdateFileInput,
    options?: RequestOptions,
  ): Promise<FileRecord> {
    validateBody(UpdateFileRequestSchema, body);
    return this.send({ method: "PUT", path: `/v1/files/id/${segment(fileId)}`, body, options });
  }

  /** Deletes a file and its contributions; the bounds of the sessions that held it are recomputed. */
  async delete(fileId: string, options?: RequestOptions): Promise<void> {
    await this.send({ method: "DELETE", path: `/v1/files/id/${segment(fileId)}`, options });
  }

  /** Lists the topics found by indexing the file, by name; times are `null` while the file's clock is unknown. */
  listTopics(fileId: string, params?: ListParams, options?: RequestOptions): Listing<TopicRecord> {
    return this.listByQuery<TopicRecord>(`/v1/files/id/${segment(fileId)}/topics`, params, options);
  }

  /** Restarts indexing of an uploaded file, which returns in `ingestion_status: "pending"`; a registered file has no bytes to index and fails with InvalidRequestError. */
  async reindex(fileId: string, options?: RequestOptions): Promise<FileRecord> {
    return this.send({ method: "POST", path: `/v1/files/id/${segment(fileId)}/reindex`, options });
  }
}
