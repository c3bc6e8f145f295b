import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyMetadataChangeset,
  combineMetadataChangesets,
  type MetadataChangeset,
  type TaggedState,
} from "./metadata-changeset.js";

type Json = unknown;
type Path = string[];

// Few distinct keys and tags, so that generated changesets meet each other's paths.
const key = fc.constantFrom("a", "b", "c", "d");
const tag = fc.constantFrom("t1", "t2", "t3", "t4", "t5");
const tags = fc.uniqueArray(tag, { maxLength: 5 });
const scalar = fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null));

// JSON without empty objects or arrays. Pruning removes emptied containers, so
// an empty container that existed before could not come back.
const filled = fc.letrec<{ value: Json; object: Record<string, Json> }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    scalar,
    tie("object"),
    fc.array(tie("value"), { minLength: 1, maxLength: 3 }),
  ),
  object: fc.dictionary(key, tie("value"), { minKeys: 1, maxKeys: 3 }),
}));
const metadata = fc.oneof(fc.constant({}), filled.object);

// JSON of objects only, for the combine properties that exclude array paths.
const objectsOnly = fc.letrec<{ value: Json; object: Record<string, Json> }>((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalar, tie("object")),
  object: fc.dictionary(key, tie("value"), { maxKeys: 3 }),
}));

const path = fc.array(key, { minLength: 1, maxLength: 3 });

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === "object" && value !== null;
}

// Every object or array in the value, with its path from the root.
function containers(value: unknown, prefix: Path = []): { path: Path; node: object }[] {
  if (!isContainer(value)) return [];
  const found: { path: Path; node: object }[] = [{ path: prefix, node: value }];
  for (const [childKey, child] of Object.entries(value)) {
    found.push(...containers(child, [...prefix, childKey]));
  }
  return found;
}

function applyOk(state: TaggedState, changeset: MetadataChangeset): TaggedState {
  const result = applyMetadataChangeset(state, changeset);
  if (!result.ok) throw new Error(`unexpected error: ${JSON.stringify(result.details)}`);
  return result.value;
}

// A path that does not exist yet. It is a fresh key below an existing object,
// optionally with more fresh keys, or an index into an existing array, where
// the put inserts.
const freshPut = metadata.chain((current) =>
  fc.constantFrom(...containers(current)).chain(({ path: parent, node }) => {
    if (Array.isArray(node)) {
      return fc.record({
        current: fc.constant(current),
        path: fc.integer({ min: 0, max: node.length }).map((index) => [...parent, String(index)]),
        value: filled.value,
      });
    }
    return fc.record({
      current: fc.constant(current),
      path: fc
        .array(fc.constantFrom("x", "y", "z"), { minLength: 0, maxLength: 2 })
        .map((below) => [...parent, "fresh", ...below]),
      value: fc.oneof(filled.value, fc.constant({}), fc.constant([])),
    });
  }),
);

function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

const fieldChanges = fc.record({
  put: fc.array(fc.tuple(path, objectsOnly.value), { maxLength: 3 }),
  remove: fc.array(path, { maxLength: 3 }),
});

// Two changesets whose field paths never meet, so no path of one is equal to,
// or a prefix of, a path of the other. Tags are unrestricted.
const disjointPair = fc
  .record({
    first: fieldChanges,
    second: fieldChanges,
    firstTags: fc.record({ put: tags, remove: tags }),
    secondTags: fc.record({ put: tags, remove: tags }),
  })
  .map(({ first, second, firstTags, secondTags }) => {
    const firstPaths = [...first.put.map(([p]) => p), ...first.remove].map((p) => p.join("."));
    const apart = (p: Path) => !firstPaths.some((other) => overlaps(p.join("."), other));
    const toChangeset = (
      changes: { put: [Path, Json][]; remove: Path[] },
      tagChanges: { put: string[]; remove: string[] },
    ): MetadataChangeset => ({
      put_tags: tagChanges.put,
      remove_tags: tagChanges.remove,
      put_fields: Object.fromEntries(changes.put.map(([p, value]) => [p.join("."), value])),
      remove_fields: changes.remove.map((p) => p.join(".")),
    });
    return {
      first: toChangeset(first, firstTags),
      second: toChangeset(
        { put: second.put.filter(([p]) => apart(p)), remove: second.remove.filter(apart) },
        secondTags,
      ),
    };
  });

const anyChangeset: fc.Arbitrary<MetadataChangeset> = fc.record(
  {
    put_tags: tags,
    remove_tags: tags,
    put_fields: fc
      .array(fc.tuple(path, objectsOnly.value), { maxLength: 3 })
      .map((entries) => Object.fromEntries(entries.map(([p, value]) => [p.join("."), value]))),
    remove_fields: fc.array(
      path.map((p) => p.join(".")),
      { maxLength: 3 },
    ),
    replace_all: fc.boolean(),
  },
  { requiredKeys: [] },
);

const objectState = fc.record({ tags, metadata: objectsOnly.object });

