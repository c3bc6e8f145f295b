import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, Session, type Sortie } from "../src/index.js";
import { WINDOW } from "./support/fixtures.js";
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

describe("datasets resource", () => {
  it("creates and retrieves a dataset", async () => {
    const device = await client.devices.create({ device_id: "drone_7" });
    const created = await client.datasets.create({
      name: "flight logs",
      description: "April",
      device_id: device.device_id,
      tags: ["april"],
      metadata: { site: "field" },
    });
    const read = await client.datasets.retrieve(created.dataset_id);

    expect(created.dataset_id).toMatch(/^ds_/);
    expect(created.device_id).toBe("drone_7");
    expect(read).toEqual(created);
  });

  it("lists datasets newest first", async () => {
    const older = await client.datasets.create({ name: "older" });
    const newer = await client.datasets.create({ name: "newer" });
    const ids = (await client.datasets.list().toArray()).map((dataset) => dataset.dataset_id);

    expect(ids.indexOf(newer.dataset_id)).toBeLessThan(ids.indexOf(older.dataset_id));
  });

  it("registers a file exactly", async () => {
    const dataset = await client.datasets.create({});
    const file = await client.datasets.registerFile(dataset.dataset_id, {
      relative_path: "flights/run1.mcap",
      size: 1024,
      start_time_ns: WINDOW[0],
      end_time_ns: WINDOW[1],
      tags: ["raw"],
      origination: "s3://bucket/run1.mcap",
    });

    expect(file.file_id).toMatch(/^fl_/);
    expect(file.dataset_id).toBe(dataset.dataset_id);
    expect(file.start_time_ns).toBe(WINDOW[0]);
    expect(file.end_time_ns).toBe(WINDOW[1]);
    expect(file.size).toBe(1024);
  });

  it("rejects a taken relative path", async () => {
    const dataset = await client.datasets.create({});
    await client.datasets.registerFile(dataset.dataset_id, { relative_path: "a.bag" });
    const error = await client.datasets
      .registerFile(dataset.dataset_id, { relative_path: "a.bag" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConflictError);
  });

  it("lists files by path", async () => {
    const dataset = await client.datasets.create({});
    for (const path of ["c.mcap", "a.mcap", "b.mcap"]) {
      await client.datasets.registerFile(dataset.dataset_id, { relative_path: path });
    }

    const files = await client.datasets.listFiles(dataset.dataset_id, { limit: 2 }).toArray();
    expect(files.map((file) => file.relative_path)).toEqual(["a.mcap", "b.mcap", "c.mcap"]);
  });

  it("creates a session from files", async () => {
    await client.devices.create({ device_id: "rover_1" });
    const dataset = await client.datasets.create({ device_id: "rover_1" });
    await client.datasets.registerFile(dataset.dataset_id, {
      relative_path: "one.mcap",
      start_time_ns: WINDOW[0],
      end_time_ns: WINDOW[0] + 10n,
    });
    await client.datasets.registerFile(dataset.dataset_id, {
      relative_path: "two.mcap",
      start_time_ns: WINDOW[1] - 10n,
      end_time_ns: WINDOW[1],
    });

    const session = await client.datasets.createSession(dataset.dataset_id, {
      name: "from dataset",
      tags: ["auto"],
    });

    expect(session).toBeInstanceOf(Session);
    expect(session.name).toBe("from dataset");
    expect(session.min_timestamp_ns).toBe(WINDOW[0]);
    expect(session.max_timestamp_ns).toBe(WINDOW[1]);
    expect(await session.listDevices().toArray()).toEqual(["rover_1"]);
    const listed = await client.datasets.listSessions(dataset.dataset_id).toArray();
    expect(listed.map((record) => record.session_id)).toEqual([session.session_id]);
  });

  it("deletes a dataset", async () => {
    const dataset = await client.datasets.create({});
    await client.datasets.delete(dataset.dataset_id);

    const error = await client.datasets
      .retrieve(dataset.dataset_id)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
  });
});
