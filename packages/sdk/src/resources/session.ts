import type {
  SessionFileSchema,
  SessionFileView,
  SessionRecord,
  SessionUpdateInput,
  TopicRecord,
} from "@sortie/domain";
import type * as v from "valibot";
import type { Listing } from "../core/pagination.js";
import type { RequestOptions } from "../core/request.js";
import type { ListParams } from "../core/resource.js";
import type { Sessions, UpdateSessionOptions } from "./sessions.js";

/** A file contribution: the whole file, or the inclusive range `[range_min_timestamp_ns, range_max_timestamp_ns]` in Unix ns. */
export type SessionFileInput = v.InferInput<typeof SessionFileSchema>;

/** An inclusive window in Unix-epoch nanoseconds that clips a file's contribution. */
export interface ContributionRange {
  range_min_timestamp_ns: bigint;
  range_max_timestamp_ns: bigint;
}

/**
 * One session: its record's fields as read-only properties, and the
 * operations on it. Every write sends one request, replaces the record with
 * the one the API returns (so bounds, tags and `modified` are current) and
 * resolves to this same object.
 *
 * ```ts
 * const session = await client.sessions.create({ name: "flight 42", key: "flight-42" });
 * await session.addFile(fileId, { range_min_timestamp_ns: 1700000000000000000n, range_max_timestamp_ns: 1700000060000000000n });
 * await session.putTags(["night"]);
 * console.log(session.min_timestamp_ns); // 1700000000000000000n
 * ```
 */
export class Session {
  #record: SessionRecord;
  #etag: string | undefined;
  readonly #sessions: Sessions;

  constructor(sessions: Sessions, record: SessionRecord, etag?: string) {
    this.#sessions = sessions;
    this.#record = record;
    this.#etag = etag;
  }

  /** The record as the API last returned it. */
  get record(): Readonly<SessionRecord> {
    return this.#record;
  }

  /** ETag of the version last read; pass it as `ifMatch` to `update` to reject concurrent changes. */
  get etag(): string | undefined {
    return this.#etag;
  }

  get session_id(): string {
    return this.#record.session_id;
  }

  get org_id(): string {
    return this.#record.org_id;
  }

  /** Caller-chosen identifier, unique per org. */
  get key(): string | null {
    return this.#record.key;
  }

  get name(): string | null {
    return this.#record.name;
  }

  get description(): string | null {
    return this.#record.description;
  }

  get tags(): readonly string[] {
    return this.#record.tags;
  }

  get metadata(): Readonly<Record<string, unknown>> {
    return this.#record.metadata;
  }

  /** Every ready custom field of the org; `null` where the session has no value. */
  get custom_fields(): Readonly<Record<string, unknown>> {
    return this.#record.custom_fields;
  }

  /** Start of the session's window in Unix-epoch nanoseconds; `null` without contributions. */
  get min_timestamp_ns(): bigint | null {
    return this.#record.min_timestamp_ns;
  }

  /** End of the session's window in Unix-epoch nanoseconds (inclusive); `null` without contributions. */
  get max_timestamp_ns(): bigint | null {
    return this.#record.max_timestamp_ns;
  }

  /** Creation time, RFC 3339 UTC. */
  get created(): string {
    return this.#record.created;
  }

  get created_by(): string {
    return this.#record.created_by;
  }

  /** Time of the last write, RFC 3339 UTC. */
  get modified(): string {
    return this.#record.modified;
  }

  get modified_by(): string {
    return this.#record.modified_by;
  }

  /** Adds a file's whole window, or only `range`, to the session. */
  addFile(fileId: string, range?: ContributionRange, options?: RequestOptions): Promise<this> {
    return this.addFiles([{ file_id: fileId, ...range }], options);
  }

