// Bindings of the edge suite, as vitest.edge.config.ts declares them.
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    BLOBS: R2Bucket;
    SORTIE_ADMIN_API_KEY: string;
    /** rosbag2_talker.mcap from the shared recordings. */
    TALKER_MCAP: ArrayBuffer;
    /** D1 databases that test APIs take one at a time (support/d1-slots.ts). */
    [slot: `DB_${number}`]: D1Database;
  }

  interface Exports {
    /** The Worker of src/edge/worker.ts. */
    default: Fetcher;
  }
}
