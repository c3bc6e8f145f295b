// Benchmark of the SDK's listing iterator. It seeds 100,000 sessions straight
// into the store of an in-process API served on 127.0.0.1. Then it reads them
// all over the same pages of 1,000 in two ways: with `for await` over
// `client.sessions.list()`, and with a plain loop of fetch, `response.text()`
// and the int64-exact `parseJson`. JSON.parse would round the *_ns values, so
// a loop using it would not be a fair baseline. The result is the
// median SDK time divided by the median plain time; the target is <= 1.2.
// The server runs in the same process, so its time is part of both loops.
// A second measurement replays the recorded pages from memory through a
// `fetch` stand-in, which leaves only the client's own work in both loops.
//
// Run with `pnpm bench` from packages/sdk after `pnpm build`; BENCH_SESSIONS
// and BENCH_ROUNDS shrink the run for a quick check.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import {
  bootstrapFirstOrg,
  createApp,
  loadPageTokenSecret,
  randomIds,
  silentLogger,
  systemClock,
} from "@sortie/api";
import { LocalBlobStore, openSqliteStore } from "@sortie/api/node";
import { parseJson } from "@sortie/domain";
import { machine, writeSection } from "../../../bench/results.mjs";
import { Sortie } from "../dist/index.js";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PAGE_SIZE = 1_000;
const INSERT_BATCH = 1_000;
const TARGET = 1.2;

async function startApi(dir) {
  const store = await openSqliteStore(join(dir, "sortie.sqlite"));
  await store.migrate();
  const bootstrap = await bootstrapFirstOrg(store, systemClock, randomIds, { orgName: "bench" });
  const app = createApp({
    store,
    blobs: new LocalBlobStore(join(dir, "blobs")),
    clock: systemClock,
    ids: randomIds,
    logger: silentLogger,
    config: { pageTokenSecret: await loadPageTokenSecret(store), jsonBodyLimitBytes: 1024 * 1024 },
  });
  const server = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
      resolve(started),
    );
  });
  return { store, server, bootstrap, url: `http://127.0.0.1:${server.address().port}` };
}

// Inserts the sessions in batches inside one transaction; windows lie past 2^53
// so that a lossy parse would show in the checks below.
async function seedSessions(store, orgId, userId) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const base = 1_700_000_000_000_000_001n;
  await store.transaction(async (tx) => {
    for (let start = 0; start < SESSIONS; start += INSERT_BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(SESSIONS, start + INSERT_BATCH); i++) {
        rows.push({
          session_id: `ss_bench_${String(i).padStart(7, "0")}`,
          org_id: orgId,
          key: null,
          name: `flight ${i}`,
          description: null,
          tags: '["bench","night"]',
          metadata: `{"index":${i},"site":"field"}`,
          min_timestamp_ns: base + BigInt(i) * 1_000_000_000n,
          max_timestamp_ns: base + BigInt(i) * 1_000_000_000n + 999n,
          version: 1n,
          created_ns: now + BigInt(i),
          created_by: userId,
          modified_ns: now + BigInt(i),
          modified_by: userId,
        });
      }
      await tx.insertInto("sessions").values(rows).execute();
    }
  });
}

async function iterateWithSdk(client) {
  let count = 0;
  let last;
  for await (const session of client.sessions.list({ limit: PAGE_SIZE })) {
    count++;
    last = session;
  }
  return { count, last };
}

async function iterateWithFetch(url, apiKey, fetch = globalThis.fetch) {
  const headers = { authorization: `Bearer ${apiKey}`, accept: "application/json" };
  let count = 0;
  let last;
  let token = null;
  do {
    const query = token ? `&page_token=${encodeURIComponent(token)}` : "";
    const response = await fetch(`${url}/v1/sessions?limit=${PAGE_SIZE}${query}`, { headers });
    if (!response.ok)
      throw new Error(
        `GET /v1/sessions returned status ${response.status}: ${await response.text()}`,
      );
    const body = parseJson(await response.text());
    count += body.data.items.length;
    last = body.data.items.at(-1) ?? last;
    token = body.data.next_token;
  } while (token);
  return { count, last };
}

