import { INDEX_FILE_JOB } from "../files/indexing-contract.js";
import type { JobHandler } from "../jobs/worker.js";
import type { Store } from "../store/store.js";
import { type Clock, msToNs } from "../util/clock.js";

/** The `ingestion_error` that an upload on the edge records. */
export const EDGE_INDEXING_UNAVAILABLE =
  "Recordings are indexed only by the Node.js deployment of Sortie; this edge deployment stored the file's bytes but cannot read its time window or topics. Set the window with PUT /v1/files/id/{file_id} (start_time_ns and end_time_ns).";

/**
 * Handles indexing jobs on the edge by failing them with a message that
 * explains why and what to do instead. workerd forbids what the indexers need: loading
 * `@mcap/support`'s decompressors fails there with "Code generation from
 * strings disallowed", and `WebAssembly.compile` on bytes is rejected (both
 * seen in workerd 1.20260426). A full scan of a large recording would also
 * exceed a Worker's CPU and subrequest limits.
 */
export function nodeOnlyIndexingJobHandlers(store: Store, clock: Clock): Map<string, JobHandler> {
  const handler: JobHandler = {
    maxAttempts: 1,
    async run(job) {
      await store.db
        .updateTable("files")
        .set({
          ingestion_status: "failed",
          ingestion_error: EDGE_INDEXING_UNAVAILABLE,
          modified_ns: msToNs(clock.nowMs()),
        })
        .where("file_id", "=", job.subject_id)
        .where("ingestion_status", "=", "pending")
        .execute();
    },
  };
  return new Map([[INDEX_FILE_JOB, handler]]);
}
