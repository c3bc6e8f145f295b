import { describe, expect, it } from "vitest";
import { parseJson } from "../json/int64-json.js";
import { LIMITS } from "../limits.js";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import {
  AttachToDeviceRequestSchema,
  CreateSessionFromDatasetRequestSchema,
  CreateSessionRequestSchema,
  DetachFromDeviceRequestSchema,
  SessionKeySchema,
  SessionRecordSchema,
  SessionUpdateSchema,
} from "./schemas.js";

const T = 1700000060000000001n;

describe("CreateSessionRequestSchema", () => {
  it("fills defaults for an empty body", () => {
    expect(expectValid(CreateSessionRequestSchema, {})).toEqual({
      device_ids: [],
      tags: [],
      metadata: {},
      custom_fields: {},
      files: [],
    });
  });

  it("reads nulls as defaults", () => {
    const parsed = expectValid(CreateSessionRequestSchema, {
      name: null,
      description: null,
      device_ids: null,
      tags: null,
      metadata: null,
      custom_fields: null,
      key: null,
      files: null,
    });

    expect(parsed).toEqual({
      name: null,
      description: null,
      device_ids: [],
      tags: [],
      metadata: {},
      custom_fields: {},
      key: null,
      files: [],
    });
  });

  it("reads a full request", () => {
    const body = parseJson(`{
      "name": "flight 42",
      "description": "windy",
      "device_ids": ["robot_001", "robot_002", "robot_001"],
      "tags": ["night", "test", "night"],
      "metadata": {"site": {"lat": 47.1}},
      "custom_fields": {"weather": "clear"},
      "key": "flights/42",
      "files": [{"file_id": "fl_1", "range_min_timestamp_ns": 1700000060000000001, "range_max_timestamp_ns": 1700000060000000002}]
    }`);

    const parsed = expectValid(CreateSessionRequestSchema, body);

    expect(parsed).toEqual({
      name: "flight 42",
      description: "windy",
      device_ids: ["robot_001", "robot_002"],
      tags: ["night", "test"],
      metadata: { site: { lat: 47.1 } },
      custom_fields: { weather: "clear" },
      key: "flights/42",
      files: [{ file_id: "fl_1", range_min_timestamp_ns: T, range_max_timestamp_ns: T + 1n }],
    });
  });

  it("ignores unknown keys", () => {
    const parsed = expectValid(CreateSessionRequestSchema, {
      name: "a",
      org_id: "og_other",
      session_id: "ss_x",
    });

    expect(parsed).not.toHaveProperty("org_id");
    expect(parsed).not.toHaveProperty("session_id");
  });

  it("accepts the name limit exactly", () => {
    const name = "n".repeat(LIMITS.sessionNameLength);

    expect(expectValid(CreateSessionRequestSchema, { name }).name).toBe(name);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["a long name", { name: "n".repeat(121) }, "name", /at most 120 characters/],
    ["a number name", { name: 5 }, "name", /string or null/],
    [
      "a long description",
      { description: "d".repeat(LIMITS.descriptionLength + 1) },
      "description",
      /at most 4096/,
    ],
    ["device ids as text", { device_ids: "robot_001" }, "device_ids", /array of device ids/],
    ["an empty device id", { device_ids: [""] }, "device_ids.0", /must not be empty/],
    [
      "too many device ids",
      { device_ids: Array.from({ length: LIMITS.devicesPerRequest + 1 }, (_, i) => `d${i}`) },
      "device_ids",
      /at most 1000 device ids/,
    ],
    ["tags as text", { tags: "night" }, "tags", /array of strings/],
    ["a number tag", { tags: ["a", 1] }, "tags.1", /each tag must be a string/],
    ["an empty tag", { tags: [""] }, "tags.0", /must not be empty/],
    ["a long tag", { tags: ["t".repeat(LIMITS.tagLength + 1)] }, "tags.0", /at most 128/],
    [
      "too many tags",
      { tags: Array.from({ length: LIMITS.tagsPerEntity + 1 }, (_, i) => `t${i}`) },
      "tags",
      /at most 256 distinct tags/,
    ],
    ["metadata as a list", { metadata: [1] }, "metadata", /JSON object, received an array/],
    ["metadata as text", { metadata: "x" }, "metadata", /JSON object/],
    [
      "custom fields as a list",
      { custom_fields: [true] },
      "custom_fields",
      /JSON object, received an array/,
    ],
    ["an empty key", { key: "" }, "key", /must not be empty/],
    ["a long key", { key: "k".repeat(LIMITS.sessionKeyLength + 1) }, "key", /at most 120/],
    ["a key with a newline", { key: "a\nb" }, "key", /control characters/],
    [
      "a half-open file",
      { files: [{ file_id: "fl_1", range_min_timestamp_ns: T }] },
      "files.0.range_max_timestamp_ns",
      /give both/,
    ],
    [
      "inverted file bounds",
      { files: [{ file_id: "fl_1", range_min_timestamp_ns: T, range_max_timestamp_ns: 0n }] },
      "files.0.range_min_timestamp_ns",
      /must not be greater/,
    ],
  ])("rejects %s", (_name, input, path, reason) => {
    expectIssue(CreateSessionRequestSchema, input, path, reason);
  });

  it("accepts many repeated tags", () => {
    const tags = Array.from(
      { length: LIMITS.tagsPerEntity * 2 },
      (_, i) => `t${i % LIMITS.tagsPerEntity}`,
    );

    expect(expectValid(CreateSessionRequestSchema, { tags }).tags).toHaveLength(
      LIMITS.tagsPerEntity,
    );
  });

  it.each([[[]], [[{ name: "a" }]], ["text"], [null], [5]])("rejects body %j", (body) => {
    expectIssue(CreateSessionRequestSchema, body, "body");
  });

  it("lists every problem", () => {
    const details = expectIssue(
      CreateSessionRequestSchema,
      { name: 1, tags: "x", key: "k".repeat(121) },
      "name",
    );

    expect(details.map((detail) => detail.path)).toEqual(["name", "tags", "key"]);
  });
});

