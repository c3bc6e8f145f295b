import { type Command, InvalidArgumentError } from "commander";
import { UsageError } from "../errors.js";
import type { ContextFactory } from "../program.js";

interface ServeOptions {
  port?: string;
  host?: string;
  dataDir?: string;
}

/** Registers `sortie serve`. */
export function registerServeCommand(program: Command, contextOf: ContextFactory): void {
  program
    .command("serve")
    .description(
      "run the Sortie API with the embedded SQLite store (or DATABASE_URL), creating an org, an admin user and an API key on first start",
    )
    .option(
      "--port <port>",
      "port to listen on; 0 picks a free one (env: PORT, default: 8080)",
      parsePort,
    )
    .option("--host <host>", "address to listen on (env: HOST, default: 127.0.0.1)")
    .option(
      "--data-dir <dir>",
      "folder of the SQLite file and blobs (env: SORTIE_DATA_DIR, default: ./data)",
    )
    .action(async (options: ServeOptions, command: Command) => {
      const context = contextOf(command);
      // Loaded here, so that other commands do not load the API and its native SQLite module.
      const [{ loadConfig, startNodeServer }, { default: pino }] = await Promise.all([
        import("@sortie/api/node"),
        import("pino"),
      ]);

      const env = { ...context.streams.env };
      if (options.port !== undefined) env.PORT = options.port;
      if (options.host !== undefined) env.HOST = options.host;
      if (options.dataDir !== undefined) env.SORTIE_DATA_DIR = options.dataDir;
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig(env);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }

      const logger = pino({ level: config.logLevel, base: { service: "sortie-api" } });
      const server = await startNodeServer(config, logger);
      logger.info(
        { url: server.url, store: server.store.dialect, data_dir: config.dataDir },
        "sortie api listening",
      );

      if (server.bootstrap) {
        // Printed once on stdout and never logged: the key is shown only at creation.
        context.streams.stdout.write(
          `\nFirst start: created org ${server.bootstrap.orgId} with an admin user.\n` +
            (config.adminApiKey
              ? "The admin API key is the value of SORTIE_ADMIN_API_KEY.\n\n"
              : `Admin API key (shown once, store it now):\n\n  ${server.bootstrap.apiKey}\n\n`),
        );
      }

      const signal = await waitForStopSignal();
      logger.info({ signal }, "shutting down: draining in-flight requests");
      await server.close();
      logger.info({}, "stopped");
    });
}

function parsePort(text: string): string {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw new InvalidArgumentError("expected a port number from 0 to 65535.");
  }
  return text;
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
