import { readFileSync } from "node:fs";
import { join } from "node:path";
import { McapIndexedReader, McapWriter, type McapWriterOptions, TempBuffer } from "@mcap/core";
import { describe, expect, it } from "vitest";
import { type ByteSource, memoryByteSource } from "./byte-source.js";
import { compareAscending } from "./compare.js";
import { indexRecording } from "./index-recording.js";
import type { IndexedTopic } from "./index-result.js";
import { indexFile, loadManifest, RECORDINGS_DIR, toBigInt } from "./test-recordings.js";

const START_NS = 1_700_000_000_000_000_000n;

interface WrittenMessage {
  topic: "/camera" | "/imu";
  logTimeNs: bigint;
  bytes: number;
}

/**
 * Messages for a synthetic recording: large camera frames and small IMU
 * samples, with a few IMU samples out of time order so that first and last
 * are not the window.
 */
function syntheticMessages(): WrittenMessage[] {
  const messages: WrittenMessage[] = [];
  for (let frame = 0; frame < 100; frame++) {
    messages.push({
      topic: "/camera",
      logTimeNs: START_NS + BigInt(frame) * 100_000_000n,
      bytes: 20_000,
    });
    for (let sample = 0; sample < 10; sample++) {
      const step = BigInt(frame * 10 + sample) * 10_000_000n;
      const late = frame === 50 && sample === 0 ? 9_000_000_000n : 0n;
      messages.push({ topic: "/imu", logTimeNs: START_NS + 5_000_000n + step + late, bytes: 48 });
    }
  }
  return messages;
}

/** Writes the messages with `@mcap/core`'s writer; `/unused` has no schema and no message. */
async function writeMcap(
  messages: WrittenMessage[],
  options: Omit<McapWriterOptions, "writable"> = {},
): Promise<Uint8Array> {
  const buffer = new TempBuffer();
  const writer = new McapWriter({ writable: buffer, ...options });
  await writer.start({ profile: "", library: "sortie ingest test" });

  const imageSchema = await writer.registerSchema({
    name: "sensor_msgs/msg/Image",
    encoding: "ros2msg",
    data: new TextEncoder().encode("uint8[] data"),
  });
  const imuSchema = await writer.registerSchema({
    name: "sensor_msgs/msg/Imu",
    encoding: "ros2msg",
    data: new TextEncoder().encode("float64[9] orientation_covariance"),
  });
  const channelIds = {
    "/camera": await writer.registerChannel({
      topic: "/camera",
      schemaId: imageSchema,
      messageEncoding: "cdr",
      metadata: new Map(),
    }),
    "/imu": await writer.registerChannel({
      topic: "/imu",
      schemaId: imuSchema,
      messageEncoding: "cdr",
      metadata: new Map(),
    }),
  };
  await writer.registerChannel({
    topic: "/unused",
    schemaId: 0,
    messageEncoding: "json",
    metadata: new Map(),
  });

  for (const [sequence, message] of messages.entries()) {
    await writer.addMessage({
      channelId: channelIds[message.topic],
      sequence,
      logTime: message.logTimeNs,
      publishTime: message.logTimeNs,
      data: noise(message.bytes, sequence),
    });
  }
  await writer.end();
  return buffer.get();
}

function expectedTopics(messages: WrittenMessage[]): IndexedTopic[] {
  const topic = (name: WrittenMessage["topic"], schema: string): IndexedTopic => {
    const times = messages
      .filter((message) => message.topic === name)
      .map((message) => message.logTimeNs)
      .sort(compareAscending);
    return {
      topic_name: name,
      schema_name: schema,
      message_count: times.length,
      start_ns: times[0] ?? null,
      end_ns: times.at(-1) ?? null,
    };
  };
  return [
    topic("/camera", "sensor_msgs/msg/Image"),
    topic("/imu", "sensor_msgs/msg/Imu"),
    { topic_name: "/unused", schema_name: null, message_count: 0, start_ns: null, end_ns: null },
  ];
}

