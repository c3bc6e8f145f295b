import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidRequestError, type Sortie } from "../src/index.js";
import { registerFile, WINDOW } from "./support/fixtures.js";
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

// Runs a call that must fail before sending, and returns its error.
async function rejectedLocally(
  call: () => Promise<unknown> | unknown,
): Promise<InvalidRequestError> {
  const before = api.arrivals.length;
  let caught: unknown;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  expect(api.arrivals.length).toBe(before);
  expect(caught).toBeInstanceOf(InvalidRequestError);
  return caught as InvalidRequestError;
}

describe("request validation", () => {
  it("half-open window never leaves", async () => {
    const file = await registerFile(client);
    const session = await client.sessions.create({});

    const error = await rejectedLocally(() =>
      session.addFiles([{ file_id: file.file_id, range_min_timestamp_ns: WINDOW[0] }]),
    );

    expect(error.status).toBeUndefined();
    expect(error.code).toBe("RobotoInvalidRequestException");
    expect(error.details).toEqual([
      expect.objectContaining({ path: "files.0.range_max_timestamp_ns" }),
    ]);
    expect(error.message).toContain("range_max_timestamp_ns");
  });

  it("reversed range never leaves", async () => {
    const error = await rejectedLocally(() =>
      client.sessions.addFiles("ss_any", {
        files: [{ file_id: "fl_any", range_min_timestamp_ns: 10n, range_max_timestamp_ns: 9n }],
      }),
    );
    expect(error.details[0]?.path).toBe("files.0.range_min_timestamp_ns");
  });

  it("number timestamp is rejected", async () => {
    const error = await rejectedLocally(() =>
      client.datasets.registerFile("ds_any", {
        relative_path: "a.mcap",
        start_time_ns: 1_700_000_000_000_000_000 as unknown as bigint,
        end_time_ns: 1_700_000_000_000_000_001n,
      }),
    );
    expect(error.details[0]?.path).toBe("start_time_ns");
  });

  it("matches the API's details shape", async () => {
    const local = await rejectedLocally(() => client.sessions.create({ name: "x".repeat(121) }));
    const response = await fetch(`${api.url}/v1/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(121) }),
    });
    const server = (await response.json()) as { error: { message: string }; details: unknown[] };

    expect(local.details).toEqual(server.details);
    expect(local.message).toBe(server.error.message);
  });

  it("lists every problem at once", async () => {
    const error = await rejectedLocally(() =>
      client.sessions.create({ name: 7 as unknown as string, tags: [""], key: "" }),
    );
    expect([...new Set(error.details.map((detail) => detail.path))].sort()).toEqual([
      "key",
      "name",
      "tags.0",
    ]);
  });

  it("bad session key never leaves", async () => {
    await rejectedLocally(() => client.sessions.retrieveByKey(""));
  });

  it("bad relative path never leaves", async () => {
    const error = await rejectedLocally(() =>
      client.datasets.uploadFile("ds_any", "../escape.mcap", "bytes"),
    );
    expect(error.message).toContain("relative path");
  });

  it("query needs query or condition", async () => {
    await rejectedLocally(() => client.sessions.query({}));
    await rejectedLocally(() =>
      client.sessions.query({
        query: "tags CONTAINS 'a'",
        condition: { field: "name", comparator: "EQUALS", value: "x" },
      }),
    );
    await rejectedLocally(() =>
      client.sessions.query({ condition: { operator: "NOT", conditions: [] } }),
    );
    await rejectedLocally(() =>
      client.sessions.query({ query: "name = 'x'", sort_direction: "sideways" }),
    );
  });

  it("custom field bodies are checked", async () => {
    await rejectedLocally(() =>
      client.customFields.create({
        entity_type: "session",
        field_name: "Bad Name",
        field_type: "string",
      }),
    );
    await rejectedLocally(() =>
      client.customFields.create({
        entity_type: "session",
        field_name: "weather",
        field_type: "enum",
      }),
    );
    await rejectedLocally(() =>
      client.customFields.retrieveByName("weather", "planet" as "session"),
    );
    await rejectedLocally(() => client.customFields.list({ limit: 0 }));
  });

  it("update changeset is checked", async () => {
    const error = await rejectedLocally(() =>
      client.sessions.update("ss_any", {
        custom_fields_changeset: { set_fields: { weather: "clear" }, clear_fields: ["weather"] },
      }),
    );
    expect(error.details[0]?.path).toBe("custom_fields_changeset.clear_fields");
  });
});
