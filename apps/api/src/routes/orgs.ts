import {
  AddOrgUserRequestSchema,
  CreateApiKeyRequestSchema,
  CreateOrgRequestSchema,
  parseRfc3339Ns,
} from "@sortie/domain";
import type { Hono } from "hono";
import * as v from "valibot";
import { newApiKey } from "../auth/api-keys.js";
import { requireAdmin } from "../auth/org-scope.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../http/api-error.js";
import { nowNs, param } from "../http/context.js";
import { readJsonBody, sendData } from "../http/json.js";
import { documented } from "../http/openapi.js";
import { parseInput } from "../http/validate.js";
import type { Executor } from "../store/store.js";
import { isoFromNs } from "../util/json-columns.js";

const ApiKeyRecordSchema = v.object({
  key_id: v.string(),
  user_id: v.string(),
  name: v.string(),
  prefix: v.string(),
  created: v.string(),
  expires: v.nullable(v.string()),
  revoked: v.nullable(v.string()),
  secret: v.optional(v.string()),
});

async function insertKey(
  tx: Executor,
  keyId: string,
  userId: string,
  name: string,
  now: bigint,
  expiresNs: bigint | null,
) {
  const key = await newApiKey();
  await tx
    .insertInto("api_keys")
    .values({
      key_id: keyId,
      user_id: userId,
      name,
      secret_hash: key.secretHash,
      prefix: key.prefix,
      created_ns: now,
      expires_ns: expiresNs,
      revoked_ns: null,
    })
    .execute();
  return {
    key_id: keyId,
    user_id: userId,
    name,
    prefix: key.prefix,
    created: isoFromNs(now),
    expires: expiresNs === null ? null : isoFromNs(expiresNs),
    revoked: null,
    secret: key.secret,
  };
}

