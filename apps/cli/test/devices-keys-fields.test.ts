import type { ApiKeyRecord, CustomFieldRecord, DeviceRecord, SessionRecord } from "@sortie/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveApi, startLiveApi } from "./support/live-api.js";
import { apiEnv, type CliEnv, runCli } from "./support/run-cli.js";

let api: LiveApi;
let env: CliEnv;
beforeAll(async () => {
  api = await startLiveApi();
  env = apiEnv(api, { SORTIE_ORG_ID: api.orgId });
});
afterAll(async () => {
  await api?.close();
});

describe("devices", () => {
  it("create prints the device", async () => {
    const result = await runCli(
      [
        "devices",
        "create",
        "arm_7",
        "--name",
        "left arm",
        "--tag",
        "lab",
        "--metadata",
        'firmware="1.2"',
      ],
      env,
    );

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^device_id +arm_7$/m);
    expect(result.stdout).toMatch(/^name +left arm$/m);
    const device = await api.client.devices.retrieve("arm_7");
    expect(device.tags).toEqual(["lab"]);
    expect(device.metadata).toEqual({ firmware: "1.2" });
  });

  it("create without id generates one", async () => {
    const result = await runCli(["devices", "create", "--json"], env);

    expect(result.code).toBe(0);
    expect((result.json() as DeviceRecord).device_id).toMatch(/^dv_/);
  });

  it("ls lists by id", async () => {
    await api.client.devices.create({ device_id: "zz_last" });
    await api.client.devices.create({ device_id: "aa_first" });

    const table = await runCli(["devices", "ls"], env);
    const json = await runCli(["devices", "ls", "--json"], env);

    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^DEVICE_ID +NAME +TAGS +CREATED$/);
    expect(table.stdout.split("\n")[1]).toMatch(/^aa_first /);
    const ids = (json.json() as DeviceRecord[]).map((device) => device.device_id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toContain("zz_last");
  });

  it("ls without org exits 2", async () => {
    const result = await runCli(["devices", "ls"], apiEnv(api));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pass --org or set SORTIE_ORG_ID");
  });

  it("rm deletes and detaches", async () => {
    await api.client.devices.create({ device_id: "gone_1" });
    const session = await api.client.sessions.create({ device_ids: ["gone_1"] });

    const result = await runCli(["devices", "rm", "gone_1"], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe("deleted gone_1\n");
    expect(await session.listDevices().toArray()).toEqual([]);
    const again = await runCli(["devices", "rm", "gone_1"], env);
    expect(again.code).toBe(1);
  });

  it("taken id exits 1", async () => {
    const result = await runCli(["devices", "create", "arm_7"], env);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/arm_7.*\(request id req_/);
  });
});

describe("custom-fields", () => {
  it("create waits until ready", async () => {
    const result = await runCli(
      [
        "custom-fields",
        "create",
        "weather",
        "--type",
        "enum",
        "--enum-value",
        "clear",
        "--enum-value",
        "rain",
        "--display-name",
        "Weather",
      ],
      env,
    );

    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^FIELD_ID +ENTITY_TYPE +NAME +TYPE +STATUS +DISPLAY_NAME$/);
    expect(lines[1]).toMatch(/^cf_\w+ +session +weather +enum \(clear\|rain\) +ready +Weather$/);
  });

  it("ready field takes session values", async () => {
    const created = await runCli(
      ["custom-fields", "create", "wind_kmh", "--type", "number", "--json"],
      env,
    );
    expect((created.json() as CustomFieldRecord).status).toBe("ready");

    const session = await runCli(["sessions", "create", "--field", "wind_kmh=12.5", "--json"], env);

    expect(session.code, session.stderr).toBe(0);
    expect((session.json() as SessionRecord).custom_fields.wind_kmh).toBe(12.5);
  });

  it("no-wait returns creating", async () => {
    const result = await runCli(
      ["custom-fields", "create", "pilot", "--type", "string", "--no-wait", "--json"],
      env,
    );

    expect(result.code).toBe(0);
    expect((result.json() as CustomFieldRecord).status).toBe("creating");
  });

  it("ls filters type and status", async () => {
    await runCli(
      ["custom-fields", "create", "serial", "--type", "string", "--entity-type", "device"],
      env,
    );

    const devices = await runCli(["custom-fields", "ls", "--entity-type", "device", "--json"], env);
    const ready = await runCli(["custom-fields", "ls", "--status", "ready", "--json"], env);

    expect(devices.code).toBe(0);
    expect((devices.json() as CustomFieldRecord[]).map((field) => field.field_name)).toEqual([
      "serial",
    ]);
    const readyFields = ready.json() as CustomFieldRecord[];
    expect(readyFields.length).toBeGreaterThan(1);
    expect(readyFields.every((field) => field.status === "ready")).toBe(true);
  });

  it("enum without values exits 2", async () => {
    const result = await runCli(["custom-fields", "create", "mood", "--type", "enum"], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: an enum field needs its values: give --enum-value once per value\n",
    );
  });

  it("unknown type exits 2", async () => {
    const result = await runCli(["custom-fields", "create", "mood", "--type", "colour"], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Allowed choices are boolean, enum, number, string, timestamp");
  });

  it("rm starts deletion", async () => {
    const created = await runCli(
      ["custom-fields", "create", "retired", "--type", "boolean", "--json"],
      env,
    );
    const field = created.json() as CustomFieldRecord;

    const result = await runCli(["custom-fields", "rm", field.field_id, "--json"], env);

    expect(result.code).toBe(0);
    expect((result.json() as CustomFieldRecord[]).map((record) => record.status)).toEqual([
      "deleting",
    ]);
  });
});

describe("keys", () => {
  it("create prints the secret once", async () => {
    const result = await runCli(["keys", "create", "ci"], env);

    expect(result.code, result.stderr).toBe(0);
    const secret = /^secret +(\S+)$/m.exec(result.stdout)?.[1];
    expect(secret).toEqual(expect.any(String));
    expect(result.stdout).toContain("Store the secret now");
    const listed = await runCli(
      ["sessions", "ls", "--json"],
      apiEnv(api, { SORTIE_API_KEY: secret }),
    );
    expect(listed.code).toBe(0);
  });

  it("create --json keeps the expiry", async () => {
    const result = await runCli(
      ["keys", "create", "temporary", "--expires", "2030-01-01T00:00:00Z", "--json"],
      env,
    );

    expect(result.code).toBe(0);
    const key = result.json() as ApiKeyRecord & { secret: string };
    expect(key.expires).toBe("2030-01-01T00:00:00.000Z");
    expect(key.secret.length).toBeGreaterThan(20);
  });

  it("bad expiry exits 2", async () => {
    const result = await runCli(["keys", "create", "bad", "--expires", "soon"], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("expected an RFC 3339 date-time");
  });

  it("ls and rm revoke a key", async () => {
    const created = await runCli(["keys", "create", "short-lived", "--json"], env);
    const key = created.json() as ApiKeyRecord & { secret: string };

    const listed = await runCli(["keys", "ls"], env);
    expect(listed.stdout).toMatch(new RegExp(`^${key.key_id} +short-lived `, "m"));

    const revoked = await runCli(["keys", "rm", key.key_id], env);
    expect(revoked.stdout).toBe(`revoked ${key.key_id}\n`);
    const rejected = await runCli(["sessions", "ls"], apiEnv(api, { SORTIE_API_KEY: key.secret }));
    expect(rejected.code).toBe(1);
  });
});
