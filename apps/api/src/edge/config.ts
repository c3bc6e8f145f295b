import type { D1Database, R2Bucket } from "@cloudflare/workers-types/index.js";
import { LIMITS } from "@sortie/domain";

/** Bindings and variables of the Workers entry, as wrangler.jsonc declares them. */
export interface EdgeEnv {
  /** The D1 database of the store. */
  DB: D1Database;
  /** The R2 bucket of uploaded recordings. */
  BLOBS: R2Bucket;
  /** Secret: on first start, the admin API key; required while the database has no org. */
  SORTIE_ADMIN_API_KEY?: string;
  /** On first start, the id of the first org. */
  SORTIE_ORG_ID?: string;
  /** Largest JSON request body, in bytes; default 1 MiB. */
  SORTIE_JSON_BODY_LIMIT?: string | number;
  /** Largest upload, in bytes; default 100 MB, the request body limit of Cloudflare's Free and Pro plans. */
  SORTIE_MAX_UPLOAD_BYTES?: string | number;
  /** Custom fields per org and entity type; default 100. */
  SORTIE_CUSTOM_FIELD_QUOTA?: string | number;
}

/** Settings of the Workers entry, read from its variables. */
export interface EdgeConfig {
  adminApiKey: string | undefined;
  orgId: string | undefined;
  jsonBodyLimitBytes: number;
  maxUploadBytes: number;
  customFieldQuota: number;
}

/** Default upload limit on the edge: Cloudflare rejects larger request bodies on its Free and Pro plans. */
export const EDGE_MAX_UPLOAD_BYTES = 100_000_000;

/** Reads the configuration from the Worker's variables; throws naming the variable when one is invalid. */
export function loadEdgeConfig(env: EdgeEnv): EdgeConfig {
  return {
    adminApiKey: env.SORTIE_ADMIN_API_KEY || undefined,
    orgId: env.SORTIE_ORG_ID || undefined,
    jsonBodyLimitBytes: integer(
      env.SORTIE_JSON_BODY_LIMIT,
      "SORTIE_JSON_BODY_LIMIT",
      LIMITS.jsonBodyBytes,
      1024,
      64 * 1024 * 1024,
    ),
    maxUploadBytes: integer(
      env.SORTIE_MAX_UPLOAD_BYTES,
      "SORTIE_MAX_UPLOAD_BYTES",
      EDGE_MAX_UPLOAD_BYTES,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    customFieldQuota: integer(
      env.SORTIE_CUSTOM_FIELD_QUOTA,
      "SORTIE_CUSTOM_FIELD_QUOTA",
      100,
      1,
      100_000,
    ),
  };
}

function integer(
  text: string | number | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `${name} must be an integer from ${min} to ${max}, got '${text}'; fix it under "vars" in wrangler.jsonc`,
    );
  }
  return value;
}
