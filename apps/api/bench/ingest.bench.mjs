// Recording ingestion benchmarks on generated MCAP files:
// 1. indexing with a summary: bytes read and time for ~10 MB and ~1 GB files
//    (target: the 1 GB file reads kilobytes and takes about as long as 10 MB);
// 2. indexing without a summary: scan throughput divided by a raw sequential
//    read of the same file in the same block size (target >= 0.7), and the
//    scan of the same messages in zstd-compressed chunks;
// 3. peak RSS growth of the API process while it receives a 1 GB upload over
//    HTTP and indexes it (target <= 64 MiB).
// The files are written to a temporary folder and deleted at the end.

import { randomBytes } from "node:crypto";
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import { McapStreamReader, McapWriter } from "@mcap/core";
import { machine, writeSection } from "../../../bench/results.mjs";
import { fileByteSource, indexRecording } from "../dist/node.js";
import { startServer } from "./server-process.mjs";

const MB = 1_000_000;
const MIB = 2 ** 20;
const SMALL_BYTES = Number(process.env.BENCH_SMALL_BYTES ?? 10 * MB);
const LARGE_BYTES = Number(process.env.BENCH_LARGE_BYTES ?? 1000 * MB);
// Uncompressed message bytes of the zstd file, which decide when writing stops.
const COMPRESSED_MESSAGE_BYTES = Number(process.env.BENCH_COMPRESSED_BYTES ?? 250 * MB);
const SUMMARY_RUNS = 31;
const SCAN_RUNS = 3;
// Block size of the indexer's streaming scan (STREAM_BLOCK_BYTES in src/ingest/mcap-stream-scan.ts).
const SCAN_BLOCK_BYTES = MIB;
const CHUNK_BYTES = 4 * MIB;
const RSS_SAMPLE_MS = 50;
const ADMIN_KEY = "sk_benchmark_admin_key_0123456789abcdefghij";
const START_NS = 1_700_000_000n * 1_000_000_000n;

// A mobile robot's topics: rate in Hz and payload size in bytes. Camera and
// lidar carry most bytes; IMU, odometry and tf most messages.
const CHANNELS = [
  {
    topic: "/camera/image/compressed",
    schema: "sensor_msgs/msg/CompressedImage",
    hz: 30,
    bytes: 120 * 1024,
  },
  { topic: "/lidar/points", schema: "sensor_msgs/msg/PointCloud2", hz: 10, bytes: MIB },
  { topic: "/imu", schema: "sensor_msgs/msg/Imu", hz: 200, bytes: 320 },
  { topic: "/odom", schema: "nav_msgs/msg/Odometry", hz: 50, bytes: 720 },
  { topic: "/tf", schema: "tf2_msgs/msg/TFMessage", hz: 100, bytes: 240 },
];

// @mcap/support decompresses zstd with @foxglove/wasm-zstd, whose compressor writes the zstd
// file here. It is resolved through @mcap/support, so the benchmark needs no dependency of its own.
const zstd = createRequire(import.meta.resolve("@mcap/support"))("@foxglove/wasm-zstd");

/** Opens `path` as an MCAP writable that writes to the file in blocks of 8 MiB or more. */
async function fileWritable(path) {
  const handle = await open(path, "w");
  let position = 0n;
  let pending = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    await handle.write(Buffer.concat(pending, pendingBytes));
    pending = [];
    pendingBytes = 0;
  };
  return {
    position: () => position,
    async write(buffer) {
      position += BigInt(buffer.byteLength);
      pending.push(Buffer.from(buffer));
      pendingBytes += buffer.byteLength;
      if (pendingBytes >= 8 * MIB) await flush();
    },
    async close() {
      await flush();
      await handle.close();
    },
  };
}

// Random bytes that zstd payloads are cut from, so that they barely compress.
const PAYLOAD_POOL_BYTES = 64 * MIB;

/**
 * Writes an MCAP file with 4 MiB chunks: of about `targetBytes` when its
 * chunks are uncompressed, and with about `targetBytes` of messages when they
 * are compressed with zstd. With `summary`, it has message indexes, chunk
 * indexes, statistics and summary offsets; without, its footer points to no summary.
 *
 * Uncompressed files repeat one payload per channel. Compressed files cut
 * each payload from random bytes at a random offset, as a repeated payload
 * would compress to almost nothing.
 */
