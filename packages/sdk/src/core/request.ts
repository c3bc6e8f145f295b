import { parseJson, stringifyJson } from "@sortie/domain";
import { AttemptSignal, sleep } from "../internal/abort.js";
import { newIdempotencyKey } from "../internal/idempotency-key.js";
import { buildUrl, type QueryParams } from "../internal/path.js";
import { backoffDelayMs, isRetryableStatus, retryAfterMs } from "../internal/retry-delay.js";
import {
  AbortError,
  ConnectionError,
  errorFromResponse,
  ServiceError,
  type SortieError,
  TimeoutError,
} from "./errors.js";
import type { Logger } from "./logger.js";

/** Options every method takes as its last argument. */
export interface RequestOptions {
  /** Aborts the request, including the waits between retries. */
  signal?: AbortSignal;
  /** Time limit of each attempt, in milliseconds, up to the end of the response body. */
  timeoutMs?: number;
  /** Retries after the first attempt; 0 turns retries off. */
  maxRetries?: number;
  /** Idempotency key of a write; by default the client makes one per call and resends it on retries. */
  idempotencyKey?: string;
  /** Extra headers of this request. */
  headers?: Record<string, string>;
}

/** Bytes of an upload: replayable (retried on failure) unless a ReadableStream. */
export type UploadBody = Blob | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array> | string;

/** HTTP methods the API uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** One call of the API. */
export interface ApiRequest {
  method: HttpMethod;
  /** Path under the base URL, starting with `/`, with every id already escaped. */
  path: string;
  query?: QueryParams | undefined;
  /** JSON body, written with the int64-exact codec. */
  body?: unknown;
  /** Raw body sent as is with `Content-Type: application/octet-stream`, instead of `body`. */
  upload?: UploadBody;
  options?: RequestOptions | undefined;
}

/** A successful response: the `data` of its body, and its metadata. */
export interface ApiResponse<T> {
  data: T;
  status: number;
  headers: Headers;
  requestId: string | undefined;
}

/** A `fetch` implementation: the global one, or one a runtime or a test provides. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Settings of the transport, resolved by the client. */
export interface TransportSettings {
  baseUrl: string;
  apiKey: string;
  orgId: string | undefined;
  fetch: Fetch;
  timeoutMs: number;
  maxRetries: number;
  defaultHeaders: Record<string, string>;
  logger: Logger;
}

type AttemptOutcome =
  | { ok: true; response: Response; text: string }
  | { ok: false; error: SortieError; headers: Headers | undefined };

/**
 * Sends requests to the API: authentication and org headers, idempotency keys
 * on writes, a timeout per attempt, retries with backoff, and parsing of
 * responses with the int64-exact codec.
 *
 * Retries follow network errors, timeouts, 408, 429 and 5xx, waiting for
 * `Retry-After` when the response gives one (up to 60 s) and else 0.5 s,
 * 1 s, 2 s, … (at most 8 s) less up to 25 % jitter. Every request may be
 * retried: reads are idempotent, and each write carries an `Idempotency-Key`
 * made once per call and resent on every attempt. A ReadableStream upload is
 * sent once, because its bytes cannot be read twice.
 */
export class Transport {
  readonly baseUrl: string;
  readonly orgId: string | undefined;
  readonly #settings: TransportSettings;

  constructor(settings: TransportSettings) {
    this.#settings = settings;
    this.baseUrl = settings.baseUrl;
    this.orgId = settings.orgId;
  }

