import {
  DEFAULT_STATUS,
  ERROR_CODES,
  type ErrorCode,
  type ErrorDetail,
  summarizeDetails,
} from "@sortie/domain";

/**
 * An error the API returns to the caller: a catalogued code, a status, a
 * message stating what to fix, and structured details. It is thrown anywhere
 * in a request and rendered once by the app's error handler. A thrown ApiError
 * always means nothing was written, because every write is one transaction.
 */
export class ApiError extends Error {
  override name = "ApiError";

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly status: number = DEFAULT_STATUS[code],
    /** Extra response headers, such as `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** 400 for input that fails validation, with every problem in `details`. */
  static invalid(details: ErrorDetail[]): ApiError {
    return new ApiError(ERROR_CODES.InvalidRequest, summarizeDetails(details), details);
  }

  /** 400 with one problem at one path. */
  static invalidAt(path: string, reason: string, value?: unknown): ApiError {
    const detail: ErrorDetail = value === undefined ? { path, reason } : { path, reason, value };
    return new ApiError(ERROR_CODES.InvalidRequest, `Invalid request. ${path}: ${reason}`, [
      detail,
    ]);
  }

  /** 404 for a resource that does not exist in the caller's orgs. */
  static notFound(kind: string, id: string, code: ErrorCode = ERROR_CODES.NotFound): ApiError {
    return new ApiError(code, `${kind} '${id}' was not found in your organization`, [
      { path: kind.toLowerCase().replace(/ /g, "_"), reason: "not found", value: id },
    ]);
  }

  /** 401 for a missing or unusable API key. */
  static unauthorized(message: string): ApiError {
    return new ApiError(ERROR_CODES.Unauthorized, message);
  }

  /** 403 for a member lacking the role an operation needs. */
  static forbidden(message: string): ApiError {
    return new ApiError(ERROR_CODES.Unauthorized, message, [], 403);
  }

  /** 409 for a unique value already taken. */
  static conflict(message: string, details: ErrorDetail[] = []): ApiError {
    return new ApiError(ERROR_CODES.Conflict, message, details);
  }
}
