import type { SearchValueKind, SessionSort } from "@sortie/domain";
import type { ReadyField } from "../custom-fields/entity-values.js";
import { ApiError } from "../http/api-error.js";
import type { DialectName } from "../store/dialect.js";
import {
  customFieldId,
  isSessionColumnField,
  SESSION_COLUMNS,
  type SessionColumn,
  type ValueColumn,
  valueColumnOf,
} from "./field-columns.js";

/**
 * The key a search sorts by, besides the session id that breaks ties:
 * nothing more when it sorts by session id, else a column of the session
 * row or the value column of one custom field.
 */
export type SortKey =
  | { source: "id" }
  | { source: "session"; column: SessionColumn; nullable: boolean; kind: SearchValueKind }
  | { source: "custom"; fieldId: string; column: ValueColumn; kind: SearchValueKind };

/** Resolves a checked sort to the columns it reads. */
export function sortKeyOf(
  sort: SessionSort,
  customFields: ReadonlyMap<string, ReadyField>,
): SortKey {
  const { field } = sort;
  if (field.source === "custom") {
    return {
      source: "custom",
      fieldId: customFieldId(field, customFields),
      column: valueColumnOf(field.kind),
      kind: field.kind,
    };
  }
  if (field.name === "session_id") return { source: "id" };
  if (!isSessionColumnField(field.name))
    throw new Error(`session field '${field.name}' cannot be sorted on`);
  return {
    source: "session",
    column: SESSION_COLUMNS[field.name],
    nullable: field.nullable,
    kind: field.kind,
  };
}

/**
 * Names a sort key for page tokens. A custom field is named by its id, so a
 * token stops working when its field is deleted, even if a field of the same
 * name replaces it.
 */
export function sortKeyName(key: SortKey): string {
  if (key.source === "id") return "session_id";
  if (key.source === "custom") return `custom:${key.fieldId}`;
  return key.column;
}

/** Tells whether some sessions can lack the sort value; they come after all others. */
export function hasNullTail(key: SortKey): boolean {
  return key.source === "custom" || (key.source === "session" && key.nullable);
}

/** The position a page token carries: the last row's sort value (`null` in the null tail) and session id. */
export interface SortCursor {
  value: unknown;
  sessionId: string;
}

/**
 * Reads the cursor of a page token whose MAC and listing were already
 * checked. A cursor of the wrong shape can only come from a token of an
 * older release, and is a 400 like any other unusable token.
 */
export function readSortCursor(after: unknown[], key: SortKey, dialect: DialectName): SortCursor {
  if (key.source === "id") {
    const [sessionId] = after;
    if (after.length !== 1 || typeof sessionId !== "string") throw badCursor();
    return { value: sessionId, sessionId };
  }

  const [value, sessionId] = after;
  if (after.length !== 2 || typeof sessionId !== "string") throw badCursor();
  if (value === null) {
    if (!hasNullTail(key)) throw badCursor();
    return { value: null, sessionId };
  }
  return { value: sortValueOf(value, key.kind, dialect), sessionId };
}

function sortValueOf(value: unknown, kind: SearchValueKind, dialect: DialectName): unknown {
  switch (kind) {
    case "time":
    case "duration":
      if (typeof value === "bigint") return value;
      if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
      throw badCursor();
    case "number":
      if (typeof value === "number" && Number.isFinite(value)) return value;
      throw badCursor();
    case "boolean": {
      // SQLite stores booleans as the integers 1 and 0; PostgreSQL as booleans.
      const truth = value === true || value === 1 || value === 1n;
      if (!truth && value !== false && value !== 0 && value !== 0n) throw badCursor();
      if (dialect === "postgres") return truth;
      return truth ? 1 : 0;
    }
    default:
      if (typeof value === "string") return value;
      throw badCursor();
  }
}

function badCursor(): ApiError {
  return ApiError.invalidAt(
    "page_token",
    "invalid page token: its position does not fit this sort; start again without page_token",
  );
}
