import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECORDINGS_DIR } from "../src/ingest/test-recordings.js";
import { TEST_DIALECTS } from "./support/databases.js";
import {
  createDataset,
  createDevice,
  createMember,
  createOrg,
  expectApiError,
  registerFile,
  type TestUser,
} from "./support/fixtures.js";
import { readResponse, startTestApi, type TestApi, type TestResponse } from "./support/test-api.js";

// Smaller than the recordings uploaded here, so every upload is larger than a JSON body may be.
const JSON_BODY_LIMIT = 4096;
const UPLOAD_LIMIT = 4 * 2 ** 20;

const TALKER = "rosbag2_talker.mcap";
const NAV2 = "evo_nav2_turtlebot.mcap";

function uploadPath(datasetId: string, relativePath: string, deviceId?: string): string {
  const device = deviceId === undefined ? "" : `&device_id=${encodeURIComponent(deviceId)}`;
  return `/v1/datasets/${datasetId}/files/upload?relative_path=${encodeURIComponent(relativePath)}${device}`;
}

function upload(
  api: TestApi,
  datasetId: string,
  relativePath: string,
  bytes: Uint8Array,
  key?: string | null,
): Promise<TestResponse> {
  return api.request("PUT", uploadPath(datasetId, relativePath), { body: bytes, key });
}

async function recording(name: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readFile(join(RECORDINGS_DIR, name)));
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
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
async function uploadAndIndex(
  api: TestApi,
  datasetId: string,
  relativePath: string,
  bytes: Uint8Array,
): Promise<any> {
  const response = await upload(api, datasetId, relativePath, bytes);
  expect(response.status, response.text).toBe(200);
  return waitForIngestion(api, response.body.data.file_id);
}

async function listFiles(api: TestApi, datasetId: string, key?: string): Promise<string[]> {
  const response = await api.get(`/v1/datasets/${datasetId}/files?limit=1000`, { key });
  expect(response.status, response.text).toBe(200);
  return response.body.data.items.map((file: { relative_path: string }) => file.relative_path);
}

/** Returns pseudo-random bytes from a fixed seed (xorshift32), so a failing input can be rebuilt. */
function seededBytes(seed: number, length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** Returns a copy of `bytes` with the `count` bytes from offset `at` on inverted. */
function corrupted(bytes: Uint8Array, at: number, count: number): Uint8Array<ArrayBuffer> {
  const copy = Uint8Array.from(bytes);
  for (let i = at; i < Math.min(copy.length, at + count); i++) copy[i] = (copy[i] as number) ^ 0xff;
  return copy;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.concat(parts));
}

