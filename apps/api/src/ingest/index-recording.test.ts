import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareAscending } from "./compare.js";
import type { IndexedTopic, IndexResult } from "./index-result.js";
import {
  indexFile,
  loadManifest,
  type ManifestFile,
  type ManifestTopic,
  RECORDINGS_DIR,
  toBigInt,
} from "./test-recordings.js";
import { ulogTopicName } from "./ulog-topic-name.js";

const ONE_SECOND_NS = 1_000_000_000n;

const recordings = loadManifest().filter((file) => !file.broken);

describe.each(recordings)("$name", (file) => {
  // Index each file once, on first use, for all of its tests.
  let indexing: ReturnType<typeof indexFile> | undefined;
  const index = () => {
    indexing ??= indexFile(join(RECORDINGS_DIR, file.name));
    return indexing;
  };

  it("has the manifest's format", async () => {
    const { result } = await index();
    expect(result.format).toBe(file.format);
  });

  it("has the manifest's window", async () => {
    const { result } = await index();
    expect(result.recorded_start_ns).toBe(toBigInt(file.time?.startNs));
    expect(result.recorded_end_ns).toBe(toBigInt(file.time?.endNs));
  });

  it("has the manifest's message count", async () => {
    const { result } = await index();
    expect(result.message_count).toBe(file.messageCount);
  });

  it("has the manifest's clock offset", async () => {
    const { result } = await index();
    expectClockOffset(result, file);
  });

  it("has the manifest's topics", async () => {
    const { result } = await index();
    const expected = (file.topics ?? []).map((topic) => expectedTopic(file, topic));
    expect(result.topics).toEqual(sortByName(expected));
  });
});

describe("recording set", () => {
  it("covers every manifest format", () => {
    const formats = new Set(recordings.map((file) => file.format));
    expect([...formats].sort()).toEqual(["mcap", "ros1-bag", "ulog"]);
  });

  it("lists topics sorted by name", async () => {
    for (const file of recordings) {
      const { result } = await indexFile(join(RECORDINGS_DIR, file.name));
      const names = result.topics.map((topic) => topic.topic_name);
      expect(names).toEqual([...names].sort());
    }
  });
});

// MCAP and bag offsets are exact, but GPS-derived ULog windows may differ by GPS sampling jitter.
function expectClockOffset(result: IndexResult, file: ManifestFile): void {
  const clock = file.time?.clock ?? null;
  const absolute = file.time?.absolute;

  if (file.format !== "ulog") {
    expect(result.clock_offset_ns).toBe(clock === "unix" ? 0n : null);
    return;
  }
  if (absolute === undefined) {
    expect(result.clock_offset_ns).toBeNull();
    return;
  }

  const offset = result.clock_offset_ns;
  const start = result.recorded_start_ns;
  const end = result.recorded_end_ns;
  expect(offset).not.toBeNull();
  expect(start).not.toBeNull();
  expect(end).not.toBeNull();
  if (offset === null || start === null || end === null) return;

  expect(abs(start + offset - BigInt(absolute.unixStartNs))).toBeLessThanOrEqual(ONE_SECOND_NS);
  expect(abs(end + offset - BigInt(absolute.unixEndNs))).toBeLessThanOrEqual(ONE_SECOND_NS);
}

function expectedTopic(file: ManifestFile, topic: ManifestTopic): IndexedTopic {
  if (file.format === "ulog") {
    return {
      topic_name: ulogTopicName(topic.topic, topic.multiId ?? 0),
      schema_name: topic.type ?? null,
      message_count: topic.messageCount,
      start_ns: microsToNanos(topic.startUs),
      end_ns: microsToNanos(topic.endUs),
    };
  }
  return {
    topic_name: topic.topic,
    schema_name: (file.format === "mcap" ? topic.schemaName : topic.type) ?? null,
    message_count: topic.messageCount,
    start_ns: toBigInt(topic.startNs),
    end_ns: toBigInt(topic.endNs),
  };
}

function microsToNanos(value: string | null | undefined): bigint | null {
  const micros = toBigInt(value);
  return micros === null ? null : micros * 1000n;
}

function sortByName(topics: IndexedTopic[]): IndexedTopic[] {
  return [...topics].sort((a, b) => compareAscending(a.topic_name, b.topic_name));
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}
