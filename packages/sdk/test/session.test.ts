import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidRequestError, NotFoundError, type Sortie, stringifyJson } from "../src/index.js";
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

describe("Session object", () => {
  it("addFile returns refreshed session", async () => {
    const file = await registerFile(client);
    const session = await client.sessions.create({ name: "one file" });
    const before = session.modified;

    const result = await session.addFile(file.file_id);

    expect(result).toBe(session);
    expect(session.min_timestamp_ns).toBe(WINDOW[0]);
    expect(session.max_timestamp_ns).toBe(WINDOW[1]);
    expect(typeof session.min_timestamp_ns).toBe("bigint");
    expect(session.modified >= before).toBe(true);
  });

  it("addFile clips to a range", async () => {
    const file = await registerFile(client);
    const session = await client.sessions.create({});

    await session.addFile(file.file_id, {
      range_min_timestamp_ns: WINDOW[0] + 1n,
      range_max_timestamp_ns: WINDOW[0] + 2n,
    });

    expect(session.min_timestamp_ns).toBe(WINDOW[0] + 1n);
    expect(session.max_timestamp_ns).toBe(WINDOW[0] + 2n);
  });

  it("addFiles mixes ids and ranges", async () => {
    const first = await registerFile(client);
    const second = await registerFile(client, [WINDOW[1] + 1n, WINDOW[1] + 100n]);
    const session = await client.sessions.create({});

    await session.addFiles([
      first.file_id,
      {
        file_id: second.file_id,
        range_min_timestamp_ns: WINDOW[1] + 50n,
        range_max_timestamp_ns: WINDOW[1] + 60n,
      },
    ]);

    expect(session.min_timestamp_ns).toBe(WINDOW[0]);
    expect(session.max_timestamp_ns).toBe(WINDOW[1] + 60n);
    const files = await session.listFiles().toArray();
    expect(files.map((view) => view.file_id)).toEqual([first.file_id, second.file_id]);
  });

  it("removeFile and removeFiles recompute bounds", async () => {
    const first = await registerFile(client);
    const second = await registerFile(client, [WINDOW[1] + 1n, WINDOW[1] + 2n]);
    const third = await registerFile(client, [WINDOW[1] + 3n, WINDOW[1] + 4n]);
    const session = await client.sessions.create({});
    await session.addFiles([first.file_id, second.file_id, third.file_id]);

    await session.removeFile(third.file_id);
    expect(session.max_timestamp_ns).toBe(WINDOW[1] + 2n);

    await session.removeFiles([first.file_id, second.file_id]);
    expect(session.min_timestamp_ns).toBeNull();
    expect(session.max_timestamp_ns).toBeNull();
    expect(await session.listFiles().toArray()).toEqual([]);
  });

  it("removeFile of absent file fails", async () => {
    const session = await client.sessions.create({});
    const error = await session.removeFile("fl_absent").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).details.length).toBeGreaterThan(0);
  });

  it("attaches, lists and detaches devices", async () => {
    const robot = await client.devices.create({ device_id: `robot_${crypto.randomUUID()}` });
    const drone = await client.devices.create({ device_id: `drone_${crypto.randomUUID()}` });
    const session = await client.sessions.create({});

    await session.attachDevice(robot.device_id);
    await session.attachDevice(drone.device_id);
    await session.attachDevice(drone.device_id);
    expect((await session.listDevices().toArray()).sort()).toEqual(
      [robot.device_id, drone.device_id].sort(),
    );

    const result = await session.detachDevice(robot.device_id);
    expect(result).toBe(session);
    expect(await session.listDevices().toArray()).toEqual([drone.device_id]);
  });

  it("update sets and clears", async () => {
    const session = await client.sessions.create({ name: "n", description: "d" });

    await session.update({ name: "renamed", description: null });

    expect(session.name).toBe("renamed");
    expect(session.description).toBeNull();
  });

  it("putTags and removeTags", async () => {
    const session = await client.sessions.create({ tags: ["a"] });

    await session.putTags(["b", "a", "c"]);
    expect(session.tags).toEqual(["a", "b", "c"]);

    await session.removeTags(["a", "absent"]);
    expect(session.tags).toEqual(["b", "c"]);
  });

  it("putMetadata and removeMetadata", async () => {
    const session = await client.sessions.create({ metadata: { keep: 1 } });

    await session.putMetadata({ "camera.exposure_ms": 8, "camera.iso": 400 });
    expect(session.metadata).toEqual({ keep: 1, camera: { exposure_ms: 8, iso: 400 } });

    await session.removeMetadata(["camera.exposure_ms", "camera.iso", "missing.path"]);
    expect(session.metadata).toEqual({ keep: 1 });
  });

  it("setCustomField sends a changeset", async () => {
    const session = await client.sessions.create({});
    const single = await session
      .setCustomField("weather", "clear")
      .catch((caught: unknown) => caught);
    const several = await session
      .setCustomFields({ weather: "clear", wind_kmh: 3 })
      .catch((caught: unknown) => caught);

    expect(single).toBeInstanceOf(InvalidRequestError);
    expect((single as InvalidRequestError).status).toBe(400);
    expect((single as InvalidRequestError).details.map((detail) => detail.path)).toEqual([
      "custom_fields_changeset.set_fields.weather",
    ]);
    expect((several as InvalidRequestError).details.map((detail) => detail.path).sort()).toEqual([
      "custom_fields_changeset.set_fields.weather",
      "custom_fields_changeset.set_fields.wind_kmh",
    ]);
  });

  it("clearCustomField sends a changeset", async () => {
    const session = await client.sessions.create({});
    const single = await session.clearCustomField("weather").catch((caught: unknown) => caught);
    const several = await session
      .clearCustomFields(["weather", "wind_kmh"])
      .catch((caught: unknown) => caught);

    expect(single).toBeInstanceOf(InvalidRequestError);
    expect((single as InvalidRequestError).details.map((detail) => detail.value)).toEqual([
      "weather",
    ]);
    expect((several as InvalidRequestError).details.map((detail) => detail.value)).toEqual([
      "weather",
      "wind_kmh",
    ]);
  });

  it("refresh reads other writers' changes", async () => {
    const session = await client.sessions.create({ name: "mine" });
    await client.sessions.update(session.session_id, { name: "theirs" });

    expect(session.name).toBe("mine");
    await session.refresh();
    expect(session.name).toBe("theirs");
  });

  it("delete removes the session", async () => {
    const session = await client.sessions.create({ name: "gone" });
    await session.delete();

    const error = await session.refresh().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(session.name).toBe("gone");
  });

  it("stale etag rejects a write", async () => {
    const session = await client.sessions.create({ tags: [] });
    const stale = session.etag;
    await session.putTags(["first"]);

    const error = await session
      .putTags(["second"], { ifMatch: stale })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as { status?: number }).status).toBe(412);

    await session.putTags(["second"], { ifMatch: session.etag });
    expect(session.tags).toEqual(["first", "second"]);
  });

  it("serializes as its record", async () => {
    const file = await registerFile(client);
    const session = await client.sessions.create({ files: [{ file_id: file.file_id }] });

    const text = stringifyJson(session);

    expect(text).toContain(`"min_timestamp_ns":${WINDOW[0]}`);
    expect(text).toContain(`"session_id":"${session.session_id}"`);
  });
});
