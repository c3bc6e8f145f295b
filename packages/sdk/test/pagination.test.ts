import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  InvalidRequestError,
  ServiceError,
  type SessionRecord,
  type Sortie,
} from "../src/index.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

const SESSION_COUNT = 25;

let api: TestApi;
let client: Sortie;
let createdIds: string[];
beforeAll(async () => {
  api = await startTestApi();
  client = api.client();
  createdIds = [];
  for (let i = 0; i < SESSION_COUNT; i++) {
    createdIds.push((await client.sessions.create({ name: `s${i}` })).session_id);
  }
});
afterAll(async () => {
  await api?.close();
});

function listRequests(): number {
  return api.arrivals.filter(
    (arrival) => arrival.method === "GET" && arrival.path === "/v1/sessions",
  ).length;
}

describe("listings", () => {
  it("iterates across several pages", async () => {
    const before = listRequests();
    const ids: string[] = [];
    for await (const session of client.sessions.list({ limit: 10 })) ids.push(session.session_id);

    expect(ids).toEqual([...createdIds].reverse());
    expect(listRequests() - before).toBe(3);
  });

  it("sends the limit per page", async () => {
    const before = api.arrivals.length;
    await client.sessions.list({ limit: 7 }).toArray();
    const searches = api.arrivals
      .slice(before)
      .map((arrival) => new URLSearchParams(arrival.search));

    expect(searches.length).toBe(4);
    expect(searches.every((search) => search.get("limit") === "7")).toBe(true);
    expect(searches[0]?.has("page_token")).toBe(false);
    expect(searches.slice(1).every((search) => search.has("page_token"))).toBe(true);
  });

  it("page exposes one page", async () => {
    const before = listRequests();
    const page = await client.sessions.list({ limit: 10 }).page();

    expect(page.items.length).toBe(10);
    expect(page.next_token).toEqual(expect.any(String));
    expect(page.hasNextPage()).toBe(true);
    expect(listRequests() - before).toBe(1);
  });

  it("nextPage walks to the end", async () => {
    let page = await client.sessions.list({ limit: 10 }).page();
    const sizes = [page.items.length];
    for (let next = await page.nextPage(); next; next = await page.nextPage()) {
      page = next;
      sizes.push(page.items.length);
    }

    expect(sizes).toEqual([10, 10, 5]);
    expect(page.next_token).toBeNull();
    expect(page.hasNextPage()).toBe(false);
    expect(await page.nextPage()).toBeNull();
  });

  it("starts at a page token", async () => {
    const first = await client.sessions.list({ limit: 10 }).page();
    const rest = await client.sessions.list({ limit: 10, page_token: first.next_token }).toArray();

    expect(rest.map((session) => session.session_id)).toEqual([...createdIds].reverse().slice(10));
  });

  it("pages yields page objects", async () => {
    const sizes: number[] = [];
    for await (const page of client.sessions.list({ limit: 12 }).pages())
      sizes.push(page.items.length);
    expect(sizes).toEqual([12, 12, 1]);
  });

  it("break stops further requests", async () => {
    const before = listRequests();
    let seen = 0;
    for await (const _session of client.sessions.list({ limit: 10 })) {
      seen++;
      if (seen === 3) break;
    }

    expect(seen).toBe(3);
    expect(listRequests() - before).toBe(1);
  });

  it("listing is lazy and repeatable", async () => {
    const before = listRequests();
    const listing = client.sessions.list({ limit: 20 });
    expect(listRequests() - before).toBe(0);

    const first: SessionRecord[] = await listing.toArray();
    const second: SessionRecord[] = await listing.toArray();
    expect(second).toEqual(first);
    expect(listRequests() - before).toBe(4);
  });

  it("rejects a limit out of range", () => {
    expect(() => client.sessions.list({ limit: 0 })).toThrow(InvalidRequestError);
    expect(() => client.sessions.list({ limit: 1001 })).toThrow(InvalidRequestError);
  });

  it("forged page token fails", async () => {
    const error = await client.sessions
      .list({ page_token: "forged" })
      .page()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).status).toBe(400);
  });

  it("plain array is not a page", async () => {
    const arrayClient = api.client({
      fetch: async () =>
        new Response(JSON.stringify({ data: [] }), {
          status: 200,
          headers: { "content-type": "application/json" },
        }),
    });
    const error = await arrayClient.sessions
      .list()
      .page()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).message).toMatch(/did not return a page/);
  });
});