describe("SessionUpdateSchema", () => {
  it("keeps absent keys absent", () => {
    const parsed = expectValid(SessionUpdateSchema, {});

    expect(parsed).toEqual({});
    expect("name" in parsed).toBe(false);
    expect("description" in parsed).toBe(false);
    expect("metadata_changeset" in parsed).toBe(false);
    expect("custom_fields_changeset" in parsed).toBe(false);
  });

  it("keeps explicit nulls", () => {
    const body = parseJson(
      '{"name":null,"description":null,"metadata_changeset":null,"custom_fields_changeset":null}',
    );

    const parsed = expectValid(SessionUpdateSchema, body);

    expect("name" in parsed).toBe(true);
    expect(parsed.name).toBeNull();
    expect("description" in parsed).toBe(true);
    expect(parsed.description).toBeNull();
    expect(parsed.metadata_changeset).toBeNull();
    expect(parsed.custom_fields_changeset).toBeNull();
  });

  it("tells null from absent", () => {
    const cleared = expectValid(SessionUpdateSchema, { name: null });
    const untouched = expectValid(SessionUpdateSchema, { description: "d" });

    expect(Object.keys(cleared)).toEqual(["name"]);
    expect(Object.keys(untouched)).toEqual(["description"]);
  });

  it("reads both changesets", () => {
    const parsed = expectValid(SessionUpdateSchema, {
      metadata_changeset: { put_tags: ["a"], put_fields: { "x.y": 1 } },
      custom_fields_changeset: { set_fields: { weather: "rain" }, clear_fields: ["pilot"] },
    });

    expect(parsed.metadata_changeset).toEqual({ put_tags: ["a"], put_fields: { "x.y": 1 } });
    expect(parsed.custom_fields_changeset).toEqual({
      set_fields: { weather: "rain" },
      clear_fields: ["pilot"],
    });
  });

  it("ignores unknown keys", () => {
    expect(expectValid(SessionUpdateSchema, { name: "a", tags: ["x"] })).toEqual({ name: "a" });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["a long name", { name: "n".repeat(121) }, "name", /at most 120/],
    ["a number description", { description: 1 }, "description", /string or null/],
    ["a changeset as a list", { metadata_changeset: [] }, "metadata_changeset", /JSON object/],
    [
      "a bad put_tags",
      { metadata_changeset: { put_tags: "a" } },
      "metadata_changeset.put_tags",
      /array/,
    ],
    [
      "a name set and cleared",
      { custom_fields_changeset: { set_fields: { a: 1 }, clear_fields: ["a"] } },
      "custom_fields_changeset.clear_fields",
      /both set and cleared/,
    ],
    [
      "a custom changeset as text",
      { custom_fields_changeset: "x" },
      "custom_fields_changeset",
      /JSON object/,
    ],
  ])("rejects %s", (_name, input, path, reason) => {
    expectIssue(SessionUpdateSchema, input, path, reason);
  });
});

