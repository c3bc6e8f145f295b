import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HttpBindings, serve } from "@hono/node-server";
import {
  bootstrapFirstOrg,
  createApp,
  loadPageTokenSecret,
  randomIds,
  type Store,
  silentLogger,
  systemClock,
} from "@sortie/api";
import { LocalBlobStore, openSqliteStore } from "@sortie/api/node";
import { Sortie, type SortieOptions } from "../../src/index.js";

/**
 * A failure the server returns in place of the app's response. The app never
 * receives that attempt, so nothing is written, except with `loseResponse`.
 */
export type Fault =
  /** Responds with this status, an API error body and optional headers such as `Retry-After`. */
  | { status: number; code?: string; headers?: Record<string, string> }
  /** Closes the connection without a response. */
  | { disconnect: true }
  /** Waits `stallMs` milliseconds, then responds with 503. */
  | { stallMs: number }
  /** Lets the app handle the request, then closes the connection before the response is sent. */
  | { loseResponse: true };

/** A request as it reached the server, before any fault. */
export interface Arrival {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  /** Whether a fault took the place of the app's response. */
  faulted: boolean;
}

/** A Sortie API on a new SQLite file, served over HTTP on 127.0.0.1 and a free port. */
export interface TestApi {
  url: string;
  apiKey: string;
  orgId: string;
  userId: string;
  store: Store;
  /** Every request that reached the server, in order. */
  arrivals: Arrival[];
  /** Makes the next requests fail, one fault per request, in order. */
  failNext(...faults: Fault[]): void;
  /** A client of this API with the admin key and logging off; `options` override both. */
  client(options?: SortieOptions): Sortie;
  close(): Promise<void>;
}

/** Starts the API in-process: migrated store, one org with an admin user and key, blobs in a temp folder. */
export async function startTestApi(): Promise<TestApi> {
  const dir = await mkdtemp(join(tmpdir(), "sortie-sdk-test-"));
  const store = await openSqliteStore(join(dir, "sortie.sqlite"));
  await store.migrate();
  const bootstrap = await bootstrapFirstOrg(store, systemClock, randomIds, {
    orgName: "SDK test org",
  });
  if (!bootstrap) throw new Error(`the test store at ${dir} already held an org`);

  const app = createApp({
    store,
    blobs: new LocalBlobStore(join(dir, "blobs")),
    clock: systemClock,
    ids: randomIds,
    logger: silentLogger,
    config: { pageTokenSecret: await loadPageTokenSecret(store), jsonBodyLimitBytes: 1024 * 1024 },
  });

  const arrivals: Arrival[] = [];
  const faults: Fault[] = [];

  const handle = async (request: Request, env: HttpBindings): Promise<Response> => {
    const url = new URL(request.url);
    const fault = faults.shift();
    arrivals.push({
      method: request.method,
      path: url.pathname,
      search: url.search,
      headers: request.headers,
      faulted: fault !== undefined,
    });
    if (!fault) return app.fetch(request, env);
    if ("loseResponse" in fault) {
      await (await app.fetch(request, env)).arrayBuffer();
      env.incoming.socket.destroy();
      return new Response(null, { status: 500 });
    }
    return answerWithFault(fault, env);
  };

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve(
      {
        fetch: (request, env) => handle(request, env as HttpBindings),
        port: 0,
        hostname: "127.0.0.1",
      },
      () => resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    apiKey: bootstrap.apiKey,
    orgId: bootstrap.orgId,
    userId: bootstrap.userId,
    store,
    arrivals,
    failNext: (...next) => faults.push(...next),
    client: (options = {}) =>
      new Sortie({ baseUrl: url, apiKey: bootstrap.apiKey, logLevel: "off", ...options }),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function answerWithFault(
  fault: Exclude<Fault, { loseResponse: true }>,
  env: HttpBindings,
): Promise<Response> {
  if ("disconnect" in fault) {
    env.incoming.socket.destroy();
    return new Response(null, { status: 500 });
  }

  let status = 503;
  let code = "RobotoServiceException";
  let headers: Record<string, string> = {};
  if ("stallMs" in fault) {
    await new Promise((resolve) => setTimeout(resolve, fault.stallMs));
  } else {
    status = fault.status;
    code = fault.code ?? code;
    headers = fault.headers ?? {};
  }

  const body = {
    error: { error_code: code, message: `injected fault: status ${status}` },
    details: [],
    request_id: "req_injected_fault",
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json",
      "x-request-id": "req_injected_fault",
      ...headers,
    },
  });
}
