import type { JobRow } from "../jobs/queue.js";
import type { JobHandler } from "../jobs/worker.js";
import type { Store } from "../store/store.js";
import { type Clock, msToNs } from "../util/clock.js";

/** Job kind that makes a `creating` field `ready`. */
export const CREATE_FIELD_JOB = "custom_field_create";
/** Job kind that removes a `deleting` field's values and then the field. */
export const DELETE_FIELD_JOB = "custom_field_delete";

const VALUES_PER_BATCH = 5000;

/**
 * Builds the job handlers of the custom-field lifecycle: `creating` → `ready`,
 * and `deleting` → values removed in batches → field gone. A transition that
 * keeps failing leaves the field `failed` with `last_error` and `attempts`.
 */
export function customFieldJobHandlers(store: Store, clock: Clock): Map<string, JobHandler> {
  const recordFailure = async (job: JobRow, error: string) => {
    await store.db
      .updateTable("custom_fields")
      .set({
        status: "failed",
        last_error: error.slice(0, 2000),
        attempts: job.attempts,
        modified_ns: msToNs(clock.nowMs()),
      })
      .where("field_id", "=", job.subject_id)
      .execute();
  };

  const create: JobHandler = {
    maxAttempts: 5,
    async run(job) {
      await store.transaction(async (tx) => {
        await tx
          .updateTable("custom_fields")
          .set({
            status: "ready",
            last_error: null,
            attempts: job.attempts,
            modified_ns: msToNs(clock.nowMs()),
          })
          .where("field_id", "=", job.subject_id)
          .where("status", "=", "creating")
          .execute();
      });
    },
    onFailed: recordFailure,
  };

  const remove: JobHandler = {
    maxAttempts: 5,
    async run(job) {
      // Values go in batches, so no transaction keeps the store busy for long.
      // The field is not ready meanwhile, so no write adds values to it.
      for (;;) {
        const batch = await store.db
          .selectFrom("custom_field_values")
          .select("entity_id")
          .where("field_id", "=", job.subject_id)
          .limit(VALUES_PER_BATCH)
          .execute();
        if (batch.length === 0) break;
        await store.db
          .deleteFrom("custom_field_values")
          .where("field_id", "=", job.subject_id)
          .where(
            "entity_id",
            "in",
            batch.map((row) => row.entity_id),
          )
          .execute();
      }
      await store.transaction(async (tx) => {
        await tx.deleteFrom("custom_field_values").where("field_id", "=", job.subject_id).execute();
        await tx.deleteFrom("custom_fields").where("field_id", "=", job.subject_id).execute();
      });
    },
    onFailed: recordFailure,
  };

  return new Map([
    [CREATE_FIELD_JOB, create],
    [DELETE_FIELD_JOB, remove],
  ]);
}
