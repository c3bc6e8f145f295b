import { afterEach, describe, expect, it } from "vitest";
import { parseJson } from "../json/int64-json.js";
import { LIMITS } from "../limits.js";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import {
  applyMetadataChangeset,
  combineMetadataChangesets,
  isMetadataChangesetEmpty,
  type MetadataChangeset,
  MetadataChangesetSchema,
  type TaggedState,
} from "./metadata-changeset.js";

function state(metadata: Record<string, unknown> = {}, tags: string[] = []): TaggedState {
  return { tags, metadata };
}

function applyOk(current: TaggedState, changeset: MetadataChangeset | null): TaggedState {
  const result = applyMetadataChangeset(current, changeset);
  if (!result.ok) expect.fail(`expected success, got ${JSON.stringify(result.details)}`);
  return result.value;
}

function applyError(current: TaggedState, changeset: MetadataChangeset) {
  const result = applyMetadataChangeset(current, changeset);
  if (result.ok) expect.fail(`expected an error, got ${JSON.stringify(result.value)}`);
  expect(result.details).toHaveLength(1);
  return result.details[0] as { path: string; reason: string };
}

describe("applyMetadataChangeset tags", () => {
  it.each<[string, string[], MetadataChangeset, string[]]>([
    ["appends new tags in order", ["a"], { put_tags: ["b", "a", "c"] }, ["a", "b", "c"]],
    ["keeps a repeated tag once", [], { put_tags: ["x", "y", "x"] }, ["x", "y"]],
    ["removes named tags", ["a", "b", "c"], { remove_tags: ["b"] }, ["a", "c"]],
    ["ignores absent removed tags", ["a"], { remove_tags: ["z"] }, ["a"]],
    ["applies puts before removes", ["a"], { put_tags: ["x"], remove_tags: ["x"] }, ["a"]],
    ["keeps order when putting present", ["b", "a"], { put_tags: ["a", "b"] }, ["b", "a"]],
    ["replaces all tags", ["a", "b"], { replace_all: true, put_tags: ["c", "a"] }, ["c", "a"]],
    ["clears tags on bare replace", ["a"], { replace_all: true }, []],
    [
      "removes after replacing",
      ["a"],
      { replace_all: true, put_tags: ["b", "c"], remove_tags: ["b"] },
      ["c"],
    ],
    ["treats null lists as absent", ["a"], { put_tags: null, remove_tags: null }, ["a"]],
  ])("%s", (_name, tags, changeset, expected) => {
    expect(applyOk(state({}, tags), changeset).tags).toEqual(expected);
  });

  it("rejects more tags than allowed", () => {
    const existing = Array.from({ length: LIMITS.tagsPerEntity }, (_, i) => `t${i}`);

    const detail = applyError(state({}, existing), { put_tags: ["one-more"] });

    expect(detail.path).toBe("put_tags");
    expect(detail.reason).toContain(String(LIMITS.tagsPerEntity));
  });

  it("accepts exactly the tag limit", () => {
    const tags = Array.from({ length: LIMITS.tagsPerEntity }, (_, i) => `t${i}`);

    expect(applyOk(state(), { put_tags: tags }).tags).toHaveLength(LIMITS.tagsPerEntity);
  });
});