describe("metadata changeset properties", () => {
  it("restores state after put and remove", () => {
    fc.assert(
      fc.property(freshPut, ({ current, path: putPath, value }) => {
        const state = { tags: [], metadata: current };
        const dotted = putPath.join(".");

        const afterPut = applyOk(state, { put_fields: { [dotted]: value } });
        const afterRemove = applyOk(afterPut, { remove_fields: [dotted] });

        expect(afterRemove.metadata).toEqual(current);
      }),
    );
  });

  it("restores tags after put and remove", () => {
    fc.assert(
      fc.property(tags, tag, (current, added) => {
        fc.pre(!current.includes(added));

        const afterPut = applyOk({ tags: current, metadata: {} }, { put_tags: [added] });
        const afterRemove = applyOk(afterPut, { remove_tags: [added] });

        expect(afterRemove.tags).toEqual(current);
      }),
    );
  });

  it("reads a put value back", () => {
    fc.assert(
      fc.property(objectsOnly.object, path, objectsOnly.value, (current, putPath, value) => {
        const result = applyMetadataChangeset(
          { tags: [], metadata: current },
          {
            put_fields: { [putPath.join(".")]: value },
          },
        );
        fc.pre(result.ok);

        let node: unknown = result.ok ? result.value.metadata : undefined;
        for (const segment of putPath) node = (node as Record<string, unknown>)[segment];

        expect(node).toEqual(value);
      }),
    );
  });

  it("never leaves emptied containers", () => {
    fc.assert(
      fc.property(filled.object, fc.array(path, { maxLength: 4 }), (current, paths) => {
        const result = applyOk(
          { tags: [], metadata: current },
          {
            remove_fields: paths.map((p) => p.join(".")),
          },
        );

        const empty = containers(result.metadata)
          .filter(({ path: at }) => at.length > 0)
          .filter(({ node }) => Object.keys(node).length === 0);
        expect(empty).toEqual([]);
      }),
    );
  });

  it("never mutates its input", () => {
    fc.assert(
      fc.property(objectState, anyChangeset, (state, changeset) => {
        const before = structuredClone(state);
        const changesetBefore = structuredClone(changeset);

        applyMetadataChangeset(state, changeset);

        expect(state).toEqual(before);
        expect(changeset).toEqual(changesetBefore);
      }),
    );
  });

  it("keeps tags free of duplicates", () => {
    fc.assert(
      fc.property(objectState, anyChangeset, (state, changeset) => {
        const result = applyMetadataChangeset(state, changeset);
        fc.pre(result.ok);

        const resultTags = result.ok ? result.value.tags : [];
        expect(new Set(resultTags).size).toBe(resultTags.length);
      }),
    );
  });

  it("combines disjoint changesets exactly", () => {
    fc.assert(
      fc.property(objectState, disjointPair, (state, { first, second }) => {
        // A tag that `first` removes and `second` puts back keeps its old place
        // in the combined changeset, as its doc comment states.
        const moved = (second.put_tags ?? []).filter((t) => first.remove_tags?.includes(t));
        const secondTags = (second.put_tags ?? []).filter((t) => !moved.includes(t));
        const exactSecond = { ...second, put_tags: secondTags };

        const afterFirst = applyMetadataChangeset(state, first);
        const sequential = afterFirst.ok
          ? applyMetadataChangeset(afterFirst.value, exactSecond)
          : afterFirst;
        const combined = combineMetadataChangesets(first, exactSecond);
        if (!combined.ok) throw new Error("combining two plain changesets failed");
        const applied = applyMetadataChangeset(state, combined.value);

        expect(applied.ok).toBe(sequential.ok);
        if (applied.ok && sequential.ok) expect(applied.value).toEqual(sequential.value);
      }),
      { numRuns: 300 },
    );
  });

  it("combines tag sets exactly", () => {
    fc.assert(
      fc.property(
        tags,
        fc.record({ put_tags: tags, remove_tags: tags }),
        fc.record({ put_tags: tags, remove_tags: tags }),
        (current, first, second) => {
          const state = { tags: current, metadata: {} };
          const sequential = applyOk(applyOk(state, first), second);
          const combined = combineMetadataChangesets(first, second);
          if (!combined.ok) throw new Error("combining tag changesets failed");

          const applied = applyOk(state, combined.value);

          expect(new Set(applied.tags)).toEqual(new Set(sequential.tags));
        },
      ),
    );
  });

  it("combines around replace_all exactly", () => {
    fc.assert(
      fc.property(
        objectState,
        anyChangeset,
        anyChangeset,
        fc.boolean(),
        (state, a, b, replaceFirst) => {
          const first = replaceFirst ? { ...a, replace_all: true } : a;
          const second = replaceFirst ? b : { ...b, replace_all: true };

          const afterFirst = applyMetadataChangeset(state, first);
          fc.pre(afterFirst.ok);
          const sequential = afterFirst.ok
            ? applyMetadataChangeset(afterFirst.value, second)
            : afterFirst;
          const combined = combineMetadataChangesets(first, second);

          if (!sequential.ok) {
            const applied = combined.ok ? applyMetadataChangeset(state, combined.value) : combined;
            expect(applied.ok).toBe(false);
            return;
          }
          if (!combined.ok)
            throw new Error(`combining failed: ${JSON.stringify(combined.details)}`);
          expect(applyOk(state, combined.value)).toEqual(sequential.value);
        },
      ),
      { numRuns: 300 },
    );
  });
});
