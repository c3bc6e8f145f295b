import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "./support/databases.js";
import {
  createDataset,
  createDevice,
  createSession,
  readAllPages,
  registerFile,
} from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

describe.each(TEST_DIALECTS)("sessions on %s", (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("creates and reads a session", async () => {
    const created = await createSession(api, {
      name: "flight 1",
      description: "d",
      tags: ["a", "b", "a"],
      metadata: { pilot: "x" },
    });
    expect(created.session_id).toMatch(/^ss_/);
    expect(created.org_id).toBe(api.orgId);
    expect(created.tags).toEqual(["a", "b"]);
    expect(created.metadata).toEqual({ pilot: "x" });
    expect(created.custom_fields).toEqual({});
    expect(created.min_timestamp_ns).toBeNull();
    expect(created.max_timestamp_ns).toBeNull();
    expect(created.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(created.created_by).toBe(api.userId);

    const read = await api.get(`/v1/sessions/id/${created.session_id}`);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(created);
    expect(read.headers.get("etag")).toBeTruthy();
    expect(read.headers.get("x-request-id")).toBeTruthy();
  });

  it("defaults absent lists to empty", async () => {
    const created = await createSession(api, {
      tags: null,
      metadata: null,
      custom_fields: null,
      device_ids: null,
    });
    expect(created.tags).toEqual([]);
    expect(created.metadata).toEqual({});
    expect(created.name).toBeNull();
  });

  it("rejects a name over 120 characters", async () => {
    const response = await api.post("/v1/sessions", { name: "x".repeat(121) });
    expect(response.status).toBe(400);
    expect(response.body.error.error_code).toBe("RobotoInvalidRequestException");
    expect(response.body.details[0].path).toBe("name");
    expect(Object.keys(response.body.error)).toEqual(["error_code", "message"]);
  });

  it("rejects custom fields that are not ready", async () => {
    const response = await api.post("/v1/sessions", { custom_fields: { weather: "clear" } });
    expect(response.status).toBe(400);
    expect(response.body.details[0].path).toBe("custom_fields.weather");
  });

  it("keeps absent keys unchanged on update", async () => {
    const session = await createSession(api, { name: "n", description: "d" });
    const updated = await api.put(`/v1/sessions/id/${session.session_id}`, {
      description: null,
      custom_fields_changeset: null,
      metadata_changeset: null,
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data.name).toBe("n");
    expect(updated.body.data.description).toBeNull();

    const renamed = await api.put(`/v1/sessions/id/${session.session_id}`, { name: null });
    expect(renamed.body.data.name).toBeNull();
  });

  it("applies a metadata changeset", async () => {
    const session = await createSession(api, { tags: ["old"], metadata: { a: { b: [1, 2] } } });
    const updated = await api.put(`/v1/sessions/id/${session.session_id}`, {
      metadata_changeset: {
        put_tags: ["new", "new"],
        remove_tags: ["old"],
        put_fields: { "a.b.1": 9, "c.d": true },
        remove_fields: ["missing.path"],
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data.tags).toEqual(["new"]);
    expect(updated.body.data.metadata).toEqual({ a: { b: [1, 9, 2] }, c: { d: true } });
  });

  it("rejects an out-of-range index and changes nothing", async () => {
    const session = await createSession(api, { metadata: { list: [] } });
    const response = await api.put(`/v1/sessions/id/${session.session_id}`, {
      name: "changed",
      metadata_changeset: { put_fields: { "list.3.x": 1 } },
    });
    expect(response.status).toBe(400);
    expect(response.body.details[0].path).toBe("metadata_changeset.put_fields.list.3.x");
    const read = await api.get(`/v1/sessions/id/${session.session_id}`);
    expect(read.body.data.name).toBeNull();
    expect(read.body.data.metadata).toEqual({ list: [] });
  });

  it("rejects a stale If-Match with 412", async () => {
    const session = await createSession(api, { name: "v1" });
    const read = await api.get(`/v1/sessions/id/${session.session_id}`);
    const etag = read.headers.get("etag") as string;

    const first = await api.put(
      `/v1/sessions/id/${session.session_id}`,
      { name: "v2" },
      { headers: { "if-match": etag } },
    );
    expect(first.status).toBe(200);
    expect(first.headers.get("etag")).not.toBe(etag);

    const stale = await api.put(
      `/v1/sessions/id/${session.session_id}`,
      { name: "v3" },
      { headers: { "if-match": etag } },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.error.error_code).toBe("RobotoConditionException");
    const after = await api.get(`/v1/sessions/id/${session.session_id}`);
    expect(after.body.data.name).toBe("v2");
  });

  it("reads a session by key", async () => {
    const session = await createSession(api, { key: "fleet/flight 42%" });
    const read = await api.get(`/v1/sessions/key/${encodeURIComponent("fleet/flight 42%")}`);
    expect(read.status).toBe(200);
    expect(read.body.data.session_id).toBe(session.session_id);
    expect(read.body.data.key).toBe("fleet/flight 42%");
  });

  it("answers 409 on a reused key", async () => {
    const session = await createSession(api, { key: "flight-43" });
    const again = await api.post("/v1/sessions", { key: "flight-43", name: "other" });
    expect(again.status).toBe(409);
    expect(again.body.error.error_code).toBe("RobotoConflictException");
    expect(again.body.error.message).toContain(session.session_id);
    expect(again.body.details[0].existing_session_id).toBe(session.session_id);
  });

  it("answers 404 for a missing key", async () => {
    const response = await api.get("/v1/sessions/key/never-used");
    expect(response.status).toBe(404);
  });

  it("deletes a session", async () => {
    const session = await createSession(api);
    const deleted = await api.delete(`/v1/sessions/id/${session.session_id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ data: null });
    expect((await api.get(`/v1/sessions/id/${session.session_id}`)).status).toBe(404);
    expect((await api.delete(`/v1/sessions/id/${session.session_id}`)).status).toBe(404);
  });

  it("pages through sessions without repeats", async () => {
    const other = await startTestApi(dialect);
    try {
      const ids = new Set<string>();
      for (let i = 0; i < 7; i++)
        ids.add((await createSession(other, { name: `s${i}` })).session_id);
      const items = await readAllPages(other, "/v1/sessions", 3);
      expect(items.map((item) => item.session_id).sort()).toEqual([...ids].sort());

      const first = await other.get("/v1/sessions?limit=3");
      expect(first.body.data.items).toHaveLength(3);
      expect(typeof first.body.data.next_token).toBe("string");
      const last = await other.get("/v1/sessions?limit=100");
      expect(last.body.data.next_token).toBeNull();
    } finally {
      await other.close();
    }
  });

  it("rejects a tampered or foreign page token", async () => {
    await createSession(api);
    await createSession(api);
    const first = await api.get("/v1/sessions?limit=1");
    const token: string = first.body.data.next_token;
    const tampered = `${token.slice(0, -2)}${token.endsWith("A") ? "B" : "A"}A`;
    expect((await api.get(`/v1/sessions?page_token=${tampered}`)).status).toBe(400);
    expect((await api.get("/v1/sessions?page_token=garbage")).status).toBe(400);

    const session = await createSession(api);
    const foreign = await api.get(
      `/v1/sessions/id/${session.session_id}/files?page_token=${encodeURIComponent(token)}`,
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.details[0].path).toBe("page_token");
  });

  it("rejects page limits out of range", async () => {
    for (const limit of ["0", "1001", "abc", "1.5"]) {
      const response = await api.get(`/v1/sessions?limit=${limit}`);
      expect(response.status, limit).toBe(400);
      expect(response.body.details[0].path).toBe("limit");
    }
  });

  it("attaches and detaches devices", async () => {
    await createDevice(api, "robot_a");
    const session = await createSession(api, { device_ids: ["robot_a"] });
    expect(
      (await api.get(`/v1/sessions/id/${session.session_id}/devices`)).body.data.items,
    ).toEqual(["robot_a"]);

    await createDevice(api, "robot_b");
    const attach = await api.post(`/v1/sessions/id/${session.session_id}/devices`, {
      device_id: "robot_b",
    });
    expect(attach.status).toBe(200);
    const again = await api.post(`/v1/sessions/id/${session.session_id}/devices`, {
      device_id: "robot_b",
    });
    expect(again.status).toBe(200);
    expect(
      (await api.get(`/v1/sessions/id/${session.session_id}/devices`)).body.data.items,
    ).toEqual(["robot_a", "robot_b"]);

    const unknown = await api.post(`/v1/sessions/id/${session.session_id}/devices`, {
      device_id: "robot_zz",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.error_code).toBe("RobotoDeviceNotFoundException");
    expect(unknown.body.error.message).toContain("robot_zz");

    const detach = await api.delete(`/v1/sessions/id/${session.session_id}/devices`, {
      device_id: "robot_a",
    });
    expect(detach.status).toBe(200);
    const notAttached = await api.delete(`/v1/sessions/id/${session.session_id}/devices`, {
      device_id: "robot_a",
    });
    expect(notAttached.status).toBe(404);
  });

  it("rejects creation with an unknown device", async () => {
    const before = (await api.get("/v1/sessions?limit=1000")).body.data.items.length;
    const response = await api.post("/v1/sessions", { device_ids: ["ghost_1"], name: "x" });
    expect(response.status).toBe(404);
    expect(response.body.error.message).toContain("ghost_1");
    const after = (await api.get("/v1/sessions?limit=1000")).body.data.items.length;
    expect(after).toBe(before);
  });

  it("attaches the devices of contributed files", async () => {
    await createDevice(api, "drone_9");
    const dataset = await createDataset(api, { device_id: "drone_9" });
    const file = await registerFile(api, dataset, "f.mcap", [10n, 20n]);
    const session = await createSession(api, { files: [{ file_id: file }] });
    expect(session.min_timestamp_ns).toBe(10n);
    expect(
      (await api.get(`/v1/sessions/id/${session.session_id}/devices`)).body.data.items,
    ).toEqual(["drone_9"]);
  });
});