describe("applyMetadataChangeset put_fields", () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]>([
    ["sets a top-level key", {}, { a: 1 }, { a: 1 }],
    ["creates intermediate objects", {}, { "a.b.c": 1 }, { a: { b: { c: 1 } } }],
    ["keeps siblings", { a: { x: 1 } }, { "a.y": 2 }, { a: { x: 1, y: 2 } }],
    [
      "overwrites a value",
      { a: { x: 1 } },
      { "a.x": { deep: true } },
      { a: { x: { deep: true } } },
    ],
    ["overwrites a whole object", { a: { x: 1 } }, { a: 2 }, { a: 2 }],
    ["puts null as a value", { a: 1 }, { a: null }, { a: null }],
    [
      "indexes into an array",
      { a: [{ x: 1 }, { x: 2 }] },
      { "a.1.y": 3 },
      { a: [{ x: 1 }, { x: 2, y: 3 }] },
    ],
    ["inserts at the last index", { a: [1, 2, 3] }, { "a.1": 9 }, { a: [1, 9, 2, 3] }],
    ["inserts at index zero", { a: [1, 2] }, { "a.0": 9 }, { a: [9, 1, 2] }],
    ["appends at the length", { a: [1, 2] }, { "a.2": 9 }, { a: [1, 2, 9] }],
    ["appends past the end", { a: [1, 2] }, { "a.10": 9 }, { a: [1, 2, 9] }],
    ["inserts into an empty array", { a: [] }, { "a.5": 9 }, { a: [9] }],
    ["inserts into nested arrays", { a: [[1, 2]] }, { "a.0.1": 9 }, { a: [[1, 9, 2]] }],
    ["treats digits as object keys", { a: {} }, { "a.0": 1 }, { a: { "0": 1 } }],
    ["creates objects for digits", {}, { "a.0.b": 1 }, { a: { "0": { b: 1 } } }],
    ["applies puts in order", {}, { a: { x: 1 }, "a.y": 2 }, { a: { x: 1, y: 2 } }],
    ["ignores inherited names", {}, { "toString.x": 1 }, { toString: { x: 1 } }],
    [
      "keeps bigint values",
      {},
      { "t.start_ns": 1700000060000000001n },
      { t: { start_ns: 1700000060000000001n } },
    ],
  ])("%s", (_name, metadata, putFields, expected) => {
    expect(applyOk(state(metadata), { put_fields: putFields }).metadata).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      "an out-of-range index",
      { a: [{ x: 1 }] },
      "a.1.x",
      /index 1 in 'a.1' is out of range: the array has 1 elements/,
    ],
    ["an index into an empty array", { a: [] }, "a.0.x", /out of range/],
    ["a key on an array", { a: [1] }, "a.x.y", /'a' is an array, so 'x' must be an index/],
    ["a last key on an array", { a: [1] }, "a.x", /'a' is an array, so 'x' must be an index/],
    ["a leading-zero index", { a: [1, 2] }, "a.01", /must be an index/],
    ["a negative index", { a: [1, 2] }, "a.-1", /must be an index/],
    ["a path through a number", { a: 5 }, "a.b", /'a' is a number, not an object or array/],
    ["a path through a string", { a: "s" }, "a.b.c", /'a' is a string/],
    ["a path through null", { a: null }, "a.b", /'a' is a null/],
    ["a path through an array scalar", { a: [1] }, "a.0.x", /'a.0' is a number/],
    ["an empty segment", {}, "a..b", /empty segment/],
    ["a trailing dot", {}, "a.", /empty segment/],
    ["an empty path", {}, "", /empty segment/],
  ])("rejects %s", (_name, metadata, path, reason) => {
    const detail = applyError(state(metadata), { put_fields: { [path]: 1 } });

    expect(detail.path).toBe(`put_fields.${path}`);
    expect(detail.reason).toMatch(reason);
  });

  it("rejects metadata grown past the size limit", () => {
    const half = "x".repeat(LIMITS.metadataBytes / 2);

    const detail = applyError(state({ a: half }), { put_fields: { b: half } });

    expect(detail.path).toBe("put_fields");
    expect(detail.reason).toContain(String(LIMITS.metadataBytes));
  });

  it("rejects metadata nested past the depth limit", () => {
    let deep: unknown = 1;
    for (let i = 0; i < LIMITS.metadataDepth - 1; i++) deep = { d: deep };

    const within = applyOk(state(), { put_fields: { a: deep } });
    const detail = applyError(within, { put_fields: { "a.d": { e: deep } } });

    expect(detail.path).toBe("put_fields");
    expect(detail.reason).toMatch(/levels deep/);
  });
});

