import type { BlobStore } from "./blobs/blob-store.js";
import type { Logger } from "./logger.js";
import type { Store } from "./store/store.js";
import type { Clock } from "./util/clock.js";
import type { IdGenerator } from "./util/ids.js";

/** Settings of one app instance. */
export interface AppConfig {
  /** Secret that signs page tokens; every node of a deployment must share it. */
  pageTokenSecret: string;
  /** Largest JSON request body, in bytes. */
  jsonBodyLimitBytes: number;
  /** Most custom fields an org may have per entity type (`SORTIE_CUSTOM_FIELD_QUOTA`, default 100). */
  customFieldQuota?: number;
  /** Largest recording one upload may stream, in bytes (`SORTIE_MAX_UPLOAD_BYTES`, default 100 GiB). */
  maxUploadBytes?: number;
}

/** Receives a nudge whenever a request has queued background work. */
export interface JobNotifier {
  wake(): void;
}

/** Everything the app needs from its runtime, so the same routes run on Node and on the edge. */
export interface AppDeps {
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  config: AppConfig;
  /** Worker of this node; without one, queued jobs wait for another node's worker. */
  jobs?: JobNotifier;
}
