// Exact 64-bit integers on D1.
//
// D1's JavaScript API rejects `bigint` parameters and returns every INTEGER
// value as a `number`, which loses precision above 2^53, so a `*_ns` value
// would be corrupted both ways. The D1 driver therefore:
// - binds each bigint parameter as its decimal text inside
//   `CAST(? AS INTEGER)`, so SQLite stores and compares a real 64-bit
//   INTEGER whatever the context of the placeholder (or, in a statement with
//   more parameters than D1 binds, writes `CAST('<digits>' AS INTEGER)`);
// - reads a SELECT through a wrapper that adds, for each result column, the
//   column as text when its value is an INTEGER, and turns that text back into
//   a `bigint`. REAL, TEXT and NULL values come back as D1 returns them.
// The result matches the embedded SQLite store, which reads every INTEGER as
// a `bigint` through better-sqlite3's safe integers.

/** A statement's SQL and parameters as D1 accepts them. */
export interface D1Statement {
  sql: string;
  parameters: unknown[];
}

/** A result value as D1 returns it: a blob arrives as an array of byte values. */
type D1Value = string | number | null | number[] | ArrayBuffer;

// Kysely's SQLite compiler writes every parameter as a bare `?`. These are the
// spans of SQL where a `?` is text, not a placeholder.
const QUOTES: Record<string, string> = { "'": "'", '"': '"', "`": "`", "[": "]" };

/** Most parameters D1 binds to one statement. */
export const D1_MAX_PARAMETERS = 100;

/**
 * Rewrites the statement for D1: each `?` whose parameter is a bigint becomes
 * `CAST(? AS INTEGER)` bound to the decimal text, and booleans become 1 or 0.
 * A statement with more parameters than D1 binds gets every value written
 * into its SQL as a literal instead. Throws when the placeholders and
 * parameters do not pair up, because binding values to the wrong placeholders
 * would corrupt data silently.
 */
export function bindExactly(sql: string, parameters: readonly unknown[]): D1Statement {
  const placeholders = placeholderOffsets(sql);
  if (placeholders.length !== parameters.length) {
    throw new Error(
      `the statement has ${placeholders.length} placeholders but ${parameters.length} parameters: '${sql.slice(0, 200)}'`,
    );
  }
  const inline = parameters.length > D1_MAX_PARAMETERS;

  let rewritten = "";
  let start = 0;
  placeholders.forEach((offset, index) => {
    const value = parameters[index];
    if (inline) rewritten += `${sql.slice(start, offset)}${sqlLiteral(value)}`;
    else if (typeof value === "bigint")
      rewritten += `${sql.slice(start, offset)}CAST(? AS INTEGER)`;
    else return;
    start = offset + 1;
  });
  rewritten += sql.slice(start);

  return { sql: rewritten, parameters: inline ? [] : parameters.map(toD1Parameter) };
}

// Offsets of the `?` placeholders, skipping quoted text, identifiers and comments.
function placeholderOffsets(sql: string): number[] {
  const offsets: number[] = [];
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i] as string;
    const closing = QUOTES[char];
    if (closing) {
      i = endOfQuoted(sql, i, closing);
      continue;
    }
    if (char === "-" && sql[i + 1] === "-") {
      i = indexOrEnd(sql, "\n", i + 2);
      continue;
    }
    if (char === "/" && sql[i + 1] === "*") {
      i = indexOrEnd(sql, "*/", i + 2) + 1;
      continue;
    }
    if (char !== "?") continue;
    if (/[0-9]/.test(sql[i + 1] ?? "")) {
      throw new Error(
        `numbered placeholder at offset ${i} in '${sql.slice(0, 200)}': the D1 store binds only bare '?' placeholders`,
      );
    }
    offsets.push(i);
  }
  return offsets;
}

function toD1Parameter(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === undefined)
    throw new Error("a statement parameter is undefined; pass null for SQL NULL");
  return value;
}

/** Writes a value as an SQLite literal of the same type and value. */
export function sqlLiteral(value: unknown): string {
  if (value === null) return "NULL";
  if (typeof value === "bigint") return `CAST('${value}' AS INTEGER)`;
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new Error(`cannot write ${value} into SQL; SQLite has no literal for it`);
    // The shortest text that reads back as the same double; integral numbers stay INTEGER, as D1 binds them.
    return Number.isInteger(value) ? value.toFixed(0) : `${value}`;
  }
  if (typeof value === "string") {
    if (value.includes("\u0000"))
      throw new Error("cannot write text with a NUL character into an SQL literal");
    return `'${value.replaceAll("'", "''")}'`;
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const bytes = value instanceof Uint8Array ? value : new Uint8Array(value);
    return `X'${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}'`;
  }
  throw new Error(
    `cannot bind a value of type ${value === undefined ? "undefined" : typeof value} to a D1 statement; pass null for SQL NULL`,
  );
}

function endOfQuoted(sql: string, open: number, closing: string): number {
  // A quote character doubled inside its span stands for itself.
  let i = open + 1;
  for (;;) {
    const end = sql.indexOf(closing, i);
    if (end === -1) return sql.length;
    if (closing !== "]" && sql[end + 1] === closing) {
      i = end + 2;
      continue;
    }
    return end;
  }
}

function indexOrEnd(sql: string, token: string, from: number): number {
  const index = sql.indexOf(token, from);
  return index === -1 ? sql.length : index;
}

/** Whether raw SQL is a query that returns rows through the exact-integer wrapper. */
export function isSelectSql(sql: string): boolean {
  return /^[\s(]*(select|with|values)\b/i.test(sql);
}

/** A query that returns a statement's result columns without running it for rows. */
export function columnProbeSql(select: string): string {
  return `SELECT * FROM (${trimStatement(select)}) LIMIT 0`;
}

/**
 * Wraps a SELECT so that, after its own columns, it returns each column again
 * as text when the value is an INTEGER (else NULL). A plain projection of the
 * subquery keeps the subquery's ORDER BY: SQLite flattens it into the outer
 * query or runs it as a co-routine, and both keep its row order.
 */
export function exactSelectSql(select: string, columns: readonly string[]): string {
  const texts = columns.map((column) => {
    const name = quoteIdentifier(column);
    return `CASE WHEN typeof(${name}) = 'integer' THEN CAST(${name} AS TEXT) END`;
  });
  return `SELECT *${texts.map((text) => `, ${text}`).join("")} FROM (${trimStatement(select)})`;
}

/**
 * Turns rows of `exactSelectSql` (as arrays, without the header row) into
 * objects keyed by the original column names, with INTEGER values as bigint
 * and blobs as Uint8Array.
 */
export function decodeExactRows(
  columns: readonly string[],
  rows: readonly (readonly D1Value[])[],
): Record<string, unknown>[] {
  const width = columns.length;
  return rows.map((row) => {
    if (row.length !== 2 * width) {
      throw new Error(
        `a D1 row has ${row.length} values where the exact-integer wrapper returns ${2 * width}`,
      );
    }
    const record: Record<string, unknown> = {};
    for (let k = 0; k < width; k++) {
      const integerText = row[width + k];
      record[columns[k] as string] =
        typeof integerText === "string" ? BigInt(integerText) : decodeValue(row[k] ?? null);
    }
    return record;
  });
}

function decodeValue(value: D1Value): unknown {
  if (Array.isArray(value)) return Uint8Array.from(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return value;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function trimStatement(sql: string): string {
  return sql.trim().replace(/;+$/, "");
}
