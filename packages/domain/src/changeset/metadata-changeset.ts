import * as v from "valibot";
import type { ErrorDetail } from "../errors/codes.js";
import { LIMITS } from "../limits.js";
import {
  dedupeTags,
  jsonByteLength,
  jsonDepth,
  MetadataSchema,
  rejectArrays,
  TagSchema,
} from "../validation/common.js";

const PathSchema = v.pipe(
  v.string("each path must be a string"),
  v.minLength(1, "a path must not be empty"),
  v.maxLength(1024, "a path must be at most 1024 characters"),
);

/**
 * Changes to tags and metadata, applied by `applyMetadataChangeset`. Every key
 * may be absent or `null`, meaning no change of that kind.
 */
export const MetadataChangesetSchema = rejectArrays(
  v.object({
    put_tags: v.nullish(v.array(TagSchema, "must be an array of strings")),
    remove_tags: v.nullish(v.array(TagSchema, "must be an array of strings")),
    put_fields: v.nullish(MetadataSchema),
    remove_fields: v.nullish(
      v.pipe(
        v.array(PathSchema, "must be an array of dot paths"),
        v.maxLength(LIMITS.changesetPaths, `must hold at most ${LIMITS.changesetPaths} paths`),
      ),
    ),
    replace_all: v.nullish(v.boolean("must be true or false")),
  }),
);

/** A parsed metadata changeset. */
export type MetadataChangeset = v.InferOutput<typeof MetadataChangesetSchema>;

/** Tags and metadata of an entity, the state a metadata changeset changes. */
export interface TaggedState {
  tags: string[];
  metadata: Record<string, unknown>;
}

/** Result of applying a changeset: the new state, or why the changeset is invalid. */
export type ChangesetResult<T> = { ok: true; value: T } | { ok: false; details: ErrorDetail[] };

type Container = Record<string, unknown> | unknown[];

const INDEX = /^(?:0|[1-9]\d*)$/;
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

/** Tells whether a changeset changes nothing. `replace_all` alone clears everything, so it is not empty. */
export function isMetadataChangesetEmpty(changeset: MetadataChangeset | null | undefined): boolean {
  if (!changeset) return true;
  if (changeset.replace_all) return false;
  return (
    !changeset.put_tags?.length &&
    !changeset.remove_tags?.length &&
    (!changeset.put_fields || Object.keys(changeset.put_fields).length === 0) &&
    !changeset.remove_fields?.length
  );
}

/**
 * Applies a metadata changeset to tags and metadata without changing the input.
 *
 * Tags go before fields and puts before removes. `put_tags` appends tags not
 * yet present, in order; `remove_tags` drops the named tags. `put_fields` sets
 * values by dot path, creating intermediate objects. A numeric segment indexes
 * an array and must name an existing element, unless it is the last segment:
 * there the value is inserted at that index, or appended past the end.
 * `remove_fields` deletes by dot path, ignores paths that do not exist and
 * removes containers the deletion left empty, up to the root. With
 * `replace_all`, tags become `put_tags`, metadata becomes `put_fields` with its
 * keys taken literally, and the removes then apply. A result beyond the entity
 * limits (`LIMITS.tagsPerEntity`, `metadataDepth`, `metadataBytes`) is invalid.
 */
