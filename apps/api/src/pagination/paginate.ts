import type { Page, PageQuery } from "@sortie/domain";
import type { PageTokens } from "./page-token.js";

/** How to read one listing in keyset order. */
export interface KeysetListing<Row, Item> {
  /** Name of the listing and its sort, bound into every token. */
  listing: string;
  /** Reads up to `limit` rows after the cursor (`null` for the first page), in listing order. */
  fetch(after: unknown[] | null, limit: number): Promise<Row[]>;
  /** The sort key of a row, which the next page starts after. */
  cursorOf(row: Row): unknown[];
  /** Turns the rows of a page into the items returned. */
  toItems(rows: Row[]): Promise<Item[]> | Item[];
}

/**
 * Reads one page of a keyset listing. A token is a position after a sort key,
 * not an offset, so rows inserted meanwhile neither repeat nor shift a page.
 */
export async function readPage<Row, Item>(
  tokens: PageTokens,
  query: PageQuery,
  listing: KeysetListing<Row, Item>,
): Promise<Page<Item>> {
  const after = query.page_token ? await tokens.decode(query.page_token, listing.listing) : null;
  const rows = await listing.fetch(after, query.limit + 1);

  const hasMore = rows.length > query.limit;
  const pageRows = hasMore ? rows.slice(0, query.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  const next_token =
    hasMore && last !== undefined
      ? await tokens.encode({ listing: listing.listing, after: listing.cursorOf(last) })
      : null;

  return { items: await listing.toItems(pageRows), next_token };
}

/** Reads a cursor value as a bigint; tokens carry small integers as numbers. */
export function cursorBigint(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  return 0n;
}

/** Reads a cursor value as a string. */
export function cursorString(value: unknown): string {
  return typeof value === "string" ? value : String(value);
}
