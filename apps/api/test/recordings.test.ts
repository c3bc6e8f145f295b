import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "./support/databases.js";
import { createDevice, expectApiError, readAllPages } from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

// The repository's parent folder contains `shared/recordings`.
const REPOSITORY = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const MANIFEST_PATH = resolve(REPOSITORY, "../shared/recordings/manifest.json");

// MCAP and bag times count as Unix time only from 2000-01-01T00:00:00Z on.
// Earlier values come from a simulation or synthetic clock.
const PLAUSIBLE_UNIX_FROM_NS = 946_684_800n * 1_000_000_000n;

/** The fields of a manifest entry this test reads. Nanoseconds are decimal strings. */
interface ManifestEntry {
  name: string;
  format: "mcap" | "ros1-bag" | "ulog";
  category: string;
  broken: boolean;
  sizeBytes: number;
  sha256: string;
  origin: { repo: string; path: string; commit: string };
  time?: {
    clock: string | null;
    startNs?: string | null;
    endNs?: string | null;
    absolute?: { unixStartNs: string; unixEndNs: string };
  };
}

type Window = [bigint, bigint];

/**
 * Returns the Unix window of a recording. ULog files have one only through GPS
 * time (`time.absolute`), and MCAP and bag times are Unix time only when plausible.
 */
function trueUnixWindow(entry: ManifestEntry): Window | null {
  const time = entry.time;
  if (!time) return null;
  if (entry.format === "ulog") {
    return time.absolute
      ? [BigInt(time.absolute.unixStartNs), BigInt(time.absolute.unixEndNs)]
      : null;
  }
  if (time.startNs == null || time.endNs == null) return null;
  const start = BigInt(time.startNs);
  return start >= PLAUSIBLE_UNIX_FROM_NS ? [start, BigInt(time.endNs)] : null;
}

// One dataset per format, each recorded by its own device. Some recordings
// name a device of their own.
const DATASET_DEVICES: Record<ManifestEntry["format"], string> = {
  mcap: "ros2_recorder",
  "ros1-bag": "ros1_recorder",
  ulog: "px4_cubeorange",
};
const FILE_DEVICES: Record<string, string> = {
  "evo_nav2_turtlebot.mcap": "turtlebot_sim",
  "pyulog_sample_px4_events.ulg": "px4_sitl",
  "pyulog_sample_logging_tagged_and_default_params.ulg": "px4_sitl",
};

/** A registered recording with its manifest entry and Unix window. */
interface Recording {
  entry: ManifestEntry;
  fileId: string;
  datasetId: string;
  deviceId: string;
  window: Window | null;
}

/** One contribution as this test makes it: a recording, whole or clipped. */
interface Contribution {
  recording: Recording;
  range: Window | null;
}

/** A session this test created, with what it must hold. */
interface ExpectedSession {
  sessionId: string;
  contributions: Contribution[];
  devices: Set<string>;
}

function effectiveWindow(contribution: Contribution): Window | null {
  return contribution.range ?? contribution.recording.window;
}

function expectedBounds(contributions: Contribution[]): [bigint | null, bigint | null] {
  let min: bigint | null = null;
  let max: bigint | null = null;
  for (const contribution of contributions) {
    const window = effectiveWindow(contribution);
    if (!window) continue;
    if (min === null || window[0] < min) min = window[0];
    if (max === null || window[1] > max) max = window[1];
  }
  return [min, max];
}

// The middle half of a window.
function middleHalf([start, end]: Window): Window {
  const quarter = (end - start) / 4n;
  return [start + quarter, end - quarter];
}

const manifest: { files: ManifestEntry[] } = JSON.parse(await readFile(MANIFEST_PATH, "utf8"));

