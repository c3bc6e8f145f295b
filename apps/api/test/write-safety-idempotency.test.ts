import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDEMPOTENCY_LEASE_NS, IDEMPOTENCY_TTL_NS } from "../src/http/idempotency.js";
import { TEST_DIALECTS } from "./support/databases.js";
import {
  createDataset,
  createDevice,
  createMember,
  createSession,
  expectApiError,
  readAllPages,
  registerFile,
} from "./support/fixtures.js";
import { type HttpRequest, sendOverHttp } from "./support/over-http.js";
import { startTestApi, type TestApi, type TestResponse } from "./support/test-api.js";

const CONCURRENT_RETRIES = 12;
const NS_PER_MS = 1_000_000n;

/** A clock the tests move forward to let keys and leases lapse. */
const clock = { offsetMs: 0, nowMs: () => Date.now() + clock.offsetMs };

describe.each(TEST_DIALECTS)("Idempotency-Key on %s", (dialect) => {
  let api: TestApi;
  let peer: TestApi | undefined;
  const servers: { url: string; close(): Promise<void> }[] = [];
  let keyCounter = 0;

  beforeAll(async () => {
    api = await startTestApi(dialect, { clock });
    servers.push(await api.listen());
    if (dialect === "postgres") {
      // A second API node on the same database: keys must hold across nodes.
      peer = await startTestApi(dialect, { sameDatabaseAs: api, clock });
      servers.push(await peer.listen());
    }
  });

  afterAll(async () => {
    clock.offsetMs = 0;
    for (const server of servers) await server.close();
    await peer?.close();
    await api?.close();
  });

  const firstNode = () => servers[0] as { url: string };
  // The other node on PostgreSQL; the same one on SQLite, which serves one process.
  const lastNode = () => servers.at(-1) as { url: string };
  const newKey = () => `key-${dialect}-${++keyCounter}-${Date.now()}`;

  function send(
    node: { url: string },
    idempotencyKey: string,
    request: HttpRequest,
    apiKey = api.adminKey,
  ): Promise<TestResponse> {
    return sendOverHttp(node.url, apiKey, {
      ...request,
      headers: { ...request.headers, "idempotency-key": idempotencyKey },
    });
  }

  async function sessionsNamed(name: string): Promise<string[]> {
    const sessions = await readAllPages(api, "/v1/sessions", 1000);
    return sessions.filter((session) => session.name === name).map((session) => session.session_id);
  }

  function expectReplayOf(replay: TestResponse, first: TestResponse): void {
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.status).toBe(first.status);
    expect(replay.text).toBe(first.text);
    expect(replay.headers.get("etag")).toBe(first.headers.get("etag"));
  }

  it("replays a created session once", async () => {
    const key = newKey();
    const request = {
      method: "POST",
      path: "/v1/sessions",
      body: { name: `created once ${key}`, tags: ["a"] },
    };

    const first = await send(firstNode(), key, request);
    const replay = await send(lastNode(), key, request);

    expect(first.status, first.text).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expectReplayOf(replay, first);
    expect(await sessionsNamed(`created once ${key}`)).toEqual([first.body.data.session_id]);
  });

  it("applies a session update once", async () => {
    const session = await createSession(api, { name: "update once" });
    const key = newKey();
    const request = {
      method: "PUT",
      path: `/v1/sessions/id/${session.session_id}`,
      body: { metadata_changeset: { put_tags: ["once"] } },
    };

    const first = await send(firstNode(), key, request);
    const replay = await send(lastNode(), key, request);

    expect(first.status, first.text).toBe(200);
    expectReplayOf(replay, first);
    // A second run would have made a new version and a new modification time.
    const read = await api.get(`/v1/sessions/id/${session.session_id}`);
    expect(read.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(read.body.data.modified).toBe(first.body.data.modified);
  });

  it("replays added files without adding", async () => {
    const datasetId = await createDataset(api, { name: "replayed adds" });
    const fileId = await registerFile(api, datasetId, "replayed.mcap", [10n, 20n]);
    const session = await createSession(api, { name: "replayed adds" });
    const path = `/v1/sessions/id/${session.session_id}/files`;
    const key = newKey();
    const request = { method: "POST", path, body: { files: [{ file_id: fileId }] } };

    const first = await send(firstNode(), key, request);
    expect(first.status, first.text).toBe(200);
    const removed = await api.delete(path, { file_ids: [fileId] });
    expect(removed.status, removed.text).toBe(200);
    const replay = await send(lastNode(), key, request);

    // The replay returns the first response; running again would have added the file back.
    expectReplayOf(replay, first);
    expect(await readAllPages(api, path)).toEqual([]);
    const read = await api.get(`/v1/sessions/id/${session.session_id}`);
    expect(read.headers.get("etag")).toBe(removed.headers.get("etag"));
    expect(read.body.data.min_timestamp_ns).toBeNull();
  });

  it("rejects reuse with another request", async () => {
    const key = newKey();
    const name = `reused ${key}`;
    const first = await send(firstNode(), key, {
      method: "POST",
      path: "/v1/sessions",
      body: { name },
    });
    expect(first.status, first.text).toBe(200);

    const otherBody = await send(lastNode(), key, {
      method: "POST",
      path: "/v1/sessions",
      body: { name: `${name} again` },
    });
    const otherPath = await send(lastNode(), key, {
      method: "POST",
      path: "/v1/datasets",
      body: { name },
    });
    const otherMethod = await send(lastNode(), key, {
      method: "PUT",
      path: `/v1/sessions/id/${first.body.data.session_id}`,
      body: { name },
    });

    for (const response of [otherBody, otherPath, otherMethod]) {
      expectApiError(response, 409, "RobotoConflictException");
      expect(response.body.error.message).toContain(key);
    }
    expect(await sessionsNamed(name)).toEqual([first.body.data.session_id]);
    expect(await sessionsNamed(`${name} again`)).toEqual([]);
    const datasets = await readAllPages(api, "/v1/datasets", 1000);
    expect(datasets.filter((dataset) => dataset.name === name)).toEqual([]);
  });

  it("applies concurrent retries once", async () => {
    const key = newKey();
    const name = `concurrent ${key}`;
    const request = { method: "POST", path: "/v1/sessions", body: { name } };

    const responses = await Promise.all(
      Array.from({ length: CONCURRENT_RETRIES }, (_, i) =>
        send(servers[i % servers.length] as { url: string }, key, request),
      ),
    );

    const created = await sessionsNamed(name);
    expect(created).toHaveLength(1);
    const successes = responses.filter((response) => response.status === 200);
    expect(successes.length).toBeGreaterThanOrEqual(1);
    for (const success of successes) expect(success.body.data.session_id).toBe(created[0]);
    expect(new Set(successes.map((success) => success.text)).size).toBe(1);
    for (const response of responses.filter((response) => response.status !== 200)) {
      expectApiError(response, 409, "RobotoConflictException");
      expect(response.body.error.message).toContain("still being processed");
      expect(response.headers.get("retry-after")).toBe("1");
    }
  });

  it("keeps keys per user", async () => {
    const member = await createMember(api, api.orgId, `idempotent member ${dialect}`);
    const key = newKey();
    const name = `per user ${key}`;
    const request = { method: "POST", path: "/v1/sessions", body: { name } };

    const admin = await send(firstNode(), key, request);
    const other = await send(lastNode(), key, request, member.key);

    expect(admin.status, admin.text).toBe(200);
    expect(other.status, other.text).toBe(200);
    expect(other.headers.get("idempotent-replayed")).toBeNull();
    expect(other.body.data.session_id).not.toBe(admin.body.data.session_id);
    expect((await sessionsNamed(name)).sort()).toEqual(
      [admin.body.data.session_id, other.body.data.session_id].sort(),
    );
  });

  it("replays a stored client error", async () => {
    const sessionKey = `taken-${newKey()}`;
    const holder = await createSession(api, { name: "holder", key: sessionKey });
    const key = newKey();
    const request = {
      method: "POST",
      path: "/v1/sessions",
      body: { name: "blocked", key: sessionKey },
    };

    const first = await send(firstNode(), key, request);
    expectApiError(first, 409, "RobotoConflictException");
    const deleted = await api.delete(`/v1/sessions/id/${holder.session_id}`);
    expect(deleted.status, deleted.text).toBe(200);
    const replay = await send(lastNode(), key, request);

    // Run again, the request would now succeed; the replay returns the stored 409.
    expectReplayOf(replay, first);
    const byKey = await api.get(`/v1/sessions/key/${encodeURIComponent(sessionKey)}`);
    expectApiError(byKey, 404, "RobotoNotFoundException");
  });

  it("stores no server error", async () => {
    const deviceId = await createDevice(api, `idempotent-device-${dialect}`);
    const session = await createSession(api, { name: "server error" });
    const path = `/v1/sessions/id/${session.session_id}/devices`;
    const key = newKey();
    const request = { method: "POST", path, body: { device_id: deviceId } };

    // A missing table makes the write fail inside the store: a real 500.
    await sql`ALTER TABLE session_devices RENAME TO session_devices_hidden`.execute(api.store.db);
    let failed: TestResponse;
    try {
      failed = await send(firstNode(), key, request);
    } finally {
      await sql`ALTER TABLE session_devices_hidden RENAME TO session_devices`.execute(api.store.db);
    }
    expectApiError(failed, 500, "RobotoServiceException");

    const retry = await send(lastNode(), key, request);
    expect(retry.status, retry.text).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(await readAllPages(api, path)).toEqual([deviceId]);
  });

  it("expires keys after 24 hours", async () => {
    const key = newKey();
    const name = `expiring ${key}`;
    const request = { method: "POST", path: "/v1/sessions", body: { name } };
    const ttlMs = Number(IDEMPOTENCY_TTL_NS / NS_PER_MS);
    expect(ttlMs).toBe(24 * 3600 * 1000);

    try {
      const first = await send(firstNode(), key, request);
      expect(first.status, first.text).toBe(200);

      clock.offsetMs = ttlMs - 60_000;
      const beforeExpiry = await send(lastNode(), key, request);
      expectReplayOf(beforeExpiry, first);

      clock.offsetMs = ttlMs + 60_000;
      const afterExpiry = await send(lastNode(), key, request);
      expect(afterExpiry.status, afterExpiry.text).toBe(200);
      expect(afterExpiry.headers.get("idempotent-replayed")).toBeNull();
      expect(afterExpiry.body.data.session_id).not.toBe(first.body.data.session_id);
      expect(await sessionsNamed(name)).toHaveLength(2);
    } finally {
      clock.offsetMs = 0;
    }
  });

  it("never applies a committed write twice", async () => {
    const key = newKey();
    const name = `response lost ${key}`;
    const request = { method: "POST", path: "/v1/sessions", body: { name } };
    const leaseMs = Number(IDEMPOTENCY_LEASE_NS / NS_PER_MS);

    // A trigger makes storing the response fail after the write committed,
    // as when the node dies between the two.
    await failResponseStorage(api, true);
    let first: TestResponse;
    try {
      first = await send(firstNode(), key, request);
    } finally {
      await failResponseStorage(api, false);
    }

    try {
      expect(first.status, first.text).toBe(200);
      const created = await sessionsNamed(name);
      expect(created).toEqual([first.body.data.session_id]);

      const duringLease = await send(lastNode(), key, request);
      expectApiError(duringLease, 409, "RobotoConflictException");
      expect(duringLease.body.error.message).toContain("still being processed");

      clock.offsetMs = leaseMs + 1_000;
      const afterLease = await send(lastNode(), key, request);
      expectApiError(afterLease, 409, "RobotoConflictException");
      expect(afterLease.body.error.message).toContain("was applied");
      expect(await sessionsNamed(name)).toEqual(created);
    } finally {
      clock.offsetMs = 0;
    }
  });
});

/** Makes the store reject storing idempotent responses, or stops doing so. */
async function failResponseStorage(api: TestApi, fail: boolean): Promise<void> {
  const db = api.store.db;
  if (api.dialect === "sqlite") {
    if (fail) {
      await sql`CREATE TRIGGER fail_response_storage BEFORE UPDATE ON idempotency_keys WHEN NEW.state = 'done'
        BEGIN SELECT RAISE(ABORT, 'response storage disabled by the test'); END`.execute(db);
    } else {
      await sql`DROP TRIGGER fail_response_storage`.execute(db);
    }
    return;
  }
  if (fail) {
    await sql`CREATE FUNCTION fail_response_storage() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'response storage disabled by the test'; END $$`.execute(db);
    await sql`CREATE TRIGGER fail_response_storage BEFORE UPDATE ON idempotency_keys
      FOR EACH ROW WHEN (NEW.state = 'done') EXECUTE FUNCTION fail_response_storage()`.execute(db);
  } else {
    await sql`DROP TRIGGER fail_response_storage ON idempotency_keys`.execute(db);
    await sql`DROP FUNCTION fail_response_storage()`.execute(db);
  }
}
