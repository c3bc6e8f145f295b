import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, type Sortie } from "../src/index.js";
import { registerFile, WINDOW } from "./support/fixtures.js";
import { type Arrival, startTestApi, type TestApi } from "./support/test-api.js";

let api: TestApi;
let client: Sortie;
beforeAll(async () => {
  api = await startTestApi();
  client = api.client({ orgId: api.orgId });
});
afterAll(async () => {
  await api?.close();
});

// Runs `call` after the app's response to the next request is lost, and
// returns the call's result with the requests that reached the server.
async function afterLostResponse<T>(call: () => Promise<T>): Promise<[T, Arrival[]]> {
  api.failNext({ loseResponse: true });
  const before = api.arrivals.length;
  const result = await call();
  return [result, api.arrivals.slice(before)];
}

function keysOf(arrivals: Arrival[]): Array<string | null> {
  return arrivals.map((arrival) => arrival.headers.get("idempotency-key"));
}

describe("idempotent replays", () => {
  it("lost create response replays", async () => {
    const name = `replayed ${crypto.randomUUID()}`;

    const [session, arrivals] = await afterLostResponse(() => client.sessions.create({ name }));

    expect(arrivals.length).toBe(2);
    expect(new Set(keysOf(arrivals)).size).toBe(1);
    const named = (await client.sessions.list({ limit: 1000 }).toArray()).filter(
      (record) => record.name === name,
    );
    expect(named.map((record) => record.session_id)).toEqual([session.session_id]);
    expect(session.etag).toEqual(expect.any(String));
  });

  it("lost removeFile response replays", async () => {
    const file = await registerFile(client);
    const session = await client.sessions.create({ files: [{ file_id: file.file_id }] });
    expect(session.min_timestamp_ns).toBe(WINDOW[0]);

    // A second removal would be a 404, because the file no longer contributes.
    const [result, arrivals] = await afterLostResponse(() => session.removeFile(file.file_id));

    expect(arrivals.length).toBe(2);
    expect(result.min_timestamp_ns).toBeNull();
    expect(await session.listFiles().toArray()).toEqual([]);
  });

  it("lost delete response replays", async () => {
    const session = await client.sessions.create({ name: "deleted once" });

    const [, arrivals] = await afterLostResponse(() => session.delete());

    expect(arrivals.length).toBe(2);
    const error = await session.refresh().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it("lost device create replays", async () => {
    const [device, arrivals] = await afterLostResponse(() =>
      client.devices.create({ device_id: "replayed_robot" }),
    );

    expect(arrivals.length).toBe(2);
    expect(device.device_id).toBe("replayed_robot");
    const ids = (await client.devices.list().toArray()).map((record) => record.device_id);
    expect(ids.filter((id) => id === "replayed_robot")).toHaveLength(1);
  });

  it("lost custom field create replays", async () => {
    const [field, arrivals] = await afterLostResponse(() =>
      client.customFields.create({
        entity_type: "session",
        field_name: "replayed_field",
        field_type: "string",
      }),
    );

    expect(arrivals.length).toBe(2);
    const listed = await client.customFields.list({ entity_type: "session" }).toArray();
    expect(
      listed
        .filter((record) => record.field_name === "replayed_field")
        .map((record) => record.field_id),
    ).toEqual([field.field_id]);
  });

  it("same key and body replay", async () => {
    const first = await client.sessions.create({ name: "keyed" }, { idempotencyKey: "run-1" });
    const second = await client.sessions.create({ name: "keyed" }, { idempotencyKey: "run-1" });

    expect(second.session_id).toBe(first.session_id);
  });

  it("same key with another body conflicts", async () => {
    await client.sessions.create({ name: "first body" }, { idempotencyKey: "run-2" });
    const error = await client.sessions
      .create({ name: "second body" }, { idempotencyKey: "run-2" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).status).toBe(409);
    expect((error as ConflictError).details[0]?.path).toBe("Idempotency-Key");
  });

  it("lost upload response conflicts", async () => {
    const dataset = await client.datasets.create({ name: "uploads" });

    // Uploads are streamed, so the API stores no replay for them.
    api.failNext({ loseResponse: true });
    const error = await client.datasets
      .uploadFile(dataset.dataset_id, "run.bin", new Uint8Array([1, 2, 3]))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConflictError);
    const [file] = await client.datasets.listFiles(dataset.dataset_id).toArray();
    expect((error as ConflictError).details[0]?.existing_file_id).toBe(file?.file_id);
  });
});