/** Registers org, membership and API key administration. */
export function registerOrgRoutes(app: Hono<AppEnv>): void {
  app.post(
    "/v1/orgs",
    documented({
      tag: "Orgs",
      summary: "Create an org",
      description: "The caller becomes its admin.",
      body: CreateOrgRequestSchema,
    }),
    async (c) => {
      const request = parseInput(CreateOrgRequestSchema, await readJsonBody(c));
      const { store, ids } = c.get("deps");
      const now = nowNs(c);
      const orgId = ids.next("og_");
      await store.transaction(async (tx) => {
        await tx
          .insertInto("orgs")
          .values({
            org_id: orgId,
            name: request.name,
            created_ns: now,
            created_by: c.get("caller").userId,
          })
          .execute();
        await tx
          .insertInto("memberships")
          .values({
            org_id: orgId,
            user_id: c.get("caller").userId,
            role: "admin",
            created_ns: now,
          })
          .execute();
      });
      return sendData(c, {
        org_id: orgId,
        name: request.name,
        created: isoFromNs(now),
        created_by: c.get("caller").userId,
      });
    },
  );

  app.post(
    "/v1/orgs/:org_id/users",
    documented({
      tag: "Orgs",
      summary: "Add a user to an org",
      description:
        "With `name`, creates a user and returns a first API key (shown once); with `user_id`, adds an existing user.",
      body: AddOrgUserRequestSchema,
    }),
    async (c) => {
      const orgId = param(c, "org_id");
      if (!c.get("caller").roles.has(orgId)) throw ApiError.notFound("Org", orgId);
      requireAdmin(c.get("caller"), orgId);
      const request = parseInput(AddOrgUserRequestSchema, await readJsonBody(c));
      const { store, ids } = c.get("deps");
      const now = nowNs(c);

      const result = await store.transaction(async (tx) => {
        if (request.user_id) {
          const user = await tx
            .selectFrom("users")
            .select("user_id")
            .where("user_id", "=", request.user_id)
            .executeTakeFirst();
          if (!user) throw ApiError.notFound("User", request.user_id);
          await tx
            .insertInto("memberships")
            .values({
              org_id: orgId,
              user_id: request.user_id,
              role: request.role,
              created_ns: now,
            })
            .onConflict((conflict) =>
              conflict.columns(["org_id", "user_id"]).doUpdateSet({ role: request.role }),
            )
            .execute();
          return { user_id: request.user_id, org_id: orgId, role: request.role };
        }
        const userId = ids.next("us_");
        await tx
          .insertInto("users")
          .values({ user_id: userId, name: request.name as string, created_ns: now })
          .execute();
        await tx
          .insertInto("memberships")
          .values({ org_id: orgId, user_id: userId, role: request.role, created_ns: now })
          .execute();
        const key = await insertKey(tx, ids.next("ak_"), userId, "first key", now, null);
        return {
          user_id: userId,
          org_id: orgId,
          name: request.name,
          role: request.role,
          api_key: key,
        };
      });
      return sendData(c, result);
    },
  );

  app.delete(
    "/v1/orgs/:org_id/users/:user_id",
    documented({ tag: "Orgs", summary: "Remove a user from an org", data: null }),
    async (c) => {
      const orgId = param(c, "org_id");
      const userId = param(c, "user_id");
      if (!c.get("caller").roles.has(orgId)) throw ApiError.notFound("Org", orgId);
      requireAdmin(c.get("caller"), orgId);
      const result = await c
        .get("deps")
        .store.db.deleteFrom("memberships")
        .where("org_id", "=", orgId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      if ((result.numDeletedRows ?? 0n) === 0n) throw ApiError.notFound("Member", userId);
      return sendData(c, null);
    },
  );

  app.post(
    "/v1/keys",
    documented({
      tag: "API keys",
      summary: "Create an API key",
      description:
        "Creates a key for the caller's user; the secret is returned once and stored only as a hash.",
      body: CreateApiKeyRequestSchema,
      data: ApiKeyRecordSchema,
    }),
    async (c) => {
      const request = parseInput(CreateApiKeyRequestSchema, await readJsonBody(c));
      const { store, ids } = c.get("deps");
      const now = nowNs(c);
      const expiresNs = request.expires ? (parseRfc3339Ns(request.expires) ?? null) : null;
      if (request.expires && expiresNs === null) {
        throw ApiError.invalidAt(
          "expires",
          "must be an RFC 3339 date-time with an offset between the years 1677 and 2262 (the range of int64 nanoseconds), such as 2027-01-01T00:00:00Z",
        );
      }
      if (expiresNs !== null && expiresNs <= now) {
        throw ApiError.invalidAt(
          "expires",
          `is not in the future (${request.expires}); give a later date-time, or leave it out for a key that does not expire`,
        );
      }
      const key = await store.transaction((tx) =>
        insertKey(tx, ids.next("ak_"), c.get("caller").userId, request.name, now, expiresNs),
      );
      return sendData(c, key);
    },
  );

  app.get(
    "/v1/keys",
    documented({
      tag: "API keys",
      summary: "List the caller's API keys",
      pageItem: ApiKeyRecordSchema,
    }),
    async (c) => {
      // NOTE: one page of at most 1000 keys, newest first; next_token is always null.
      const rows = await c
        .get("deps")
        .store.db.selectFrom("api_keys")
        .selectAll()
        .where("user_id", "=", c.get("caller").userId)
        .orderBy("created_ns", "desc")
        .limit(1000)
        .execute();
      const items = rows.map((row) => ({
        key_id: row.key_id,
        user_id: row.user_id,
        name: row.name,
        prefix: row.prefix,
        created: isoFromNs(row.created_ns),
        expires: row.expires_ns === null ? null : isoFromNs(row.expires_ns),
        revoked: row.revoked_ns === null ? null : isoFromNs(row.revoked_ns),
      }));
      return sendData(c, { items, next_token: null });
    },
  );

  app.delete(
    "/v1/keys/id/:key_id",
    documented({ tag: "API keys", summary: "Revoke an API key", data: null }),
    async (c) => {
      const result = await c
        .get("deps")
        .store.db.updateTable("api_keys")
        .set({ revoked_ns: nowNs(c) })
        .where("key_id", "=", param(c, "key_id"))
        .where("user_id", "=", c.get("caller").userId)
        .where("revoked_ns", "is", null)
        .executeTakeFirst();
      if ((result.numUpdatedRows ?? 0n) === 0n)
        throw ApiError.notFound("API key", param(c, "key_id"));
      return sendData(c, null);
    },
  );
}