describe("applyMetadataChangeset remove_fields", () => {
  it.each<[string, Record<string, unknown>, string[], Record<string, unknown>]>([
    ["removes a top-level key", { a: 1, b: 2 }, ["a"], { b: 2 }],
    ["removes a nested key", { a: { x: 1, y: 2 } }, ["a.x"], { a: { y: 2 } }],
    ["ignores a missing key", { a: 1 }, ["b"], { a: 1 }],
    ["ignores a missing nested key", { a: { x: 1 } }, ["a.y.z"], { a: { x: 1 } }],
    ["ignores a path through a scalar", { a: 1 }, ["a.b"], { a: 1 }],
    ["ignores a key on an array", { a: [1] }, ["a.x"], { a: [1] }],
    ["ignores an index past the end", { a: [1] }, ["a.3"], { a: [1] }],
    ["ignores a leading-zero index", { a: [1, 2] }, ["a.01"], { a: [1, 2] }],
    ["ignores an inherited name", { a: 1 }, ["toString"], { a: 1 }],
    ["prunes emptied objects to the root", { a: { b: { c: 1 } } }, ["a.b.c"], {}],
    [
      "stops pruning at a non-empty parent",
      { a: { b: { c: 1 }, d: 2 } },
      ["a.b.c"],
      { a: { d: 2 } },
    ],
    ["removes an array element", { a: [1, 2, 3] }, ["a.1"], { a: [1, 3] }],
    ["prunes an emptied array", { a: [1], b: 1 }, ["a.0"], { b: 1 }],
    ["prunes an emptied array element", { a: [{ x: 1 }, 2] }, ["a.0.x"], { a: [2] }],
    ["keeps other empty containers", { a: {}, b: 1 }, ["b"], { a: {} }],
    ["removes in order", { a: [1, 2, 3] }, ["a.0", "a.0"], { a: [3] }],
    ["removes a whole subtree", { a: { b: { c: 1 } }, d: 1 }, ["a"], { d: 1 }],
  ])("%s", (_name, metadata, removeFields, expected) => {
    expect(applyOk(state(metadata), { remove_fields: removeFields }).metadata).toEqual(expected);
  });

  it("applies puts before removes", () => {
    const result = applyOk(state({ a: 1 }), { put_fields: { "b.c": 2 }, remove_fields: ["b.c"] });

    expect(result.metadata).toEqual({ a: 1 });
  });

  it("applies tags before fields", () => {
    const result = applyOk(state({ a: 1 }, ["t"]), {
      put_tags: ["u"],
      remove_tags: ["t"],
      put_fields: { b: 2 },
      remove_fields: ["a"],
    });

    expect(result).toEqual({ tags: ["u"], metadata: { b: 2 } });
  });
});

describe("applyMetadataChangeset replace_all", () => {
  it("replaces all metadata", () => {
    const result = applyOk(state({ a: 1, b: { c: 2 } }), {
      replace_all: true,
      put_fields: { d: 3 },
    });

    expect(result.metadata).toEqual({ d: 3 });
  });

  it("takes put keys literally", () => {
    const result = applyOk(state({ a: 1 }), {
      replace_all: true,
      put_fields: { "a.b": 1, "x.0": 2 },
    });

    expect(result.metadata).toEqual({ "a.b": 1, "x.0": 2 });
  });

  it("clears metadata without put_fields", () => {
    expect(applyOk(state({ a: 1 }), { replace_all: true }).metadata).toEqual({});
  });

  it("applies removes after replacing", () => {
    const result = applyOk(state({ z: 1 }), {
      replace_all: true,
      put_fields: { a: { b: 1 }, c: 2 },
      remove_fields: ["a.b", "z"],
    });

    expect(result.metadata).toEqual({ c: 2 });
  });

  it("changes nothing when false", () => {
    const result = applyOk(state({ a: 1 }, ["t"]), { replace_all: false, put_fields: { b: 2 } });

    expect(result).toEqual({ tags: ["t"], metadata: { a: 1, b: 2 } });
  });
});

describe("applyMetadataChangeset inputs", () => {
  it("changes nothing for null", () => {
    const current = state({ a: { b: 1 } }, ["t"]);

    expect(applyOk(current, null)).toEqual(current);
  });

  it("leaves the input state unchanged", () => {
    const current = state({ a: { b: [1, 2] }, c: 1 }, ["t"]);
    const before = structuredClone(current);

    applyOk(current, {
      put_tags: ["u"],
      remove_tags: ["t"],
      put_fields: { "a.b.0": 0, "a.x": 1 },
      remove_fields: ["c"],
    });

    expect(current).toEqual(before);
  });

  it("copies put values", () => {
    const value = { nested: { n: 1 } };

    const result = applyOk(state(), { put_fields: { a: value } });
    value.nested.n = 2;

    expect(result.metadata).toEqual({ a: { nested: { n: 1 } } });
  });

  it("shares nothing with the input", () => {
    const current = state({ a: { b: 1 } });

    const result = applyOk(current, { put_fields: { c: 1 } });
    (result.metadata.a as { b: number }).b = 2;

    expect(current.metadata).toEqual({ a: { b: 1 } });
  });
});