async function writeMcap(path, targetBytes, { summary, compression = "" }) {
  const writable = await fileWritable(path);
  if (compression === "zstd") await zstd.isLoaded;
  const writer = new McapWriter({
    writable,
    chunkSize: CHUNK_BYTES,
    useChunks: true,
    useMessageIndex: true,
    useChunkIndex: summary,
    useStatistics: summary,
    useSummaryOffsets: summary,
    repeatSchemas: summary,
    repeatChannels: summary,
    useAttachmentIndex: summary,
    useMetadataIndex: summary,
    compressChunk:
      compression === "zstd"
        ? (data) => ({ compression, compressedData: zstd.compress(data) })
        : undefined,
  });
  await writer.start({ profile: "ros2", library: "sortie ingest benchmark" });

  const channels = [];
  for (const channel of CHANNELS) {
    const schemaId = await writer.registerSchema({
      name: channel.schema,
      encoding: "ros2msg",
      data: new Uint8Array(0),
    });
    const channelId = await writer.registerChannel({
      topic: channel.topic,
      schemaId,
      messageEncoding: "cdr",
      metadata: new Map(),
    });
    const payload = new Uint8Array(channel.bytes);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + channel.bytes) & 0xff;
    channels.push({
      channelId,
      payload,
      periodNs: 1_000_000_000n / BigInt(channel.hz),
      nextNs: START_NS,
      sequence: 0,
    });
  }

  const pool = compression === "" ? undefined : randomBytes(PAYLOAD_POOL_BYTES);
  const payloadOf = (channel) => {
    if (pool === undefined) return channel.payload;
    const offset = Math.floor(Math.random() * (pool.byteLength - channel.payload.byteLength));
    return pool.subarray(offset, offset + channel.payload.byteLength);
  };

  // Messages in log time order: every millisecond, each channel that is due publishes once.
  const written = () => (compression === "" ? Number(writable.position()) : messageBytes);
  let messages = 0;
  let messageBytes = 0;
  let endNs = START_NS;
  for (let nowNs = START_NS; written() < targetBytes; nowNs += 1_000_000n) {
    for (const channel of channels) {
      if (channel.nextNs > nowNs) continue;
      const data = payloadOf(channel);
      await writer.addMessage({
        channelId: channel.channelId,
        sequence: channel.sequence++,
        logTime: nowNs,
        publishTime: nowNs,
        data,
      });
      channel.nextNs += channel.periodNs;
      messages += 1;
      messageBytes += data.byteLength;
      endNs = nowNs;
    }
  }
  await writer.end();
  await writable.close();
  return { path, size: statSync(path).size, messages, messageBytes, startNs: START_NS, endNs };
}

/** Indexes a file through a byte source that counts reads; returns the result, time, bytes and reads. */
async function indexOnce(path) {
  const source = await fileByteSource(path);
  let reads = 0;
  const counted = {
    size: source.size,
    read(offset, length) {
      reads += 1;
      return source.read(offset, length);
    },
  };
  try {
    const started = performance.now();
    const result = await indexRecording(counted, path);
    const ms = performance.now() - started;
    return { result, ms, bytesRead: source.bytesRead(), reads };
  } finally {
    await source.close();
  }
}

/** Reads a file from start to end in blocks of the scan's size, each into a new buffer as the byte source does. */
async function rawReadMs(path) {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const started = performance.now();
    for (let offset = 0; offset < size; ) {
      const buffer = new Uint8Array(Math.min(SCAN_BLOCK_BYTES, size - offset));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) throw new Error(`${path} ended at byte ${offset} of ${size}`);
      offset += bytesRead;
    }
    return performance.now() - started;
  } finally {
    await handle.close();
  }
}

/** Reads a file as `rawReadMs` does and computes the CRC-32 of every block, as a CRC check of every chunk would. */
async function rawReadWithCrcMs(path) {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const started = performance.now();
    let crc = 0;
    for (let offset = 0; offset < size; ) {
      const buffer = new Uint8Array(Math.min(SCAN_BLOCK_BYTES, size - offset));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) throw new Error(`${path} ended at byte ${offset} of ${size}`);
      offset += bytesRead;
      crc = crc32(buffer.subarray(0, bytesRead), crc);
    }
    return performance.now() - started;
  } finally {
    await handle.close();
  }
}

