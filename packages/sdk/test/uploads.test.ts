import { createReadStream, openAsBlob } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConflictError,
  type FileRecord,
  InvalidRequestError,
  type Sortie,
  type TopicRecord,
} from "../src/index.js";
import { registerFile } from "./support/fixtures.js";
import {
  type ManifestRecording,
  manifestEntry,
  RECORDINGS_DIR,
  waitForIndexing,
} from "./support/recordings.js";
import { startWorkerApi, type WorkerApi } from "./support/worker-api.js";

const TALKER = "rosbag2_talker.mcap";
const TURTLES = "rosbagjs_example-lz4.bag";
const TRUNCATED = "BROKEN_rosbag2_talker_truncated-no-summary.mcap";

let api: WorkerApi;
let client: Sortie;
let datasetId: string;
let talker: FileRecord;
beforeAll(async () => {
  api = await startWorkerApi();
  client = api.client();
  datasetId = (await client.datasets.create({ name: "uploads" })).dataset_id;
  const pending = await client.datasets.uploadFile(
    datasetId,
    `flights/${TALKER}`,
    await openAsBlob(join(RECORDINGS_DIR, TALKER)),
  );
  talker = await waitForIndexing(client, pending.file_id);
});
afterAll(async () => {
  await api?.close();
});

// Code-point order, as the API sorts topic names.
function byName(a: TopicRecord, b: TopicRecord): number {
  if (a.topic_name < b.topic_name) return -1;
  return a.topic_name > b.topic_name ? 1 : 0;
}

// The topics of a Unix-clock MCAP or bag as the manifest gives them.
function manifestTopics(recording: ManifestRecording): TopicRecord[] {
  const topics = (recording.topics ?? []).map((topic) => ({
    topic_name: topic.topic,
    schema_name: topic.schemaName ?? topic.type ?? null,
    message_count: topic.messageCount,
    start_time_ns: topic.startNs == null ? null : BigInt(topic.startNs),
    end_time_ns: topic.endNs == null ? null : BigInt(topic.endNs),
  }));
  return topics.sort(byName);
}

describe("datasets.uploadFile", () => {
  it("blob upload gets indexed exactly", async () => {
    const recording = manifestEntry(TALKER);

    expect(talker.relative_path).toBe(`flights/${TALKER}`);
    expect(talker.ingestion_status).toBe("indexed");
    expect(talker.ingestion_error).toBeNull();
    expect(talker.format).toBe("mcap");
    expect(talker.size).toBe(recording.sizeBytes);
    expect(talker.content_hash).toBe(`sha256:${recording.sha256}`);
    expect(talker.time_base).toBe("unix");
    expect(talker.start_time_ns).toBe(BigInt(recording.time?.startNs ?? ""));
    expect(talker.end_time_ns).toBe(BigInt(recording.time?.endNs ?? ""));
  });

  it("upload returns a pending file", async () => {
    const file = await client.datasets.uploadFile(
      datasetId,
      `pending/${TALKER}`,
      await openAsBlob(join(RECORDINGS_DIR, TALKER)),
    );

    expect(file.file_id).toMatch(/^fl_/);
    expect(file.ingestion_status).toBe("pending");
    expect(file.start_time_ns).toBeNull();
  });

  it("stream upload gets indexed", async () => {
    const recording = manifestEntry(TURTLES);
    const stream = Readable.toWeb(
      createReadStream(join(RECORDINGS_DIR, TURTLES)),
    ) as ReadableStream<Uint8Array>;

    const pending = await client.datasets.uploadFile(datasetId, TURTLES, stream);
    const file = await waitForIndexing(client, pending.file_id);

    expect(file.ingestion_status).toBe("indexed");
    expect(file.format).toBe("ros1-bag");
    expect(file.size).toBe(recording.sizeBytes);
    expect(file.start_time_ns).toBe(1_396_293_887_844_783_943n);
    expect(file.end_time_ns).toBe(1_396_293_909_544_870_199n);
  });

  it("upload records the device", async () => {
    await client.devices.create({ device_id: "drone_upload" });
    const file = await client.datasets.uploadFile(
      datasetId,
      `device/${TALKER}`,
      await openAsBlob(join(RECORDINGS_DIR, TALKER)),
      { deviceId: "drone_upload" },
    );

    expect(file.device_id).toBe("drone_upload");
  });

  it("taken path is a conflict", async () => {
    const error = await client.datasets
      .uploadFile(datasetId, `flights/${TALKER}`, new Uint8Array([1, 2, 3]))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details[0]?.existing_file_id).toBe(talker.file_id);
  });

  it("broken recording ends failed", async () => {
    const pending = await client.datasets.uploadFile(
      datasetId,
      TRUNCATED,
      await openAsBlob(join(RECORDINGS_DIR, TRUNCATED)),
    );
    const file = await waitForIndexing(client, pending.file_id);

    expect(file.ingestion_status).toBe("failed");
    expect(file.ingestion_error).toEqual(expect.stringMatching(/footer/));
    expect(file.start_time_ns).toBeNull();
    expect(file.end_time_ns).toBeNull();
  });

  it("invalid relative path is rejected", async () => {
    const error = await client.datasets
      .uploadFile(datasetId, "", new Uint8Array([1]))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).status).toBeUndefined();
  });
});

