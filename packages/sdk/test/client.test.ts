import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigurationError, DEFAULT_BASE_URL, type Fetch, Sortie } from "../src/index.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

const ENV_NAMES = ["SORTIE_BASE_URL", "SORTIE_API_KEY", "SORTIE_ORG_ID"] as const;
const savedEnv = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});
afterEach(() => {
  for (const name of ENV_NAMES) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

describe("client options", () => {
  it("reads settings from environment", async () => {
    process.env.SORTIE_BASE_URL = api.url;
    process.env.SORTIE_API_KEY = api.apiKey;
    process.env.SORTIE_ORG_ID = api.orgId;

    const client = new Sortie({ logLevel: "off" });
    const before = api.arrivals.length;
    const session = await client.sessions.create({ name: "from env" });

    expect(client.baseUrl).toBe(api.url);
    expect(client.orgId).toBe(api.orgId);
    expect(session.org_id).toBe(api.orgId);
    const arrival = api.arrivals[before];
    expect(arrival?.headers.get("x-roboto-org-id")).toBe(api.orgId);
    expect(arrival?.headers.get("authorization")).toBe(`Bearer ${api.apiKey}`);
  });

  it("options win over environment", () => {
    process.env.SORTIE_BASE_URL = "http://127.0.0.1:9";
    process.env.SORTIE_ORG_ID = "og_env";

    const client = new Sortie({ baseUrl: api.url, apiKey: "key", orgId: "og_option" });

    expect(client.baseUrl).toBe(api.url);
    expect(client.orgId).toBe("og_option");
  });

  it("defaults to the local API", () => {
    delete process.env.SORTIE_BASE_URL;
    expect(new Sortie({ apiKey: "key" }).baseUrl).toBe(DEFAULT_BASE_URL);
  });

  it("missing API key fails early", () => {
    delete process.env.SORTIE_API_KEY;
    expect(() => new Sortie({ baseUrl: api.url })).toThrow(ConfigurationError);
    expect(() => new Sortie({ baseUrl: api.url })).toThrow(/SORTIE_API_KEY/);
  });

  it("rejects unusable settings", () => {
    expect(() => new Sortie({ apiKey: "key", baseUrl: "not a url" })).toThrow(ConfigurationError);
    expect(() => new Sortie({ apiKey: "key", baseUrl: "ftp://127.0.0.1" })).toThrow(/http/);
    expect(() => new Sortie({ apiKey: "key", timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new Sortie({ apiKey: "key", maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => new Sortie({ apiKey: "key", maxRetries: 1.5 })).toThrow(/maxRetries/);
  });

  it("trailing slash in base URL", async () => {
    const client = api.client({ baseUrl: `${api.url}/` });
    const page = await client.sessions.list().page();

    expect(client.baseUrl).toBe(api.url);
    expect(page.items).toEqual(expect.any(Array));
  });

  it("uses a given fetch", async () => {
    const seen: string[] = [];
    const counting: Fetch = (input, init) => {
      seen.push(`${init.method} ${new URL(input).pathname}`);
      return fetch(input, init);
    };
    const client = api.client({ fetch: counting });

    await client.sessions.list().page();

    expect(seen).toEqual(["GET /v1/sessions"]);
  });

  it("sends default and request headers", async () => {
    const client = api.client({ defaultHeaders: { "x-team": "perception" } });
    const before = api.arrivals.length;

    await client.sessions.list({}, { headers: { "x-run": "7" } }).page();

    const arrival = api.arrivals[before];
    expect(arrival?.headers.get("x-team")).toBe("perception");
    expect(arrival?.headers.get("x-run")).toBe("7");
    expect(arrival?.headers.get("accept")).toBe("application/json");
  });

  it("escapes ids in paths", async () => {
    const client = api.client();
    const before = api.arrivals.length;

    await client.sessions.retrieve("../devices/x?y#z").catch(() => undefined);

    expect(api.arrivals[before]?.path).toBe("/v1/sessions/id/..%2Fdevices%2Fx%3Fy%23z");
  });
});
