import { resolve } from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig, type Plugin } from "vitest/config";
import { experimental_readRawConfig } from "wrangler";
import { D1_SLOT_COUNT, SHARED_NODE_SUITE, SOCKET_ONLY_TESTS } from "./test-edge/shared-suite.js";

// The edge suite: the test-edge/ files written for workerd, plus the Node
// suite's HTTP tests, all run inside workerd (Miniflare) on D1 and R2.

// Nothing in the suite may reach the network: no telemetry, no `Request.cf` download.
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

const root = import.meta.dirname;
const { rawConfig } = experimental_readRawConfig({ config: resolve(root, "wrangler.jsonc") });

/** The folder of real recordings, beside the repository. */
const recordings = resolve(root, "../../../shared/recordings");

/** Test APIs take D1 databases from these bindings; see test-edge/support/d1-slots.ts. */
const d1Slots = Array.from({ length: D1_SLOT_COUNT }, (_, index) => `DB_${index}`);

/**
 * Points the Node suite's harness modules at their workerd stand-ins, so its
 * test files run unchanged: test/support/test-api.ts builds the app on SQLite
 * or PostgreSQL, the stand-in sends each request through the Worker's fetch
 * on D1 and R2.
 */
function workerdHarness(): Plugin {
  const swaps = new Map([
    [resolve(root, "test/support/test-api.ts"), resolve(root, "test-edge/support/test-api.ts")],
    [resolve(root, "test/support/databases.ts"), resolve(root, "test-edge/support/databases.ts")],
  ]);
  return {
    name: "sortie-workerd-harness",
    enforce: "pre",
    resolveId(source, importer) {
      if (!importer || !source.startsWith(".")) return null;
      const target = resolve(importer, "..", source.replace(/\.js$/, ".ts"));
      return swaps.get(target) ?? null;
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export default defineConfig({
  plugins: [
    workerdHarness(),
    cloudflareTest({
      main: "./src/edge/worker.ts",
      miniflare: {
        compatibilityDate: rawConfig.compatibility_date,
        compatibilityFlags: rawConfig.compatibility_flags ?? [],
        d1Databases: ["DB", ...d1Slots],
        r2Buckets: ["BLOBS"],
        bindings: { SORTIE_ADMIN_API_KEY: "sk_edge_suite_admin_key_for_the_entry_tests" },
        // workerd cannot read the host's files, so recordings arrive as bindings.
        dataBlobBindings: { TALKER_MCAP: resolve(recordings, "rosbag2_talker.mcap") },
      },
    }),
  ],
  test: {
    name: "workerd",
    include: ["test-edge/**/*.test.ts", ...SHARED_NODE_SUITE.map((file) => `test/${file}`)],
    // Runs every test whose name is not one of SOCKET_ONLY_TESTS.
    testNamePattern: new RegExp(`^(?!.*(?:${SOCKET_ONLY_TESTS.map(escapeRegExp).join("|")})$)`),
    // Test APIs share the D1 bindings, so test files run one after another.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
