import pino from "pino";
import type { Logger } from "./logger.js";
import { loadConfig } from "./node/config.js";
import { startNodeServer } from "./node/server.js";

// Node.js entry of `pnpm start`: reads the environment, starts the server,
// prints the first admin key once, and drains requests on SIGINT or SIGTERM.
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({
    level: config.logLevel,
    base: { service: "sortie-api" },
  }) as unknown as Logger;

  const server = await startNodeServer(config, logger);
  logger.info(
    { url: server.url, store: server.store.dialect, data_dir: config.dataDir },
    "sortie api listening",
  );

  if (server.bootstrap) {
    // Printed on stdout once, never logged: the key is shown only at creation.
    process.stdout.write(
      `\nFirst start: created org ${server.bootstrap.orgId} with an admin user.\n` +
        (config.adminApiKey
          ? "The admin API key is the value of SORTIE_ADMIN_API_KEY.\n\n"
          : `Admin API key (shown once, store it now):\n\n  ${server.bootstrap.apiKey}\n\n`),
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: draining in-flight requests");
    await server.close();
    logger.info({}, "stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: Error) => {
  process.stderr.write(`sortie api failed to start: ${error.message}\n`);
  process.exit(1);
});
