// Sessions API benchmarks on SQLite and PostgreSQL, reported side by side:
// 1. requests/s of GET /v1/sessions/id/{id} divided by requests/s of /health,
//    same server process, same run, 50 connections (target >= 0.6);
// 2. median latency of adding one file to a session that already holds
//    100,000 contributions divided by the same on an empty session (target <= 1.5).
// Then, on PostgreSQL, requests/s of GET session from two API processes on
// one database divided by the same load on one process (multi-node.mjs).
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { stringifyJson } from "@sortie/domain";
import pg from "pg";
import { machine, writeSection } from "../../../bench/results.mjs";
import { openPostgresStore, openSqliteStore } from "../dist/node.js";
import { generateLoad, LOAD_TOOL, measureMultiNode, multiNodeSection } from "./multi-node.mjs";
import { startServer } from "./server-process.mjs";

const ADMIN_KEY = "sk_benchmark_admin_key_0123456789abcdefghij";
const ORG_ID = "og_bench";
const CONTRIBUTIONS = Number(process.env.BENCH_CONTRIBUTIONS ?? 100_000);
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ADD_SAMPLES = 300;
const PG_ADMIN =
  process.env.SORTIE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

// 50 connections from one load generator, wrk when installed: autocannon runs
// in this process's JavaScript thread and saturates before the server does.
function load(url, path) {
  return generateLoad(
    LOAD_TOOL,
    `${url}${path}`,
    { authorization: `Bearer ${ADMIN_KEY}` },
    LOAD_SECONDS,
    50,
  );
}

async function seed(store, datasetId, sessionFull, sessionEmpty) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const user = (await store.db.selectFrom("users").select("user_id").executeTakeFirstOrThrow())
    .user_id;
  const row = (table) => ({
    created_ns: now,
    created_by: user,
    modified_ns: now,
    modified_by: user,
    ...table,
  });
  await store.db
    .insertInto("datasets")
    .values(
      row({
        dataset_id: datasetId,
        org_id: ORG_ID,
        name: "bench",
        description: null,
        device_id: null,
        tags: "[]",
        metadata: "{}",
      }),
    )
    .execute();
  for (const sessionId of [sessionFull, sessionEmpty]) {
    await store.db
      .insertInto("sessions")
      .values(
        row({
          session_id: sessionId,
          org_id: ORG_ID,
          key: null,
          name: sessionId,
          description: null,
          tags: "[]",
          metadata: "{}",
          min_timestamp_ns: null,
          max_timestamp_ns: null,
          version: 1n,
        }),
      )
      .execute();
  }

  const base = 1_700_000_000_000_000_000n;
  const total = CONTRIBUTIONS + 2 * ADD_SAMPLES;
  for (let start = 0; start < total; start += 2000) {
    const files = [];
    const contributions = [];
    for (let i = start; i < Math.min(total, start + 2000); i++) {
      const begin = base + BigInt(i) * 1_000_000_000n;
      files.push(
        row({
          file_id: `fl_bench_${i}`,
          org_id: ORG_ID,
          dataset_id: datasetId,
          relative_path: `f/${i}.mcap`,
          size: null,
          content_hash: null,
          device_id: null,
          tags: "[]",
          metadata: "{}",
          origination: null,
          blob_key: null,
          ingestion_status: null,
          ingestion_error: null,
          format: null,
          time_base: "unix",
          recorded_start_ns: null,
          recorded_end_ns: null,
          clock_offset_ns: null,
          time_offset_ns: null,
          explicit_start_ns: begin,
          explicit_end_ns: begin + 500_000_000n,
          start_time_ns: begin,
          end_time_ns: begin + 500_000_000n,
        }),
      );
      if (i < CONTRIBUTIONS) {
        contributions.push({
          session_id: sessionFull,
          file_id: `fl_bench_${i}`,
          range_key: "whole",
          range_min_ns: null,
          range_max_ns: null,
          window_min_ns: begin,
          window_max_ns: begin + 500_000_000n,
          created_ns: now,
          created_by: user,
        });
      }
    }
    await store.transaction(async (tx) => {
      for (let i = 0; i < files.length; i += 400)
        await tx
          .insertInto("files")
          .values(files.slice(i, i + 400))
          .execute();
      for (let i = 0; i < contributions.length; i += 500) {
        await tx
          .insertInto("session_files")
          .values(contributions.slice(i, i + 500))
          .execute();
      }
    });
  }
}