describe.each(TEST_DIALECTS)("recording uploads on %s", (dialect) => {
  let api: TestApi;
  let datasetId: string;
  beforeAll(async () => {
    api = await startTestApi(dialect, {
      jsonBodyLimitBytes: JSON_BODY_LIMIT,
      maxUploadBytes: UPLOAD_LIMIT,
    });
    await createDevice(api, "rig_a");
    datasetId = await createDataset(api, { name: "uploads", device_id: "rig_a" });
  });
  afterAll(async () => {
    await api?.close();
  });

  describe("upload", () => {
    it("returns a pending file record", async () => {
      const bytes = await recording(TALKER);
      const response = await upload(api, datasetId, "pending/talker.mcap", bytes);

      expect(response.status, response.text).toBe(200);
      const file = response.body.data;
      expect(file.file_id).toMatch(/^fl_/);
      expect(file.dataset_id).toBe(datasetId);
      expect(file.relative_path).toBe("pending/talker.mcap");
      expect(file.size).toBe(bytes.byteLength);
      expect(file.content_hash).toBe(sha256(bytes));
      expect(file.device_id).toBe("rig_a");
      expect(file.origination).toBe("upload");
      expect(file.ingestion_status).toBe("pending");
      expect(file.ingestion_error).toBeNull();
      expect(file.start_time_ns).toBeNull();
      expect(file.end_time_ns).toBeNull();
    });

    it("indexes in the background", async () => {
      const file = await uploadAndIndex(
        api,
        datasetId,
        "background/talker.mcap",
        await recording(TALKER),
      );
      expect(file.ingestion_status).toBe("indexed");
      expect(file.format).toBe("mcap");
      expect(file.time_base).toBe("unix");
      expect(file.start_time_ns).toBe(1585866235112411371n);
      expect(file.end_time_ns).toBe(1585866239643508139n);
    });

    it("streams past the JSON limit", async () => {
      const bytes = await recording(NAV2);
      expect(bytes.byteLength).toBeGreaterThan(100 * JSON_BODY_LIMIT);
      const server = await api.listen();
      try {
        const response = await fetch(`${server.url}${uploadPath(datasetId, "http/nav2.mcap")}`, {
          method: "PUT",
          headers: {
            authorization: `Bearer ${api.adminKey}`,
            "content-type": "application/octet-stream",
          },
          body: bytes,
        });
        const read = await readResponse(response);
        expect(read.status, read.text).toBe(200);
        expect(read.body.data.size).toBe(bytes.byteLength);
        expect(read.body.data.content_hash).toBe(sha256(bytes));

        const file = await waitForIngestion(api, read.body.data.file_id);
        expect(file.ingestion_status).toBe("indexed");
        expect(file.start_time_ns).toBe(1778234353382747000n);
        expect(file.end_time_ns).toBe(1778234450738043000n);
      } finally {
        await server.close();
      }
    });

    it("accepts a chunked body over HTTP", async () => {
      const path = join(RECORDINGS_DIR, NAV2);
      const server = await api.listen();
      try {
        // A stream body goes out with chunked transfer encoding and no content-length.
        const response = await fetch(
          `${server.url}${uploadPath(datasetId, "http/nav2-chunked.mcap")}`,
          {
            method: "PUT",
            headers: {
              authorization: `Bearer ${api.adminKey}`,
              "content-type": "application/octet-stream",
            },
            body: Readable.toWeb(
              createReadStream(path, { highWaterMark: 16 * 1024 }),
            ) as ReadableStream<Uint8Array>,
            duplex: "half",
          } as RequestInit,
        );
        const read = await readResponse(response);
        expect(read.status, read.text).toBe(200);
        expect(read.body.data.content_hash).toBe(sha256(await readFile(path)));

        const file = await waitForIngestion(api, read.body.data.file_id);
        expect(file.ingestion_status).toBe("indexed");
        expect(file.start_time_ns).toBe(1778234353382747000n);
      } finally {
        await server.close();
      }
    });

    it("keeps the JSON limit elsewhere", async () => {
      const response = await api.post("/v1/datasets", {
        name: "big",
        description: "x".repeat(JSON_BODY_LIMIT),
      });
      expectApiError(response, 413, "RobotoInvalidRequestException");
    });

    it("records the given device", async () => {
      await createDevice(api, "rig_b");
      const response = await api.request(
        "PUT",
        uploadPath(datasetId, "device/talker.mcap", "rig_b"),
        {
          body: await recording(TALKER),
        },
      );
      expect(response.status, response.text).toBe(200);
      expect(response.body.data.device_id).toBe("rig_b");
    });

    it("rejects an unknown device", async () => {
      const response = await api.request(
        "PUT",
        uploadPath(datasetId, "device/unknown.mcap", "rig_missing"),
        {
          body: await recording(TALKER),
        },
      );
      expectApiError(response, 404, "RobotoDeviceNotFoundException");
      expect(await listFiles(api, datasetId)).not.toContain("device/unknown.mcap");
    });

    it("returns 409 on a reused path", async () => {
      const bytes = await recording(TALKER);
      const first = await upload(api, datasetId, "reused/talker.mcap", bytes);
      expect(first.status, first.text).toBe(200);

      const second = await upload(api, datasetId, "reused/talker.mcap", bytes);
      expectApiError(second, 409, "RobotoConflictException");
      expect(second.body.details[0]).toMatchObject({
        path: "relative_path",
        existing_file_id: first.body.data.file_id,
      });

      await registerFile(api, datasetId, "reused/registered.mcap");
      const third = await upload(api, datasetId, "reused/registered.mcap", bytes);
      expectApiError(third, 409, "RobotoConflictException");

      const paths = await listFiles(api, datasetId);
      expect(paths.filter((path) => path.startsWith("reused/"))).toEqual([
        "reused/registered.mcap",
        "reused/talker.mcap",
      ]);
    });

    it("rejects a missing body", async () => {
      const response = await api.request("PUT", uploadPath(datasetId, "empty/none.mcap"));
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path).toBe("body");
    });

    it("rejects an invalid relative path", async () => {
      const bytes = await recording(TALKER);
      for (const path of ["", "/abs.mcap", "a/../b.mcap", "a//b.mcap"]) {
        const response = await upload(api, datasetId, path, bytes);
        expectApiError(response, 400, "RobotoInvalidRequestException");
        expect(response.body.details[0].path, path).toBe("relative_path");
      }
      const missing = await api.request("PUT", `/v1/datasets/${datasetId}/files/upload`, {
        body: bytes,
      });
      expectApiError(missing, 400, "RobotoInvalidRequestException");
      expect(missing.body.details[0].path).toBe("relative_path");
    });

    it("fails an empty recording", async () => {
      const file = await uploadAndIndex(api, datasetId, "empty/zero.mcap", new Uint8Array(0));
      expect(file.size).toBe(0);
      expect(file.ingestion_status).toBe("failed");
      expect(file.ingestion_error).toContain("is empty (0 bytes)");
    });
  });

  describe("upload limit", () => {
    let limited: TestApi;
    let limitedDataset: string;
    const LIMIT = 4096;
    beforeAll(async () => {
      limited = await startTestApi(dialect, { maxUploadBytes: LIMIT });
      limitedDataset = await createDataset(limited);
    });
    afterAll(async () => {
      await limited?.close();
    });

    it("accepts a body at the limit", async () => {
      const response = await upload(limited, limitedDataset, "limit/at.bin", seededBytes(1, LIMIT));
      expect(response.status, response.text).toBe(200);
      expect(response.body.data.size).toBe(LIMIT);
    });

    it("returns 413 past the limit", async () => {
      const response = await upload(
        limited,
        limitedDataset,
        "limit/over.bin",
        seededBytes(2, LIMIT + 1),
      );
      expectApiError(response, 413, "RobotoInvalidRequestException");
      expect(response.body.error.message).toContain(`limit of ${LIMIT} bytes`);
      expect(response.body.details[0].path).toBe("body");
      expect(await listFiles(limited, limitedDataset)).not.toContain("limit/over.bin");
    });

    it("returns 413 over HTTP", async () => {
      const server = await limited.listen();
      try {
        const headers = {
          authorization: `Bearer ${limited.adminKey}`,
          "content-type": "application/octet-stream",
        };
        // With content-length the server rejects before reading; without, while streaming.
        const declared = await fetch(
          `${server.url}${uploadPath(limitedDataset, "limit/declared.bin")}`,
          {
            method: "PUT",
            headers,
            body: seededBytes(3, 2 * LIMIT),
          },
        );
        expectApiError(await readResponse(declared), 413, "RobotoInvalidRequestException");

        const chunked = await fetch(
          `${server.url}${uploadPath(limitedDataset, "limit/chunked.bin")}`,
          {
            method: "PUT",
            headers,
            body: new Blob([seededBytes(4, 16 * LIMIT)]).stream(),
            duplex: "half",
          } as RequestInit,
        );
        expectApiError(await readResponse(chunked), 413, "RobotoInvalidRequestException");
      } finally {
        await server.close();
      }
      const paths = await listFiles(limited, limitedDataset);
      expect(paths).not.toContain("limit/declared.bin");
      expect(paths).not.toContain("limit/chunked.bin");
    });

    it("allows the path after a 413", async () => {
      const over = await upload(
        limited,
        limitedDataset,
        "limit/retry.bin",
        seededBytes(5, LIMIT + 1),
      );
      expectApiError(over, 413, "RobotoInvalidRequestException");
      const retry = await upload(limited, limitedDataset, "limit/retry.bin", seededBytes(5, LIMIT));
      expect(retry.status, retry.text).toBe(200);
    });
  });

  describe("reindex", () => {
    it("indexes a file again", async () => {
      const first = await uploadAndIndex(
        api,
        datasetId,
        "reindex/talker.mcap",
        await recording(TALKER),
      );
      const topicsBefore = await api.get(`/v1/files/id/${first.file_id}/topics`);

      const restarted = await api.post(`/v1/files/id/${first.file_id}/reindex`);
      expect(restarted.status, restarted.text).toBe(200);
      expect(restarted.body.data.ingestion_status).toBe("pending");

      const again = await waitForIngestion(api, first.file_id);
      expect(again.ingestion_status).toBe("indexed");
      expect(again.start_time_ns).toBe(first.start_time_ns);
      expect(again.end_time_ns).toBe(first.end_time_ns);
      const topicsAfter = await api.get(`/v1/files/id/${first.file_id}/topics`);
      expect(topicsAfter.body.data.items).toEqual(topicsBefore.body.data.items);

      const jobs = await api.store.db
        .selectFrom("jobs")
        .select("status")
        .where("subject_id", "=", first.file_id)
        .execute();
      expect(jobs.map((job) => job.status)).toEqual(["done", "done"]);
    });

    it("fails a broken file again", async () => {
      const bytes = await recording("BROKEN_rosbag2_talker_truncated-no-summary.mcap");
      const first = await uploadAndIndex(api, datasetId, "reindex/broken.mcap", bytes);
      expect(first.ingestion_status).toBe("failed");

      const restarted = await api.post(`/v1/files/id/${first.file_id}/reindex`);
      expect(restarted.status, restarted.text).toBe(200);
      expect(restarted.body.data.ingestion_status).toBe("pending");
      expect(restarted.body.data.ingestion_error).toBeNull();

      const again = await waitForIngestion(api, first.file_id);
      expect(again.ingestion_status).toBe("failed");
      expect(again.ingestion_error).toBe(first.ingestion_error);
    });

    it("rejects a registered file", async () => {
      const fileId = await registerFile(api, datasetId, "reindex/registered.mcap", [1n, 2n]);
      const response = await api.post(`/v1/files/id/${fileId}/reindex`);
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path).toBe("file_id");
      const file = await api.get(`/v1/files/id/${fileId}`);
      expect(file.body.data.ingestion_status).toBeNull();
    });
  });

  describe("damaged input", () => {
    const inputs: [string, () => Promise<Uint8Array>][] = [
      [
        "damaged/broken-truncated.mcap",
        () => recording("BROKEN_rosbag2_talker_truncated-no-summary.mcap"),
      ],
      [
        "damaged/broken-magic.ulg",
        () => recording("BROKEN_pyulog_sample_log_small_flipped-magic.ulg"),
      ],
      ["damaged/random.mcap", async () => seededBytes(11, 64 * 1024)],
      ["damaged/random.bag", async () => seededBytes(12, 64 * 1024)],
      ["damaged/random.ulg", async () => seededBytes(13, 64 * 1024)],
      ["damaged/random.bin", async () => seededBytes(17, 64 * 1024)],
      [
        "damaged/magic-then-random.mcap",
        async () => concat((await recording(TALKER)).subarray(0, 8), seededBytes(14, 64 * 1024)),
      ],
      [
        "damaged/header-then-random.bag",
        async () => concat(Buffer.from("#ROSBAG V2.0\n"), seededBytes(15, 64 * 1024)),
      ],
      [
        "damaged/header-then-random.ulg",
        async () =>
          concat(
            (await recording("pyulog_sample_log_small.ulg")).subarray(0, 16),
            seededBytes(16, 64 * 1024),
          ),
      ],
      ["damaged/half.mcap", async () => (await recording(NAV2)).subarray(0, 250_000)],
      [
        "damaged/half.bag",
        async () => (await recording("robot_localization_test2.bag")).subarray(0, 260_000),
      ],
      [
        "damaged/half.ulg",
        async () => (await recording("pyulog_sample_log_small.ulg")).subarray(0, 460_000),
      ],
      ["damaged/flipped-chunk.mcap", async () => corrupted(await recording(NAV2), 200_000, 64)],
      [
        "damaged/flipped-chunk.bag",
        async () => corrupted(await recording("rosbagjs_example-lz4.bag"), 150_000, 64),
      ],
      ["damaged/flipped-summary.mcap", async () => corrupted(await recording(TALKER), 12_000, 200)],
    ];

    // biome-ignore lint/suspicious/noExplicitAny: file records are read freely in tests.
    const results = new Map<string, any>();
    beforeAll(async () => {
      const uploaded: [string, string][] = [];
      for (const [path, bytes] of inputs) {
        const response = await upload(api, datasetId, path, await bytes());
        expect(response.status, response.text).toBe(200);
        uploaded.push([path, response.body.data.file_id]);
      }
      for (const [path, fileId] of uploaded) results.set(path, await waitForIngestion(api, fileId));
    });

    // With an intact summary or index, indexing reads no chunk, so damage inside a chunk goes unseen.
    // Bytes of no known format and no known extension are stored without a window.
    const unseen = [
      "damaged/flipped-chunk.mcap",
      "damaged/flipped-chunk.bag",
      "damaged/random.bin",
    ];

    it.each(inputs.map(([path]) => path).filter((path) => !unseen.includes(path)))(
      "fails %s with a reason",
      (path) => {
        const file = results.get(path);
        expect(file.ingestion_status).toBe("failed");

        // A damaged file is reported as such on the first attempt, not as a crash retried until it gives up.
        expect(file.ingestion_error).not.toMatch(/indexing failed after retries/);
        expect(file.ingestion_error).toMatch(/MCAP|ROS (1 )?bag|ULog/);
        expect(file.ingestion_error).toMatch(/cut off|damaged|magic bytes/);
        expect(file.time_base).toBeNull();
        expect(file.start_time_ns).toBeNull();
        expect(file.end_time_ns).toBeNull();
      },
    );

    it("trusts an intact summary", () => {
      const mcap = results.get("damaged/flipped-chunk.mcap");
      expect(mcap.ingestion_status).toBe("indexed");
      expect(mcap.start_time_ns).toBe(1778234353382747000n);
      expect(mcap.end_time_ns).toBe(1778234450738043000n);

      const bag = results.get("damaged/flipped-chunk.bag");
      expect(bag.ingestion_status).toBe("indexed");
      expect(bag.start_time_ns).toBe(1396293887844783943n);
      expect(bag.end_time_ns).toBe(1396293909544870199n);
    });

    it("stores unknown bytes without window", async () => {
      const file = results.get("damaged/random.bin");
      expect(file.ingestion_status).toBe("indexed");
      expect(file.format).toBe("unknown");
      expect(file.time_base).toBeNull();
      expect(file.start_time_ns).toBeNull();
      const topics = await api.get(`/v1/files/id/${file.file_id}/topics`);
      expect(topics.body.data.items).toEqual([]);
    });

    it("keeps serving afterwards", async () => {
      const health = await api.get("/health", { key: null });
      expect(health.status).toBe(200);
      expect(health.body.data.status).toBe("ok");

      const datasets = await api.get("/v1/datasets");
      expect(datasets.status, datasets.text).toBe(200);

      const server = await api.listen();
      try {
        const response = await fetch(`${server.url}/health`);
        expect(response.status).toBe(200);
      } finally {
        await server.close();
      }

      const file = await uploadAndIndex(
        api,
        datasetId,
        "damaged/after.mcap",
        await recording(TALKER),
      );
      expect(file.ingestion_status).toBe("indexed");
    });
  });

  describe("access", () => {
    // A separate API, because creating a second org makes its admin pick an org on every org-wide request.
    let shared: TestApi;
    let alice: TestUser;
    let bob: TestUser;
    let aliceDataset: string;
    // biome-ignore lint/suspicious/noExplicitAny: file records are read freely in tests.
    let file: any;
    let sessionId: string;
    beforeAll(async () => {
      shared = await startTestApi(dialect);
      alice = await createMember(shared, shared.orgId, "alice");
      bob = await createMember(shared, await createOrg(shared, "Second org"), "bob", "admin");
      aliceDataset = await createDataset(shared, {}, alice.key);

      const uploaded = await upload(
        shared,
        aliceDataset,
        "access/talker.mcap",
        await recording(TALKER),
        alice.key,
      );
      expect(uploaded.status, uploaded.text).toBe(200);
      file = await waitForIngestion(shared, uploaded.body.data.file_id);
      const session = await shared.post(
        "/v1/sessions",
        { files: [{ file_id: file.file_id }] },
        { key: alice.key },
      );
      expect(session.status, session.text).toBe(200);
      sessionId = session.body.data.session_id;
    });
    afterAll(async () => {
      await shared?.close();
    });

    it("returns 404 for unknown ids", async () => {
      const options = { key: alice.key };
      const bytes = await recording(TALKER);
      expectApiError(
        await upload(shared, "ds_missing", "a.mcap", bytes, alice.key),
        404,
        "RobotoDatasetNotFoundException",
      );
      expectApiError(
        await shared.get("/v1/files/id/fl_missing/topics", options),
        404,
        "RobotoNotFoundException",
      );
      expectApiError(
        await shared.post("/v1/files/id/fl_missing/reindex", undefined, options),
        404,
        "RobotoNotFoundException",
      );
      expectApiError(
        await shared.put("/v1/files/id/fl_missing", { time_offset_ns: 1n }, options),
        404,
        "RobotoNotFoundException",
      );
      expectApiError(
        await shared.get("/v1/sessions/id/ss_missing/topics", options),
        404,
        "RobotoNotFoundException",
      );
    });

    it("returns 401 without a key", async () => {
      const bytes = await recording(TALKER);
      const responses = [
        await upload(shared, aliceDataset, "access/anonymous.mcap", bytes, null),
        await shared.get(`/v1/files/id/${file.file_id}/topics`, { key: null }),
        await shared.post(`/v1/files/id/${file.file_id}/reindex`, undefined, { key: null }),
        await shared.put(`/v1/files/id/${file.file_id}`, { time_offset_ns: 1n }, { key: null }),
        await shared.get(`/v1/sessions/id/${sessionId}/topics`, { key: null }),
      ];
      for (const response of responses)
        expectApiError(response, 401, "RobotoUnauthorizedException");
      expect(await listFiles(shared, aliceDataset, alice.key)).not.toContain(
        "access/anonymous.mcap",
      );
    });

    it("hides files of another org", async () => {
      const options = { key: bob.key };
      const bytes = await recording(TALKER);
      expectApiError(
        await upload(shared, aliceDataset, "access/intruder.mcap", bytes, bob.key),
        404,
        "RobotoDatasetNotFoundException",
      );
      expectApiError(
        await shared.get(`/v1/files/id/${file.file_id}/topics`, options),
        404,
        "RobotoNotFoundException",
      );
      expectApiError(
        await shared.post(`/v1/files/id/${file.file_id}/reindex`, undefined, options),
        404,
        "RobotoNotFoundException",
      );
      expectApiError(
        await shared.put(`/v1/files/id/${file.file_id}`, { time_offset_ns: 1n }, options),
        404,
        "RobotoNotFoundException",
      );
      expectApiError(
        await shared.get(`/v1/sessions/id/${sessionId}/topics`, options),
        404,
        "RobotoNotFoundException",
      );

      const unchanged = await shared.get(`/v1/files/id/${file.file_id}`, { key: alice.key });
      expect(unchanged.body.data).toEqual(file);
      expect(await listFiles(shared, aliceDataset, alice.key)).not.toContain(
        "access/intruder.mcap",
      );
    });

    it("keeps other orgs' files out", async () => {
      const bobDataset = await createDataset(shared, {}, bob.key);
      const uploaded = await upload(
        shared,
        bobDataset,
        "bob/nav2.mcap",
        await recording(NAV2),
        bob.key,
      );
      expect(uploaded.status, uploaded.text).toBe(200);
      await waitForIngestion(shared, uploaded.body.data.file_id);

      const added = await shared.post(
        `/v1/sessions/id/${sessionId}/files`,
        { files: [{ file_id: uploaded.body.data.file_id }] },
        { key: alice.key },
      );
      expectApiError(added, 404, "RobotoNotFoundException");
      const topics = await shared.get(`/v1/sessions/id/${sessionId}/topics`, { key: alice.key });
      expect(
        topics.body.data.items.map((topic: { topic_name: string }) => topic.topic_name),
      ).toEqual(["/rosout", "/topic"]);
    });
  });
});
