import type { DatasetRecord } from "@sortie/domain";
import type { Selectable } from "kysely";
import { visibleOrgs } from "../auth/org-scope.js";
import type { Caller } from "../env.js";
import { ApiError } from "../http/api-error.js";
import type { DatasetTable } from "../store/schema.js";
import type { Executor } from "../store/store.js";
import { isoFromNs, readMetadata, readTags } from "../util/json-columns.js";

/** A dataset row as read from the store. */
export type DatasetRow = Selectable<DatasetTable>;

/** Turns a dataset row into the wire record. */
export function toDatasetRecord(row: DatasetRow): DatasetRecord {
  return {
    dataset_id: row.dataset_id,
    org_id: row.org_id,
    name: row.name,
    description: row.description,
    device_id: row.device_id,
    tags: readTags(row.tags),
    metadata: readMetadata(row.metadata),
    created: isoFromNs(row.created_ns),
    created_by: row.created_by,
    modified: isoFromNs(row.modified_ns),
    modified_by: row.modified_by,
  };
}

/** Reads a dataset among the orgs the caller may see; any other is a 404. */
export async function findDataset(
  db: Executor,
  caller: Caller,
  datasetId: string,
): Promise<DatasetRow> {
  const orgs = visibleOrgs(caller);
  const row = orgs.length
    ? await db
        .selectFrom("datasets")
        .selectAll()
        .where("dataset_id", "=", datasetId)
        .where("org_id", "in", orgs)
        .executeTakeFirst()
    : undefined;
  if (!row) throw ApiError.notFound("Dataset", datasetId, "RobotoDatasetNotFoundException");
  return row;
}
