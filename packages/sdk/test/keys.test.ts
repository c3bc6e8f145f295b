import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidRequestError, type Sortie, UnauthorizedError } from "../src/index.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

let api: TestApi;
let client: Sortie;
beforeAll(async () => {
  api = await startTestApi();
  client = api.client();
});
afterAll(async () => {
  await api?.close();
});

describe("keys resource", () => {
  it("created key authenticates", async () => {
    const key = await client.keys.create({ name: "ci" });

    expect(key.key_id).toEqual(expect.any(String));
    expect(key.name).toBe("ci");
    expect(key.user_id).toBe(api.userId);
    expect(key.expires).toBeNull();
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    const page = await api.client({ apiKey: key.secret }).sessions.list().page();
    expect(page.items).toEqual(expect.any(Array));
  });

  it("create keeps the expiry", async () => {
    const key = await client.keys.create({ name: "temporary", expires: "2030-01-01T00:00:00Z" });

    expect(key.expires).toBe("2030-01-01T00:00:00.000Z");
  });

  it("list omits secrets", async () => {
    const key = await client.keys.create({ name: "listed" });
    const keys = await client.keys.list().toArray();
    const listed = keys.find((record) => record.key_id === key.key_id);

    expect(listed?.name).toBe("listed");
    expect(listed?.revoked).toBeNull();
    expect(keys.every((record) => !("secret" in record))).toBe(true);
  });

  it("revoked key is rejected", async () => {
    const key = await client.keys.create({ name: "revoked" });
    await client.keys.delete(key.key_id);

    const error = await api
      .client({ apiKey: key.secret })
      .sessions.list()
      .page()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).status).toBe(401);
  });

  it("bad expiry is rejected before sending", async () => {
    const before = api.arrivals.length;
    const error = await client.keys
      .create({ name: "bad", expires: "next year" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).details[0]?.path).toBe("expires");
    expect(api.arrivals.length).toBe(before);
  });
});
