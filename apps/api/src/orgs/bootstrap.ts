import { sql } from "kysely";
import { apiKeyFromSecret, newApiKey } from "../auth/api-keys.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { msToNs } from "../util/clock.js";
import type { IdGenerator } from "../util/ids.js";
import { randomToken } from "../util/ids.js";

/** Result of the first start: the org, the admin user and the admin key (shown once). */
export interface BootstrapResult {
  orgId: string;
  userId: string;
  apiKey: string;
}

/** Options of the first start. */
export interface BootstrapOptions {
  /** Key to use as the admin key instead of a generated one (`SORTIE_ADMIN_API_KEY`). */
  adminApiKey?: string;
  /** Id of the first org (`SORTIE_ORG_ID`). */
  orgId?: string;
  orgName?: string;
}

/**
 * Creates the first org, an admin user and an API key when the store has no
 * org yet; returns `undefined` on later starts. Runs in one transaction that,
 * on PostgreSQL, first locks the orgs table against other writers, so two
 * nodes starting at once create one org. SQLite runs one writer at a time.
 */
export async function bootstrapFirstOrg(
  store: Store,
  clock: Clock,
  ids: IdGenerator,
  options: BootstrapOptions,
): Promise<BootstrapResult | undefined> {
  const key = options.adminApiKey ? await apiKeyFromSecret(options.adminApiKey) : await newApiKey();

  return store.transaction(async (tx) => {
    // Without the lock, both nodes would see no org under READ COMMITTED and each create one.
    if (store.dialect === "postgres")
      await sql`LOCK TABLE orgs IN SHARE ROW EXCLUSIVE MODE`.execute(tx);
    const anyOrg = await tx.selectFrom("orgs").select("org_id").limit(1).executeTakeFirst();
    if (anyOrg) return undefined;

    const now = msToNs(clock.nowMs());
    const orgId = options.orgId ?? ids.next("og_");
    const userId = ids.next("us_");
    await tx
      .insertInto("users")
      .values({ user_id: userId, name: "admin", created_ns: now })
      .execute();
    await tx
      .insertInto("orgs")
      .values({
        org_id: orgId,
        name: options.orgName ?? "Default org",
        created_ns: now,
        created_by: userId,
      })
      .execute();
    await tx
      .insertInto("memberships")
      .values({ org_id: orgId, user_id: userId, role: "admin", created_ns: now })
      .execute();
    await tx
      .insertInto("api_keys")
      .values({
        key_id: ids.next("ak_"),
        user_id: userId,
        name: "bootstrap admin key",
        secret_hash: key.secretHash,
        prefix: key.prefix,
        created_ns: now,
        expires_ns: null,
        revoked_ns: null,
      })
      .execute();
    return { orgId, userId, apiKey: key.secret };
  });
}

/**
 * Reads the secret that signs page tokens, creating it on first use. It lives
 * in the database so every API node of a deployment signs and checks alike.
 */
export async function loadPageTokenSecret(store: Store): Promise<string> {
  const existing = await store.db
    .selectFrom("server_settings")
    .select("value")
    .where("name", "=", "page_token_secret")
    .executeTakeFirst();
  if (existing) return existing.value;

  await store.db
    .insertInto("server_settings")
    .values({ name: "page_token_secret", value: randomToken(52) })
    .onConflict((conflict) => conflict.column("name").doNothing())
    .execute();
  const stored = await store.db
    .selectFrom("server_settings")
    .select("value")
    .where("name", "=", "page_token_secret")
    .executeTakeFirstOrThrow();
  return stored.value;
}
