import { spawn } from "node:child_process";
import { join } from "node:path";
import { parseJson } from "@sortie/sdk";
import type { LiveApi } from "./live-api.js";

/** The built command, as `bin.sortie` of the package names it. */
export const CLI_PATH = join(import.meta.dirname, "../../dist/main.js");

/** What one run of the command printed, and its exit status. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed with the int64-exact codec; throws when it is not JSON. */
  json(): unknown;
}

/** Environment of a run: variables to set; the parent's SORTIE_* variables never leak in. */
export type CliEnv = Record<string, string | undefined>;

/** Returns the variables that point the command at `api` with its admin key. */
export function apiEnv(api: LiveApi, extra: CliEnv = {}): CliEnv {
  return { SORTIE_BASE_URL: api.url, SORTIE_API_KEY: api.apiKey, ...extra };
}

/** Runs `node dist/main.js ...args` and waits for it to exit, for up to `timeoutMs`. */
export function runCli(
  args: readonly string[],
  env: CliEnv = {},
  timeoutMs = 60_000,
): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value;

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env: childEnv, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `sortie ${args.join(" ")} did not exit within ${timeoutMs} ms; stderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, json: () => parseJson(stdout) });
    });
  });
}
