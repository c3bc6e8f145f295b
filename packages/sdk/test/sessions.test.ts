import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConflictError,
  DeviceNotFoundError,
  NotFoundError,
  PreconditionFailedError,
  Session,
  type Sortie,
} from "../src/index.js";
import { collect, registerFile, WINDOW } from "./support/fixtures.js";
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

describe("sessions resource", () => {
  it("creates a session object", async () => {
    const session = await client.sessions.create({
      name: "flight 1",
      description: "first",
      tags: ["night", "night", "wind"],
      metadata: { pilot: "ada" },
    });

    expect(session).toBeInstanceOf(Session);
    expect(session.session_id).toMatch(/^ss_/);
    expect(session.org_id).toBe(api.orgId);
    expect(session.name).toBe("flight 1");
    expect(session.description).toBe("first");
    expect(session.tags).toEqual(["night", "wind"]);
    expect(session.metadata).toEqual({ pilot: "ada" });
    expect(session.custom_fields).toEqual({});
    expect(session.min_timestamp_ns).toBeNull();
    expect(session.created_by).toBe(api.userId);
    expect(session.etag).toMatch(/^".+"$/);
  });

  it("retrieves by id", async () => {
    const created = await client.sessions.create({ name: "read me" });
    const read = await client.sessions.retrieve(created.session_id);

    expect(read.record).toEqual(created.record);
    expect(read.etag).toBe(created.etag);
  });

  it("retrieves by key with slash", async () => {
    const key = `flights/42 ${crypto.randomUUID()}`;
    const created = await client.sessions.create({ key, name: "keyed" });
    const read = await client.sessions.retrieveByKey(key);

    expect(read.session_id).toBe(created.session_id);
    expect(read.key).toBe(key);
  });

  it("rejects a taken key", async () => {
    const key = `taken-${crypto.randomUUID()}`;
    const first = await client.sessions.create({ key });
    const error = await client.sessions.create({ key }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toContain(first.session_id);
  });

  it("creates with files and devices", async () => {
    const file = await registerFile(client);
    const device = await client.devices.create({ device_id: `robot_${crypto.randomUUID()}` });
    const session = await client.sessions.create({
      files: [{ file_id: file.file_id }],
      device_ids: [device.device_id],
    });

    expect(session.min_timestamp_ns).toBe(WINDOW[0]);
    expect(session.max_timestamp_ns).toBe(WINDOW[1]);
    expect(await collect(client.sessions.listDevices(session.session_id))).toEqual([
      device.device_id,
    ]);
  });

  it("updates name and metadata", async () => {
    const created = await client.sessions.create({ name: "before", description: "kept" });
    const updated = await client.sessions.update(created.session_id, {
      name: "after",
      metadata_changeset: { put_tags: ["t"], put_fields: { "camera.exposure": 8 } },
    });

    expect(updated.name).toBe("after");
    expect(updated.description).toBe("kept");
    expect(updated.tags).toEqual(["t"]);
    expect(updated.metadata).toEqual({ camera: { exposure: 8 } });
  });

  it("update honours if-match", async () => {
    const created = await client.sessions.create({ name: "v1" });
    const fresh = await client.sessions.update(
      created.session_id,
      { name: "v2" },
      { ifMatch: created.etag },
    );
    const error = await client.sessions
      .update(created.session_id, { name: "v3" }, { ifMatch: created.etag })
      .catch((caught: unknown) => caught);

    expect(fresh.name).toBe("v2");
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect((await client.sessions.retrieve(created.session_id)).name).toBe("v2");
  });

  it("deletes a session", async () => {
    const created = await client.sessions.create({ name: "doomed" });
    await client.sessions.delete(created.session_id);
    const error = await client.sessions
      .retrieve(created.session_id)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NotFoundError);
  });

  it("lists sessions newest first", async () => {
    const older = await client.sessions.create({ name: "older" });
    const newer = await client.sessions.create({ name: "newer" });
    const ids = (await client.sessions.list({ limit: 1000 }).toArray()).map(
      (record) => record.session_id,
    );

    expect(ids.indexOf(newer.session_id)).toBeLessThan(ids.indexOf(older.session_id));
    expect(ids.indexOf(older.session_id)).toBeGreaterThanOrEqual(0);
  });

  it("adds and removes files", async () => {
    const wide = await registerFile(client);
    const late = await registerFile(client, [WINDOW[1] + 10n, WINDOW[1] + 20n]);
    const session = await client.sessions.create({});

    const added = await client.sessions.addFiles(session.session_id, {
      files: [
        {
          file_id: wide.file_id,
          range_min_timestamp_ns: WINDOW[0] + 5n,
          range_max_timestamp_ns: WINDOW[0] + 9n,
        },
        { file_id: late.file_id },
      ],
    });
    expect(added.min_timestamp_ns).toBe(WINDOW[0] + 5n);
    expect(added.max_timestamp_ns).toBe(WINDOW[1] + 20n);

    const views = await client.sessions.listFiles(session.session_id).toArray();
    expect(views.map((view) => view.file_id)).toEqual([wide.file_id, late.file_id]);
    expect(views[0]?.range_min_timestamp_ns).toBe(WINDOW[0] + 5n);
    expect(views[1]?.min_timestamp_ns).toBe(WINDOW[1] + 10n);

    const removed = await client.sessions.removeFiles(session.session_id, {
      file_ids: [late.file_id],
    });
    expect(removed.max_timestamp_ns).toBe(WINDOW[0] + 9n);
  });

  it("attaches and detaches devices", async () => {
    const device = await client.devices.create({ device_id: `arm_${crypto.randomUUID()}` });
    const session = await client.sessions.create({});

    await client.sessions.attachDevice(session.session_id, { device_id: device.device_id });
    expect(await client.sessions.listDevices(session.session_id).toArray()).toEqual([
      device.device_id,
    ]);

    await client.sessions.detachDevice(session.session_id, { device_id: device.device_id });
    expect(await client.sessions.listDevices(session.session_id).toArray()).toEqual([]);

    const error = await client.sessions
      .detachDevice(session.session_id, { device_id: device.device_id })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceNotFoundError);
  });

  it("wraps a listed record", async () => {
    const created = await client.sessions.create({ name: "wrapped" });
    const page = await client.sessions.list({ limit: 1 }).page();
    const session = client.sessions.wrap(page.items[0]!);

    expect(session.session_id).toBe(created.session_id);
    expect((await session.putTags(["w"])).tags).toEqual(["w"]);
  });
});
