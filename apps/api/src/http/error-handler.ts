import { ERROR_CODES, type ErrorBody } from "@sortie/domain";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.js";
import { ApiError } from "./api-error.js";
import { sendJson } from "./json.js";

/**
 * Renders every error as the API's error body. Client errors are expected, so
 * only the request's log line records them. Any other error is logged with its
 * stack and becomes a 500 that reveals nothing internal. The transaction of
 * the failed write has rolled back, so a 5xx means nothing was written.
 */
export function renderError(error: Error, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId") ?? "";
  const logger = c.get("deps")?.logger;

  let apiError: ApiError;
  if (error instanceof ApiError) {
    apiError = error;
  } else if (error instanceof HTTPException && error.status < 500) {
    apiError = new ApiError(
      ERROR_CODES.InvalidRequest,
      error.message || "Invalid request",
      [],
      error.status,
    );
  } else {
    logger?.error(
      { request_id: requestId, err: { message: error.message, stack: error.stack } },
      "unhandled error",
    );
    apiError = new ApiError(
      ERROR_CODES.Service,
      `Internal error; nothing was written. Retry, and report request id ${requestId} if it persists`,
    );
  }

  const body: ErrorBody = {
    error: { error_code: apiError.code, message: apiError.message },
    details: apiError.details,
    request_id: requestId,
  };
  for (const [name, value] of Object.entries(apiError.headers)) c.header(name, value);
  return sendJson(c, body, apiError.status);
}
