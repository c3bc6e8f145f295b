import type { BlobStore } from "../blobs/blob-store.js";
import {
  type ByteSource,
  type IndexResult,
  indexRecording,
  RecordingFormatError,
} from "../ingest/index-recording.js";
import type { JobHandler } from "../jobs/worker.js";
import type { Logger } from "../logger.js";
import type { Store } from "../store/store.js";
import { type Clock, msToNs } from "../util/clock.js";
import { INDEX_FILE_JOB, NO_SCHEMA } from "./indexing-contract.js";
import { syncFileWindow } from "./window-sync.js";

export { INDEX_FILE_JOB, NO_SCHEMA, topicOffset } from "./indexing-contract.js";

/**
 * Indexes uploaded files in the background: reads the blob through the
 * recording indexers, then stores the window, time base and topics and
 * recomputes the bounds of every session holding the file, in one
 * transaction. A damaged file ends `failed` with the indexer's message; an
 * I/O failure is retried with backoff.
 */
export function indexingJobHandlers(
  store: Store,
  blobs: BlobStore,
  clock: Clock,
  logger: Logger,
): Map<string, JobHandler> {
  const markFailed = async (fileId: string, message: string) => {
    await store.db
      .updateTable("files")
      .set({
        ingestion_status: "failed",
        ingestion_error: message.slice(0, 2000),
        modified_ns: msToNs(clock.nowMs()),
      })
      .where("file_id", "=", fileId)
      .execute();
  };

  const handler: JobHandler = {
    maxAttempts: 5,
    async run(job) {
      const file = await store.db
        .selectFrom("files")
        .select(["file_id", "blob_key", "relative_path"])
        .where("file_id", "=", job.subject_id)
        .executeTakeFirst();
      if (!file?.blob_key) return;

      let result: IndexResult;
      const reader = await blobs.open(file.blob_key);
      try {
        const source: ByteSource = {
          size: reader.size,
          read: (offset, length) => reader.read(offset, length),
        };
        result = await indexRecording(source, file.relative_path);
      } catch (error) {
        if (error instanceof RecordingFormatError) {
          logger.info(
            { file_id: file.file_id, problem: error.problem },
            "recording could not be indexed",
          );
          await markFailed(file.file_id, error.message);
          return;
        }
        throw error;
      } finally {
        await reader.close();
      }
      await storeIndexResult(store, file.file_id, result, msToNs(clock.nowMs()));
    },
    onFailed: (job, error) => markFailed(job.subject_id, `indexing failed after retries: ${error}`),
  };
  return new Map([[INDEX_FILE_JOB, handler]]);
}

/** Stores what indexing found and carries the new window into every session holding the file. */
export async function storeIndexResult(
  store: Store,
  fileId: string,
  result: IndexResult,
  nowNs: bigint,
): Promise<void> {
  let timeBase: "unix" | "relative" | null = null;
  if (result.recorded_start_ns !== null)
    timeBase = result.clock_offset_ns === null ? "relative" : "unix";

  await store.transaction(async (tx) => {
    await tx
      .updateTable("files")
      .set({
        ingestion_status: "indexed",
        ingestion_error: null,
        format: result.format,
        time_base: timeBase,
        recorded_start_ns: result.recorded_start_ns,
        recorded_end_ns: result.recorded_end_ns,
        clock_offset_ns: result.clock_offset_ns,
        modified_ns: nowNs,
      })
      .where("file_id", "=", fileId)
      .execute();

    await tx.deleteFrom("file_topics").where("file_id", "=", fileId).execute();
    const rows = result.topics.map((topic) => ({
      file_id: fileId,
      topic_name: topic.topic_name,
      schema_name: topic.schema_name ?? NO_SCHEMA,
      message_count: BigInt(topic.message_count),
      start_ns: topic.start_ns,
      end_ns: topic.end_ns,
    }));
    for (let start = 0; start < rows.length; start += 200) {
      await tx
        .insertInto("file_topics")
        .values(rows.slice(start, start + 200))
        .execute();
    }
    await syncFileWindow(store, tx, fileId, nowNs);
  });
}