/** Reads a file as `rawReadMs` does and feeds every block to @mcap/core's stream reader, to separate its cost from the indexer's. */
async function streamReaderMs(path, validateCrcs) {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const reader = new McapStreamReader({ validateCrcs });
    const started = performance.now();
    for (let offset = 0; offset < size; ) {
      const buffer = new Uint8Array(Math.min(SCAN_BLOCK_BYTES, size - offset));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) throw new Error(`${path} ended at byte ${offset} of ${size}`);
      offset += bytesRead;
      reader.append(buffer.subarray(0, bytesRead));
      while (reader.nextRecord() !== undefined);
    }
    if (!reader.done()) throw new Error(`${path}: the stream reader did not reach the footer`);
    return performance.now() - started;
  } finally {
    await handle.close();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Checks that indexing found every generated message and the generated window. */
function checkResult(file, result) {
  if (result.format !== "mcap" || result.message_count !== file.messages) {
    throw new Error(
      `${file.path}: indexed ${result.message_count} ${result.format} messages, generated ${file.messages}`,
    );
  }
  if (result.recorded_start_ns !== file.startNs || result.recorded_end_ns !== file.endNs) {
    throw new Error(
      `${file.path}: indexed window [${result.recorded_start_ns}, ${result.recorded_end_ns}], generated [${file.startNs}, ${file.endNs}]`,
    );
  }
}

/** Indexes each file once to check it, then times them in alternating runs so that both see the same load. */
async function indexWithSummary(files) {
  const firsts = [];
  for (const file of files) {
    const first = await indexOnce(file.path);
    checkResult(file, first.result);
    firsts.push(first);
  }
  const times = files.map(() => []);
  for (let run = 0; run < SUMMARY_RUNS; run++) {
    for (const [index, file] of files.entries()) times[index].push((await indexOnce(file.path)).ms);
  }
  return firsts.map((first, index) => ({
    ms: median(times[index]),
    bytesRead: first.bytesRead,
    reads: first.reads,
  }));
}

async function scanWithoutSummary(file) {
  const scans = [];
  const raws = [];
  const rawsWithCrc = [];
  const readersWithCrc = [];
  const readersWithoutCrc = [];
  let bytesRead = 0;
  // Alternate the measurements so that all see the same page cache and machine load.
  for (let run = 0; run < SCAN_RUNS; run++) {
    raws.push(await rawReadMs(file.path));
    const scan = await indexOnce(file.path);
    checkResult(file, scan.result);
    scans.push(scan.ms);
    bytesRead = scan.bytesRead;
    rawsWithCrc.push(await rawReadWithCrcMs(file.path));
    readersWithCrc.push(await streamReaderMs(file.path, true));
    readersWithoutCrc.push(await streamReaderMs(file.path, false));
  }
  const rate = (ms) => file.size / MB / (ms / 1000);
  return {
    bytesRead,
    scanMBps: rate(median(scans)),
    rawMBps: rate(median(raws)),
    rawWithCrcMBps: rate(median(rawsWithCrc)),
    readerWithCrcMBps: rate(median(readersWithCrc)),
    readerWithoutCrcMBps: rate(median(readersWithoutCrc)),
  };
}

/** Scans the zstd file and returns rates of its uncompressed message bytes and of its file size. */
async function scanCompressed(file) {
  const scans = [];
  for (let run = 0; run < SCAN_RUNS; run++) {
    const scan = await indexOnce(file.path);
    checkResult(file, scan.result);
    scans.push(scan.ms);
  }
  const seconds = median(scans) / 1000;
  return { messageMBps: file.messageBytes / MB / seconds, fileMBps: file.size / MB / seconds };
}

function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS line in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

async function api(server, method, path, body) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} failed with ${response.status}: ${text}`);
  return JSON.parse(text).data;
}

/** Streams a file as the body of an upload and waits until the server has indexed it. */
async function uploadAndIndex(server, datasetId, file, relativePath) {
  const started = performance.now();
  const response = await fetch(
    `${server.url}/v1/datasets/${datasetId}/files/upload?relative_path=${encodeURIComponent(relativePath)}`,
    {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/octet-stream" },
      body: Readable.toWeb(createReadStream(file.path, { highWaterMark: MIB })),
      duplex: "half",
    },
  );
  const text = await response.text();
  if (!response.ok)
    throw new Error(`upload of ${file.path} failed with ${response.status}: ${text}`);
  const uploadMs = performance.now() - started;
  const fileId = JSON.parse(text).data.file_id;

  for (;;) {
    const record = await api(server, "GET", `/v1/files/id/${fileId}`);
    if (record.ingestion_status === "indexed") break;
    if (record.ingestion_status === "failed")
      throw new Error(`indexing ${relativePath} failed: ${record.ingestion_error}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { uploadMs, totalMs: performance.now() - started };
}

