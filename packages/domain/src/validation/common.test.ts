import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../limits.js";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import {
  DeviceIdSchema,
  dedupeTags,
  IdSchema,
  jsonByteLength,
  jsonDepth,
  MetadataSchema,
  OptionalMetadataSchema,
  OptionalTagsSchema,
  PageQuerySchema,
  rejectArrays,
  TagsSchema,
} from "./common.js";

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { d: value };
  return value;
}

describe("IdSchema", () => {
  it.each([["ss_1"], ["x".repeat(LIMITS.idLength)], ["with space/and:colon"]])(
    "accepts %s",
    (id) => {
      expect(expectValid(IdSchema, id)).toBe(id);
    },
  );

  it.each<[string, unknown, RegExp]>([
    ["empty", "", /must not be empty/],
    ["too long", "x".repeat(LIMITS.idLength + 1), /at most 128/],
    ["a tab", "a\tb", /control characters/],
    ["a number", 5, /string id/],
  ])("rejects %s", (_name, id, reason) => {
    expectIssue(IdSchema, id, "body", reason);
  });
});

describe("DeviceIdSchema", () => {
  it.each([["robot_001"], ["R2.D2:left-arm"], ["0"]])("accepts %s", (id) => {
    expect(expectValid(DeviceIdSchema, id)).toBe(id);
  });

  it.each([["-robot"], ["robot 1"], ["robot/1"], ["é"], [""]])("rejects %s", (id) => {
    expectIssue(DeviceIdSchema, id, "body", /letters, digits/);
  });
});

describe("tags", () => {
  it("keeps first appearances in order", () => {
    expect(dedupeTags(["b", "a", "b", "c", "a"])).toEqual(["b", "a", "c"]);
  });

  it("dedupes before counting", () => {
    const tags = [...Array.from({ length: LIMITS.tagsPerEntity }, (_, i) => `t${i}`), "t0"];

    expect(expectValid(TagsSchema, tags)).toHaveLength(LIMITS.tagsPerEntity);
  });

  it("rejects one tag too many", () => {
    const tags = Array.from({ length: LIMITS.tagsPerEntity + 1 }, (_, i) => `t${i}`);

    expectIssue(TagsSchema, tags, "body", /at most 256 distinct tags/);
  });

  it("accepts the tag length limit", () => {
    expect(expectValid(TagsSchema, ["t".repeat(LIMITS.tagLength)])).toHaveLength(1);
  });

  it("reads null tags as empty", () => {
    expect(expectValid(OptionalTagsSchema, null)).toEqual([]);
    expect(expectValid(OptionalTagsSchema, undefined)).toEqual([]);
  });
});

describe("MetadataSchema", () => {
  it("accepts nested JSON", () => {
    const metadata = { a: { b: [1, { c: null }] }, d: "x", big_ns: 1700000060000000001n };

    expect(expectValid(MetadataSchema, metadata)).toEqual(metadata);
  });

  it("accepts the depth limit", () => {
    expect(expectValid(MetadataSchema, nested(LIMITS.metadataDepth))).toBeTruthy();
  });

  it("rejects one level too deep", () => {
    expectIssue(MetadataSchema, nested(LIMITS.metadataDepth + 1), "body", /deeper than 32 levels/);
  });

  it("rejects deep nesting without overflow", () => {
    const details = expectIssue(MetadataSchema, nested(200_000), "body", /deeper than 32 levels/);

    expect(details).toHaveLength(1);
  });

  it("accepts the size limit", () => {
    // `{"a":""}` is 8 bytes of JSON around the string.
    const metadata = { a: "x".repeat(LIMITS.metadataBytes - 8) };

    expect(jsonByteLength(metadata)).toBe(LIMITS.metadataBytes);
    expect(expectValid(MetadataSchema, metadata)).toEqual(metadata);
  });

  it("rejects one byte too many", () => {
    expectIssue(
      MetadataSchema,
      { a: "x".repeat(LIMITS.metadataBytes - 7) },
      "body",
      /at most 65536 bytes/,
    );
  });

  it("counts bytes in UTF-8", () => {
    expect(jsonByteLength({ a: "é" })).toBe(10);
    expect(jsonByteLength({ a_ns: 1700000060000000001n })).toBe(28);
  });

  it.each<[string, unknown]>([
    ["a list", [1, 2]],
    ["an empty list", []],
    ["text", "x"],
    ["a number", 1],
  ])("rejects %s", (_name, input) => {
    expectIssue(MetadataSchema, input, "body", /JSON object/);
  });

  it("drops __proto__ keys", () => {
    const input = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as unknown;

    const parsed = expectValid(MetadataSchema, input);

    expect(parsed).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads null metadata as empty", () => {
    expect(expectValid(OptionalMetadataSchema, null)).toEqual({});
  });
});

describe("jsonDepth", () => {
  it.each<[string, unknown, number]>([
    ["a scalar", 1, 0],
    ["null", null, 0],
    ["an empty object", {}, 1],
    ["an empty array", [], 1],
    ["nested objects", { a: { b: {} } }, 3],
    ["the deepest branch", { a: 1, b: [[1]], c: { d: 1 } }, 3],
  ])("measures %s", (_name, value, depth) => {
    expect(jsonDepth(value)).toBe(depth);
  });

  it("measures deep nesting", () => {
    expect(jsonDepth(nested(100_000))).toBe(100_000);
  });
});

describe("rejectArrays", () => {
  const schema = rejectArrays(v.object({ a: v.optional(v.string()) }));

  it("passes objects through", () => {
    expect(expectValid(schema, { a: "x" })).toEqual({ a: "x" });
  });

  it.each([[[]], [null], ["x"]])("rejects %j", (input) => {
    expectIssue(schema, input, "body", /must be a JSON object/);
  });
});

describe("PageQuerySchema", () => {
  it("defaults the limit", () => {
    expect(expectValid(PageQuerySchema, {})).toEqual({ limit: LIMITS.pageLimitDefault });
  });

  it.each<[unknown, number]>([
    [1, 1],
    [1000, 1000],
    ["25", 25],
  ])("reads limit %j", (limit, expected) => {
    expect(expectValid(PageQuerySchema, { limit }).limit).toBe(expected);
  });

  it.each<[unknown, RegExp]>([
    [0, /at least 1/],
    [1001, /at most 1000/],
    ["abc", /must be an integer/],
    [2.5, /must be an integer/],
    [null, /must be an integer/],
  ])("rejects limit %j", (limit, reason) => {
    expectIssue(PageQuerySchema, { limit }, "limit", reason);
  });

  it("reads a page token", () => {
    expect(expectValid(PageQuerySchema, { page_token: "abc" }).page_token).toBe("abc");
  });

  it("rejects a huge page token", () => {
    expectIssue(PageQuerySchema, { page_token: "t".repeat(4097) }, "page_token");
  });
});
