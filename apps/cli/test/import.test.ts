import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileRecord, SessionRecord } from "@sortie/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveApi, startLiveApi } from "./support/live-api.js";
import { recordingPath } from "./support/recordings.js";
import { apiEnv, type CliEnv, runCli } from "./support/run-cli.js";

const TALKER = recordingPath("rosbag2_talker.mcap");
const TURTLES = recordingPath("rosbagjs_example-lz4.bag");
const SIM_CLOCK = recordingPath("rosbag2_test_bag_for_seek_0.mcap");
const FLIPPED = recordingPath("BROKEN_pyulog_sample_log_small_flipped-magic.ulg");

const TALKER_WINDOW = [1_585_866_235_112_411_371n, 1_585_866_239_643_508_139n];
const TURTLES_WINDOW = [1_396_293_887_844_783_943n, 1_396_293_909_544_870_199n];

interface ImportOutput {
  dataset_id: string;
  files: FileRecord[];
  session: SessionRecord | null;
}

let api: LiveApi;
let env: CliEnv;
let scratch: string;
beforeAll(async () => {
  api = await startLiveApi();
  env = apiEnv(api);
  scratch = await mkdtemp(join(tmpdir(), "sortie-cli-import-"));
});
afterAll(async () => {
  await api?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function importJson(...args: string[]): Promise<ImportOutput> {
  const result = await runCli(["import", "--json", ...args], env);
  expect(result.code, result.stderr).toBe(0);
  return result.json() as ImportOutput;
}

describe("import", () => {
  it("--session creates a named session", async () => {
    const output = await importJson(TALKER, "--session", "talker run");

    expect(output.files).toHaveLength(1);
    expect(output.files[0]?.ingestion_status).toBe("indexed");
    expect(output.files[0]?.relative_path).toBe("rosbag2_talker.mcap");
    expect(output.session?.name).toBe("talker run");
    expect(output.session?.min_timestamp_ns).toBe(TALKER_WINDOW[0]);
    expect(output.session?.max_timestamp_ns).toBe(TALKER_WINDOW[1]);
    const dataset = await api.client.datasets.retrieve(output.dataset_id);
    expect(dataset.name).toBe("talker run");
  });

  it("--session-id extends a session", async () => {
    const first = await importJson(TALKER, "--session", "extended");
    const second = await importJson(TURTLES, "--session-id", first.session?.session_id ?? "");

    expect(second.session?.session_id).toBe(first.session?.session_id);
    expect(second.session?.min_timestamp_ns).toBe(TURTLES_WINDOW[0]);
    expect(second.session?.max_timestamp_ns).toBe(TALKER_WINDOW[1]);
  });

  it("--session-key creates then joins", async () => {
    const created = await importJson(TALKER, "--session-key", "day/1", "--session", "day one");
    const joined = await importJson(TURTLES, "--session-key", "day/1");

    expect(created.session?.key).toBe("day/1");
    expect(created.session?.name).toBe("day one");
    expect(joined.session?.session_id).toBe(created.session?.session_id);
    expect(joined.session?.min_timestamp_ns).toBe(TURTLES_WINDOW[0]);
    const files = await api.client.sessions.listFiles(joined.session?.session_id ?? "").toArray();
    expect(files).toHaveLength(2);
  });

  it("--device is created and attached", async () => {
    const output = await importJson(TALKER, "--device", "new_drone", "--session", "with device");

    expect(output.files[0]?.device_id).toBe("new_drone");
    expect((await api.client.devices.retrieve("new_drone")).device_id).toBe("new_drone");
    expect(
      await api.client.sessions.listDevices(output.session?.session_id ?? "").toArray(),
    ).toEqual(["new_drone"]);
  });

  it("--dataset uploads into a dataset", async () => {
    const dataset = await api.client.datasets.create({ name: "existing" });
    const output = await importJson(TALKER, "--dataset", dataset.dataset_id);

    expect(output.dataset_id).toBe(dataset.dataset_id);
    expect(output.session).toBeNull();
    const files = await api.client.datasets.listFiles(dataset.dataset_id).toArray();
    expect(files.map((file) => file.file_id)).toEqual([output.files[0]?.file_id]);
  });

  it("folder keeps relative paths", async () => {
    const folder = join(scratch, "flights");
    await mkdir(join(folder, "day1"), { recursive: true });
    await copyFile(TALKER, join(folder, "day1", "talker.mcap"));
    await copyFile(SIM_CLOCK, join(folder, "seek.mcap"));

    const output = await importJson(folder, "--session", "folder");

    expect(output.files.map((file) => file.relative_path)).toEqual([
      "flights/day1/talker.mcap",
      "flights/seek.mcap",
    ]);
    // The simulated clock is not Unix time, so only the talker bounds the session.
    expect(output.files[1]?.time_base).toBe("relative");
    expect(output.session?.min_timestamp_ns).toBe(TALKER_WINDOW[0]);
    expect(output.session?.max_timestamp_ns).toBe(TALKER_WINDOW[1]);
  });

  it("table shows files and bounds", async () => {
    const result = await runCli(["import", TALKER, SIM_CLOCK, "--session", "table"], env);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^FILE_ID +PATH +FORMAT +STATUS +CLOCK +WINDOW$/m);
    expect(result.stdout).toMatch(
      /^fl_\w+ +rosbag2_talker\.mcap +mcap +indexed +unix +2020-04-02T22:23:55\.112411371Z … 22:23:59\.643508139Z \(4\.5s\)$/m,
    );
    expect(result.stdout).toMatch(
      /^fl_\w+ +rosbag2_test_bag_for_seek_0\.mcap +mcap +indexed +relative +- \(relative clock\)$/m,
    );
    expect(result.stdout).toMatch(/^name +table$/m);
    expect(result.stderr).toMatch(/^uploaded rosbag2_talker\.mcap \(12\.6 KiB\) as fl_\w+$/m);
  });

  it("failed file exits 1 and continues", async () => {
    const result = await runCli(["import", FLIPPED, TALKER, "--session", "partly", "--json"], env);

    expect(result.code).toBe(1);
    const output = result.json() as ImportOutput;
    expect(output.files.map((file) => file.ingestion_status)).toEqual(["failed", "indexed"]);
    expect(output.session?.min_timestamp_ns).toBe(TALKER_WINDOW[0]);
    expect(result.stderr).toContain(
      `error: indexing BROKEN_pyulog_sample_log_small_flipped-magic.ulg (${output.files[0]?.file_id}) failed: ${output.files[0]?.ingestion_error}`,
    );
    expect(output.files[0]?.ingestion_error).toEqual(expect.any(String));
  });

  it("unknown format has no window", async () => {
    const notes = join(scratch, "notes.txt");
    await writeFile(notes, "not a recording\n");

    const output = await importJson(notes, "--session", "notes");

    expect(output.files[0]?.start_time_ns).toBeNull();
    expect(output.session?.min_timestamp_ns).toBeNull();
  });

  it("missing path exits 2", async () => {
    const result = await runCli(["import", join(scratch, "absent.mcap")], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: no such file or folder: ${join(scratch, "absent.mcap")}\n`);
  });

  it("same name twice exits 2", async () => {
    const copy = join(scratch, "copy");
    await mkdir(copy, { recursive: true });
    await copyFile(TALKER, join(copy, "rosbag2_talker.mcap"));

    const result = await runCli(["import", TALKER, join(copy, "rosbag2_talker.mcap")], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("would both be stored as 'rosbag2_talker.mcap'");
  });

  it("conflicting session options exit 2", async () => {
    const result = await runCli(["import", TALKER, "--session-id", "ss_1", "--session", "x"], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--session-id extends an existing session");
  });

  it("unknown session id exits 1", async () => {
    const datasetsBefore = (await api.client.datasets.list().toArray()).length;

    const result = await runCli(["import", TALKER, "--session-id", "ss_missing"], env);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ss_missing.*\(request id req_/);
    expect((await api.client.datasets.list().toArray()).length).toBe(datasetsBefore);
  });
});
