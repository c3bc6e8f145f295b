import type { Executor } from "../store/store.js";

/**
 * Replaces the indexed tags of a session, which search uses to find sessions
 * by tag with an index. Call it in the transaction that changes the tags.
 */
export async function writeSessionTags(
  tx: Executor,
  orgId: string,
  sessionId: string,
  tags: readonly string[],
): Promise<void> {
  await tx.deleteFrom("session_tags").where("session_id", "=", sessionId).execute();
  if (tags.length === 0) return;
  await tx
    .insertInto("session_tags")
    .values(tags.map((tag) => ({ session_id: sessionId, org_id: orgId, tag })))
    .execute();
}