/** Runs `work` while sampling the server's RSS; returns its result with the peak growth over the RSS before it. */
async function withPeakRss(pid, work) {
  const baseline = rssBytes(pid);
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid));
  }, RSS_SAMPLE_MS);
  try {
    const result = await work();
    peak = Math.max(peak, rssBytes(pid));
    return { ...result, baseline, peak, growth: peak - baseline };
  } finally {
    clearInterval(timer);
  }
}

async function measureUploads(dir, small, withSummary, withoutSummary) {
  const dataDir = join(dir, "server");
  const server = await startServer({
    SORTIE_DATA_DIR: dataDir,
    SORTIE_ADMIN_API_KEY: ADMIN_KEY,
    SORTIE_JOB_POLL_MS: "50",
  });
  try {
    const started = rssBytes(server.pid);
    const dataset = await api(server, "POST", "/v1/datasets", { name: "ingest benchmark" });
    // A first small upload loads the upload and indexing code, which is a one-time cost.
    await uploadAndIndex(server, dataset.dataset_id, small, "warm-up.mcap");
    const warm = rssBytes(server.pid);

    const summary = await withPeakRss(server.pid, () =>
      uploadAndIndex(server, dataset.dataset_id, withSummary, "large-summary.mcap"),
    );
    const scan = await withPeakRss(server.pid, () =>
      uploadAndIndex(server, dataset.dataset_id, withoutSummary, "large-no-summary.mcap"),
    );
    return { started, warm, summary, scan };
  } finally {
    await server.stop();
  }
}

