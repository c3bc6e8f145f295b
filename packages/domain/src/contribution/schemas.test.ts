import { describe, expect, it } from "vitest";
import { parseJson } from "../json/int64-json.js";
import { LIMITS } from "../limits.js";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import { INT64_MAX, INT64_MIN } from "../time/int64.js";
import {
  AddFilesRequestSchema,
  RemoveFilesRequestSchema,
  SessionFileRecordSchema,
  SessionFileSchema,
  SessionFileViewSchema,
} from "./schemas.js";

const T = 1700000060000000001n;

describe("SessionFileSchema", () => {
  it("reads a whole-file contribution", () => {
    expect(expectValid(SessionFileSchema, { file_id: "fl_1" })).toEqual({
      file_id: "fl_1",
      range_min_timestamp_ns: null,
      range_max_timestamp_ns: null,
    });
  });

  it("reads null bounds as whole file", () => {
    const parsed = expectValid(SessionFileSchema, {
      file_id: "fl_1",
      range_min_timestamp_ns: null,
      range_max_timestamp_ns: null,
    });

    expect(parsed.range_min_timestamp_ns).toBeNull();
    expect(parsed.range_max_timestamp_ns).toBeNull();
  });

  it.each<[string, bigint, bigint]>([
    ["a range", T, T + 10n],
    ["an instant", T, T],
    ["negative bounds", -10n, -5n],
    ["the int64 limits", INT64_MIN, INT64_MAX],
  ])("accepts %s", (_name, min, max) => {
    const parsed = expectValid(SessionFileSchema, {
      file_id: "fl_1",
      range_min_timestamp_ns: min,
      range_max_timestamp_ns: max,
    });

    expect(parsed).toEqual({
      file_id: "fl_1",
      range_min_timestamp_ns: min,
      range_max_timestamp_ns: max,
    });
  });

  it("reads exact bounds from JSON text", () => {
    const body = parseJson(
      '{"file_id":"fl_1","range_min_timestamp_ns":1700000060000000001,"range_max_timestamp_ns":1700000060000000002}',
    );

    const parsed = expectValid(SessionFileSchema, body);

    expect(parsed.range_min_timestamp_ns).toBe(T);
    expect(parsed.range_max_timestamp_ns).toBe(T + 1n);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      "only a minimum",
      { range_min_timestamp_ns: T },
      "range_max_timestamp_ns",
      /give both .* range_max_timestamp_ns is missing/,
    ],
    [
      "only a maximum",
      { range_max_timestamp_ns: T },
      "range_min_timestamp_ns",
      /range_min_timestamp_ns is missing/,
    ],
    [
      "a minimum and a null maximum",
      { range_min_timestamp_ns: T, range_max_timestamp_ns: null },
      "range_max_timestamp_ns",
      /give both/,
    ],
    [
      "a minimum above the maximum",
      { range_min_timestamp_ns: T + 1n, range_max_timestamp_ns: T },
      "range_min_timestamp_ns",
      /\(1700000060000000002\) must not be greater than range_max_timestamp_ns \(1700000060000000001\)/,
    ],
    [
      "a bound beyond int64",
      { range_min_timestamp_ns: INT64_MAX + 1n, range_max_timestamp_ns: INT64_MAX + 2n },
      "range_min_timestamp_ns",
      /64-bit integer/,
    ],
    [
      "a bound as a number",
      { range_min_timestamp_ns: 1, range_max_timestamp_ns: 2n },
      "range_min_timestamp_ns",
      /received the number 1/,
    ],
    [
      "a bound as text",
      { range_min_timestamp_ns: "1", range_max_timestamp_ns: 2n },
      "range_min_timestamp_ns",
      /JSON integer/,
    ],
    ["a missing file id", { file_id: undefined }, "file_id", /string id/],
    ["an empty file id", { file_id: "" }, "file_id", /must not be empty/],
    ["a long file id", { file_id: "f".repeat(LIMITS.idLength + 1) }, "file_id", /at most 128/],
    ["a control character", { file_id: "fl\n1" }, "file_id", /control characters/],
  ])("rejects %s", (_name, change, path, reason) => {
    expectIssue(SessionFileSchema, { file_id: "fl_1", ...change }, path, reason);
  });

  it("drops unknown keys", () => {
    expect(expectValid(SessionFileSchema, { file_id: "fl_1", weight: 2 })).not.toHaveProperty(
      "weight",
    );
  });
});

