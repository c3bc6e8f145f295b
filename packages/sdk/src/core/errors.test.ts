import { describe, expect, it } from "vitest";
import {
  ConflictError,
  DatasetNotFoundError,
  DeviceNotFoundError,
  errorFromResponse,
  InvalidRequestError,
  LimitExceededError,
  NotFoundError,
  PreconditionFailedError,
  ServiceError,
  type SortieError,
  UnauthorizedError,
} from "./errors.js";

const headers = new Headers({ "x-request-id": "req_header" });

function errorBody(code: unknown, message: unknown = "what failed", details: unknown = []) {
  return { error: { error_code: code, message }, details, request_id: "req_body" };
}

describe("errorFromResponse", () => {
  it("picks the class of each code", () => {
    const cases: Array<[number, string, new (...args: never[]) => SortieError]> = [
      [400, "RobotoInvalidRequestException", InvalidRequestError],
      [413, "RobotoInvalidRequestException", InvalidRequestError],
      [401, "RobotoUnauthorizedException", UnauthorizedError],
      [403, "RobotoUnauthorizedException", UnauthorizedError],
      [404, "RobotoNotFoundException", NotFoundError],
      [404, "RobotoDeviceNotFoundException", DeviceNotFoundError],
      [404, "RobotoDatasetNotFoundException", DatasetNotFoundError],
      [409, "RobotoConflictException", ConflictError],
      [412, "RobotoConditionException", PreconditionFailedError],
      [403, "RobotoLimitExceededException", LimitExceededError],
      [500, "RobotoServiceException", ServiceError],
    ];
    for (const [status, code, ErrorClass] of cases) {
      const error = errorFromResponse(status, headers, errorBody(code), "fallback");
      expect(error, code).toBeInstanceOf(ErrorClass);
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
    }
  });

  it("keeps message, details and request id", () => {
    const details = [{ path: "name", reason: "too long", value: "x" }];
    const error = errorFromResponse(
      400,
      headers,
      errorBody("RobotoInvalidRequestException", "Invalid request.", details),
      "fallback",
    );

    expect(error.message).toBe("Invalid request.");
    expect(error.details).toEqual(details);
    expect(error.requestId).toBe("req_header");
    expect(error.headers).toBe(headers);
  });

  it("falls back to the body request id", () => {
    const error = errorFromResponse(
      404,
      new Headers(),
      errorBody("RobotoNotFoundException"),
      "fallback",
    );
    expect(error.requestId).toBe("req_body");
  });

  it("unknown code maps by status", () => {
    const cases: Array<[number, new (...args: never[]) => SortieError, string]> = [
      [400, InvalidRequestError, "RobotoInvalidRequestException"],
      [401, UnauthorizedError, "RobotoUnauthorizedException"],
      [404, NotFoundError, "RobotoNotFoundException"],
      [409, ConflictError, "RobotoConflictException"],
      [412, PreconditionFailedError, "RobotoConditionException"],
      [429, LimitExceededError, "RobotoLimitExceededException"],
      [502, ServiceError, "RobotoServiceException"],
    ];
    for (const [status, ErrorClass, code] of cases) {
      const error = errorFromResponse(
        status,
        new Headers(),
        errorBody("SomethingElse", 5, "not a list"),
        "fallback text",
      );
      expect(error, String(status)).toBeInstanceOf(ErrorClass);
      expect(error.code).toBe(code);
      expect(error.message).toBe("fallback text");
      expect(error.details).toEqual([]);
    }
  });

  it("tolerates a body without envelope", () => {
    for (const body of [undefined, null, "text", [1, 2], { error: "flat" }]) {
      const error = errorFromResponse(503, new Headers(), body, "fallback");
      expect(error).toBeInstanceOf(ServiceError);
      expect(error.message).toBe("fallback");
    }
  });
});