describe.each(TEST_DIALECTS)("real recordings on %s", (dialect) => {
  let api: TestApi;
  const recordings: Recording[] = [];
  const datasets = new Map<ManifestEntry["format"], string>();
  const sessions: Record<string, ExpectedSession> = {};

  const byName = (name: string): Recording => {
    const recording = recordings.find((candidate) => candidate.entry.name === name);
    if (!recording) throw new Error(`recording '${name}' is missing from ${MANIFEST_PATH}`);
    return recording;
  };

  async function createFromFiles(
    label: string,
    contributions: Contribution[],
    body: Record<string, unknown> = {},
  ) {
    const response = await api.post("/v1/sessions", {
      name: label,
      files: contributions.map(({ recording, range }) => ({
        file_id: recording.fileId,
        ...(range ? { range_min_timestamp_ns: range[0], range_max_timestamp_ns: range[1] } : {}),
      })),
      ...body,
    });
    expect(response.status, response.text.slice(0, 500)).toBe(200);
    sessions[label] = {
      sessionId: response.body.data.session_id,
      contributions,
      devices: new Set(contributions.map(({ recording }) => recording.deviceId)),
    };
  }

  beforeAll(async () => {
    api = await startTestApi(dialect);
    for (const device of new Set([
      ...Object.values(DATASET_DEVICES),
      ...Object.values(FILE_DEVICES),
    ])) {
      await createDevice(api, device);
    }

    for (const [format, deviceId] of Object.entries(DATASET_DEVICES) as [
      ManifestEntry["format"],
      string,
    ][]) {
      const response = await api.post("/v1/datasets", {
        name: `${format} recordings`,
        device_id: deviceId,
        tags: [format],
      });
      expect(response.status, response.text).toBe(200);
      datasets.set(format, response.body.data.dataset_id);
    }

    for (const entry of manifest.files) {
      const window = trueUnixWindow(entry);
      const datasetId = datasets.get(entry.format) as string;
      const deviceId = FILE_DEVICES[entry.name] ?? DATASET_DEVICES[entry.format];
      const response = await api.post(`/v1/datasets/${datasetId}/files`, {
        relative_path: entry.name,
        size: entry.sizeBytes,
        device_id: FILE_DEVICES[entry.name] ?? null,
        ...(window ? { start_time_ns: window[0], end_time_ns: window[1] } : {}),
        tags: entry.broken ? [entry.format, "broken"] : [entry.format],
        metadata: { sha256: entry.sha256, category: entry.category },
        origination: `${entry.origin.repo}:${entry.origin.path}@${entry.origin.commit}`,
      });
      expect(response.status, response.text).toBe(200);
      recordings.push({ entry, fileId: response.body.data.file_id, datasetId, deviceId, window });
    }

    for (const [format, datasetId] of datasets) {
      const response = await api.post(`/v1/datasets/${datasetId}/sessions`, {
        name: `whole ${format}`,
      });
      expect(response.status, response.text.slice(0, 500)).toBe(200);
      const members = recordings.filter((recording) => recording.datasetId === datasetId);
      sessions[`whole ${format}`] = {
        sessionId: response.body.data.session_id,
        contributions: members.map((recording) => ({ recording, range: null })),
        devices: new Set([
          DATASET_DEVICES[format],
          ...members.map((recording) => recording.deviceId),
        ]),
      };
    }

    await createFromFiles(
      "everything",
      recordings.map((recording) => ({ recording, range: null })),
      { key: "recordings/everything" },
    );
    await createFromFiles(
      "middle halves",
      recordings.flatMap((recording) =>
        recording.window ? [{ recording, range: middleHalf(recording.window) }] : [],
      ),
    );
    const talker = byName("rosbag2_talker.mcap");
    const turtlebot = byName("evo_nav2_turtlebot.mcap");
    const turtlesim = byName("rosbagjs_example-lz4.bag");
    await createFromFiles("mixed devices", [
      { recording: talker, range: null },
      { recording: turtlebot, range: middleHalf(turtlebot.window as Window) },
      {
        recording: turtlebot,
        range: [(turtlebot.window as Window)[0], (turtlebot.window as Window)[0] + 1_000_000_000n],
      },
      {
        recording: turtlesim,
        range: [
          (turtlesim.window as Window)[0] - 1_000_000_000n,
          (turtlesim.window as Window)[0] + 1_000_000_000n,
        ],
      },
    ]);
    await createFromFiles(
      "unknown clocks",
      recordings
        .filter((recording) => recording.window === null)
        .map((recording) => ({ recording, range: null })),
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  it("reads the manifest beside the repository", () => {
    expect(manifest.files.length).toBeGreaterThanOrEqual(13);
    expect(recordings).toHaveLength(manifest.files.length);
    expect(new Set(manifest.files.map((entry) => entry.format))).toEqual(
      new Set(["mcap", "ros1-bag", "ulog"]),
    );
  });

  it("agrees with the manifest clocks", () => {
    for (const { entry, window } of recordings) {
      if (entry.format === "ulog") continue;
      expect(window !== null, entry.name).toBe(entry.time?.clock === "unix");
    }
    expect(byName("pyulog_sample_log_small.ulg").window).toEqual([
      1618986639553798000n,
      1618987832496025000n,
    ]);
    expect(byName("robot_localization_test2.bag").window).toBeNull();
    expect(byName("rosbag2_test_bag_for_seek_0.mcap").window).toBeNull();
    expect(byName("BROKEN_pyulog_sample_log_small_flipped-magic.ulg").window).toBeNull();
  });

  it("registers every recording", async () => {
    for (const [format, datasetId] of datasets) {
      const files = await readAllPages(api, `/v1/datasets/${datasetId}/files`, 2);
      const expected = recordings.filter((recording) => recording.entry.format === format);
      expect(files.map((file) => file.relative_path)).toEqual(
        expected.map((recording) => recording.entry.name).sort(),
      );

      for (const file of files) {
        const recording = byName(file.relative_path);
        expect(file.file_id).toBe(recording.fileId);
        expect(file.size).toBe(recording.entry.sizeBytes);
        expect(file.device_id).toBe(recording.deviceId);
        expect(file.metadata.sha256).toBe(recording.entry.sha256);
        expect([file.start_time_ns, file.end_time_ns], file.relative_path).toEqual(
          recording.window ?? [null, null],
        );
        expect(file.time_base).toBe(recording.window ? "unix" : null);
      }
    }
  });

  it("keeps the nanosecond digits exact", async () => {
    const talker = byName("rosbag2_talker.mcap");

    const read = await api.get(`/v1/files/id/${talker.fileId}`);

    expect(read.text).toContain(`"start_time_ns":${talker.entry.time?.startNs}`);
    expect(read.text).toContain(`"end_time_ns":${talker.entry.time?.endNs}`);
  });

  it("bounds every session by its contributions", async () => {
    for (const [label, expected] of Object.entries(sessions)) {
      const read = await api.get(`/v1/sessions/id/${expected.sessionId}`);
      expect(read.status, label).toBe(200);
      expect([read.body.data.min_timestamp_ns, read.body.data.max_timestamp_ns], label).toEqual(
        expectedBounds(expected.contributions),
      );
    }
  });

  it("bounds the known recordings", async () => {
    const [earliest, latest] = expectedBounds(
      recordings.map((recording) => ({ recording, range: null })),
    );

    const read = await api.get(`/v1/sessions/key/${encodeURIComponent("recordings/everything")}`);

    expect(read.body.data.min_timestamp_ns).toBe(1396293887844783943n);
    expect(earliest).toBe(1396293887844783943n);
    expect(read.body.data.max_timestamp_ns).toBe(latest);
    expect(read.body.data.max_timestamp_ns).toBe(1778234450738043000n);
  });

  it("keeps a partial clip as given", async () => {
    const turtlesim = byName("rosbagjs_example-lz4.bag");

    const read = await api.get(`/v1/sessions/id/${sessions["mixed devices"]?.sessionId}`);

    expect(read.body.data.min_timestamp_ns).toBe((turtlesim.window as Window)[0] - 1_000_000_000n);
  });

  it("lists the files view of each session", async () => {
    for (const [label, expected] of Object.entries(sessions)) {
      const views = await readAllPages(api, `/v1/sessions/id/${expected.sessionId}/files`, 3);
      const actual = views.map((view) => [
        view.relative_path,
        view.range_min_timestamp_ns,
        view.range_max_timestamp_ns,
        view.file_start_time_ns,
        view.file_end_time_ns,
        view.min_timestamp_ns,
        view.max_timestamp_ns,
        view.device_id,
      ]);
      const wanted = expected.contributions.map((contribution) => {
        const window = contribution.recording.window;
        const effective = effectiveWindow(contribution);
        return [
          contribution.recording.entry.name,
          contribution.range?.[0] ?? null,
          contribution.range?.[1] ?? null,
          window?.[0] ?? null,
          window?.[1] ?? null,
          effective?.[0] ?? null,
          effective?.[1] ?? null,
          contribution.recording.deviceId,
        ];
      });
      const byText = (row: unknown[]) => row.map(String).join("|");
      expect(actual.map(byText).sort(), label).toEqual(wanted.map(byText).sort());
    }
  });

  it("attaches the recording devices", async () => {
    for (const [label, expected] of Object.entries(sessions)) {
      const devices = await readAllPages(api, `/v1/sessions/id/${expected.sessionId}/devices`);
      expect(devices, label).toEqual([...expected.devices].sort());
    }
  });

  it("lists sessions per device", async () => {
    const deviceIds = new Set([...Object.values(DATASET_DEVICES), ...Object.values(FILE_DEVICES)]);
    for (const deviceId of deviceIds) {
      const listed = await readAllPages(api, `/v1/devices/id/${deviceId}/sessions`, 2);
      const expected = Object.values(sessions)
        .filter((session) => session.devices.has(deviceId))
        .map((session) => session.sessionId);
      expect(listed.map((session) => session.session_id).sort(), deviceId).toEqual(expected.sort());
    }
  });

  it("lists sessions per dataset", async () => {
    for (const [format, datasetId] of datasets) {
      const listed = await readAllPages(api, `/v1/datasets/${datasetId}/sessions`, 2);
      const expected = Object.values(sessions)
        .filter((session) =>
          session.contributions.some(({ recording }) => recording.datasetId === datasetId),
        )
        .map((session) => session.sessionId);
      expect(listed.map((session) => session.session_id).sort(), format).toEqual(expected.sort());
    }
  });

  it("rejects a clip outside a recording", async () => {
    const turtlebot = byName("evo_nav2_turtlebot.mcap");
    const [start, end] = turtlebot.window as Window;
    const session = sessions["mixed devices"] as ExpectedSession;

    const response = await api.post(`/v1/sessions/id/${session.sessionId}/files`, {
      files: [
        {
          file_id: turtlebot.fileId,
          range_min_timestamp_ns: end + 1n,
          range_max_timestamp_ns: end + 60_000_000_000n,
        },
      ],
    });

    expectApiError(response, 400, "RobotoInvalidRequestException");
    for (const part of [turtlebot.fileId, `${start}`, `${end}`, `${end + 1n}`])
      expect(response.body.error.message).toContain(part);
    const read = await api.get(`/v1/sessions/id/${session.sessionId}`);
    expect(read.body.data.max_timestamp_ns).toBe(expectedBounds(session.contributions)[1]);
  });

  it("leaves unknown clocks unbounded", async () => {
    const session = sessions["unknown clocks"] as ExpectedSession;

    const read = await api.get(`/v1/sessions/id/${session.sessionId}`);

    expect(session.contributions.length).toBeGreaterThanOrEqual(5);
    expect(read.body.data.min_timestamp_ns).toBeNull();
    expect(read.body.data.max_timestamp_ns).toBeNull();
  });
});
