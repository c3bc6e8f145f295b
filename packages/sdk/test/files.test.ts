import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidRequestError, NotFoundError, type Sortie } from "../src/index.js";
import { registerFile, WINDOW } from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

let api: TestApi;
let client: Sortie;
beforeAll(async () => {
  api = await startTestApi();
  client = api.client();
});
afterAll(async () => {
  await api?.close();
});

describe("files resource", () => {
  it("retrieves a file", async () => {
    const file = await registerFile(client);
    const read = await client.files.retrieve(file.file_id);

    expect(read).toEqual(file);
    expect(read.start_time_ns).toBe(WINDOW[0]);
  });

  it("new window recomputes session bounds", async () => {
    const file = await registerFile(client);
    const session = await client.sessions.create({ files: [{ file_id: file.file_id }] });

    const updated = await client.files.update(file.file_id, {
      start_time_ns: WINDOW[0] - 1_000n,
      end_time_ns: WINDOW[1] + 1_000n,
      metadata_changeset: { put_tags: ["shifted"] },
    });
    await session.refresh();

    expect(updated.start_time_ns).toBe(WINDOW[0] - 1_000n);
    expect(updated.tags).toEqual(["shifted"]);
    expect(session.min_timestamp_ns).toBe(WINDOW[0] - 1_000n);
    expect(session.max_timestamp_ns).toBe(WINDOW[1] + 1_000n);
  });

  it("offset without recorded window fails", async () => {
    const file = await registerFile(client);
    const error = await client.files
      .update(file.file_id, { time_offset_ns: 5n })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).details[0]?.path).toBe("time_offset_ns");
  });

  it("delete empties session bounds", async () => {
    const file = await registerFile(client);
    const session = await client.sessions.create({ files: [{ file_id: file.file_id }] });

    await client.files.delete(file.file_id);
    await session.refresh();

    expect(session.min_timestamp_ns).toBeNull();
    const error = await client.files.retrieve(file.file_id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
  });
});
