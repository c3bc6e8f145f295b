import {
  type Comparator,
  comparatorsOf,
  comparatorText,
  type FieldDefinition,
  formatQueryValue,
  formatRfc3339Ns,
  PRESENCE_COMPARATORS,
  type QueryScalar,
  resolveSearchField,
} from "@sortie/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Clock, msToNs } from "../src/util/clock.js";
import { insertFieldValue, insertReadyField, searchIds, type TestField } from "./search-fixture.js";
import { TEST_DIALECTS } from "./support/databases.js";
import { createDataset, createDevice, createSession, registerFile } from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

// Every filterable field with every comparator it takes, checked against a
// model of the same sessions evaluated in JavaScript. Each case runs as a
// query string and as the equivalent JSON tree.

const W = 1_776_902_400_000_000_000n; // 2026-04-23T00:00:00Z
const SECOND = 1_000_000_000n;
const CREATED_MS = Date.UTC(2026, 4, 1);

type Scalar = string | number | bigint | boolean;
type ListField = "tags" | "device.device_id" | "dataset.dataset_id" | "file.file_id";

/** One session of the model. */
interface ModelSession {
  label: string;
  id: string;
  scalars: Record<string, Scalar | null>;
  lists: Record<ListField, string[]>;
}

const CUSTOM_DEFINITIONS: [string, FieldDefinition][] = [
  [
    "weather",
    {
      field_name: "weather",
      field_type: "enum",
      options: { field_type: "enum", enum_values: ["clear", "rain", "fog"] },
    },
  ],
  ["speed", { field_name: "speed", field_type: "number" }],
  ["inspected", { field_name: "inspected", field_type: "boolean" }],
  ["notes", { field_name: "notes", field_type: "string" }],
  ["landed_at", { field_name: "landed_at", field_type: "timestamp" }],
];
const CUSTOM = new Map(CUSTOM_DEFINITIONS);

// Fields as a query writes them; aliases map to the same model values.
const FIELDS: { written: string; model: string }[] = [
  { written: "session_id", model: "session_id" },
  { written: "id", model: "session_id" },
  { written: "name", model: "name" },
  { written: "tags", model: "tags" },
  { written: "created", model: "created" },
  { written: "modified", model: "modified" },
  { written: "min_timestamp_ns", model: "min_timestamp_ns" },
  { written: "start_time", model: "min_timestamp_ns" },
  { written: "max_timestamp_ns", model: "max_timestamp_ns" },
  { written: "end_time", model: "max_timestamp_ns" },
  { written: "duration", model: "duration" },
  { written: "device.device_id", model: "device.device_id" },
  { written: "device.id", model: "device.device_id" },
  { written: "dataset.dataset_id", model: "dataset.dataset_id" },
  { written: "dataset.id", model: "dataset.dataset_id" },
  { written: "file.file_id", model: "file.file_id" },
  { written: "custom_fields.weather", model: "custom_fields.weather" },
  { written: "custom_fields.speed", model: "custom_fields.speed" },
  { written: "custom_fields.inspected", model: "custom_fields.inspected" },
  { written: "custom_fields.notes", model: "custom_fields.notes" },
  { written: "custom_fields.landed_at", model: "custom_fields.landed_at" },
];

const CASES: [string, string, Comparator][] = FIELDS.flatMap(({ written, model }) => {
  const field = resolveSearchField(written, CUSTOM);
  if (!field) throw new Error(`test field ${written} does not resolve`);
  return comparatorsOf(field).map((comparator): [string, string, Comparator] => [
    written,
    model,
    comparator,
  ]);
});

const LIST_FIELDS = new Set<string>([
  "tags",
  "device.device_id",
  "dataset.dataset_id",
  "file.file_id",
]);
const TIME_FIELDS = new Set([
  "created",
  "modified",
  "min_timestamp_ns",
  "max_timestamp_ns",
  "custom_fields.landed_at",
]);