describe("device attachment requests", () => {
  it.each([
    ["attach", AttachToDeviceRequestSchema],
    ["detach", DetachFromDeviceRequestSchema],
  ])("reads a %s request", (_name, schema) => {
    expect(expectValid(schema, { device_id: "robot_001", extra: 1 })).toEqual({
      device_id: "robot_001",
    });
  });

  it.each([
    ["attach", AttachToDeviceRequestSchema],
    ["detach", DetachFromDeviceRequestSchema],
  ])("requires a %s device id", (_name, schema) => {
    expectIssue(schema, {}, "device_id", /is required/);
    expectIssue(schema, { device_id: "" }, "device_id", /must not be empty/);
    expectIssue(schema, { device_id: 7 }, "device_id", /string id/);
  });
});

describe("CreateSessionFromDatasetRequestSchema", () => {
  it("fills defaults", () => {
    expect(expectValid(CreateSessionFromDatasetRequestSchema, { name: "n" })).toEqual({
      name: "n",
      tags: [],
      metadata: {},
      custom_fields: {},
    });
  });

  it("rejects a long name", () => {
    expectIssue(
      CreateSessionFromDatasetRequestSchema,
      { name: "n".repeat(121) },
      "name",
      /at most 120/,
    );
  });
});

describe("SessionKeySchema", () => {
  it("accepts slashes and spaces", () => {
    expect(expectValid(SessionKeySchema, "flights/42 run")).toBe("flights/42 run");
  });
});

describe("SessionRecordSchema", () => {
  const wire = `{
    "session_id": "ss_1", "org_id": "og_1", "key": null, "name": "n", "description": null,
    "tags": ["a"], "metadata": {"k": 1}, "custom_fields": {"weather": null},
    "min_timestamp_ns": 1700000060000000001, "max_timestamp_ns": 9223372036854775807,
    "created": "2026-04-23T08:00:00.000Z", "created_by": "u_1",
    "modified": "2026-04-23T08:00:00.000Z", "modified_by": "u_1"
  }`;

  it("reads exact bounds from the wire", () => {
    const parsed = expectValid(SessionRecordSchema, parseJson(wire));

    expect(parsed.min_timestamp_ns).toBe(T);
    expect(parsed.max_timestamp_ns).toBe(9223372036854775807n);
  });

  it("accepts null bounds", () => {
    const record = parseJson(
      wire.replace("1700000060000000001", "null").replace("9223372036854775807", "null"),
    );

    const parsed = expectValid(SessionRecordSchema, record);

    expect(parsed.min_timestamp_ns).toBeNull();
    expect(parsed.max_timestamp_ns).toBeNull();
  });

  it("rejects bounds read as numbers", () => {
    expectIssue(SessionRecordSchema, JSON.parse(wire), "min_timestamp_ns");
  });

  it("rejects null tags", () => {
    expectIssue(SessionRecordSchema, { ...(parseJson(wire) as object), tags: null }, "tags");
  });
});
