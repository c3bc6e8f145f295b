import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveApi, startLiveApi } from "./support/live-api.js";
import { apiEnv, runCli } from "./support/run-cli.js";

let api: LiveApi;
beforeAll(async () => {
  api = await startLiveApi();
});
afterAll(async () => {
  await api?.close();
});

// A port of 127.0.0.1 where nothing listens: bound once, then released.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port was bound");
  return address.port;
}

describe("exit status", () => {
  it("help exits 0", async () => {
    const result = await runCli(["--help"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: sortie");
    expect(result.stdout).toContain("custom-fields");
  });

  it("version exits 0", async () => {
    const result = await runCli(["--version"]);

    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("0.1.0");
  });

  it("unknown command exits 2", async () => {
    const result = await runCli(["flights"], apiEnv(api));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'flights'");
  });

  it("unknown option exits 2", async () => {
    const result = await runCli(["sessions", "ls", "--colour"], apiEnv(api));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--colour'");
  });

  it("missing argument exits 2", async () => {
    const result = await runCli(["sessions", "attach", "ss_1"], apiEnv(api));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing required argument 'device_id'");
  });

  it("invalid option value exits 2", async () => {
    const result = await runCli(["sessions", "ls", "--limit", "0"], apiEnv(api));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("expected a whole number of at least 1");
  });

  it("group without subcommand exits 2", async () => {
    const result = await runCli(["sessions"], apiEnv(api));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage: sortie sessions");
  });

  it("missing API key exits 2", async () => {
    const result = await runCli(["sessions", "ls"], { SORTIE_BASE_URL: api.url });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: missing API key: pass --api-key or set SORTIE_API_KEY (sortie serve prints the first admin key on first start)\n",
    );
  });

  it("body rejected locally exits 2", async () => {
    const result = await runCli(["sessions", "create", "--name", "x".repeat(121)], apiEnv(api));

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*name/);
    expect(result.stderr).not.toContain("request id");
  });

  it("API error exits 1 with request id", async () => {
    const result = await runCli(["sessions", "show", "ss_missing"], apiEnv(api));

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: .*ss_missing.* \(request id req_[a-z0-9]+\)\n/);
  });

  it("error lists offending fields", async () => {
    const result = await runCli(
      ["sessions", "create", "--field", "weather=clear", "--field", "wind_kmh=3"],
      apiEnv(api),
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("(request id req_");
    expect(result.stderr).toContain("  custom_fields.weather: ");
    expect(result.stderr).toContain("  custom_fields.wind_kmh: ");
  });

  it("wrong API key exits 1", async () => {
    const result = await runCli(["sessions", "ls"], apiEnv(api, { SORTIE_API_KEY: "sk_wrong" }));

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*\(request id req_[a-z0-9]+\)/);
  });

  it("unreachable API exits 1", async () => {
    const port = await closedPort();
    const result = await runCli([
      "sessions",
      "ls",
      "--base-url",
      `http://127.0.0.1:${port}`,
      "--api-key",
      "sk_any",
    ]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`http://127.0.0.1:${port}/v1/sessions`);
    expect(result.stderr).toContain("failed before a response arrived");
  }, 30_000);

  it("options override the environment", async () => {
    const result = await runCli(
      ["sessions", "ls", "--json", "--api-key", api.apiKey],
      apiEnv(api, { SORTIE_API_KEY: "sk_wrong" }),
    );

    expect(result.code).toBe(0);
    expect(result.json()).toEqual(expect.any(Array));
  });
});
