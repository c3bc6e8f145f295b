import { INT64_MAX, INT64_MIN } from "@sortie/domain";
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
} from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

// Far above 2^53, so a `number` would round it (to 1700000060000000000).
const PRECISE = 1700000060000000001n;

describe.each(TEST_DIALECTS)("int64 round trips on %s", (dialect) => {
  let api: TestApi;
  let datasetId: string;
  let pathCounter = 0;

  beforeAll(async () => {
    api = await startTestApi(dialect);
    datasetId = await createDataset(api, { name: "int64" });
  });
  afterAll(async () => {
    await api?.close();
  });

  function nextPath(): string {
    pathCounter += 1;
    return `int64/${pathCounter}.mcap`;
  }

  it("keeps 1700000060000000001 exact", async () => {
    const registered = await api.post(`/v1/datasets/${datasetId}/files`, {
      relative_path: nextPath(),
      start_time_ns: PRECISE,
      end_time_ns: PRECISE + 8n,
    });
    expect(registered.status, registered.text).toBe(200);
    expect(registered.text).toContain('"start_time_ns":1700000060000000001');
    expect(registered.text).toContain('"end_time_ns":1700000060000000009');
    const fileId = registered.body.data.file_id;

    const read = await api.get(`/v1/files/id/${fileId}`);
    expect(read.body.data.start_time_ns).toBe(PRECISE);
    expect(read.text).toContain('"start_time_ns":1700000060000000001');

    const session = await createSession(api);
    const added = await addFiles(api, session.session_id, [
      { file_id: fileId, range_min_timestamp_ns: PRECISE, range_max_timestamp_ns: PRECISE + 2n },
    ]);
    expect(added.status, added.text).toBe(200);
    expect(added.text).toContain('"min_timestamp_ns":1700000060000000001');
    expect(added.text).toContain('"max_timestamp_ns":1700000060000000003');

    const sessionRead = await api.get(`/v1/sessions/id/${session.session_id}`);
    expect(sessionRead.text).toContain('"min_timestamp_ns":1700000060000000001');
    expect(sessionRead.body.data.max_timestamp_ns).toBe(PRECISE + 2n);

    const views = await api.get(`/v1/sessions/id/${session.session_id}/files`);
    for (const fragment of [
      '"range_min_timestamp_ns":1700000060000000001',
      '"range_max_timestamp_ns":1700000060000000003',
      '"file_start_time_ns":1700000060000000001',
      '"file_end_time_ns":1700000060000000009',
    ]) {
      expect(views.text).toContain(fragment);
    }
  });

  it("accepts the request text as sent", async () => {
    const text = `{"relative_path":"${nextPath()}","start_time_ns":1700000060000000001,"end_time_ns":9223372036854775807}`;

    const registered = await api.post(`/v1/datasets/${datasetId}/files`, text);

    expect(registered.status, registered.text).toBe(200);
    expect(registered.text).toContain('"start_time_ns":1700000060000000001,');
    expect(registered.text).toContain('"end_time_ns":9223372036854775807,');
  });

  it("keeps INT64_MIN and INT64_MAX exact", async () => {
    const fileId = await registerFile(api, datasetId, nextPath(), [INT64_MIN, INT64_MAX]);
    const session = await createSession(api, { files: [{ file_id: fileId }] });

    const read = await api.get(`/v1/sessions/id/${session.session_id}`);

    expect(read.body.data.min_timestamp_ns).toBe(INT64_MIN);
    expect(read.body.data.max_timestamp_ns).toBe(INT64_MAX);
    expect(read.text).toContain('"min_timestamp_ns":-9223372036854775808');
    expect(read.text).toContain('"max_timestamp_ns":9223372036854775807');
    const file = await api.get(`/v1/files/id/${fileId}`);
    expect(file.text).toContain('"start_time_ns":-9223372036854775808');
    expect(file.text).toContain('"end_time_ns":9223372036854775807');
  });

  it("keeps single-instant extreme ranges", async () => {
    const fileId = await registerFile(api, datasetId, nextPath(), [INT64_MIN, INT64_MAX]);
    const session = await createSession(api);

    const added = await addFiles(api, session.session_id, [
      { file_id: fileId, range_min_timestamp_ns: INT64_MAX, range_max_timestamp_ns: INT64_MAX },
      { file_id: fileId, range_min_timestamp_ns: INT64_MIN, range_max_timestamp_ns: INT64_MIN },
    ]);

    expect(added.status, added.text).toBe(200);
    expect(added.body.data.min_timestamp_ns).toBe(INT64_MIN);
    expect(added.body.data.max_timestamp_ns).toBe(INT64_MAX);
    const views = await readAllPages(api, `/v1/sessions/id/${session.session_id}/files`);
    expect(views.map((view) => [view.min_timestamp_ns, view.max_timestamp_ns])).toEqual([
      [INT64_MAX, INT64_MAX],
      [INT64_MIN, INT64_MIN],
    ]);
  });

  it("keeps negative values exact", async () => {
    const fileId = await registerFile(api, datasetId, nextPath(), [-PRECISE, -1n]);
    const session = await createSession(api, { files: [{ file_id: fileId }] });

    const clipped = await addFiles(api, session.session_id, [
      {
        file_id: fileId,
        range_min_timestamp_ns: -PRECISE - 5n,
        range_max_timestamp_ns: -PRECISE + 1n,
      },
    ]);

    expect(clipped.status, clipped.text).toBe(200);
    expect(clipped.text).toContain('"min_timestamp_ns":-1700000060000000006');
    expect(clipped.text).toContain('"max_timestamp_ns":-1');
    expect(await readBounds(api, session.session_id)).toEqual([-PRECISE - 5n, -1n]);
  });

  it("orders bounds as integers", async () => {
    const windows: [bigint, bigint][] = [
      [-1n, 1n],
      [INT64_MIN + 1n, -2n],
      [2n, INT64_MAX - 1n],
      [PRECISE - 1n, PRECISE],
      [PRECISE + 1n, PRECISE + 2n],
    ];
    const fileIds: string[] = [];
    for (const window of windows)
      fileIds.push(await registerFile(api, datasetId, nextPath(), window));
    const session = await createSession(api, {
      files: fileIds.slice(3).map((fileId) => ({ file_id: fileId })),
    });

    expect(await readBounds(api, session.session_id)).toEqual([PRECISE - 1n, PRECISE + 2n]);

    await addFiles(
      api,
      session.session_id,
      fileIds.slice(0, 3).map((fileId) => ({ file_id: fileId })),
    );
    expect(await readBounds(api, session.session_id)).toEqual([INT64_MIN + 1n, INT64_MAX - 1n]);

    await api.delete(`/v1/sessions/id/${session.session_id}/files`, {
      file_ids: [fileIds[1], fileIds[2]],
    });
    expect(await readBounds(api, session.session_id)).toEqual([-1n, PRECISE + 2n]);
  });

  it("updates a window to extremes", async () => {
    const fileId = await registerFile(api, datasetId, nextPath(), [1n, 2n]);
    const session = await createSession(api, { files: [{ file_id: fileId }] });

    const updated = await api.put(`/v1/files/id/${fileId}`, {
      start_time_ns: INT64_MIN,
      end_time_ns: PRECISE,
    });

    expect(updated.status, updated.text).toBe(200);
    expect(updated.text).toContain('"start_time_ns":-9223372036854775808');
    expect(updated.text).toContain('"end_time_ns":1700000060000000001');
    expect(await readBounds(api, session.session_id)).toEqual([INT64_MIN, PRECISE]);
  });

  it("rejects values outside int64", async () => {
    const session = await createSession(api);
    const fileId = await registerFile(api, datasetId, nextPath(), [0n, 10n]);
    const cases: [string, string, string, string][] = [
      [
        "POST",
        `/v1/datasets/${datasetId}/files`,
        `{"relative_path":"${nextPath()}","start_time_ns":0,"end_time_ns":9223372036854775808}`,
        "end_time_ns",
      ],
      [
        "POST",
        `/v1/datasets/${datasetId}/files`,
        `{"relative_path":"${nextPath()}","start_time_ns":-9223372036854775809,"end_time_ns":0}`,
        "start_time_ns",
      ],
      [
        "POST",
        `/v1/sessions/id/${session.session_id}/files`,
        `{"files":[{"file_id":"${fileId}","range_min_timestamp_ns":5,"range_max_timestamp_ns":18446744073709551616}]}`,
        "files.0.range_max_timestamp_ns",
      ],
      [
        "PUT",
        `/v1/files/id/${fileId}`,
        '{"start_time_ns":-99999999999999999999,"end_time_ns":0}',
        "start_time_ns",
      ],
      ["PUT", `/v1/files/id/${fileId}`, '{"time_offset_ns":9223372036854775808}', "time_offset_ns"],
    ];

    for (const [method, path, body, expectedPath] of cases) {
      const response = await api.request(method, path, { body });
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(
        response.body.details.map((detail: { path: string }) => detail.path),
        body,
      ).toContain(expectedPath);
      expect(response.body.error.message).toContain("64-bit");
    }
    expect(await readAllPages(api, `/v1/sessions/id/${session.session_id}/files`)).toEqual([]);
    expect((await api.get(`/v1/files/id/${fileId}`)).body.data.start_time_ns).toBe(0n);
  });

  it("rejects non-integer nanoseconds", async () => {
    for (const value of ["1.5", "1e3", '"1700000060000000001"', "true", "[1]", "{}"]) {
      const body = `{"relative_path":"${nextPath()}","start_time_ns":${value},"end_time_ns":1700000060000000001}`;
      const response = await api.post(`/v1/datasets/${datasetId}/files`, body);
      expectApiError(response, 400, "RobotoInvalidRequestException");
      expect(response.body.details[0].path, value).toBe("start_time_ns");
      expect(response.body.error.message).toContain("integer");
    }
  });
});
