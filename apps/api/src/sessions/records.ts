import type { SessionFileView, SessionRecord } from "@sortie/domain";
import type { Selectable } from "kysely";
import type { SessionTable } from "../store/schema.js";
import { isoFromNs, readMetadata, readTags } from "../util/json-columns.js";

/** A session row as read from the store. */
export type SessionRow = Selectable<SessionTable>;

/** Turns a session row into the wire record; `customFields` maps every ready field to its value. */
export function toSessionRecord(
  row: SessionRow,
  customFields: Record<string, unknown>,
): SessionRecord {
  return {
    session_id: row.session_id,
    org_id: row.org_id,
    key: row.key,
    name: row.name,
    description: row.description,
    tags: readTags(row.tags),
    metadata: readMetadata(row.metadata),
    custom_fields: customFields,
    min_timestamp_ns: row.min_timestamp_ns,
    max_timestamp_ns: row.max_timestamp_ns,
    created: isoFromNs(row.created_ns),
    created_by: row.created_by,
    modified: isoFromNs(row.modified_ns),
    modified_by: row.modified_by,
  };
}

/** Returns the ETag of a session version; any write changes it. */
export function sessionEtag(row: Pick<SessionRow, "session_id" | "version">): string {
  return `"${row.session_id}.${row.version}"`;
}

/** A contribution joined with its file, as listed by `GET /v1/sessions/id/{id}/files`. */
export interface ContributionViewRow {
  session_id: string;
  file_id: string;
  dataset_id: string;
  relative_path: string;
  device_id: string | null;
  range_min_ns: bigint | null;
  range_max_ns: bigint | null;
  start_time_ns: bigint | null;
  end_time_ns: bigint | null;
  window_min_ns: bigint | null;
  window_max_ns: bigint | null;
  created_ns: bigint;
  created_by: string;
}

/** Turns a joined contribution row into the wire view. */
export function toSessionFileView(row: ContributionViewRow): SessionFileView {
  return {
    session_id: row.session_id,
    file_id: row.file_id,
    dataset_id: row.dataset_id,
    relative_path: row.relative_path,
    device_id: row.device_id,
    range_min_timestamp_ns: row.range_min_ns,
    range_max_timestamp_ns: row.range_max_ns,
    file_start_time_ns: row.start_time_ns,
    file_end_time_ns: row.end_time_ns,
    min_timestamp_ns: row.window_min_ns,
    max_timestamp_ns: row.window_max_ns,
    created: isoFromNs(row.created_ns),
    created_by: row.created_by,
  };
}
