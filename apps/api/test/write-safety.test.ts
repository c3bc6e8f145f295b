import { applyMetadataChangeset, type MetadataChangeset } from "@sortie/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapFirstOrg } from "../src/orgs/bootstrap.js";
import { openPostgresStore } from "../src/store/postgres/open-postgres.js";
import type { Store } from "../src/store/store.js";
import { systemClock } from "../src/util/clock.js";
import { randomIds } from "../src/util/ids.js";
import { createPostgresDatabase, TEST_DIALECTS } from "./support/databases.js";
import { createDataset, createSession, readAllPages, registerFile } from "./support/fixtures.js";
import { etagVersion, type HttpRequest, sendOverHttp } from "./support/over-http.js";
import { startTestApi, type TestApi, type TestResponse } from "./support/test-api.js";

// Writes of each kind fired at one session at once, 280 in all.
const WHOLE = 30;
const CLIPPED = 30;
const REMOVED = 30;
const RACED = 20;
const MOVED = 20;
// Moved files that also get a clipped range added while their window moves.
const MOVED_AND_CLIPPED = 10;
const ADDED_AND_MOVED = 20;
const REPEATS = 10;
const METADATA_UPDATES = 40;
const FIELD_UPDATES = 20;
const COMBINED_UPDATES = 10;

// Windows sit at real Unix-epoch nanoseconds, beyond 2^53.
const BASE = 1_700_000_000_000_000_000n;
const at = (offset: number): bigint => BASE + BigInt(offset);
const window = (start: number, end: number): [bigint, bigint] => [at(start), at(end)];

const wholeWindow = (i: number) => window(1_000 + i, 2_000 + i);
const clippedRange = (i: number) => window(40_000 - i * 100, 60_000 + i * 100);
const removedWindow = (i: number) => window(-1_000_000 - i, 1_000_000 + i);
const racedWindow = (i: number) => window(500 + i, 600 + i);
const movedWindow = (i: number) => window(-50_000 - i * 1_000, 150_000 + i);
const addedAndMovedWindow = (i: number) => window(10_000 + i, 200_000 + i * 1_000);
const OLD_WINDOW = window(3_000, 4_000);
// Lies inside both the old window and every moved window, so it is valid before and after the move.
const MOVED_CLIP = window(3_500, 3_600);
const REPEATED_WINDOW = window(5_000, 5_001);
// The moved files reach lowest and the files added while moving reach highest.
const EXPECTED_BOUNDS = [movedWindow(MOVED - 1)[0], addedAndMovedWindow(ADDED_AND_MOVED - 1)[1]];

const MODES = ["alpha", "beta", "gamma"];
const FIELD_NAMES = ["ws_count", "ws_flag", "ws_mode", "ws_text"];

/** A session update as the test sends it. */
interface UpdateBody {
  name?: string;
  metadata_changeset?: MetadataChangeset;
  custom_fields_changeset?: { set_fields?: Record<string, unknown>; clear_fields?: string[] };
}

/** The parts of a session that updates change. */
interface SessionState {
  name: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  customFields: Record<string, unknown>;
}

/** One write of the mix: the request and what it is about. */
interface Write extends HttpRequest {
  kind: "add" | "remove" | "move" | "update";
  group: string;
  index: number;
}

/** The files of one run, by the role each plays. */
interface Files {
  whole: string[];
  clipped: string[];
  removed: string[];
  raced: string[];
  moved: string[];
  addedAndMoved: string[];
  repeated: string;
}

function metadataUpdate(i: number): UpdateBody {
  const changeset: MetadataChangeset = {
    put_tags: [`tag-${i}`],
    put_fields: { [`writers.w${i}`]: i, last_writer: i },
  };
  // Some writers undo what others did, so the order of writes shows in the result.
  if (i % 4 === 3) changeset.remove_tags = [`tag-${i - 2}`, "base"];
  if (i % 5 === 4) changeset.remove_fields = [`writers.w${i - 3}`, "base"];
  return { metadata_changeset: changeset };
}

