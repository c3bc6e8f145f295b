import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../src/util/clock.js";
import {
  insertFieldValue,
  insertReadyField,
  search,
  searchIds,
  type TestField,
} from "./search-fixture.js";
import { TEST_DIALECTS } from "./support/databases.js";
import { createDataset, createOrg, createSession, registerFile } from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

const W = 1_776_902_400_000_000_000n;
const SECOND = 1_000_000_000n;
const CREATED_MS = Date.UTC(2026, 4, 1);

type Value = string | number | bigint | boolean | null;

interface Row {
  id: string;
  values: Record<string, Value>;
}

// Each session: name, window in seconds after W, created offset in ms, and custom values.
const SPECS: {
  name: string | null;
  window: [bigint, bigint] | null;
  createdMs: number;
  custom: Record<string, Value>;
}[] = [
  {
    name: "delta",
    window: [0n, 10n],
    createdMs: 1,
    custom: { rank: 3, level: "high", landed: W + 5n, ok: true, pilot: "ada" },
  },
  {
    name: "alpha",
    window: [5n, 6n],
    createdMs: 2,
    custom: { rank: 1.5, level: "low", landed: W + 5n, ok: false },
  },
  { name: null, window: null, createdMs: 3, custom: { rank: 3, pilot: "bo" } },
  {
    name: "charlie",
    window: [100n, 400n],
    createdMs: 3,
    custom: { level: "mid", landed: W - 7n, ok: true },
  },
  { name: "alpha", window: [0n, 1n], createdMs: 4, custom: { rank: -2, level: "high" } },
  { name: "bravo", window: null, createdMs: 5, custom: {} },
  {
    name: null,
    window: [7n, 17n],
    createdMs: 6,
    custom: { rank: 0, level: "low", landed: W, ok: false, pilot: "ada" },
  },
  { name: "echo", window: [5n, 6n], createdMs: 6, custom: { landed: W + 10n, pilot: "cy" } },
];

const SORTS: [string, string][] = [
  ["created", "created"],
  ["modified", "modified"],
  ["name", "name"],
  ["start_time", "start"],
  ["min_timestamp_ns", "start"],
  ["end_time", "end"],
  ["duration", "duration"],
  ["session_id", "id"],
  ["id", "id"],
  ["custom_fields.rank", "rank"],
  ["custom_fields.level", "level"],
  ["custom_fields.landed", "landed"],
  ["custom_fields.ok", "ok"],
  ["custom_fields.pilot", "pilot"],
];

function compare(left: Value, right: Value): number {
  if (typeof left === "boolean" && typeof right === "boolean") return Number(left) - Number(right);
  if ((left as string | number | bigint) < (right as string | number | bigint)) return -1;
  if ((left as string | number | bigint) > (right as string | number | bigint)) return 1;
  return 0;
}

/** Orders rows as documented: by value then id in the direction, sessions without a value last. */
function modelOrder(rows: Row[], key: string, direction: "asc" | "desc"): string[] {
  const sign = direction === "asc" ? 1 : -1;
  const valued = rows.filter((row) => row.values[key] !== null && row.values[key] !== undefined);
  const missing = rows.filter((row) => row.values[key] === null || row.values[key] === undefined);
  valued.sort(
    (a, b) =>
      sign * (compare(a.values[key] as Value, b.values[key] as Value) || compare(a.id, b.id)),
  );
  missing.sort((a, b) => sign * compare(a.id, b.id));
  return [...valued, ...missing].map((row) => row.id);
}

