import { join } from "node:path";
import { build } from "tsdown";

/**
 * Builds `dist/main.js` before the tests run, because they run the built
 * command as a child process, the way users run it.
 */
export default async function buildCli(): Promise<void> {
  await build({ cwd: join(import.meta.dirname, "../.."), logLevel: "warn" });
}
