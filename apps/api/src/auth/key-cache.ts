import type { Role } from "@sortie/domain";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.js";

/** Result of a key lookup: the key's user, its limits, and the user's roles per org. */
export interface KeyLookup {
  keyId: string;
  userId: string;
  expiresNs: bigint | null;
  revoked: boolean;
  roles: ReadonlyMap<string, Role>;
}

/** How long a key lookup is reused on one node, in ms. */
export const KEY_CACHE_TTL_MS = 1000;
const MAX_ENTRIES = 10_000;

/**
 * Reuses key lookups for one second per node, because the lookup (key and
 * memberships) otherwise costs as much as the rest of a primary-key read.
 * Writes on this node that change keys or memberships clear the cache at
 * once. On other nodes of a deployment, a revoked key or a removed membership
 * takes effect within `KEY_CACHE_TTL_MS`. Entries are keyed by the key's hash.
 */
export class KeyCache {
  private readonly entries = new Map<string, { lookup: KeyLookup; expiresAtMs: number }>();

  get(secretHash: string, nowMs: number): KeyLookup | undefined {
    const entry = this.entries.get(secretHash);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.entries.delete(secretHash);
      return undefined;
    }
    return entry.lookup;
  }

  set(secretHash: string, lookup: KeyLookup, nowMs: number): void {
    if (this.entries.size >= MAX_ENTRIES)
      this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(secretHash, { lookup, expiresAtMs: nowMs + KEY_CACHE_TTL_MS });
  }

  /** Forgets every lookup; call after a write to keys or memberships. */
  clear(): void {
    this.entries.clear();
  }
}

/** Clears the cache after every write request of the routes it is mounted on. */
export function clearKeyCacheAfterWrites(cache: KeyCache): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method !== "GET") cache.clear();
  };
}
