// Writes one benchmark's section of bench/RESULTS.md, between
// `<!-- BEGIN name -->` and `<!-- END name -->`, leaving other sections as
// they are. Every package's benchmarks use it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "RESULTS.md");

const HEADER = `# Benchmark results

Written by \`pnpm bench\`; each section is replaced by the benchmark that owns
it. Ratios compare two measurements taken in the same run on the same machine.
`;

/** Describes the machine a benchmark ran on. */
export function machine() {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Replaces the section `name` of bench/RESULTS.md with `markdown`, appending it when missing. */
export function writeSection(name, markdown) {
  const begin = `<!-- BEGIN ${name} -->`;
  const end = `<!-- END ${name} -->`;
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : HEADER;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next =
    start >= 0 && stop > start
      ? `${current.slice(0, start)}${block}${current.slice(stop + end.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(RESULTS, next);
}
