/** Position of a token in a query string. */
export interface SourceSpan {
  /** Offset of the token's first character, counted in UTF-16 code units from 0. */
  offset: number;
  /** Line of the token, from 1. */
  line: number;
  /** Column of the token's first character, from 1. */
  column: number;
  /** The token as written; empty at the end of the query. */
  token: string;
}

/** Spans of the parts of one comparison, so that a type error can point at the part at fault. */
export interface ComparisonSpans {
  field?: SourceSpan;
  comparator: SourceSpan;
  value?: SourceSpan;
  /** One span per value of an IN list or an OVERLAPS window. */
  items?: SourceSpan[];
}

/** Describes a span for an error message: line and column, and the token. */
export function describeSpan(span: SourceSpan): string {
  const near = span.token === "" ? "at the end of the query" : `at '${shorten(span.token)}'`;
  return `line ${span.line}, column ${span.column}, ${near}`;
}

function shorten(token: string): string {
  return token.length > 40 ? `${token.slice(0, 37)}...` : token;
}
