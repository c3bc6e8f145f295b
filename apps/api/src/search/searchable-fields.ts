import { loadReadyFields, type ReadyField } from "../custom-fields/entity-values.js";
import type { Executor } from "../store/store.js";

/**
 * Loads the ready custom fields of sessions in an org, by name: the fields a
 * query may filter and sort on. Fields that are being created, deleted or
 * have failed are left out.
 */
export function loadSearchableFields(
  db: Executor,
  orgId: string,
): Promise<Map<string, ReadyField>> {
  return loadReadyFields(db, orgId, "session");
}
