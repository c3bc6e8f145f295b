import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "./support/databases.js";
import {
  createMember,
  createOrg,
  expectApiError,
  readAllPages,
  type TestUser,
} from "./support/fixtures.js";
import { startTestApi, type TestApi, type TestResponse } from "./support/test-api.js";

// Resources of one org, made by one of its members.
interface OrgResources {
  sessionId: string;
  sessionKey: string;
  deviceId: string;
  datasetId: string;
  fileId: string;
}

function expectOk(response: TestResponse): void {
  expect(response.status, response.text).toBe(200);
}

describe.each(TEST_DIALECTS)("security on %s", (dialect) => {
  let api: TestApi;
  let secondOrgId: string;
  // Member of the first org only.
  let alice: TestUser;
  // Admin of the second org only.
  let bob: TestUser;
  let aliceOwns: OrgResources;
  let bobOwns: OrgResources;

  async function createResources(user: TestUser, prefix: string): Promise<OrgResources> {
    const device = await api.post(
      "/v1/devices/create",
      { device_id: `${prefix}_rig` },
      { key: user.key },
    );
    expectOk(device);
    const dataset = await api.post(
      "/v1/datasets",
      { name: `${prefix} data`, device_id: `${prefix}_rig` },
      { key: user.key },
    );
    expectOk(dataset);
    const file = await api.post(
      `/v1/datasets/${dataset.body.data.dataset_id}/files`,
      { relative_path: "run.mcap", start_time_ns: 100n, end_time_ns: 200n },
      { key: user.key },
    );
    expectOk(file);
    const session = await api.post(
      "/v1/sessions",
      { name: `${prefix} session`, key: "flight/1", files: [{ file_id: file.body.data.file_id }] },
      { key: user.key },
    );
    expectOk(session);
    return {
      sessionId: session.body.data.session_id,
      sessionKey: "flight/1",
      deviceId: `${prefix}_rig`,
      datasetId: dataset.body.data.dataset_id,
      fileId: file.body.data.file_id,
    };
  }

  // Everything a member can read about the resources, to compare before and after a write.
  async function snapshot(user: TestUser, owned: OrgResources) {
    const options = { key: user.key };
    const reads = await Promise.all([
      api.get(`/v1/sessions/id/${owned.sessionId}`, options),
      api.get(`/v1/sessions/id/${owned.sessionId}/files`, options),
      api.get(`/v1/sessions/id/${owned.sessionId}/devices`, options),
      api.get(`/v1/devices/id/${owned.deviceId}`, options),
      api.get(`/v1/datasets/${owned.datasetId}`, options),
      api.get(`/v1/datasets/${owned.datasetId}/files`, options),
      api.get(`/v1/files/id/${owned.fileId}`, options),
    ]);
    for (const read of reads) expectOk(read);
    return reads.map((read) => read.text);
  }

  beforeAll(async () => {
    api = await startTestApi(dialect);
    alice = await createMember(api, api.orgId, "alice", "member");
    secondOrgId = await createOrg(api, "Second org");
    bob = await createMember(api, secondOrgId, "bob", "admin");
    aliceOwns = await createResources(alice, "alice");
    bobOwns = await createResources(bob, "bob");
  });
  afterAll(async () => {
    await api?.close();
  });

  describe("API keys", () => {
    it("rejects a missing key", async () => {
      for (const response of [
        await api.get("/v1/sessions", { key: null }),
        await api.post("/v1/sessions", { name: "x" }, { key: null }),
        await api.get(`/v1/sessions/id/${aliceOwns.sessionId}`, { key: null }),
      ]) {
        expectApiError(response, 401, "RobotoUnauthorizedException");
        expect(response.body.error.message).toContain("Authorization: Bearer");
      }
    });

    it("rejects malformed authorization headers", async () => {
      for (const header of [
        `Basic ${alice.key}`,
        "Bearer",
        "Bearer ",
        `Bearer ${alice.key} extra`,
        alice.key,
        `Token ${alice.key}`,
      ]) {
        const response = await api.get("/v1/sessions", {
          key: null,
          headers: { authorization: header },
        });
        expectApiError(response, 401, "RobotoUnauthorizedException");
      }
    });

    it("rejects an unknown key", async () => {
      const response = await api.get("/v1/sessions", {
        key: `${alice.key.slice(0, -1)}${alice.key.endsWith("a") ? "b" : "a"}`,
      });

      expectApiError(response, 401, "RobotoUnauthorizedException");
      expect(response.body.error.message).toContain("Invalid API key");
    });

    it("rejects a revoked key", async () => {
      const created = await api.post("/v1/keys", { name: "short-lived" }, { key: alice.key });
      expectOk(created);
      const { secret, key_id: keyId } = created.body.data;
      expectOk(await api.get("/v1/sessions", { key: secret }));

      const revoked = await api.delete(`/v1/keys/id/${keyId}`, undefined, { key: alice.key });

      expectOk(revoked);
      expect(revoked.body).toEqual({ data: null });
      const rejected = await api.get("/v1/sessions", { key: secret });
      expectApiError(rejected, 401, "RobotoUnauthorizedException");
      expect(rejected.body.error.message).toContain("revoked");
      const listed = await api.get("/v1/keys", { key: alice.key });
      const entry = listed.body.data.items.find(
        (item: { key_id: string }) => item.key_id === keyId,
      );
      expect(entry.revoked).toMatch(/Z$/);
      expect(entry).not.toHaveProperty("secret");
      expectApiError(
        await api.delete(`/v1/keys/id/${keyId}`, undefined, { key: alice.key }),
        404,
        "RobotoNotFoundException",
      );
      expectOk(await api.get("/v1/sessions", { key: alice.key }));
    });

    it("keeps other users' keys unrevokable", async () => {
      const created = await api.post("/v1/keys", { name: "alice only" }, { key: alice.key });

      const response = await api.delete(`/v1/keys/id/${created.body.data.key_id}`, undefined, {
        key: bob.key,
      });

      expectApiError(response, 404, "RobotoNotFoundException");
      expectOk(await api.get("/v1/sessions", { key: created.body.data.secret }));
    });

    it("rejects an expired key", async () => {
      const soon = new Date(Date.now() + 1500).toISOString();
      const expired = await api.post(
        "/v1/keys",
        { name: "old", expires: soon },
        { key: alice.key },
      );
      const valid = await api.post(
        "/v1/keys",
        { name: "new", expires: "2200-01-01T00:00:00Z" },
        { key: alice.key },
      );
      expectOk(expired);
      expect(expired.body.data.expires).toBe(soon);
      expectOk(await api.get("/v1/sessions", { key: expired.body.data.secret }));
      await new Promise((resolve) => setTimeout(resolve, 1700));

      const rejected = await api.get("/v1/sessions", { key: expired.body.data.secret });

      expectApiError(rejected, 401, "RobotoUnauthorizedException");
      expect(rejected.body.error.message).toContain("expired");
      expectOk(await api.get("/v1/sessions", { key: valid.body.data.secret }));
    });

    it("rejects an expiry in the past", async () => {
      const response = await api.post(
        "/v1/keys",
        { name: "old", expires: "2020-01-01T00:00:00Z" },
        { key: alice.key },
      );

      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path).toBe("expires");
    });

    it("rejects an invalid expiry", async () => {
      const text = await api.post(
        "/v1/keys",
        { name: "bad", expires: "next tuesday" },
        { key: alice.key },
      );
      const pastInt64 = await api.post(
        "/v1/keys",
        { name: "bad", expires: "2999-01-01T00:00:00Z" },
        { key: alice.key },
      );

      expectApiError(text, 400, "RobotoInvalidRequestException");
      expect(text.body.details[0].path).toBe("expires");
      expectApiError(pastInt64, 400, "RobotoInvalidRequestException");
      expect(pastInt64.body.details[0].path).toBe("expires");
      expect(pastInt64.body.error.message).toContain("2262");
    });

    it("lists only the caller's keys", async () => {
      const listed = await api.get("/v1/keys", { key: bob.key });

      expectOk(listed);
      expect(listed.body.data.items.length).toBeGreaterThan(0);
      expect(
        listed.body.data.items.every((item: { user_id: string }) => item.user_id === bob.userId),
      ).toBe(true);
      expect(listed.body.data.next_token).toBeNull();
    });
  });

  describe("org isolation", () => {
    it("hides another org's resources", async () => {
      const options = { key: alice.key };
      const checks: [TestResponse, string][] = [
        [await api.get(`/v1/sessions/id/${bobOwns.sessionId}`, options), "RobotoNotFoundException"],
        [
          await api.get(`/v1/sessions/id/${bobOwns.sessionId}/files`, options),
          "RobotoNotFoundException",
        ],
        [
          await api.get(`/v1/sessions/id/${bobOwns.sessionId}/devices`, options),
          "RobotoNotFoundException",
        ],
        [
          await api.get(`/v1/devices/id/${bobOwns.deviceId}`, options),
          "RobotoDeviceNotFoundException",
        ],
        [
          await api.get(`/v1/devices/id/${bobOwns.deviceId}/sessions`, options),
          "RobotoDeviceNotFoundException",
        ],
        [await api.get(`/v1/devices/org/${secondOrgId}`, options), "RobotoNotFoundException"],
        [
          await api.get(`/v1/datasets/${bobOwns.datasetId}`, options),
          "RobotoDatasetNotFoundException",
        ],
        [
          await api.get(`/v1/datasets/${bobOwns.datasetId}/files`, options),
          "RobotoDatasetNotFoundException",
        ],
        [
          await api.get(`/v1/datasets/${bobOwns.datasetId}/sessions`, options),
          "RobotoDatasetNotFoundException",
        ],
        [await api.get(`/v1/files/id/${bobOwns.fileId}`, options), "RobotoNotFoundException"],
      ];

      for (const [response, code] of checks) {
        expectApiError(response, 404, code);
        expect(response.text).not.toContain("bob session");
      }
    });

    it("reads a key only in its org", async () => {
      const own = await api.get(`/v1/sessions/key/${encodeURIComponent("flight/1")}`, {
        key: alice.key,
      });
      const other = await api.get(`/v1/sessions/key/${encodeURIComponent("flight/1")}`, {
        key: bob.key,
      });

      expect(own.body.data.session_id).toBe(aliceOwns.sessionId);
      expect(other.body.data.session_id).toBe(bobOwns.sessionId);
    });

    it("rejects writes to another org", async () => {
      const before = await snapshot(bob, bobOwns);
      const options = { key: alice.key };
      const writes: TestResponse[] = [
        await api.put(`/v1/sessions/id/${bobOwns.sessionId}`, { name: "hijacked" }, options),
        await api.post(
          `/v1/sessions/id/${bobOwns.sessionId}/files`,
          { files: [{ file_id: aliceOwns.fileId }] },
          options,
        ),
        await api.delete(
          `/v1/sessions/id/${bobOwns.sessionId}/files`,
          { file_ids: [bobOwns.fileId] },
          options,
        ),
        await api.post(
          `/v1/sessions/id/${bobOwns.sessionId}/devices`,
          { device_id: aliceOwns.deviceId },
          options,
        ),
        await api.delete(
          `/v1/sessions/id/${bobOwns.sessionId}/devices`,
          { device_id: bobOwns.deviceId },
          options,
        ),
        await api.delete(`/v1/sessions/id/${bobOwns.sessionId}`, undefined, options),
        await api.put(`/v1/devices/id/${bobOwns.deviceId}`, { name: "hijacked" }, options),
        await api.delete(`/v1/devices/id/${bobOwns.deviceId}`, undefined, options),
        await api.post(
          `/v1/datasets/${bobOwns.datasetId}/files`,
          { relative_path: "planted.mcap" },
          options,
        ),
        await api.post(`/v1/datasets/${bobOwns.datasetId}/sessions`, { name: "stolen" }, options),
        await api.delete(`/v1/datasets/${bobOwns.datasetId}`, undefined, options),
        await api.put(
          `/v1/files/id/${bobOwns.fileId}`,
          { start_time_ns: 1n, end_time_ns: 2n },
          options,
        ),
        await api.delete(`/v1/files/id/${bobOwns.fileId}`, undefined, options),
      ];

      for (const response of writes) {
        expect(response.status, response.text).toBe(404);
        expect(Object.keys(response.body.error)).toEqual(["error_code", "message"]);
      }
      expect(await snapshot(bob, bobOwns)).toEqual(before);
      const bobSessions = await readAllPages(api, "/v1/sessions", 100, { key: bob.key });
      expect(bobSessions.map((session) => session.session_id)).toEqual([bobOwns.sessionId]);
    });

    it("rejects another org's ids in own writes", async () => {
      const before = await snapshot(alice, aliceOwns);
      const options = { key: alice.key };

      const addForeignFile = await api.post(
        `/v1/sessions/id/${aliceOwns.sessionId}/files`,
        { files: [{ file_id: bobOwns.fileId }] },
        options,
      );
      const attachForeignDevice = await api.post(
        `/v1/sessions/id/${aliceOwns.sessionId}/devices`,
        { device_id: bobOwns.deviceId },
        options,
      );
      const createWithFile = await api.post(
        "/v1/sessions",
        { files: [{ file_id: bobOwns.fileId }] },
        options,
      );
      const createWithDevice = await api.post(
        "/v1/sessions",
        { device_ids: [bobOwns.deviceId] },
        options,
      );
      const datasetOfDevice = await api.post(
        "/v1/datasets",
        { device_id: bobOwns.deviceId },
        options,
      );

      expectApiError(addForeignFile, 404, "RobotoNotFoundException");
      expect(addForeignFile.body.error.message).toContain(bobOwns.fileId);
      expectApiError(attachForeignDevice, 404, "RobotoDeviceNotFoundException");
      expectApiError(createWithFile, 404, "RobotoNotFoundException");
      expectApiError(createWithDevice, 404, "RobotoDeviceNotFoundException");
      expectApiError(datasetOfDevice, 404, "RobotoDeviceNotFoundException");
      expect(await snapshot(alice, aliceOwns)).toEqual(before);
      const aliceSessions = await api.get("/v1/sessions", options);
      expect(
        aliceSessions.body.data.items.map((session: { session_id: string }) => session.session_id),
      ).toEqual([aliceOwns.sessionId]);
    });

    it("allows the same ids in two orgs", async () => {
      const aliceDevice = await api.post(
        "/v1/devices/create",
        { device_id: "common_rig", name: "alice's" },
        { key: alice.key },
      );
      const bobDevice = await api.post(
        "/v1/devices/create",
        { device_id: "common_rig", name: "bob's" },
        { key: bob.key },
      );

      expectOk(aliceDevice);
      expectOk(bobDevice);
      expect((await api.get("/v1/devices/id/common_rig", { key: alice.key })).body.data.name).toBe(
        "alice's",
      );
      expect((await api.get("/v1/devices/id/common_rig", { key: bob.key })).body.data.name).toBe(
        "bob's",
      );
    });
  });

  describe("org selection", () => {
    it("requires an org header in two orgs", async () => {
      const create = await api.post("/v1/sessions", { name: "where?" });
      const list = await api.get("/v1/sessions");

      for (const response of [create, list]) {
        expectApiError(response, 400, "RobotoInvalidRequestException");
        expect(response.body.details[0].path).toBe("X-Roboto-Org-Id");
        expect(response.body.error.message).toContain("org is required");
      }
    });

    it("selects the org by either header", async () => {
      const inSecond = await api.post(
        "/v1/sessions",
        { name: "second" },
        { headers: { "X-Roboto-Org-Id": secondOrgId } },
      );
      const inFirst = await api.post(
        "/v1/sessions",
        { name: "first" },
        { headers: { "X-Org-Id": api.orgId } },
      );

      expectOk(inSecond);
      expect(inSecond.body.data.org_id).toBe(secondOrgId);
      expectOk(inFirst);
      expect(inFirst.body.data.org_id).toBe(api.orgId);
      const secondList = await readAllPages(api, "/v1/sessions", 100, {
        headers: { "X-Org-Id": secondOrgId },
      });
      expect(secondList.every((session) => session.org_id === secondOrgId)).toBe(true);
      expect(secondList.map((session) => session.session_id)).toContain(
        inSecond.body.data.session_id,
      );
      expect(secondList.map((session) => session.session_id)).not.toContain(
        inFirst.body.data.session_id,
      );
    });

    it("forbids a non-member org", async () => {
      const create = await api.post(
        "/v1/sessions",
        { name: "intruder" },
        { key: alice.key, headers: { "X-Roboto-Org-Id": secondOrgId } },
      );
      const list = await api.get("/v1/sessions", {
        key: alice.key,
        headers: { "X-Org-Id": secondOrgId },
      });

      for (const response of [create, list]) {
        expectApiError(response, 403, "RobotoUnauthorizedException");
        expect(response.body.error.message).toContain(secondOrgId);
      }
    });

    it("resolves by-id routes from the resource", async () => {
      const bobSession = await api.get(`/v1/sessions/id/${bobOwns.sessionId}`);
      const aliceSession = await api.get(`/v1/sessions/id/${aliceOwns.sessionId}`);
      const bobFile = await api.get(`/v1/files/id/${bobOwns.fileId}`);
      const ownerHeader = await api.get(`/v1/datasets/${bobOwns.datasetId}`, {
        headers: { "X-Roboto-Resource-Owner-Id": secondOrgId },
      });
      const renamed = await api.put(`/v1/sessions/id/${bobOwns.sessionId}`, {
        description: "seen by the admin of both orgs",
      });

      expect(bobSession.body.data.org_id).toBe(secondOrgId);
      expect(aliceSession.body.data.org_id).toBe(api.orgId);
      expect(bobFile.body.data.org_id).toBe(secondOrgId);
      expect(ownerHeader.body.data.org_id).toBe(secondOrgId);
      expectOk(renamed);
      expect(renamed.body.data.description).toBe("seen by the admin of both orgs");
    });

    it("narrows by-id routes to the named org", async () => {
      const response = await api.get(`/v1/sessions/id/${bobOwns.sessionId}`, {
        headers: { "X-Roboto-Org-Id": api.orgId },
      });

      expectApiError(response, 404, "RobotoNotFoundException");
    });

    it("asks for an org on ambiguous ids", async () => {
      await api.post(
        "/v1/devices/create",
        { device_id: "twin_rig", name: "first" },
        { headers: { "X-Org-Id": api.orgId } },
      );
      await api.post(
        "/v1/devices/create",
        { device_id: "twin_rig", name: "second" },
        { headers: { "X-Org-Id": secondOrgId } },
      );

      const ambiguousDevice = await api.get("/v1/devices/id/twin_rig");
      const ambiguousKey = await api.get(`/v1/sessions/key/${encodeURIComponent("flight/1")}`);
      const named = await api.get("/v1/devices/id/twin_rig", {
        headers: { "X-Roboto-Org-Id": secondOrgId },
      });

      expectApiError(ambiguousDevice, 400, "RobotoInvalidRequestException");
      expect(ambiguousDevice.body.details[0].path).toBe("X-Roboto-Org-Id");
      expectApiError(ambiguousKey, 400, "RobotoInvalidRequestException");
      expect(named.body.data.name).toBe("second");
    });
  });

  describe("roles", () => {
    it("forbids members on admin routes", async () => {
      const addUser = await api.post(
        `/v1/orgs/${api.orgId}/users`,
        { name: "mallory" },
        { key: alice.key },
      );
      const removeUser = await api.delete(`/v1/orgs/${api.orgId}/users/${api.userId}`, undefined, {
        key: alice.key,
      });

      for (const response of [addUser, removeUser]) {
        expectApiError(response, 403, "RobotoUnauthorizedException");
        expect(response.body.error.message).toContain("admin");
      }
    });

    it("hides an org from non-members", async () => {
      const response = await api.post(
        `/v1/orgs/${secondOrgId}/users`,
        { name: "mallory" },
        { key: alice.key },
      );

      expectApiError(response, 404, "RobotoNotFoundException");
    });

    it("lets an admin manage members", async () => {
      const carol = await createMember(api, secondOrgId, "carol", "member", bob.key);
      expectOk(await api.get(`/v1/sessions/id/${bobOwns.sessionId}`, { key: carol.key }));

      const removed = await api.delete(`/v1/orgs/${secondOrgId}/users/${carol.userId}`, undefined, {
        key: bob.key,
      });

      expectOk(removed);
      expectApiError(
        await api.get(`/v1/sessions/id/${bobOwns.sessionId}`, { key: carol.key }),
        404,
        "RobotoNotFoundException",
      );
      expectApiError(
        await api.get("/v1/sessions", { key: carol.key }),
        403,
        "RobotoUnauthorizedException",
      );
    });

    it("adds an existing user to an org", async () => {
      const dave = await createMember(api, secondOrgId, "dave", "member", bob.key);

      const added = await api.post(`/v1/orgs/${api.orgId}/users`, {
        user_id: dave.userId,
        role: "member",
      });
      const list = await api.get("/v1/sessions", { key: dave.key });
      const chosen = await api.get("/v1/sessions", {
        key: dave.key,
        headers: { "X-Roboto-Org-Id": api.orgId },
      });

      expectOk(added);
      expect(added.body.data).toEqual({ user_id: dave.userId, org_id: api.orgId, role: "member" });
      expectApiError(list, 400, "RobotoInvalidRequestException");
      expectOk(chosen);
    });

    it("rejects an ambiguous user request", async () => {
      const both = await api.post(
        `/v1/orgs/${secondOrgId}/users`,
        { name: "x", user_id: alice.userId },
        { key: bob.key },
      );
      const neither = await api.post(
        `/v1/orgs/${secondOrgId}/users`,
        { role: "member" },
        { key: bob.key },
      );
      const unknownUser = await api.post(
        `/v1/orgs/${secondOrgId}/users`,
        { user_id: "us_nobody" },
        { key: bob.key },
      );

      expectApiError(both, 400, "RobotoInvalidRequestException");
      expectApiError(neither, 400, "RobotoInvalidRequestException");
      expectApiError(unknownUser, 404, "RobotoNotFoundException");
    });
  });

  describe("wire format", () => {
    it("shapes every error body alike", async () => {
      const errors: [TestResponse, number, string][] = [
        [await api.get("/v1/sessions", { key: null }), 401, "RobotoUnauthorizedException"],
        [
          await api.post("/v1/sessions", { name: 5 }, { key: alice.key }),
          400,
          "RobotoInvalidRequestException",
        ],
        [
          await api.post("/v1/sessions", { key: "flight/1" }, { key: alice.key }),
          409,
          "RobotoConflictException",
        ],
        [
          await api.get("/v1/sessions/id/ss_missing", { key: alice.key }),
          404,
          "RobotoNotFoundException",
        ],
        [await api.get("/v1/no/such/route", { key: alice.key }), 404, "RobotoNotFoundException"],
        [
          await api.post(`/v1/orgs/${api.orgId}/users`, { name: "m" }, { key: alice.key }),
          403,
          "RobotoUnauthorizedException",
        ],
        [
          await api.put(
            `/v1/sessions/id/${aliceOwns.sessionId}`,
            { name: "x" },
            { key: alice.key, headers: { "if-match": '"stale"' } },
          ),
          412,
          "RobotoConditionException",
        ],
      ];

      for (const [response, status, code] of errors) {
        expectApiError(response, status, code);
        expect(typeof response.body.error.message).toBe("string");
        expect(response.body.error.message.length).toBeGreaterThan(10);
        expect(Array.isArray(response.body.details)).toBe(true);
        expect(response.headers.get("content-type")).toContain("application/json");
      }
    });

    it("puts conflict facts in details", async () => {
      const response = await api.post("/v1/sessions", { key: "flight/1" }, { key: alice.key });

      expect(response.body.details).toEqual([
        {
          path: "key",
          reason: "already taken",
          value: "flight/1",
          existing_session_id: aliceOwns.sessionId,
        },
      ]);
      expect(response.body.error.message).toContain(aliceOwns.sessionId);
    });

    it("sends X-Request-Id on every response", async () => {
      const responses = [
        await api.get("/health", { key: null }),
        await api.get("/ready", { key: null }),
        await api.get("/openapi.json", { key: null }),
        await api.get("/docs", { key: null }),
        await api.get("/v1/sessions", { key: null }),
        await api.get("/v1/sessions", { key: alice.key }),
        await api.post("/v1/sessions", "{broken", { key: alice.key }),
        await api.get("/nowhere", { key: null }),
        await api.delete(`/v1/sessions/id/ss_missing`, undefined, { key: alice.key }),
      ];

      const ids = responses.map((response) => response.headers.get("x-request-id"));
      for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it("echoes a well-formed request id", async () => {
      const echoed = await api.get("/v1/sessions/id/ss_missing", {
        key: alice.key,
        headers: { "X-Request-Id": "trace-42.a_b" },
      });
      const replaced = await api.get("/v1/sessions", {
        key: alice.key,
        headers: { "X-Request-Id": "bad id with spaces" },
      });

      expect(echoed.headers.get("x-request-id")).toBe("trace-42.a_b");
      expect(echoed.body.request_id).toBe("trace-42.a_b");
      expect(replaced.headers.get("x-request-id")).not.toBe("bad id with spaces");
      expect(replaced.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    });

    it("never redirects a trailing slash", async () => {
      const server = await api.listen();
      try {
        for (const path of [
          "/v1/sessions/",
          `/v1/sessions/id/${aliceOwns.sessionId}/`,
          "/health/",
          "/v1/datasets/",
        ]) {
          const response = await fetch(`${server.url}${path}`, {
            redirect: "manual",
            headers: { authorization: `Bearer ${alice.key}`, connection: "close" },
          });
          const body = await response.json();
          expect(response.status, path).toBe(404);
          expect(response.headers.get("location")).toBeNull();
          expect(body.error.error_code).toBe("RobotoNotFoundException");
        }
      } finally {
        await server.close();
      }
    });

    it("serves health without a key", async () => {
      const response = await api.get("/health", { key: null });

      expect(response.status).toBe(200);
      expect(response.body.data.status).toBe("ok");
    });
  });
});
