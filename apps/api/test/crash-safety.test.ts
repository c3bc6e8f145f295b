import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createPostgresDatabase,
  TEST_DIALECTS,
  type TemporaryDatabase,
} from "./support/databases.js";
import { type HttpRequest, sendOverHttp } from "./support/over-http.js";
import type { TestResponse } from "./support/test-api.js";

const API_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
// A private build of the same entry as dist/main.js: rebuilding dist/ itself
// would empty it under other packages' tests and benchmarks that import it.
const BUILD_DIR = join(API_ROOT, "node_modules/.cache/sortie-crash-test");
const ADMIN_KEY = "sk_crash_test_admin_key_0123456789abcdefghij";
const ORG_ID = "og_crash";

const WRITERS = 4;
const FILES_PER_WRITER = 12;
const MAX_WRITES_PER_WRITER = 400;
const KILL_AFTER_MS = { min: 150, max: 600 };
// The kill waits for this many acknowledged writes, up to MAX_STREAM_MS, so a slow machine still tests something.
const MIN_ACKNOWLEDGED = 10;
const MAX_STREAM_MS = 10_000;
const BASE = 1_700_000_000_000_000_000n;

/** A contribution as the model keeps it: the file and its clipped range, `null` for the whole file. */
interface Contribution {
  fileId: string;
  range: [bigint, bigint] | null;
}

/** What the acknowledged writes of one writer imply, and the one write still in flight. */
interface WriterModel {
  files: Map<string, [bigint, bigint]>;
  sessions: Map<string, Map<string, Contribution>>;
  pending: Pending | undefined;
}

/** A write sent but not acknowledged: its request and what it does to the model if it committed. */
interface Pending {
  label: string;
  request: HttpRequest;
  idempotencyKey: string;
  apply(model: WriterModel, response: TestResponse | undefined): void;
}

