import type {
  SearchField,
  SearchScalar,
  SessionFieldName,
  TypedCondition,
  ValueComparator,
} from "@sortie/domain";
import {
  type Expression,
  type ExpressionBuilder,
  type RawBuilder,
  type SqlBool,
  sql,
} from "kysely";
import type { ReadyField } from "../custom-fields/entity-values.js";
import type { DialectName } from "../store/dialect.js";
import type { Database } from "../store/schema.js";
import {
  customFieldId,
  isSessionColumnField,
  SESSION_COLUMNS,
  storedValue,
  valueColumnOf,
} from "./field-columns.js";

/** An expression builder over the `sessions` table of a search. */
export type SessionsExpressions = ExpressionBuilder<Database, "sessions">;

/** Inputs of compiling a condition, besides the condition itself. */
export interface SqlContext {
  dialect: DialectName;
  /** The ready custom fields the condition was checked against, by name. */
  customFields: ReadonlyMap<string, ReadyField>;
  /**
   * The column the probes of tags, relations and custom values correlate
   * with: `sessions.session_id` unless the outer query reads another table
   * first that carries the session id, such as the sort field's value rows.
   * Correlating with that table lets SQLite run the probes before it reads
   * the session row, so rows the filter rejects cost no session lookup.
   */
  sessionIdColumn?: string;
}

const ORDER_OPERATORS = {
  EQUALS: "=",
  NOT_EQUALS: "<>",
  GREATER_THAN: ">",
  GREATER_THAN_OR_EQUAL: ">=",
  LESS_THAN: "<",
  LESS_THAN_OR_EQUAL: "<=",
} as const;

/** A test of one value: a comparison with one value, or membership in a list. */
type ValueTest =
  | { comparator: ValueComparator; value: SearchScalar }
  | { comparator: "IN"; values: SearchScalar[] };

/**
 * Compiles a checked condition to a WHERE expression over `sessions`. Every
 * value is a bound parameter and every identifier comes from a fixed table,
 * so no text of the query reaches the SQL. Each comparison yields true or
 * false, never NULL, so NOT of it matches exactly the sessions it does not.
 */
export function conditionSql(
  eb: SessionsExpressions,
  condition: TypedCondition,
  ctx: SqlContext,
): Expression<SqlBool> {
  switch (condition.kind) {
    case "and":
      return eb.and(conjunctionSql(eb, condition.conditions, ctx));
    case "or":
      return eb.or(condition.conditions.map((child) => conditionSql(eb, child, ctx)));
    case "not":
      return eb.not(conditionSql(eb, condition.condition, ctx));
    case "overlaps":
      // Inclusive at both ends: the windows share at least one instant.
      return eb.and([
        eb("sessions.min_timestamp_ns", "is not", null),
        eb("sessions.max_timestamp_ns", "is not", null),
        eb("sessions.min_timestamp_ns", "<=", condition.to),
        eb("sessions.max_timestamp_ns", ">=", condition.from),
      ]);
    case "presence":
      return presenceSql(eb, condition.field, condition.present, ctx);
    case "compare":
      return fieldTestSql(
        eb,
        condition.field,
        { comparator: condition.comparator, value: condition.value },
        ctx,
      );
    case "in":
      return fieldTestSql(eb, condition.field, { comparator: "IN", values: condition.values }, ctx);
  }
}

function sessionIdOf(ctx: SqlContext): RawBuilder<unknown> {
  return sql.ref(ctx.sessionIdColumn ?? "sessions.session_id");
}

/**
 * Compiles the operands of an AND. Tests of the same custom field share one
 * EXISTS over its value row, so a range such as `speed >= 1 AND speed < 5`
 * reads the row once. A field has at most one value per session, so this
 * matches exactly the sessions that separate tests would.
 */
