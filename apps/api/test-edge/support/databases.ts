// Stands in for test/support/databases.ts when the Node suite runs inside
// workerd (see vitest.edge.config.ts). D1 speaks SQLite, so tests that branch
// on the SQL dialect take their SQLite branch.

/** Stores the shared API tests run on inside workerd: D1, whose SQL is SQLite's. */
export const TEST_DIALECTS = ["sqlite"] as const;
export type TestDialect = (typeof TEST_DIALECTS)[number];