/** Values to try for one field and comparator, drawn from the model's sessions. */
function sampleValues(
  sessions: ModelSession[],
  model: string,
  comparator: Comparator,
): (QueryScalar | QueryScalar[])[] {
  const [a, b] = sessions as [ModelSession, ModelSession];
  if (LIST_FIELDS.has(model)) {
    const first = b.lists[model as ListField][0] as string;
    const other = a.lists[model as ListField][0] as string;
    if (comparator === "IN") return [[first, other], [first]];
    if (comparator === "BEGINS_WITH") return [first.slice(0, -1), first];
    return [first, other];
  }

  const valueOfB = b.scalars[model] as Scalar;
  const valueOfA = a.scalars[model] as Scalar;
  if (typeof valueOfB === "boolean") return comparator === "IN" ? [[true]] : [true, false];
  if (comparator === "IN") return [[valueOfA, valueOfB], [valueOfB]];
  if (typeof valueOfB === "string") {
    if (comparator === "CONTAINS" || comparator === "NOT_CONTAINS")
      return [valueOfB.slice(1, -1), valueOfB.toUpperCase()];
    if (comparator === "BEGINS_WITH")
      return [valueOfB.slice(0, 3), valueOfB.slice(0, 3).toUpperCase()];
    return [valueOfB, valueOfA];
  }
  if (typeof valueOfB === "bigint" && TIME_FIELDS.has(model))
    return [valueOfB, formatRfc3339Ns(valueOfB)];
  return [valueOfB];
}

function ordered(value: Scalar, operand: Scalar, comparator: Comparator): boolean {
  switch (comparator) {
    case "EQUALS":
      return value === operand;
    case "NOT_EQUALS":
      return value !== operand;
    case "GREATER_THAN":
      return value > operand;
    case "GREATER_THAN_OR_EQUAL":
      return value >= operand;
    case "LESS_THAN":
      return value < operand;
    case "LESS_THAN_OR_EQUAL":
      return value <= operand;
    default:
      throw new Error(`not an ordering comparator: ${comparator}`);
  }
}

// The documented semantics: a comparison never matches a missing value;
// a list field matches when any element matches.
function modelMatches(
  session: ModelSession,
  model: string,
  comparator: Comparator,
  value: unknown,
): boolean {
  if (LIST_FIELDS.has(model)) {
    const list = session.lists[model as ListField];
    switch (comparator) {
      case "CONTAINS":
      case "EQUALS":
        return list.includes(value as string);
      case "NOT_CONTAINS":
        return !list.includes(value as string);
      case "NOT_EQUALS":
        return list.length > 0 && !list.includes(value as string);
      case "IN":
        return list.some((item) => (value as string[]).includes(item));
      case "BEGINS_WITH":
        return list.some((item) => item.startsWith(value as string));
      case "IS_NULL":
      case "NOT_EXISTS":
        return list.length === 0;
      default:
        return list.length > 0;
    }
  }

  const stored = session.scalars[model] ?? null;
  if (PRESENCE_COMPARATORS.has(comparator)) {
    return comparator === "IS_NULL" || comparator === "NOT_EXISTS"
      ? stored === null
      : stored !== null;
  }
  if (stored === null) return false;
  const normalize = (operand: unknown): Scalar =>
    typeof operand === "string" && TIME_FIELDS.has(model)
      ? BigInt(Date.parse(operand)) * 1_000_000n
      : (operand as Scalar);
  if (comparator === "IN") return (value as unknown[]).map(normalize).includes(stored);
  if (comparator === "CONTAINS") return (stored as string).includes(value as string);
  if (comparator === "NOT_CONTAINS") return !(stored as string).includes(value as string);
  if (comparator === "BEGINS_WITH") return (stored as string).startsWith(value as string);
  return ordered(stored, normalize(value), comparator);
}

