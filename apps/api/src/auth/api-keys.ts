import { sha256Hex } from "../util/crypto.js";
import { randomToken } from "../util/ids.js";

const KEY_PREFIX = "sk_";

/** A new API key: the secret shown once, its hash for storage and a display prefix. */
export interface NewApiKey {
  secret: string;
  secretHash: string;
  prefix: string;
}

/**
 * Makes a new API key of 40 random characters (200 bits). Only its SHA-256 is
 * stored: a key has enough entropy that a fast hash cannot be reversed by
 * guessing, and lookups stay one index probe.
 */
export async function newApiKey(): Promise<NewApiKey> {
  return apiKeyFromSecret(`${KEY_PREFIX}${randomToken(40)}`);
}

/** Describes a key the operator chose (`SORTIE_ADMIN_API_KEY`) the same way as a generated one. */
export async function apiKeyFromSecret(secret: string): Promise<NewApiKey> {
  return { secret, secretHash: await hashApiKey(secret), prefix: secret.slice(0, 8) };
}

const HASH_CACHE_SIZE = 1000;
const hashes = new Map<string, string>();

/**
 * Returns the stored form of a key. Recent hashes are kept in memory because
 * Web Crypto's digest costs more than the rest of a primary-key read. The
 * lookup of the key's state (revocation, expiry) is separate and is reused
 * for at most one second (see `KeyCache`).
 */
export async function hashApiKey(secret: string): Promise<string> {
  const cached = hashes.get(secret);
  if (cached !== undefined) return cached;

  const hash = await sha256Hex(secret);
  if (hashes.size >= HASH_CACHE_SIZE) hashes.delete(hashes.keys().next().value as string);
  hashes.set(secret, hash);
  return hash;
}
