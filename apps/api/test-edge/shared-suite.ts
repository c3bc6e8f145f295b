/**
 * Test files of the Node suite (under test/) that also run inside workerd,
 * with the harness swapped for the Worker's fetch on D1 and R2.
 *
 * Left out, because they need what only Node.js has:
 * - the upload, indexing and recording tests read files on disk and run the
 *   recording indexers;
 * - the crash-safety test kills processes;
 * - the concurrency and write-safety tests serve the app over a socket with
 *   `listen()` to send concurrent requests.
 */
export const SHARED_NODE_SUITE = [
  "bounds.property.test.ts",
  "contributions.test.ts",
  "custom-fields.test.ts",
  "datasets-files.test.ts",
  "devices.test.ts",
  "int64.test.ts",
  "limits.test.ts",
  "openapi.test.ts",
  "search.test.ts",
  "search-errors.test.ts",
  "search-fields.test.ts",
  "search-sort.test.ts",
  "security.test.ts",
  "sessions.test.ts",
];

/** Tests in the files above that serve the app over a socket, which workerd cannot. */
export const SOCKET_ONLY_TESTS = [
  "never redirects a trailing slash",
  "rejects an oversized body over HTTP",
];

/** D1 bindings DB_0 … DB_n that test APIs take one at a time. */
export const D1_SLOT_COUNT = 6;
