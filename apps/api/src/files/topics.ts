import type { TopicRecord } from "@sortie/domain";
import type { Executor } from "../store/store.js";
import { NO_SCHEMA, topicOffset } from "./indexing-contract.js";

type FileClockRow = Parameters<typeof topicOffset>[0] & { file_id: string };

const FILE_CLOCK_COLUMNS = [
  "file_id",
  "time_offset_ns",
  "clock_offset_ns",
  "explicit_start_ns",
  "explicit_end_ns",
  "recorded_start_ns",
  "recorded_end_ns",
] as const;

/** Reads the topics of one file with their times in Unix ns (`null` while the file's clock is unknown). */
export async function fileTopics(db: Executor, fileId: string): Promise<TopicRecord[]> {
  const file = (await db
    .selectFrom("files")
    .select(FILE_CLOCK_COLUMNS)
    .where("file_id", "=", fileId)
    .executeTakeFirstOrThrow()) as FileClockRow;
  const offset = topicOffset(file);
  const rows = await db
    .selectFrom("file_topics")
    .selectAll()
    .where("file_id", "=", fileId)
    .orderBy("topic_name")
    .orderBy("schema_name")
    .execute();
  return rows.map((row) => ({
    topic_name: row.topic_name,
    schema_name: row.schema_name === NO_SCHEMA ? null : row.schema_name,
    message_count: Number(row.message_count),
    start_time_ns: offset === null || row.start_ns === null ? null : row.start_ns + offset,
    end_time_ns: offset === null || row.end_ns === null ? null : row.end_ns + offset,
  }));
}

/**
 * Lists the topics whose data overlaps a session: for each contribution, the
 * topics of its file whose Unix window intersects the contribution's window,
 * clipped to it. Entries merge per topic name and schema across files, and
 * the window is the union of the clipped windows. `message_count` sums each
 * file's count once, because counts are per file, not per clipped range.
 * NOTE: computed in memory over all contributions of the session, so its cost
 * grows with the session's topic count rather than the page size.
 */
export async function sessionTopics(db: Executor, sessionId: string): Promise<TopicRecord[]> {
  const contributions = await db
    .selectFrom("session_files")
    .innerJoin("files", "files.file_id", "session_files.file_id")
    .select([
      "session_files.file_id",
      "session_files.window_min_ns",
      "session_files.window_max_ns",
      "files.time_offset_ns",
      "files.clock_offset_ns",
      "files.explicit_start_ns",
      "files.explicit_end_ns",
      "files.recorded_start_ns",
      "files.recorded_end_ns",
    ])
    .where("session_files.session_id", "=", sessionId)
    .where("session_files.window_min_ns", "is not", null)
    .execute();

  const merged = new Map<string, TopicRecord & { files: Set<string> }>();
  const topicsByFile = new Map<string, Awaited<ReturnType<typeof loadTopics>>>();
  for (const contribution of contributions) {
    const offset = topicOffset(contribution);
    if (offset === null) continue;
    let topics = topicsByFile.get(contribution.file_id);
    if (!topics) {
      topics = await loadTopics(db, contribution.file_id);
      topicsByFile.set(contribution.file_id, topics);
    }

    const windowMin = contribution.window_min_ns as bigint;
    const windowMax = contribution.window_max_ns as bigint;
    for (const topic of topics) {
      if (topic.start_ns === null || topic.end_ns === null) continue;
      const start = topic.start_ns + offset;
      const end = topic.end_ns + offset;
      if (start > windowMax || end < windowMin) continue;

      const clippedStart = start > windowMin ? start : windowMin;
      const clippedEnd = end < windowMax ? end : windowMax;
      const key = `${topic.topic_name}\u0000${topic.schema_name}`;
      const entry = merged.get(key);
      if (!entry) {
        merged.set(key, {
          topic_name: topic.topic_name,
          schema_name: topic.schema_name === NO_SCHEMA ? null : topic.schema_name,
          message_count: Number(topic.message_count),
          start_time_ns: clippedStart,
          end_time_ns: clippedEnd,
          files: new Set([contribution.file_id]),
        });
        continue;
      }
      if (!entry.files.has(contribution.file_id)) {
        entry.files.add(contribution.file_id);
        entry.message_count += Number(topic.message_count);
      }
      if (clippedStart < (entry.start_time_ns as bigint)) entry.start_time_ns = clippedStart;
      if (clippedEnd > (entry.end_time_ns as bigint)) entry.end_time_ns = clippedEnd;
    }
  }

  return [...merged.values()]
    .sort((a, b) => compareTopics(a, b))
    .map(({ files: _files, ...topic }) => topic);
}

function loadTopics(db: Executor, fileId: string) {
  return db.selectFrom("file_topics").selectAll().where("file_id", "=", fileId).execute();
}

/** Orders topics by name, then schema name, in code-unit order. */
export function compareTopics(a: TopicRecord, b: TopicRecord): number {
  if (a.topic_name !== b.topic_name) return a.topic_name < b.topic_name ? -1 : 1;
  const schemaA = a.schema_name ?? "";
  const schemaB = b.schema_name ?? "";
  if (schemaA === schemaB) return 0;
  return schemaA < schemaB ? -1 : 1;
}
