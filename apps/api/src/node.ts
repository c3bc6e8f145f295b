export { LocalBlobStore } from "./blobs/local-blob-store.js";
export {
  type FileByteSource,
  fileByteSource,
  type IndexResult,
  indexRecording,
  RecordingFormatError,
} from "./ingest/index-recording.js";
export { loadConfig, type NodeConfig } from "./node/config.js";
export { type RunningServer, startNodeServer } from "./node/server.js";
export { bootstrapFirstOrg, loadPageTokenSecret } from "./orgs/bootstrap.js";
export { openPostgresStore } from "./store/postgres/open-postgres.js";
export { openSqliteStore } from "./store/sqlite/open-sqlite.js";
export { systemClock } from "./util/clock.js";
export { randomIds } from "./util/ids.js";
