import type { Context } from "hono";
import type { AppEnv, Caller } from "../env.js";
import { ApiError } from "../http/api-error.js";

/**
 * Picks the org an org-wide request (create, list, query) acts in: the org
 * named by the org header, else the caller's only org. A caller in several
 * orgs who names none gets a 400; a caller naming an org they are not a
 * member of gets a 403.
 */
export function requireOrg(c: Context<AppEnv>): string {
  const caller = c.get("caller");
  if (caller.requestedOrgId) {
    if (!caller.roles.has(caller.requestedOrgId)) {
      throw ApiError.forbidden(
        `You are not a member of org '${caller.requestedOrgId}'; send the id of an org you belong to in X-Roboto-Org-Id`,
      );
    }
    return caller.requestedOrgId;
  }
  if (caller.roles.size === 1) return caller.roles.keys().next().value as string;
  if (caller.roles.size === 0) {
    throw ApiError.forbidden("Your user is not a member of any org; ask an org admin to add you");
  }
  throw ApiError.invalidAt(
    "X-Roboto-Org-Id",
    `you belong to ${caller.roles.size} orgs, so an org is required: send its id in the X-Roboto-Org-Id header`,
  );
}

/**
 * Lists the orgs a by-id request may find its resource in: the org named by
 * a header, else every org of the caller. A by-id route then reads the
 * resource's own org and treats any other as not found.
 */
export function visibleOrgs(caller: Caller): string[] {
  if (caller.requestedOrgId) {
    return caller.roles.has(caller.requestedOrgId) ? [caller.requestedOrgId] : [];
  }
  return [...caller.roles.keys()];
}

/** Throws a 403 unless the caller is an admin of `orgId`. */
export function requireAdmin(caller: Caller, orgId: string): void {
  if (caller.roles.get(orgId) !== "admin") {
    throw ApiError.forbidden(
      `This operation needs the admin role in org '${orgId}'; ask an org admin`,
    );
  }
}
