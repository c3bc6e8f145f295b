// Stands in for test/support/test-api.ts when the Node suite runs inside
// workerd (see vitest.edge.config.ts): the same TestApi, but each request goes
// through the Worker's `fetch` on a D1 database and an R2 bucket.

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parseJson, stringifyJson } from "@sortie/domain";
import type { Hono } from "hono";
import { newApiKey } from "../../src/auth/api-keys.js";
import { createEdgeHandler, type EdgeEnv } from "../../src/edge/worker.js";
import type { AppEnv } from "../../src/env.js";
import { silentLogger } from "../../src/logger.js";
import type { Store } from "../../src/store/store.js";
import type { Clock } from "../../src/util/clock.js";
import { takeD1Slot } from "./d1-slots.js";
import type { TestDialect } from "./databases.js";

/** A response as tests read it: status, headers and the body parsed with the int64-exact codec. */
export interface TestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests index into response bodies freely.
  body: any;
  text: string;
}

/** Options of one test request. */
export interface RequestOptions {
  /** Request body: a string or bytes are sent as they are, anything else as int64-exact JSON. */
  body?: unknown;
  /** API key; the admin key by default, `null` for none. */
  key?: string | null;
  headers?: Record<string, string>;
}

/** A Sortie API on a fresh D1 database, called through the Worker's `fetch`. */
export interface TestApi {
  dialect: TestDialect;
  databaseUrl: undefined;
  app: Hono<AppEnv>;
  store: Store;
  adminKey: string;
  orgId: string;
  userId: string;
  /** The bindings the Worker runs on. */
  env: EdgeEnv;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  get(path: string, options?: RequestOptions): Promise<TestResponse>;
  post(path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  put(path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  delete(path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  /** Sends a request as it is, with no key or body added, through the Worker's fetch. */
  send(request: Request): Promise<TestResponse>;
  /** Waits for the background work (`waitUntil`) of every request so far. */
  settle(): Promise<void>;
  listen(): Promise<{ url: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** Options of a test API, as in the Node harness. */
export interface TestApiOptions {
  clock?: Clock;
  jsonBodyLimitBytes?: number;
  customFieldQuota?: number;
  maxUploadBytes?: number;
  /** Whether requests run the jobs they queued (default true); tests of failures run their own. */
  startWorker?: boolean;
  sameDatabaseAs?: TestApi;
}

/**
 * Starts the Worker's runtime on an emptied D1 database: it migrates the
 * database and creates the first org with a generated admin key, as a first
 * deploy does with SORTIE_ADMIN_API_KEY.
 */
export async function startTestApi(
  dialect: TestDialect,
  options: TestApiOptions = {},
): Promise<TestApi> {
  if (options.sameDatabaseAs)
    throw new Error("sameDatabaseAs needs two PostgreSQL test APIs; the edge suite runs on D1");
  const slot = await takeD1Slot();
  const adminKey = (await newApiKey()).secret;
  const workerEnv: EdgeEnv = {
    DB: slot.database,
    BLOBS: env.BLOBS,
    SORTIE_ADMIN_API_KEY: adminKey,
    SORTIE_JSON_BODY_LIMIT: String(options.jsonBodyLimitBytes ?? 1024 * 1024),
    ...(options.customFieldQuota === undefined
      ? {}
      : { SORTIE_CUSTOM_FIELD_QUOTA: String(options.customFieldQuota) }),
    ...(options.maxUploadBytes === undefined
      ? {}
      : { SORTIE_MAX_UPLOAD_BYTES: String(options.maxUploadBytes) }),
  };
  const worker = createEdgeHandler({
    ...(options.clock ? { clock: options.clock } : {}),
    logger: silentLogger,
    runJobs: options.startWorker !== false,
  });

  let runtime: Awaited<ReturnType<typeof worker.runtime>>;
  try {
    runtime = await worker.runtime(workerEnv);
  } catch (error) {
    slot.release();
    throw error;
  }
  const admin = await runtime.store.db
    .selectFrom("memberships")
    .select(["org_id", "user_id"])
    .where("role", "=", "admin")
    .executeTakeFirstOrThrow();

  const background: Promise<void>[] = [];
  const request = async (method: string, path: string, requestOptions: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...requestOptions.headers };
    const key = requestOptions.key === undefined ? adminKey : requestOptions.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: BodyInit | undefined;
    if (requestOptions.body instanceof Uint8Array) {
      body = requestOptions.body as Uint8Array<ArrayBuffer>;
      headers["content-type"] ??= "application/octet-stream";
    } else if (requestOptions.body !== undefined) {
      body =
        typeof requestOptions.body === "string"
          ? requestOptions.body
          : stringifyJson(requestOptions.body);
      headers["content-type"] ??= "application/json";
    }

    return send(new Request(`http://sortie.test${path}`, { method, headers, body }));
  };
  const send = async (raw: Request) => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(raw, workerEnv, ctx);
    background.push(waitOnExecutionContext(ctx));
    return readResponse(response);
  };
  const settle = async () => {
    await Promise.all(background.splice(0));
  };

  return {
    dialect,
    databaseUrl: undefined,
    app: runtime.app,
    store: runtime.store,
    adminKey,
    orgId: admin.org_id,
    userId: admin.user_id,
    env: workerEnv,
    request,
    get: (path, requestOptions) => request("GET", path, requestOptions),
    post: (path, body, requestOptions) => request("POST", path, { ...requestOptions, body }),
    put: (path, body, requestOptions) => request("PUT", path, { ...requestOptions, body }),
    delete: (path, body, requestOptions) => request("DELETE", path, { ...requestOptions, body }),
    send,
    settle,
    async listen() {
      throw new Error(
        "listen() is not available inside workerd, which cannot open a socket in tests; send the request with request() or send()",
      );
    },
    async close() {
      await settle();
      slot.release();
    },
  };
}

/** Reads a fetch response as a test response. */
export async function readResponse(response: Response): Promise<TestResponse> {
  const text = await response.text();
  let body: unknown = text;
  if (text && (response.headers.get("content-type") ?? "").includes("json")) body = parseJson(text);
  return { status: response.status, headers: response.headers, body, text };
}
