import { stringifyJson } from "@sortie/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "./support/databases.js";
import { createDataset, createSession, readAllPages, registerFile } from "./support/fixtures.js";
import { readResponse, startTestApi, type TestApi, type TestResponse } from "./support/test-api.js";

// Writes of each kind fired at once, 130 in all.
const ADDED = 40;
const REMOVED = 30;
const MOVED = 20;
const UPDATES = 20;
const REPEATS = 20;

/** One write over HTTP: method, path and JSON body. */
interface Write {
  method: string;
  path: string;
  body: unknown;
}

describe.each(TEST_DIALECTS)("concurrent writes on %s", (dialect) => {
  let api: TestApi;
  let server: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    api = await startTestApi(dialect);
    server = await api.listen();
  });
  afterAll(async () => {
    await server?.close();
    await api?.close();
  });

  function sendOverHttp(write: Write): Promise<TestResponse> {
    return fetch(`${server.url}${write.path}`, {
      method: write.method,
      headers: {
        authorization: `Bearer ${api.adminKey}`,
        "content-type": "application/json",
        // Roboto's SDK sends it too, and it lets `close()` return without waiting for idle sockets.
        connection: "close",
      },
      body: stringifyJson(write.body),
    }).then(readResponse);
  }

  it("loses no write to one session", async () => {
    const datasetId = await createDataset(api, { name: "concurrency" });
    const added: string[] = [];
    const removed: string[] = [];
    const moved: string[] = [];
    for (let i = 0; i < ADDED; i++)
      added.push(await registerFile(api, datasetId, `added/${i}.mcap`, [0n, 10_000n]));
    for (let i = 0; i < REMOVED; i++)
      removed.push(await registerFile(api, datasetId, `removed/${i}.mcap`, [-50_000n, 90_000n]));
    for (let i = 0; i < MOVED; i++)
      moved.push(await registerFile(api, datasetId, `moved/${i}.mcap`, [4_000n, 6_000n]));
    const repeated = await registerFile(api, datasetId, "repeated.mcap", [5_000n, 5_001n]);
    const session = await createSession(api, {
      files: [...removed, ...moved].map((fileId) => ({ file_id: fileId })),
    });
    const sessionPath = `/v1/sessions/id/${session.session_id}`;

    // Each added range and each moved window reaches further out, so the final
    // bounds depend on writes of both kinds.
    const addedRange = (i: number): [bigint, bigint] => [
      5_000n - BigInt(i) * 100n,
      5_000n + BigInt(i) * 10n,
    ];
    const movedWindow = (i: number): [bigint, bigint] => [
      1_000n - BigInt(i) * 1_000n,
      20_000n + BigInt(i) * 1_000n,
    ];
    const writes: Write[] = [
      ...added.map((fileId, i) => ({
        method: "POST",
        path: `${sessionPath}/files`,
        body: {
          files: [
            {
              file_id: fileId,
              range_min_timestamp_ns: addedRange(i)[0],
              range_max_timestamp_ns: addedRange(i)[1],
            },
          ],
        },
      })),
      ...removed.map((fileId) => ({
        method: "DELETE",
        path: `${sessionPath}/files`,
        body: { file_ids: [fileId] },
      })),
      ...moved.map((fileId, i) => ({
        method: "PUT",
        path: `/v1/files/id/${fileId}`,
        body: { start_time_ns: movedWindow(i)[0], end_time_ns: movedWindow(i)[1] },
      })),
      ...Array.from({ length: UPDATES }, (_, i) => ({
        method: "PUT",
        path: sessionPath,
        body: {
          metadata_changeset: { put_tags: [`writer-${i}`], put_fields: { [`writers.w${i}`]: i } },
        },
      })),
      ...Array.from({ length: REPEATS }, () => ({
        method: "POST",
        path: `${sessionPath}/files`,
        body: { files: [{ file_id: repeated }] },
      })),
    ];
    // Interleave the kinds, so that every kind races with every other.
    writes.sort(
      (a, b) => ((stringifyJson(a).length * 7919) % 97) - ((stringifyJson(b).length * 7919) % 97),
    );
    expect(writes.length).toBeGreaterThanOrEqual(100);

    const responses = await Promise.all(writes.map(sendOverHttp));

    const failed = responses
      .filter((response) => response.status !== 200)
      .map((response) => `${response.status} ${response.text.slice(0, 200)}`);
    expect(failed).toEqual([]);

    const views = await readAllPages(api, `${sessionPath}/files`, 7);
    const recomputedMin = views.reduce<bigint | null>(
      (min, view) => (min === null || view.min_timestamp_ns < min ? view.min_timestamp_ns : min),
      null,
    );
    const recomputedMax = views.reduce<bigint | null>(
      (max, view) => (max === null || view.max_timestamp_ns > max ? view.max_timestamp_ns : max),
      null,
    );
    const read = await api.get(sessionPath);
    expect(read.body.data.min_timestamp_ns).toBe(recomputedMin);
    expect(read.body.data.max_timestamp_ns).toBe(recomputedMax);
    expect(read.body.data.min_timestamp_ns).toBe(movedWindow(MOVED - 1)[0]);
    expect(read.body.data.max_timestamp_ns).toBe(movedWindow(MOVED - 1)[1]);

    const byFile = new Map<string, { min: bigint; max: bigint }[]>();
    for (const view of views)
      byFile.set(view.file_id, [
        ...(byFile.get(view.file_id) ?? []),
        { min: view.min_timestamp_ns, max: view.max_timestamp_ns },
      ]);
    expect(views).toHaveLength(ADDED + MOVED + 1);
    for (const [i, fileId] of added.entries()) {
      expect(byFile.get(fileId), `added ${i}`).toEqual([
        { min: addedRange(i)[0], max: addedRange(i)[1] },
      ]);
    }
    for (const [i, fileId] of moved.entries()) {
      expect(byFile.get(fileId), `moved ${i}`).toEqual([
        { min: movedWindow(i)[0], max: movedWindow(i)[1] },
      ]);
    }
    for (const fileId of removed) expect(byFile.has(fileId)).toBe(false);
    expect(byFile.get(repeated)).toEqual([{ min: 5_000n, max: 5_001n }]);

    expect([...read.body.data.tags].sort()).toEqual(
      Array.from({ length: UPDATES }, (_, i) => `writer-${i}`).sort(),
    );
    expect(Object.keys(read.body.data.metadata.writers)).toHaveLength(UPDATES);
  });

  it("keeps bounds true under file deletions", async () => {
    const datasetId = await createDataset(api, { name: "deletions" });
    const kept: string[] = [];
    const deleted: string[] = [];
    for (let i = 0; i < 25; i++)
      kept.push(
        await registerFile(api, datasetId, `kept/${i}.mcap`, [
          BigInt(i) * 10n,
          BigInt(i) * 10n + 5n,
        ]),
      );
    for (let i = 0; i < 25; i++)
      deleted.push(
        await registerFile(api, datasetId, `deleted/${i}.mcap`, [
          -1_000n - BigInt(i),
          9_000n + BigInt(i),
        ]),
      );
    const first = await createSession(api, {
      files: deleted.map((fileId) => ({ file_id: fileId })),
    });
    const second = await createSession(api, {
      files: deleted.slice(0, 10).map((fileId) => ({ file_id: fileId })),
    });

    const writes: Write[] = [];
    for (let i = 0; i < 25; i++) {
      writes.push({ method: "DELETE", path: `/v1/files/id/${deleted[i]}`, body: {} });
      writes.push({
        method: "POST",
        path: `/v1/sessions/id/${first.session_id}/files`,
        body: { files: [{ file_id: kept[i] }] },
      });
      writes.push({
        method: "POST",
        path: `/v1/sessions/id/${second.session_id}/files`,
        body: { files: [{ file_id: kept[i] }] },
      });
      writes.push({
        method: "PUT",
        path: `/v1/sessions/id/${first.session_id}`,
        body: { name: `rename ${i}` },
      });
    }

    const responses = await Promise.all(writes.map(sendOverHttp));

    const failed = responses
      .filter((response) => response.status !== 200)
      .map((response) => `${response.status} ${response.text.slice(0, 200)}`);
    expect(failed).toEqual([]);
    for (const session of [first, second]) {
      const views = await readAllPages(api, `/v1/sessions/id/${session.session_id}/files`);
      expect(views.map((view) => view.file_id).sort()).toEqual([...kept].sort());
      const read = await api.get(`/v1/sessions/id/${session.session_id}`);
      expect(read.body.data.min_timestamp_ns).toBe(0n);
      expect(read.body.data.max_timestamp_ns).toBe(245n);
    }
  });
});
