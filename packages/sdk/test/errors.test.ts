import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AbortError,
  ConflictError,
  ConnectionError,
  DatasetNotFoundError,
  DeviceNotFoundError,
  InvalidRequestError,
  LimitExceededError,
  NotFoundError,
  PreconditionFailedError,
  ServiceError,
  Sortie,
  SortieError,
  TimeoutError,
  UnauthorizedError,
} from "../src/index.js";
import { registerFile, WINDOW } from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

let api: TestApi;
let client: Sortie;
beforeAll(async () => {
  api = await startTestApi();
  client = api.client({ maxRetries: 0 });
});
afterAll(async () => {
  await api?.close();
});

async function failure(promise: Promise<unknown>): Promise<SortieError> {
  const outcome = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(outcome instanceof SortieError))
    throw new Error(`expected a SortieError, got ${String(outcome)}`);
  return outcome;
}

// A port on 127.0.0.1 that nothing listens on: bound, read, then released.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function expectResponseMetadata(error: SortieError, status: number, code: string): void {
  expect(error.status).toBe(status);
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.requestId).toMatch(/^req_/);
  expect(error.requestId).toBe(error.headers?.get("x-request-id"));
}

describe("error classes", () => {
  it("server invalid input is InvalidRequestError", async () => {
    const file = await registerFile(client);
    const session = await client.sessions.create({});
    const error = await failure(
      session.addFile(file.file_id, {
        range_min_timestamp_ns: WINDOW[1] + 1n,
        range_max_timestamp_ns: WINDOW[1] + 2n,
      }),
    );

    expect(error).toBeInstanceOf(InvalidRequestError);
    expectResponseMetadata(error, 400, "RobotoInvalidRequestException");
    expect(error.details[0]?.path).toMatch(/^files\.0/);
    expect(error.message).toContain(file.file_id);
  });

  it("bad key is UnauthorizedError", async () => {
    const stranger = api.client({ apiKey: "sk_not_a_real_key" });
    const error = await failure(stranger.sessions.list().page());

    expect(error).toBeInstanceOf(UnauthorizedError);
    expectResponseMetadata(error, 401, "RobotoUnauthorizedException");
  });

  it("foreign org is UnauthorizedError 403", async () => {
    const elsewhere = api.client({ orgId: "og_not_mine" });
    const error = await failure(elsewhere.sessions.create({}));

    expect(error).toBeInstanceOf(UnauthorizedError);
    expectResponseMetadata(error, 403, "RobotoUnauthorizedException");
    expect(error.message).toContain("og_not_mine");
  });

  it("missing session is NotFoundError", async () => {
    const error = await failure(client.sessions.retrieve("ss_missing"));

    expect(error).toBeInstanceOf(NotFoundError);
    expectResponseMetadata(error, 404, "RobotoNotFoundException");
    expect(error.details).toEqual([{ path: "session", reason: "not found", value: "ss_missing" }]);
  });

  it("missing device is DeviceNotFoundError", async () => {
    const error = await failure(client.devices.retrieve("robot_missing"));

    expect(error).toBeInstanceOf(DeviceNotFoundError);
    expect(error).toBeInstanceOf(NotFoundError);
    expectResponseMetadata(error, 404, "RobotoDeviceNotFoundException");
  });

  it("missing dataset is DatasetNotFoundError", async () => {
    const error = await failure(client.datasets.retrieve("ds_missing"));

    expect(error).toBeInstanceOf(DatasetNotFoundError);
    expect(error).toBeInstanceOf(NotFoundError);
    expectResponseMetadata(error, 404, "RobotoDatasetNotFoundException");
  });

  it("taken key is ConflictError", async () => {
    const first = await client.sessions.create({ key: "conflict-key" });
    const error = await failure(client.sessions.create({ key: "conflict-key" }));

    expect(error).toBeInstanceOf(ConflictError);
    expectResponseMetadata(error, 409, "RobotoConflictException");
    expect(error.details[0]?.existing_session_id).toBe(first.session_id);
  });

  it("stale etag is PreconditionFailedError", async () => {
    const session = await client.sessions.create({});
    const error = await failure(
      client.sessions.update(session.session_id, { name: "x" }, { ifMatch: '"stale"' }),
    );

    expect(error).toBeInstanceOf(PreconditionFailedError);
    expectResponseMetadata(error, 412, "RobotoConditionException");
  });

  it("429 is LimitExceededError", async () => {
    api.failNext({ status: 429, code: "RobotoLimitExceededException" });
    const error = await failure(client.sessions.list().page());

    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.status).toBe(429);
    expect(error.code).toBe("RobotoLimitExceededException");
    expect(error.requestId).toBe("req_injected_fault");
  });

  it("5xx is ServiceError", async () => {
    api.failNext({ status: 503 });
    const error = await failure(client.sessions.list().page());

    expect(error).toBeInstanceOf(ServiceError);
    expect(error.status).toBe(503);
    expect(error.code).toBe("RobotoServiceException");
    expect(error.message).toBe("injected fault: status 503");
  });

  it("proxy error page maps by status", async () => {
    const proxied = new Sortie({
      baseUrl: "http://127.0.0.1:1",
      apiKey: "key",
      maxRetries: 0,
      fetch: async () => new Response("<html>Bad Gateway</html>", { status: 502 }),
    });
    const error = await failure(proxied.sessions.list().page());

    expect(error).toBeInstanceOf(ServiceError);
    expect(error.status).toBe(502);
    expect(error.code).toBe("RobotoServiceException");
    expect(error.message).toContain("Bad Gateway");
    expect(error.requestId).toBeUndefined();
  });

  it("refused connection is ConnectionError", async () => {
    const nowhere = new Sortie({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      apiKey: "key",
      maxRetries: 0,
    });
    const error = await failure(nowhere.sessions.list().page());

    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.status).toBeUndefined();
    expect(error.code).toBe("SortieConnectionError");
    expect(error.cause).toBeDefined();
  });

  it("dropped connection is ConnectionError", async () => {
    api.failNext({ disconnect: true });
    const error = await failure(client.sessions.list().page());

    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.requestId).toBeUndefined();
  });

  it("slow answer is TimeoutError", async () => {
    api.failNext({ stallMs: 1_000 });
    const error = await failure(client.sessions.list({}, { timeoutMs: 200 }).page());

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe("SortieTimeoutError");
    expect(error.message).toContain("200 ms");
  });

  it("caller abort is AbortError", async () => {
    api.failNext({ stallMs: 1_000 });
    const controller = new AbortController();
    const pending = failure(client.sessions.list({}, { signal: controller.signal }).page());
    setTimeout(() => controller.abort(), 50);
    const error = await pending;

    expect(error).toBeInstanceOf(AbortError);
    expect(error.code).toBe("SortieAbortError");
  });

  it("aborted signal sends nothing", async () => {
    const before = api.arrivals.length;
    const error = await failure(client.sessions.retrieve("ss_x", { signal: AbortSignal.abort() }));

    expect(error).toBeInstanceOf(AbortError);
    expect(api.arrivals.length).toBe(before);
  });
});
