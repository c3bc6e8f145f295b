import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "./support/databases.js";
import {
  addFiles,
  createDataset,
  createSession,
  expectApiError,
  readAllPages,
  readBounds,
  registerFile,
  removeFiles,
} from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe.each(TEST_DIALECTS)("file contributions on %s", (dialect) => {
  let api: TestApi;
  let datasetId: string;
  let pathCounter = 0;

  beforeAll(async () => {
    api = await startTestApi(dialect);
    datasetId = await createDataset(api, { name: "contributions" });
  });
  afterAll(async () => {
    await api?.close();
  });

  // Each test registers its own files, so no test reads another's contributions.
  function newFile(window?: [bigint, bigint]): Promise<string> {
    pathCounter += 1;
    return registerFile(api, datasetId, `runs/file-${pathCounter}.mcap`, window);
  }

  // The contributions of a session as [file_id, window min, window max], in listing order.
  async function contributionWindows(sessionId: string) {
    const views = await readAllPages(api, `/v1/sessions/id/${sessionId}/files`);
    return views.map((view) => [view.file_id, view.min_timestamp_ns, view.max_timestamp_ns]);
  }

  async function readEtag(sessionId: string): Promise<string | null> {
    return (await api.get(`/v1/sessions/id/${sessionId}`)).headers.get("etag");
  }

  it("adds a whole file", async () => {
    const file = await newFile([100n, 200n]);
    const session = await createSession(api);

    const added = await addFiles(api, session.session_id, [{ file_id: file }]);

    expect(added.status, added.text).toBe(200);
    expect(added.body.data.session_id).toBe(session.session_id);
    expect(added.body.data.min_timestamp_ns).toBe(100n);
    expect(added.body.data.max_timestamp_ns).toBe(200n);
    expect(await readBounds(api, session.session_id)).toEqual([100n, 200n]);
    expect(await contributionWindows(session.session_id)).toEqual([[file, 100n, 200n]]);
  });

  it("treats an identical contribution as no-op", async () => {
    const file = await newFile([100n, 200n]);
    const session = await createSession(api);
    await addFiles(api, session.session_id, [
      { file_id: file },
      { file_id: file, range_min_timestamp_ns: 120n, range_max_timestamp_ns: 130n },
    ]);
    const etagBefore = await readEtag(session.session_id);
    const modifiedBefore = (await api.get(`/v1/sessions/id/${session.session_id}`)).body.data
      .modified;

    const again = await addFiles(api, session.session_id, [
      { file_id: file, range_min_timestamp_ns: 120n, range_max_timestamp_ns: 130n },
      { file_id: file },
    ]);

    expect(again.status, again.text).toBe(200);
    expect(again.headers.get("etag")).toBe(etagBefore);
    expect(again.body.data.modified).toBe(modifiedBefore);
    expect(await contributionWindows(session.session_id)).toEqual([
      [file, 100n, 200n],
      [file, 120n, 130n],
    ]);
  });

  it("dedupes repeats within one request", async () => {
    const file = await newFile([100n, 200n]);
    const session = await createSession(api);

    const added = await addFiles(api, session.session_id, [
      { file_id: file },
      { file_id: file },
      { file_id: file, range_min_timestamp_ns: null, range_max_timestamp_ns: null },
    ]);

    expect(added.status, added.text).toBe(200);
    expect(await contributionWindows(session.session_id)).toEqual([[file, 100n, 200n]]);
  });

  it("keeps several windows per file", async () => {
    const file = await newFile([100n, 200n]);
    const session = await createSession(api);

    await addFiles(api, session.session_id, [
      { file_id: file, range_min_timestamp_ns: 110n, range_max_timestamp_ns: 120n },
    ]);
    const second = await addFiles(api, session.session_id, [
      { file_id: file, range_min_timestamp_ns: 150n, range_max_timestamp_ns: 160n },
    ]);

    expect(second.body.data.min_timestamp_ns).toBe(110n);
    expect(second.body.data.max_timestamp_ns).toBe(160n);
    const views = await readAllPages(api, `/v1/sessions/id/${session.session_id}/files`);
    expect(views).toHaveLength(2);
    expect(views.map((view) => [view.range_min_timestamp_ns, view.range_max_timestamp_ns])).toEqual(
      [
        [110n, 120n],
        [150n, 160n],
      ],
    );
    expect(
      views.every((view) => view.file_start_time_ns === 100n && view.file_end_time_ns === 200n),
    ).toBe(true);
  });

  it("removes every window of a file", async () => {
    const kept = await newFile([50n, 60n]);
    const removed = await newFile([100n, 200n]);
    const session = await createSession(api);
    await addFiles(api, session.session_id, [
      { file_id: kept },
      { file_id: removed },
      { file_id: removed, range_min_timestamp_ns: 10n, range_max_timestamp_ns: 150n },
      { file_id: removed, range_min_timestamp_ns: 190n, range_max_timestamp_ns: 300n },
    ]);
    expect(await readBounds(api, session.session_id)).toEqual([10n, 300n]);

    const response = await removeFiles(api, session.session_id, [removed]);

    expect(response.status, response.text).toBe(200);
    expect(response.body.data.min_timestamp_ns).toBe(50n);
    expect(response.body.data.max_timestamp_ns).toBe(60n);
    expect(await contributionWindows(session.session_id)).toEqual([[kept, 50n, 60n]]);
  });

  it("clears bounds when nothing remains", async () => {
    const file = await newFile([100n, 200n]);
    const session = await createSession(api, { files: [{ file_id: file }] });

    const response = await removeFiles(api, session.session_id, [file]);

    expect(response.body.data.min_timestamp_ns).toBeNull();
    expect(response.body.data.max_timestamp_ns).toBeNull();
    expect(await contributionWindows(session.session_id)).toEqual([]);
  });

  it("rejects removing an absent file", async () => {
    const present = await newFile([100n, 200n]);
    const absent = await newFile([300n, 400n]);
    const session = await createSession(api, { files: [{ file_id: present }] });
    const etagBefore = await readEtag(session.session_id);

    const response = await removeFiles(api, session.session_id, [present, absent]);

    expectApiError(response, 404, "RobotoNotFoundException");
    expect(response.body.error.message).toContain(absent);
    expect(response.body.error.message).not.toContain(present);
    expect(response.body.details).toEqual([
      { path: "file_ids", reason: "no contribution in this session", value: absent },
    ]);
    expect(await contributionWindows(session.session_id)).toEqual([[present, 100n, 200n]]);
    expect(await readEtag(session.session_id)).toBe(etagBefore);
  });

  it("rejects a range outside the window", async () => {
    const file = await newFile([100n, 200n]);
    const session = await createSession(api, { files: [{ file_id: file }] });

    const after = await addFiles(api, session.session_id, [
      { file_id: file, range_min_timestamp_ns: 201n, range_max_timestamp_ns: 400n },
    ]);
    const before = await addFiles(api, session.session_id, [
      { file_id: file, range_min_timestamp_ns: 0n, range_max_timestamp_ns: 99n },
    ]);

    expectApiError(after, 400, "RobotoInvalidRequestException");
    expect(after.body.details[0].path).toBe("files.0");
    for (const part of [file, "[201, 400]", "[100, 200]"])
      expect(after.body.error.message).toContain(part);
    expectApiError(before, 400, "RobotoInvalidRequestException");
    expect(before.body.error.message).toContain("[0, 99]");
    expect(await contributionWindows(session.session_id)).toEqual([[file, 100n, 200n]]);
    expect(await readBounds(api, session.session_id)).toEqual([100n, 200n]);
  });

  it("applies nothing when one range fails", async () => {
    const good = await newFile([100n, 200n]);
    const bad = await newFile([100n, 200n]);
    const session = await createSession(api);

    const response = await addFiles(api, session.session_id, [
      { file_id: good },
      { file_id: bad, range_min_timestamp_ns: 500n, range_max_timestamp_ns: 600n },
    ]);

    expectApiError(response, 400, "RobotoInvalidRequestException");
    expect(response.body.details.map((detail: { path: string }) => detail.path)).toEqual([
      "files.1",
    ]);
    expect(await contributionWindows(session.session_id)).toEqual([]);
    expect(await readBounds(api, session.session_id)).toEqual([null, null]);
  });

  it("keeps partial overlaps as given", async () => {
    const file = await newFile([100n, 200n]);
    const session = await createSession(api);

    await addFiles(api, session.session_id, [
      { file_id: file, range_min_timestamp_ns: 50n, range_max_timestamp_ns: 150n },
    ]);
    const touching = await addFiles(api, session.session_id, [
      { file_id: file, range_min_timestamp_ns: 200n, range_max_timestamp_ns: 250n },
    ]);

    expect(touching.status, touching.text).toBe(200);
    expect(touching.body.data.min_timestamp_ns).toBe(50n);
    expect(touching.body.data.max_timestamp_ns).toBe(250n);
    expect(await contributionWindows(session.session_id)).toEqual([
      [file, 50n, 150n],
      [file, 200n, 250n],
    ]);
  });

  it("rejects a half-open range", async () => {
    const file = await newFile([100n, 200n]);
    const session = await createSession(api);

    const onlyMin = await addFiles(api, session.session_id, [
      { file_id: file, range_min_timestamp_ns: 120n },
    ]);
    const onlyMax = await addFiles(api, session.session_id, [
      { file_id: file, range_min_timestamp_ns: null, range_max_timestamp_ns: 120n },
    ]);
    const reversed = await addFiles(api, session.session_id, [
      { file_id: file, range_min_timestamp_ns: 150n, range_max_timestamp_ns: 140n },
    ]);

    expectApiError(onlyMin, 400, "RobotoInvalidRequestException");
    expect(onlyMin.body.details[0].path).toBe("files.0.range_max_timestamp_ns");
    expectApiError(onlyMax, 400, "RobotoInvalidRequestException");
    expect(onlyMax.body.details[0].path).toBe("files.0.range_min_timestamp_ns");
    expectApiError(reversed, 400, "RobotoInvalidRequestException");
    expect(reversed.body.details[0].path).toBe("files.0.range_min_timestamp_ns");
    expect(await contributionWindows(session.session_id)).toEqual([]);
  });

  it("rejects an unknown file", async () => {
    const known = await newFile([100n, 200n]);
    const session = await createSession(api);

    const response = await addFiles(api, session.session_id, [
      { file_id: known },
      { file_id: "fl_never_registered" },
    ]);

    expectApiError(response, 404, "RobotoNotFoundException");
    expect(response.body.error.message).toContain("fl_never_registered");
    expect(await contributionWindows(session.session_id)).toEqual([]);
  });

  it("rejects contributions to an unknown session", async () => {
    const file = await newFile([100n, 200n]);

    const added = await addFiles(api, "ss_never_created", [{ file_id: file }]);
    const removed = await removeFiles(api, "ss_never_created", [file]);
    const listed = await api.get("/v1/sessions/id/ss_never_created/files");

    expectApiError(added, 404, "RobotoNotFoundException");
    expect(added.body.error.message).toContain("ss_never_created");
    expectApiError(removed, 404, "RobotoNotFoundException");
    expectApiError(listed, 404, "RobotoNotFoundException");
  });

  it("ignores unknown windows until known", async () => {
    const unknown = await newFile();
    const known = await newFile([100n, 200n]);
    const session = await createSession(api);

    const onlyUnknown = await addFiles(api, session.session_id, [{ file_id: unknown }]);
    expect(onlyUnknown.body.data.min_timestamp_ns).toBeNull();
    expect(onlyUnknown.body.data.max_timestamp_ns).toBeNull();

    const withKnown = await addFiles(api, session.session_id, [{ file_id: known }]);
    expect(withKnown.body.data.min_timestamp_ns).toBe(100n);
    expect(withKnown.body.data.max_timestamp_ns).toBe(200n);

    const [view] = await readAllPages(api, `/v1/sessions/id/${session.session_id}/files`);
    expect(view.file_id).toBe(unknown);
    expect(view.file_start_time_ns).toBeNull();
    expect(view.file_end_time_ns).toBeNull();
    expect(view.min_timestamp_ns).toBeNull();
    expect(view.max_timestamp_ns).toBeNull();
  });

  it("accepts a range on an unknown window", async () => {
    const unknown = await newFile();
    const session = await createSession(api);

    const response = await addFiles(api, session.session_id, [
      { file_id: unknown, range_min_timestamp_ns: 5n, range_max_timestamp_ns: 7n },
    ]);

    expect(response.status, response.text).toBe(200);
    expect(response.body.data.min_timestamp_ns).toBe(5n);
    expect(response.body.data.max_timestamp_ns).toBe(7n);
  });

  it("counts a window once known", async () => {
    const file = await newFile();
    const first = await createSession(api, { files: [{ file_id: file }] });
    const second = await createSession(api, { files: [{ file_id: file }] });
    expect(await readBounds(api, first.session_id)).toEqual([null, null]);
    const etagBefore = await readEtag(first.session_id);

    const updated = await api.put(`/v1/files/id/${file}`, {
      start_time_ns: 1000n,
      end_time_ns: 2000n,
    });

    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.data.start_time_ns).toBe(1000n);
    expect(updated.body.data.end_time_ns).toBe(2000n);
    expect(await readBounds(api, first.session_id)).toEqual([1000n, 2000n]);
    expect(await readBounds(api, second.session_id)).toEqual([1000n, 2000n]);
    expect(await readEtag(first.session_id)).not.toBe(etagBefore);
    expect(await contributionWindows(first.session_id)).toEqual([[file, 1000n, 2000n]]);
  });

  it("recomputes every session on window change", async () => {
    const file = await newFile([100n, 200n]);
    const other = await newFile([150n, 160n]);
    const whole = await createSession(api, { files: [{ file_id: file }, { file_id: other }] });
    const alsoWhole = await createSession(api, { files: [{ file_id: file }] });
    const clipped = await createSession(api, {
      files: [{ file_id: file, range_min_timestamp_ns: 120n, range_max_timestamp_ns: 130n }],
    });

    await api.put(`/v1/files/id/${file}`, { start_time_ns: 500n, end_time_ns: 900n });

    expect(await readBounds(api, whole.session_id)).toEqual([150n, 900n]);
    expect(await readBounds(api, alsoWhole.session_id)).toEqual([500n, 900n]);
    expect(await readBounds(api, clipped.session_id)).toEqual([120n, 130n]);
    const [clippedView] = await readAllPages(api, `/v1/sessions/id/${clipped.session_id}/files`);
    expect(clippedView.file_start_time_ns).toBe(500n);
    expect(clippedView.file_end_time_ns).toBe(900n);
    expect(clippedView.min_timestamp_ns).toBe(120n);
    expect(clippedView.max_timestamp_ns).toBe(130n);
  });

  it("clears a window with null", async () => {
    const file = await newFile([100n, 200n]);
    const other = await newFile([300n, 400n]);
    const session = await createSession(api, { files: [{ file_id: file }, { file_id: other }] });
    const alone = await createSession(api, { files: [{ file_id: file }] });

    const cleared = await api.put(`/v1/files/id/${file}`, {
      start_time_ns: null,
      end_time_ns: null,
    });

    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.body.data.start_time_ns).toBeNull();
    expect(cleared.body.data.end_time_ns).toBeNull();
    expect(await readBounds(api, session.session_id)).toEqual([300n, 400n]);
    expect(await readBounds(api, alone.session_id)).toEqual([null, null]);
    expect(await contributionWindows(alone.session_id)).toEqual([[file, null, null]]);
  });

  it("leaves the window when keys are absent", async () => {
    const file = await newFile([100n, 200n]);
    const session = await createSession(api, { files: [{ file_id: file }] });

    const updated = await api.put(`/v1/files/id/${file}`, {
      metadata_changeset: { put_tags: ["checked"] },
    });

    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.data.tags).toEqual(["checked"]);
    expect(updated.body.data.start_time_ns).toBe(100n);
    expect(updated.body.data.end_time_ns).toBe(200n);
    expect(await readBounds(api, session.session_id)).toEqual([100n, 200n]);
  });

  it("rejects a half window update", async () => {
    const file = await newFile([100n, 200n]);
    const session = await createSession(api, { files: [{ file_id: file }] });

    const onlyStart = await api.put(`/v1/files/id/${file}`, { start_time_ns: 150n });
    const reversed = await api.put(`/v1/files/id/${file}`, {
      start_time_ns: 300n,
      end_time_ns: 250n,
    });
    const halfNull = await api.put(`/v1/files/id/${file}`, {
      start_time_ns: 150n,
      end_time_ns: null,
    });

    for (const response of [onlyStart, reversed, halfNull]) {
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path).toBe("start_time_ns");
    }
    const read = await api.get(`/v1/files/id/${file}`);
    expect(read.body.data.start_time_ns).toBe(100n);
    expect(read.body.data.end_time_ns).toBe(200n);
    expect(await readBounds(api, session.session_id)).toEqual([100n, 200n]);
  });

  it("rejects an offset without recorded window", async () => {
    const file = await newFile([100n, 200n]);

    const response = await api.put(`/v1/files/id/${file}`, { time_offset_ns: 5n });

    expectApiError(response, 400, "RobotoInvalidRequestException");
    expect(response.body.details[0].path).toBe("time_offset_ns");
    expect((await api.get(`/v1/files/id/${file}`)).body.data.time_offset_ns).toBeNull();
  });

  it("rejects updating an unknown file", async () => {
    const response = await api.put("/v1/files/id/fl_never_registered", {
      start_time_ns: 1n,
      end_time_ns: 2n,
    });

    expectApiError(response, 404, "RobotoNotFoundException");
    expect(response.body.error.message).toContain("fl_never_registered");
  });

  it("recomputes bounds on file deletion", async () => {
    const kept = await newFile([100n, 200n]);
    const deleted = await newFile([300n, 400n]);
    const mixed = await createSession(api, {
      files: [
        { file_id: kept },
        { file_id: deleted },
        { file_id: deleted, range_min_timestamp_ns: 10n, range_max_timestamp_ns: 350n },
      ],
    });
    const onlyDeleted = await createSession(api, { files: [{ file_id: deleted }] });
    const etagBefore = await readEtag(mixed.session_id);

    const response = await api.delete(`/v1/files/id/${deleted}`);

    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({ data: null });
    expect(await readBounds(api, mixed.session_id)).toEqual([100n, 200n]);
    expect(await contributionWindows(mixed.session_id)).toEqual([[kept, 100n, 200n]]);
    expect(await readBounds(api, onlyDeleted.session_id)).toEqual([null, null]);
    expect(await contributionWindows(onlyDeleted.session_id)).toEqual([]);
    expect(await readEtag(mixed.session_id)).not.toBe(etagBefore);
    expectApiError(await api.get(`/v1/files/id/${deleted}`), 404, "RobotoNotFoundException");
    expectApiError(await api.delete(`/v1/files/id/${deleted}`), 404, "RobotoNotFoundException");
  });

  it("recomputes bounds on dataset deletion", async () => {
    const doomedDataset = await createDataset(api, { name: "doomed" });
    const first = await registerFile(api, doomedDataset, "a.bag", [10n, 20n]);
    const second = await registerFile(api, doomedDataset, "b.bag", [900n, 1000n]);
    const kept = await newFile([100n, 200n]);
    const session = await createSession(api, {
      files: [{ file_id: first }, { file_id: kept }, { file_id: second }],
    });
    expect(await readBounds(api, session.session_id)).toEqual([10n, 1000n]);

    const response = await api.delete(`/v1/datasets/${doomedDataset}`);

    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({ data: null });
    expect(await readBounds(api, session.session_id)).toEqual([100n, 200n]);
    expect(await contributionWindows(session.session_id)).toEqual([[kept, 100n, 200n]]);
    expectApiError(await api.get(`/v1/files/id/${first}`), 404, "RobotoNotFoundException");
    expectApiError(
      await api.get(`/v1/datasets/${doomedDataset}`),
      404,
      "RobotoDatasetNotFoundException",
    );
  });

  it("keeps contributions after session deletion", async () => {
    const file = await newFile([100n, 200n]);
    const deleted = await createSession(api, { files: [{ file_id: file }] });
    const kept = await createSession(api, { files: [{ file_id: file }] });

    await api.delete(`/v1/sessions/id/${deleted.session_id}`);

    expect((await api.get(`/v1/files/id/${file}`)).status).toBe(200);
    expect(await contributionWindows(kept.session_id)).toEqual([[file, 100n, 200n]]);
  });

  it("lists views in pages", async () => {
    const viewDataset = await createDataset(api, { name: "views" });
    const files = [
      await registerFile(api, viewDataset, "v/0.mcap", [0n, 10n]),
      await registerFile(api, viewDataset, "v/1.mcap", [20n, 30n]),
      await registerFile(api, viewDataset, "v/2.mcap"),
    ];
    const session = await createSession(api);
    await addFiles(api, session.session_id, [{ file_id: files[2] }, { file_id: files[0] }]);
    await addFiles(api, session.session_id, [
      { file_id: files[1], range_min_timestamp_ns: 25n, range_max_timestamp_ns: 40n },
      { file_id: files[0], range_min_timestamp_ns: 1n, range_max_timestamp_ns: 2n },
    ]);
    await addFiles(api, session.session_id, [{ file_id: files[1] }]);

    const first = await api.get(`/v1/sessions/id/${session.session_id}/files?limit=2`);
    const second = await api.get(
      `/v1/sessions/id/${session.session_id}/files?limit=2&page_token=${encodeURIComponent(first.body.data.next_token)}`,
    );
    const third = await api.get(
      `/v1/sessions/id/${session.session_id}/files?limit=2&page_token=${encodeURIComponent(second.body.data.next_token)}`,
    );

    expect(first.body.data.items).toHaveLength(2);
    expect(second.body.data.items).toHaveLength(2);
    expect(third.body.data.items).toHaveLength(1);
    expect(third.body.data.next_token).toBeNull();
    const views = [...first.body.data.items, ...second.body.data.items, ...third.body.data.items];
    expect(
      views.map((view) => [view.file_id, view.range_min_timestamp_ns, view.range_max_timestamp_ns]),
    ).toEqual([
      [files[2], null, null],
      [files[0], null, null],
      [files[1], 25n, 40n],
      [files[0], 1n, 2n],
      [files[1], null, null],
    ]);
    const [view] = views;
    expect(Object.keys(view).sort()).toEqual([
      "created",
      "created_by",
      "dataset_id",
      "device_id",
      "file_end_time_ns",
      "file_id",
      "file_start_time_ns",
      "max_timestamp_ns",
      "min_timestamp_ns",
      "range_max_timestamp_ns",
      "range_min_timestamp_ns",
      "relative_path",
      "session_id",
    ]);
    expect(view.session_id).toBe(session.session_id);
    expect(view.dataset_id).toBe(viewDataset);
    expect(view.relative_path).toBe("v/2.mcap");
    expect(view.device_id).toBeNull();
    expect(view.created).toMatch(RFC3339_UTC);
    expect(view.created_by).toBe(api.userId);
    expect(await readBounds(api, session.session_id)).toEqual([0n, 40n]);
  });
});
