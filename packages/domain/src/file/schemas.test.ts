import { describe, expect, it } from "vitest";
import { parseJson } from "../json/int64-json.js";
import { LIMITS } from "../limits.js";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import { INT64_MAX } from "../time/int64.js";
import {
  FileRecordSchema,
  RegisterFileRequestSchema,
  RelativePathSchema,
  TopicRecordSchema,
  UpdateFileRequestSchema,
} from "./schemas.js";

const T = 1700000060000000001n;

describe("RelativePathSchema", () => {
  it.each([["run1.mcap"], ["flights/2026/run1.mcap"], ["a b/c.bag"], ["..hidden/x"], ["x..y"]])(
    "accepts %s",
    (path) => {
      expect(expectValid(RelativePathSchema, path)).toBe(path);
    },
  );

  it.each<[string, string, RegExp]>([
    ["an empty path", "", /must not be empty/],
    ["a leading slash", "/etc/passwd", /relative path/],
    ["a parent segment", "a/../b", /relative path/],
    ["a current segment", "./a", /relative path/],
    ["an empty segment", "a//b", /relative path/],
    ["a trailing slash", "a/", /relative path/],
    ["a backslash", "a\\b", /backslashes/],
    ["a control character", "a\u0000b", /control characters/],
    ["a long path", "p".repeat(LIMITS.relativePathLength + 1), /at most 1024/],
  ])("rejects %s", (_name, path, reason) => {
    expectIssue(RelativePathSchema, path, "body", reason);
  });
});

describe("RegisterFileRequestSchema", () => {
  it("reads a file with a window", () => {
    const body = parseJson(
      '{"relative_path":"a.mcap","size":10,"start_time_ns":1700000060000000001,"end_time_ns":1700000060000000001,"tags":["x"]}',
    );

    const parsed = expectValid(RegisterFileRequestSchema, body);

    expect(parsed).toEqual({
      relative_path: "a.mcap",
      size: 10,
      start_time_ns: T,
      end_time_ns: T,
      tags: ["x"],
      metadata: {},
    });
  });

  it("accepts an unknown window", () => {
    expect(
      expectValid(RegisterFileRequestSchema, { relative_path: "a.mcap" }).start_time_ns,
    ).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      "only a start",
      { start_time_ns: T },
      "start_time_ns",
      /give both start_time_ns and end_time_ns/,
    ],
    ["only an end", { end_time_ns: T }, "start_time_ns", /give both/],
    [
      "an inverted window",
      { start_time_ns: T, end_time_ns: T - 1n },
      "start_time_ns",
      /must not be greater/,
    ],
    [
      "a start beyond int64",
      { start_time_ns: INT64_MAX + 1n, end_time_ns: INT64_MAX + 1n },
      "start_time_ns",
      /64-bit/,
    ],
    ["a negative size", { size: -1 }, "size", /.+/],
    ["a fractional size", { size: 1.5 }, "size", /must be an integer/],
    ["a missing path", { relative_path: undefined }, "relative_path", /must be a string/],
    ["metadata as a list", { metadata: [] }, "metadata", /JSON object/],
  ])("rejects %s", (_name, change, path, reason) => {
    expectIssue(RegisterFileRequestSchema, { relative_path: "a.mcap", ...change }, path, reason);
  });
});

describe("UpdateFileRequestSchema", () => {
  it("keeps absent keys absent", () => {
    const parsed = expectValid(UpdateFileRequestSchema, { time_offset_ns: -5n });

    expect(parsed).toEqual({ time_offset_ns: -5n });
    expect("start_time_ns" in parsed).toBe(false);
  });

  it("clears the window with nulls", () => {
    expect(
      expectValid(UpdateFileRequestSchema, { start_time_ns: null, end_time_ns: null }),
    ).toEqual({
      start_time_ns: null,
      end_time_ns: null,
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["a start without end", { start_time_ns: T }, /give both/],
    ["a null start without end", { start_time_ns: null }, /together/],
    ["an inverted window", { start_time_ns: T, end_time_ns: T - 1n }, /must not be greater/],
  ])("rejects %s", (_name, input, reason) => {
    expectIssue(UpdateFileRequestSchema, input, "start_time_ns", reason);
  });

  it("rejects an offset as a number", () => {
    expectIssue(
      UpdateFileRequestSchema,
      { time_offset_ns: 5 },
      "time_offset_ns",
      /received the number 5/,
    );
  });
});

describe("file records", () => {
  it("rejects a window read as numbers", () => {
    const record = {
      file_id: "fl_1",
      org_id: "og_1",
      dataset_id: "ds_1",
      relative_path: "a.mcap",
      size: null,
      content_hash: null,
      device_id: null,
      tags: [],
      metadata: {},
      origination: null,
      ingestion_status: null,
      ingestion_error: null,
      format: null,
      time_base: null,
      recorded_start_ns: null,
      recorded_end_ns: null,
      time_offset_ns: null,
      start_time_ns: T,
      end_time_ns: T,
      created: "c",
      created_by: "u",
      modified: "m",
      modified_by: "u",
    };

    expect(expectValid(FileRecordSchema, record)).toEqual(record);
    expectIssue(FileRecordSchema, { ...record, start_time_ns: 1 }, "start_time_ns");
    expectIssue(FileRecordSchema, { ...record, ingestion_status: "done" }, "ingestion_status");
  });

  it("reads a topic with exact times", () => {
    const topic = parseJson(
      '{"topic_name":"/imu","schema_name":null,"message_count":3,"start_time_ns":1700000060000000001,"end_time_ns":null}',
    );

    expect(expectValid(TopicRecordSchema, topic).start_time_ns).toBe(T);
  });
});
