/**
 * Error codes of the Sessions API, named and mapped to HTTP statuses the way
 * Roboto's Python SDK maps them, so that SDK can read Sortie's errors.
 */
export const ERROR_CODES = {
  /** Invalid input or a limit other than quota: 400 (413 for an oversized body). */
  InvalidRequest: "RobotoInvalidRequestException",
  /** Missing, unknown, expired or revoked API key (401), or a missing role (403). */
  Unauthorized: "RobotoUnauthorizedException",
  /** A resource that does not exist or belongs to another org. */
  NotFound: "RobotoNotFoundException",
  /** A device that does not exist in the caller's org. */
  DeviceNotFound: "RobotoDeviceNotFoundException",
  /** A dataset that does not exist in the caller's org. */
  DatasetNotFound: "RobotoDatasetNotFoundException",
  /** A unique key already taken, or an idempotency key reused with another body. */
  Conflict: "RobotoConflictException",
  /** A stale `If-Match` precondition. */
  Condition: "RobotoConditionException",
  /** An org quota reached. */
  LimitExceeded: "RobotoLimitExceededException",
  /** A failure of the service itself; nothing was written. */
  Service: "RobotoServiceException",
} as const;

/** One of the error codes a response can carry in `error.error_code`. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** The HTTP status each error code is sent with unless a narrower one applies. */
export const DEFAULT_STATUS: Record<ErrorCode, number> = {
  RobotoInvalidRequestException: 400,
  RobotoUnauthorizedException: 401,
  RobotoNotFoundException: 404,
  RobotoDeviceNotFoundException: 404,
  RobotoDatasetNotFoundException: 404,
  RobotoConflictException: 409,
  RobotoConditionException: 412,
  RobotoLimitExceededException: 403,
  RobotoServiceException: 500,
};

/** Every status each code may be sent with; the first is the default. */
export const ALLOWED_STATUSES: Record<ErrorCode, readonly number[]> = {
  RobotoInvalidRequestException: [400, 413],
  RobotoUnauthorizedException: [401, 403],
  RobotoNotFoundException: [404],
  RobotoDeviceNotFoundException: [404],
  RobotoDatasetNotFoundException: [404],
  RobotoConflictException: [409],
  RobotoConditionException: [412],
  RobotoLimitExceededException: [403, 429],
  RobotoServiceException: [500, 502, 503, 504],
};

const KNOWN_CODES = new Set<string>(Object.values(ERROR_CODES));

/** Tells whether a string is one of the catalogued error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && KNOWN_CODES.has(value);
}

/**
 * Picks the error code a client should assume for a status when the body
 * carries none (a proxy's error page, say).
 */
export function errorCodeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return ERROR_CODES.Unauthorized;
  if (status === 404) return ERROR_CODES.NotFound;
  if (status === 409) return ERROR_CODES.Conflict;
  if (status === 412) return ERROR_CODES.Condition;
  if (status === 429) return ERROR_CODES.LimitExceeded;
  if (status >= 400 && status < 500) return ERROR_CODES.InvalidRequest;
  return ERROR_CODES.Service;
}

/** One structured problem in `details`: where, why, and the value where safe. */
export interface ErrorDetail {
  /** Dot path of the offending input, such as `files.0.range_min_timestamp_ns`. */
  path: string;
  /** Problem found and what would be valid. */
  reason: string;
  /** The offending value, when echoing it is safe. */
  value?: unknown;
  /** Other facts a client can act on, such as `existing_session_id`. */
  [key: string]: unknown;
}

/** The error body every failed request returns. */
export interface ErrorBody {
  error: { error_code: ErrorCode; message: string };
  details: ErrorDetail[];
  request_id: string;
}