function fieldUpdate(j: number): UpdateBody {
  if (j % 3 === 0)
    return { custom_fields_changeset: { set_fields: { ws_count: j, ws_text: `writer-${j}` } } };
  if (j % 3 === 1)
    return {
      custom_fields_changeset: { set_fields: { ws_flag: j % 2 === 0 }, clear_fields: ["ws_text"] },
    };
  return {
    custom_fields_changeset: {
      set_fields: { ws_mode: MODES[j % MODES.length] },
      clear_fields: ["ws_count"],
    },
  };
}

function combinedUpdate(k: number): UpdateBody {
  return {
    name: `name-${k}`,
    metadata_changeset: { put_tags: [`combined-${k}`], put_fields: { last_writer: 100 + k } },
    custom_fields_changeset: {
      set_fields: { ws_text: `combined-${k}`, ws_mode: MODES[(k + 1) % MODES.length] },
    },
  };
}

/** Applies one update to a state, as the API does. */
function applyUpdate(state: SessionState, update: UpdateBody): SessionState {
  const next: SessionState = { ...state, customFields: { ...state.customFields } };
  if ("name" in update) next.name = update.name ?? null;
  if (update.metadata_changeset) {
    const applied = applyMetadataChangeset(
      { tags: state.tags, metadata: state.metadata },
      update.metadata_changeset,
    );
    if (!applied.ok)
      throw new Error(`replayed changeset is invalid: ${JSON.stringify(applied.details)}`);
    next.tags = applied.value.tags;
    next.metadata = applied.value.metadata;
  }
  const fields = update.custom_fields_changeset;
  for (const [name, value] of Object.entries(fields?.set_fields ?? {}))
    next.customFields[name] = value;
  for (const name of fields?.clear_fields ?? []) next.customFields[name] = null;
  return next;
}

// A small seeded generator, so a failing order can be run again with SORTIE_TEST_SEED.
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function compareVersions(a: bigint, b: bigint): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

// Orders the views of one file: whole contributions first, then by range.
function sortViews<T extends { range: (bigint | null)[] }>(views: T[]): T[] {
  return [...views].sort((a, b) =>
    String(a.range[0] ?? "").localeCompare(String(b.range[0] ?? "")),
  );
}

