import { join, resolve } from "node:path";
import { LIMITS } from "@sortie/domain";

/** Settings of the Node.js entry, read from environment variables. */
export interface NodeConfig {
  /** `PORT`, default 8080. */
  port: number;
  /** `HOST`, default 127.0.0.1; set 0.0.0.0 to accept connections from other machines. */
  host: string;
  /** `SORTIE_DATA_DIR`, default `./data`: the SQLite file and, by default, the blobs. */
  dataDir: string;
  /** `DATABASE_URL`: a `postgres://` URL selects PostgreSQL; unset uses SQLite in the data directory. */
  databaseUrl: string | undefined;
  /** `SORTIE_BLOB_DIR`, default `<data dir>/blobs`. */
  blobDir: string;
  /** `SORTIE_ADMIN_API_KEY`: on first start, the admin key instead of a generated one. */
  adminApiKey: string | undefined;
  /** `SORTIE_ORG_ID`: on first start, the id of the first org. */
  orgId: string | undefined;
  /** `SORTIE_JSON_BODY_LIMIT`, default 1 MiB: the largest JSON request body, in bytes. */
  jsonBodyLimitBytes: number;
  /** `LOG_LEVEL`, default `info`. */
  logLevel: string;
  /** `SORTIE_CUSTOM_FIELD_QUOTA`, default 100: custom fields per org and entity type. */
  customFieldQuota: number;
  /** `SORTIE_MAX_UPLOAD_BYTES`, default 100 GiB: the largest recording one upload may stream. */
  maxUploadBytes: number;
  /** `SORTIE_JOB_POLL_MS`, default 500: how often an idle worker looks for background jobs. */
  jobPollIntervalMs: number;
}

/** Reads the configuration from the environment; throws naming the variable when one is invalid. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const dataDir = resolve(env.SORTIE_DATA_DIR ?? "data");
  return {
    port: integer(env, "PORT", 8080, 0, 65535),
    host: env.HOST ?? "127.0.0.1",
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    blobDir: resolve(env.SORTIE_BLOB_DIR ?? join(dataDir, "blobs")),
    adminApiKey: env.SORTIE_ADMIN_API_KEY || undefined,
    orgId: env.SORTIE_ORG_ID || undefined,
    jsonBodyLimitBytes: integer(
      env,
      "SORTIE_JSON_BODY_LIMIT",
      LIMITS.jsonBodyBytes,
      1024,
      64 * 1024 * 1024,
    ),
    logLevel: env.LOG_LEVEL ?? "info",
    customFieldQuota: integer(env, "SORTIE_CUSTOM_FIELD_QUOTA", 100, 1, 100_000),
    maxUploadBytes: integer(
      env,
      "SORTIE_MAX_UPLOAD_BYTES",
      100 * 2 ** 30,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    jobPollIntervalMs: integer(env, "SORTIE_JOB_POLL_MS", 500, 10, 60_000),
  };
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got '${text}'`);
  }
  return value;
}
