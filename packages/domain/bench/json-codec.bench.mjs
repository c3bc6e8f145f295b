// Times the int64-exact JSON codec against plain JSON.parse/JSON.stringify on
// one 1 MiB page of session records, and writes the result into the
// `domain/json-codec` section of bench/RESULTS.md at the repository root.
//
// Run with `pnpm --filter @sortie/domain bench` after building the package.
// A missed target is reported, not fatal: the script exits non-zero only when
// it crashes or the codec returns wrong values.

import os from "node:os";
import { parse as parseLossless } from "lossless-json";
import { writeSection } from "../../../bench/results.mjs";
import { parseJson, stringifyJson } from "../dist/index.js";

const PAGE_BYTES = 1024 * 1024;
const WARMUP_RUNS = 20;
const MEASURED_RUNS = 60;
// The whole measurement is repeated, and the median repeat reported, because
// other jobs on a shared machine can slow one repeat for seconds at a time.
const REPEATS = 3;
const TARGET_RATIO = 2;

const SECTION = "domain/json-codec";

// 2026-04-23T08:00:00Z in nanoseconds. Every Unix time after April 1970 is
// above 2^53 nanoseconds.
const BASE_NS = 1_776_931_200_000_000_000n;

// A small seeded generator, so every run measures the same page.
function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sessionRecord(index, random) {
  const pick = (items) => items[Math.floor(random() * items.length)];
  const start = BASE_NS + BigInt(index) * 3_600_000_000_000n + BigInt(Math.floor(random() * 1e9));
  const duration =
    BigInt(Math.floor(random() * 1800)) * 1_000_000_000n + BigInt(Math.floor(random() * 1e9));
  const created = new Date(Date.UTC(2026, 3, 23) + index * 60_000).toISOString();

  return {
    session_id: `ss_${index.toString(36).padStart(8, "0")}${Math.floor(random() * 1e9).toString(36)}`,
    org_id: "og_4f2a9c7d",
    key: `flights/site-${index % 17}/${index}`,
    name: `Flight ${index} over ${pick(["north field", "test range", "harbour", "orchard"])}`,
    description:
      random() < 0.5 ? null : "Survey flight with the downward camera and the lidar enabled.",
    tags: ["survey", pick(["day", "night"]), pick(["clear", "rain", "wind"]), `site-${index % 17}`],
    metadata: {
      vehicle: {
        model: pick(["quad-x4", "fixed-wing-2"]),
        firmware: "px4-1.15.2",
        serial: `SN${index}`,
      },
      calibration: {
        imu_offset_ns: BigInt(Math.floor(random() * 1e6)),
        camera_sync_ns: start - 1_000n,
      },
      battery: {
        start_v: 16.8 - random(),
        end_v: 14.2 + random(),
        cycles: Math.floor(random() * 300),
      },
      operator_notes: "Nominal takeoff; gusts during the second leg; landed on the marked pad.",
    },
    custom_fields: {
      weather: pick(["clear", "rain", "fog"]),
      max_altitude_m: Math.round(random() * 12000) / 100,
      launched_at: `2026-04-23T08:${String(index % 60).padStart(2, "0")}:00.123456789Z`,
      pilot: pick(["ada", "grace", "linus", null]),
    },
    min_timestamp_ns: start,
    max_timestamp_ns: start + duration,
    created,
    created_by: "us_0001",
    modified: created,
    modified_by: "us_0001",
  };
}

