// Two API processes against one PostgreSQL database: requests/s of GET
// /v1/sessions/id/{id} with the load split over both processes, divided by
// the same load aimed at one of them. Used by sessions.bench.mjs.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { startServer } from "./server-process.mjs";

const WRK = "/usr/bin/wrk";
// Two load generators of this many connections each, in both measurements.
const CONNECTIONS_PER_GENERATOR = 25;
const ROUNDS = Number(process.env.BENCH_MULTI_NODE_ROUNDS ?? 3);

/** The load generator on this machine: wrk (a separate C process) when installed, else autocannon. */
export const LOAD_TOOL = existsSync(WRK) ? "wrk" : "autocannon";

/** Runs one load generator against `url` for `seconds`; returns its requests/s. */
export async function generateLoad(
  tool,
  url,
  headers,
  seconds,
  connections = CONNECTIONS_PER_GENERATOR,
) {
  if (tool === "autocannon") {
    const result = await autocannon({
      url,
      connections,
      duration: seconds,
      headers,
    });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(
        `${url}: ${result.non2xx} non-2xx responses and ${result.errors} errors under load`,
      );
    }
    return result.requests.average;
  }

  const args = ["-t1", `-c${connections}`, `-d${seconds}s`];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  args.push(url);
  const output = await new Promise((resolve, reject) => {
    const child = spawn(WRK, args, { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (chunk) => {
      text += chunk;
    });
    child.stderr.on("data", (chunk) => {
      text += chunk;
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`)),
    );
  });
  if (/Non-2xx or 3xx responses|Socket errors/.test(output))
    throw new Error(`${url}: wrk saw failed requests:\n${output}`);
  const match = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!match) throw new Error(`wrk printed no Requests/sec:\n${output}`);
  return Number(match[1]);
}

/** Runs one generator per URL at the same time; returns the total requests/s. */
async function totalThroughput(tool, urls, headers, seconds) {
  const rates = await Promise.all(urls.map((url) => generateLoad(tool, url, headers, seconds)));
  return rates.reduce((sum, rate) => sum + rate, 0);
}

/**
 * Starts two API processes on a fresh PostgreSQL database and measures GET
 * session with two load generators: both aimed at one process, then one at
 * each. Rounds alternate the two, and the ratio is the median over rounds.
 */
export async function measureMultiNode({ adminUrl, adminKey, orgId, seconds }) {
  const name = `sortie_bench_multi_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dirs = [
    mkdtempSync(join(tmpdir(), "sortie-bench-a-")),
    mkdtempSync(join(tmpdir(), "sortie-bench-b-")),
  ];
  const env = (dir) => ({
    SORTIE_DATA_DIR: dir,
    DATABASE_URL: url.toString(),
    SORTIE_ADMIN_API_KEY: adminKey,
    SORTIE_ORG_ID: orgId,
  });

  const servers = [];
  try {
    // The first process migrates and bootstraps; the second finds both done.
    servers.push(await startServer(env(dirs[0])));
    servers.push(await startServer(env(dirs[1])));
    const headers = { authorization: `Bearer ${adminKey}` };
    const created = await fetch(`${servers[0].url}/v1/sessions`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({
        name: "multi-node bench",
        tags: ["bench"],
        metadata: { robot: "r1" },
      }),
    });
    if (!created.ok)
      throw new Error(
        `creating the session failed with ${created.status}: ${await created.text()}`,
      );
    const sessionId = (await created.json()).data.session_id;
    const [one, two] = servers.map((server) => `${server.url}/v1/sessions/id/${sessionId}`);

    const tool = LOAD_TOOL;
    // Warm both processes and the database's caches before measuring.
    await totalThroughput(tool, [one, one], headers, seconds);
    await totalThroughput(tool, [two, two], headers, seconds);

    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const single = await totalThroughput(tool, [one, one], headers, seconds);
      const double = await totalThroughput(tool, [one, two], headers, seconds);
      rounds.push({ single, double, ratio: double / single });
    }
    const ratios = rounds.map((round) => round.ratio).sort((a, b) => a - b);
    return { tool, seconds, rounds, ratio: ratios[Math.floor(ratios.length / 2)] };
  } finally {
    for (const server of servers) await server.stop();
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** Formats the api/multi-node section of bench/RESULTS.md from a measurement. */
export function multiNodeSection(result, machineLine) {
  const rows = result.rounds
    .map(
      (round, i) =>
        `| ${i + 1} | ${round.single.toFixed(0)} | ${round.double.toFixed(0)} | ${round.ratio.toFixed(2)} |`,
    )
    .join("\n");
  return `## Two API processes on one PostgreSQL (apps/api/bench/multi-node.mjs)

Machine: ${machineLine}. Run by \`pnpm bench\` through sessions.bench.mjs.
Both API processes (\`dist/main.js\`, 10 pooled connections each),
PostgreSQL and the load generators share this machine's 2 cores, so the
ratio shows how far a second process helps when the CPU is already shared,
not how the API scales across machines.

Load: ${result.tool}, two generators of ${CONNECTIONS_PER_GENERATOR} connections for ${result.seconds} s each, running
at the same time, on GET /v1/sessions/id/{id}. One process: both generators
aim at process A. Two processes: one generator per process, as a
round-robin load balancer would split the connections, without the
balancer's own cost. Rounds alternate the two setups.

| round | one process, req/s | two processes, req/s | two / one |
| --- | --- | --- | --- |
${rows}

Median ratio, two processes / one: **${result.ratio.toFixed(2)}**.`;
}