export function applyMetadataChangeset(
  state: TaggedState,
  changeset: MetadataChangeset | null | undefined,
): ChangesetResult<TaggedState> {
  if (!changeset) return { ok: true, value: { tags: [...state.tags], metadata: state.metadata } };

  let tags = changeset.replace_all ? [] : [...state.tags];
  const present = new Set(tags);
  for (const tag of changeset.put_tags ?? []) {
    if (!present.has(tag)) {
      present.add(tag);
      tags.push(tag);
    }
  }
  if (changeset.remove_tags?.length) {
    const removed = new Set(changeset.remove_tags);
    tags = tags.filter((tag) => !removed.has(tag));
  }
  if (tags.length > LIMITS.tagsPerEntity) {
    return invalid(
      "put_tags",
      `the entity would hold ${tags.length} tags, more than the limit of ${LIMITS.tagsPerEntity}`,
    );
  }

  let metadata: Record<string, unknown>;
  if (changeset.replace_all) {
    metadata = structuredClone(changeset.put_fields ?? {});
  } else {
    metadata = structuredClone(state.metadata);
    for (const [path, value] of Object.entries(changeset.put_fields ?? {})) {
      const problem = putPath(metadata, path, structuredClone(value));
      if (problem) return invalid(`put_fields.${path}`, problem);
    }
  }
  for (const path of changeset.remove_fields ?? []) {
    const problem = removePath(metadata, path);
    if (problem) return invalid("remove_fields", problem);
  }

  const limitProblem = metadataLimitProblem(metadata);
  if (limitProblem) return invalid("put_fields", limitProblem);

  return { ok: true, value: { tags, metadata } };
}

// Puts into existing metadata can grow it past the limits that each request
// body already meets on its own.
function metadataLimitProblem(metadata: Record<string, unknown>): string | undefined {
  const depth = jsonDepth(metadata);
  if (depth > LIMITS.metadataDepth) {
    return `the metadata would nest ${depth} levels deep, more than the limit of ${LIMITS.metadataDepth}; put flatter values`;
  }
  const bytes = jsonByteLength(metadata);
  if (bytes > LIMITS.metadataBytes) {
    return `the metadata would take ${bytes} bytes as JSON, more than the limit of ${LIMITS.metadataBytes}; remove fields or put smaller values`;
  }
  return undefined;
}

/**
 * Combines two changesets into one whose application equals applying `first`
 * and then `second`, wherever one changeset can express that.
 *
 * The result is exact in three cases. `second` has `replace_all`. `first` has
 * `replace_all`, and then its state is computed and `second` applied to it.
 * Or no field path of one changeset equals or prefixes a path of the other,
 * and no path indexes an array. Tag sets are always exact, and the order
 * differs only for a tag that `first` removes and `second` puts back, which
 * keeps its old position instead of moving to the end.
 */
export function combineMetadataChangesets(
  first: MetadataChangeset | null | undefined,
  second: MetadataChangeset | null | undefined,
): ChangesetResult<MetadataChangeset> {
  if (!first) return { ok: true, value: { ...(second ?? {}) } as MetadataChangeset };
  if (!second) return { ok: true, value: { ...first } };
  if (second.replace_all) return { ok: true, value: { ...second } };

  if (first.replace_all) {
    const afterFirst = applyMetadataChangeset({ tags: [], metadata: {} }, first);
    if (!afterFirst.ok) return afterFirst;
    const afterBoth = applyMetadataChangeset(afterFirst.value, second);
    if (!afterBoth.ok) return afterBoth;
    return {
      ok: true,
      value: {
        replace_all: true,
        put_tags: afterBoth.value.tags,
        put_fields: afterBoth.value.metadata,
      },
    };
  }

  const secondRemovedTags = new Set(second.remove_tags ?? []);
  const secondPutTags = new Set(second.put_tags ?? []);
  const putTags = dedupeTags([
    ...(first.put_tags ?? []).filter((tag) => !secondRemovedTags.has(tag)),
    ...(second.put_tags ?? []),
  ]);
  const removeTags = dedupeTags([
    ...(first.remove_tags ?? []).filter((tag) => !secondPutTags.has(tag)),
    ...(second.remove_tags ?? []),
  ]);

  const secondPaths = [...Object.keys(second.put_fields ?? {}), ...(second.remove_fields ?? [])];
  const putFields: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(first.put_fields ?? {})) {
    if (!secondPaths.some((other) => overlaps(path, other))) putFields[path] = value;
  }
  Object.assign(putFields, second.put_fields ?? {});

  const secondPuts = Object.keys(second.put_fields ?? {});
  const removeFields = dedupeTags([
    ...(first.remove_fields ?? []).filter((path) => !secondPuts.some((put) => overlaps(path, put))),
    ...(second.remove_fields ?? []),
  ]);

  const combined: MetadataChangeset = {};
  if (putTags.length) combined.put_tags = putTags;
  if (removeTags.length) combined.remove_tags = removeTags;
  if (Object.keys(putFields).length) combined.put_fields = putFields;
  if (removeFields.length) combined.remove_fields = removeFields;
  return { ok: true, value: combined };
}