async function addFileLatencies(url, sessionId, firstFile) {
  const samples = [];
  for (let i = 0; i < ADD_SAMPLES; i++) {
    const body = stringifyJson({ files: [{ file_id: `fl_bench_${firstFile + i}` }] });
    const started = performance.now();
    const response = await fetch(`${url}/v1/sessions/id/${sessionId}/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body,
    });
    await response.text();
    if (!response.ok) throw new Error(`add file failed with ${response.status}`);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

async function runOn(dialect) {
  const dir = mkdtempSync(join(tmpdir(), "sortie-bench-"));
  let databaseUrl;
  let dropDatabase = async () => {};
  if (dialect === "postgres") {
    const name = `sortie_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(PG_ADMIN);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: PG_ADMIN });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  }

  const env = {
    SORTIE_DATA_DIR: dir,
    SORTIE_ADMIN_API_KEY: ADMIN_KEY,
    SORTIE_ORG_ID: ORG_ID,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  try {
    // First start migrates and bootstraps; the seed then goes straight into the store.
    const first = await startServer(env);
    await first.stop();
    const store = databaseUrl
      ? await openPostgresStore(databaseUrl)
      : await openSqliteStore(join(dir, "sortie.sqlite"));
    const seedStarted = performance.now();
    await seed(store, "ds_bench", "ss_bench_full", "ss_bench_empty");
    await store.close();
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const server = await startServer(env);
    try {
      const health = await load(server.url, "/health");
      const session = await load(server.url, "/v1/sessions/id/ss_bench_empty");
      const full = await addFileLatencies(server.url, "ss_bench_full", CONTRIBUTIONS);
      const empty = await addFileLatencies(
        server.url,
        "ss_bench_empty",
        CONTRIBUTIONS + ADD_SAMPLES,
      );
      return {
        dialect,
        health,
        session,
        readRatio: session / health,
        full,
        empty,
        addRatio: full / empty,
        seedSeconds,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  }
}

const stores = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",");
const loadAtStart = loadavg()[0];
const results = [];
for (const dialect of stores) {
  console.log(`sessions bench on ${dialect} …`);
  results.push(await runOn(dialect));
  console.log(results.at(-1));
}

const verdict = (ok) => (ok ? "met" : "**missed**");
const cell = (dialect, format) => {
  const result = results.find((r) => r.dialect === dialect);
  return result ? format(result) : "not run";
};
const measurements = [
  ["/health, req/s", (r) => r.health.toFixed(0), ""],
  ["GET session, req/s", (r) => r.session.toFixed(0), ""],
  ["read ratio", (r) => `${r.readRatio.toFixed(2)} (${verdict(r.readRatio >= 0.6)})`, "≥ 0.6"],
  ["add to empty session, ms", (r) => r.empty.toFixed(2), ""],
  [`add to ${CONTRIBUTIONS.toLocaleString("en")}, ms`, (r) => r.full.toFixed(2), ""],
  ["add ratio", (r) => `${r.addRatio.toFixed(2)} (${verdict(r.addRatio <= 1.5)})`, "≤ 1.5"],
  ["seeding, s", (r) => r.seedSeconds.toFixed(1), ""],
];
const rows = measurements
  .map(
    ([label, format, target]) =>
      `| ${label} | ${cell("sqlite", format)} | ${cell("postgres", format)} | ${target} |`,
  )
  .join("\n");
writeSection(
  "api/sessions",
  `## Sessions API (apps/api/bench/sessions.bench.mjs)

Machine: ${machine()}; 1-minute load average ${loadAtStart.toFixed(2)} at the start.
The API runs as a child process (\`dist/main.js\`);
${LOAD_TOOL} runs with 50 connections for ${LOAD_SECONDS} s per
route. Add-file latency is the median of ${ADD_SAMPLES} sequential POST
/v1/sessions/id/{id}/files requests, each adding one new file, to a session
holding ${CONTRIBUTIONS.toLocaleString("en")} contributions and to an empty one.
PostgreSQL ${await postgresVersion()} runs on the same machine, so on that store the
API and the database share the 2 cores.

| measurement | SQLite | PostgreSQL | target |
| --- | --- | --- | --- |
${rows}`,
);

if (stores.includes("postgres") && process.env.BENCH_MULTI_NODE !== "0") {
  console.log("multi-node bench on postgres …");
  const multiLoad = loadavg()[0];
  const multi = await measureMultiNode({
    adminUrl: PG_ADMIN,
    adminKey: ADMIN_KEY,
    orgId: ORG_ID,
    seconds: LOAD_SECONDS,
  });
  console.log(multi);
  writeSection(
    "api/multi-node",
    multiNodeSection(
      multi,
      `${machine()}; 1-minute load average ${multiLoad.toFixed(2)} at the start`,
    ),
  );
}

async function postgresVersion() {
  if (!stores.includes("postgres")) return "(not run)";
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    const { rows } = await client.query("SHOW server_version");
    return rows[0].server_version.split(" ")[0];
  } finally {
    await client.end();
  }
}
