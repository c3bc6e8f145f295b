import type { Role } from "@sortie/domain";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../http/api-error.js";
import { queryTemplate } from "../store/query-template.js";
import type { Executor } from "../store/store.js";
import { msToNs } from "../util/clock.js";
import { hashApiKey } from "./api-keys.js";
import type { KeyCache, KeyLookup } from "./key-cache.js";

const selectKeyWithMemberships = queryTemplate<
  {
    key_id: string;
    user_id: string;
    expires_ns: bigint | null;
    revoked_ns: bigint | null;
    org_id: string | null;
    role: string | null;
  },
  { secretHash: string }
>((db, slot) =>
  db
    .selectFrom("api_keys")
    .leftJoin("memberships", "memberships.user_id", "api_keys.user_id")
    .select([
      "api_keys.key_id",
      "api_keys.user_id",
      "api_keys.expires_ns",
      "api_keys.revoked_ns",
      "memberships.org_id",
      "memberships.role",
    ])
    .where("api_keys.secret_hash", "=", slot("secretHash")),
);

const ORG_HEADERS = ["x-roboto-org-id", "x-org-id", "x-roboto-resource-owner-id"] as const;

/**
 * Authenticates the `Authorization: Bearer <api key>` header and loads the
 * caller's memberships. A missing, unknown, expired or revoked key is a 401.
 */
export function authenticate(cache: KeyCache): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw ApiError.unauthorized(
        "Missing API key: send the header 'Authorization: Bearer <api key>'",
      );
    }

    const { store, clock } = c.get("deps");
    const nowMs = clock.nowMs();
    const secretHash = await hashApiKey(match[1] as string);
    let key = cache.get(secretHash, nowMs);
    if (!key) {
      key = await lookUpKey(store.db, secretHash);
      if (key) cache.set(secretHash, key, nowMs);
    }

    if (!key)
      throw ApiError.unauthorized(
        "Invalid API key: no such key exists; check the key or create a new one",
      );
    if (key.revoked) throw ApiError.unauthorized("This API key was revoked; create a new one");
    if (key.expiresNs !== null && key.expiresNs <= msToNs(nowMs)) {
      throw ApiError.unauthorized("This API key has expired; create a new one");
    }

    const requestedOrgId =
      c.req.header(ORG_HEADERS[0]) ||
      c.req.header(ORG_HEADERS[1]) ||
      c.req.header(ORG_HEADERS[2]) ||
      undefined;
    c.set("caller", { userId: key.userId, keyId: key.keyId, roles: key.roles, requestedOrgId });
    await next();
  };
}

async function lookUpKey(db: Executor, secretHash: string): Promise<KeyLookup | undefined> {
  const rows = await selectKeyWithMemberships(db, { secretHash });
  const key = rows[0];
  if (!key) return undefined;

  const roles = new Map<string, Role>();
  for (const row of rows) {
    if (row.org_id && row.role) roles.set(row.org_id, row.role as Role);
  }
  return {
    keyId: key.key_id,
    userId: key.user_id,
    expiresNs: key.expires_ns,
    revoked: key.revoked_ns !== null,
    roles,
  };
}
