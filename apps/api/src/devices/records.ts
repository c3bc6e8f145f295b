import type { DeviceRecord } from "@sortie/domain";
import type { Selectable } from "kysely";
import type { DeviceTable } from "../store/schema.js";
import { isoFromNs, readMetadata, readTags } from "../util/json-columns.js";

/** A device row as read from the store. */
export type DeviceRow = Selectable<DeviceTable>;

/** Turns a device row into the wire record. */
export function toDeviceRecord(
  row: DeviceRow,
  customFields: Record<string, unknown>,
): DeviceRecord {
  return {
    device_id: row.device_id,
    org_id: row.org_id,
    name: row.name,
    tags: readTags(row.tags),
    metadata: readMetadata(row.metadata),
    custom_fields: customFields,
    created: isoFromNs(row.created_ns),
    created_by: row.created_by,
    modified: isoFromNs(row.modified_ns),
    modified_by: row.modified_by,
  };
}
