import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalBlobStore } from "../src/blobs/local-blob-store.js";
import { RECORDINGS_DIR } from "../src/ingest/test-recordings.js";
import { createJobHandlers } from "../src/jobs/handlers.js";
import { JobWorker } from "../src/jobs/worker.js";
import { silentLogger } from "../src/logger.js";
import { systemClock } from "../src/util/clock.js";
import { TEST_DIALECTS } from "./support/databases.js";
import {
  createDataset,
  createSession,
  expectApiError,
  readAllPages,
  readBounds,
  registerFile,
} from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

const SECOND = 1_000_000_000n;

// Windows of the recordings used here, from the recording set's manifest.
const TALKER = {
  name: "rosbag2_talker.mcap",
  start: 1585866235112411371n,
  end: 1585866239643508139n,
};
const NAV2 = {
  name: "evo_nav2_turtlebot.mcap",
  start: 1778234353382747000n,
  end: 1778234450738043000n,
};
// Relative clocks: 1.0 s to 1.4 s and 47.58 s to 108.781 s.
const SEEK = { name: "rosbag2_test_bag_for_seek_0.mcap", start: 1n * SECOND, end: 1_400_000_000n };
const JACKAL = {
  name: "robot_localization_test2.bag",
  start: 47_580_000_000n,
  end: 108_781_000_000n,
};

// Topics of the Nav2 recording on the Unix clock.
const NAV2_TOPICS = {
  amcl: {
    topic_name: "/amcl_pose",
    schema_name: "geometry_msgs/msg/PoseWithCovarianceStamped",
    message_count: 135,
    start: 1778234353600224000n,
    end: 1778234448539160000n,
  },
  odom: {
    topic_name: "/odom",
    schema_name: "nav_msgs/msg/Odometry",
    message_count: 2639,
    start: 1778234353382747000n,
    end: 1778234450738021000n,
  },
  tf: {
    topic_name: "/tf",
    schema_name: "tf2_msgs/msg/TFMessage",
    message_count: 5422,
    start: 1778234353382761000n,
    end: 1778234450738043000n,
  },
  tfStatic: {
    topic_name: "/tf_static",
    schema_name: "tf2_msgs/msg/TFMessage",
    message_count: 1,
    start: 1778234353404134000n,
    end: 1778234353404134000n,
  },
};

type Nav2Topic = (typeof NAV2_TOPICS)[keyof typeof NAV2_TOPICS];

/** Returns a Nav2 topic as a session lists it, with its window clipped to `[from, to]`. */
function clipped(topic: Nav2Topic, from: bigint, to: bigint) {
  return {
    topic_name: topic.topic_name,
    schema_name: topic.schema_name,
    message_count: topic.message_count,
    start_time_ns: topic.start > from ? topic.start : from,
    end_time_ns: topic.end < to ? topic.end : to,
  };
}

function recording(name: string): Promise<Buffer> {
  return readFile(join(RECORDINGS_DIR, name));
}

