// Session search on SQLite with 1,000,000 sessions and three custom fields
// (number, enum, timestamp), generated here. The search is a range on the
// number field AND a tag, sorted by the timestamp field, limit 100. The
// benchmark measures its p50 and p99 latency on the first page and on page
// 51, reached through page tokens. It compares them with a hand-written SQL
// query for the same page on the same database.
//
// Targets: p50 <= 20 ms through the app, and the SQL the app generates for
// the page within 1.3x of the hand-written query. The end-to-end app time
// over the hand-written query is reported too.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseJson, stringifyJson } from "@sortie/domain";
import BetterSqlite3 from "better-sqlite3";
import { machine, writeSection } from "../../../bench/results.mjs";
import { createApp, Store, silentLogger } from "../dist/index.js";
import {
  bootstrapFirstOrg,
  LocalBlobStore,
  loadPageTokenSecret,
  openSqliteStore,
  randomIds,
  systemClock,
} from "../dist/node.js";

const SESSIONS = Number(process.env.BENCH_SEARCH_SESSIONS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_SEARCH_SAMPLES ?? 300);
const WARMUP = 30;
const DEEP_PAGE = 51;
const LIMIT = 100;
const ADMIN_KEY = "sk_benchmark_search_key_0123456789abcdefghij";
const ORG_ID = "og_bench";
const BASE_NS = 1_776_902_400_000_000_000n; // 2026-04-23T00:00:00Z

const FIELDS = {
  speed: { field_id: "cf_bench_speed", type: "number", options: null },
  level: {
    field_id: "cf_bench_level",
    type: "enum",
    options: { field_type: "enum", enum_values: ["low", "mid", "high"] },
  },
  landed: { field_id: "cf_bench_landed", type: "timestamp", options: null },
};

const QUERY = {
  query: "custom_fields.speed >= 200 AND custom_fields.speed < 500 AND tags CONTAINS 'night'",
  sort_by: "custom_fields.landed",
  sort_direction: "desc",
  limit: LIMIT,
};

// The same page written by hand, in the plan that serves it best on SQLite.
// It reads the timestamp index in descending order, and CROSS JOIN fixes
// that order. Each session is probed for the tag and the speed range, and the
// unary plus keeps SQLite from reading the range through the speed index
// once per row. Later pages start after the last row of the previous one.
const handSql = (after) => `
  SELECT s.*, landed.value_ns AS sort_value
  FROM custom_field_values AS landed
  CROSS JOIN sessions AS s
  WHERE landed.field_id = @landed AND landed.value_ns IS NOT NULL
    AND s.session_id = landed.entity_id AND s.org_id = @org
    AND EXISTS (SELECT 1 FROM session_tags AS t WHERE t.session_id = landed.entity_id AND t.tag = 'night')
    AND EXISTS (
      SELECT 1 FROM custom_field_values AS speed
      WHERE speed.field_id = @speed AND speed.entity_id = landed.entity_id
        AND +speed.value_number >= 200 AND +speed.value_number < 500)
    ${after ? "AND (landed.value_ns, landed.entity_id) < (@after_value, @after_id)" : ""}
  ORDER BY landed.value_ns DESC, landed.entity_id DESC
  LIMIT ${LIMIT + 1}`;

