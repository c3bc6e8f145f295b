import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  loadManifest,
  type ManifestFile,
  type ManifestTopic,
  RECORDINGS_DIR,
} from "../src/ingest/test-recordings.js";
import { TEST_DIALECTS } from "./support/databases.js";
import { createDataset, readAllPages } from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

// A GPS-derived ULog offset may differ from the manifest's by the GPS
// sampling jitter, because both may start from different GPS samples.
const GPS_JITTER_NS = 1_000_000_000n;

/** A manifest entry with the fields this test reads beyond the shared ones. */
type Recording = ManifestFile & { sha256: string };

const recordings = loadManifest() as Recording[];
const intact = recordings.filter((recording) => !recording.broken);
const broken = recordings.filter((recording) => recording.broken);

/** A topic as the API lists it. */
interface Topic {
  topic_name: string;
  schema_name: string | null;
  message_count: number;
  start_time_ns: bigint | null;
  end_time_ns: bigint | null;
}

/** A Unix window and how far it may lie from the truth. */
interface ExpectedWindow {
  start: bigint;
  end: bigint;
  toleranceNs: bigint;
}

// biome-ignore lint/suspicious/noExplicitAny: file records are read freely in tests.
async function waitForIngestion(api: TestApi, fileId: string): Promise<any> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await api.get(`/v1/files/id/${fileId}`);
    expect(response.status, response.text).toBe(200);
    if (response.body.data.ingestion_status !== "pending") return response.body.data;
    if (Date.now() > deadline)
      throw new Error(`file ${fileId} was still pending after 20 s: ${response.text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** ULog instance 0 keeps the message name; instance k >= 1 is `<name>[k]`. */
function expectedTopicName(recording: ManifestFile, topic: ManifestTopic): string {
  if (recording.format !== "ulog" || !topic.multiId) return topic.topic;
  return `${topic.topic}[${topic.multiId}]`;
}

/** Returns a manifest topic's window on the file's own clock in ns. The manifest gives ULog times in boot microseconds. */
function ownWindow(recording: ManifestFile, topic: ManifestTopic): [bigint | null, bigint | null] {
  if (recording.format === "ulog") {
    return [micros(topic.startUs), micros(topic.endUs)];
  }
  return [nanos(topic.startNs), nanos(topic.endNs)];
}

/** The topics the API must list for a recording, with times shifted by `offset` (`null` keeps them unknown). */
function expectedTopics(recording: ManifestFile, offset: bigint | null): Topic[] {
  const topics = (recording.topics ?? []).map((topic) => {
    const [start, end] = ownWindow(recording, topic);
    return {
      topic_name: expectedTopicName(recording, topic),
      schema_name: (recording.format === "mcap" ? topic.schemaName : topic.type) ?? null,
      message_count: topic.messageCount,
      start_time_ns: offset === null || start === null ? null : start + offset,
      end_time_ns: offset === null || end === null ? null : end + offset,
    };
  });
  return topics.sort(compareTopics);
}

/** Returns the recording's Unix window by the manifest's conventions, or `null` when its clock is not Unix time. */
function manifestUnixWindow(recording: ManifestFile): ExpectedWindow | null {
  const time = recording.time;
  if (!time) return null;
  if (recording.format === "ulog") {
    if (!time.absolute) return null;
    return {
      start: BigInt(time.absolute.unixStartNs),
      end: BigInt(time.absolute.unixEndNs),
      toleranceNs: GPS_JITTER_NS,
    };
  }
  if (time.clock !== "unix" || time.startNs === null || time.endNs === null) return null;
  return { start: BigInt(time.startNs), end: BigInt(time.endNs), toleranceNs: 0n };
}

function expectedTimeBase(recording: ManifestFile): "unix" | "relative" | null {
  if (!recording.time || recording.time.startNs === null) return null;
  return manifestUnixWindow(recording) ? "unix" : "relative";
}

function compareTopics(a: Topic, b: Topic): number {
  if (a.topic_name !== b.topic_name) return a.topic_name < b.topic_name ? -1 : 1;
  const schemaA = a.schema_name ?? "";
  const schemaB = b.schema_name ?? "";
  if (schemaA === schemaB) return 0;
  return schemaA < schemaB ? -1 : 1;
}

function expectNear(
  actual: bigint | null,
  expected: bigint,
  toleranceNs: bigint,
  label: string,
): void {
  expect(actual, label).not.toBeNull();
  const difference = (actual as bigint) - expected;
  expect(
    difference < 0n ? -difference : difference,
    `${label}: ${actual} vs ${expected}`,
  ).toBeLessThanOrEqual(toleranceNs);
}

function nanos(value: string | null | undefined): bigint | null {
  return value == null ? null : BigInt(value);
}

function micros(value: string | null | undefined): bigint | null {
  return value == null ? null : BigInt(value) * 1000n;
}

describe.each(TEST_DIALECTS)("uploaded recordings on %s", (dialect) => {
  let api: TestApi;
  let datasetId: string;
  // biome-ignore lint/suspicious/noExplicitAny: file records are read freely in tests.
  const files = new Map<string, any>();

  // The offset the API placed a file's own clock at, from its record.
  const offsetOf = (name: string): bigint | null => {
    const file = files.get(name);
    if (file.time_base !== "unix") return null;
    return (file.start_time_ns as bigint) - (file.recorded_start_ns as bigint);
  };

  beforeAll(async () => {
    api = await startTestApi(dialect);
    datasetId = await createDataset(api, { name: "recording set" });
    const uploaded: [string, string][] = [];
    for (const recording of recordings) {
      const bytes = await readFile(join(RECORDINGS_DIR, recording.name));
      const path = `/v1/datasets/${datasetId}/files/upload?relative_path=${encodeURIComponent(`set/${recording.name}`)}`;
      const response = await api.request("PUT", path, { body: bytes });
      expect(response.status, response.text).toBe(200);
      uploaded.push([recording.name, response.body.data.file_id]);
    }
    for (const [name, fileId] of uploaded) files.set(name, await waitForIngestion(api, fileId));
  });
  afterAll(async () => {
    await api?.close();
  });

  describe.each(intact)("$name", (recording) => {
    it("ends indexed in its format", () => {
      const file = files.get(recording.name);
      expect(file.ingestion_status).toBe("indexed");
      expect(file.ingestion_error).toBeNull();
      expect(file.format).toBe(recording.format);
    });

    it("keeps size and content hash", () => {
      const file = files.get(recording.name);
      expect(file.size).toBe(recording.sizeBytes);
      expect(file.content_hash).toBe(`sha256:${recording.sha256}`);
    });

    it("has the manifest's own-clock window", () => {
      const file = files.get(recording.name);
      expect(file.recorded_start_ns).toBe(nanos(recording.time?.startNs));
      expect(file.recorded_end_ns).toBe(nanos(recording.time?.endNs));
      expect(file.time_base).toBe(expectedTimeBase(recording));
    });

    it("has the manifest's Unix window", () => {
      const file = files.get(recording.name);
      const window = manifestUnixWindow(recording);
      if (!window) {
        expect(file.start_time_ns).toBeNull();
        expect(file.end_time_ns).toBeNull();
        return;
      }
      expectNear(file.start_time_ns, window.start, window.toleranceNs, "start_time_ns");
      expectNear(file.end_time_ns, window.end, window.toleranceNs, "end_time_ns");
      if (recording.format !== "ulog") expect(offsetOf(recording.name)).toBe(0n);
    });

    it("lists the manifest's topics", async () => {
      const file = files.get(recording.name);
      const topics = await readAllPages(api, `/v1/files/id/${file.file_id}/topics`);
      expect(topics).toEqual(expectedTopics(recording, offsetOf(recording.name)));
    });

    it("counts the manifest's messages", async () => {
      const file = files.get(recording.name);
      const topics: Topic[] = await readAllPages(api, `/v1/files/id/${file.file_id}/topics`);
      const total = topics.reduce((sum, topic) => sum + topic.message_count, 0);
      expect(total).toBe(recording.messageCount);
    });

    it("bounds its own session", async () => {
      const file = files.get(recording.name);
      const created = await api.post("/v1/sessions", { files: [{ file_id: file.file_id }] });
      expect(created.status, created.text).toBe(200);
      const session = created.body.data;
      const window = manifestUnixWindow(recording);

      if (!window) {
        expect(session.min_timestamp_ns).toBeNull();
        expect(session.max_timestamp_ns).toBeNull();
      } else {
        expectNear(session.min_timestamp_ns, window.start, window.toleranceNs, "min_timestamp_ns");
        expectNear(session.max_timestamp_ns, window.end, window.toleranceNs, "max_timestamp_ns");
      }

      // A session lists only topics with data in Unix time.
      const topics = await readAllPages(api, `/v1/sessions/id/${session.session_id}/topics`);
      const withData = expectedTopics(recording, offsetOf(recording.name)).filter(
        (topic) => topic.start_time_ns !== null,
      );
      expect(topics).toEqual(withData);
    });
  });

  describe.each(broken)("$name", (recording) => {
    it("ends failed with a reason", () => {
      const file = files.get(recording.name);
      expect(file.ingestion_status).toBe("failed");
      expect(file.ingestion_error).toMatch(
        recording.format === "mcap" ? /^MCAP file ends before its footer/ : /ULog magic bytes/,
      );
      expect(file.ingestion_error).toMatch(/cut off|damaged|not a ULog/);
    });

    it("contributes no window", async () => {
      const file = files.get(recording.name);
      expect(file.time_base).toBeNull();
      expect(file.start_time_ns).toBeNull();
      expect(file.end_time_ns).toBeNull();

      const created = await api.post("/v1/sessions", { files: [{ file_id: file.file_id }] });
      expect(created.status, created.text).toBe(200);
      expect(created.body.data.min_timestamp_ns).toBeNull();
      expect(created.body.data.max_timestamp_ns).toBeNull();
    });

    it("lists no topics", async () => {
      const file = files.get(recording.name);
      expect(await readAllPages(api, `/v1/files/id/${file.file_id}/topics`)).toEqual([]);
    });
  });

  describe("session of the whole set", () => {
    // biome-ignore lint/suspicious/noExplicitAny: session records are read freely in tests.
    let session: any;
    beforeAll(async () => {
      const created = await api.post(`/v1/datasets/${datasetId}/sessions`, { name: "whole set" });
      expect(created.status, created.text).toBe(200);
      session = created.body.data;
    });

    it("spans the manifest's Unix windows", () => {
      const windows = recordings.map(manifestUnixWindow).filter((window) => window !== null);
      const earliest = windows.reduce((a, b) => (b.start < a.start ? b : a));
      const latest = windows.reduce((a, b) => (b.end > a.end ? b : a));

      expectNear(
        session.min_timestamp_ns,
        earliest.start,
        earliest.toleranceNs,
        "min_timestamp_ns",
      );
      expectNear(session.max_timestamp_ns, latest.end, latest.toleranceNs, "max_timestamp_ns");
    });

    it("never starts before 2000", () => {
      expect(session.min_timestamp_ns).toBeGreaterThan(946_684_800_000_000_000n);
    });

    it("merges the manifest's topics", async () => {
      const merged = new Map<string, Topic>();
      for (const recording of intact) {
        const offset = offsetOf(recording.name);
        if (offset === null) continue;
        for (const topic of expectedTopics(recording, offset)) {
          if (topic.start_time_ns === null || topic.end_time_ns === null) continue;
          const key = `${topic.topic_name}\u0000${topic.schema_name}`;
          const entry = merged.get(key);
          if (!entry) {
            merged.set(key, { ...topic });
            continue;
          }
          entry.message_count += topic.message_count;
          if (topic.start_time_ns < (entry.start_time_ns as bigint))
            entry.start_time_ns = topic.start_time_ns;
          if (topic.end_time_ns > (entry.end_time_ns as bigint))
            entry.end_time_ns = topic.end_time_ns;
        }
      }

      const topics = await readAllPages(api, `/v1/sessions/id/${session.session_id}/topics`);
      expect(topics).toEqual([...merged.values()].sort(compareTopics));
    });

    it("holds topics of several ULogs", async () => {
      // Three ULogs log `vehicle_gps_position`, so its entry sums their counts.
      const ulogs = intact.filter((recording) => recording.format === "ulog");
      const counts = ulogs.map(
        (recording) =>
          recording.topics?.find(
            (topic) => topic.topic === "vehicle_gps_position" && !topic.multiId,
          )?.messageCount ?? 0,
      );
      const topics: Topic[] = await readAllPages(
        api,
        `/v1/sessions/id/${session.session_id}/topics`,
      );
      const gps = topics.filter((topic) => topic.topic_name === "vehicle_gps_position");
      expect(counts.filter((count) => count > 0).length).toBeGreaterThan(1);
      expect(gps).toHaveLength(1);
      expect(gps[0]?.message_count).toBe(counts.reduce((a, b) => a + b, 0));
    });
  });
});