function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

function invalid(path: string, reason: string): { ok: false; details: ErrorDetail[] } {
  return { ok: false, details: [{ path, reason }] };
}

function splitPath(path: string): string[] | string {
  const segments = path.split(".");
  if (segments.some((segment) => segment === "")) {
    return `path '${path}' has an empty segment; use dot-separated keys such as 'a.b.0'`;
  }
  const forbidden = segments.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (forbidden) return `path '${path}' uses the reserved key '${forbidden}'`;
  return segments;
}

function isContainer(value: unknown): value is Container {
  return typeof value === "object" && value !== null;
}

// Sets `value` at `path`; returns a reason when the path cannot be set.
function putPath(root: Record<string, unknown>, path: string, value: unknown): string | undefined {
  const segments = splitPath(path);
  if (typeof segments === "string") return segments;

  let container: Container = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i] as string;
    const walked = segments.slice(0, i + 1).join(".");

    if (Array.isArray(container)) {
      if (!INDEX.test(segment)) {
        return `'${segments.slice(0, i).join(".")}' is an array, so '${segment}' must be an index`;
      }
      const index = Number(segment);
      if (index >= container.length) {
        return `index ${index} in '${walked}' is out of range: the array has ${container.length} elements`;
      }
      const child: unknown = container[index];
      if (!isContainer(child)) {
        return `'${walked}' is a ${typeName(child)}, not an object or array, so '${path}' cannot be set`;
      }
      container = child;
      continue;
    }

    const child: unknown = Object.hasOwn(container, segment) ? container[segment] : undefined;
    if (child === undefined) {
      const created: Record<string, unknown> = {};
      container[segment] = created;
      container = created;
    } else if (isContainer(child)) {
      container = child;
    } else {
      return `'${walked}' is a ${typeName(child)}, not an object or array, so '${path}' cannot be set`;
    }
  }

  const last = segments[segments.length - 1] as string;
  if (Array.isArray(container)) {
    if (!INDEX.test(last)) {
      return `'${segments.slice(0, -1).join(".")}' is an array, so '${last}' must be an index`;
    }
    container.splice(Math.min(Number(last), container.length), 0, value);
  } else {
    container[last] = value;
  }
  return undefined;
}

// Deletes the value at `path` and prunes containers left empty; a missing path is ignored.
function removePath(root: Record<string, unknown>, path: string): string | undefined {
  const segments = splitPath(path);
  if (typeof segments === "string") return segments;

  const chain: Container[] = [root];
  let container: Container = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const child = childAt(container, segments[i] as string);
    if (!isContainer(child)) return undefined;
    chain.push(child);
    container = child;
  }

  const last = segments[segments.length - 1] as string;
  if (!deleteChild(container, last)) return undefined;

  for (let depth = chain.length - 1; depth > 0; depth--) {
    const emptied = chain[depth] as Container;
    const size = Array.isArray(emptied) ? emptied.length : Object.keys(emptied).length;
    if (size > 0) break;
    deleteChild(chain[depth - 1] as Container, segments[depth - 1] as string);
  }
  return undefined;
}

function childAt(container: Container, segment: string): unknown {
  if (Array.isArray(container)) {
    return INDEX.test(segment) ? container[Number(segment)] : undefined;
  }
  return Object.hasOwn(container, segment) ? container[segment] : undefined;
}

function deleteChild(container: Container, segment: string): boolean {
  if (Array.isArray(container)) {
    if (!INDEX.test(segment) || Number(segment) >= container.length) return false;
    container.splice(Number(segment), 1);
    return true;
  }
  if (!Object.hasOwn(container, segment)) return false;
  delete container[segment];
  return true;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  return typeof value;
}