describe("applyMetadataChangeset prototype safety", () => {
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it.each([
    ["__proto__.polluted"],
    ["a.__proto__.polluted"],
    ["constructor.prototype.polluted"],
    ["a.constructor"],
    ["prototype"],
    ["__proto__"],
  ])("rejects putting %s", (path) => {
    const detail = applyError(state({ a: {} }), { put_fields: { [path]: true } });

    expect(detail.path).toBe(`put_fields.${path}`);
    expect(detail.reason).toMatch(/reserved key/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([["__proto__"], ["a.__proto__"], ["constructor.prototype"]])(
    "rejects removing %s",
    (path) => {
      const detail = applyError(state({ a: {} }), { remove_fields: [path] });

      expect(detail.path).toBe("remove_fields");
      expect(detail.reason).toMatch(/reserved key/);
      expect(Object.prototype.toString).toBeTypeOf("function");
    },
  );

  it("keeps a literal __proto__ key own", () => {
    const putFields = parseJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;

    const result = applyOk(state(), { replace_all: true, put_fields: putFields });

    expect(Object.getPrototypeOf(result.metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(result.metadata, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("isMetadataChangesetEmpty", () => {
  it.each<[string, MetadataChangeset | null | undefined, boolean]>([
    ["null", null, true],
    ["undefined", undefined, true],
    ["an empty object", {}, true],
    ["empty lists", { put_tags: [], remove_tags: [], remove_fields: [] }, true],
    ["empty put_fields", { put_fields: {} }, true],
    ["null members", { put_tags: null, put_fields: null, replace_all: null }, true],
    ["replace_all false", { replace_all: false }, true],
    ["replace_all true", { replace_all: true }, false],
    ["put_tags", { put_tags: ["a"] }, false],
    ["remove_tags", { remove_tags: ["a"] }, false],
    ["put_fields", { put_fields: { a: 1 } }, false],
    ["remove_fields", { remove_fields: ["a"] }, false],
  ])("returns %s for %s", (_name, changeset, expected) => {
    expect(isMetadataChangesetEmpty(changeset)).toBe(expected);
  });

  it("agrees with applying", () => {
    const current = state({ a: { b: 1 } }, ["t"]);

    for (const changeset of [
      {},
      { put_fields: {} },
      { replace_all: false },
    ] as MetadataChangeset[]) {
      expect(isMetadataChangesetEmpty(changeset)).toBe(true);
      expect(applyOk(current, changeset)).toEqual(current);
    }
  });
});

describe("combineMetadataChangesets", () => {
  function combineOk(first: MetadataChangeset | null, second: MetadataChangeset | null) {
    const result = combineMetadataChangesets(first, second);
    if (!result.ok) expect.fail(`expected success, got ${JSON.stringify(result.details)}`);
    return result.value;
  }

  it.each<[string, MetadataChangeset | null, MetadataChangeset | null, MetadataChangeset]>([
    ["returns second without first", null, { put_tags: ["a"] }, { put_tags: ["a"] }],
    ["returns first without second", { put_tags: ["a"] }, null, { put_tags: ["a"] }],
    ["returns empty for two nulls", null, null, {}],
    [
      "returns a replacing second",
      { put_tags: ["a"], put_fields: { x: 1 } },
      { replace_all: true, put_tags: ["b"] },
      { replace_all: true, put_tags: ["b"] },
    ],
    ["joins disjoint tags", { put_tags: ["a"] }, { put_tags: ["b"] }, { put_tags: ["a", "b"] }],
    [
      "lets a later removal win",
      { put_tags: ["a"] },
      { remove_tags: ["a"] },
      { remove_tags: ["a"] },
    ],
    ["lets a later put win", { remove_tags: ["a"] }, { put_tags: ["a"] }, { put_tags: ["a"] }],
    [
      "joins disjoint fields",
      { put_fields: { a: 1 }, remove_fields: ["b"] },
      { put_fields: { c: 2 }, remove_fields: ["d"] },
      { put_fields: { a: 1, c: 2 }, remove_fields: ["b", "d"] },
    ],
    [
      "lets a later value win",
      { put_fields: { a: 1 } },
      { put_fields: { a: 2 } },
      { put_fields: { a: 2 } },
    ],
    [
      "drops a put under a later put",
      { put_fields: { "a.x": 1 } },
      { put_fields: { a: 2 } },
      { put_fields: { a: 2 } },
    ],
    [
      "lets a later remove win",
      { put_fields: { a: 1 } },
      { remove_fields: ["a"] },
      { remove_fields: ["a"] },
    ],
    [
      "lets a later put undo a remove",
      { remove_fields: ["a"] },
      { put_fields: { a: 1 } },
      { put_fields: { a: 1 } },
    ],
    [
      "keeps repeated removes once",
      { remove_fields: ["a"] },
      { remove_fields: ["a"] },
      { remove_fields: ["a"] },
    ],
  ])("%s", (_name, first, second, expected) => {
    expect(combineOk(first, second)).toEqual(expected);
  });

  it("folds a replacing first", () => {
    const combined = combineOk(
      { replace_all: true, put_tags: ["a", "b"], put_fields: { "k.1": 1, m: { n: 1 } } },
      { put_tags: ["c"], remove_tags: ["a"], put_fields: { "m.o": 2 }, remove_fields: ["m.n"] },
    );

    expect(combined).toEqual({
      replace_all: true,
      put_tags: ["b", "c"],
      put_fields: { "k.1": 1, m: { o: 2 } },
    });
  });

  it("reports an invalid replacing first", () => {
    const tooMany = Array.from({ length: LIMITS.tagsPerEntity + 1 }, (_, i) => `t${i}`);

    const result = combineMetadataChangesets(
      { replace_all: true, put_tags: tooMany },
      { put_tags: ["x"] },
    );

    expect(result.ok).toBe(false);
  });

  it("reports an invalid second after replacing", () => {
    const result = combineMetadataChangesets(
      { replace_all: true, put_fields: { a: 1 } },
      { put_fields: { "a.b": 2 } },
    );

    expect(result).toEqual({
      ok: false,
      details: [{ path: "put_fields.a.b", reason: expect.stringMatching(/'a' is a number/) }],
    });
  });

  it("equals applying both for a sample", () => {
    const current = state({ a: { x: 1 }, b: [1, 2], c: 3 }, ["t", "u"]);
    const first: MetadataChangeset = {
      put_tags: ["v"],
      put_fields: { "a.y": 2 },
      remove_fields: ["c"],
    };
    const second: MetadataChangeset = {
      remove_tags: ["t"],
      put_fields: { d: 4 },
      remove_fields: ["a.x"],
    };

    const sequential = applyOk(applyOk(current, first), second);
    const combined = applyOk(current, combineOk(first, second));

    expect(combined).toEqual(sequential);
  });
});

describe("MetadataChangesetSchema", () => {
  it("accepts a full changeset", () => {
    const input = {
      put_tags: ["a"],
      remove_tags: ["b"],
      put_fields: { "x.y": 1 },
      remove_fields: ["z"],
      replace_all: false,
    };

    expect(expectValid(MetadataChangesetSchema, input)).toEqual(input);
  });

  it("accepts nulls everywhere", () => {
    const input = {
      put_tags: null,
      remove_tags: null,
      put_fields: null,
      remove_fields: null,
      replace_all: null,
    };

    expect(expectValid(MetadataChangesetSchema, input)).toEqual(input);
  });

  it("ignores unknown keys", () => {
    expect(expectValid(MetadataChangesetSchema, { put_tags: ["a"], extra: 1 })).toEqual({
      put_tags: ["a"],
    });
  });

  it.each<[string, unknown, string, RegExp]>([
    ["put_tags not a list", { put_tags: "a" }, "put_tags", /array of strings/],
    ["a tag not a string", { put_tags: ["a", 1] }, "put_tags.1", /must be a string/],
    ["an empty tag", { remove_tags: [""] }, "remove_tags.0", /must not be empty/],
    ["a long tag", { put_tags: ["x".repeat(LIMITS.tagLength + 1)] }, "put_tags.0", /at most 128/],
    ["put_fields as a list", { put_fields: [1] }, "put_fields", /JSON object/],
    ["a path not a string", { remove_fields: [1] }, "remove_fields.0", /must be a string/],
    ["an empty path", { remove_fields: [""] }, "remove_fields.0", /must not be empty/],
    ["a long path", { remove_fields: ["x".repeat(1025)] }, "remove_fields.0", /at most 1024/],
    [
      "too many paths",
      { remove_fields: Array.from({ length: LIMITS.changesetPaths + 1 }, (_, i) => `p${i}`) },
      "remove_fields",
      /at most 1000 paths/,
    ],
    ["replace_all as text", { replace_all: "yes" }, "replace_all", /true or false/],
  ])("rejects %s", (_name, input, path, reason) => {
    expectIssue(MetadataChangesetSchema, input, path, reason);
  });

  it("rejects a body that is not an object", () => {
    expectIssue(MetadataChangesetSchema, [1], "body");
  });
});
