import { McapIndexedReader, TempBuffer } from "@mcap/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ByteSource, memoryByteSource } from "./byte-source.js";
import { indexMcapFromSummary } from "./mcap-summary.js";
import {
  arbitraryIndexedMcap,
  type GeneratedMcap,
  type GeneratedMessage,
  referenceIndex,
  writeGeneratedMcap,
} from "./mcap-test-files.js";

const START_NS = 1_700_000_000_000_000_000n;
const MS = 1_000_000n;

/** Byte source that records every range read. */
function recordingRanges(bytes: Uint8Array): ByteSource & { ranges: [number, number][] } {
  const source = memoryByteSource(bytes);
  const ranges: [number, number][] = [];
  return {
    size: source.size,
    ranges,
    read(offset, length) {
      ranges.push([offset, offset + length]);
      return source.read(offset, length);
    },
  };
}

/** Number of chunks whose Message Index records were read, out of all chunks. */
async function chunksWithIndexesRead(
  bytes: Uint8Array,
  ranges: [number, number][],
): Promise<{ read: number; chunks: number }> {
  const reader = await McapIndexedReader.Initialize({ readable: new TempBuffer(bytes) });
  let read = 0;
  for (const chunk of reader.chunkIndexes) {
    const start = Number(chunk.chunkStartOffset + chunk.chunkLength);
    const end = start + Number(chunk.messageIndexLength);
    if (ranges.some(([from, to]) => from < end && to > start)) read += 1;
  }
  return { read, chunks: reader.chunkIndexes.length };
}

/** Builds a robot's log in time order: /imu at 200 Hz, /odom at 50 Hz and /camera frames at 10 Hz. */
function orderedLog(seconds: number): GeneratedMcap {
  const messages: GeneratedMessage[] = [];
  for (let ms = 0n; ms < BigInt(seconds) * 1000n; ms += 5n) {
    const time = START_NS + ms * MS;
    messages.push({ channel: 0, logTimeNs: time, bytes: 64 });
    if (ms % 20n === 0n) messages.push({ channel: 1, logTimeNs: time, bytes: 200 });
    if (ms % 100n === 0n) messages.push({ channel: 2, logTimeNs: time, bytes: 3000 });
  }
  return {
    channels: [
      { topic: "/imu", schema: "sensor_msgs/msg/Imu" },
      { topic: "/odom", schema: "nav_msgs/msg/Odometry" },
      { topic: "/camera", schema: null },
    ],
    messages,
    summary: true,
    chunked: true,
    chunkSize: 4000,
    compression: "",
    attachmentsAfter: [],
  };
}

async function expectSummaryMatchesReference(bytes: Uint8Array, name: string): Promise<void> {
  const reference = await referenceIndex(bytes);
  expect(reference.ok, name).toBe(true);
  const result = await indexMcapFromSummary(memoryByteSource(bytes));
  expect(result, name).toBeDefined();
  expect(result, name).toEqual(reference.ok ? reference.result : undefined);
}

// Field offsets in a Statistics record. It starts with the opcode (1), record length (8),
// message_count (8), schema_count (2), four 4-byte counts, message_start_time and
// message_end_time (8 each). The counts map follows: its byte length (4), then entries of a
// channel id (2) and a count (8).
const MESSAGE_COUNT_AT = 9;
const COUNTS_AT = 51;
const FIRST_COUNT_AT = COUNTS_AT + 4 + 2;
const SECOND_COUNT_AT = FIRST_COUNT_AT + 10;

/**
 * Edits the Statistics record through `edit`, given a view of the file and
 * the record's offset, and clears the footer's summary CRC, which the edit
 * would break.
 */
async function editStatistics(
  bytes: Uint8Array,
  edit: (view: DataView, statisticsAt: number) => void,
): Promise<Uint8Array> {
  const edited = Uint8Array.from(bytes);
  const reader = await McapIndexedReader.Initialize({ readable: new TempBuffer(edited) });
  const statisticsAt = Number(reader.summaryOffsetsByOpcode.get(0x0b)?.groupStart ?? 0n);
  expect(statisticsAt).toBeGreaterThan(0);

  const view = new DataView(edited.buffer, edited.byteOffset, edited.byteLength);
  edit(view, statisticsAt);

  // The footer's summary_crc is the last field before the closing 8 magic bytes.
  view.setUint32(edited.byteLength - 8 - 4, 0, true);
  return edited;
}

function addToUint64(view: DataView, at: number, delta: bigint): void {
  view.setBigUint64(at, view.getBigUint64(at, true) + delta, true);
}