// Builds `{"data":{"items":[…],"next_token":…}}` of at least PAGE_BYTES bytes.
function buildPage() {
  const random = createRandom(42);
  const items = [];
  let bytes = 0;
  while (bytes < PAGE_BYTES) {
    const record = sessionRecord(items.length, random);
    items.push(record);
    bytes += Buffer.byteLength(stringifyJson(record)) + 1;
  }
  const page = { data: { items, next_token: "eyJrIjoic3NfMDAwMDAwMDEiLCJtIjoiYWJjIn0" } };
  return { page, text: stringifyJson(page) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// Times each function on every round, alternating them so that drift in the
// machine's speed affects all of them alike.
function timeInterleaved(functions) {
  let sink = 0;
  for (let i = 0; i < WARMUP_RUNS; i++) {
    for (const run of Object.values(functions)) sink += run() ? 1 : 0;
  }

  const times = Object.fromEntries(Object.keys(functions).map((name) => [name, []]));
  for (let i = 0; i < MEASURED_RUNS; i++) {
    for (const [name, run] of Object.entries(functions)) {
      const start = performance.now();
      sink += run() ? 1 : 0;
      times[name].push(performance.now() - start);
    }
  }
  if (sink < 0) console.log(sink);
  return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
}

function checkExact(text, page) {
  const parsed = parseJson(text);
  const first = parsed.data.items[0];
  if (first.min_timestamp_ns !== page.data.items[0].min_timestamp_ns) {
    throw new Error(
      `parseJson lost precision: ${first.min_timestamp_ns} was written as ${page.data.items[0].min_timestamp_ns}`,
    );
  }
  if (stringifyJson(parsed) !== text) {
    throw new Error(
      "stringifyJson(parseJson(text)) differs from the input text, so the codec is broken; fix it before timing it",
    );
  }
  return parsed;
}

function countLargeIntegers(text) {
  return (text.match(/:\s*-?\d{16,}/g) ?? []).length;
}

function machineDescription() {
  const cpus = os.cpus();
  const memoryGiB = Math.round(os.totalmem() / 1024 ** 3);
  return `${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} logical cores, ${memoryGiB} GiB memory, Node.js ${process.version}, ${os.platform()} ${os.arch()}`;
}

function verdict(ratio) {
  return ratio <= TARGET_RATIO ? "met" : "**missed**";
}

// Summarizes the repeats of one operation: median times and ratio, and the
// range of the ratio over the repeats.
function summarize(repeats) {
  const ratios = repeats.map((times) => times.codec / times.plain);
  return {
    codec: median(repeats.map((times) => times.codec)),
    plain: median(repeats.map((times) => times.plain)),
    lossless: median(repeats.map((times) => times.lossless ?? 0)),
    ratio: median(ratios),
    lowest: Math.min(...ratios),
    highest: Math.max(...ratios),
  };
}

function formatSection(result) {
  const rows = [
    ["parse", result.parse],
    ["stringify", result.stringify],
  ].map(([operation, summary]) => {
    const spread = `${summary.lowest.toFixed(2)}–${summary.highest.toFixed(2)}`;
    return `| ${operation} | ${summary.codec.toFixed(2)} | ${summary.plain.toFixed(2)} | ${summary.ratio.toFixed(2)}× | ${spread} | ${verdict(summary.ratio)} |`;
  });
  const losslessRatio = result.parse.lossless / result.parse.plain;

  return `## int64-exact JSON codec (packages/domain/bench/json-codec.bench.mjs)

- Machine: ${result.machine}; 1-minute load average ${result.load} when the run started.
- Date: ${result.date}.
- Input: one page of ${result.items} session records, ${result.bytes} bytes, with
  ${result.largeIntegers} integers above 2^53 (the \`*_ns\` values).
- Method: each repeat times ${MEASURED_RUNS} runs after ${WARMUP_RUNS} warm-up runs, with the
  codec and plain JSON alternating within each round, and takes the median run.
  The table shows the median of ${REPEATS} repeats and the range of the ratio over
  them. Plain \`JSON.parse\` rounds the large integers, so it is the speed bound
  rather than an alternative.
- Target: the codec takes at most ${TARGET_RATIO}× the time of plain JSON on the same bytes.

| operation | parseJson / stringifyJson, ms | JSON.parse / JSON.stringify, ms | ratio | ratio range | target |
| --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

For reference, lossless-json 4.3.3 alone parses the page in
${result.parse.lossless.toFixed(2)} ms, ${losslessRatio.toFixed(2)}× plain \`JSON.parse\`.`;
}

async function main() {
  const loadAtStart = os.loadavg()[0].toFixed(2);
  const { page, text } = buildPage();
  const exact = checkExact(text, page);
  const plain = JSON.parse(text);

  const parseRepeats = [];
  const stringifyRepeats = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    parseRepeats.push(
      timeInterleaved({
        codec: () => parseJson(text),
        plain: () => JSON.parse(text),
        lossless: () => parseLossless(text),
      }),
    );
    stringifyRepeats.push(
      timeInterleaved({
        codec: () => stringifyJson(exact),
        plain: () => JSON.stringify(plain),
      }),
    );
  }
  const parse = summarize(parseRepeats);
  const stringify = summarize(stringifyRepeats);

  const result = {
    machine: machineDescription(),
    load: loadAtStart,
    date: new Date().toISOString().slice(0, 10),
    items: page.data.items.length,
    bytes: Buffer.byteLength(text),
    largeIntegers: countLargeIntegers(text),
    parse,
    stringify,
  };
  const section = formatSection(result);
  writeSection(SECTION, section);

  console.log(section);
  for (const [operation, summary] of Object.entries({ parse, stringify })) {
    if (summary.ratio > TARGET_RATIO) {
      console.log(
        `${operation}: ratio ${summary.ratio.toFixed(2)} exceeds the target of ${TARGET_RATIO}`,
      );
    }
  }
}

await main();