/** Writes the sessions, tags and values with SQL inside SQLite, in one transaction. */
function generate(path) {
  const db = new BetterSqlite3(path);
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144");
  const started = performance.now();
  db.transaction(() => {
    // One of five tags for each session, and 'test' on about a third.
    db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < @count - 1)
       INSERT INTO sessions (session_id, org_id, key, name, description, tags, metadata, min_timestamp_ns,
         max_timestamp_ns, duration_ns, version, created_ns, created_by, modified_ns, modified_by)
       SELECT printf('ss_%08d', i), @org, NULL, 'flight ' || i, NULL,
         CASE WHEN abs(random()) % 3 = 0
           THEN json_array(json_extract('["day","night","dusk","dawn","indoor"]', '$[' || (abs(random()) % 5) || ']'), 'test')
           ELSE json_array(json_extract('["day","night","dusk","dawn","indoor"]', '$[' || (abs(random()) % 5) || ']'))
         END,
         '{}', @base + i * 1000000000, @base + i * 1000000000 + 600000000000, 600000000000, 1,
         @base + i * 1000000, 'us_bench', @base + i * 1000000, 'us_bench'
       FROM seq`,
    ).run({ count: SESSIONS, org: ORG_ID, base: BASE_NS });
    db.prepare(
      "INSERT INTO session_tags (session_id, org_id, tag) SELECT s.session_id, s.org_id, j.value FROM sessions AS s, json_each(s.tags) AS j",
    ).run();

    // About 95 % of sessions have a speed, 90 % a level and 97 % a landing time.
    const insertValues = (field, column, expression, keepOneIn) =>
      db
        .prepare(
          `INSERT INTO custom_field_values (field_id, org_id, entity_type, entity_id, ${column})
           SELECT @field, org_id, 'session', session_id, ${expression} FROM sessions WHERE abs(random()) % ${keepOneIn} != 0`,
        )
        .run({ field: field.field_id });
    insertValues(FIELDS.speed, "value_number", "CAST(abs(random()) % 100000 AS REAL) / 100", 20);
    insertValues(
      FIELDS.level,
      "value_string",
      "json_extract('[\"low\",\"mid\",\"high\"]', '$[' || (abs(random()) % 3) || ']')",
      10,
    );
    insertValues(FIELDS.landed, "value_ns", `${BASE_NS} + abs(random()) % 31536000000000000`, 33);
  })();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return seconds;
}

/**
 * Runs one search through a second app whose store records every query the
 * app builds, and returns the page query (the one reading the sort value)
 * compiled to SQL and parameters, exactly as the app sends it.
 */
async function capturePageQuery(appStore, deps, body) {
  const nodes = [];
  const recorder = {
    transformQuery: ({ node }) => {
      nodes.push(node);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  const recording = new Store(appStore.db.withPlugin(recorder), "sqlite");
  await appSearch(createApp({ ...deps, store: recording }), body);
  const executor = appStore.db.getExecutor();
  const compiled = nodes.map((node) => executor.compileQuery(node, { queryId: "bench" }));
  const page = compiled.find((query) => query.sql.includes('"sort_value"'));
  if (!page) throw new Error("the app ran no query that reads a sort value");
  return { sql: page.sql, parameters: [...page.parameters] };
}

function percentile(samples, fraction) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

async function appSearch(app, body) {
  const response = await app.request("/v1/sessions/query", {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: stringifyJson(body),
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`search failed with ${response.status}: ${text.slice(0, 500)}`);
  return parseJson(text).data;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "sortie-search-bench-"));
  const path = join(dir, "sortie.sqlite");
  try {
    const store = await openSqliteStore(path);
    await store.migrate();
    await bootstrapFirstOrg(store, systemClock, randomIds, {
      orgName: "bench",
      adminApiKey: ADMIN_KEY,
      orgId: ORG_ID,
    });
    const now = BigInt(Date.now()) * 1_000_000n;
    for (const [name, field] of Object.entries(FIELDS)) {
      await store.db
        .insertInto("custom_fields")
        .values({
          field_id: field.field_id,
          org_id: ORG_ID,
          entity_type: "session",
          field_name: name,
          field_type: field.type,
          display_name: null,
          description: null,
          options: field.options ? stringifyJson(field.options) : null,
          status: "ready",
          last_error: null,
          attempts: 1,
          created_ns: now,
          created_by: "us_bench",
          modified_ns: now,
          modified_by: "us_bench",
        })
        .execute();
    }
    await store.close();

    console.log(`generating ${SESSIONS.toLocaleString("en")} sessions …`);
    const generateSeconds = generate(path);
    const sizeMiB = statSync(path).size / 2 ** 20;
    console.log(`generated in ${generateSeconds.toFixed(1)} s, ${sizeMiB.toFixed(0)} MiB`);

    const appStore = await openSqliteStore(path);
    const deps = {
      store: appStore,
      blobs: new LocalBlobStore(join(dir, "blobs")),
      clock: systemClock,
      ids: randomIds,
      logger: silentLogger,
      config: {
        pageTokenSecret: await loadPageTokenSecret(appStore),
        jsonBodyLimitBytes: 1024 * 1024,
      },
    };
    const app = createApp(deps);

    const hand = new BetterSqlite3(path, { readonly: true });
    hand.defaultSafeIntegers(true);
    const handFirst = hand.prepare(handSql(false));
    const handAfter = hand.prepare(handSql(true));
    const plan = hand
      .prepare(`EXPLAIN QUERY PLAN ${handSql(true)}`)
      .all({
        speed: FIELDS.speed.field_id,
        landed: FIELDS.landed.field_id,
        org: ORG_ID,
        after_id: "",
        after_value: 0n,
      })
      .map((row) => row.detail);

    // Page 51: walk the pages once through the app to get its token and the
    // last row of page 50, where the hand-written query starts.
    const first = await appSearch(app, QUERY);
    let token = first.next_token;
    let previousPage = first;
    for (let page = 2; page < DEEP_PAGE; page++) {
      if (!token)
        throw new Error(`the query has fewer than ${DEEP_PAGE} pages; generate more sessions`);
      previousPage = await appSearch(app, { ...QUERY, page_token: token });
      token = previousPage.next_token;
    }
    const lastId = previousPage.items.at(-1).session_id;
    const lastValue = hand
      .prepare("SELECT value_ns FROM custom_field_values WHERE field_id = ? AND entity_id = ?")
      .get(FIELDS.landed.field_id, lastId).value_ns;
    const deepToken = token;

    const handParams = (afterId, afterValue) => {
      const params = { speed: FIELDS.speed.field_id, landed: FIELDS.landed.field_id, org: ORG_ID };
      return afterId === null ? params : { ...params, after_id: afterId, after_value: afterValue };
    };
    const handQuery = {
      all: (params) => ("after_id" in params ? handAfter : handFirst).all(params),
    };

    // Both paths must return the same page.
    const deepByApp = await appSearch(app, { ...QUERY, page_token: deepToken });
    const deepByHand = handQuery.all(handParams(lastId, lastValue)).slice(0, LIMIT);
    const sameFirst =
      first.items.map((item) => item.session_id).join() ===
      handQuery
        .all(handParams(null, null))
        .slice(0, LIMIT)
        .map((row) => row.session_id)
        .join();
    const sameDeep =
      deepByApp.items.map((item) => item.session_id).join() ===
      deepByHand.map((row) => row.session_id).join();
    if (!sameFirst || !sameDeep)
      throw new Error("the app and the hand-written query returned different pages");

    const cases = [
      { name: "first page", body: QUERY, params: handParams(null, null) },
      {
        name: `page ${DEEP_PAGE}`,
        body: { ...QUERY, page_token: deepToken },
        params: handParams(lastId, lastValue),
      },
    ];
    const results = [];
    for (const { name, body, params } of cases) {
      // The app's own SQL for this page, run like the hand-written query.
      const captured = await capturePageQuery(appStore, deps, body);
      const appSql = hand.prepare(captured.sql);
      const appSqlIds = appSql
        .all(captured.parameters)
        .slice(0, LIMIT)
        .map((row) => row.session_id)
        .join();
      if (
        appSqlIds !==
        handQuery
          .all(params)
          .slice(0, LIMIT)
          .map((row) => row.session_id)
          .join()
      ) {
        throw new Error(
          `the app's SQL and the hand-written query returned different rows for the ${name}`,
        );
      }

      const samples = { app: [], appSql: [], hand: [] };
      for (let round = 0; round < WARMUP + SAMPLES; round++) {
        let started = performance.now();
        await appSearch(app, body);
        const appMs = performance.now() - started;

        started = performance.now();
        appSql.all(captured.parameters);
        const appSqlMs = performance.now() - started;

        started = performance.now();
        handQuery.all(params);
        const handMs = performance.now() - started;

        if (round >= WARMUP) {
          samples.app.push(appMs);
          samples.appSql.push(appSqlMs);
          samples.hand.push(handMs);
        }
      }
      const result = { name, appSqlText: captured.sql };
      for (const [path, values] of Object.entries(samples)) {
        result[`${path}P50`] = percentile(values, 0.5);
        result[`${path}P99`] = percentile(values, 0.99);
      }
      results.push(result);
      console.log({ ...result, appSqlText: undefined });
    }

    const matches = hand
      .prepare(
        `SELECT count(*) AS n FROM custom_field_values AS speed JOIN session_tags AS t ON t.session_id = speed.entity_id AND t.tag = 'night'
         WHERE speed.field_id = ? AND speed.value_number >= 200 AND speed.value_number < 500`,
      )
      .get(FIELDS.speed.field_id).n;

    hand.close();
    await appStore.close();
    report(results, { generateSeconds, sizeMiB, plan, matches });
  } finally {
    if (!process.env.BENCH_SEARCH_KEEP) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${path}`);
  }
}

function report(results, { generateSeconds, sizeMiB, plan, matches }) {
  const verdict = (ok) => (ok ? "met" : "**missed**");
  const ms = (value) => value.toFixed(2);
  const rows = results
    .map((r) => {
      const sqlRatio = r.appSqlP50 / r.handP50;
      const appRatio = r.appP50 / r.handP50;
      return `| ${r.name} | ${ms(r.appP50)} / ${ms(r.appP99)} | ${ms(r.appSqlP50)} / ${ms(r.appSqlP99)} | ${ms(r.handP50)} / ${ms(r.handP99)} | ${verdict(r.appP50 <= 20)} | ${sqlRatio.toFixed(2)}× (${verdict(sqlRatio <= 1.3)}) | ${appRatio.toFixed(2)}× |`;
    })
    .join("\n");

  writeSection(
    "api/search",
    `## Session search (apps/api/bench/search.bench.mjs)

- Machine: ${machine()}.
- Data: ${SESSIONS.toLocaleString("en")} sessions in one org on SQLite (${sizeMiB.toFixed(0)} MiB, generated with SQL in ${generateSeconds.toFixed(0)} s):
  one of five tags each plus \`test\` on about a third; custom fields \`speed\` (number, about 95 % set),
  \`level\` (enum, 90 %) and \`landed\` (timestamp, 97 %), values drawn at random. No \`ANALYZE\` statistics.
- Query: \`${QUERY.query}\`, sorted by \`${QUERY.sort_by}\` ${QUERY.sort_direction}, limit ${LIMIT}
  (${Number(matches).toLocaleString("en")} sessions match). Page ${DEEP_PAGE} is read with the page token that page 50 returned.
- App: \`POST /v1/sessions/query\` through \`app.request\` in the benchmark's process: authentication,
  parsing and checking the query, the page's SQL, session records with their custom fields, the page
  token and the JSON response.
- App SQL: the SQL and parameters the app sends for the page (recorded from the app), prepared once and
  run on the benchmark's own connection, rows only.
- Hand-written: the SQL below for the same page, prepared once, on the same connection, rows only. All three
  return the same sessions; checked before timing.
- Method: ${SAMPLES} samples of each after ${WARMUP} warm-up rounds, the three alternating within each round.
- Targets: app p50 ≤ 20 ms; the app's SQL within 1.3× of the hand-written query (p50). The last column,
  the whole request over the hand-written SQL, is for reference: it adds the work around the query.

| page | app p50 / p99, ms | app SQL p50 / p99, ms | hand-written p50 / p99, ms | app p50 ≤ 20 ms | app SQL / hand p50 | app / hand p50 |
| --- | --- | --- | --- | --- | --- | --- |
${rows}

Hand-written query and its plan (SQLite \`EXPLAIN QUERY PLAN\`):

\`\`\`sql
${handSql(true).trim()}
\`\`\`

\`\`\`
${plan.join("\n")}
\`\`\``,
  );
}

await main();