function conjunctionSql(
  eb: SessionsExpressions,
  conditions: TypedCondition[],
  ctx: SqlContext,
): Expression<SqlBool>[] {
  const operands: Expression<SqlBool>[] = [];
  const testsByField = new Map<string, { field: SearchField; tests: ValueTest[] }>();

  for (const condition of conditions) {
    const test = customValueTest(condition);
    if (!test) {
      operands.push(conditionSql(eb, condition, ctx));
      continue;
    }
    const entry = testsByField.get(test.field.name) ?? { field: test.field, tests: [] };
    entry.tests.push(test.test);
    testsByField.set(test.field.name, entry);
  }

  for (const { field, tests } of testsByField.values()) {
    const tested = tests.map((test) =>
      valueTestSql(eb, probedValue(field, test, ctx.dialect), test, ctx.dialect),
    );
    operands.push(eb.exists(customValues(eb, field, ctx).where(eb.and(tested))));
  }
  return operands;
}

function customValueTest(
  condition: TypedCondition,
): { field: SearchField; test: ValueTest } | undefined {
  if (condition.kind === "compare" && condition.field.source === "custom") {
    return {
      field: condition.field,
      test: { comparator: condition.comparator, value: condition.value },
    };
  }
  if (condition.kind === "in" && condition.field.source === "custom") {
    return { field: condition.field, test: { comparator: "IN", values: condition.values } };
  }
  return undefined;
}

function fieldTestSql(
  eb: SessionsExpressions,
  field: SearchField,
  test: ValueTest,
  ctx: SqlContext,
): Expression<SqlBool> {
  if (field.source === "custom") {
    const column = probedValue(field, test, ctx.dialect);
    return eb.exists(
      customValues(eb, field, ctx).where(valueTestSql(eb, column, test, ctx.dialect)),
    );
  }

  if (isSessionColumnField(field.name)) {
    const column = SESSION_COLUMNS[field.name];
    const tested = valueTestSql(eb, sql.ref(column), test, ctx.dialect);
    return field.nullable ? eb.and([eb(column, "is not", null), tested]) : tested;
  }

  if (field.name === "tags") {
    // The checker lets only CONTAINS and NOT_CONTAINS reach a tag list.
    if (test.comparator === "IN") throw new Error("tags take CONTAINS and NOT_CONTAINS only");
    const tag = test.value as string;
    const tagged = eb.exists(
      eb
        .selectFrom("session_tags")
        .select("session_tags.session_id")
        .where(sql.ref("session_tags.session_id"), "=", sessionIdOf(ctx))
        .where("session_tags.tag", "=", tag),
    );
    return test.comparator === "NOT_CONTAINS" ? eb.not(tagged) : tagged;
  }

  // A related id matches when any related row matches. NOT_EQUALS needs at
  // least one related row, because a comparison never matches a session
  // that lacks the value.
  if (test.comparator === "NOT_EQUALS") {
    return eb.and([
      relatedExists(eb, field.name, ctx),
      eb.not(relatedExists(eb, field.name, ctx, { comparator: "EQUALS", value: test.value })),
    ]);
  }
  return relatedExists(eb, field.name, ctx, test);
}

function presenceSql(
  eb: SessionsExpressions,
  field: SearchField,
  present: boolean,
  ctx: SqlContext,
): Expression<SqlBool> {
  if (field.source === "custom") {
    const column = valueColumnOf(field.kind);
    const exists = eb.exists(
      customValues(eb, field, ctx).where(sql.ref(`cfv.${column}`), "is not", null),
    );
    return present ? exists : eb.not(exists);
  }
  if (isSessionColumnField(field.name)) {
    return eb(SESSION_COLUMNS[field.name], present ? "is not" : "is", null);
  }
  const exists = relatedExists(eb, field.name, ctx);
  return present ? exists : eb.not(exists);
}

/**
 * Selects the value column of a custom field for one test of an EXISTS
 * probe, which finds the session's value row by (field, entity id). On
 * SQLite every test but equality reads `+column`. The unary plus keeps
 * SQLite from choosing the (field, value) index for a range and scanning
 * that range once per outer row, which it does when the store has no
 * statistics. Equality may use that index, which then pins the whole row.
 */
function probedValue(
  field: SearchField,
  test: ValueTest,
  dialect: DialectName,
): RawBuilder<unknown> {
  const column = sql.ref(`cfv.${valueColumnOf(field.kind)}`);
  return dialect === "sqlite" && test.comparator !== "EQUALS" ? sql`+${column}` : column;
}

