import type { Context, MiddlewareHandler } from "hono";
import type { Transaction } from "kysely";
import type { AppEnv } from "../env.js";
import type { Database } from "../store/schema.js";
import { isUniqueViolation, type Store } from "../store/store.js";
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

/** The claim of one key by the request now running: its owner, the key and when it was claimed. */
interface Claim {
  userId: string;
  key: string;
  claimedNs: bigint;
}

/**
 * Honours `Idempotency-Key` on POST, PUT and DELETE. The first request with a
 * key runs, and its response (any status below 500) is stored in the
 * database, so every node can replay it. A retry with the same key, method,
 * path and body gets the stored response and applies nothing again. The same
 * key with another request is a 409, and so is a retry while the first still
 * runs. A 5xx stores nothing, so its retry runs for real. Keys belong to the
 * user and expire after 24 hours. Uploads are not covered, because their
 * bodies are streamed rather than hashed.
 *
 * A key moves from `in_progress` to `applied` inside the transaction of the
 * request's write, and to `done` when the response is stored. A node that
 * dies between its commit and storing the response leaves the key `applied`,
 * so a retry gets a 409 saying so and never applies the write twice.
 * NOTE: writes made outside `store.transaction` (single statements such as
 * revoking an API key) do not mark the key. After such a crash, a retry runs
 * them again once the 60-second lease lapses.
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header(HEADER);
    if (key === "" && WRITE_METHODS.has(c.req.method)) {
      throw ApiError.invalidAt(
        "Idempotency-Key",
        "is empty; send 1 to 255 printable ASCII characters, such as a UUID, or leave the header out",
      );
    }
    if (!key || !WRITE_METHODS.has(c.req.method) || c.req.path.endsWith("/files/upload"))
      return next();
    if (!KEY_PATTERN.test(key)) {
      throw ApiError.invalidAt(
        "Idempotency-Key",
        "must be 1 to 255 printable ASCII characters, such as a UUID",
      );
    }

    const deps = c.get("deps");
    const { store, clock } = deps;
    const userId = c.get("caller").userId;
    const body = await readBodyBytes(c);
    const url = new URL(c.req.url);
    const requestHash = await sha256Hex(
      `${c.req.method} ${url.pathname}${url.search}\n${toHex(body)}`,
    );
    const now = msToNs(clock.nowMs());

    const outcome = await claimKey(store, userId, key, requestHash, now);
    if ("replay" in outcome) return replayResponse(c, outcome.replay);

    const claim: Claim = { userId, key, claimedNs: outcome.claimedNs };
    c.set("deps", { ...deps, store: store.withCommitHook((tx) => markApplied(tx, claim)) });
    try {
      await next();
    } catch (error) {
      await releaseKey(store, claim);
      throw error;
    }

    const response = c.res;
    if (response.status >= 500) {
      await releaseKey(store, claim);
      return;
    }
    try {
      await storeResponse(store, claim, response);
    } catch (error) {
      // The write, if any, has committed and the key is marked `applied`, so
      // the caller gets its response and a retry cannot apply it again.
      deps.logger.error(
        {
          request_id: c.get("requestId"),
          idempotency_key: key,
          err: { message: (error as Error).message },
        },
        "storing the response of an idempotent request failed, so retries with this key cannot replay it",
      );
    }
  };
}

type StoredResponse = {
  response_status: number | bigint | null;
  response_body: string | null;
  response_etag: string | null;
};

function replayResponse(c: Context<AppEnv>, stored: StoredResponse): Response {
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "idempotent-replayed": "true",
  };
  if (stored.response_etag) headers.etag = stored.response_etag;
  return c.body(stored.response_body ?? "", Number(stored.response_status) as 200, headers);
}

// A 409 with Retry-After: clients wait, retry, and then get the stored response.
function inProgress(key: string): ApiError {
  return new ApiError(
    "RobotoConflictException",
    `A request with Idempotency-Key '${key}' is still being processed; retry after it completes`,
    [{ path: "Idempotency-Key", reason: "request in progress", value: key }],
    409,
    { "retry-after": "1" },
  );
}

// Claims the key for this request, or returns the stored response to replay.
async function claimKey(
  store: Store,
  userId: string,
  key: string,
  requestHash: string,
  now: bigint,
): Promise<{ replay: StoredResponse } | { claimedNs: bigint }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await store.db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("user_id", "=", userId)
      .where("idempotency_key", "=", key)
      .executeTakeFirst();

    const live = existing !== undefined && existing.expires_ns > now;
    if (existing && live) {
      if (existing.request_hash !== requestHash) {
        throw ApiError.conflict(
          `Idempotency-Key '${key}' was already used for a different request; use a new key for each distinct request`,
          [
            {
              path: "Idempotency-Key",
              reason: "reused with another method, path or body",
              value: key,
            },
          ],
        );
      }
      if (existing.state === "done") return { replay: existing };
      if (existing.created_ns + IDEMPOTENCY_LEASE_NS > now) throw inProgress(key);
      if (existing.state === "applied") {
        throw ApiError.conflict(
          `The request with Idempotency-Key '${key}' was applied, but its response was not stored because the server stopped or failed first; read the resource to see the result instead of retrying`,
          [{ path: "Idempotency-Key", reason: "applied, response not stored", value: key }],
        );
      }
    }

    try {
      await store.transaction(async (tx) => {
        if (existing) {
          // Take over an expired key, or one whose request died before it
          // wrote anything; a key its write has marked `applied` stays.
          let stale = tx
            .deleteFrom("idempotency_keys")
            .where("user_id", "=", userId)
            .where("idempotency_key", "=", key)
            .where("created_ns", "=", existing.created_ns);
          if (live) stale = stale.where("state", "=", "in_progress");
          await stale.execute();
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
      return { claimedNs: now };
    } catch (error) {
      // Another request claimed the key first: read what it stored.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw inProgress(key);
}

/**
 * Marks the key `applied` in the transaction of the request's write, so the
 * mark commits exactly when the write does. A key that another request took
 * over meanwhile rolls the write back.
 */
async function markApplied(tx: Transaction<Database>, claim: Claim): Promise<void> {
  const result = await tx
    .updateTable("idempotency_keys")
    .set({ state: "applied" })
    .where("user_id", "=", claim.userId)
    .where("idempotency_key", "=", claim.key)
    .where("created_ns", "=", claim.claimedNs)
    .where("state", "in", ["in_progress", "applied"])
    .executeTakeFirst();
  if ((result.numUpdatedRows ?? 0n) === 0n) {
    throw ApiError.conflict(
      `Idempotency-Key '${claim.key}' was taken over by a retry after this request ran past its 60-second lease; nothing was written`,
      [{ path: "Idempotency-Key", reason: "claim lost", value: claim.key }],
    );
  }
}

async function storeResponse(store: Store, claim: Claim, response: Response): Promise<void> {
  const text = await response.clone().text();
  await store.db
    .updateTable("idempotency_keys")
    .set({
      state: "done",
      response_status: response.status,
      response_body: text,
      response_etag: response.headers.get("etag"),
    })
    .where("user_id", "=", claim.userId)
    .where("idempotency_key", "=", claim.key)
    .where("created_ns", "=", claim.claimedNs)
    .execute();
}

// Frees the key of a request that failed before its write committed.
async function releaseKey(store: Store, claim: Claim): Promise<void> {
  await store.db
    .deleteFrom("idempotency_keys")
    .where("user_id", "=", claim.userId)
    .where("idempotency_key", "=", claim.key)
    .where("created_ns", "=", claim.claimedNs)
    .where("state", "=", "in_progress")
    .execute();
}
