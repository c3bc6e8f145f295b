export { LocalBlobStore } from "./blobs/local-blob-store.js";
export { openSqliteStore } from "./store/sqlite/open-sqlite.js";
export { loadConfig, type NodeConfig } from "./node/config.js";
export { startNodeServer, type RunningServer } from "./node/server.js";
export { openPostgresStore } from "./store/postgres/open-postgres.js";
export { bootstrapFirstOrg, loadPageTokenSecret } from "./orgs/bootstrap.js";
export { randomIds } from "./util/ids.js";
export { systemClock } from "./util/clock.js";
export {
  fileByteSource,
  type FileByteSource,
  indexRecording,
  type IndexResult,
  RecordingFormatError,
} from "./ingest/index-recording.js";