  /** Sends a request and returns the `data` of the response, or throws the error of the last attempt. */
  async request<T>(request: ApiRequest): Promise<ApiResponse<T>> {
    const options = request.options ?? {};
    const maxRetries = options.maxRetries ?? this.#settings.maxRetries;
    const timeoutMs = options.timeoutMs ?? this.#settings.timeoutMs;
    const url = buildUrl(this.#settings.baseUrl, request.path, request.query);
    const init = this.#requestInit(request);
    const replayable = !(request.upload instanceof ReadableStream);

    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(url, init, timeoutMs, options.signal);
      if (outcome.ok) return this.#readSuccess<T>(request, outcome.response, outcome.text);

      const retriesLeft = replayable ? maxRetries - (attempt - 1) : 0;
      const delayMs = retriesLeft > 0 ? retryDelayMs(outcome, attempt) : undefined;
      if (delayMs === undefined) throw outcome.error;

      this.#settings.logger.info("retrying request", {
        method: request.method,
        path: request.path,
        failed_attempt: attempt,
        max_retries: maxRetries,
        delay_ms: Math.round(delayMs),
        status: outcome.error.status,
        error: outcome.error.message,
        request_id: outcome.error.requestId,
      });
      try {
        await sleep(delayMs, options.signal);
      } catch (reason) {
        throw abortError(request, reason);
      }
    }
  }

  #requestInit(request: ApiRequest): RequestInit & { duplex?: "half" } {
    const settings = this.#settings;
    const headers: Record<string, string> = {
      accept: "application/json",
      ...settings.defaultHeaders,
      authorization: `Bearer ${settings.apiKey}`,
    };
    if (settings.orgId) headers["x-roboto-org-id"] = settings.orgId;
    if (request.method !== "GET") {
      headers["idempotency-key"] = request.options?.idempotencyKey ?? newIdempotencyKey();
    }

    const init: RequestInit & { duplex?: "half" } = { method: request.method, headers };
    if (request.upload !== undefined) {
      headers["content-type"] = "application/octet-stream";
      init.body = request.upload as BodyInit;
      // Fetch requires `duplex: "half"` to send a stream as the request body.
      if (request.upload instanceof ReadableStream) init.duplex = "half";
    } else if (request.body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = stringifyJson(request.body);
    }
    Object.assign(headers, request.options?.headers);
    return init;
  }

  async #attempt(
    url: string,
    init: RequestInit,
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
  ): Promise<AttemptOutcome> {
    const attemptSignal = new AttemptSignal(timeoutMs, callerSignal);
    const fetch = this.#settings.fetch;
    const method = init.method ?? "GET";
    try {
      const response = await fetch(url, { ...init, signal: attemptSignal.signal });
      const text = await response.text();
      if (response.ok) return { ok: true, response, text };
      return {
        ok: false,
        error: errorOfResponse(method, url, response, text),
        headers: response.headers,
      };
    } catch (cause) {
      if (attemptSignal.abortedByCaller) {
        throw new AbortError({
          code: "SortieAbortError",
          message: `${method} ${url} was aborted`,
          cause,
        });
      }
      if (attemptSignal.timedOut) {
        const message = `${method} ${url} timed out after ${timeoutMs} ms; raise timeoutMs if the API needs longer`;
        return {
          ok: false,
          error: new TimeoutError({ code: "SortieTimeoutError", message, cause }),
          headers: undefined,
        };
      }
      const reason = cause instanceof Error ? cause.message : String(cause);
      const message = `${method} ${url} failed before a response arrived (${reason}); check that the API runs at this URL`;
      return {
        ok: false,
        error: new ConnectionError({ code: "SortieConnectionError", message, cause }),
        headers: undefined,
      };
    } finally {
      attemptSignal.dispose();
    }
  }

  #readSuccess<T>(request: ApiRequest, response: Response, text: string): ApiResponse<T> {
    const requestId = response.headers.get("x-request-id") ?? undefined;
    let body: unknown;
    try {
      body = text === "" ? { data: null } : parseJson(text);
    } catch {
      body = undefined;
    }
    if (typeof body !== "object" || body === null || !("data" in body)) {
      throw new ServiceError({
        status: response.status,
        code: "RobotoServiceException",
        message: `${request.method} ${request.path} returned status ${response.status} without a JSON body of the form {"data": …}; check that the base URL points at a Sortie API`,
        requestId,
        headers: response.headers,
      });
    }
    return {
      data: (body as { data: T }).data,
      status: response.status,
      headers: response.headers,
      requestId,
    };
  }
}

function errorOfResponse(
  method: string,
  url: string,
  response: Response,
  text: string,
): SortieError {
  let body: unknown;
  try {
    body = parseJson(text);
  } catch {
    body = undefined;
  }
  const excerpt = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  const fallback = `${method} ${url} failed with status ${response.status}${excerpt ? `: ${excerpt}` : ""}`;
  return errorFromResponse(response.status, response.headers, body, fallback);
}

// The wait before the next attempt, or `undefined` when the failure is final.
function retryDelayMs(
  outcome: Extract<AttemptOutcome, { ok: false }>,
  attempt: number,
): number | undefined {
  const { error, headers } = outcome;
  const requested = headers ? retryAfterMs(headers) : undefined;
  // A 409 with Retry-After is the API saying an earlier attempt with the same
  // idempotency key still runs: wait for it and get its stored response.
  const stillRunning = error.status === 409 && requested !== undefined;
  if (error.status !== undefined && !isRetryableStatus(error.status) && !stillRunning) {
    return undefined;
  }

  if (requested === Number.POSITIVE_INFINITY) return undefined;
  return requested ?? backoffDelayMs(attempt);
}

function abortError(request: ApiRequest, cause: unknown): AbortError {
  return new AbortError({
    code: "SortieAbortError",
    message: `${request.method} ${request.path} was aborted while waiting to retry`,
    cause,
  });
}
