import { describe, expect, it } from "vitest";
import {
  ALLOWED_STATUSES,
  DEFAULT_STATUS,
  ERROR_CODES,
  type ErrorCode,
  errorCodeForStatus,
  isErrorCode,
} from "./codes.js";

const CODES = Object.values(ERROR_CODES);

describe("error code catalogue", () => {
  it.each<[ErrorCode, number]>([
    ["RobotoInvalidRequestException", 400],
    ["RobotoUnauthorizedException", 401],
    ["RobotoNotFoundException", 404],
    ["RobotoDeviceNotFoundException", 404],
    ["RobotoDatasetNotFoundException", 404],
    ["RobotoConflictException", 409],
    ["RobotoConditionException", 412],
    ["RobotoLimitExceededException", 403],
    ["RobotoServiceException", 500],
  ])("sends %s with %i", (code, status) => {
    expect(DEFAULT_STATUS[code]).toBe(status);
  });

  it.each<[ErrorCode, number]>([
    ["RobotoInvalidRequestException", 413],
    ["RobotoUnauthorizedException", 403],
    ["RobotoServiceException", 503],
  ])("allows %s with %i", (code, status) => {
    expect(ALLOWED_STATUSES[code]).toContain(status);
  });

  it("lists every code once", () => {
    expect(new Set(CODES).size).toBe(CODES.length);
    expect(Object.keys(DEFAULT_STATUS).sort()).toEqual([...CODES].sort());
    expect(Object.keys(ALLOWED_STATUSES).sort()).toEqual([...CODES].sort());
  });

  it.each(CODES)("puts the default first for %s", (code) => {
    expect(ALLOWED_STATUSES[code][0]).toBe(DEFAULT_STATUS[code]);
  });

  it.each(CODES)("sends %s only as an error", (code) => {
    for (const status of ALLOWED_STATUSES[code]) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });

  it.each(CODES)("keeps %s Roboto-named", (code) => {
    expect(code).toMatch(/^Roboto[A-Za-z]+Exception$/);
  });
});

describe("isErrorCode", () => {
  it.each(CODES)("accepts %s", (code) => {
    expect(isErrorCode(code)).toBe(true);
  });

  it.each([["RobotoException"], ["robotoNotFoundException"], [""], [404], [null], [undefined]])(
    "rejects %j",
    (value) => {
      expect(isErrorCode(value)).toBe(false);
    },
  );
});

describe("errorCodeForStatus", () => {
  it.each<[number, ErrorCode]>([
    [400, "RobotoInvalidRequestException"],
    [401, "RobotoUnauthorizedException"],
    [403, "RobotoUnauthorizedException"],
    [404, "RobotoNotFoundException"],
    [405, "RobotoInvalidRequestException"],
    [409, "RobotoConflictException"],
    [412, "RobotoConditionException"],
    [413, "RobotoInvalidRequestException"],
    [429, "RobotoLimitExceededException"],
    [500, "RobotoServiceException"],
    [502, "RobotoServiceException"],
    [503, "RobotoServiceException"],
  ])("maps %i to %s", (status, code) => {
    expect(errorCodeForStatus(status)).toBe(code);
  });

  it("maps each allowed status back", () => {
    for (const code of CODES) {
      for (const status of ALLOWED_STATUSES[code]) {
        expect(
          ALLOWED_STATUSES[errorCodeForStatus(status)],
          `status ${status} of ${code}`,
        ).toContain(status);
      }
    }
  });
});
