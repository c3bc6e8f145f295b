import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_PATH, runCli } from "./support/run-cli.js";

const ADMIN_KEY = "sk_cli_serve_test_admin_key_0123456789";

/** A `sortie serve` child process and what it printed so far. */
interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  exited: Promise<number | null>;
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sortie-cli-serve-"));
});
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

// Starts `sortie serve` on a free port and waits for its "listening" log line.
function serve(env: Record<string, string>): Promise<Served> {
  const child = spawn(process.execPath, [CLI_PATH, "serve", "--port", "0", "--data-dir", dataDir], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "info", ...env },
    stdio: "pipe",
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`sortie serve printed no listening line within 20 s; stderr: ${stderr}`));
    }, 20_000);
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stdout)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, stdout: () => stdout, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sortie serve exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
}

describe("serve", () => {
  it("serves the API until SIGTERM", async () => {
    const served = await serve({ SORTIE_ADMIN_API_KEY: ADMIN_KEY, SORTIE_ORG_ID: "og_cli_test" });

    const listed = await runCli(["sessions", "ls", "--json"], {
      SORTIE_BASE_URL: served.url,
      SORTIE_API_KEY: ADMIN_KEY,
    });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json()).toEqual([]);

    // The first start names the org and keeps the given key off the output.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(served.stdout()).toContain("First start: created org og_cli_test with an admin user.");
    expect(served.stdout()).not.toContain(ADMIN_KEY);

    served.child.kill("SIGTERM");
    expect(await served.exited).toBe(0);
    expect(served.stdout()).toContain('"msg":"stopped"');
  });

  it("second start keeps the data", async () => {
    const served = await serve({});

    const listed = await runCli(["sessions", "ls"], {
      SORTIE_BASE_URL: served.url,
      SORTIE_API_KEY: ADMIN_KEY,
    });
    expect(listed.code, listed.stderr).toBe(0);
    expect(served.stdout()).not.toContain("First start");

    served.child.kill("SIGINT");
    expect(await served.exited).toBe(0);
  });

  it("invalid port option exits 2", async () => {
    const result = await runCli(["serve", "--port", "http", "--data-dir", dataDir]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("expected a port number from 0 to 65535");
  });

  it("invalid PORT variable exits 2", async () => {
    const result = await runCli(["serve", "--data-dir", dataDir], { PORT: "http" });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: PORT must be an integer from 0 to 65535, got 'http'\n");
  });
});