// Payload bytes that do not compress, as camera frames rarely do.
function noise(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed + 1;
  for (let index = 0; index < length; index++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

/** Byte source that records every range read, to check which parts of a file an indexer touched. */
function recordingRanges(source: ByteSource): ByteSource & { ranges: [number, number][] } {
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

describe("MCAP with a summary", () => {
  it("summary index matches written messages", async () => {
    const messages = syntheticMessages();
    const source = memoryByteSource(await writeMcap(messages));

    const result = await indexRecording(source, "synthetic.mcap");
    expect(result.topics).toEqual(expectedTopics(messages));
    expect(result.message_count).toBe(1100);
    expect(result.recorded_start_ns).toBe(START_NS);
    expect(result.clock_offset_ns).toBe(0n);
  });

  it("summary index reads under 2%", async () => {
    const source = memoryByteSource(await writeMcap(syntheticMessages()));
    await indexRecording(source, "synthetic.mcap");
    expect(source.bytesRead() / source.size).toBeLessThan(0.02);
  });

  it("summary index reads no chunk", async () => {
    const files = new Map<string, Uint8Array>([
      ["synthetic.mcap", await writeMcap(syntheticMessages())],
    ]);
    for (const name of [
      "rosbag2_talker.mcap",
      "evo_nav2_turtlebot.mcap",
      "rosbag2_test_bag_for_seek_0.mcap",
    ]) {
      files.set(name, readFileSync(join(RECORDINGS_DIR, name)));
    }

    for (const [name, bytes] of files) {
      const source = recordingRanges(memoryByteSource(bytes));
      await indexRecording(source, name);

      const reader = await McapIndexedReader.Initialize({ readable: new TempBuffer(bytes) });
      expect(reader.chunkIndexes.length).toBeGreaterThan(0);
      for (const chunk of reader.chunkIndexes) {
        const chunkStart = Number(chunk.chunkStartOffset);
        const chunkEnd = chunkStart + Number(chunk.chunkLength);
        const overlapping = source.ranges.filter(
          ([start, end]) => start < chunkEnd && end > chunkStart,
        );
        expect(overlapping, `${name}: reads inside the chunk at byte ${chunkStart}`).toEqual([]);
      }
    }
  });

  it("small-message file reads under 30%", async () => {
    // This file has 8197 small messages in 505 kB, and their message indexes are 26% of it.
    const { bytesRead, size } = await indexFile(join(RECORDINGS_DIR, "evo_nav2_turtlebot.mcap"));
    expect(bytesRead / size).toBeLessThan(0.3);
  });
});

describe("MCAP without a usable summary", () => {
  const variants: [string, Omit<McapWriterOptions, "writable">][] = [
    [
      "no summary section",
      {
        useStatistics: false,
        useSummaryOffsets: false,
        useChunkIndex: false,
        repeatSchemas: false,
        repeatChannels: false,
        useAttachmentIndex: false,
        useMetadataIndex: false,
      },
    ],
    ["no statistics", { useStatistics: false }],
    ["unchunked messages", { useChunks: false }],
    ["no message indexes", { useMessageIndex: false }],
  ];

  it.each(variants)("%s falls back to scanning", async (variant, options) => {
    const messages = syntheticMessages();
    const source = memoryByteSource(await writeMcap(messages, options));

    // Without a summary, the writer records no channel that never carried a message.
    const topics = expectedTopics(messages).filter(
      (topic) => variant !== "no summary section" || topic.message_count > 0,
    );
    const result = await indexRecording(source, "synthetic.mcap");
    expect(result.topics).toEqual(topics);
    expect(source.bytesRead()).toBeGreaterThanOrEqual(source.size);
  });

  it("wrong message index falls back", async () => {
    const messages = syntheticMessages();
    const bytes = await writeMcap(messages);
    const reader = await McapIndexedReader.Initialize({ readable: new TempBuffer(bytes) });
    const imu = [...reader.channelsById.values()].find((channel) => channel.topic === "/imu");
    const laterChunk = reader.chunkIndexes[1];
    const imuIndexAt = Number(laterChunk?.messageIndexOffsets.get(imu?.id ?? -1) ?? 0n);
    expect(imuIndexAt).toBeGreaterThan(0);

    // Message index: opcode, length, channel id, entries length, then 16-byte (log time, offset)
    // entries. Moving the second entry to 1 ns after the first camera frame keeps the statistics'
    // window and counts true, but lies outside the second chunk's window and would move /imu's
    // start if it were trusted. (The first entry is the late sample that ends the recording.)
    const secondLogTimeAt = imuIndexAt + 1 + 8 + 2 + 4 + 16;
    new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(secondLogTimeAt, START_NS + 1n, true);

    const source = memoryByteSource(bytes);
    const result = await indexRecording(source, "synthetic.mcap");
    expect(result.topics).toEqual(expectedTopics(messages));
    expect(source.bytesRead()).toBeGreaterThanOrEqual(source.size);
  });

  it("wrong statistics fall back to scanning", async () => {
    const name = "evo_nav2_turtlebot.mcap";
    const bytes = Uint8Array.from(readFileSync(join(RECORDINGS_DIR, name)));
    const reader = await McapIndexedReader.Initialize({ readable: new TempBuffer(bytes) });
    const statisticsAt = Number(reader.summaryOffsetsByOpcode.get(0x0b)?.groupStart ?? 0n);
    expect(statisticsAt).toBeGreaterThan(0);

    // Statistics: opcode, length, message_count, schema_count, channel_count,
    // attachment_count, metadata_count, chunk_count, message_start_time, message_end_time.
    const endTimeAt = statisticsAt + 1 + 8 + 8 + 2 + 4 + 4 + 4 + 4 + 8;
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setBigUint64(endTimeAt, view.getBigUint64(endTimeAt, true) + 1n, true);

    const source = memoryByteSource(bytes);
    const result = await indexRecording(source, name);
    const manifest = loadManifest().find((file) => file.name === name);
    expect(result.recorded_end_ns).toBe(toBigInt(manifest?.time?.endNs));
    expect(result.message_count).toBe(8197);
    expect(source.bytesRead()).toBeGreaterThanOrEqual(source.size);
  });
});