function queryText(
  written: string,
  comparator: Comparator,
  value: QueryScalar | QueryScalar[] | undefined,
): string {
  if (PRESENCE_COMPARATORS.has(comparator)) return `${written} ${comparator}`;
  if (Array.isArray(value)) return `${written} IN (${value.map(formatQueryValue).join(", ")})`;
  return `${written} ${comparatorText(comparator)} ${formatQueryValue(value as QueryScalar)}`;
}

describe.each(TEST_DIALECTS)("search fields on %s", (dialect) => {
  let api: TestApi;
  let nowMs = CREATED_MS;
  const clock: Clock = { nowMs: () => nowMs };
  const sessions: ModelSession[] = [];

  beforeAll(async () => {
    api = await startTestApi(dialect, { clock });
    for (const device of ["robot_001", "robot_002", "robot_003"]) await createDevice(api, device);
    const ds1 = await createDataset(api, { name: "first" });
    const ds2 = await createDataset(api, { name: "second" });
    const f1 = await registerFile(api, ds1, "a.mcap", [W, W + 10n * SECOND]);
    const f2 = await registerFile(api, ds2, "b.mcap", [W + 5n * SECOND, W + 60n * SECOND]);
    const f3 = await registerFile(api, ds1, "c.mcap", [W + 3600n * SECOND, W + 7200n * SECOND]);
    const f4 = await registerFile(api, ds2, "d.mcap", [W + 5n * SECOND, W + 5n * SECOND]);

    const fields = new Map<string, TestField>();
    for (const [name, definition] of CUSTOM_DEFINITIONS) {
      const enumValues = definition.options?.enum_values;
      fields.set(
        name,
        await insertReadyField(
          api,
          api.orgId,
          name,
          definition.field_type,
          enumValues ? { enumValues } : {},
        ),
      );
    }

    const specs = [
      {
        label: "A",
        body: {
          name: "Alpha flight",
          tags: ["night", "test"],
          device_ids: ["robot_001"],
          files: [{ file_id: f1 }],
        },
        window: [W, W + 10n * SECOND],
        custom: {
          weather: "clear",
          speed: 12.5,
          inspected: true,
          notes: "Checked OK",
          landed_at: W + 20n * SECOND,
        },
        lists: {
          tags: ["night", "test"],
          "device.device_id": ["robot_001"],
          "dataset.dataset_id": [ds1],
          "file.file_id": [f1],
        },
      },
      {
        label: "B",
        body: {
          name: "alpha run",
          tags: ["day"],
          device_ids: ["robot_001", "robot_002"],
          files: [{ file_id: f2 }],
        },
        window: [W + 5n * SECOND, W + 60n * SECOND],
        custom: {
          weather: "rain",
          speed: 3,
          inspected: false,
          notes: "it's 50% * done?",
          landed_at: W + 100n * SECOND,
        },
        lists: {
          tags: ["day"],
          "device.device_id": ["robot_001", "robot_002"],
          "dataset.dataset_id": [ds2],
          "file.file_id": [f2],
        },
      },
      {
        label: "C",
        body: {},
        window: null,
        custom: {},
        lists: { tags: [], "device.device_id": [], "dataset.dataset_id": [], "file.file_id": [] },
      },
      {
        label: "D",
        body: {
          name: "Beta_*[x]",
          tags: ["night"],
          device_ids: ["robot_003"],
          files: [
            {
              file_id: f3,
              range_min_timestamp_ns: W + 3600n * SECOND,
              range_max_timestamp_ns: W + 3700n * SECOND,
            },
          ],
        },
        window: [W + 3600n * SECOND, W + 3700n * SECOND],
        custom: { weather: "fog", speed: -1, notes: "checked" },
        lists: {
          tags: ["night"],
          "device.device_id": ["robot_003"],
          "dataset.dataset_id": [ds1],
          "file.file_id": [f3],
        },
      },
      {
        label: "E",
        body: { name: "50% off", tags: ["test"], files: [{ file_id: f4 }] },
        window: [W + 5n * SECOND, W + 5n * SECOND],
        custom: { speed: 0, landed_at: W },
        lists: {
          tags: ["test"],
          "device.device_id": [],
          "dataset.dataset_id": [ds2],
          "file.file_id": [f4],
        },
      },
    ] as const;

    for (const [index, spec] of specs.entries()) {
      nowMs = CREATED_MS + (index + 1) * 1000;
      const record = await createSession(api, spec.body);
      const [min, max] = spec.window ?? [null, null];
      const scalars: Record<string, Scalar | null> = {
        session_id: record.session_id,
        name: record.name,
        created: msToNs(nowMs),
        modified: msToNs(nowMs),
        min_timestamp_ns: min,
        max_timestamp_ns: max,
        duration: min === null || max === null ? null : max - min,
      };
      for (const [name, value] of Object.entries(spec.custom)) {
        await insertFieldValue(
          api,
          api.orgId,
          fields.get(name) as TestField,
          record.session_id,
          value,
        );
        scalars[`custom_fields.${name}`] = value;
      }
      const lists = Object.fromEntries(
        Object.entries(spec.lists).map(([name, items]) => [name, [...items]]),
      );
      sessions.push({
        label: spec.label,
        id: record.session_id,
        scalars,
        lists: lists as ModelSession["lists"],
      });
    }

    // A later write moves B's modified time past every created time.
    nowMs = CREATED_MS + 60_000;
    const updated = await api.put(`/v1/sessions/id/${sessions[1]?.id}`, {
      description: "revisited",
    });
    expect(updated.status, updated.text).toBe(200);
    (sessions[1] as ModelSession).scalars.modified = msToNs(nowMs);
  });

  afterAll(async () => {
    await api?.close();
  });

  function labelsOf(ids: string[]): string[] {
    return ids.map((id) => sessions.find((session) => session.id === id)?.label ?? id).sort();
  }

  it("builds the model it checks against", () => {
    expect(sessions.map((session) => session.label)).toEqual(["A", "B", "C", "D", "E"]);
    expect(CASES.length).toBeGreaterThan(150);
  });

  it("combines tests of one field", async () => {
    const conjuncts: [string, Comparator, Scalar | Scalar[]][] = [
      ["custom_fields.speed", "GREATER_THAN_OR_EQUAL", -1],
      ["custom_fields.speed", "LESS_THAN", 12.5],
      ["custom_fields.speed", "NOT_EQUALS", 3],
      ["custom_fields.weather", "IN", ["fog", "rain", "clear"]],
    ];
    const query = conjuncts
      .map(([field, comparator, value]) => queryText(field, comparator, value))
      .join(" AND ");
    const expected = sessions
      .filter((session) =>
        conjuncts.every(([field, comparator, value]) =>
          modelMatches(session, field, comparator, value),
        ),
      )
      .map((session) => session.label);
    expect(expected).toEqual(["D"]);
    expect(labelsOf(await searchIds(api, { query }))).toEqual(expected);
    expect(labelsOf(await searchIds(api, { query: `NOT (${query})` }))).toEqual([
      "A",
      "B",
      "C",
      "E",
    ]);
  });

  it.each(CASES)("%s %s %s matches the model", async (written, model, comparator) => {
    const values = PRESENCE_COMPARATORS.has(comparator)
      ? [undefined]
      : sampleValues(sessions, model, comparator);
    for (const value of values) {
      const expected = sessions
        .filter((session) => modelMatches(session, model, comparator, value))
        .map((s) => s.label);
      const text = queryText(written, comparator, value);

      const byString = await searchIds(api, { query: text });
      expect(labelsOf(byString), text).toEqual(expected.sort());

      const tree =
        value === undefined
          ? { field: written, comparator }
          : { field: written, comparator, value };
      const byTree = await searchIds(api, { condition: tree });
      expect(
        labelsOf(byTree),
        JSON.stringify(tree, (_key, item) => (typeof item === "bigint" ? `${item}n` : item)),
      ).toEqual(expected.sort());
    }
  });
});