async function waitUntilReady(api: TestApi, fieldId: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await api.get(`/v1/custom-fields/id/${fieldId}`);
    if (response.status === 200 && response.body.data.status === "ready") return;
    if (Date.now() > deadline)
      throw new Error(`custom field ${fieldId} did not become ready: ${response.text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(TEST_DIALECTS)("concurrent mixed writes on %s", (dialect) => {
  let api: TestApi;
  let peer: TestApi | undefined;
  const servers: { url: string; close(): Promise<void> }[] = [];

  beforeAll(async () => {
    api = await startTestApi(dialect);
    servers.push(await api.listen());
    if (dialect === "postgres") {
      // A second API node on the same database, as behind a load balancer.
      peer = await startTestApi(dialect, { sameDatabaseAs: api });
      servers.push(await peer.listen());
    }

    const fields = [
      { field_name: "ws_count", field_type: "number" },
      { field_name: "ws_flag", field_type: "boolean" },
      {
        field_name: "ws_mode",
        field_type: "enum",
        options: { field_type: "enum", enum_values: MODES },
      },
      { field_name: "ws_text", field_type: "string" },
    ];
    for (const field of fields) {
      const created = await api.post("/v1/custom-fields", { entity_type: "session", ...field });
      expect(created.status, created.text).toBe(200);
      await waitUntilReady(api, created.body.data.field_id);
    }
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    await peer?.close();
    await api?.close();
  });

  async function registerFiles(datasetId: string): Promise<Files> {
    const register = async (
      prefix: string,
      count: number,
      fileWindow: (i: number) => [bigint, bigint],
    ) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++)
        ids.push(await registerFile(api, datasetId, `${prefix}/${i}.mcap`, fileWindow(i)));
      return ids;
    };
    return {
      whole: await register("whole", WHOLE, wholeWindow),
      clipped: await register("clipped", CLIPPED, () => window(0, 100_000)),
      removed: await register("removed", REMOVED, removedWindow),
      raced: await register("raced", RACED, racedWindow),
      moved: await register("moved", MOVED, () => OLD_WINDOW),
      addedAndMoved: await register("added-and-moved", ADDED_AND_MOVED, () => OLD_WINDOW),
      repeated: await registerFile(api, datasetId, "repeated.mcap", REPEATED_WINDOW),
    };
  }

  function buildWrites(sessionPath: string, files: Files): Write[] {
    const addWhole = (group: string, fileId: string, index: number): Write => ({
      kind: "add",
      group,
      index,
      method: "POST",
      path: `${sessionPath}/files`,
      body: { files: [{ file_id: fileId }] },
    });
    const remove = (group: string, fileId: string, index: number): Write => ({
      kind: "remove",
      group,
      index,
      method: "DELETE",
      path: `${sessionPath}/files`,
      body: { file_ids: [fileId] },
    });
    const move = (
      group: string,
      fileId: string,
      index: number,
      [start, end]: [bigint, bigint],
    ): Write => ({
      kind: "move",
      group,
      index,
      method: "PUT",
      path: `/v1/files/id/${fileId}`,
      body: { start_time_ns: start, end_time_ns: end },
    });
    const update = (group: string, index: number, body: UpdateBody): Write => ({
      kind: "update",
      group,
      index,
      method: "PUT",
      path: sessionPath,
      body,
    });

    return [
      ...files.whole.map((fileId, i) => addWhole("whole", fileId, i)),
      ...files.clipped.map((fileId, i) => ({
        ...addWhole("clipped", fileId, i),
        body: {
          files: [
            {
              file_id: fileId,
              range_min_timestamp_ns: clippedRange(i)[0],
              range_max_timestamp_ns: clippedRange(i)[1],
            },
          ],
        },
      })),
      ...files.removed.map((fileId, i) => remove("removed", fileId, i)),
      ...files.raced.flatMap((fileId, i) => [
        addWhole("raced", fileId, i),
        remove("raced", fileId, i),
      ]),
      ...files.moved.map((fileId, i) => move("moved", fileId, i, movedWindow(i))),
      ...files.moved.slice(0, MOVED_AND_CLIPPED).map((fileId, i) => ({
        ...addWhole("moved", fileId, i),
        body: {
          files: [
            {
              file_id: fileId,
              range_min_timestamp_ns: MOVED_CLIP[0],
              range_max_timestamp_ns: MOVED_CLIP[1],
            },
          ],
        },
      })),
      ...files.addedAndMoved.flatMap((fileId, i) => [
        addWhole("added-and-moved", fileId, i),
        move("added-and-moved", fileId, i, addedAndMovedWindow(i)),
      ]),
      ...Array.from({ length: REPEATS }, (_, i) => addWhole("repeated", files.repeated, i)),
      ...Array.from({ length: METADATA_UPDATES }, (_, i) =>
        update("metadata", i, metadataUpdate(i)),
      ),
      ...Array.from({ length: FIELD_UPDATES }, (_, j) => update("fields", j, fieldUpdate(j))),
      ...Array.from({ length: COMBINED_UPDATES }, (_, k) =>
        update("combined", k, combinedUpdate(k)),
      ),
    ];
  }

  /**
   * Fires the whole mix at one session at once, spread over the given
   * servers, then checks the session against what the acknowledged writes
   * imply and against a replay of its updates in commit order.
   */
  async function fireMixAndCheck(nodes: { url: string }[]): Promise<void> {
    const seed = Number(process.env.SORTIE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const context = `seed ${seed}, ${nodes.length} node(s)`;
    const datasetId = await createDataset(api, { name: "write safety" });
    const files = await registerFiles(datasetId);
    const initial = await createSession(api, {
      name: "start",
      tags: ["base"],
      metadata: { base: true },
      custom_fields: { ws_text: "initial", ws_count: -1 },
      files: [...files.removed, ...files.moved].map((fileId) => ({ file_id: fileId })),
    });
    const sessionPath = `/v1/sessions/id/${initial.session_id}`;

    const writes = shuffled(buildWrites(sessionPath, files), seed);
    expect(writes.length).toBeGreaterThanOrEqual(200);
    const responses = await Promise.all(
      writes.map((write, i) =>
        sendOverHttp((nodes[i % nodes.length] as { url: string }).url, api.adminKey, write),
      ),
    );
    const outcomes = writes.map((write, i) => ({ write, response: responses[i] as TestResponse }));

    // Every write succeeds, except that a raced removal may find its file not yet added.
    const failed = outcomes
      .filter(
        ({ write, response }) =>
          response.status !== 200 &&
          !(write.group === "raced" && write.kind === "remove" && response.status === 404),
      )
      .map(
        ({ write, response }) =>
          `${write.group} ${write.kind} ${write.index}: ${response.status} ${response.text.slice(0, 200)}`,
      );
    expect(failed, context).toEqual([]);

    const read = await api.get(sessionPath);
    expect(read.status, read.text).toBe(200);
    const session = read.body.data;
    const views = await readAllPages(api, `${sessionPath}/files`, 50);

    // Bounds equal the recomputation from the contributions, and the expected extremes.
    const mins = views.map((view) => view.min_timestamp_ns as bigint);
    const maxes = views.map((view) => view.max_timestamp_ns as bigint);
    const recomputed = [
      mins.reduce((a, b) => (b < a ? b : a)),
      maxes.reduce((a, b) => (b > a ? b : a)),
    ];
    expect([session.min_timestamp_ns, session.max_timestamp_ns], context).toEqual(recomputed);
    expect(recomputed, context).toEqual(EXPECTED_BOUNDS);

    checkContributions(views, files, outcomes, context);
    checkSerialUpdates(initial, session, outcomes, context);
  }

  function checkContributions(
    // biome-ignore lint/suspicious/noExplicitAny: views are read freely in tests.
    views: any[],
    files: Files,
    outcomes: { write: Write; response: TestResponse }[],
    context: string,
  ): void {
    const byFile = new Map<string, { range: (bigint | null)[]; window: bigint[] }[]>();
    for (const view of views) {
      byFile.set(view.file_id, [
        ...(byFile.get(view.file_id) ?? []),
        {
          range: [view.range_min_timestamp_ns, view.range_max_timestamp_ns],
          window: [view.min_timestamp_ns, view.max_timestamp_ns],
        },
      ]);
    }
    const whole = (fileWindow: [bigint, bigint]) => [{ range: [null, null], window: fileWindow }];

    for (const [i, fileId] of files.whole.entries())
      expect(byFile.get(fileId), `whole ${i}, ${context}`).toEqual(whole(wholeWindow(i)));
    for (const [i, fileId] of files.clipped.entries()) {
      expect(byFile.get(fileId), `clipped ${i}, ${context}`).toEqual([
        { range: clippedRange(i), window: clippedRange(i) },
      ]);
    }
    for (const [i, fileId] of files.removed.entries())
      expect(byFile.has(fileId), `removed ${i}, ${context}`).toBe(false);
    for (const [i, fileId] of files.moved.entries()) {
      const clip = i < MOVED_AND_CLIPPED ? [{ range: MOVED_CLIP, window: MOVED_CLIP }] : [];
      const expected = [...whole(movedWindow(i)), ...clip];
      expect(sortViews(byFile.get(fileId) ?? []), `moved ${i}, ${context}`).toEqual(
        sortViews(expected),
      );
    }
    // Whichever of the add and the window change ran first, the contribution carries the new window.
    for (const [i, fileId] of files.addedAndMoved.entries()) {
      expect(byFile.get(fileId), `added and moved ${i}, ${context}`).toEqual(
        whole(addedAndMovedWindow(i)),
      );
    }
    expect(byFile.get(files.repeated), context).toEqual(whole(REPEATED_WINDOW));

    // A raced file stays exactly when its removal ran first and found nothing;
    // a removal that succeeded committed after the add, by the ETag versions.
    let racedPresent = 0;
    for (const [i, fileId] of files.raced.entries()) {
      const add = outcomes.find(
        ({ write }) => write.group === "raced" && write.kind === "add" && write.index === i,
      );
      const remove = outcomes.find(
        ({ write }) => write.group === "raced" && write.kind === "remove" && write.index === i,
      );
      if (!add || !remove) throw new Error(`raced write ${i} is missing from the mix`);
      if (remove.response.status === 404) {
        racedPresent++;
        expect(byFile.get(fileId), `raced ${i}, ${context}`).toEqual(whole(racedWindow(i)));
      } else {
        expect(byFile.has(fileId), `raced ${i}, ${context}`).toBe(false);
        expect(
          etagVersion(remove.response.headers.get("etag")),
          `raced ${i}, ${context}`,
        ).toBeGreaterThan(etagVersion(add.response.headers.get("etag")));
      }
    }

    const expectedCount =
      WHOLE + CLIPPED + MOVED + MOVED_AND_CLIPPED + ADDED_AND_MOVED + 1 + racedPresent;
    expect(views, context).toHaveLength(expectedCount);
  }

  function checkSerialUpdates(
    // biome-ignore lint/suspicious/noExplicitAny: records are read freely in tests.
    initial: any,
    // biome-ignore lint/suspicious/noExplicitAny: records are read freely in tests.
    final: any,
    outcomes: { write: Write; response: TestResponse }[],
    context: string,
  ): void {
    // Each update's ETag names the version it committed: the commit order.
    const updates = outcomes
      .filter(({ write }) => write.kind === "update")
      .map(({ write, response }) => ({
        write,
        response,
        version: etagVersion(response.headers.get("etag")),
      }))
      .sort((a, b) => compareVersions(a.version, b.version));
    expect(updates).toHaveLength(METADATA_UPDATES + FIELD_UPDATES + COMBINED_UPDATES);
    const versions = new Set(updates.map((update) => update.version));
    expect(versions.size, `every update has its own version, ${context}`).toBe(updates.length);

    let state: SessionState = {
      name: initial.name,
      tags: initial.tags,
      metadata: initial.metadata,
      customFields: initial.custom_fields,
    };
    for (const { write, response, version } of updates) {
      state = applyUpdate(state, write.body as UpdateBody);
      // The record a write returns is the state right after it, in this order.
      const returned = response.body.data;
      const label = `${write.group} update ${write.index} at version ${version}, ${context}`;
      expect(returned.name, label).toBe(state.name);
      expect(returned.tags, label).toEqual(state.tags);
      expect(returned.metadata, label).toEqual(state.metadata);
    }

    expect(final.name, context).toBe(state.name);
    expect(final.tags, context).toEqual(state.tags);
    expect(final.metadata, context).toEqual(state.metadata);
    expect(final.custom_fields, context).toEqual(state.customFields);
    expect(Object.keys(final.custom_fields).sort()).toEqual(FIELD_NAMES);

    // The last metadata writer in commit order set `last_writer`, and every
    // tag that no later update removed is there.
    const lastWriter = updates.findLast(({ write }) => write.group !== "fields")?.write as Write;
    expect(final.metadata.last_writer, context).toBe(
      lastWriter.group === "combined" ? 100 + lastWriter.index : lastWriter.index,
    );
    for (const [position, { write }] of updates.entries()) {
      if (write.group !== "metadata") continue;
      const tag = `tag-${write.index}`;
      const removedLater = updates
        .slice(position + 1)
        .some(
          (later) =>
            later.write.group === "metadata" &&
            (metadataUpdate(later.write.index).metadata_changeset?.remove_tags ?? []).includes(tag),
        );
      expect(final.tags.includes(tag), `${tag}, ${context}`).toBe(!removedLater);
    }
  }

  it("loses no concurrent mixed write", async () => {
    await fireMixAndCheck(servers.slice(0, 1));
  }, 60_000);

  it.runIf(dialect === "postgres")(
    "loses no write across nodes",
    async () => {
      expect(servers).toHaveLength(2);
      await fireMixAndCheck(servers);
    },
    60_000,
  );
});

describe("first start of two nodes on postgres", () => {
  it("creates one org from two nodes", async () => {
    const database = await createPostgresDatabase();
    const stores = [await openPostgresStore(database.url), await openPostgresStore(database.url)];
    try {
      for (const store of stores) await store.migrate();

      const results = await Promise.all(
        stores.map((store) =>
          bootstrapFirstOrg(store, systemClock, randomIds, { orgName: "Raced org" }),
        ),
      );

      expect(results.filter((result) => result !== undefined)).toHaveLength(1);
      const orgs = await (stores[0] as Store).db.selectFrom("orgs").select("org_id").execute();
      expect(orgs).toHaveLength(1);
      const keys = await (stores[0] as Store).db.selectFrom("api_keys").select("key_id").execute();
      expect(keys).toHaveLength(1);
    } finally {
      for (const store of stores) await store.close();
      await database.drop();
    }
  });
});
