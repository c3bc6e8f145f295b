import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { parseJson, stringifyJson } from "@sortie/domain";
import type { Hono } from "hono";
import { createApp } from "../../src/app.js";
import { LocalBlobStore } from "../../src/blobs/local-blob-store.js";
import type { AppEnv } from "../../src/env.js";
import { createJobHandlers } from "../../src/jobs/handlers.js";
import { JobWorker } from "../../src/jobs/worker.js";
import { silentLogger } from "../../src/logger.js";
import { bootstrapFirstOrg, loadPageTokenSecret } from "../../src/orgs/bootstrap.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres.js";
import { openSqliteStore } from "../../src/store/sqlite/open-sqlite.js";
import type { Store } from "../../src/store/store.js";
import { type Clock, systemClock } from "../../src/util/clock.js";
import { randomIds } from "../../src/util/ids.js";
import { createPostgresDatabase, type TestDialect } from "./databases.js";

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
  /** Request body: a string or bytes (a Uint8Array or Buffer) are sent as they are, anything else as int64-exact JSON. */
  body?: unknown;
  /** API key; the admin key by default, `null` for none. */
  key?: string | null;
  headers?: Record<string, string>;
}

/** A Sortie API on a fresh store, called in-process through `app.request`. */
export interface TestApi {
  dialect: TestDialect;
  /** URL of the PostgreSQL database; undefined on SQLite. */
  databaseUrl: string | undefined;
  app: Hono<AppEnv>;
  store: Store;
  adminKey: string;
  orgId: string;
  userId: string;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  get(path: string, options?: RequestOptions): Promise<TestResponse>;
  post(path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  put(path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  delete(path: string, body?: unknown, options?: RequestOptions): Promise<TestResponse>;
  /** Serves the same app over real HTTP on 127.0.0.1 and a free port. */
  listen(): Promise<{ url: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** Options of a test API. */
export interface TestApiOptions {
  clock?: Clock;
  jsonBodyLimitBytes?: number;
  customFieldQuota?: number;
  maxUploadBytes?: number;
  /** Whether the app's job worker runs (default true); tests of failures run their own. */
  startWorker?: boolean;
  /**
   * A PostgreSQL test API whose database this one opens too, as a second API
   * node: same org, user and admin key. Its blobs go to its own folder, so it
   * does not share uploads. Its `close()` leaves the database to the first.
   */
  sameDatabaseAs?: TestApi;
}

/**
 * Starts the app on a new SQLite file or a new PostgreSQL database, migrated
 * and bootstrapped with one org, an admin user and an admin key. With
 * `sameDatabaseAs`, it opens that API's database instead.
 */
export async function startTestApi(
  dialect: TestDialect,
  options: TestApiOptions = {},
): Promise<TestApi> {
  const peer = options.sameDatabaseAs;
  if (peer && (dialect !== "postgres" || peer.databaseUrl === undefined)) {
    throw new Error("sameDatabaseAs needs two PostgreSQL test APIs; SQLite serves one process");
  }
  const dir = await mkdtemp(join(tmpdir(), "sortie-test-"));
  const database = dialect === "postgres" && !peer ? await createPostgresDatabase() : undefined;
  const databaseUrl = peer?.databaseUrl ?? database?.url;
  const store = databaseUrl
    ? await openPostgresStore(databaseUrl)
    : await openSqliteStore(join(dir, "sortie.sqlite"));
  await store.migrate();

  const clock = options.clock ?? systemClock;
  const bootstrap = peer
    ? { apiKey: peer.adminKey, orgId: peer.orgId, userId: peer.userId }
    : await bootstrapFirstOrg(store, clock, randomIds, { orgName: "Test org" });
  if (!bootstrap) throw new Error("test store was not empty");

  const blobs = new LocalBlobStore(join(dir, "blobs"));
  const worker = new JobWorker(
    store,
    clock,
    silentLogger,
    createJobHandlers(store, blobs, clock, silentLogger),
    {
      pollIntervalMs: 50,
    },
  );
  const app = createApp({
    store,
    blobs,
    clock,
    ids: randomIds,
    logger: silentLogger,
    config: {
      pageTokenSecret: await loadPageTokenSecret(store),
      jsonBodyLimitBytes: options.jsonBodyLimitBytes ?? 1024 * 1024,
      customFieldQuota: options.customFieldQuota,
      maxUploadBytes: options.maxUploadBytes,
    },
    jobs: worker,
  });
  if (options.startWorker !== false) worker.start();

  const request = async (method: string, path: string, requestOptions: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...requestOptions.headers };
    const key = requestOptions.key === undefined ? bootstrap.apiKey : requestOptions.key;
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
    const response = await app.request(path, { method, headers, body });
    return readResponse(response);
  };

  return {
    dialect,
    databaseUrl,
    app,
    store,
    adminKey: bootstrap.apiKey,
    orgId: bootstrap.orgId,
    userId: bootstrap.userId,
    request,
    get: (path, options) => request("GET", path, options),
    post: (path, body, options) => request("POST", path, { ...options, body }),
    put: (path, body, options) => request("PUT", path, { ...options, body }),
    delete: (path, body, options) => request("DELETE", path, { ...options, body }),
    async listen() {
      const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
          resolve(started),
        );
      });
      const { port } = server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    },
    async close() {
      await worker.stop();
      await store.close();
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
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