describe("MCAP summary windows", () => {
  it("match the reference on generated files", async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryIndexedMcap(), async (file) => {
        const bytes = await writeGeneratedMcap(file);
        await expectSummaryMatchesReference(
          bytes,
          JSON.stringify({ ...file, messages: file.messages.length }),
        );
      }),
      { numRuns: 150, seed: 20_260_103 },
    );
  });

  it("ordered chunks read few indexes", async () => {
    const file = orderedLog(20);
    const bytes = await writeGeneratedMcap(file);
    const source = recordingRanges(bytes);
    await indexMcapFromSummary(source);

    const { read, chunks } = await chunksWithIndexesRead(bytes, source.ranges);
    expect(chunks).toBeGreaterThan(100);
    expect(read).toBeLessThanOrEqual(4);
    await expectSummaryMatchesReference(bytes, "ordered log");
  });

  it("late earliest message is found", async () => {
    // The /odom sample written last is the earliest one; its chunk starts before all others.
    const file = orderedLog(5);
    file.messages.push({ channel: 1, logTimeNs: START_NS - 1n, bytes: 200 });
    const bytes = await writeGeneratedMcap(file);

    await expectSummaryMatchesReference(bytes, "late earliest message");
    const result = await indexMcapFromSummary(memoryByteSource(bytes));
    expect(result?.topics.find((topic) => topic.topic_name === "/odom")?.start_ns).toBe(
      START_NS - 1n,
    );
  });

  it("early latest message is found", async () => {
    // The /camera frame written first is the latest one; later chunks end before it.
    const file = orderedLog(5);
    file.messages.unshift({ channel: 2, logTimeNs: START_NS + 3_600_000n * MS, bytes: 3000 });
    const bytes = await writeGeneratedMcap(file);

    await expectSummaryMatchesReference(bytes, "early latest message");
    const result = await indexMcapFromSummary(memoryByteSource(bytes));
    expect(result?.topics.find((topic) => topic.topic_name === "/camera")?.end_ns).toBe(
      START_NS + 3_600_000n * MS,
    );
  });

  it("missing channel counts read every index", async () => {
    const bytes = await writeGeneratedMcap(orderedLog(5));
    // An empty counts map: its byte length becomes 0, and the entries left behind are padding.
    const withoutCounts = await editStatistics(bytes, (view, at) =>
      view.setUint32(at + COUNTS_AT, 0, true),
    );
    const source = recordingRanges(withoutCounts);

    const result = await indexMcapFromSummary(source);
    const reference = await referenceIndex(bytes);
    expect(result).toEqual(reference.ok ? reference.result : undefined);
    const { read, chunks } = await chunksWithIndexesRead(withoutCounts, source.ranges);
    expect(read).toBe(chunks);
  });

  // Count edits that keep the total equal to the sum of the per-channel counts.
  const countEdits: [string, (view: DataView, statisticsAt: number) => void][] = [
    [
      "moved count",
      (view, at) => {
        addToUint64(view, at + FIRST_COUNT_AT, -1n);
        addToUint64(view, at + SECOND_COUNT_AT, 1n);
      },
    ],
    [
      "added count",
      (view, at) => {
        addToUint64(view, at + FIRST_COUNT_AT, 1n);
        addToUint64(view, at + MESSAGE_COUNT_AT, 1n);
      },
    ],
  ];

  it.each(countEdits)("%s falls back to scanning", async (_edit, edit) => {
    // One chunk, so every index is read and the counts are checked exactly.
    const file = { ...orderedLog(1), chunkSize: 1024 * 1024 };
    const bytes = await writeGeneratedMcap(file);
    const reader = await McapIndexedReader.Initialize({ readable: new TempBuffer(bytes) });
    expect(reader.chunkIndexes.length).toBe(1);
    expect(await indexMcapFromSummary(memoryByteSource(bytes))).toBeDefined();

    const edited = await editStatistics(bytes, edit);
    expect(await indexMcapFromSummary(memoryByteSource(edited))).toBeUndefined();
  });

  it("count below entries read falls back", async () => {
    // Many chunks, of which only a few are read: a count below the entries read must still fail.
    const bytes = await writeGeneratedMcap(orderedLog(5));
    const edited = await editStatistics(bytes, (view, at) => {
      const firstCount = view.getBigUint64(at + FIRST_COUNT_AT, true);
      addToUint64(view, at + FIRST_COUNT_AT, 1n - firstCount);
      addToUint64(view, at + MESSAGE_COUNT_AT, 1n - firstCount);
    });

    expect(await indexMcapFromSummary(memoryByteSource(bytes))).toBeDefined();
    expect(await indexMcapFromSummary(memoryByteSource(edited))).toBeUndefined();
  });
});
