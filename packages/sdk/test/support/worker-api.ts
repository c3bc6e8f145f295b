import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@sortie/api";
import { loadConfig, startNodeServer } from "@sortie/api/node";
import { Sortie, type SortieOptions } from "../../src/index.js";

/**
 * A Sortie API as `pnpm start` runs it, with its background worker, so that
 * uploads get indexed and custom fields become ready. It listens on 127.0.0.1
 * and a free port, with its data in a temporary folder.
 */
export interface WorkerApi {
  url: string;
  apiKey: string;
  orgId: string;
  /** A client of this API with the admin key and logging off; `options` override both. */
  client(options?: SortieOptions): Sortie;
  close(): Promise<void>;
}

/** Starts the Node.js server of the API with a worker that polls for jobs every 20 ms. */
export async function startWorkerApi(): Promise<WorkerApi> {
  const dir = await mkdtemp(join(tmpdir(), "sortie-sdk-worker-"));
  const config = loadConfig({
    SORTIE_DATA_DIR: dir,
    PORT: "0",
    HOST: "127.0.0.1",
    SORTIE_JOB_POLL_MS: "20",
  });
  const server = await startNodeServer(config, silentLogger);
  const bootstrap = server.bootstrap;
  if (!bootstrap) throw new Error(`the data folder ${dir} already held an org`);

  return {
    url: server.url,
    apiKey: bootstrap.apiKey,
    orgId: bootstrap.orgId,
    client: (options = {}) =>
      new Sortie({ baseUrl: server.url, apiKey: bootstrap.apiKey, logLevel: "off", ...options }),
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