async function upload(api: TestApi, datasetId: string, name: string): Promise<string> {
  const path = `/v1/datasets/${datasetId}/files/upload?relative_path=${encodeURIComponent(name)}`;
  const response = await api.request("PUT", path, { body: await recording(name) });
  expect(response.status, response.text).toBe(200);
  return response.body.data.file_id;
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

// biome-ignore lint/suspicious/noExplicitAny: file records are read freely in tests.
async function uploadAndIndex(api: TestApi, datasetId: string, name: string): Promise<any> {
  const file = await waitForIngestion(api, await upload(api, datasetId, name));
  expect(file.ingestion_status).toBe("indexed");
  return file;
}

// biome-ignore lint/suspicious/noExplicitAny: topic records are read freely in tests.
function sessionTopics(api: TestApi, sessionId: string): Promise<any[]> {
  return readAllPages(api, `/v1/sessions/id/${sessionId}/topics`);
}

describe.each(TEST_DIALECTS)("recording clocks on %s", (dialect) => {
  let api: TestApi;
  let datasetId: string;
  beforeAll(async () => {
    api = await startTestApi(dialect);
    datasetId = await createDataset(api, { name: "clocks" });
  });
  afterAll(async () => {
    await api?.close();
  });

  describe("relative files", () => {
    // biome-ignore lint/suspicious/noExplicitAny: file records are read freely in tests.
    let seek: any;
    // biome-ignore lint/suspicious/noExplicitAny: file records are read freely in tests.
    let jackal: any;
    beforeAll(async () => {
      seek = await uploadAndIndex(api, datasetId, SEEK.name);
      jackal = await uploadAndIndex(api, datasetId, JACKAL.name);
    });

    it("have no Unix window", () => {
      for (const [file, clock] of [
        [seek, SEEK],
        [jackal, JACKAL],
      ] as const) {
        expect(file.time_base).toBe("relative");
        expect(file.recorded_start_ns).toBe(clock.start);
        expect(file.recorded_end_ns).toBe(clock.end);
        expect(file.time_offset_ns).toBeNull();
        expect(file.start_time_ns).toBeNull();
        expect(file.end_time_ns).toBeNull();
      }
    });

    it("list topics without times", async () => {
      const topics = await readAllPages(api, `/v1/files/id/${seek.file_id}/topics`);
      expect(topics).toEqual([
        {
          topic_name: "topic1",
          schema_name: "test_msgs/BasicTypes",
          message_count: 5,
          start_time_ns: null,
          end_time_ns: null,
        },
      ]);
    });

    it("leave a session unbounded", async () => {
      const session = await createSession(api, {
        files: [{ file_id: seek.file_id }, { file_id: jackal.file_id }],
      });
      expect(session.min_timestamp_ns).toBeNull();
      expect(session.max_timestamp_ns).toBeNull();
      expect(await sessionTopics(api, session.session_id)).toEqual([]);
    });

    it("add nothing beside Unix files", async () => {
      const talker = await uploadAndIndex(api, datasetId, TALKER.name);
      const session = await createSession(api, {
        files: [{ file_id: jackal.file_id }, { file_id: talker.file_id }],
      });
      expect(session.min_timestamp_ns).toBe(TALKER.start);
      expect(session.max_timestamp_ns).toBe(TALKER.end);
      const names = (await sessionTopics(api, session.session_id)).map((topic) => topic.topic_name);
      expect(names).toEqual(["/rosout", "/topic"]);
    });

    it("move sessions by offset", async () => {
      const first = await createSession(api, { files: [{ file_id: seek.file_id }] });
      const second = await createSession(api, {
        files: [{ file_id: seek.file_id }, { file_id: jackal.file_id }],
      });
      const offset = 1_700_000_000n * SECOND;

      const updated = await api.put(`/v1/files/id/${seek.file_id}`, { time_offset_ns: offset });
      expect(updated.status, updated.text).toBe(200);
      expect(updated.body.data.time_offset_ns).toBe(offset);
      expect(updated.body.data.start_time_ns).toBe(SEEK.start + offset);
      expect(updated.body.data.end_time_ns).toBe(SEEK.end + offset);

      expect(await readBounds(api, first.session_id)).toEqual([
        SEEK.start + offset,
        SEEK.end + offset,
      ]);
      expect(await readBounds(api, second.session_id)).toEqual([
        SEEK.start + offset,
        SEEK.end + offset,
      ]);
      expect(await sessionTopics(api, first.session_id)).toEqual([
        {
          topic_name: "topic1",
          schema_name: "test_msgs/BasicTypes",
          message_count: 5,
          start_time_ns: SEEK.start + offset,
          end_time_ns: SEEK.end + offset,
        },
      ]);

      const cleared = await api.put(`/v1/files/id/${seek.file_id}`, { time_offset_ns: null });
      expect(cleared.status, cleared.text).toBe(200);
      expect(cleared.body.data.start_time_ns).toBeNull();
      expect(await readBounds(api, first.session_id)).toEqual([null, null]);
      expect(await sessionTopics(api, first.session_id)).toEqual([]);
    });

    it("move sessions by window", async () => {
      const session = await createSession(api, { files: [{ file_id: jackal.file_id }] });
      const start = 1_600_000_000n * SECOND;
      const end = start + (JACKAL.end - JACKAL.start);

      const updated = await api.put(`/v1/files/id/${jackal.file_id}`, {
        start_time_ns: start,
        end_time_ns: end,
      });
      expect(updated.status, updated.text).toBe(200);
      expect(await readBounds(api, session.session_id)).toEqual([start, end]);

      // Topics move by the offset the explicit window implies.
      const offset = start - JACKAL.start;
      const topics = await sessionTopics(api, session.session_id);
      expect(topics).toEqual([
        {
          topic_name: "/imu/data",
          schema_name: "sensor_msgs/Imu",
          message_count: 3061,
          start_time_ns: 47_580_000_000n + offset,
          end_time_ns: 108_781_000_000n + offset,
        },
        {
          topic_name: "/jackal_velocity_controller/odom",
          schema_name: "nav_msgs/Odometry",
          message_count: 3060,
          start_time_ns: 47_585_000_000n + offset,
          end_time_ns: 108_770_000_000n + offset,
        },
      ]);

      const cleared = await api.put(`/v1/files/id/${jackal.file_id}`, {
        start_time_ns: null,
        end_time_ns: null,
      });
      expect(cleared.status, cleared.text).toBe(200);
      expect(await readBounds(api, session.session_id)).toEqual([null, null]);
    });

    it("keep the offset on reindex", async () => {
      const offset = 1_650_000_000n * SECOND;
      const updated = await api.put(`/v1/files/id/${seek.file_id}`, { time_offset_ns: offset });
      expect(updated.status, updated.text).toBe(200);

      const restarted = await api.post(`/v1/files/id/${seek.file_id}/reindex`);
      expect(restarted.status, restarted.text).toBe(200);
      const file = await waitForIngestion(api, seek.file_id);
      expect(file.ingestion_status).toBe("indexed");
      expect(file.time_offset_ns).toBe(offset);
      expect(file.start_time_ns).toBe(SEEK.start + offset);
      expect(file.end_time_ns).toBe(SEEK.end + offset);

      const cleared = await api.put(`/v1/files/id/${seek.file_id}`, { time_offset_ns: null });
      expect(cleared.body.data.start_time_ns).toBeNull();
    });

    it("reject an offset without a window", async () => {
      const fileId = await registerFile(api, datasetId, "registered/unknown.mcap");
      const response = await api.put(`/v1/files/id/${fileId}`, { time_offset_ns: SECOND });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path).toBe("time_offset_ns");
    });

    it("reject an offset before 2000", async () => {
      const response = await api.put(`/v1/files/id/${seek.file_id}`, { time_offset_ns: 0n });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path).toBe("time_offset_ns");
      expect(response.body.error.message).toContain("2000-01-01");
    });

    it("reject an offset past int64", async () => {
      const response = await api.put(`/v1/files/id/${seek.file_id}`, {
        time_offset_ns: 9223372036854775807n,
      });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path).toBe("time_offset_ns");

      const file = await api.get(`/v1/files/id/${seek.file_id}`);
      expect(file.body.data.time_offset_ns).toBeNull();
      expect(file.body.data.start_time_ns).toBeNull();
    });
  });

  describe("clipped contributions", () => {
    // biome-ignore lint/suspicious/noExplicitAny: file records are read freely in tests.
    let nav2: any;
    beforeAll(async () => {
      nav2 = await uploadAndIndex(api, datasetId, NAV2.name);
    });

    it("clip session topics", async () => {
      const from = 1778234353500000000n;
      const to = 1778234400000000000n;
      const session = await createSession(api, {
        files: [
          { file_id: nav2.file_id, range_min_timestamp_ns: from, range_max_timestamp_ns: to },
        ],
      });
      expect([session.min_timestamp_ns, session.max_timestamp_ns]).toEqual([from, to]);

      // `/tf_static` has its one message before the clip, so it is not listed.
      expect(await sessionTopics(api, session.session_id)).toEqual([
        clipped(NAV2_TOPICS.amcl, from, to),
        clipped(NAV2_TOPICS.odom, from, to),
        clipped(NAV2_TOPICS.tf, from, to),
      ]);
    });

    it("list topics inside a clip", async () => {
      // Between the `/tf_static` message and the first `/amcl_pose` message.
      const from = 1778234353410000000n;
      const to = 1778234353500000000n;
      const session = await createSession(api, {
        files: [
          { file_id: nav2.file_id, range_min_timestamp_ns: from, range_max_timestamp_ns: to },
        ],
      });
      expect(await sessionTopics(api, session.session_id)).toEqual([
        clipped(NAV2_TOPICS.odom, from, to),
        clipped(NAV2_TOPICS.tf, from, to),
      ]);
    });

    it("join two clips of one file", async () => {
      const early: [bigint, bigint] = [1778234353500000000n, 1778234360000000000n];
      const late: [bigint, bigint] = [1778234449000000000n, 1778234450000000000n];
      const session = await createSession(api, {
        files: [
          {
            file_id: nav2.file_id,
            range_min_timestamp_ns: early[0],
            range_max_timestamp_ns: early[1],
          },
          {
            file_id: nav2.file_id,
            range_min_timestamp_ns: late[0],
            range_max_timestamp_ns: late[1],
          },
        ],
      });

      // Each topic spans from its earliest clipped start to its latest clipped end;
      // `/amcl_pose` ends before the late clip, so only the early one counts.
      expect(await sessionTopics(api, session.session_id)).toEqual([
        clipped(NAV2_TOPICS.amcl, early[0], early[1]),
        clipped(NAV2_TOPICS.odom, early[0], late[1]),
        clipped(NAV2_TOPICS.tf, early[0], late[1]),
      ]);
    });

    it("count a file's messages once", async () => {
      const session = await createSession(api, {
        files: [
          { file_id: nav2.file_id },
          {
            file_id: nav2.file_id,
            range_min_timestamp_ns: 1778234353500000000n,
            range_max_timestamp_ns: 1778234400000000000n,
          },
        ],
      });
      const topics = await sessionTopics(api, session.session_id);
      expect(topics).toEqual(
        Object.values(NAV2_TOPICS).map((topic) => clipped(topic, NAV2.start, NAV2.end)),
      );
    });
  });
});

