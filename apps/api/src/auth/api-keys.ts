import { randomToken } from "../util/ids.js";
import { sha256Hex } from "../util/crypto.js";

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

/** The stored form of a key. */
export function hashApiKey(secret: string): Promise<string> {
  return sha256Hex(secret);
}
