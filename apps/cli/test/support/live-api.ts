import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@sortie/api";
import { loadConfig, startNodeServer } from "@sortie/api/node";
import { Sortie } from "@sortie/sdk";

/**
 * A Sortie API as `sortie serve` runs it, with its background worker, on
 * 127.0.0.1 and a free port, with its data in a temporary folder.
 */
export interface LiveApi {
  url: string;
  apiKey: string;
  orgId: string;
  /** An SDK client with the admin key, to set up and check what the command did. */
  client: Sortie;
  close(): Promise<void>;
}

/** Starts the API in this process; its worker polls for jobs every 20 ms. */
export async function startLiveApi(): Promise<LiveApi> {
  const dir = await mkdtemp(join(tmpdir(), "sortie-cli-test-"));
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
    client: new Sortie({ baseUrl: server.url, apiKey: bootstrap.apiKey, logLevel: "off" }),
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
