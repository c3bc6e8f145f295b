import * as v from "valibot";
import { IdSchema } from "../validation/common.js";

/** Roles of org members. Only admins manage members and custom fields. */
export const ROLES = ["admin", "member"] as const;
/** A member's role. */
export type Role = (typeof ROLES)[number];

/** Request body of `POST /v1/orgs`. */
export const CreateOrgRequestSchema = v.object({
  name: v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty"), v.maxLength(120)),
});

/**
 * Request body of `POST /v1/orgs/{org_id}/users`: `name` creates a new user
 * with a first API key; `user_id` adds an existing user.
 */
export const AddOrgUserRequestSchema = v.pipe(
  v.object({
    name: v.nullish(v.pipe(v.string("must be a string"), v.minLength(1), v.maxLength(120))),
    user_id: v.nullish(IdSchema),
    role: v.optional(v.picklist(ROLES, "must be 'admin' or 'member'"), "member"),
  }),
  v.check(
    (input) => (input.name != null) !== (input.user_id != null),
    "give either name (to create a user) or user_id (to add an existing user)",
  ),
);

/** Request body of `POST /v1/keys`. `expires` is an RFC 3339 date-time. */
export const CreateApiKeyRequestSchema = v.object({
  name: v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty"), v.maxLength(120)),
  expires: v.nullish(
    v.pipe(v.string(), v.isoTimestamp("must be an RFC 3339 date-time with an offset")),
  ),
});
