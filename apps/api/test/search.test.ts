import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertFieldValue, insertReadyField, search, searchIds } from "./search-fixture.js";
import { TEST_DIALECTS } from "./support/databases.js";
import { createDataset, createOrg, createSession, registerFile } from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

const W = 1_776_902_400_000_000_000n; // 2026-04-23T00:00:00Z
const SECOND = 1_000_000_000n;

describe.each(TEST_DIALECTS)("session search on %s", (dialect) => {
  let api: TestApi;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApi(dialect);
    const dataset = await createDataset(api, { name: "flights" });
    const early = await registerFile(api, dataset, "early.mcap", [W, W + 10n * SECOND]);
    const late = await registerFile(api, dataset, "late.mcap", [
      W + 100n * SECOND,
      W + 200n * SECOND,
    ]);
    const precise = await registerFile(api, dataset, "precise.mcap", [W + 1n, W + 2n]);

    ids.night = (
      await createSession(api, {
        name: "night run",
        tags: ["night", "outdoor"],
        files: [{ file_id: early }],
      })
    ).session_id;
    ids.day = (
      await createSession(api, {
        name: "day run",
        tags: ["day", "outdoor"],
        files: [{ file_id: late }],
      })
    ).session_id;
    ids.indoor = (await createSession(api, { name: "Indoor test", tags: ["indoor"] })).session_id;
    ids.precise = (
      await createSession(api, { name: "precise", tags: ["lab"], files: [{ file_id: precise }] })
    ).session_id;
    ids.wild = (await createSession(api, { name: "50%_done*[1]?", tags: [] })).session_id;
    ids.quote = (await createSession(api, { name: "it's", tags: [] })).session_id;
  });

  afterAll(async () => {
    await api?.close();
  });

  async function names(query: string): Promise<string[]> {
    const found = await searchIds(api, { query });
    return Object.entries(ids)
      .filter(([, id]) => found.includes(id))
      .map(([name]) => name)
      .sort();
  }

  it("combines conditions with AND", async () => {
    expect(await names("tags CONTAINS 'outdoor' AND name BEGINS_WITH 'night'")).toEqual(["night"]);
  });

  it("combines conditions with OR", async () => {
    expect(await names("tags CONTAINS 'indoor' OR tags CONTAINS 'lab'")).toEqual([
      "indoor",
      "precise",
    ]);
  });

  it("binds AND tighter than OR", async () => {
    expect(
      await names("tags CONTAINS 'lab' OR tags CONTAINS 'outdoor' AND name = 'day run'"),
    ).toEqual(["day", "precise"]);
    expect(
      await names("(tags CONTAINS 'lab' OR tags CONTAINS 'outdoor') AND name = 'day run'"),
    ).toEqual(["day"]);
  });

  it("binds NOT tighter than AND", async () => {
    expect(await names("NOT tags CONTAINS 'outdoor' AND tags CONTAINS 'indoor'")).toEqual([
      "indoor",
    ]);
    expect(await names("NOT (tags CONTAINS 'outdoor' AND name = 'night run')")).toEqual([
      "day",
      "indoor",
      "precise",
      "quote",
      "wild",
    ]);
  });

  it("negates comparisons on missing values", async () => {
    // Sessions without bounds fail the comparison, so NOT matches them.
    expect(await names("start_time >= 0")).toEqual(["day", "night", "precise"]);
    expect(await names("NOT start_time >= 0")).toEqual(["indoor", "quote", "wild"]);
    expect(await names("NOT NOT start_time >= 0")).toEqual(["day", "night", "precise"]);
  });

  it("reads keywords in any case", async () => {
    expect(await names("tags contains 'day' oR name begins_with 'precise'")).toEqual([
      "day",
      "precise",
    ]);
    expect(await names("tags Contains 'day' or name Begins_With 'prec'")).toEqual([
      "day",
      "precise",
    ]);
  });

  it("reads doubled quotes in strings", async () => {
    expect(await names("name = 'it''s'")).toEqual(["quote"]);
  });

  it("treats wildcards in values literally", async () => {
    expect(await names("name BEGINS_WITH '50%_'")).toEqual(["wild"]);
    expect(await names("name BEGINS_WITH '5_'")).toEqual([]);
    expect(await names("name BEGINS_WITH '50%_done*['")).toEqual(["wild"]);
    expect(await names("name BEGINS_WITH '50%_done*[1]?'")).toEqual(["wild"]);
    expect(await names("name BEGINS_WITH '50%_done?'")).toEqual([]);
    expect(await names("name CONTAINS '%_d'")).toEqual(["wild"]);
    expect(await names("name CONTAINS '_'")).toEqual(["wild"]);
    expect(await names("name CONTAINS '*'")).toEqual(["wild"]);
  });

  it("matches prefixes case-sensitively", async () => {
    expect(await names("name BEGINS_WITH 'Indoor'")).toEqual(["indoor"]);
    expect(await names("name BEGINS_WITH 'indoor'")).toEqual([]);
    expect(await names("name CONTAINS 'RUN'")).toEqual([]);
  });

  it("compares times as nanoseconds or RFC 3339", async () => {
    const byNs = await names(`start_time >= ${W + 100n * SECOND}`);
    const byText = await names("start_time >= '2026-04-23T00:01:40Z'");
    const byOffset = await names("start_time >= '2026-04-23T02:01:40+02:00'");
    expect(byNs).toEqual(["day"]);
    expect(byText).toEqual(byNs);
    expect(byOffset).toEqual(byNs);
  });

  it("keeps nanosecond values exact", async () => {
    // W + 1 and W + 2 differ only beyond the precision of a float.
    expect(await names(`start_time = ${W + 1n}`)).toEqual(["precise"]);
    expect(await names(`end_time = ${W + 2n}`)).toEqual(["precise"]);
    expect(await names(`start_time > ${W}`)).toEqual(["day", "precise"]);
    expect(await names("start_time = '2026-04-23T00:00:00.000000001Z'")).toEqual(["precise"]);
    expect(
      await searchIds(api, {
        condition: { field: "start_time", comparator: "EQUALS", value: W + 1n },
      }),
    ).toEqual([ids.precise]);
  });

  it("filters on duration in nanoseconds", async () => {
    expect(await names(`duration = ${10n * SECOND}`)).toEqual(["night"]);
    expect(await names(`duration > ${10n * SECOND}`)).toEqual(["day"]);
    expect(await names("duration < 2")).toEqual(["precise"]);
    expect(await names("duration IS_NULL")).toEqual(["indoor", "quote", "wild"]);
  });

  it("keeps duration current after file changes", async () => {
    const dataset = await createDataset(api, { name: "growing" });
    const file = await registerFile(api, dataset, "grow.mcap", [W, W + SECOND]);
    const session = await createSession(api, { name: "growing", files: [{ file_id: file }] });
    expect(await searchIds(api, { query: `duration = ${SECOND} AND name = 'growing'` })).toEqual([
      session.session_id,
    ]);

    const other = await registerFile(api, dataset, "grow2.mcap", [
      W + 5n * SECOND,
      W + 7n * SECOND,
    ]);
    const added = await api.post(`/v1/sessions/id/${session.session_id}/files`, {
      files: [{ file_id: other }],
    });
    expect(added.status, added.text).toBe(200);
    expect(
      await searchIds(api, { query: `duration = ${7n * SECOND} AND name = 'growing'` }),
    ).toEqual([session.session_id]);

    const removed = await api.delete(`/v1/sessions/id/${session.session_id}/files`, {
      file_ids: [file, other],
    });
    expect(removed.status, removed.text).toBe(200);
    expect(await searchIds(api, { query: "duration IS_NULL AND name = 'growing'" })).toEqual([
      session.session_id,
    ]);
  });

  it("finds windows overlapping a range", async () => {
    expect(await names(`OVERLAPS [${W + 5n * SECOND}, ${W + 6n * SECOND}]`)).toEqual(["night"]);
    expect(await names(`OVERLAPS [${W + 10n * SECOND}, ${W + 100n * SECOND}]`)).toEqual([
      "day",
      "night",
    ]);
    expect(await names(`OVERLAPS [${W + 11n * SECOND}, ${W + 99n * SECOND}]`)).toEqual([]);
    expect(
      await names("OVERLAPS ['2026-04-23T00:00:00Z', '2026-04-23T00:00:00.000000001Z']"),
    ).toEqual(["night", "precise"]);
    expect(await names(`NOT OVERLAPS [${W}, ${W + 300n * SECOND}]`)).toEqual([
      "indoor",
      "quote",
      "wild",
    ]);
  });

  it("accepts the overlap filter as a tree", async () => {
    const found = await searchIds(api, {
      condition: { comparator: "OVERLAPS", value: [W + 150n * SECOND, "2026-04-23T01:00:00Z"] },
    });
    expect(found).toEqual([ids.day]);
  });

  it("answers trees like query strings", async () => {
    const query = "(tags CONTAINS 'outdoor' OR name = 'precise') AND NOT name BEGINS_WITH 'day'";
    const tree = {
      operator: "AND",
      conditions: [
        {
          operator: "or",
          conditions: [
            { field: "tags", comparator: "CONTAINS", value: "outdoor" },
            { field: "name", comparator: "EQUALS", value: "precise" },
          ],
        },
        {
          operator: "NOT",
          conditions: [{ field: "name", comparator: "BEGINS_WITH", value: "day" }],
        },
      ],
    };
    const byString = await searchIds(api, { query });
    expect(byString.sort()).toEqual([ids.night, ids.precise].sort());
    expect((await searchIds(api, { condition: tree })).sort()).toEqual(byString.sort());
  });

  it("matches every session without a condition", async () => {
    const everything = await searchIds(api, {});
    expect(everything.length).toBeGreaterThanOrEqual(6);
    expect(await searchIds(api, { query: "  " })).toEqual(everything);
    expect(await searchIds(api, { query: null, condition: null })).toEqual(everything);
  });

  it("returns full session records", async () => {
    const response = await search(api, { query: "name = 'night run'" });
    expect(response.status, response.text).toBe(200);
    expect(response.body.data.next_token).toBeNull();
    const [record] = response.body.data.items;
    expect(record.session_id).toBe(ids.night);
    expect(record.tags).toEqual(["night", "outdoor"]);
    expect(record.min_timestamp_ns).toBe(W);
    expect(record.max_timestamp_ns).toBe(W + 10n * SECOND);
    expect(record.custom_fields).toEqual({});
    expect(Object.keys(record)).not.toContain("sort_value");
    expect(Object.keys(record)).not.toContain("duration_ns");
  });

  it("ignores fields that are not ready", async () => {
    const pending = await insertReadyField(api, api.orgId, "pending", "string", {
      status: "creating",
    });
    await insertFieldValue(api, api.orgId, pending, ids.night as string, "x");
    const response = await search(api, { query: "custom_fields.pending = 'x'" });
    expect(response.status).toBe(400);
    expect(response.body.details[0].reason).toMatch(/'pending' is not a ready custom field/);
  });

  it("searches only the caller's org", async () => {
    const otherOrg = await createOrg(api, "second org");
    const header = { headers: { "x-roboto-org-id": otherOrg } };
    const created = await api.post(
      "/v1/sessions",
      { name: "night run", tags: ["night", "outdoor"] },
      header,
    );
    expect(created.status, created.text).toBe(200);

    const inOther = await searchIds(api, { query: "tags CONTAINS 'night'" }, header);
    expect(inOther).toEqual([created.body.data.session_id]);

    const home = { headers: { "x-roboto-org-id": api.orgId } };
    const inHome = await searchIds(api, { query: "tags CONTAINS 'night'" }, home);
    expect(inHome).toEqual([ids.night]);

    const byId = await searchIds(
      api,
      { query: `session_id = '${created.body.data.session_id}'` },
      home,
    );
    expect(byId).toEqual([]);
  });
});