describe.each(TEST_DIALECTS)("search sorting and pages on %s", (dialect) => {
  let api: TestApi;
  let nowMs = CREATED_MS;
  const clock: Clock = { nowMs: () => nowMs };
  const rows: Row[] = [];
  const fields = new Map<string, TestField>();

  beforeAll(async () => {
    api = await startTestApi(dialect, { clock });
    fields.set("rank", await insertReadyField(api, api.orgId, "rank", "number"));
    fields.set(
      "level",
      await insertReadyField(api, api.orgId, "level", "enum", {
        enumValues: ["low", "mid", "high"],
      }),
    );
    fields.set("landed", await insertReadyField(api, api.orgId, "landed", "timestamp"));
    fields.set("ok", await insertReadyField(api, api.orgId, "ok", "boolean"));
    fields.set("pilot", await insertReadyField(api, api.orgId, "pilot", "string"));
    const dataset = await createDataset(api, { name: "sorting" });

    for (const [index, spec] of SPECS.entries()) {
      nowMs = CREATED_MS + spec.createdMs;
      const files = [];
      if (spec.window) {
        const [start, end] = spec.window;
        files.push({
          file_id: await registerFile(api, dataset, `f${index}.mcap`, [
            W + start * SECOND,
            W + end * SECOND,
          ]),
        });
      }
      const record = await createSession(api, { name: spec.name, files });
      const values: Record<string, Value> = {
        id: record.session_id,
        name: spec.name,
        created: BigInt(nowMs) * 1_000_000n,
        modified: BigInt(nowMs) * 1_000_000n,
        start: spec.window ? W + spec.window[0] * SECOND : null,
        end: spec.window ? W + spec.window[1] * SECOND : null,
        duration: spec.window ? (spec.window[1] - spec.window[0]) * SECOND : null,
      };
      for (const [name, value] of Object.entries(spec.custom)) {
        if (value === null) continue;
        await insertFieldValue(
          api,
          api.orgId,
          fields.get(name) as TestField,
          record.session_id,
          value,
        );
        values[name] = value;
      }
      rows.push({ id: record.session_id, values });
    }
  });

  afterAll(async () => {
    await api?.close();
  });

  it("sorts newest first by default", async () => {
    expect(await searchIds(api, {})).toEqual(modelOrder(rows, "created", "desc"));
  });

  it.each(SORTS)("sorts by %s both ways", async (sortBy, key) => {
    for (const direction of ["asc", "desc"] as const) {
      const expected = modelOrder(rows, key, direction);
      const whole = await searchIds(api, {
        sort_by: sortBy,
        sort_direction: direction.toUpperCase(),
      });
      expect(whole, `${sortBy} ${direction}`).toEqual(expected);

      const paged = await searchIds(api, { sort_by: sortBy, sort_direction: direction, limit: 3 });
      expect(paged, `${sortBy} ${direction} in pages of 3`).toEqual(expected);

      const single = await searchIds(api, { sort_by: sortBy, sort_direction: direction, limit: 1 });
      expect(single, `${sortBy} ${direction} in pages of 1`).toEqual(expected);
    }
  });

  it("puts missing values last", async () => {
    for (const direction of ["asc", "desc"]) {
      const found = await searchIds(api, {
        sort_by: "custom_fields.rank",
        sort_direction: direction,
      });
      const missing = rows.filter((row) => row.values.rank === undefined).map((row) => row.id);
      expect(found.slice(-missing.length).sort()).toEqual(missing.sort());
    }
  });

  it("sorts enums by value text", async () => {
    const found = await searchIds(api, { sort_by: "custom_fields.level", sort_direction: "asc" });
    const levels = found.map((id) => rows.find((row) => row.id === id)?.values.level ?? null);
    expect(levels).toEqual(["high", "high", "low", "low", "mid", null, null, null]);
  });

  it("sorts filtered results in pages", async () => {
    const query = "custom_fields.rank >= 0 OR name IS_NULL";
    const expected = modelOrder(
      rows.filter(
        (row) =>
          (row.values.rank !== undefined && (row.values.rank as number) >= 0) ||
          row.values.name === null,
      ),
      "landed",
      "desc",
    );
    expect(
      await searchIds(api, {
        query,
        sort_by: "custom_fields.landed",
        sort_direction: "desc",
        limit: 2,
      }),
    ).toEqual(expected);
  });

  it("keeps pages stable under inserts", async () => {
    const first = await search(api, { sort_by: "name", sort_direction: "asc", limit: 3 });
    expect(first.status, first.text).toBe(200);
    const seen: string[] = first.body.data.items.map(
      (item: { session_id: string }) => item.session_id,
    );

    // Sessions that sort before the cursor, at it, after it and in the null tail.
    nowMs = CREATED_MS + 100;
    const added = [];
    for (const name of ["aaa", "alpha", "zulu", null])
      added.push((await createSession(api, { name })).session_id);

    let token = first.body.data.next_token;
    while (token) {
      const next = await search(api, {
        sort_by: "name",
        sort_direction: "asc",
        limit: 3,
        page_token: token,
      });
      expect(next.status, next.text).toBe(200);
      seen.push(...next.body.data.items.map((item: { session_id: string }) => item.session_id));
      token = next.body.data.next_token;
    }

    expect(new Set(seen).size).toBe(seen.length);
    for (const row of rows) expect(seen).toContain(row.id);
    expect(seen).not.toContain(added[0]);
    expect(seen).toContain(added[2]);
    expect(seen).toContain(added[3]);

    for (const id of added) {
      const deleted = await api.delete(`/v1/sessions/id/${id}`);
      expect(deleted.status, deleted.text).toBe(200);
    }
  });

  describe("page tokens", () => {
    async function tokenFor(body: Record<string, unknown>): Promise<string> {
      const response = await search(api, { ...body, limit: 2 });
      expect(response.status, response.text).toBe(200);
      expect(response.body.data.next_token).toEqual(expect.any(String));
      return response.body.data.next_token;
    }

    it("rejects a token of another sort", async () => {
      const token = await tokenFor({ sort_by: "name", sort_direction: "asc" });
      const response = await search(api, {
        sort_by: "created",
        sort_direction: "asc",
        page_token: token,
        limit: 2,
      });
      expect(response.status).toBe(400);
      expect(response.body.details[0].path).toBe("page_token");
      expect(response.body.details[0].reason).toMatch(/another listing or sort order/);
    });

    it("rejects a token of another direction", async () => {
      const token = await tokenFor({ sort_by: "custom_fields.rank", sort_direction: "asc" });
      const response = await search(api, {
        sort_by: "custom_fields.rank",
        sort_direction: "desc",
        page_token: token,
      });
      expect(response.status).toBe(400);
      expect(response.body.details[0].path).toBe("page_token");
    });

    it("rejects a token of another listing", async () => {
      const listed = await api.get("/v1/sessions?limit=2");
      expect(listed.status).toBe(200);
      const response = await search(api, { page_token: listed.body.data.next_token });
      expect(response.status).toBe(400);
      expect(response.body.details[0].path).toBe("page_token");
    });

    it("rejects a changed token", async () => {
      const token = await tokenFor({});
      const [payload, mac] = token.split(".") as [string, string];
      const flipped = `${payload.slice(0, -2)}${payload.at(-2) === "A" ? "B" : "A"}${payload.at(-1)}.${mac}`;
      for (const bad of [flipped, "garbage", `${payload}.`, `${token}.x`]) {
        const response = await search(api, { page_token: bad });
        expect(response.status, bad).toBe(400);
        expect(response.body.details[0].path).toBe("page_token");
      }
    });

    it("continues with the same query", async () => {
      const token = await tokenFor({ sort_by: "duration", sort_direction: "desc" });
      const response = await search(api, {
        sort_by: "duration",
        sort_direction: "DESC",
        page_token: token,
        limit: 100,
      });
      expect(response.status, response.text).toBe(200);
      const expected = modelOrder(rows, "duration", "desc").slice(2);
      expect(
        response.body.data.items.map((item: { session_id: string }) => item.session_id),
      ).toEqual(expected);
      expect(response.body.data.next_token).toBeNull();
    });

    // Last: a second org makes every later request name its org.
    it("rejects a token of another org", async () => {
      const token = await tokenFor({});
      const otherOrg = await createOrg(api, "other sorting org");
      const response = await search(
        api,
        { page_token: token },
        { headers: { "x-roboto-org-id": otherOrg } },
      );
      expect(response.status).toBe(400);
      expect(response.body.details[0].path).toBe("page_token");
    });
  });
});