/** The running API child process. */
interface ApiProcess {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

const contributionKey = (contribution: Contribution) =>
  `${contribution.fileId}:${contribution.range ? `${contribution.range[0]}-${contribution.range[1]}` : "whole"}`;

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

let built = false;

// Builds the API once per test file, from the current sources.
function buildOnce(): void {
  if (built) return;
  execFileSync(
    "pnpm",
    ["exec", "tsdown", "--out-dir", BUILD_DIR, "--no-dts", "--logLevel", "warn"],
    {
      cwd: API_ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      timeout: 120_000,
    },
  );
  built = true;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function startApi(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  const { DATABASE_URL: _inherited, ...parentEnv } = process.env;
  const child = spawn(process.execPath, [join(BUILD_DIR, "main.js")], {
    env: { ...parentEnv, ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString();
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const healthy = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return { child, url, stderr: () => stderr };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the API did not start on ${url}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function killApi(api: ApiProcess): Promise<void> {
  if (api.child.exitCode !== null || api.child.signalCode !== null) return;
  const exited = new Promise((resolve) => api.child.once("exit", resolve));
  api.child.kill("SIGKILL");
  await exited;
}

describe.each(TEST_DIALECTS)("crash safety on %s", (dialect) => {
  let dataDir: string;
  let database: TemporaryDatabase | undefined;
  const running: ApiProcess[] = [];

  beforeAll(buildOnce, 130_000);

  afterEach(async () => {
    // Only the processes this test started, by their handles.
    for (const api of running.splice(0)) await killApi(api);
    await database?.drop();
    database = undefined;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>): Promise<ApiProcess> {
    const api = await startApi(env);
    running.push(api);
    return api;
  }

  async function call(api: ApiProcess, request: HttpRequest): Promise<TestResponse> {
    const response = await sendOverHttp(api.url, ADMIN_KEY, request);
    expect(
      response.status,
      `${request.method} ${request.path}: ${response.text.slice(0, 300)}`,
    ).toBe(200);
    return response;
  }

  it("keeps every acknowledged write", async () => {
    const seed = Number(process.env.SORTIE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const random = seededRandom(seed);
    const context = `seed ${seed}`;

    dataDir = await mkdtemp(join(tmpdir(), "sortie-crash-"));
    database = dialect === "postgres" ? await createPostgresDatabase() : undefined;
    const env: Record<string, string> = {
      SORTIE_DATA_DIR: dataDir,
      SORTIE_ADMIN_API_KEY: ADMIN_KEY,
      SORTIE_ORG_ID: ORG_ID,
    };
    if (database) env.DATABASE_URL = database.url;

    const first = await start(env);
    const dataset = await call(first, {
      method: "POST",
      path: "/v1/datasets",
      body: { name: "crash" },
    });
    const datasetId = dataset.body.data.dataset_id;
    const models: WriterModel[] = [];
    for (let w = 0; w < WRITERS; w++) {
      const model: WriterModel = { files: new Map(), sessions: new Map(), pending: undefined };
      for (let f = 0; f < FILES_PER_WRITER; f++) {
        const start = BASE + BigInt((w * FILES_PER_WRITER + f) * 1_000_000);
        const fileWindow: [bigint, bigint] = [start, start + 500_000n];
        const file = await call(first, {
          method: "POST",
          path: `/v1/datasets/${datasetId}/files`,
          body: {
            relative_path: `w${w}/f${f}.mcap`,
            start_time_ns: fileWindow[0],
            end_time_ns: fileWindow[1],
          },
        });
        model.files.set(file.body.data.file_id, fileWindow);
      }
      models.push(model);
    }

    // Writers stream acknowledged writes until the process dies under them.
    let acknowledged = 0;
    const unexpected: string[] = [];
    let writeCounter = 0;
    const runWriter = async (w: number, model: WriterModel) => {
      for (let n = 0; n < MAX_WRITES_PER_WRITER; n++) {
        const pending = nextWrite(model, random, `w${w}-${n}`, `crash-${seed}-${++writeCounter}`);
        model.pending = pending;
        let response: TestResponse;
        try {
          response = await sendOverHttp(first.url, ADMIN_KEY, {
            ...pending.request,
            headers: { "idempotency-key": pending.idempotencyKey },
          });
        } catch {
          return; // the process died: this write stays pending
        }
        if (response.status !== 200) {
          unexpected.push(`${pending.label}: ${response.status} ${response.text.slice(0, 200)}`);
          return;
        }
        pending.apply(model, response);
        model.pending = undefined;
        acknowledged++;
      }
    };
    const killAfterMs =
      KILL_AFTER_MS.min + Math.floor(random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
    const streamStarted = Date.now();
    const writers = models.map((model, w) => runWriter(w, model));
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    while (
      acknowledged < MIN_ACKNOWLEDGED &&
      unexpected.length === 0 &&
      Date.now() - streamStarted < MAX_STREAM_MS
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await killApi(first);
    await Promise.all(writers);

    expect(unexpected, context).toEqual([]);
    expect(
      acknowledged,
      `acknowledged writes before the kill at ${killAfterMs} ms, ${context}`,
    ).toBeGreaterThanOrEqual(MIN_ACKNOWLEDGED);

    const second = await start(env);
    await retryPending(second, models, context);
    await checkAgainstModels(second, models, context);
  }, 60_000);

  // A retry with the key of a write cut off by the kill must never apply it a second time.
  async function retryPending(
    api: ApiProcess,
    models: WriterModel[],
    context: string,
  ): Promise<void> {
    for (const model of models) {
      const pending = model.pending;
      if (!pending) continue;
      const retry = await sendOverHttp(api.url, ADMIN_KEY, {
        ...pending.request,
        headers: { "idempotency-key": pending.idempotencyKey },
      });
      expect(
        [200, 409],
        `retry of ${pending.label}: ${retry.text.slice(0, 300)}, ${context}`,
      ).toContain(retry.status);
      if (retry.status === 200) {
        pending.apply(model, retry);
        model.pending = undefined;
      }
    }
  }

  async function checkAgainstModels(
    api: ApiProcess,
    models: WriterModel[],
    context: string,
  ): Promise<void> {
    const listed = await readPages(api, "/v1/sessions");
    const expectedIds = new Set(models.flatMap((model) => [...model.sessions.keys()]));
    const pendingCreates = models.filter(
      (model) => model.pending?.request.path === "/v1/sessions",
    ).length;
    const extra = listed.filter((session) => !expectedIds.has(session.session_id));
    expect(extra.length, `sessions beyond the acknowledged ones, ${context}`).toBeLessThanOrEqual(
      pendingCreates,
    );
    for (const session of extra) expect(session.name, context).toMatch(/^crash /);
    expect(listed.length - extra.length, `acknowledged sessions present, ${context}`).toBe(
      expectedIds.size,
    );

    for (const model of models) {
      const pending = model.pending;
      const windows = await readFileWindows(api, model);
      for (const [fileId, fileWindow] of model.files) {
        const alternatives = [fileWindow];
        if (pending) {
          const committed = cloneModel(model);
          pending.apply(committed, undefined);
          alternatives.push(committed.files.get(fileId) as [bigint, bigint]);
        }
        expect(alternatives, `window of ${fileId}, ${context}`).toContainEqual(windows.get(fileId));
      }

      for (const [sessionId, contributions] of model.sessions) {
        const session = await call(api, { method: "GET", path: `/v1/sessions/id/${sessionId}` });
        const views = await readPages(api, `/v1/sessions/id/${sessionId}/files`);

        const actual = views.map((view) =>
          contributionKey({
            fileId: view.file_id,
            range:
              view.range_min_timestamp_ns === null
                ? null
                : [view.range_min_timestamp_ns, view.range_max_timestamp_ns],
          }),
        );
        const acked = [...contributions.keys()].sort();
        const alternatives = [acked];
        if (pending) {
          const committed = cloneModel(model);
          pending.apply(committed, undefined);
          alternatives.push([...(committed.sessions.get(sessionId)?.keys() ?? [])].sort());
        }
        expect(alternatives, `contributions of ${sessionId}, ${context}`).toContainEqual(
          actual.sort(),
        );

        // Whole contributions follow their file's current window.
        for (const view of views) {
          if (view.range_min_timestamp_ns !== null) continue;
          expect(
            [view.min_timestamp_ns, view.max_timestamp_ns],
            `${view.file_id} in ${sessionId}, ${context}`,
          ).toEqual(windows.get(view.file_id));
        }

        const mins = views.map((view) => view.min_timestamp_ns as bigint);
        const maxes = views.map((view) => view.max_timestamp_ns as bigint);
        const recomputed = views.length
          ? [mins.reduce((a, b) => (b < a ? b : a)), maxes.reduce((a, b) => (b > a ? b : a))]
          : [null, null];
        expect(
          [session.body.data.min_timestamp_ns, session.body.data.max_timestamp_ns],
          `bounds of ${sessionId}, ${context}`,
        ).toEqual(recomputed);
      }
    }
  }

  async function readFileWindows(
    api: ApiProcess,
    model: WriterModel,
  ): Promise<Map<string, [bigint, bigint]>> {
    const windows = new Map<string, [bigint, bigint]>();
    for (const fileId of model.files.keys()) {
      const file = await call(api, { method: "GET", path: `/v1/files/id/${fileId}` });
      windows.set(fileId, [file.body.data.start_time_ns, file.body.data.end_time_ns]);
    }
    return windows;
  }

  // biome-ignore lint/suspicious/noExplicitAny: items are read freely in tests.
  async function readPages(api: ApiProcess, path: string): Promise<any[]> {
    const items: unknown[] = [];
    let token: string | null = null;
    do {
      const query = `?limit=1000${token ? `&page_token=${encodeURIComponent(token)}` : ""}`;
      const page = await call(api, { method: "GET", path: `${path}${query}` });
      items.push(...page.body.data.items);
      token = page.body.data.next_token;
    } while (token);
    return items;
  }
});

function cloneModel(model: WriterModel): WriterModel {
  return {
    files: new Map(model.files),
    sessions: new Map(
      [...model.sessions].map(([id, contributions]) => [id, new Map(contributions)]),
    ),
    pending: undefined,
  };
}

/** Picks the writer's next write: create a session, add or remove a contribution, or move a file's window. */
function nextWrite(
  model: WriterModel,
  random: () => number,
  label: string,
  idempotencyKey: string,
): Pending {
  const fileIds = [...model.files.keys()];
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const sessionIds = [...model.sessions.keys()];
  const roll = random();

  if (sessionIds.length === 0 || roll < 0.15) {
    const files = fileIds.filter(() => random() < 0.15).map((fileId) => ({ fileId, range: null }));
    return {
      label: `${label} create`,
      idempotencyKey,
      request: {
        method: "POST",
        path: "/v1/sessions",
        body: { name: `crash ${label}`, files: files.map((file) => ({ file_id: file.fileId })) },
      },
      apply(target, response) {
        // Unacknowledged creates are looked for by name, not by id.
        if (!response) return;
        target.sessions.set(
          response.body.data.session_id,
          new Map(files.map((file) => [contributionKey(file), file])),
        );
      },
    };
  }

  const sessionId = pick(sessionIds);
  const contributions = model.sessions.get(sessionId) as Map<string, Contribution>;
  if (roll < 0.35 && contributions.size > 0) {
    const fileId = pick([...contributions.values()]).fileId;
    return {
      label: `${label} remove`,
      idempotencyKey,
      request: {
        method: "DELETE",
        path: `/v1/sessions/id/${sessionId}/files`,
        body: { file_ids: [fileId] },
      },
      apply(target) {
        const held = target.sessions.get(sessionId);
        for (const [key, contribution] of held ?? [])
          if (contribution.fileId === fileId) held?.delete(key);
      },
    };
  }

  const fileId = pick(fileIds);
  const [start, end] = model.files.get(fileId) as [bigint, bigint];
  if (roll < 0.7) {
    const clipped = random() < 0.5;
    const offset = BigInt(Math.floor(random() * 1000));
    const contribution: Contribution = {
      fileId,
      range: clipped ? [start + offset, start + offset + 1_000n] : null,
    };
    const body = clipped
      ? {
          files: [
            {
              file_id: fileId,
              range_min_timestamp_ns: start + offset,
              range_max_timestamp_ns: start + offset + 1_000n,
            },
          ],
        }
      : { files: [{ file_id: fileId }] };
    return {
      label: `${label} add`,
      idempotencyKey,
      request: { method: "POST", path: `/v1/sessions/id/${sessionId}/files`, body },
      apply(target) {
        target.sessions.get(sessionId)?.set(contributionKey(contribution), contribution);
      },
    };
  }

  // Moves keep the window overlapping every clipped range of the file.
  const shift = BigInt(Math.floor(random() * 2000) - 1000);
  const moved: [bigint, bigint] = [start - 2_000n + shift, end + 2_000n + shift];
  return {
    label: `${label} move`,
    idempotencyKey,
    request: {
      method: "PUT",
      path: `/v1/files/id/${fileId}`,
      body: { start_time_ns: moved[0], end_time_ns: moved[1] },
    },
    apply(target) {
      target.files.set(fileId, moved);
    },
  };
}
