import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "./support/databases.js";
import {
  createDataset,
  createSession,
  expectApiError,
  readAllPages,
  registerFile,
} from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

const DEFAULT_BODY_LIMIT = 1024 * 1024;

// A create-session body of exactly `bytes` bytes of JSON.
function sessionBodyOfSize(bytes: number): string {
  const skeleton = JSON.stringify({ name: "padded", metadata: { pad: "" } });
  return JSON.stringify({ name: "padded", metadata: { pad: "x".repeat(bytes - skeleton.length) } });
}

describe.each(TEST_DIALECTS)("request limits on %s", (dialect) => {
  let api: TestApi;
  let datasetId: string;
  let fileId: string;
  beforeAll(async () => {
    api = await startTestApi(dialect);
    datasetId = await createDataset(api, { name: "limits" });
    fileId = await registerFile(api, datasetId, "limits.mcap", [100n, 200n]);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function countSessions(): Promise<number> {
    return (await readAllPages(api, "/v1/sessions", 1000)).length;
  }

  describe("body size", () => {
    it("rejects a body over the configured limit", async () => {
      const small = await startTestApi(dialect, { jsonBodyLimitBytes: 4096 });
      try {
        const accepted = await small.post("/v1/sessions", sessionBodyOfSize(4096));
        const rejected = await small.post("/v1/sessions", sessionBodyOfSize(4097));

        expect(accepted.status, accepted.text.slice(0, 300)).toBe(200);
        expectApiError(rejected, 413, "RobotoInvalidRequestException");
        expect(rejected.body.error.message).toContain("4096 bytes");
        expect(rejected.body.details[0].path).toBe("body");
        expect((await readAllPages(small, "/v1/sessions")).length).toBe(1);
      } finally {
        await small.close();
      }
    });

    it("rejects a body over 1 MiB", async () => {
      const before = await countSessions();

      const accepted = await api.post("/v1/sessions", sessionBodyOfSize(60 * 1024));
      const rejected = await api.post("/v1/sessions", sessionBodyOfSize(DEFAULT_BODY_LIMIT + 1));

      expect(accepted.status, accepted.text.slice(0, 300)).toBe(200);
      expectApiError(rejected, 413, "RobotoInvalidRequestException");
      expect(rejected.body.error.message).toContain(`${DEFAULT_BODY_LIMIT} bytes`);
      expect(await countSessions()).toBe(before + 1);
    });

    it("rejects an oversized body over HTTP", async () => {
      const server = await api.listen();
      try {
        const response = await fetch(`${server.url}/v1/sessions`, {
          method: "POST",
          // Without `Connection: close` the server keeps the socket and `close()` waits for it.
          headers: {
            authorization: `Bearer ${api.adminKey}`,
            "content-type": "application/json",
            connection: "close",
          },
          body: sessionBodyOfSize(DEFAULT_BODY_LIMIT + 1),
        });
        const body = await response.json();

        expect(response.status).toBe(413);
        expect(body.error.error_code).toBe("RobotoInvalidRequestException");
        expect(response.headers.get("x-request-id")).toBeTruthy();
      } finally {
        await server.close();
      }
    });
  });

  describe("body shape", () => {
    it("rejects invalid JSON naming the body", async () => {
      for (const text of ["{", '{"name": }', "{'name': 'x'}", '{"name": "x",}', "nul"]) {
        const response = await api.post("/v1/sessions", text);
        expectApiError(response, 400, "RobotoInvalidRequestException");
        expect(response.body.details[0].path, text).toBe("body");
        expect(response.body.error.message).toContain("JSON");
      }
    });

    it("rejects a body that is no object", async () => {
      for (const text of ["[]", "[1, 2]", '"session"', "42", "true"]) {
        const response = await api.post("/v1/sessions", text);
        expectApiError(response, 400, "RobotoInvalidRequestException");
        expect(response.body.details[0].path, text).toBe("body");
      }
    });

    it("names the path of missing keys", async () => {
      const session = await createSession(api);
      const cases: [string, string, unknown, string][] = [
        ["POST", `/v1/sessions/id/${session.session_id}/files`, {}, "files"],
        ["POST", `/v1/sessions/id/${session.session_id}/files`, { files: [{}] }, "files.0.file_id"],
        ["DELETE", `/v1/sessions/id/${session.session_id}/files`, {}, "file_ids"],
        ["POST", `/v1/sessions/id/${session.session_id}/devices`, {}, "device_id"],
        ["DELETE", `/v1/sessions/id/${session.session_id}/devices`, {}, "device_id"],
        ["POST", `/v1/datasets/${datasetId}/files`, { size: 3 }, "relative_path"],
        ["POST", "/v1/orgs", {}, "name"],
        ["POST", "/v1/keys", {}, "name"],
      ];

      for (const [method, path, body, expectedPath] of cases) {
        const response = await api.request(method, path, { body });
        expectApiError(response, 400, "RobotoInvalidRequestException");
        expect(
          response.body.details.map((detail: { path: string }) => detail.path),
          `${method} ${path}`,
        ).toContain(expectedPath);
        expect(response.body.error.message).toContain(expectedPath);
      }
    });

    it("names the path of wrong types", async () => {
      const session = await createSession(api);
      const cases: [string, string, unknown, string][] = [
        ["POST", "/v1/sessions", { tags: "a" }, "tags"],
        ["POST", "/v1/sessions", { tags: ["a", 3] }, "tags.1"],
        ["POST", "/v1/sessions", { metadata: [] }, "metadata"],
        ["POST", "/v1/sessions", { metadata: "x" }, "metadata"],
        ["POST", "/v1/sessions", { name: 5 }, "name"],
        ["POST", "/v1/sessions", { device_ids: "robot" }, "device_ids"],
        ["POST", "/v1/sessions", { files: [{ file_id: 5 }] }, "files.0.file_id"],
        ["POST", "/v1/sessions", { files: {} }, "files"],
        ["PUT", `/v1/sessions/id/${session.session_id}`, { name: 5 }, "name"],
        [
          "PUT",
          `/v1/sessions/id/${session.session_id}`,
          { metadata_changeset: { put_tags: "x" } },
          "metadata_changeset.put_tags",
        ],
        [
          "POST",
          `/v1/sessions/id/${session.session_id}/files`,
          {
            files: [
              { file_id: fileId, range_min_timestamp_ns: "120", range_max_timestamp_ns: 130n },
            ],
          },
          "files.0.range_min_timestamp_ns",
        ],
        [
          "DELETE",
          `/v1/sessions/id/${session.session_id}/files`,
          { file_ids: [fileId, 7] },
          "file_ids.1",
        ],
        [
          "POST",
          `/v1/datasets/${datasetId}/files`,
          { relative_path: "typed.mcap", tags: [true] },
          "tags.0",
        ],
        ["POST", "/v1/datasets", { name: ["x"] }, "name"],
        ["POST", "/v1/devices/create", { device_id: "typed_rig", metadata: 3 }, "metadata"],
      ];

      for (const [method, path, body, expectedPath] of cases) {
        const response = await api.request(method, path, { body });
        expectApiError(response, 400, "RobotoInvalidRequestException");
        expect(
          response.body.details[0].path,
          `${method} ${path} ${JSON.stringify(body, (_, value) => (typeof value === "bigint" ? `${value}` : value))}`,
        ).toBe(expectedPath);
      }
      expect((await api.get(`/v1/sessions/id/${session.session_id}`)).body.data.name).toBeNull();
    });

    it("ignores unknown keys", async () => {
      const created = await api.post("/v1/sessions", {
        name: "tolerant",
        surprise: 1,
        nested: { deeper: true },
      });
      const sessionId = created.body.data.session_id;
      const updated = await api.put(`/v1/sessions/id/${sessionId}`, {
        description: "d",
        future_option: "x",
      });
      const added = await api.post(`/v1/sessions/id/${sessionId}/files`, {
        files: [{ file_id: fileId, weight: 2 }],
        mode: "fast",
      });

      expect(created.status, created.text).toBe(200);
      expect(created.body.data).not.toHaveProperty("surprise");
      expect(created.body.data).not.toHaveProperty("nested");
      expect(updated.status, updated.text).toBe(200);
      expect(updated.body.data.description).toBe("d");
      expect(added.status, added.text).toBe(200);
      expect(added.body.data.min_timestamp_ns).toBe(100n);
    });
  });

  describe("content limits", () => {
    it("limits tags per entity", async () => {
      const distinct = Array.from({ length: 256 }, (_, index) => `tag-${index}`);

      const atLimit = await api.post("/v1/sessions", { tags: distinct });
      const withRepeats = await api.post("/v1/sessions", { tags: [...distinct, ...distinct] });
      const overLimit = await api.post("/v1/sessions", { tags: [...distinct, "one-more"] });

      expect(atLimit.status, atLimit.text.slice(0, 300)).toBe(200);
      expect(atLimit.body.data.tags).toHaveLength(256);
      expect(withRepeats.status, withRepeats.text.slice(0, 300)).toBe(200);
      expectApiError(overLimit, 400, "RobotoInvalidRequestException");
      expect(overLimit.body.details[0].path).toBe("tags");
      expect(overLimit.body.error.message).toContain("256");
    });

    it("limits tags added by a changeset", async () => {
      const session = await createSession(api, {
        tags: Array.from({ length: 256 }, (_, index) => `t${index}`),
      });

      const response = await api.put(`/v1/sessions/id/${session.session_id}`, {
        metadata_changeset: { put_tags: ["overflow"] },
      });

      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path).toBe("metadata_changeset.put_tags");
      expect((await api.get(`/v1/sessions/id/${session.session_id}`)).body.data.tags).toHaveLength(
        256,
      );
    });

    it("limits tag length", async () => {
      const atLimit = await api.post("/v1/sessions", { tags: ["x".repeat(128)] });
      const tooLong = await api.post("/v1/sessions", { tags: ["ok", "x".repeat(129)] });
      const empty = await api.post("/v1/sessions", { tags: [""] });

      expect(atLimit.status, atLimit.text).toBe(200);
      expectApiError(tooLong, 400, "RobotoInvalidRequestException");
      expect(tooLong.body.details[0].path).toBe("tags.1");
      expect(tooLong.body.error.message).toContain("128");
      expectApiError(empty, 400, "RobotoInvalidRequestException");
      expect(empty.body.details[0].path).toBe("tags.0");
    });

    it("limits metadata size and depth", async () => {
      let deep: Record<string, unknown> = { leaf: 1 };
      for (let level = 0; level < 40; level++) deep = { nested: deep };

      const tooLarge = await api.post("/v1/sessions", {
        metadata: { blob: "x".repeat(64 * 1024) },
      });
      const tooDeep = await api.post("/v1/sessions", { metadata: deep });

      expectApiError(tooLarge, 400, "RobotoInvalidRequestException");
      expect(tooLarge.body.details[0].path).toBe("metadata");
      expect(tooLarge.body.error.message).toContain("65536");
      expectApiError(tooDeep, 400, "RobotoInvalidRequestException");
      expect(tooDeep.body.details[0].path).toBe("metadata");
    });

    it("limits name and key length", async () => {
      const longKey = await api.post("/v1/sessions", { key: "k".repeat(121) });
      const emptyKey = await api.post("/v1/sessions", { key: "" });
      const longDescription = await api.post("/v1/sessions", { description: "d".repeat(4097) });

      expectApiError(longKey, 400, "RobotoInvalidRequestException");
      expect(longKey.body.details[0].path).toBe("key");
      expectApiError(emptyKey, 400, "RobotoInvalidRequestException");
      expect(emptyKey.body.details[0].path).toBe("key");
      expectApiError(longDescription, 400, "RobotoInvalidRequestException");
      expect(longDescription.body.details[0].path).toBe("description");
    });

    it("limits files per request", async () => {
      const session = await createSession(api);
      const atLimit = Array.from({ length: 1000 }, () => ({ file_id: fileId }));
      const overLimit = [...atLimit, { file_id: fileId }];

      const tooManyAdds = await api.post(`/v1/sessions/id/${session.session_id}/files`, {
        files: overLimit,
      });
      const tooManyRemovals = await api.delete(`/v1/sessions/id/${session.session_id}/files`, {
        file_ids: overLimit.map((file) => file.file_id),
      });
      const tooManyAtCreate = await api.post("/v1/sessions", { files: overLimit });
      const emptyAdd = await api.post(`/v1/sessions/id/${session.session_id}/files`, { files: [] });
      const accepted = await api.post(`/v1/sessions/id/${session.session_id}/files`, {
        files: atLimit,
      });

      expectApiError(tooManyAdds, 400, "RobotoInvalidRequestException");
      expect(tooManyAdds.body.details[0].path).toBe("files");
      expect(tooManyAdds.body.error.message).toContain("1000");
      expectApiError(tooManyRemovals, 400, "RobotoInvalidRequestException");
      expect(tooManyRemovals.body.details[0].path).toBe("file_ids");
      expectApiError(tooManyAtCreate, 400, "RobotoInvalidRequestException");
      expect(tooManyAtCreate.body.details[0].path).toBe("files");
      expectApiError(emptyAdd, 400, "RobotoInvalidRequestException");
      expect(emptyAdd.body.details[0].path).toBe("files");
      expect(accepted.status, accepted.text.slice(0, 300)).toBe(200);
      expect(await readAllPages(api, `/v1/sessions/id/${session.session_id}/files`)).toHaveLength(
        1,
      );
    });

    it("limits page size on every listing", async () => {
      const session = await createSession(api);
      const listings = [
        "/v1/sessions",
        `/v1/sessions/id/${session.session_id}/files`,
        `/v1/sessions/id/${session.session_id}/devices`,
        `/v1/devices/org/${api.orgId}`,
        "/v1/datasets",
        `/v1/datasets/${datasetId}/files`,
        `/v1/datasets/${datasetId}/sessions`,
      ];

      for (const listing of listings) {
        for (const limit of ["0", "1001", "-1", "ten", "2.5"]) {
          const response = await api.get(`${listing}?limit=${limit}`);
          expectApiError(response, 400, "RobotoInvalidRequestException");
          expect(response.body.details[0].path, `${listing} limit=${limit}`).toBe("limit");
        }
        const widest = await api.get(`${listing}?limit=1000`);
        expect(widest.status, `${listing} ${widest.text.slice(0, 200)}`).toBe(200);
        expect(widest.body.data).toHaveProperty("next_token");
      }
    });

    it("defaults the page size to 100", async () => {
      const fresh = await startTestApi(dialect);
      try {
        for (let index = 0; index < 101; index++)
          await fresh.post("/v1/datasets", { name: `d${index}` });

        const page = await fresh.get("/v1/datasets");

        expect(page.body.data.items).toHaveLength(100);
        expect(typeof page.body.data.next_token).toBe("string");
      } finally {
        await fresh.close();
      }
    });
  });
});