// Reads every page once and returns a `fetch` that serves the same URLs from
// memory, keyed by page token.
async function recordPages(url, apiKey) {
  const pages = new Map();
  let token = null;
  do {
    const query = token ? `&page_token=${encodeURIComponent(token)}` : "";
    const response = await fetch(`${url}/v1/sessions?limit=${PAGE_SIZE}${query}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const text = await response.text();
    pages.set(token ?? "", text);
    token = parseJson(text).data.next_token;
  } while (token);

  return async (input) => {
    const text = pages.get(new URL(input).searchParams.get("page_token") ?? "");
    if (text === undefined) throw new Error(`no recorded page for ${input}`);
    return new Response(text, { status: 200, headers: { "content-type": "application/json" } });
  };
}

// Times both loops: one warm-up pass each, then alternating rounds so that
// drift of the machine affects both alike.
async function measure(sdk, plain) {
  check("SDK warm-up", await timed(sdk));
  check("plain warm-up", await timed(plain));
  const sdkMs = [];
  const plainMs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ["sdk", "plain"] : ["plain", "sdk"];
    for (const name of order) {
      const result = await timed(name === "sdk" ? sdk : plain);
      check(name, result);
      (name === "sdk" ? sdkMs : plainMs).push(result.ms);
    }
  }
  return { sdkMs, plainMs, ratio: median(sdkMs) / median(plainMs) };
}

async function timed(run) {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, ...result };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function check(name, result) {
  if (result.count !== SESSIONS)
    throw new Error(`${name} read ${result.count} sessions, expected ${SESSIONS}`);
  if (
    typeof result.last.min_timestamp_ns !== "bigint" ||
    result.last.min_timestamp_ns !== 1_700_000_000_000_000_001n
  ) {
    throw new Error(
      `${name} read the oldest session's min_timestamp_ns as ${result.last.min_timestamp_ns}, expected 1700000000000000001n`,
    );
  }
}

const dir = await mkdtemp(join(tmpdir(), "sortie-sdk-bench-"));
const api = await startApi(dir);
try {
  const seedStarted = performance.now();
  await seedSessions(api.store, api.bootstrap.orgId, api.bootstrap.userId);
  console.log(`seeded ${SESSIONS} sessions in ${Math.round(performance.now() - seedStarted)} ms`);

  const client = new Sortie({
    baseUrl: api.url,
    apiKey: api.bootstrap.apiKey,
    maxRetries: 0,
    logLevel: "warn",
  });
  const served = await measure(
    () => iterateWithSdk(client),
    () => iterateWithFetch(api.url, api.bootstrap.apiKey),
  );

  const replay = await recordPages(api.url, api.bootstrap.apiKey);
  const replayClient = new Sortie({
    baseUrl: api.url,
    apiKey: api.bootstrap.apiKey,
    fetch: replay,
    logLevel: "warn",
  });
  const replayed = await measure(
    () => iterateWithSdk(replayClient),
    () => iterateWithFetch(api.url, api.bootstrap.apiKey, replay),
  );

  const met = served.ratio <= TARGET;
  const format = (values) => values.map((ms) => Math.round(ms)).join(", ");
  const row = (name, values) => `| ${name} | ${Math.round(median(values))} | ${format(values)} |`;
  const summary = (name, result) =>
    `${name}: SDK ${Math.round(median(result.sdkMs))} ms, plain ${Math.round(median(result.plainMs))} ms, ratio ${result.ratio.toFixed(3)}`;
  console.log(summary("served", served));
  console.log(summary("replayed", replayed));
  console.log(`target <= ${TARGET} on the served ratio: ${met ? "met" : "NOT met"}`);

  writeSection(
    "sdk/iterate",
    `## SDK: iterate ${SESSIONS.toLocaleString("en-US")} sessions

Script: \`packages/sdk/bench/iterate.bench.mjs\` (run by \`pnpm bench\`).
Machine: ${machine()}.

Reads every session of an org through \`for await (const s of client.sessions.list({ limit: ${PAGE_SIZE} }))\`
and through a plain loop of \`fetch\`, \`response.text()\` and the int64-exact \`parseJson\` over the
same ${Math.ceil(SESSIONS / PAGE_SIZE)} pages. Medians of ${ROUNDS} alternating rounds after one warm-up each.

- Served: the API runs in the same Node.js process on the SQLite store, so its
  time is part of both loops. The target applies to this measurement.
- Replayed: a \`fetch\` stand-in returns the pages, recorded once, from memory,
  so only the client's own work is timed.

| loop | median (ms) | rounds (ms) |
| --- | ---: | --- |
${row("served, SDK iterator", served.sdkMs)}
${row("served, plain fetch and parse", served.plainMs)}
${row("replayed, SDK iterator", replayed.sdkMs)}
${row("replayed, plain fetch and parse", replayed.plainMs)}

Ratio SDK / plain, served: **${served.ratio.toFixed(3)}** (target <= ${TARGET}): ${met ? "met" : "**not met**"}.
Ratio SDK / plain, replayed: ${replayed.ratio.toFixed(3)}.`,
  );
} finally {
  await new Promise((resolve) => api.server.close(() => resolve()));
  await api.store.close();
  await rm(dir, { recursive: true, force: true });
}
