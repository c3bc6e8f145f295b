import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "./support/databases.js";
import {
  addFiles,
  createDataset,
  createDevice,
  createSession,
  expectApiError,
  registerFile,
  removeFiles,
} from "./support/fixtures.js";
import { etagVersion, sendOverHttp } from "./support/over-http.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

const CONDITIONAL_WRITERS = 20;

describe.each(TEST_DIALECTS)("If-Match on %s", (dialect) => {
  let api: TestApi;
  let peer: TestApi | undefined;
  const servers: { url: string; close(): Promise<void> }[] = [];
  let datasetId: string;

  beforeAll(async () => {
    api = await startTestApi(dialect);
    servers.push(await api.listen());
    if (dialect === "postgres") {
      // A second API node on the same database, as behind a load balancer.
      peer = await startTestApi(dialect, { sameDatabaseAs: api });
      servers.push(await peer.listen());
    }
    datasetId = await createDataset(api, { name: "if-match" });
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    await peer?.close();
    await api?.close();
  });

  async function readEtag(sessionId: string): Promise<string> {
    const read = await api.get(`/v1/sessions/id/${sessionId}`);
    expect(read.status, read.text).toBe(200);
    return read.headers.get("etag") as string;
  }

  it("returns ETags from reads and writes", async () => {
    const fileId = await registerFile(api, datasetId, "etags.mcap", [100n, 200n]);
    await createDevice(api, `etag-device-${dialect}`);
    const created = await api.post("/v1/sessions", { name: "etags", key: `etags-${dialect}` });
    expect(created.status, created.text).toBe(200);
    const sessionId = created.body.data.session_id;
    const path = `/v1/sessions/id/${sessionId}`;

    const etags = [created.headers.get("etag") as string];
    expect(await readEtag(sessionId)).toBe(etags[0]);
    const byKey = await api.get(`/v1/sessions/key/etags-${dialect}`);
    expect(byKey.headers.get("etag")).toBe(etags[0]);

    const writes = [
      () => api.put(path, { name: "renamed" }),
      () => addFiles(api, sessionId, [{ file_id: fileId }]),
      () => removeFiles(api, sessionId, [fileId]),
      () => api.post(`${path}/devices`, { device_id: `etag-device-${dialect}` }),
      () => api.delete(`${path}/devices`, { device_id: `etag-device-${dialect}` }),
    ];
    for (const write of writes) {
      const response = await write();
      expect(response.status, response.text).toBe(200);
      const etag = response.headers.get("etag") as string;
      expect(etagVersion(etag)).toBe(etagVersion(etags.at(-1) as string) + 1n);
      expect(await readEtag(sessionId)).toBe(etag);
      etags.push(etag);
    }
    expect(new Set(etags).size).toBe(writes.length + 1);
  });

  it("rejects a stale ETag unchanged", async () => {
    const session = await createSession(api, {
      name: "first",
      tags: ["kept"],
      metadata: { kept: true },
    });
    const path = `/v1/sessions/id/${session.session_id}`;
    const stale = await readEtag(session.session_id);
    const second = await api.put(path, { name: "second" }, { headers: { "if-match": stale } });
    expect(second.status, second.text).toBe(200);
    const current = second.headers.get("etag") as string;
    const before = await api.get(path);

    const rejected = await api.put(
      path,
      {
        name: "third",
        description: "lost",
        metadata_changeset: { put_tags: ["lost"], put_fields: { lost: true } },
      },
      { headers: { "if-match": stale } },
    );

    expectApiError(rejected, 412, "RobotoConditionException");
    expect(rejected.body.error.message).toContain(current);
    const after = await api.get(path);
    expect(after.headers.get("etag")).toBe(current);
    expect(after.body.data).toEqual(before.body.data);
    expect(after.body.data.name).toBe("second");
  });

  it("matches the star and tag lists", async () => {
    const session = await createSession(api, { name: "lists" });
    const path = `/v1/sessions/id/${session.session_id}`;

    const star = await api.put(path, { name: "star" }, { headers: { "if-match": "*" } });
    expect(star.status, star.text).toBe(200);
    const listed = await api.put(
      path,
      { name: "listed" },
      { headers: { "if-match": `"other.1", ${star.headers.get("etag")}` } },
    );
    expect(listed.status, listed.text).toBe(200);
    const weak = await api.put(
      path,
      { name: "weak" },
      { headers: { "if-match": `W/${listed.headers.get("etag")}` } },
    );
    expect(weak.status, weak.text).toBe(200);
    const unknown = await api.put(
      path,
      { name: "unknown" },
      { headers: { "if-match": `"${session.session_id}.999"` } },
    );
    expectApiError(unknown, 412, "RobotoConditionException");
    expect((await api.get(path)).body.data.name).toBe("weak");
  });

  it("stales after a file window change", async () => {
    const fileId = await registerFile(api, datasetId, "moved-window.mcap", [1_000n, 2_000n]);
    const session = await createSession(api, { files: [{ file_id: fileId }] });
    const path = `/v1/sessions/id/${session.session_id}`;
    const before = await readEtag(session.session_id);

    const moved = await api.put(`/v1/files/id/${fileId}`, {
      start_time_ns: 500n,
      end_time_ns: 2_500n,
    });
    expect(moved.status, moved.text).toBe(200);

    const read = await api.get(path);
    expect(read.headers.get("etag")).not.toBe(before);
    expect([read.body.data.min_timestamp_ns, read.body.data.max_timestamp_ns]).toEqual([
      500n,
      2_500n,
    ]);
    const rejected = await api.put(path, { name: "late" }, { headers: { "if-match": before } });
    expectApiError(rejected, 412, "RobotoConditionException");
  });

  it("lets one conditional PUT win", async () => {
    const session = await createSession(api, { name: "contested" });
    const path = `/v1/sessions/id/${session.session_id}`;
    const etag = await readEtag(session.session_id);

    const responses = await Promise.all(
      Array.from({ length: CONDITIONAL_WRITERS }, (_, i) =>
        sendOverHttp((servers[i % servers.length] as { url: string }).url, api.adminKey, {
          method: "PUT",
          path,
          body: { name: `winner-${i}`, metadata_changeset: { put_tags: [`writer-${i}`] } },
          headers: { "if-match": etag },
        }),
      ),
    );

    const winners = responses.flatMap((response, i) => (response.status === 200 ? [i] : []));
    expect(winners).toHaveLength(1);
    const losers = responses.filter((response) => response.status !== 200);
    for (const loser of losers) expectApiError(loser, 412, "RobotoConditionException");
    const read = await api.get(path);
    expect(read.body.data.name).toBe(`winner-${winners[0]}`);
    expect(read.body.data.tags).toEqual([`writer-${winners[0]}`]);
    expect(etagVersion(read.headers.get("etag"))).toBe(etagVersion(etag) + 1n);
  });
});
