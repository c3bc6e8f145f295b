import type { FileRecord } from "@sortie/domain";
import type { Selectable } from "kysely";
import type { FileTable } from "../store/schema.js";
import { isoFromNs, readMetadata, readTags } from "../util/json-columns.js";

/** A file row as read from the store. */
export type FileRow = Selectable<FileTable>;

/** Turns a file row into the wire record. */
export function toFileRecord(row: FileRow): FileRecord {
  return {
    file_id: row.file_id,
    org_id: row.org_id,
    dataset_id: row.dataset_id,
    relative_path: row.relative_path,
    size: row.size === null ? null : Number(row.size),
    content_hash: row.content_hash,
    device_id: row.device_id,
    tags: readTags(row.tags),
    metadata: readMetadata(row.metadata),
    origination: row.origination,
    ingestion_status: row.ingestion_status,
    ingestion_error: row.ingestion_error,
    format: row.format,
    time_base: row.time_base,
    recorded_start_ns: row.recorded_start_ns,
    recorded_end_ns: row.recorded_end_ns,
    time_offset_ns: row.time_offset_ns,
    start_time_ns: row.start_time_ns,
    end_time_ns: row.end_time_ns,
    created: isoFromNs(row.created_ns),
    created_by: row.created_by,
    modified: isoFromNs(row.modified_ns),
    modified_by: row.modified_by,
  };
}