describe("files.listTopics", () => {
  it("lists the manifest's topics", async () => {
    const topics = await client.files.listTopics(talker.file_id).toArray();

    expect(topics).toEqual(manifestTopics(manifestEntry(TALKER)));
  });

  it("topic pages follow next_token", async () => {
    const sizes: number[] = [];
    const names: string[] = [];
    for await (const page of client.files.listTopics(talker.file_id, { limit: 1 }).pages()) {
      sizes.push(page.items.length);
      names.push(...page.items.map((topic) => topic.topic_name));
    }

    expect(sizes).toEqual([1, 1, 1]);
    expect(names).toEqual(["/parameter_events", "/rosout", "/topic"]);
  });
});

describe("files.reindex", () => {
  it("reindex indexes the file again", async () => {
    const pending = await client.datasets.uploadFile(
      datasetId,
      `reindex/${TALKER}`,
      await openAsBlob(join(RECORDINGS_DIR, TALKER)),
    );
    const first = await waitForIndexing(client, pending.file_id);

    const restarted = await client.files.reindex(first.file_id);
    expect(restarted.ingestion_status).toBe("pending");

    const second = await waitForIndexing(client, first.file_id);
    expect(second.ingestion_status).toBe("indexed");
    expect(second.start_time_ns).toBe(first.start_time_ns);
    expect(second.end_time_ns).toBe(first.end_time_ns);
  });

  it("registered file cannot be reindexed", async () => {
    const file = await registerFile(client);
    const error = await client.files.reindex(file.file_id).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).status).toBe(400);
    expect((error as InvalidRequestError).details[0]?.path).toBe("file_id");
  });
});

describe("session topics", () => {
  it("lists topics with data", async () => {
    const session = await client.sessions.create({ files: [{ file_id: talker.file_id }] });
    const withData = manifestTopics(manifestEntry(TALKER)).filter(
      (topic) => topic.start_time_ns !== null,
    );

    expect(await session.listTopics().toArray()).toEqual(withData);
    expect(await client.sessions.listTopics(session.session_id).toArray()).toEqual(withData);
  });

  it("clipped contribution clips topics", async () => {
    // Only /rosout has a message at the recording's first instant.
    const first = talker.start_time_ns as bigint;
    const session = await client.sessions.create({});
    await session.addFile(talker.file_id, {
      range_min_timestamp_ns: first,
      range_max_timestamp_ns: first,
    });

    const topics = await session.listTopics().toArray();
    expect(topics.map((topic) => topic.topic_name)).toEqual(["/rosout"]);
  });

  it("session topic pages follow next_token", async () => {
    const session = await client.sessions.create({ files: [{ file_id: talker.file_id }] });
    const page = await session.listTopics({ limit: 1 }).page();

    expect(page.items.map((topic) => topic.topic_name)).toEqual(["/rosout"]);
    expect(page.next_token).toEqual(expect.any(String));
    const next = await page.nextPage();
    expect(next?.items.map((topic) => topic.topic_name)).toEqual(["/topic"]);
    expect(next?.next_token).toBeNull();
  });
});
