import type { FileRecord, SessionRecord } from "@sortie/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveApi, startLiveApi } from "./support/live-api.js";
import { apiEnv, type CliEnv, runCli } from "./support/run-cli.js";

// Windows past 2^53 ns, so a value rounded through a JS number would show.
const START = 1_700_000_000_000_000_001n;
const END = 1_700_000_060_000_000_001n;

let api: LiveApi;
let env: CliEnv;
let file: FileRecord;
let lateFile: FileRecord;
beforeAll(async () => {
  api = await startLiveApi();
  env = apiEnv(api);
  const dataset = await api.client.datasets.create({ name: "registered" });
  file = await api.client.datasets.registerFile(dataset.dataset_id, {
    relative_path: "run1.mcap",
    start_time_ns: START,
    end_time_ns: END,
  });
  lateFile = await api.client.datasets.registerFile(dataset.dataset_id, {
    relative_path: "run2.mcap",
    start_time_ns: END + 1n,
    end_time_ns: END + 1_000n,
  });
  await api.client.devices.create({ device_id: "robot_1" });
});
afterAll(async () => {
  await api?.close();
});

async function createSession(...args: string[]): Promise<SessionRecord> {
  const result = await runCli(["sessions", "create", "--json", ...args], env);
  expect(result.code, result.stderr).toBe(0);
  return result.json() as SessionRecord;
}

describe("sessions create", () => {
  it("creates with every attribute", async () => {
    const session = await createSession(
      "--name",
      "flight 42",
      "--description",
      "first light",
      "--key",
      "flights/42",
      "--tag",
      "night",
      "--tag",
      "test",
      "--metadata",
      "camera.iso=400",
      "--metadata",
      "pilot=Ana",
      "--device",
      "robot_1",
      "--file",
      file.file_id,
    );

    expect(session.session_id).toMatch(/^ss_/);
    expect(session.name).toBe("flight 42");
    expect(session.description).toBe("first light");
    expect(session.key).toBe("flights/42");
    expect(session.tags).toEqual(["night", "test"]);
    expect(session.metadata).toEqual({ camera: { iso: 400 }, pilot: "Ana" });
    expect(session.min_timestamp_ns).toBe(START);
    expect(session.max_timestamp_ns).toBe(END);
    expect(await api.client.sessions.listDevices(session.session_id).toArray()).toEqual([
      "robot_1",
    ]);
  });

  it("prints fields for people", async () => {
    const result = await runCli(
      ["sessions", "create", "--name", "readable", "--file", file.file_id],
      env,
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^session_id +ss_\w+$/m);
    expect(result.stdout).toMatch(/^name +readable$/m);
    expect(result.stdout).toMatch(
      /^bounds +2023-11-14T22:13:20\.000000001Z … 22:14:20\.000000001Z \(1m 0\.0s\)$/m,
    );
    expect(result.stdout).toMatch(/^min_timestamp_ns +1700000000000000001$/m);
  });

  it("taken key exits 1 naming the session", async () => {
    const first = await createSession("--key", "taken-key");
    const result = await runCli(["sessions", "create", "--key", "taken-key"], env);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(first.session_id);
    expect(result.stderr).toContain("(request id req_");
  });
});

