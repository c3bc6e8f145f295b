import {
  ERROR_CODES,
  type ErrorCode,
  type ErrorDetail,
  errorCodeForStatus,
  isErrorCode,
} from "@sortie/domain";

/**
 * Codes of errors raised by the client itself, when no response carries one:
 * the connection failed, an attempt timed out, the caller aborted, or the
 * client was configured wrongly.
 */
export type ClientErrorCode =
  | "SortieConnectionError"
  | "SortieTimeoutError"
  | "SortieAbortError"
  | "SortieConfigurationError";

/** Fields of a new SortieError. */
export interface SortieErrorInit {
  /** HTTP status of the response; `undefined` when no response arrived or no request was sent. */
  status?: number | undefined;
  code: ErrorCode | ClientErrorCode;
  message: string;
  details?: ErrorDetail[];
  /** `X-Request-Id` of the response, or `request_id` of its body. */
  requestId?: string | undefined;
  /** Response headers, when a response arrived. */
  headers?: Headers | undefined;
  cause?: unknown;
}

/**
 * Base class of every error the SDK throws. API errors carry the code, message
 * and `details` of the response body (each offending field's path and reason),
 * the HTTP status and the request id to quote in a bug report.
 */
export class SortieError extends Error {
  override name = "SortieError";
  /** HTTP status; `undefined` when no response arrived or no request was sent. */
  readonly status: number | undefined;
  /** Error code of the API (`RobotoNotFoundException`, …) or of the client (`SortieTimeoutError`, …). */
  readonly code: ErrorCode | ClientErrorCode;
  /** Structured problems: path, reason and, where safe, the offending value. */
  readonly details: ErrorDetail[];
  /** Request id of the failed response, when one arrived. */
  readonly requestId: string | undefined;
  /** Headers of the failed response, when one arrived. */
  readonly headers: Headers | undefined;

  constructor(init: SortieErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.requestId = init.requestId;
    this.headers = init.headers;
  }
}

/** Invalid input (400 or 413), or a request body rejected by the client before sending, with `status` undefined. */
export class InvalidRequestError extends SortieError {
  override name = "InvalidRequestError";
}

/** A missing, unknown, expired or revoked API key (401), or a role the caller lacks (403). */
export class UnauthorizedError extends SortieError {
  override name = "UnauthorizedError";
}

/** A resource that does not exist or belongs to another org (404). */
export class NotFoundError extends SortieError {
  override name = "NotFoundError";
}

/** A device that does not exist in the caller's org, or is not attached (404). */
export class DeviceNotFoundError extends NotFoundError {
  override name = "DeviceNotFoundError";
}

/** A dataset that does not exist in the caller's org (404). */
export class DatasetNotFoundError extends NotFoundError {
  override name = "DatasetNotFoundError";
}

/** A unique value already taken, such as a session key (409); `details` names the existing resource. */
export class ConflictError extends SortieError {
  override name = "ConflictError";
}

/** A stale `If-Match` ETag (412): the resource changed since it was read, and nothing was written. */
export class PreconditionFailedError extends SortieError {
  override name = "PreconditionFailedError";
}

/** An org quota reached (403) or too many requests (429). */
export class LimitExceededError extends SortieError {
  override name = "LimitExceededError";
}

/** A failure of the service (5xx); the API guarantees that nothing was written. */
export class ServiceError extends SortieError {
  override name = "ServiceError";
}

/** The request did not get a response: DNS, refused or reset connection, or a body that could not be read. */
export class ConnectionError extends SortieError {
  override name = "ConnectionError";
}

/** An attempt took longer than `timeoutMs`, and no retry was left. */
export class TimeoutError extends SortieError {
  override name = "TimeoutError";
}

/** The caller's `AbortSignal` aborted the request. */
export class AbortError extends SortieError {
  override name = "AbortError";
}

/** The client options are unusable, such as a missing API key. */
export class ConfigurationError extends SortieError {
  override name = "ConfigurationError";
}

type ApiErrorClass = new (init: SortieErrorInit) => SortieError;

const CLASS_OF_CODE: Record<ErrorCode, ApiErrorClass> = {
  [ERROR_CODES.InvalidRequest]: InvalidRequestError,
  [ERROR_CODES.Unauthorized]: UnauthorizedError,
  [ERROR_CODES.NotFound]: NotFoundError,
  [ERROR_CODES.DeviceNotFound]: DeviceNotFoundError,
  [ERROR_CODES.DatasetNotFound]: DatasetNotFoundError,
  [ERROR_CODES.Conflict]: ConflictError,
  [ERROR_CODES.Condition]: PreconditionFailedError,
  [ERROR_CODES.LimitExceeded]: LimitExceededError,
  [ERROR_CODES.Service]: ServiceError,
};

/**
 * Builds the error of a failed response from its status and parsed body. A
 * body without a catalogued code, such as a proxy's error page, gets the code
 * that the status implies.
 */
export function errorFromResponse(
  status: number,
  headers: Headers,
  body: unknown,
  fallbackMessage: string,
): SortieError {
  const envelope = readErrorEnvelope(body);
  const code = envelope.code ?? errorCodeForStatus(status);
  const ErrorClass = CLASS_OF_CODE[code];
  return new ErrorClass({
    status,
    code,
    message: envelope.message ?? fallbackMessage,
    details: envelope.details,
    requestId: headers.get("x-request-id") || envelope.requestId,
    headers,
  });
}

interface ErrorEnvelope {
  code: ErrorCode | undefined;
  message: string | undefined;
  details: ErrorDetail[];
  requestId: string | undefined;
}

// Reads `{ error: { error_code, message }, details, request_id }` without
// trusting its shape: any part may be missing or of another type.
function readErrorEnvelope(body: unknown): ErrorEnvelope {
  const envelope: ErrorEnvelope = {
    code: undefined,
    message: undefined,
    details: [],
    requestId: undefined,
  };
  if (typeof body !== "object" || body === null) return envelope;

  const { error, details, request_id: requestId } = body as Record<string, unknown>;
  if (typeof error === "object" && error !== null) {
    const { error_code: code, message } = error as Record<string, unknown>;
    if (isErrorCode(code)) envelope.code = code;
    if (typeof message === "string") envelope.message = message;
  }
  if (Array.isArray(details)) {
    envelope.details = details.filter(
      (detail): detail is ErrorDetail => typeof detail === "object" && detail !== null,
    );
  }
  if (typeof requestId === "string" && requestId !== "") envelope.requestId = requestId;
  return envelope;
}
