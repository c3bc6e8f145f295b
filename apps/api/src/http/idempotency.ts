import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.js";
import { isUniqueViolation } from "../store/store.js";
import { msToNs } from "../util/clock.js";
import { sha256Hex, toHex } from "../util/crypto.js";
import { ApiError } from "./api-error.js";
import { readBodyBytes } from "./json.js";

/** How long a key and its stored response are kept: 24 hours, in ns. */
export const IDEMPOTENCY_TTL_NS = 24n * 3600n * 1_000_000_000n;
/** How long a key stays claimed by a request that never finished (its node died), in ns. */
export const IDEMPOTENCY_LEASE_NS = 60n * 1_000_000_000n;

const HEADER = "idempotency-key";
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const WRITE_METHODS = new Set(["POST", "PUT", "DELETE"]);

/**
 * Honours `Idempotency-Key` on writes. The first request with a key runs and
 * its response (any status below 500) is stored in the database, so every
 * node replays it: a retry with the same key, method, path and body gets the
 * stored response and applies nothing again; the same key with another
 * request is a 409; a retry while the first is still running is a 409. A 5xx
 * stores nothing, so the retry runs for real. Keys belong to the user and
 * expire after 24 hours. Uploads are not covered: their bodies are streamed,
 * not hashed.
 * NOTE: a node that dies after its write commits but before the response is
 * stored leaves the key claimed; once the 60-second lease lapses a retry runs
 * the request again.
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header(HEADER);
    if (!key || !WRITE_METHODS.has(c.req.method) || c.req.path.endsWith("/files/upload")) return next();
    if (!KEY_PATTERN.test(key)) {
      throw ApiError.invalidAt("Idempotency-Key", "must be 1 to 255 printable ASCII characters, such as a UUID");
    }

    const { store, clock } = c.var.deps;
    const userId = c.var.caller.userId;
    const body = await readBodyBytes(c);
    const requestHash = await sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}${new URL(c.req.url).search}\n${toHex(body)}`);
    const now = msToNs(clock.nowMs());

    const replay = await claimKey(c.var.deps.store, userId, key, requestHash, now);
    if (replay) {
      const headers: Record<string, string> = {
        "content-type": "application/json; charset=utf-8",
        "idempotent-replayed": "true",
      };
      if (replay.response_etag) headers.etag = replay.response_etag;
      return c.body(replay.response_body ?? "", Number(replay.response_status) as 200, headers);
    }

    try {
      await next();
    } catch (error) {
      await releaseKey(store, userId, key);
      throw error;
    }

    const response = c.res;
    if (response.status >= 500) {
      await releaseKey(store, userId, key);
      return;
    }
    const text = await response.clone().text();
    await store.db
      .updateTable("idempotency_keys")
      .set({
        state: "done",
        response_status: response.status,
        response_body: text,
        response_etag: response.headers.get("etag"),
      })
      .where("user_id", "=", userId)
      .where("idempotency_key", "=", key)
      .execute();
  };
}

type StoredResponse = { response_status: number | bigint | null; response_body: string | null; response_etag: string | null };

// Claims the key for this request, or returns the stored response to replay.
async function claimKey(
  store: AppEnv["Variables"]["deps"]["store"],
  userId: string,
  key: string,
  requestHash: string,
  now: bigint,
): Promise<StoredResponse | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await store.db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("user_id", "=", userId)
      .where("idempotency_key", "=", key)
      .executeTakeFirst();

    if (existing && existing.expires_ns > now) {
      if (existing.request_hash !== requestHash) {
        throw ApiError.conflict(
          `Idempotency-Key '${key}' was already used for a different request; use a new key for each distinct request`,
          [{ path: "Idempotency-Key", reason: "reused with another method, path or body", value: key }],
        );
      }
      if (existing.state === "done") return existing;
      if (existing.created_ns + IDEMPOTENCY_LEASE_NS > now) {
        throw ApiError.conflict(
          `A request with Idempotency-Key '${key}' is still being processed; retry after it completes`,
          [{ path: "Idempotency-Key", reason: "request in progress", value: key }],
        );
      }
    }

    try {
      await store.transaction(async (tx) => {
        if (existing) {
          await tx
            .deleteFrom("idempotency_keys")
            .where("user_id", "=", userId)
            .where("idempotency_key", "=", key)
            .where("created_ns", "=", existing.created_ns)
            .execute();
        }
        await tx
          .insertInto("idempotency_keys")
          .values({
            user_id: userId,
            idempotency_key: key,
            request_hash: requestHash,
            state: "in_progress",
            response_status: null,
            response_body: null,
            response_etag: null,
            created_ns: now,
            expires_ns: now + IDEMPOTENCY_TTL_NS,
          })
          .execute();
        // Expired keys of this user go as new ones arrive, a few at a time.
        await tx
          .deleteFrom("idempotency_keys")
          .where("user_id", "=", userId)
          .where("expires_ns", "<", now)
          .execute();
      });
      return undefined;
    } catch (error) {
      // Another request claimed the key first: read what it stored.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw ApiError.conflict(`A request with Idempotency-Key '${key}' is still being processed; retry after it completes`);
}

async function releaseKey(store: AppEnv["Variables"]["deps"]["store"], userId: string, key: string): Promise<void> {
  await store.db
    .deleteFrom("idempotency_keys")
    .where("user_id", "=", userId)
    .where("idempotency_key", "=", key)
    .where("state", "=", "in_progress")
    .execute();
}