describe.each(TEST_DIALECTS)("bounds at indexing on %s", (dialect) => {
  // The app's own worker stays off, so files stay pending until this test's worker runs.
  let api: TestApi;
  let blobDir: string;
  let worker: JobWorker | undefined;
  beforeAll(async () => {
    api = await startTestApi(dialect, { startWorker: false });
    blobDir = await mkdtemp(join(tmpdir(), "sortie-ingestion-blobs-"));
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await rm(blobDir, { recursive: true, force: true });
  });

  /**
   * Runs a job worker of this test over the API's store, with the uploaded
   * bytes of `files` copied into a blob store of its own, because the test
   * API keeps its blob directory private.
   */
  async function startWorker(files: [string, string][]): Promise<void> {
    const blobs = new LocalBlobStore(blobDir);
    for (const [fileId, name] of files) {
      const row = await api.store.db
        .selectFrom("files")
        .select("blob_key")
        .where("file_id", "=", fileId)
        .executeTakeFirstOrThrow();
      const bytes = await recording(name);
      await blobs.put(row.blob_key as string, new Blob([new Uint8Array(bytes)]).stream());
    }
    worker = new JobWorker(
      api.store,
      systemClock,
      silentLogger,
      createJobHandlers(api.store, blobs, systemClock, silentLogger),
      {
        pollIntervalMs: 20,
      },
    );
    worker.start();
  }

  it("recomputes every holding session", async () => {
    const datasetId = await createDataset(api);
    const talker = await upload(api, datasetId, TALKER.name);
    const nav2 = await upload(api, datasetId, NAV2.name);
    const registered = await registerFile(api, datasetId, "registered.mcap", [
      1_600_000_000n * SECOND,
      1_600_000_001n * SECOND,
    ]);

    const onlyTalker = await createSession(api, { files: [{ file_id: talker }] });
    const both = await createSession(api, { files: [{ file_id: talker }, { file_id: nav2 }] });
    const withRegistered = await createSession(api, {
      files: [{ file_id: nav2 }, { file_id: registered }],
    });
    expect(await readBounds(api, onlyTalker.session_id)).toEqual([null, null]);
    expect(await readBounds(api, both.session_id)).toEqual([null, null]);
    expect(await readBounds(api, withRegistered.session_id)).toEqual([
      1_600_000_000n * SECOND,
      1_600_000_001n * SECOND,
    ]);
    const etagBefore = (await api.get(`/v1/sessions/id/${both.session_id}`)).headers.get("etag");

    await startWorker([
      [talker, TALKER.name],
      [nav2, NAV2.name],
    ]);
    expect((await waitForIngestion(api, talker)).ingestion_status).toBe("indexed");
    expect((await waitForIngestion(api, nav2)).ingestion_status).toBe("indexed");

    expect(await readBounds(api, onlyTalker.session_id)).toEqual([TALKER.start, TALKER.end]);
    expect(await readBounds(api, both.session_id)).toEqual([TALKER.start, NAV2.end]);
    expect(await readBounds(api, withRegistered.session_id)).toEqual([
      1_600_000_000n * SECOND,
      NAV2.end,
    ]);
    expect((await api.get(`/v1/sessions/id/${both.session_id}`)).headers.get("etag")).not.toBe(
      etagBefore,
    );

    const names = (await sessionTopics(api, both.session_id)).map((topic) => topic.topic_name);
    expect(names).toEqual(["/amcl_pose", "/odom", "/rosout", "/tf", "/tf_static", "/topic"]);
  });
});
