import { checkSessionSearch, QuerySessionsRequestSchema, validate } from "@sortie/domain";
import { CompiledQuery, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReadyField } from "../src/custom-fields/entity-values.js";
import { loadSearchableFields } from "../src/search/searchable-fields.js";
import { sessionSearchQueries } from "../src/search/session-search.js";
import { insertReadyField } from "./search-fixture.js";
import { TEST_DIALECTS } from "./support/databases.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

// The plans the stores choose for custom-field filters and sorts, on enough
// rows, with statistics, that a scan of the table would be the cheaper plan
// if no index served.

const SESSIONS = 3000;
const BASE = 1_700_000_000_000_000_000n;

describe.each(TEST_DIALECTS)("search plans on %s", (dialect) => {
  let api: TestApi;
  let fields: Map<string, ReadyField>;

  beforeAll(async () => {
    api = await startTestApi(dialect);
    const speed = await insertReadyField(api, api.orgId, "speed", "number");
    const landed = await insertReadyField(api, api.orgId, "landed", "timestamp");

    const { db } = api.store;
    for (let start = 0; start < SESSIONS; start += 500) {
      const sessions = [];
      const values = [];
      const tags = [];
      for (let i = start; i < start + 500; i++) {
        const id = `ss_plan_${String(i).padStart(6, "0")}`;
        sessions.push({
          session_id: id,
          org_id: api.orgId,
          key: null,
          name: `plan ${i}`,
          description: null,
          tags: "[]",
          metadata: "{}",
          min_timestamp_ns: null,
          max_timestamp_ns: null,
          version: 1n,
          created_ns: BASE + BigInt(i),
          created_by: api.userId,
          modified_ns: BASE,
          modified_by: api.userId,
        });
        const row = {
          org_id: api.orgId,
          entity_type: "session",
          entity_id: id,
          value_boolean: null,
          value_string: null,
        };
        values.push({
          ...row,
          field_id: speed.fieldId,
          value_number: (i * 7919) % 1000,
          value_ns: null,
        });
        values.push({
          ...row,
          field_id: landed.fieldId,
          value_number: null,
          value_ns: BASE + BigInt((i * 104729) % 1000003),
        });
        tags.push({ session_id: id, org_id: api.orgId, tag: `t${i % 10}` });
      }
      await db.insertInto("sessions").values(sessions).execute();
      await db.insertInto("custom_field_values").values(values).execute();
      await db.insertInto("session_tags").values(tags).execute();
    }
    await sql`ANALYZE`.execute(db);
    fields = await loadSearchableFields(db, api.orgId);
  });

  afterAll(async () => {
    await api?.close();
  });

  /** Explains the first query of a search page and returns one line per plan node. */
  async function planOf(body: Record<string, unknown>): Promise<string[]> {
    const parsed = validate(QuerySessionsRequestSchema, body);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.details));
    const checked = checkSessionSearch(parsed.value, fields);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));

    const { db } = api.store;
    const queries = sessionSearchQueries(db, api.orgId, checked.value, {
      dialect,
      customFields: fields,
    });
    const compiled = queries.withValues(null, 101).compile();
    const explain = dialect === "sqlite" ? "EXPLAIN QUERY PLAN " : "EXPLAIN ";
    const result = await db.executeQuery(
      CompiledQuery.raw(explain + compiled.sql, [...compiled.parameters]),
    );
    return result.rows.map((row) =>
      String(
        (row as Record<string, unknown>).detail ?? (row as Record<string, unknown>)["QUERY PLAN"],
      ),
    );
  }

  it("filters on a value index", async () => {
    const plan = await planOf({ query: "custom_fields.speed = 5" });
    expect(plan.join("\n")).toMatch(/custom_field_values_value_number/);
  });

  it("filters ranges through an index", async () => {
    const plan = await planOf({ query: "custom_fields.speed > 500" });
    const valueLines = plan.filter((line) => /cfv|custom_field_values/.test(line));
    expect(valueLines.length, plan.join("\n")).toBeGreaterThan(0);
    for (const line of valueLines) expect(line, plan.join("\n")).not.toMatch(/^SCAN|Seq Scan/);
  });

  it.each(["desc", "asc"])("sorts %s in index order", async (direction) => {
    const plan = await planOf({ sort_by: "custom_fields.landed", sort_direction: direction });
    const text = plan.join("\n");
    if (dialect === "sqlite") {
      expect(text).toMatch(
        /SEARCH sort_value_row USING COVERING INDEX custom_field_values_value_ns/,
      );
      expect(text).not.toMatch(/TEMP B-TREE/);
    } else {
      expect(text).toMatch(/Index (Only )?Scan (Backward )?using custom_field_values_value_ns/);
      expect(text).not.toMatch(/Sort Key/);
    }
  });

  it("filters and sorts without sorting rows", async () => {
    const plan = await planOf({
      query: "custom_fields.speed >= 100 AND custom_fields.speed < 300 AND tags CONTAINS 't3'",
      sort_by: "custom_fields.landed",
      sort_direction: "desc",
    });
    const text = plan.join("\n");
    expect(text).not.toMatch(/Seq Scan on custom_field_values|SCAN (cfv|sort_value_row)/);
    if (dialect === "sqlite") {
      // SQLite reads the sort index in order and probes each filter.
      expect(text).toMatch(
        /SEARCH sort_value_row USING COVERING INDEX custom_field_values_value_ns/,
      );
      expect(text).not.toMatch(/TEMP B-TREE/);
      expect(text).toMatch(/SEARCH cfv EXISTS USING (COVERING )?INDEX/);
    } else {
      // PostgreSQL weighs its statistics: it may read the filter's index and
      // sort the few matches, or read the sort index in order.
      expect(text).toMatch(/custom_field_values_value_(number|ns)/);
    }
  });
});