  /** Adds contributions; a string is a whole-file contribution of that file id. */
  async addFiles(
    files: ReadonlyArray<string | SessionFileInput>,
    options?: RequestOptions,
  ): Promise<this> {
    const contributions = files.map((file) =>
      typeof file === "string" ? { file_id: file } : file,
    );
    return this.#apply(
      await this.#sessions.addFiles(this.session_id, { files: contributions }, options),
    );
  }

  /** Removes every contribution of a file. */
  removeFile(fileId: string, options?: RequestOptions): Promise<this> {
    return this.removeFiles([fileId], options);
  }

  /** Removes every contribution of each file; if one has none, nothing is removed. */
  async removeFiles(fileIds: readonly string[], options?: RequestOptions): Promise<this> {
    return this.#apply(
      await this.#sessions.removeFiles(this.session_id, { file_ids: [...fileIds] }, options),
    );
  }

  /** Attaches a device; attaching an attached device changes nothing. */
  async attachDevice(deviceId: string, options?: RequestOptions): Promise<this> {
    return this.#apply(
      await this.#sessions.attachDevice(this.session_id, { device_id: deviceId }, options),
    );
  }

  /** Detaches a device; one that is not attached fails with DeviceNotFoundError. */
  async detachDevice(deviceId: string, options?: RequestOptions): Promise<this> {
    return this.#apply(
      await this.#sessions.detachDevice(this.session_id, { device_id: deviceId }, options),
    );
  }

  /** Lists the ids of the attached devices. */
  listDevices(params?: ListParams, options?: RequestOptions): Listing<string> {
    return this.#sessions.listDevices(this.session_id, params, options);
  }

  /** Lists the contributions, each with its file and effective window. */
  listFiles(params?: ListParams, options?: RequestOptions): Listing<SessionFileView> {
    return this.#sessions.listFiles(this.session_id, params, options);
  }

  /** Lists the topics whose data overlaps the session's contribution windows. */
  listTopics(params?: ListParams, options?: RequestOptions): Listing<TopicRecord> {
    return this.#sessions.listTopics(this.session_id, params, options);
  }

  /** Applies an update body; see `sessions.update`. */
  async update(body: SessionUpdateInput, options?: UpdateSessionOptions): Promise<this> {
    return this.#apply(await this.#sessions.update(this.session_id, body, options));
  }

  /** Appends the tags not yet present, in order. */
  putTags(tags: readonly string[], options?: UpdateSessionOptions): Promise<this> {
    return this.update({ metadata_changeset: { put_tags: [...tags] } }, options);
  }

  /** Removes the tags; absent ones are ignored. */
  removeTags(tags: readonly string[], options?: UpdateSessionOptions): Promise<this> {
    return this.update({ metadata_changeset: { remove_tags: [...tags] } }, options);
  }

  /** Sets metadata values by dot path (`"camera.exposure"`), creating intermediate objects. */
  putMetadata(fields: Record<string, unknown>, options?: UpdateSessionOptions): Promise<this> {
    return this.update({ metadata_changeset: { put_fields: fields } }, options);
  }

  /** Removes metadata by dot path; paths that do not exist are ignored. */
  removeMetadata(paths: readonly string[], options?: UpdateSessionOptions): Promise<this> {
    return this.update({ metadata_changeset: { remove_fields: [...paths] } }, options);
  }

  /** Sets one custom field; it must be a ready session field of the org. */
  setCustomField(name: string, value: unknown, options?: UpdateSessionOptions): Promise<this> {
    return this.setCustomFields({ [name]: value }, options);
  }

  /** Sets custom fields by name; one invalid value rejects them all. */
  setCustomFields(values: Record<string, unknown>, options?: UpdateSessionOptions): Promise<this> {
    return this.update({ custom_fields_changeset: { set_fields: values } }, options);
  }

  /** Clears one custom field's value. */
  clearCustomField(name: string, options?: UpdateSessionOptions): Promise<this> {
    return this.clearCustomFields([name], options);
  }

  /** Clears custom fields' values by name. */
  clearCustomFields(names: readonly string[], options?: UpdateSessionOptions): Promise<this> {
    return this.update({ custom_fields_changeset: { clear_fields: [...names] } }, options);
  }

  /** Reads the session again. */
  async refresh(options?: RequestOptions): Promise<this> {
    return this.#apply(await this.#sessions.retrieve(this.session_id, options));
  }

  /** Deletes the session; this object keeps its last record. */
  delete(options?: RequestOptions): Promise<void> {
    return this.#sessions.delete(this.session_id, options);
  }

  /** Returns the record, so that `stringifyJson(session)` writes it. */
  toJSON(): SessionRecord {
    return this.#record;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): SessionRecord {
    return this.#record;
  }

  #apply(latest: Session): this {
    this.#record = latest.record as SessionRecord;
    this.#etag = latest.etag;
    return this;
  }
}
