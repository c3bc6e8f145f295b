import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "./support/databases.js";
import {
  addFiles,
  createDataset,
  createDevice,
  createSession,
  expectApiError,
  readAllPages,
  readBounds,
  registerFile,
  removeFiles,
} from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe.each(TEST_DIALECTS)("datasets and files on %s", (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("creates and reads a dataset", async () => {
    await createDevice(api, "rig_create");

    const created = await api.post("/v1/datasets", {
      name: "flight 7",
      description: "outdoor test",
      device_id: "rig_create",
      tags: ["outdoor", "outdoor", "px4"],
      metadata: { site: { lat: 47.1 } },
    });

    expect(created.status, created.text).toBe(200);
    const dataset = created.body.data;
    expect(dataset.dataset_id).toMatch(/^ds_/);
    expect(dataset.org_id).toBe(api.orgId);
    expect(dataset.name).toBe("flight 7");
    expect(dataset.description).toBe("outdoor test");
    expect(dataset.device_id).toBe("rig_create");
    expect(dataset.tags).toEqual(["outdoor", "px4"]);
    expect(dataset.metadata).toEqual({ site: { lat: 47.1 } });
    expect(dataset.created).toMatch(RFC3339_UTC);
    expect(dataset.created_by).toBe(api.userId);
    const read = await api.get(`/v1/datasets/${dataset.dataset_id}`);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(dataset);
  });

  it("creates a dataset from an empty body", async () => {
    const created = await api.post("/v1/datasets");

    expect(created.status, created.text).toBe(200);
    expect(created.body.data.name).toBeNull();
    expect(created.body.data.device_id).toBeNull();
    expect(created.body.data.tags).toEqual([]);
    expect(created.body.data.metadata).toEqual({});
  });

  it("rejects a dataset of an unknown device", async () => {
    const response = await api.post("/v1/datasets", { name: "orphan", device_id: "rig_missing" });

    expectApiError(response, 404, "RobotoDeviceNotFoundException");
    expect(response.body.error.message).toContain("rig_missing");
  });

  it("lists datasets in pages", async () => {
    const fresh = await startTestApi(dialect);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await createDataset(fresh, { name: `d${i}` }));

      const first = await fresh.get("/v1/datasets?limit=2");
      const all = await readAllPages(fresh, "/v1/datasets", 2);

      expect(first.body.data.items).toHaveLength(2);
      expect(typeof first.body.data.next_token).toBe("string");
      expect(all.map((item) => item.dataset_id).sort()).toEqual([...ids].sort());
      expect(new Set(all.map((item) => item.dataset_id)).size).toBe(5);
    } finally {
      await fresh.close();
    }
  });

  it("returns 404 for unknown datasets", async () => {
    const responses = [
      await api.get("/v1/datasets/ds_missing"),
      await api.delete("/v1/datasets/ds_missing"),
      await api.get("/v1/datasets/ds_missing/files"),
      await api.post("/v1/datasets/ds_missing/files", { relative_path: "a.mcap" }),
      await api.get("/v1/datasets/ds_missing/sessions"),
      await api.post("/v1/datasets/ds_missing/sessions", { name: "x" }),
    ];

    for (const response of responses) {
      expectApiError(response, 404, "RobotoDatasetNotFoundException");
      expect(response.body.error.message).toContain("ds_missing");
    }
  });

  it("registers a file with a window", async () => {
    await createDevice(api, "rig_register");
    const datasetId = await createDataset(api, { device_id: "rig_register" });

    const registered = await api.post(`/v1/datasets/${datasetId}/files`, {
      relative_path: "flights/run1.mcap",
      size: 12880,
      start_time_ns: 1585866235112411371n,
      end_time_ns: 1585866239643508139n,
      tags: ["talker"],
      metadata: { sha256: "134c57" },
      origination: "s3://bucket/run1.mcap",
    });

    expect(registered.status, registered.text).toBe(200);
    const file = registered.body.data;
    expect(file.file_id).toMatch(/^fl_/);
    expect(file.org_id).toBe(api.orgId);
    expect(file.dataset_id).toBe(datasetId);
    expect(file.relative_path).toBe("flights/run1.mcap");
    expect(file.size).toBe(12880);
    expect(file.device_id).toBe("rig_register");
    expect(file.tags).toEqual(["talker"]);
    expect(file.metadata).toEqual({ sha256: "134c57" });
    expect(file.origination).toBe("s3://bucket/run1.mcap");
    expect(file.time_base).toBe("unix");
    expect(file.ingestion_status).toBeNull();
    expect(file.start_time_ns).toBe(1585866235112411371n);
    expect(file.end_time_ns).toBe(1585866239643508139n);
    expect(file.created).toMatch(RFC3339_UTC);
    const read = await api.get(`/v1/files/id/${file.file_id}`);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(file);
  });

  it("registers a file without a window", async () => {
    const datasetId = await createDataset(api);

    const registered = await api.post(`/v1/datasets/${datasetId}/files`, {
      relative_path: "unknown.bag",
      start_time_ns: null,
      end_time_ns: null,
    });

    expect(registered.status, registered.text).toBe(200);
    expect(registered.body.data.start_time_ns).toBeNull();
    expect(registered.body.data.end_time_ns).toBeNull();
    expect(registered.body.data.time_base).toBeNull();
    expect(registered.body.data.device_id).toBeNull();
    expect(registered.body.data.size).toBeNull();
  });

  it("prefers the file's own device", async () => {
    await createDevice(api, "rig_dataset");
    await createDevice(api, "rig_file");
    const datasetId = await createDataset(api, { device_id: "rig_dataset" });

    const file = await api.post(`/v1/datasets/${datasetId}/files`, {
      relative_path: "own.mcap",
      device_id: "rig_file",
    });
    const unknown = await api.post(`/v1/datasets/${datasetId}/files`, {
      relative_path: "ghost.mcap",
      device_id: "rig_ghost",
    });

    expect(file.body.data.device_id).toBe("rig_file");
    expectApiError(unknown, 404, "RobotoDeviceNotFoundException");
    expect(unknown.body.error.message).toContain("rig_ghost");
  });

  it("returns 409 on a reused path", async () => {
    const datasetId = await createDataset(api);
    const otherDatasetId = await createDataset(api);
    const first = await registerFile(api, datasetId, "same/path.mcap", [1n, 2n]);

    const again = await api.post(`/v1/datasets/${datasetId}/files`, {
      relative_path: "same/path.mcap",
      start_time_ns: 5n,
      end_time_ns: 6n,
    });
    const elsewhere = await api.post(`/v1/datasets/${otherDatasetId}/files`, {
      relative_path: "same/path.mcap",
    });

    expectApiError(again, 409, "RobotoConflictException");
    expect(again.body.error.message).toContain("same/path.mcap");
    expect(again.body.error.message).toContain(first);
    expect(again.body.details[0].path).toBe("relative_path");
    expect(again.body.details[0].existing_file_id).toBe(first);
    expect((await api.get(`/v1/files/id/${first}`)).body.data.start_time_ns).toBe(1n);
    expect(elsewhere.status, elsewhere.text).toBe(200);
  });

  it("rejects a half window", async () => {
    const datasetId = await createDataset(api);

    const onlyStart = await api.post(`/v1/datasets/${datasetId}/files`, {
      relative_path: "half.mcap",
      start_time_ns: 5n,
    });
    const onlyEnd = await api.post(`/v1/datasets/${datasetId}/files`, {
      relative_path: "half.mcap",
      start_time_ns: null,
      end_time_ns: 5n,
    });

    for (const response of [onlyStart, onlyEnd]) {
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path).toBe("start_time_ns");
      expect(response.body.error.message).toContain("start_time_ns and end_time_ns");
    }
    expect(await readAllPages(api, `/v1/datasets/${datasetId}/files`)).toEqual([]);
  });

  it("rejects start after end", async () => {
    const datasetId = await createDataset(api);

    const response = await api.post(`/v1/datasets/${datasetId}/files`, {
      relative_path: "rev.mcap",
      start_time_ns: 10n,
      end_time_ns: 9n,
    });

    expectApiError(response, 400, "RobotoInvalidRequestException");
    expect(response.body.details[0].path).toBe("start_time_ns");
    expect(response.body.error.message).toContain("(10)");
    expect(response.body.error.message).toContain("(9)");
    expect(await readAllPages(api, `/v1/datasets/${datasetId}/files`)).toEqual([]);
  });

  it("accepts a single-instant window", async () => {
    const datasetId = await createDataset(api);

    const response = await api.post(`/v1/datasets/${datasetId}/files`, {
      relative_path: "instant.mcap",
      start_time_ns: 10n,
      end_time_ns: 10n,
    });

    expect(response.status, response.text).toBe(200);
    expect(response.body.data.start_time_ns).toBe(10n);
    expect(response.body.data.end_time_ns).toBe(10n);
  });

  it("rejects bad relative paths", async () => {
    const datasetId = await createDataset(api);
    const badPaths = [
      "",
      "/absolute.mcap",
      "a//b.mcap",
      "a/../b.mcap",
      "./a.mcap",
      "trailing/",
      "back\\slash.mcap",
      "tab\there.mcap",
      "x".repeat(1025),
      7,
      null,
    ];

    for (const relativePath of badPaths) {
      const response = await api.post(`/v1/datasets/${datasetId}/files`, {
        relative_path: relativePath,
      });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path, String(relativePath)).toBe("relative_path");
    }
    const missing = await api.post(`/v1/datasets/${datasetId}/files`, { size: 1 });
    expectApiError(missing, 400, "RobotoInvalidRequestException");
    expect(missing.body.details[0].path).toBe("relative_path");
    expect(await readAllPages(api, `/v1/datasets/${datasetId}/files`)).toEqual([]);
  });

  it("rejects an invalid size", async () => {
    const datasetId = await createDataset(api);

    for (const size of [-1, 1.5, "12"]) {
      const response = await api.post(`/v1/datasets/${datasetId}/files`, {
        relative_path: "sized.mcap",
        size,
      });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path).toBe("size");
    }
  });

  it("lists dataset files in pages", async () => {
    const datasetId = await createDataset(api);
    for (const path of ["c.mcap", "a.mcap", "b/z.bag", "b/a.bag", "d.ulg"])
      await registerFile(api, datasetId, path);

    const first = await api.get(`/v1/datasets/${datasetId}/files?limit=2`);
    const all = await readAllPages(api, `/v1/datasets/${datasetId}/files`, 2);

    expect(
      first.body.data.items.map((file: { relative_path: string }) => file.relative_path),
    ).toEqual(["a.mcap", "b/a.bag"]);
    expect(all.map((file) => file.relative_path)).toEqual([
      "a.mcap",
      "b/a.bag",
      "b/z.bag",
      "c.mcap",
      "d.ulg",
    ]);
    expect(all.every((file) => file.dataset_id === datasetId)).toBe(true);
  });

  it("deletes a dataset with its files", async () => {
    const datasetId = await createDataset(api);
    const file = await registerFile(api, datasetId, "gone.mcap", [1n, 2n]);

    const deleted = await api.delete(`/v1/datasets/${datasetId}`);

    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.body).toEqual({ data: null });
    expectApiError(
      await api.get(`/v1/datasets/${datasetId}`),
      404,
      "RobotoDatasetNotFoundException",
    );
    expectApiError(await api.get(`/v1/files/id/${file}`), 404, "RobotoNotFoundException");
    expectApiError(
      await api.delete(`/v1/datasets/${datasetId}`),
      404,
      "RobotoDatasetNotFoundException",
    );
  });

  it("creates a session from a dataset", async () => {
    await createDevice(api, "rig_ds_session");
    await createDevice(api, "rig_ds_extra");
    const datasetId = await createDataset(api, { device_id: "rig_ds_session" });
    const early = await registerFile(api, datasetId, "early.mcap", [100n, 200n]);
    const late = await registerFile(api, datasetId, "late.mcap", [400n, 500n], {
      device_id: "rig_ds_extra",
    });
    const unknown = await registerFile(api, datasetId, "unknown.mcap");

    const created = await api.post(`/v1/datasets/${datasetId}/sessions`, {
      name: "from dataset",
      description: "all files",
      tags: ["auto"],
      metadata: { source: "dataset" },
      key: `dataset/${datasetId}`,
    });

    expect(created.status, created.text).toBe(200);
    const session = created.body.data;
    expect(session.session_id).toMatch(/^ss_/);
    expect(session.name).toBe("from dataset");
    expect(session.description).toBe("all files");
    expect(session.tags).toEqual(["auto"]);
    expect(session.metadata).toEqual({ source: "dataset" });
    expect(session.key).toBe(`dataset/${datasetId}`);
    expect(session.min_timestamp_ns).toBe(100n);
    expect(session.max_timestamp_ns).toBe(500n);
    expect(created.headers.get("etag")).toBeTruthy();
    expect(await readAllPages(api, `/v1/sessions/id/${session.session_id}/devices`)).toEqual([
      "rig_ds_extra",
      "rig_ds_session",
    ]);
    const views = await readAllPages(api, `/v1/sessions/id/${session.session_id}/files`);
    expect(views.map((view) => view.file_id).sort()).toEqual([early, late, unknown].sort());
    expect(
      views.every(
        (view) => view.range_min_timestamp_ns === null && view.range_max_timestamp_ns === null,
      ),
    ).toBe(true);
    const read = await api.get(`/v1/sessions/key/${encodeURIComponent(`dataset/${datasetId}`)}`);
    expect(read.body.data.session_id).toBe(session.session_id);
  });

  it("returns 409 on a reused dataset key", async () => {
    const datasetId = await createDataset(api);
    const existing = await createSession(api, { key: "dataset-key-taken" });

    const response = await api.post(`/v1/datasets/${datasetId}/sessions`, {
      key: "dataset-key-taken",
    });

    expectApiError(response, 409, "RobotoConflictException");
    expect(response.body.details[0].existing_session_id).toBe(existing.session_id);
  });

  it("creates a session from an empty dataset", async () => {
    const datasetId = await createDataset(api);

    const created = await api.post(`/v1/datasets/${datasetId}/sessions`);

    expect(created.status, created.text).toBe(200);
    expect(created.body.data.min_timestamp_ns).toBeNull();
    expect(created.body.data.max_timestamp_ns).toBeNull();
    expect(
      await readAllPages(api, `/v1/sessions/id/${created.body.data.session_id}/files`),
    ).toEqual([]);
    expect(
      await readAllPages(api, `/v1/sessions/id/${created.body.data.session_id}/devices`),
    ).toEqual([]);
  });

  it("lists sessions of a dataset", async () => {
    const datasetId = await createDataset(api);
    const otherDatasetId = await createDataset(api);
    const file = await registerFile(api, datasetId, "shared.mcap", [10n, 20n]);
    const second = await registerFile(api, datasetId, "second.mcap", [30n, 40n]);
    const foreign = await registerFile(api, otherDatasetId, "foreign.mcap", [10n, 20n]);
    const expected = [
      (await createSession(api, { files: [{ file_id: file }] })).session_id,
      (
        await createSession(api, {
          files: [{ file_id: second, range_min_timestamp_ns: 31n, range_max_timestamp_ns: 32n }],
        })
      ).session_id,
      (
        await createSession(api, {
          files: [{ file_id: foreign }, { file_id: file }, { file_id: second }],
        })
      ).session_id,
      (await api.post(`/v1/datasets/${datasetId}/sessions`)).body.data.session_id,
    ];
    const onlyForeign = (await createSession(api, { files: [{ file_id: foreign }] })).session_id;
    await createSession(api);

    const first = await api.get(`/v1/datasets/${datasetId}/sessions?limit=3`);
    const all = await readAllPages(api, `/v1/datasets/${datasetId}/sessions`, 3);
    const otherListing = await readAllPages(api, `/v1/datasets/${otherDatasetId}/sessions`);

    expect(first.body.data.items).toHaveLength(3);
    expect(typeof first.body.data.next_token).toBe("string");
    expect(all.map((session) => session.session_id).sort()).toEqual([...expected].sort());
    expect(all).toHaveLength(4);
    expect(otherListing.map((session) => session.session_id).sort()).toEqual(
      [expected[2], onlyForeign].sort(),
    );
  });

  it("drops a session without dataset files", async () => {
    const datasetId = await createDataset(api);
    const file = await registerFile(api, datasetId, "leaving.mcap", [10n, 20n]);
    const session = await createSession(api, { files: [{ file_id: file }] });
    expect(
      (await readAllPages(api, `/v1/datasets/${datasetId}/sessions`)).map(
        (item) => item.session_id,
      ),
    ).toEqual([session.session_id]);

    await removeFiles(api, session.session_id, [file]);
    const afterRemoval = await readAllPages(api, `/v1/datasets/${datasetId}/sessions`);
    await addFiles(api, session.session_id, [
      { file_id: file, range_min_timestamp_ns: 12n, range_max_timestamp_ns: 14n },
    ]);
    const afterReadd = await readAllPages(api, `/v1/datasets/${datasetId}/sessions`);

    expect(afterRemoval).toEqual([]);
    expect(afterReadd.map((item) => item.session_id)).toEqual([session.session_id]);
    expect(await readBounds(api, session.session_id)).toEqual([12n, 14n]);
  });
});
