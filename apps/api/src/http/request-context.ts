import type { MiddlewareHandler } from "hono";
import type { AppDeps } from "../deps.js";
import type { AppEnv } from "../env.js";
import type { PageTokens } from "../pagination/page-token.js";
import { randomToken } from "../util/ids.js";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

// Request ids are a random prefix per process and a counter: unique across
// nodes without drawing random bytes on every request. The prefix is drawn on
// the first request because Workers forbid random values at module load.
let requestIdPrefix: string | undefined;
let requestCounter = 0;

function nextRequestId(): string {
  requestIdPrefix ??= `req_${randomToken(10)}`;
  requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${requestIdPrefix}${requestCounter.toString(36).padStart(6, "0")}`;
}

/**
 * Gives every request its id (the caller's `X-Request-Id` when well formed,
 * else a new one), the app's dependencies, and one structured log line with
 * method, path, status and duration. The line contains no header value, so
 * no API key reaches the log.
 */
export function requestContext(deps: AppDeps, pageTokens: PageTokens): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : nextRequestId();
    c.set("requestId", requestId);
    c.set("deps", deps);
    c.set("pageTokens", pageTokens);
    // Set before the handler runs, so every response made with the context carries it.
    c.header("x-request-id", requestId);

    await next();

    const status = c.res.status;
    const fields = {
      request_id: requestId,
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      user_id: c.get("caller")?.userId,
    };
    if (status >= 500) deps.logger.error(fields, "request failed");
    else deps.logger.info(fields, "request");
  };
}
