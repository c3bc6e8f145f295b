/** Comparators of the session query language, by the upper-case names the JSON tree uses. */
export const COMPARATORS = [
  "EQUALS",
  "NOT_EQUALS",
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL",
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL",
  "CONTAINS",
  "NOT_CONTAINS",
  "BEGINS_WITH",
  "IN",
  "IS_NULL",
  "IS_NOT_NULL",
  "EXISTS",
  "NOT_EXISTS",
  "OVERLAPS",
] as const;

/** A comparator of the query language. */
export type Comparator = (typeof COMPARATORS)[number];

/** Symbols the query string accepts in place of comparator names. */
export const COMPARATOR_SYMBOLS: Readonly<Record<string, Comparator>> = {
  "=": "EQUALS",
  "!=": "NOT_EQUALS",
  ">": "GREATER_THAN",
  ">=": "GREATER_THAN_OR_EQUAL",
  "<": "LESS_THAN",
  "<=": "LESS_THAN_OR_EQUAL",
};

/** Comparators that take no value: they test whether the field has one. */
export const PRESENCE_COMPARATORS: ReadonlySet<Comparator> = new Set([
  "IS_NULL",
  "IS_NOT_NULL",
  "EXISTS",
  "NOT_EXISTS",
]);

/** The boolean operators of a group node. */
export const GROUP_OPERATORS = ["AND", "OR", "NOT"] as const;

/** A boolean operator of a group node. */
export type GroupOperator = (typeof GROUP_OPERATORS)[number];

const BY_NAME = new Map<string, Comparator>(COMPARATORS.map((name) => [name, name]));

/**
 * Reads a comparator written as its name in any case or as a symbol.
 * Returns `undefined` for anything else.
 */
export function comparatorFromText(text: string): Comparator | undefined {
  return COMPARATOR_SYMBOLS[text] ?? BY_NAME.get(text.toUpperCase());
}

/** Returns the symbol of a comparator where it has one, else its name, for messages and printed queries. */
export function comparatorText(comparator: Comparator): string {
  for (const [symbol, name] of Object.entries(COMPARATOR_SYMBOLS)) {
    if (name === comparator) return symbol;
  }
  return comparator;
}