describe("sessions ls and show", () => {
  it("ls prints aligned rows", async () => {
    const named = await createSession("--name", "listed", "--file", file.file_id, "--tag", "ls");
    const result = await runCli(["sessions", "ls", "--limit", "1"], env);

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^SESSION_ID +NAME +KEY +BOUNDS +TAGS$/);
    expect(lines[1]).toContain(named.session_id);
    expect(lines[1]).toContain("2023-11-14T22:13:20.000000001Z … 22:14:20.000000001Z (1m 0.0s)");
    expect(lines[0]?.indexOf("BOUNDS")).toBe(lines[1]?.indexOf("2023-11-14"));
  });

  it("ls --json is exact", async () => {
    const named = await createSession("--name", "exact", "--file", file.file_id);
    const result = await runCli(["sessions", "ls", "--json", "--limit", "3"], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"min_timestamp_ns": 1700000000000000001');
    const records = result.json() as SessionRecord[];
    expect(records).toHaveLength(3);
    expect(records[0]?.session_id).toBe(named.session_id);
    expect(records[0]?.max_timestamp_ns).toBe(END);
  });

  it("ls filters by device", async () => {
    await api.client.devices.create({ device_id: "robot_ls" });
    const attached = await createSession("--device", "robot_ls");
    await createSession("--name", "not attached");

    const result = await runCli(["sessions", "ls", "--device", "robot_ls", "--json"], env);

    expect(result.code).toBe(0);
    expect((result.json() as SessionRecord[]).map((record) => record.session_id)).toEqual([
      attached.session_id,
    ]);
  });

  it("show --json adds devices and files", async () => {
    const session = await createSession("--device", "robot_1", "--file", file.file_id);
    const result = await runCli(["sessions", "show", session.session_id, "--json"], env);

    expect(result.code).toBe(0);
    const shown = result.json() as SessionRecord & {
      device_ids: string[];
      files: Array<{ file_id: string; min_timestamp_ns: bigint }>;
    };
    expect(shown.session_id).toBe(session.session_id);
    expect(shown.min_timestamp_ns).toBe(START);
    expect(shown.device_ids).toEqual(["robot_1"]);
    expect(shown.files.map((view) => view.file_id)).toEqual([file.file_id]);
    expect(shown.files[0]?.min_timestamp_ns).toBe(START);
  });

  it("show prints contributions table", async () => {
    const session = await createSession("--key", "show-table", "--file", file.file_id);
    const result = await runCli(["sessions", "show", "--key", "show-table"], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^session_id +${session.session_id}$`, "m"));
    expect(result.stdout).toMatch(/^FILE_ID +PATH +DEVICE +CONTRIBUTES +WINDOW$/m);
    expect(result.stdout).toMatch(
      new RegExp(`^${file.file_id} +run1\\.mcap +- +whole file +2023-11-14`, "m"),
    );
  });

  it("show needs an id or key", async () => {
    const neither = await runCli(["sessions", "show"], env);
    const both = await runCli(["sessions", "show", "ss_1", "--key", "k"], env);

    expect(neither.code).toBe(2);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe("error: give a session id or --key KEY, not both\n");
  });
});

describe("sessions update", () => {
  it("changes name, tags and metadata", async () => {
    const session = await createSession("--name", "before", "--tag", "a", "--metadata", "keep=1");
    const result = await runCli(
      [
        "sessions",
        "update",
        session.session_id,
        "--name",
        "after",
        "--add-tag",
        "b",
        "--remove-tag",
        "a",
        "--metadata",
        "camera.iso=800",
        "--remove-metadata",
        "keep",
        "--json",
      ],
      env,
    );

    expect(result.code, result.stderr).toBe(0);
    const updated = result.json() as SessionRecord;
    expect(updated.name).toBe("after");
    expect(updated.tags).toEqual(["b"]);
    expect(updated.metadata).toEqual({ camera: { iso: 800 } });
  });

  it("clears name and description", async () => {
    const session = await createSession("--name", "named", "--description", "text");
    const result = await runCli(
      ["sessions", "update", session.session_id, "--clear-name", "--clear-description", "--json"],
      env,
    );

    expect(result.code).toBe(0);
    expect((result.json() as SessionRecord).name).toBeNull();
    expect((result.json() as SessionRecord).description).toBeNull();
  });

  it("stale ETag exits 1", async () => {
    const session = await createSession("--name", "etag");
    const result = await runCli(
      ["sessions", "update", session.session_id, "--name", "x", "--if-match", '"stale"'],
      env,
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("(request id req_");
    expect((await api.client.sessions.retrieve(session.session_id)).name).toBe("etag");
  });

  it("shown ETag allows the update", async () => {
    const session = await createSession("--name", "etag");
    const shown = await runCli(["sessions", "show", session.session_id, "--json"], env);
    const etag = (shown.json() as { etag: string }).etag;
    expect(etag).toEqual(expect.any(String));

    const result = await runCli(
      ["sessions", "update", session.session_id, "--name", "checked", "--if-match", etag, "--json"],
      env,
    );

    expect(result.code, result.stderr).toBe(0);
    expect((result.json() as SessionRecord).name).toBe("checked");
  });

  it("nothing to update exits 2", async () => {
    const result = await runCli(["sessions", "update", "ss_any"], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: nothing to update/);
  });
});

describe("sessions files and devices", () => {
  it("add-files whole and clipped", async () => {
    const session = await createSession();
    const whole = await runCli(
      ["sessions", "add-files", session.session_id, file.file_id, "--json"],
      env,
    );
    expect(whole.code, whole.stderr).toBe(0);
    expect((whole.json() as SessionRecord).max_timestamp_ns).toBe(END);

    const clipped = await runCli(
      [
        "sessions",
        "add-files",
        session.session_id,
        lateFile.file_id,
        "--start",
        (END + 10n).toString(),
        "--end",
        "2023-11-14T22:14:20.000000101Z",
        "--json",
      ],
      env,
    );
    expect(clipped.code, clipped.stderr).toBe(0);
    expect((clipped.json() as SessionRecord).min_timestamp_ns).toBe(START);
    expect((clipped.json() as SessionRecord).max_timestamp_ns).toBe(END + 100n);
  });

  it("half a window exits 2", async () => {
    const result = await runCli(
      ["sessions", "add-files", "ss_any", file.file_id, "--start", "5"],
      env,
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: give --start and --end together, or neither for whole files\n",
    );
  });

  it("remove-files empties the bounds", async () => {
    const session = await createSession("--file", file.file_id, "--file", lateFile.file_id);
    const result = await runCli(
      ["sessions", "remove-files", session.session_id, file.file_id, lateFile.file_id, "--json"],
      env,
    );

    expect(result.code).toBe(0);
    expect((result.json() as SessionRecord).min_timestamp_ns).toBeNull();
    expect((result.json() as SessionRecord).max_timestamp_ns).toBeNull();
  });

  it("attach and detach a device", async () => {
    const session = await createSession();

    const attached = await runCli(["sessions", "attach", session.session_id, "robot_1"], env);
    expect(attached.code).toBe(0);
    expect(await api.client.sessions.listDevices(session.session_id).toArray()).toEqual([
      "robot_1",
    ]);

    const detached = await runCli(["sessions", "detach", session.session_id, "robot_1"], env);
    expect(detached.code).toBe(0);
    expect(await api.client.sessions.listDevices(session.session_id).toArray()).toEqual([]);

    const again = await runCli(["sessions", "detach", session.session_id, "robot_1"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("robot_1");
  });
});

describe("sessions rm and query", () => {
  it("rm deletes sessions", async () => {
    const first = await createSession();
    const second = await createSession();
    const result = await runCli(["sessions", "rm", first.session_id, second.session_id], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`deleted ${first.session_id}\ndeleted ${second.session_id}\n`);
    const shown = await runCli(["sessions", "show", first.session_id], env);
    expect(shown.code).toBe(1);
  });

  it("rm --json lists deleted ids", async () => {
    const session = await createSession();
    const result = await runCli(["sessions", "rm", session.session_id, "--json"], env);

    expect(result.code).toBe(0);
    expect(result.json()).toEqual({ deleted: [session.session_id] });
  });

  it("query needs one condition", async () => {
    const neither = await runCli(["sessions", "query"], env);
    const both = await runCli(["sessions", "query", "tags CONTAINS 'a'", "--condition", "{}"], env);
    const malformed = await runCli(["sessions", "query", "--condition", "[1]"], env);

    expect(neither.code).toBe(2);
    expect(both.code).toBe(2);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("expected a JSON object");
  });

  it("invalid condition tree exits 2", async () => {
    const result = await runCli(["sessions", "query", "--condition", '{"field": "tags"}'], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*condition/);
    expect(result.stderr).not.toContain("request id");
  });
});
