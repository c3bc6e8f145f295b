import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError, type Logger, NotFoundError, ServiceError, type Sortie } from "../src/index.js";
import { type Arrival, startTestApi, type TestApi } from "./support/test-api.js";

const NO_WAIT = { "retry-after": "0" };

let api: TestApi;
let client: Sortie;
beforeAll(async () => {
  api = await startTestApi();
  client = api.client();
});
afterAll(async () => {
  await api?.close();
});

// Runs `call` and returns the requests that reached the server meanwhile.
async function arrivalsDuring(call: () => Promise<unknown>): Promise<Arrival[]> {
  const before = api.arrivals.length;
  await call();
  return api.arrivals.slice(before);
}

async function sessionsNamed(name: string): Promise<number> {
  const all = await client.sessions.list({ limit: 1000 }).toArray();
  return all.filter((session) => session.name === name).length;
}

describe("retries", () => {
  it("retries a read after 503", async () => {
    const session = await client.sessions.create({ name: "read twice" });
    api.failNext({ status: 503, headers: NO_WAIT });

    let read: Awaited<ReturnType<Sortie["sessions"]["retrieve"]>> | undefined;
    const arrivals = await arrivalsDuring(async () => {
      read = await client.sessions.retrieve(session.session_id);
    });

    expect(read?.session_id).toBe(session.session_id);
    expect(arrivals.map((arrival) => arrival.faulted)).toEqual([true, false]);
    expect(arrivals.every((arrival) => arrival.headers.get("idempotency-key") === null)).toBe(true);
  });

  it("retries 408 and 429", async () => {
    api.failNext(
      { status: 408, headers: NO_WAIT },
      { status: 429, code: "RobotoLimitExceededException", headers: NO_WAIT },
    );

    const arrivals = await arrivalsDuring(() => client.sessions.list().page());

    expect(arrivals.map((arrival) => arrival.faulted)).toEqual([true, true, false]);
  });

  it("retries after dropped connection", async () => {
    api.failNext({ disconnect: true });

    const arrivals = await arrivalsDuring(() => client.sessions.list().page());

    expect(arrivals.map((arrival) => arrival.faulted)).toEqual([true, false]);
  });

  it("retries an attempt that timed out", async () => {
    api.failNext({ stallMs: 1_000 });

    const arrivals = await arrivalsDuring(() =>
      client.sessions.list({}, { timeoutMs: 200, maxRetries: 1 }).page(),
    );

    expect(arrivals.map((arrival) => arrival.faulted)).toEqual([true, false]);
  });

  it("write retried with one key", async () => {
    const name = `retried write ${crypto.randomUUID()}`;
    api.failNext({ status: 503, headers: NO_WAIT }, { status: 500, headers: NO_WAIT });

    const arrivals = await arrivalsDuring(() => client.sessions.create({ name }));

    expect(arrivals.map((arrival) => arrival.faulted)).toEqual([true, true, false]);
    const keys = arrivals.map((arrival) => arrival.headers.get("idempotency-key"));
    expect(keys[0]).toEqual(expect.any(String));
    expect(new Set(keys).size).toBe(1);
    expect(await sessionsNamed(name)).toBe(1);
  });

  it("write retried after dropped connection", async () => {
    const name = `dropped write ${crypto.randomUUID()}`;
    api.failNext({ disconnect: true });

    const arrivals = await arrivalsDuring(() => client.sessions.create({ name }));

    expect(arrivals.length).toBe(2);
    expect(arrivals[0]?.headers.get("idempotency-key")).toBe(
      arrivals[1]?.headers.get("idempotency-key"),
    );
    expect(await sessionsNamed(name)).toBe(1);
  });

  it("each call gets its own key", async () => {
    const arrivals = await arrivalsDuring(async () => {
      await client.sessions.create({});
      await client.sessions.create({});
    });

    const keys = arrivals.map((arrival) => arrival.headers.get("idempotency-key"));
    expect(keys.length).toBe(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("caller key sent on every attempt", async () => {
    api.failNext({ status: 503, headers: NO_WAIT });

    const arrivals = await arrivalsDuring(() =>
      client.sessions.create({}, { idempotencyKey: "import-run-7" }),
    );

    expect(arrivals.map((arrival) => arrival.headers.get("idempotency-key"))).toEqual([
      "import-run-7",
      "import-run-7",
    ]);
  });

  it("gives up after maxRetries", async () => {
    api.failNext(...Array.from({ length: 3 }, () => ({ status: 503, headers: NO_WAIT })));

    const before = api.arrivals.length;
    const error = await client.sessions
      .list()
      .page()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ServiceError);
    expect(api.arrivals.length - before).toBe(3);
  });

  it("maxRetries zero sends once", async () => {
    api.failNext({ status: 503, headers: NO_WAIT });

    const before = api.arrivals.length;
    const error = await client.sessions
      .list({}, { maxRetries: 0 })
      .page()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ServiceError);
    expect(api.arrivals.length - before).toBe(1);
  });

  it("client errors are not retried", async () => {
    const before = api.arrivals.length;
    const error = await client.sessions.retrieve("ss_missing").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NotFoundError);
    expect(api.arrivals.length - before).toBe(1);
  });

  it("waits for Retry-After seconds", async () => {
    api.failNext({ status: 503, headers: { "retry-after": "1" } });

    const started = performance.now();
    await client.sessions.list().page();

    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("long Retry-After ends retries", async () => {
    api.failNext({ status: 503, headers: { "retry-after": "120" } });

    const before = api.arrivals.length;
    const error = await client.sessions
      .list()
      .page()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).headers?.get("retry-after")).toBe("120");
    expect(api.arrivals.length - before).toBe(1);
  });

  it("abort ends the retry wait", async () => {
    api.failNext({ status: 503, headers: { "retry-after": "30" } });
    const controller = new AbortController();

    const pending = client.sessions
      .list({}, { signal: controller.signal })
      .page()
      .catch((caught: unknown) => caught);
    setTimeout(() => controller.abort(), 100);

    expect(await pending).toBeInstanceOf(AbortError);
  });

  it("logs each retry at info", async () => {
    const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const record = (message: string, fields?: Record<string, unknown>) =>
      lines.push({ message, fields });
    const logger: Logger = { debug: record, info: record, warn: record, error: record };
    const logged = api.client({ logger, logLevel: "info" });
    api.failNext({ status: 503, headers: NO_WAIT });

    await logged.sessions.list().page();

    expect(lines.length).toBe(1);
    expect(lines[0]?.message).toBe("retrying request");
    expect(lines[0]?.fields).toMatchObject({
      method: "GET",
      path: "/v1/sessions",
      failed_attempt: 1,
      max_retries: 2,
      status: 503,
    });
    expect(JSON.stringify(lines)).not.toContain(api.apiKey);
  });
});
