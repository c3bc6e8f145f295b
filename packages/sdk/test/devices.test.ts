import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigurationError,
  ConflictError,
  DeviceNotFoundError,
  type Sortie,
} from "../src/index.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

let api: TestApi;
let client: Sortie;
beforeAll(async () => {
  api = await startTestApi();
  client = api.client({ orgId: api.orgId });
});
afterAll(async () => {
  await api?.close();
});

describe("devices resource", () => {
  it("creates and retrieves a device", async () => {
    const created = await client.devices.create({
      device_id: "robot_001",
      name: "arm",
      tags: ["lab"],
      metadata: { firmware: "1.2" },
    });
    const read = await client.devices.retrieve("robot_001");

    expect(created.device_id).toBe("robot_001");
    expect(created.org_id).toBe(api.orgId);
    expect(read).toEqual(created);
  });

  it("creates a device without id", async () => {
    const created = await client.devices.create({});
    expect(created.device_id).toMatch(/^dv_/);
  });

  it("rejects a taken device id", async () => {
    await client.devices.create({ device_id: "robot_taken" });
    const error = await client.devices
      .create({ device_id: "robot_taken" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details[0]?.path).toBe("device_id");
  });

  it("updates name and metadata", async () => {
    await client.devices.create({ device_id: "robot_update", name: "old" });
    const updated = await client.devices.update("robot_update", {
      name: "new",
      metadata_changeset: { put_tags: ["calibrated"], put_fields: { "arm.reach_mm": 850 } },
    });

    expect(updated.name).toBe("new");
    expect(updated.tags).toEqual(["calibrated"]);
    expect(updated.metadata).toEqual({ arm: { reach_mm: 850 } });
  });

  it("deletes and detaches a device", async () => {
    await client.devices.create({ device_id: "robot_delete" });
    const session = await client.sessions.create({ device_ids: ["robot_delete"] });

    await client.devices.delete("robot_delete");

    const error = await client.devices.retrieve("robot_delete").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceNotFoundError);
    expect(await session.listDevices().toArray()).toEqual([]);
  });

  it("lists devices by id", async () => {
    const ids = (await client.devices.list({ limit: 2 }).toArray()).map(
      (device) => device.device_id,
    );

    expect(ids).toEqual([...ids].sort());
    expect(ids).toContain("robot_001");
  });

  it("list needs an org id", () => {
    const withoutOrg = api.client({ orgId: undefined });
    expect(() => withoutOrg.devices.list()).toThrow(ConfigurationError);
  });

  it("lists with explicit org id", async () => {
    const withoutOrg = api.client();
    const ids = (await withoutOrg.devices.list({ org_id: api.orgId }).toArray()).map(
      (device) => device.device_id,
    );
    expect(ids).toContain("robot_001");
  });

  it("lists sessions of a device", async () => {
    await client.devices.create({ device_id: "robot_sessions" });
    const first = await client.sessions.create({ device_ids: ["robot_sessions"] });
    const second = await client.sessions.create({ device_ids: ["robot_sessions"] });
    await client.sessions.create({});

    const sessions = await client.devices.listSessions("robot_sessions").toArray();
    expect(sessions.map((session) => session.session_id)).toEqual([
      second.session_id,
      first.session_id,
    ]);
  });
});
