// Runs the API benchmarks one after another, each in its own process, so
// that one benchmark's memory and open stores do not weigh on the next.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BENCHMARKS = ["sessions.bench.mjs", "search.bench.mjs", "ingest.bench.mjs"];
const benchDir = dirname(fileURLToPath(import.meta.url));

let failed = 0;
for (const name of BENCHMARKS) {
  console.log(`\n== ${name}`);
  const result = spawnSync(process.execPath, [join(benchDir, name)], { stdio: "inherit" });
  if (result.status !== 0) {
    failed++;
    console.error(`${name} failed with exit code ${result.status ?? result.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
