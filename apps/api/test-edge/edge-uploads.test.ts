import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDGE_INDEXING_UNAVAILABLE } from "../src/edge/node-only-indexing.js";
import { toHex } from "../src/util/crypto.js";
import { expectApiError } from "../test/support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

// A real ROS 2 recording from ../shared/recordings, bound by vitest.edge.config.ts.
const talker = new Uint8Array(env.TALKER_MCAP);
const bucket = env.BLOBS;
const UPLOAD_LIMIT = 20_000;

function uploadPath(datasetId: string, relativePath: string): string {
  return `/v1/datasets/${datasetId}/files/upload?relative_path=${encodeURIComponent(relativePath)}`;
}

async function createDataset(api: TestApi): Promise<string> {
  const response = await api.post("/v1/datasets", { name: "edge uploads" });
  expect(response.status, response.text).toBe(200);
  return response.body.data.dataset_id;
}

describe("uploads on the edge", () => {
  let api: TestApi;
  let datasetId: string;

  beforeAll(async () => {
    api = await startTestApi("sqlite", { maxUploadBytes: UPLOAD_LIMIT });
    datasetId = await createDataset(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("stores the bytes in R2", async () => {
    const response = await api.request("PUT", uploadPath(datasetId, "talker.mcap"), {
      body: talker,
    });

    expect(response.status, response.text).toBe(200);
    const file = response.body.data;
    const digest = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", talker)));
    expect(file.size).toBe(talker.length);
    expect(file.content_hash).toBe(`sha256:${digest}`);
    expect(file.ingestion_status).toBe("pending");
    const object = await bucket.get(`${api.orgId}/${file.file_id}`);
    expect(new Uint8Array(await (object as R2ObjectBody).arrayBuffer())).toEqual(talker);
  });

  it("fails indexing with a Node-only message", async () => {
    const uploaded = await api.request("PUT", uploadPath(datasetId, "indexed-elsewhere.mcap"), {
      body: talker,
    });
    await api.settle();

    const file = await api.get(`/v1/files/id/${uploaded.body.data.file_id}`);

    expect(file.body.data.ingestion_status).toBe("failed");
    expect(file.body.data.ingestion_error).toBe(EDGE_INDEXING_UNAVAILABLE);
  });

  it("fails a reindex the same way", async () => {
    const uploaded = await api.request("PUT", uploadPath(datasetId, "reindexed.mcap"), {
      body: talker,
    });
    await api.settle();

    const reindexed = await api.post(`/v1/files/id/${uploaded.body.data.file_id}/reindex`);
    await api.settle();
    const file = await api.get(`/v1/files/id/${uploaded.body.data.file_id}`);

    expect(reindexed.body.data.ingestion_status).toBe("pending");
    expect(file.body.data.ingestion_status).toBe("failed");
    expect(file.body.data.ingestion_error).toBe(EDGE_INDEXING_UNAVAILABLE);
  });

  it("returns 413 past the upload limit", async () => {
    const oversized = new Uint8Array(UPLOAD_LIMIT + 1);

    const response = await api.request("PUT", uploadPath(datasetId, "oversized.bin"), {
      body: oversized,
    });
    const files = await api.get(`/v1/datasets/${datasetId}/files?limit=100`);

    expectApiError(response, 413, "RobotoInvalidRequestException");
    expect(response.body.error.message).toContain(`${UPLOAD_LIMIT} bytes`);
    expect(
      files.body.data.items.map((file: { relative_path: string }) => file.relative_path),
    ).not.toContain("oversized.bin");
  });

  it("returns 413 for unsized streams", async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > UPLOAD_LIMIT) return controller.close();
        controller.enqueue(new Uint8Array(4096));
        sent += 4096;
      },
    });

    const response = await api.send(
      new Request(`http://sortie.test${uploadPath(datasetId, "streamed.bin")}`, {
        method: "PUT",
        headers: {
          authorization: `Bearer ${api.adminKey}`,
          "content-type": "application/octet-stream",
        },
        body,
      }),
    );

    expectApiError(response, 413, "RobotoInvalidRequestException");
  });
});
