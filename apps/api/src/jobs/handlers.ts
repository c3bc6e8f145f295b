import type { BlobStore } from "../blobs/blob-store.js";
import { customFieldJobHandlers } from "../custom-fields/lifecycle.js";
import { indexingJobHandlers } from "../files/indexing.js";
import type { Logger } from "../logger.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import type { JobHandler } from "./worker.js";

/** Every background job kind the API runs, with its handler. */
export function createJobHandlers(
  store: Store,
  blobs: BlobStore,
  clock: Clock,
  logger: Logger,
): Map<string, JobHandler> {
  return new Map([
    ...customFieldJobHandlers(store, clock),
    ...indexingJobHandlers(store, blobs, clock, logger),
  ]);
}