describe("AddFilesRequestSchema", () => {
  it("reads several contributions", () => {
    const parsed = expectValid(AddFilesRequestSchema, {
      files: [
        { file_id: "fl_1" },
        { file_id: "fl_1", range_min_timestamp_ns: T, range_max_timestamp_ns: T },
      ],
    });

    expect(parsed.files).toHaveLength(2);
  });

  it("accepts the contribution limit", () => {
    const files = Array.from({ length: LIMITS.filesPerRequest }, (_, i) => ({
      file_id: `fl_${i}`,
    }));

    expect(expectValid(AddFilesRequestSchema, { files }).files).toHaveLength(
      LIMITS.filesPerRequest,
    );
  });

  it.each<[string, unknown, string, RegExp]>([
    ["no files", { files: [] }, "files", /at least one/],
    ["a missing list", {}, "files", /is required/],
    [
      "too many files",
      {
        files: Array.from({ length: LIMITS.filesPerRequest + 1 }, (_, i) => ({
          file_id: `fl_${i}`,
        })),
      },
      "files",
      /at most 1000/,
    ],
    [
      "a half-open item",
      { files: [{ file_id: "a" }, { file_id: "b", range_min_timestamp_ns: T }] },
      "files.1.range_max_timestamp_ns",
      /give both/,
    ],
    ["a list body", [{ file_id: "a" }], "body", /JSON object/],
  ])("rejects %s", (_name, input, path, reason) => {
    expectIssue(AddFilesRequestSchema, input, path, reason);
  });
});

describe("RemoveFilesRequestSchema", () => {
  it("reads file ids", () => {
    expect(
      expectValid(RemoveFilesRequestSchema, { file_ids: ["fl_1", "fl_2"], extra: true }),
    ).toEqual({
      file_ids: ["fl_1", "fl_2"],
    });
  });

  it.each<[string, unknown, string]>([
    ["no ids", { file_ids: [] }, "file_ids"],
    ["a number id", { file_ids: [1] }, "file_ids.0"],
    [
      "too many ids",
      { file_ids: Array.from({ length: LIMITS.filesPerRequest + 1 }, (_, i) => `f${i}`) },
      "file_ids",
    ],
  ])("rejects %s", (_name, input, path) => {
    expectIssue(RemoveFilesRequestSchema, input, path);
  });
});

describe("contribution records", () => {
  const record = {
    session_id: "ss_1",
    file_id: "fl_1",
    range_min_timestamp_ns: T,
    range_max_timestamp_ns: T + 1n,
    created: "2026-04-23T08:00:00.000Z",
    created_by: "u_1",
  };

  it("accepts a stored contribution", () => {
    expect(expectValid(SessionFileRecordSchema, record)).toEqual(record);
  });

  it("rejects number bounds in records", () => {
    expectIssue(
      SessionFileRecordSchema,
      { ...record, range_min_timestamp_ns: 1 },
      "range_min_timestamp_ns",
    );
  });

  it("accepts a view with unknown window", () => {
    const view = {
      ...record,
      range_min_timestamp_ns: null,
      range_max_timestamp_ns: null,
      dataset_id: "ds_1",
      relative_path: "flights/run1.mcap",
      device_id: null,
      file_start_time_ns: null,
      file_end_time_ns: null,
      min_timestamp_ns: null,
      max_timestamp_ns: null,
    };

    expect(expectValid(SessionFileViewSchema, view)).toEqual(view);
  });
});
