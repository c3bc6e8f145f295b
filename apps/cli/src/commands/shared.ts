import type { SessionRecord } from "@sortie/sdk";
import type { CommandContext } from "../context.js";
import { sessionFields } from "../output/records.js";
import { renderFields } from "../output/table.js";

/** Items a listing command prints when `--limit` is not given. */
export const DEFAULT_LIST_LIMIT = 100;

/** Reads up to `limit` items of a listing, stopping the requests once it has them. */
export async function take<T>(items: AsyncIterable<T>, limit: number): Promise<T[]> {
  const taken: T[] = [];
  if (limit <= 0) return taken;
  for await (const item of items) {
    taken.push(item);
    if (taken.length >= limit) break;
  }
  return taken;
}

/** Page size for reading `limit` items: the API serves at most 1000 per page. */
export function pageSizeFor(limit: number): number {
  return Math.min(limit, 1000);
}

/** Prints one session: its record with `--json`, else its fields as aligned lines. */
export function printSession(
  context: CommandContext,
  session: { toJSON(): SessionRecord } | SessionRecord,
): void {
  const record = "toJSON" in session ? session.toJSON() : session;
  context.output(record, () => renderFields(sessionFields(record)));
}