const loadAtStart = loadavg()[0];
const dir = mkdtempSync(join(tmpdir(), "sortie-ingest-bench-"));
try {
  console.log(`writing MCAP files to ${dir} …`);
  const small = await writeMcap(join(dir, "small-summary.mcap"), SMALL_BYTES, { summary: true });
  const large = await writeMcap(join(dir, "large-summary.mcap"), LARGE_BYTES, { summary: true });
  const bare = await writeMcap(join(dir, "large-no-summary.mcap"), LARGE_BYTES, { summary: false });
  const zstdBare = await writeMcap(join(dir, "zstd-no-summary.mcap"), COMPRESSED_MESSAGE_BYTES, {
    summary: false,
    compression: "zstd",
  });
  for (const file of [small, large, bare, zstdBare])
    console.log(`${file.path}: ${file.size} bytes, ${file.messages} messages`);

  console.log("indexing with a summary …");
  const [smallIndex, largeIndex] = await indexWithSummary([small, large]);
  console.log({ smallIndex, largeIndex });

  console.log("scanning without a summary …");
  const scan = await scanWithoutSummary(bare);
  console.log(scan);
  const zstdScan = await scanCompressed(zstdBare);
  console.log(zstdScan);

  console.log("uploading to the API …");
  const uploads = await measureUploads(dir, small, large, bare);
  console.log(uploads);

  const verdict = (ok) => (ok ? "met" : "**missed**");
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  const mib = (bytes) => `${(bytes / MIB).toFixed(1)} MiB`;
  const timeRatio = largeIndex.ms / smallIndex.ms;
  const scanRatio = scan.scanMBps / scan.rawMBps;
  const rssTarget = 64 * MIB;
  const rows = [
    [small, smallIndex],
    [large, largeIndex],
  ]
    .map(
      ([file, index]) =>
        `| ${(file.size / MB).toFixed(1)} MB | ${file.messages.toLocaleString("en")} | ${kib(index.bytesRead)} | ${index.reads} | ${index.ms.toFixed(2)} |`,
    )
    .join("\n");

  writeSection(
    "api/ingest",
    `## Recording ingestion (apps/api/bench/ingest.bench.mjs)

Machine: ${machine()}; 1-minute load average ${loadAtStart.toFixed(2)} at the start. The benchmark writes MCAP files with @mcap/core's
McapWriter into a temporary folder and deletes them afterwards. The messages
are those of a mobile robot: camera 30 Hz × 120 KiB, lidar 10 Hz × 1 MiB, IMU
200 Hz × 320 B, odometry 50 Hz × 720 B and tf 100 Hz × 240 B, in uncompressed
4 MiB chunks. Indexing runs in the benchmark process through \`indexRecording\`
on a \`fileByteSource\`, with warm page cache (the files were just written).

### With a summary (message indexes, chunk indexes, statistics)

Time is the median of ${SUMMARY_RUNS} runs, alternating between the two files. The indexer
reads the footer and the summary, then the message index records (16 bytes
per message) of only the chunks that can hold a channel's earliest or latest
message; message counts come from the Statistics record. With chunks in time
order that is the first and last chunks or so, whatever the file's size.

| file | messages | bytes read | reads | time, ms |
| --- | --- | --- | --- | --- |
${rows}

- 1 GB reads kilobytes (below 1 MiB): ${kib(largeIndex.bytesRead)} (${verdict(largeIndex.bytesRead < MIB)}).
- 1 GB time / 10 MB time: ${timeRatio.toFixed(1)}× (about as long, read here as ≤ 2×: ${verdict(timeRatio <= 2)}).

### Without a summary (streaming scan)

${(bare.size / MB).toFixed(1)} MB, ${bare.messages.toLocaleString("en")} messages. The scan reads ${mib(scan.bytesRead)} in
${SCAN_BLOCK_BYTES / MIB} MiB blocks, reading the next block while it walks the current one; the raw
read reads the same file with \`FileHandle.read\` in ${SCAN_BLOCK_BYTES / MIB} MiB blocks into new buffers,
one after the other. Medians of ${SCAN_RUNS} alternating runs.

| scan, MB/s | raw read, MB/s | ratio (target ≥ 0.7) |
| --- | --- | --- |
| ${scan.scanMBps.toFixed(0)} | ${scan.rawMBps.toFixed(0)} | ${scanRatio.toFixed(2)} (${verdict(scanRatio >= 0.7)}) |

The scan walks record headers and reads only the channel id and log time of
each message; it checks the CRC of compressed chunks but not of uncompressed
ones. For comparison, in the same runs:
- raw read plus a CRC-32 (\`zlib.crc32\`) of every block, a rate that a CRC check of
  uncompressed chunks cannot beat: ${scan.rawWithCrcMBps.toFixed(0)} MB/s (ratio ${(scan.rawWithCrcMBps / scan.rawMBps).toFixed(2)});
- raw read feeding every block to @mcap/core's \`McapStreamReader\`, which the
  scan used before: ${scan.readerWithCrcMBps.toFixed(0)} MB/s with CRC checks and ${scan.readerWithoutCrcMBps.toFixed(0)} MB/s without (ratios
  ${(scan.readerWithCrcMBps / scan.rawMBps).toFixed(2)} and ${(scan.readerWithoutCrcMBps / scan.rawMBps).toFixed(2)});
- zstd chunks: the same channels with random payloads, ${(zstdBare.messageBytes / MB).toFixed(0)} MB of messages in a
  ${(zstdBare.size / MB).toFixed(1)} MB file (compression ratio ${(zstdBare.messageBytes / zstdBare.size).toFixed(2)}), scan at ${zstdScan.fileMBps.toFixed(0)} MB/s of file and
  ${zstdScan.messageMBps.toFixed(0)} MB/s of messages, ${(zstdScan.messageMBps / scan.scanMBps).toFixed(2)}× the uncompressed scan's rate. The difference is
  decompression (whose @mcap/support handler copies its output twice), joining each
  chunk's compressed bytes into one buffer, and the chunk CRC check. lz4 was not
  measured, since no lz4 compressor is installed.

### Memory of the API while uploading and indexing 1 GB

The API runs as a child process (\`dist/main.js\`, SQLite, job poll 50 ms). The
benchmark streams each file as a chunked PUT body, polls the file until it is
indexed, and samples the server's VmRSS every ${RSS_SAMPLE_MS} ms. Growth is the peak
minus the RSS just before the upload. RSS was ${mib(uploads.started)} after start and
${mib(uploads.warm)} after a first upload of the 10 MB file.

| upload | upload, s | upload + indexing, s | RSS before | peak RSS | growth (target ≤ 64 MiB) |
| --- | --- | --- | --- | --- | --- |
| 1 GB with summary | ${(uploads.summary.uploadMs / 1000).toFixed(1)} | ${(uploads.summary.totalMs / 1000).toFixed(1)} | ${mib(uploads.summary.baseline)} | ${mib(uploads.summary.peak)} | ${mib(uploads.summary.growth)} (${verdict(uploads.summary.growth <= rssTarget)}) |
| 1 GB without summary | ${(uploads.scan.uploadMs / 1000).toFixed(1)} | ${(uploads.scan.totalMs / 1000).toFixed(1)} | ${mib(uploads.scan.baseline)} | ${mib(uploads.scan.peak)} | ${mib(uploads.scan.growth)} (${verdict(uploads.scan.growth <= rssTarget)}) |`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
