import type { ExecutionContext, ScheduledController } from "@cloudflare/workers-types/index.js";
import type { Hono } from "hono";
import { createApp } from "../app.js";
import { R2BlobStore } from "../blobs/r2-blob-store.js";
import { customFieldJobHandlers } from "../custom-fields/lifecycle.js";
import type { AppEnv } from "../env.js";
import { consoleJsonLogger, type Logger } from "../logger.js";
import { bootstrapFirstOrg, loadPageTokenSecret } from "../orgs/bootstrap.js";
import { type D1Store, openD1Store } from "../store/d1/open-d1.js";
import { type Clock, systemClock } from "../util/clock.js";
import { type IdGenerator, randomIds } from "../util/ids.js";
import { type EdgeEnv, loadEdgeConfig } from "./config.js";
import { EdgeJobRunner } from "./job-runner.js";
import { nodeOnlyIndexingJobHandlers } from "./node-only-indexing.js";

export type { EdgeEnv } from "./config.js";

/** Options of the Workers entry; tests replace the clock, ids or logger. */
export interface EdgeHandlerOptions {
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /** Whether requests run the jobs they queued through `waitUntil` (default true). */
  runJobs?: boolean;
}

/** The app, store and job runner that one isolate builds on its first request and reuses after. */
export interface EdgeRuntime {
  app: Hono<AppEnv>;
  store: D1Store;
  jobs: EdgeJobRunner;
}

/** The Workers handlers of the API, and the runtime they build per isolate. */
export interface EdgeHandler {
  fetch(request: Request, env: EdgeEnv, ctx: ExecutionContext): Promise<Response>;
  scheduled(controller: ScheduledController, env: EdgeEnv, ctx: ExecutionContext): Promise<void>;
  /** Starts (once per D1 binding) the store, the app and the job runner. */
  runtime(env: EdgeEnv): Promise<EdgeRuntime>;
}

/**
 * Builds the Workers handlers: `fetch` serves the API from the same app
 * factory as Node.js, on D1 and R2; `scheduled` (the cron trigger) runs
 * background jobs that are due.
 */
export function createEdgeHandler(options: EdgeHandlerOptions = {}): EdgeHandler {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const logger = options.logger ?? consoleJsonLogger({ service: "sortie-api", runtime: "workers" });
  // One runtime per D1 binding, so an isolate migrates and bootstraps once.
  const runtimes = new WeakMap<object, Promise<EdgeRuntime>>();

  const runtime = (env: EdgeEnv): Promise<EdgeRuntime> => {
    let started = runtimes.get(env.DB);
    if (!started) {
      started = startRuntime(env, clock, ids, logger);
      runtimes.set(env.DB, started);
      // A failed start is retried by the next request instead of being cached.
      started.catch(() => runtimes.delete(env.DB));
    }
    return started;
  };

  const runDue = (jobs: EdgeJobRunner, ctx: ExecutionContext) => {
    ctx.waitUntil(
      jobs.runDue().catch((error: Error) => {
        logger.error({ err: { message: error.message } }, "running background jobs failed");
      }),
    );
  };

  return {
    runtime,

    async fetch(request, env, ctx) {
      let started: EdgeRuntime;
      try {
        started = await runtime(env);
      } catch (error) {
        logger.error(
          { err: { message: (error as Error).message } },
          "sortie api failed to start on the edge",
        );
        return startFailure(error as Error);
      }

      const response = await started.app.fetch(request, env, ctx);
      if (started.jobs.takeWakeRequest() && options.runJobs !== false) runDue(started.jobs, ctx);
      return response;
    },

    async scheduled(_controller, env, ctx) {
      const started = await runtime(env);
      runDue(started.jobs, ctx);
    },
  };
}

async function startRuntime(
  env: EdgeEnv,
  clock: Clock,
  ids: IdGenerator,
  logger: Logger,
): Promise<EdgeRuntime> {
  const config = loadEdgeConfig(env);
  const store = openD1Store(env.DB);
  await store.migrate();

  const hasOrg = await store.db.selectFrom("orgs").select("org_id").limit(1).executeTakeFirst();
  if (!hasOrg) {
    if (!config.adminApiKey) {
      throw new Error(
        "the database has no org yet and SORTIE_ADMIN_API_KEY is not set; set it with `wrangler secret put SORTIE_ADMIN_API_KEY` so the first start creates the admin key",
      );
    }
    const created = await bootstrapFirstOrg(store, clock, ids, {
      adminApiKey: config.adminApiKey,
      orgId: config.orgId,
    });
    if (created)
      logger.info(
        { org_id: created.orgId, user_id: created.userId },
        "first start: created the first org and its admin",
      );
  }

  const blobs = new R2BlobStore(env.BLOBS);
  const handlers = new Map([
    ...customFieldJobHandlers(store, clock),
    ...nodeOnlyIndexingJobHandlers(store, clock),
  ]);
  const jobs = new EdgeJobRunner(store, clock, logger, handlers);
  const app = createApp({
    store,
    blobs,
    clock,
    ids,
    logger,
    config: {
      pageTokenSecret: await loadPageTokenSecret(store),
      jsonBodyLimitBytes: config.jsonBodyLimitBytes,
      customFieldQuota: config.customFieldQuota,
      maxUploadBytes: config.maxUploadBytes,
    },
    jobs,
  });
  return { app, store, jobs };
}

// The app's error handler is not running yet, so the envelope is written here.
function startFailure(error: Error): Response {
  const requestId = crypto.randomUUID();
  const body = {
    error: {
      error_code: "RobotoServiceException",
      message: `The API could not start: ${error.message}`,
    },
    details: [],
    request_id: requestId,
  };
  return new Response(JSON.stringify(body), {
    status: 503,
    headers: { "content-type": "application/json", "x-request-id": requestId },
  });
}

const handler = createEdgeHandler();

/** The Worker that `wrangler dev` and `wrangler deploy` bundle: only the handlers Workers call. */
export default { fetch: handler.fetch, scheduled: handler.scheduled };
