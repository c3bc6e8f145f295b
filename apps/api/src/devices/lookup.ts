import { visibleOrgs } from "../auth/org-scope.js";
import type { Caller } from "../env.js";
import { ApiError } from "../http/api-error.js";
import type { Executor } from "../store/store.js";

/**
 * Checks that every device id exists in an org; the missing ones are a 404
 * (`RobotoDeviceNotFoundException`) naming each.
 */
export async function requireDevices(
  db: Executor,
  orgId: string,
  deviceIds: readonly string[],
): Promise<void> {
  const unique = [...new Set(deviceIds)];
  if (unique.length === 0) return;

  const found = new Set<string>();
  for (let start = 0; start < unique.length; start += 500) {
    const rows = await db
      .selectFrom("devices")
      .select("device_id")
      .where("org_id", "=", orgId)
      .where("device_id", "in", unique.slice(start, start + 500))
      .execute();
    for (const row of rows) found.add(row.device_id);
  }

  const missing = unique.filter((id) => !found.has(id));
  if (missing.length) {
    throw new ApiError(
      "RobotoDeviceNotFoundException",
      `Device${missing.length > 1 ? "s" : ""} not found in your organization: ${missing.slice(0, 10).join(", ")}; create ${missing.length > 1 ? "them" : "it"} with POST /v1/devices/create first`,
      missing.map((id) => ({ path: "device_id", reason: "not found", value: id })),
    );
  }
}

/**
 * Finds the org of a device by id among the orgs the caller may see. Device
 * ids are unique per org only, so a caller in several orgs holding the same id
 * must name the org.
 */
export async function findDeviceOrg(
  db: Executor,
  caller: Caller,
  deviceId: string,
): Promise<string> {
  const orgs = visibleOrgs(caller);
  const rows = orgs.length
    ? await db
        .selectFrom("devices")
        .select("org_id")
        .where("device_id", "=", deviceId)
        .where("org_id", "in", orgs)
        .execute()
    : [];
  if (rows.length === 0)
    throw ApiError.notFound("Device", deviceId, "RobotoDeviceNotFoundException");
  if (rows.length > 1) {
    throw ApiError.invalidAt(
      "X-Roboto-Org-Id",
      `device '${deviceId}' exists in ${rows.length} of your orgs; send the org id in the X-Roboto-Org-Id header`,
    );
  }
  return (rows[0] as { org_id: string }).org_id;
}
