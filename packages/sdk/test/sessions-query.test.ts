import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidRequestError, type Sortie } from "../src/index.js";
import { collect } from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

let api: TestApi;
let client: Sortie;
beforeAll(async () => {
  api = await startTestApi();
  client = api.client();
  for (let i = 0; i < 7; i++) {
    await client.sessions.create({ name: `query ${i}`, tags: i % 2 === 0 ? ["even"] : ["odd"] });
  }
});
afterAll(async () => {
  await api?.close();
});

describe("sessions.query", () => {
  it("finds sessions by a query string", async () => {
    const found = await collect(
      client.sessions.query({
        query: "tags CONTAINS 'even'",
        sort_by: "name",
        sort_direction: "asc",
        limit: 2,
      }),
    );

    expect(found.map((session) => session.name)).toEqual([
      "query 0",
      "query 2",
      "query 4",
      "query 6",
    ]);
  });

  it("finds sessions by a condition tree", async () => {
    const page = await client.sessions
      .query({ condition: { field: "name", comparator: "BEGINS_WITH", value: "query 1" } })
      .page();

    expect(page.items.map((session) => session.name)).toEqual(["query 1"]);
    expect(page.next_token).toBeNull();
  });

  it("raises the API's error for a bad query", async () => {
    const error = await collect(client.sessions.query({ query: "name === 'x'" })).catch(
      (caught) => caught,
    );

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).status).toBe(400);
    expect((error as InvalidRequestError).details[0]?.path).toBe("query");
  });
});
