import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "./support/databases.js";
import { createDevice, createSession, expectApiError, readAllPages } from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe.each(TEST_DIALECTS)("devices on %s", (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("creates and reads a device", async () => {
    const created = await api.post("/v1/devices/create", {
      device_id: "robot_001",
      name: "Jackal",
      tags: ["ugv", "ugv", "lidar"],
      metadata: { serial: "J-42", sensors: { lidar: true } },
    });

    expect(created.status, created.text).toBe(200);
    const device = created.body.data;
    expect(device.device_id).toBe("robot_001");
    expect(device.org_id).toBe(api.orgId);
    expect(device.name).toBe("Jackal");
    expect(device.tags).toEqual(["ugv", "lidar"]);
    expect(device.metadata).toEqual({ serial: "J-42", sensors: { lidar: true } });
    expect(device.custom_fields).toEqual({});
    expect(device.created).toMatch(RFC3339_UTC);
    expect(device.modified).toMatch(RFC3339_UTC);
    expect(device.created_by).toBe(api.userId);
    expect(device.modified_by).toBe(api.userId);

    const read = await api.get("/v1/devices/id/robot_001");
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(device);
  });

  it("defaults absent lists to empty", async () => {
    const created = await api.post("/v1/devices/create", {
      device_id: "bare_1",
      tags: null,
      metadata: null,
    });

    expect(created.status, created.text).toBe(200);
    expect(created.body.data.tags).toEqual([]);
    expect(created.body.data.metadata).toEqual({});
    expect(created.body.data.name).toBeNull();
  });

  it("makes an id when none given", async () => {
    const created = await api.post("/v1/devices/create", { metadata: {}, tags: [] });

    expect(created.status, created.text).toBe(200);
    expect(created.body.data.device_id).toMatch(/^dv_/);
    expect((await api.get(`/v1/devices/id/${created.body.data.device_id}`)).status).toBe(200);
  });

  it("returns 409 on a duplicate id", async () => {
    await api.post("/v1/devices/create", { device_id: "robot_dup", name: "first" });

    const again = await api.post("/v1/devices/create", { device_id: "robot_dup", name: "second" });

    expectApiError(again, 409, "RobotoConflictException");
    expect(again.body.error.message).toContain("robot_dup");
    expect(again.body.details[0].path).toBe("device_id");
    expect((await api.get("/v1/devices/id/robot_dup")).body.data.name).toBe("first");
  });

  it("rejects invalid device ids", async () => {
    for (const deviceId of [
      "-leading-dash",
      "has space",
      "",
      "x".repeat(129),
      "slash/inside",
      42,
    ]) {
      const response = await api.post("/v1/devices/create", { device_id: deviceId });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path, String(deviceId)).toBe("device_id");
    }
  });

  it("accepts ids of every allowed character", async () => {
    const response = await api.post("/v1/devices/create", { device_id: "Robot_9.a:b-c" });

    expect(response.status, response.text).toBe(200);
    expect((await api.get(`/v1/devices/id/${encodeURIComponent("Robot_9.a:b-c")}`)).status).toBe(
      200,
    );
  });

  it("updates name and metadata", async () => {
    await api.post("/v1/devices/create", {
      device_id: "robot_upd",
      name: "old",
      tags: ["a"],
      metadata: { fw: "1.0" },
    });

    const renamed = await api.put("/v1/devices/id/robot_upd", {
      name: "new",
      metadata_changeset: {
        put_tags: ["b"],
        remove_tags: ["a"],
        put_fields: { fw: "2.0", "arm.joints": 6 },
      },
    });
    const untouched = await api.put("/v1/devices/id/robot_upd", {
      metadata_changeset: null,
      custom_fields_changeset: null,
    });

    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.data.name).toBe("new");
    expect(renamed.body.data.tags).toEqual(["b"]);
    expect(renamed.body.data.metadata).toEqual({ fw: "2.0", arm: { joints: 6 } });
    expect(untouched.status, untouched.text).toBe(200);
    expect(untouched.body.data.name).toBe("new");
    expect(untouched.body.data.metadata).toEqual({ fw: "2.0", arm: { joints: 6 } });
  });

  it("clears the name with null", async () => {
    await api.post("/v1/devices/create", { device_id: "robot_named", name: "temporary" });

    const cleared = await api.put("/v1/devices/id/robot_named", { name: null });

    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.body.data.name).toBeNull();
  });

  it("rejects an invalid changeset", async () => {
    await api.post("/v1/devices/create", { device_id: "robot_bad_cs", metadata: { list: [] } });

    const response = await api.put("/v1/devices/id/robot_bad_cs", {
      name: "changed",
      metadata_changeset: { put_fields: { "list.2.x": 1 } },
    });

    expectApiError(response, 400, "RobotoInvalidRequestException");
    expect(response.body.details[0].path).toBe("metadata_changeset.put_fields.list.2.x");
    const read = await api.get("/v1/devices/id/robot_bad_cs");
    expect(read.body.data.name).toBeNull();
    expect(read.body.data.metadata).toEqual({ list: [] });
  });

  it("returns 404 for unknown devices", async () => {
    const reads = [
      await api.get("/v1/devices/id/ghost_device"),
      await api.put("/v1/devices/id/ghost_device", { name: "x" }),
      await api.delete("/v1/devices/id/ghost_device"),
      await api.get("/v1/devices/id/ghost_device/sessions"),
    ];

    for (const response of reads) {
      expectApiError(response, 404, "RobotoDeviceNotFoundException");
      expect(response.body.error.message).toContain("ghost_device");
    }
  });

  it("lists org devices in pages", async () => {
    const fresh = await startTestApi(dialect);
    try {
      const ids = ["d_05", "d_01", "d_04", "d_02", "d_03"];
      for (const id of ids) await createDevice(fresh, id);

      const first = await fresh.get(`/v1/devices/org/${fresh.orgId}?limit=2`);
      const all = await readAllPages(fresh, `/v1/devices/org/${fresh.orgId}`, 2);

      expect(first.status, first.text).toBe(200);
      expect(first.body.data.items.map((item: { device_id: string }) => item.device_id)).toEqual([
        "d_01",
        "d_02",
      ]);
      expect(typeof first.body.data.next_token).toBe("string");
      expect(all.map((item) => item.device_id)).toEqual(["d_01", "d_02", "d_03", "d_04", "d_05"]);
      expect(all.every((item) => item.org_id === fresh.orgId && Array.isArray(item.tags))).toBe(
        true,
      );
      const whole = await fresh.get(`/v1/devices/org/${fresh.orgId}?limit=5`);
      expect(whole.body.data.next_token).toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it("rejects listing an unknown org", async () => {
    const response = await api.get("/v1/devices/org/og_not_mine");

    expectApiError(response, 404, "RobotoNotFoundException");
    expect(response.body.error.message).toContain("og_not_mine");
  });

  it("lists sessions of a device", async () => {
    await createDevice(api, "drone_list");
    await createDevice(api, "drone_other");
    const expected: string[] = [];
    for (let i = 0; i < 5; i++) {
      expected.push(
        (await createSession(api, { name: `with ${i}`, device_ids: ["drone_list"] })).session_id,
      );
      await createSession(api, { name: `without ${i}`, device_ids: ["drone_other"] });
    }
    await createSession(api, { name: "no device" });

    const first = await api.get("/v1/devices/id/drone_list/sessions?limit=2");
    const all = await readAllPages(api, "/v1/devices/id/drone_list/sessions", 2);

    expect(first.body.data.items).toHaveLength(2);
    expect(typeof first.body.data.next_token).toBe("string");
    expect(all.map((session) => session.session_id).sort()).toEqual([...expected].sort());
    expect(new Set(all.map((session) => session.session_id)).size).toBe(5);
    const createdTimes = all.map((session) => session.created);
    expect([...createdTimes].sort().reverse()).toEqual(createdTimes);
  });

  it("rejects a token of another listing", async () => {
    await createDevice(api, "drone_token");
    for (let i = 0; i < 3; i++) await createSession(api, { device_ids: ["drone_token"] });
    const sessionsPage = await api.get("/v1/sessions?limit=1");
    const token = encodeURIComponent(sessionsPage.body.data.next_token);

    const response = await api.get(`/v1/devices/id/drone_token/sessions?page_token=${token}`);

    expectApiError(response, 400, "RobotoInvalidRequestException");
    expect(response.body.details[0].path).toBe("page_token");
  });

  it("tracks attachments in device sessions", async () => {
    await createDevice(api, "drone_attach");
    const session = await createSession(api);
    expect(await readAllPages(api, "/v1/devices/id/drone_attach/sessions")).toEqual([]);

    await api.post(`/v1/sessions/id/${session.session_id}/devices`, { device_id: "drone_attach" });
    const attached = await readAllPages(api, "/v1/devices/id/drone_attach/sessions");
    await api.delete(`/v1/sessions/id/${session.session_id}/devices`, {
      device_id: "drone_attach",
    });
    const detached = await readAllPages(api, "/v1/devices/id/drone_attach/sessions");

    expect(attached.map((item) => item.session_id)).toEqual([session.session_id]);
    expect(detached).toEqual([]);
  });

  it("detaches a deleted device", async () => {
    await createDevice(api, "drone_gone");
    await createDevice(api, "drone_stays");
    const session = await createSession(api, {
      name: "keeps going",
      device_ids: ["drone_gone", "drone_stays"],
    });

    const deleted = await api.delete("/v1/devices/id/drone_gone");

    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.body).toEqual({ data: null });
    expectApiError(
      await api.get("/v1/devices/id/drone_gone"),
      404,
      "RobotoDeviceNotFoundException",
    );
    const read = await api.get(`/v1/sessions/id/${session.session_id}`);
    expect(read.status).toBe(200);
    expect(read.body.data.name).toBe("keeps going");
    expect(await readAllPages(api, `/v1/sessions/id/${session.session_id}/devices`)).toEqual([
      "drone_stays",
    ]);
    expectApiError(
      await api.get("/v1/devices/id/drone_gone/sessions"),
      404,
      "RobotoDeviceNotFoundException",
    );
  });

  it("frees a deleted device id", async () => {
    await createDevice(api, "drone_reborn");
    await api.delete("/v1/devices/id/drone_reborn");

    const again = await api.post("/v1/devices/create", {
      device_id: "drone_reborn",
      name: "second life",
    });

    expect(again.status, again.text).toBe(200);
    expect(again.body.data.name).toBe("second life");
  });

  it("detaches an unattached device as 404", async () => {
    await createDevice(api, "drone_loose");
    const session = await createSession(api);

    const response = await api.delete(`/v1/sessions/id/${session.session_id}/devices`, {
      device_id: "drone_loose",
    });

    expectApiError(response, 404, "RobotoDeviceNotFoundException");
    expect(response.body.error.message).toContain("drone_loose");
  });

  it("lists attached devices in pages", async () => {
    const ids = ["pg_c", "pg_a", "pg_b"];
    for (const id of ids) await createDevice(api, id);
    const session = await createSession(api, { device_ids: ids });

    const first = await api.get(`/v1/sessions/id/${session.session_id}/devices?limit=2`);
    const all = await readAllPages(api, `/v1/sessions/id/${session.session_id}/devices`, 2);

    expect(first.body.data.items).toEqual(["pg_a", "pg_b"]);
    expect(all).toEqual(["pg_a", "pg_b", "pg_c"]);
  });
});
