import { join } from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import { createApp } from "../app.js";
import { LocalBlobStore } from "../blobs/local-blob-store.js";
import { createJobHandlers } from "../jobs/handlers.js";
import { JobWorker } from "../jobs/worker.js";
import type { Logger } from "../logger.js";
import { type BootstrapResult, bootstrapFirstOrg, loadPageTokenSecret } from "../orgs/bootstrap.js";
import { openSqliteStore } from "../store/sqlite/open-sqlite.js";
import type { Store } from "../store/store.js";
import { systemClock } from "../util/clock.js";
import { randomIds } from "../util/ids.js";
import type { NodeConfig } from "./config.js";

/** A started server: its address, what the first start created, and how to stop it. */
export interface RunningServer {
  port: number;
  url: string;
  store: Store;
  bootstrap: BootstrapResult | undefined;
  /** Stops accepting connections, waits for in-flight requests, then closes the store. */
  close(): Promise<void>;
}

/** Opens the store the configuration names. */
export async function openStore(config: NodeConfig): Promise<Store> {
  if (config.databaseUrl && /^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    const { openPostgresStore } = await import("../store/postgres/open-postgres.js");
    return openPostgresStore(config.databaseUrl);
  }
  if (config.databaseUrl) {
    throw new Error(
      "DATABASE_URL must be a postgres:// URL; unset it to use the embedded SQLite store",
    );
  }
  return openSqliteStore(join(config.dataDir, "sortie.sqlite"));
}

/**
 * Starts the API on Node.js: opens the store, runs migrations, creates the
 * first org on first start, and listens.
 */
export async function startNodeServer(config: NodeConfig, logger: Logger): Promise<RunningServer> {
  const store = await openStore(config);
  await store.migrate();

  const bootstrap = await bootstrapFirstOrg(store, systemClock, randomIds, {
    adminApiKey: config.adminApiKey,
    orgId: config.orgId,
  });
  const pageTokenSecret = await loadPageTokenSecret(store);

  const blobs = new LocalBlobStore(config.blobDir);
  const worker = new JobWorker(
    store,
    systemClock,
    logger,
    createJobHandlers(store, blobs, systemClock, logger),
    {
      pollIntervalMs: config.jobPollIntervalMs,
    },
  );
  const app = createApp({
    store,
    blobs,
    clock: systemClock,
    ids: randomIds,
    logger,
    config: {
      pageTokenSecret,
      jsonBodyLimitBytes: config.jsonBodyLimitBytes,
      customFieldQuota: config.customFieldQuota,
      maxUploadBytes: config.maxUploadBytes,
    },
    jobs: worker,
  });
  worker.start();

  let server: ServerType;
  try {
    server = await new Promise((resolveServer, rejectServer) => {
      const started = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
        resolveServer(started),
      );
      started.once("error", rejectServer);
    });
  } catch (error) {
    await worker.stop();
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new Error(
        `port ${config.port} on ${config.host} is already in use; stop the other process or set PORT`,
      );
    }
    throw error;
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;

  return {
    port,
    url: `http://${config.host}:${port}`,
    store,
    bootstrap,
    async close() {
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      await worker.stop();
      await store.close();
    },
  };
}
