import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customFieldJobHandlers } from "../src/custom-fields/lifecycle.js";
import { JobWorker } from "../src/jobs/worker.js";
import { silentLogger } from "../src/logger.js";
import { systemClock } from "../src/util/clock.js";
import { TEST_DIALECTS } from "./support/databases.js";
import { createDevice, createSession } from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

// biome-ignore lint/suspicious/noExplicitAny: field records are read freely in tests.
async function waitForStatus(api: TestApi, fieldId: string, status: string | null): Promise<any> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const response = await api.get(`/v1/custom-fields/id/${fieldId}`);
    if (status === null && response.status === 404) return null;
    if (response.status === 200 && response.body.data.status === status) return response.body.data;
    if (Date.now() > deadline)
      throw new Error(`field ${fieldId} did not reach ${status}: ${response.text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: field records are read freely in tests.
async function readyField(api: TestApi, body: Record<string, unknown>): Promise<any> {
  const created = await api.post("/v1/custom-fields", { entity_type: "session", ...body });
  expect(created.status, created.text).toBe(200);
  expect(created.body.data.status).toBe("creating");
  return waitForStatus(api, created.body.data.field_id, "ready");
}

describe.each(TEST_DIALECTS)("custom fields on %s", (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect, { customFieldQuota: 8 });
    await readyField(api, {
      field_name: "weather",
      field_type: "enum",
      options: { field_type: "enum", enum_values: ["clear", "rain"] },
    });
    await readyField(api, { field_name: "wind_mps", field_type: "number" });
    await readyField(api, { field_name: "landed_at", field_type: "timestamp" });
    await readyField(api, { field_name: "pilot", field_type: "string", display_name: "Pilot" });
    await readyField(api, { field_name: "nominal", field_type: "boolean" });
  });
  afterAll(async () => {
    await api?.close();
  });

  it("becomes ready within a second", async () => {
    const started = Date.now();
    const field = await readyField(api, { field_name: "quick", field_type: "string" });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(field.attempts).toBe(1);
    expect(field.last_error).toBeNull();
  });

  it("shows every ready field on reads", async () => {
    const session = await createSession(api, { name: "no values" });
    expect(session.custom_fields).toMatchObject({
      weather: null,
      wind_mps: null,
      landed_at: null,
      pilot: null,
      nominal: null,
    });
  });

  it("stores typed values on create", async () => {
    const session = await createSession(api, {
      custom_fields: {
        weather: "clear",
        wind_mps: 3.5,
        landed_at: "2026-04-23T10:00:00.123456789+02:00",
        pilot: "ada",
        nominal: true,
      },
    });
    expect(session.custom_fields).toMatchObject({
      weather: "clear",
      wind_mps: 3.5,
      landed_at: "2026-04-23T08:00:00.123456789Z",
      pilot: "ada",
      nominal: true,
    });
    const read = await api.get(`/v1/sessions/id/${session.session_id}`);
    expect(read.body.data.custom_fields).toEqual(session.custom_fields);
  });

  it("accepts integer nanoseconds for timestamps", async () => {
    const session = await createSession(api, {
      custom_fields: { landed_at: 1700000060000000001n },
    });
    expect(session.custom_fields.landed_at).toBe("2023-11-14T22:14:20.000000001Z");
  });

  it("lists every offending field in one error", async () => {
    const before = (await api.get("/v1/sessions?limit=1000")).body.data.items.length;
    const response = await api.post("/v1/sessions", {
      name: "bad",
      custom_fields: {
        weather: "snow",
        wind_mps: "fast",
        landed_at: "yesterday",
        nominal: 1,
        unknown_field: 1,
      },
    });
    expect(response.status).toBe(400);
    const paths = response.body.details.map((detail: { path: string }) => detail.path).sort();
    expect(paths).toEqual([
      "custom_fields.landed_at",
      "custom_fields.nominal",
      "custom_fields.unknown_field",
      "custom_fields.weather",
      "custom_fields.wind_mps",
    ]);
    expect(response.body.error.message).toContain("custom_fields.weather");
    expect((await api.get("/v1/sessions?limit=1000")).body.data.items.length).toBe(before);
  });

  it("sets and clears values with a changeset", async () => {
    const session = await createSession(api, { custom_fields: { weather: "rain", pilot: "bo" } });
    const updated = await api.put(`/v1/sessions/id/${session.session_id}`, {
      custom_fields_changeset: {
        set_fields: { weather: "clear", wind_mps: 1 },
        clear_fields: ["pilot"],
      },
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.data.custom_fields).toMatchObject({
      weather: "clear",
      wind_mps: 1,
      pilot: null,
    });
  });

  it("rejects a name both set and cleared", async () => {
    const session = await createSession(api, { custom_fields: { pilot: "x" } });
    const response = await api.put(`/v1/sessions/id/${session.session_id}`, {
      name: "changed",
      custom_fields_changeset: { set_fields: { pilot: "y" }, clear_fields: ["pilot"] },
    });
    expect(response.status).toBe(400);
    const read = await api.get(`/v1/sessions/id/${session.session_id}`);
    expect(read.body.data.custom_fields.pilot).toBe("x");
    expect(read.body.data.name).toBeNull();
  });

  it("rejects a changeset on a non-ready name", async () => {
    const session = await createSession(api);
    const response = await api.put(`/v1/sessions/id/${session.session_id}`, {
      custom_fields_changeset: { clear_fields: ["nope"] },
    });
    expect(response.status).toBe(400);
    expect(response.body.details[0].path).toBe("custom_fields_changeset.clear_fields");
  });

  it("stores values on devices", async () => {
    const field = await readyField(api, {
      entity_type: "device",
      field_name: "firmware",
      field_type: "string",
    });
    expect(field.entity_type).toBe("device");
    const created = await api.post("/v1/devices/create", {
      device_id: "cf_dev",
      custom_fields: { firmware: "1.2" },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body.data.custom_fields).toEqual({ firmware: "1.2" });
    const updated = await api.put("/v1/devices/id/cf_dev", {
      custom_fields_changeset: { clear_fields: ["firmware"] },
    });
    expect(updated.body.data.custom_fields).toEqual({ firmware: null });
    const wrongType = await api.post("/v1/devices/create", {
      device_id: "cf_dev2",
      custom_fields: { weather: "clear" },
    });
    expect(wrongType.status).toBe(400);
  });

  it("reads by name and lists by status", async () => {
    const byName = await api.get("/v1/custom-fields/name/weather/entity-type/session");
    expect(byName.status).toBe(200);
    expect(byName.body.data.options).toEqual({
      field_type: "enum",
      enum_values: ["clear", "rain"],
    });

    const listed = await api.post("/v1/custom-fields/query", {
      entity_type: "session",
      statuses: ["READY"],
      limit: 2,
    });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.data.items).toHaveLength(2);
    expect(listed.body.data.next_token).toBeTypeOf("string");
    const second = await api.post("/v1/custom-fields/query", {
      entity_type: "session",
      statuses: ["ready"],
      limit: 2,
      page_token: listed.body.data.next_token,
    });
    expect(second.body.data.items[0].field_name > listed.body.data.items[1].field_name).toBe(true);
  });

  it("updates display name and description", async () => {
    const field = await readyField(api, { field_name: "notes", field_type: "string" });
    const updated = await api.post(`/v1/custom-fields/id/${field.field_id}`, {
      display_name: "Notes",
      description: "free text",
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({
      display_name: "Notes",
      description: "free text",
      field_type: "string",
    });
    const cleared = await api.post(`/v1/custom-fields/id/${field.field_id}`, { description: null });
    expect(cleared.body.data).toMatchObject({ display_name: "Notes", description: null });
  });

  it("rejects invalid definitions", async () => {
    const cases = [
      [{ field_name: "Bad Name", field_type: "string" }, "field_name"],
      [{ field_name: "e", field_type: "enum" }, "options"],
      [
        {
          field_name: "s",
          field_type: "string",
          options: { field_type: "enum", enum_values: ["a"] },
        },
        "options",
      ],
      [{ field_name: "t", field_type: "date" }, "field_type"],
      [{ field_name: "u", field_type: "string", entity_type: "planet" }, "entity_type"],
    ] as const;
    for (const [body, path] of cases) {
      const response = await api.post("/v1/custom-fields", { entity_type: "session", ...body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.details[0].path).toBe(path);
    }
  });

  it("answers 409 for a live name", async () => {
    const response = await api.post("/v1/custom-fields", {
      entity_type: "session",
      field_name: "weather",
      field_type: "string",
    });
    expect(response.status).toBe(409);
  });

  it("deletes values before the field and frees the name", async () => {
    const field = await readyField(api, { field_name: "temp_c", field_type: "number" });
    const session = await createSession(api, { custom_fields: { temp_c: 21 } });
    const deleting = await api.delete(`/v1/custom-fields/id/${field.field_id}`);
    expect(deleting.status).toBe(200);
    expect(deleting.body.data.status).toBe("deleting");
    await waitForStatus(api, field.field_id, null);

    const read = await api.get(`/v1/sessions/id/${session.session_id}`);
    expect(read.body.data.custom_fields).not.toHaveProperty("temp_c");
    const values = await api.store.db
      .selectFrom("custom_field_values")
      .select("entity_id")
      .where("field_id", "=", field.field_id)
      .execute();
    expect(values).toHaveLength(0);

    const again = await readyField(api, { field_name: "temp_c", field_type: "string" });
    expect(again.field_id).not.toBe(field.field_id);
    const reread = await api.get(`/v1/sessions/id/${session.session_id}`);
    expect(reread.body.data.custom_fields.temp_c).toBeNull();
  });

  it("enforces the per-org quota", async () => {
    const quotaApi = await startTestApi(dialect, { customFieldQuota: 2 });
    try {
      await readyField(quotaApi, { field_name: "a1", field_type: "string" });
      await readyField(quotaApi, { field_name: "a2", field_type: "string" });
      const third = await quotaApi.post("/v1/custom-fields", {
        entity_type: "session",
        field_name: "a3",
        field_type: "string",
      });
      expect(third.status).toBe(403);
      expect(third.body.error.error_code).toBe("RobotoLimitExceededException");
      const device = await quotaApi.post("/v1/custom-fields", {
        entity_type: "device",
        field_name: "a3",
        field_type: "string",
      });
      expect(device.status).toBe(200);
    } finally {
      await quotaApi.close();
    }
  });

  it("requires the admin role", async () => {
    const member = await api.post(`/v1/orgs/${api.orgId}/users`, {
      name: "member",
      role: "member",
    });
    expect(member.status, member.text).toBe(200);
    const key = member.body.data.api_key.secret;
    const response = await api.post(
      "/v1/custom-fields",
      { entity_type: "session", field_name: "m", field_type: "string" },
      { key },
    );
    expect(response.status).toBe(403);
    await createDevice(api, "cf_member_dev");
    const read = await api.get("/v1/custom-fields/name/weather/entity-type/session", { key });
    expect(read.status).toBe(200);
  });

  it("records a failed transition and deletes it", async () => {
    const failing = await startTestApi(dialect, { startWorker: false });
    const handlers = customFieldJobHandlers(failing.store, systemClock);
    const create = handlers.get("custom_field_create");
    if (!create) throw new Error("no create handler");
    handlers.set("custom_field_create", {
      ...create,
      maxAttempts: 2,
      run: async () => Promise.reject(new Error("index build failed")),
    });
    // Retries back off 200 ms, 400 ms, …; two attempts finish within a second.
    const worker = new JobWorker(failing.store, systemClock, silentLogger, handlers, {
      pollIntervalMs: 20,
    });
    try {
      const created = await failing.post("/v1/custom-fields", {
        entity_type: "session",
        field_name: "broken",
        field_type: "string",
      });
      worker.start();
      const failed = await waitForStatus(failing, created.body.data.field_id, "failed");
      expect(failed.last_error).toContain("index build failed");
      expect(failed.attempts).toBe(2);

      await worker.stop();
      const fresh = new JobWorker(
        failing.store,
        systemClock,
        silentLogger,
        customFieldJobHandlers(failing.store, systemClock),
        { pollIntervalMs: 20 },
      );
      fresh.start();
      const deleting = await failing.delete(`/v1/custom-fields/id/${failed.field_id}`);
      expect(deleting.body.data.status).toBe("deleting");
      await waitForStatus(failing, failed.field_id, null);
      await fresh.stop();
    } finally {
      await worker.stop();
      await failing.close();
    }
  });
});