// The value rows of one custom field for the session of the outer query.
function customValues(eb: SessionsExpressions, field: SearchField, ctx: SqlContext) {
  return eb
    .selectFrom("custom_field_values as cfv")
    .select("cfv.entity_id")
    .where("cfv.field_id", "=", customFieldId(field, ctx.customFields))
    .where(sql.ref("cfv.entity_id"), "=", sessionIdOf(ctx));
}

// EXISTS over the devices, files or datasets of the session of the outer
// query; with a test, only related rows whose id passes it count.
function relatedExists(
  eb: SessionsExpressions,
  field: SessionFieldName,
  ctx: SqlContext,
  test?: ValueTest,
): Expression<SqlBool> {
  switch (field) {
    case "device.device_id": {
      const devices = eb
        .selectFrom("session_devices as rel")
        .select("rel.session_id")
        .where(sql.ref("rel.session_id"), "=", sessionIdOf(ctx));
      return eb.exists(
        test
          ? devices.where(valueTestSql(eb, sql.ref("rel.device_id"), test, ctx.dialect))
          : devices,
      );
    }
    case "file.file_id": {
      const files = eb
        .selectFrom("session_files as rel")
        .select("rel.session_id")
        .where(sql.ref("rel.session_id"), "=", sessionIdOf(ctx));
      return eb.exists(
        test ? files.where(valueTestSql(eb, sql.ref("rel.file_id"), test, ctx.dialect)) : files,
      );
    }
    case "dataset.dataset_id": {
      const datasets = eb
        .selectFrom("session_files as rel")
        .innerJoin("files as rel_file", "rel_file.file_id", "rel.file_id")
        .select("rel.session_id")
        .where(sql.ref("rel.session_id"), "=", sessionIdOf(ctx));
      return eb.exists(
        test
          ? datasets.where(valueTestSql(eb, sql.ref("rel_file.dataset_id"), test, ctx.dialect))
          : datasets,
      );
    }
    default:
      throw new Error(`session field '${field}' is not a relation`);
  }
}

function valueTestSql(
  eb: SessionsExpressions,
  column: RawBuilder<unknown>,
  test: ValueTest,
  dialect: DialectName,
): Expression<SqlBool> {
  if (test.comparator === "IN") {
    return eb(
      column,
      "in",
      test.values.map((value) => storedValue(value, dialect)),
    );
  }

  const value = storedValue(test.value, dialect);
  switch (test.comparator) {
    case "CONTAINS":
      return sql<SqlBool>`${substringPosition(column, value, dialect)} > 0`;
    case "NOT_CONTAINS":
      return sql<SqlBool>`${substringPosition(column, value, dialect)} = 0`;
    case "BEGINS_WITH":
      return beginsWith(column, value as string, dialect);
    default:
      return eb(column, ORDER_OPERATORS[test.comparator], value);
  }
}

// 1-based position of a substring, 0 when absent; case-sensitive on both
// dialects, and free of LIKE's wildcards.
function substringPosition(
  column: RawBuilder<unknown>,
  value: SearchScalar,
  dialect: DialectName,
): RawBuilder<number> {
  return dialect === "postgres"
    ? sql<number>`strpos(${column}, ${value})`
    : sql<number>`instr(${column}, ${value})`;
}

/**
 * Tests for a case-sensitive prefix. SQLite's LIKE ignores case, so SQLite
 * uses GLOB with the prefix's wildcard characters escaped. PostgreSQL uses
 * `starts_with`.
 */
function beginsWith(
  column: RawBuilder<unknown>,
  prefix: string,
  dialect: DialectName,
): Expression<SqlBool> {
  if (dialect === "postgres") return sql<SqlBool>`starts_with(${column}, ${prefix})`;
  return sql<SqlBool>`${column} GLOB ${`${escapeGlob(prefix)}*`}`;
}

/** Escapes GLOB's wildcards `*`, `?` and `[` by enclosing each in brackets. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, (character) => `[${character}]`);
}
