// Test support: generated MCAP files and the reference index of @mcap/core's
// stream reader. Not part of the API build.
import { createRequire } from "node:module";
import { crc32 } from "node:zlib";
import {
  McapRecordBuilder,
  McapStreamReader,
  McapWriter,
  type McapWriterOptions,
  TempBuffer,
} from "@mcap/core";
import fc from "fast-check";
import { loadDecompressors } from "./decompressors.js";
import type { IndexResult } from "./index-result.js";
import { buildIndexResult, MessageWindow, TopicTally } from "./topic-tally.js";

interface Zstd {
  isLoaded: Promise<boolean>;
  compress(buffer: Uint8Array, level?: number): Uint8Array;
}

// @mcap/support decompresses with @foxglove/wasm-zstd, whose compressor writes the test files.
// It is resolved through @mcap/support, so the tests need no dependency of their own.
const zstd = createRequire(import.meta.resolve("@mcap/support"))("@foxglove/wasm-zstd") as Zstd;

/** One channel of a generated file; channels may share a topic. */
export interface GeneratedChannel {
  topic: string;
  /** Schema name, or `null` for a channel without schema (schema id 0). */
  schema: string | null;
}

/** One message of a generated file. */
export interface GeneratedMessage {
  /** Index into `GeneratedMcap.channels`. */
  channel: number;
  logTimeNs: bigint;
  bytes: number;
}

/** A generated MCAP file: its channels, messages in write order, and the writer's layout. */
export interface GeneratedMcap {
  channels: GeneratedChannel[];
  messages: GeneratedMessage[];
  summary: boolean;
  chunked: boolean;
  chunkSize: number;
  compression: "" | "zstd";
  /** Attachments written after the message of each listed index. */
  attachmentsAfter: number[];
}

const UINT64_MAX = 2n ** 64n - 1n;

/** Arbitrary generated files: any times (out of order, 0, 2^64 - 1), shared topics, and every layout. */
export function arbitraryMcap(): fc.Arbitrary<GeneratedMcap> {
  // Channels of one topic share its schema or have none, since the index keeps one schema per topic.
  const channels = fc.array(
    fc
      .tuple(fc.constantFrom("/camera", "/imu", "/tf", "/odom"), fc.boolean())
      .map(([topic, withSchema]) => ({ topic, schema: withSchema ? `schema_of${topic}` : null })),
    { minLength: 1, maxLength: 4 },
  );
  const time = fc.oneof(
    fc.bigInt({ min: 1_700_000_000_000_000_000n, max: 1_700_000_100_000_000_000n }),
    fc.constantFrom(0n, 1n, UINT64_MAX),
    fc.bigInt({ min: 0n, max: UINT64_MAX }),
  );
  return channels.chain((chosen) =>
    fc.record({
      channels: fc.constant(chosen),
      messages: fc.array(
        fc.record({
          channel: fc.nat({ max: chosen.length - 1 }),
          logTimeNs: time,
          bytes: fc.oneof(fc.nat({ max: 64 }), fc.integer({ min: 1000, max: 5000 })),
        }),
        { maxLength: 120 },
      ),
      summary: fc.boolean(),
      chunked: fc.boolean(),
      chunkSize: fc.constantFrom(100, 2000, 1024 * 1024),
      compression: fc.constantFrom("" as const, "zstd" as const),
      attachmentsAfter: fc.array(fc.nat({ max: 120 }), { maxLength: 2 }),
    }),
  );
}

/** Arbitrary files with a complete summary, whose chunks overlap in time and come in any order. */
export function arbitraryIndexedMcap(): fc.Arbitrary<GeneratedMcap> {
  return arbitraryMcap().map((file) => ({ ...file, summary: true, chunked: true }));
}

/** Writes a generated file with @mcap/core's writer. */
export async function writeGeneratedMcap(file: GeneratedMcap): Promise<Uint8Array> {
  await zstd.isLoaded;
  const summary = file.summary;
  const options: Omit<McapWriterOptions, "writable"> = {
    useChunks: file.chunked,
    chunkSize: file.chunkSize,
    useStatistics: summary,
    useSummaryOffsets: summary,
    useChunkIndex: summary,
    repeatSchemas: summary,
    repeatChannels: summary,
    useAttachmentIndex: summary,
    useMetadataIndex: summary,
  };
  if (file.compression === "zstd") {
    options.compressChunk = (data) => ({
      compression: "zstd",
      compressedData: zstd.compress(data),
    });
  }

  const buffer = new TempBuffer();
  const writer = new McapWriter({ writable: buffer, ...options });
  await writer.start({ profile: "", library: "sortie generated test file" });

  const channelIds: number[] = [];
  for (const channel of file.channels) {
    const schemaId =
      channel.schema === null
        ? 0
        : await writer.registerSchema({
            name: channel.schema,
            encoding: "ros2msg",
            data: new TextEncoder().encode("float64 x"),
          });
    channelIds.push(
      await writer.registerChannel({
        topic: channel.topic,
        schemaId,
        messageEncoding: "cdr",
        metadata: new Map([["origin", "test"]]),
      }),
    );
  }

  for (const [sequence, message] of file.messages.entries()) {
    await writer.addMessage({
      channelId: channelIds[message.channel] ?? 0,
      sequence,
      logTime: message.logTimeNs,
      // Unlike the log time, so that an index built from the publish time would differ.
      publishTime: UINT64_MAX - message.logTimeNs,
      data: payload(message.bytes, sequence),
    });
    for (const after of file.attachmentsAfter) {
      if (after !== sequence) continue;
      await writer.addAttachment({
        name: `note-${sequence}.txt`,
        mediaType: "text/plain",
        logTime: message.logTimeNs,
        createTime: message.logTimeNs,
        data: payload(300, sequence),
      });
    }
  }
  await writer.end();
  return buffer.get();
}

/** Bytes that vary per message, so compression keeps some of them. */
function payload(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed + 1;
  for (let index = 0; index < length; index++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    bytes[index] = index % 4 === 0 ? state >>> 24 : index & 0xff;
  }
  return bytes;
}

/** Outcome of reading a file with `McapStreamReader`: its index, or how far it got. */
export type ReferenceOutcome =
  | { ok: true; result: IndexResult }
  | { ok: false; truncated: boolean; messagesBefore: number; error: unknown };

/**
 * Indexes a file with @mcap/core's `McapStreamReader` (CRC checks on), fed in
 * blocks as a stream: the reference that the record walker is compared with.
 */
export async function referenceIndex(
  bytes: Uint8Array,
  blockBytes = 4096,
): Promise<ReferenceOutcome> {
  const reader = new McapStreamReader({
    decompressHandlers: { ...(await loadDecompressors()) },
    validateCrcs: true,
  });
  const schemaNames = new Map<number, string>();
  const channels = new Map<number, { topic: string; schemaId: number; window: MessageWindow }>();
  let messages = 0;

  try {
    for (let offset = 0; offset < bytes.byteLength && !reader.done(); offset += blockBytes) {
      reader.append(bytes.subarray(offset, offset + blockBytes));
      for (let record = reader.nextRecord(); record !== undefined; record = reader.nextRecord()) {
        if (record.type === "Schema") schemaNames.set(record.id, record.name);
        if (record.type === "Channel" && !channels.has(record.id)) {
          channels.set(record.id, {
            topic: record.topic,
            schemaId: record.schemaId,
            window: new MessageWindow(),
          });
        }
        if (record.type === "Message") {
          channels.get(record.channelId)?.window.addMessage(record.logTime);
          messages += 1;
        }
      }
    }
  } catch (error) {
    return { ok: false, truncated: false, messagesBefore: messages, error };
  }
  if (!reader.done())
    return { ok: false, truncated: true, messagesBefore: messages, error: undefined };

  const tally = new TopicTally();
  for (const channel of channels.values()) {
    const schemaName = channel.schemaId === 0 ? null : (schemaNames.get(channel.schemaId) ?? null);
    tally.add(channel.topic, schemaName, channel.window);
  }
  return { ok: true, result: buildIndexResult("mcap", tally) };
}

/** Chunk records built with `McapRecordBuilder`, stored uncompressed with their CRC. */
export function uncompressedChunk(
  build: (records: McapRecordBuilder) => void,
  window: [bigint, bigint] = [0n, 0n],
): Parameters<McapRecordBuilder["writeChunk"]>[0] {
  const records = new McapRecordBuilder();
  build(records);
  return {
    messageStartTime: window[0],
    messageEndTime: window[1],
    uncompressedSize: BigInt(records.buffer.byteLength),
    uncompressedCrc: crc32(records.buffer),
    compression: "",
    records: records.buffer,
  };
}

/** Compresses a chunk's records with zstd, keeping the CRC of the uncompressed records. */
export async function zstdChunk(
  chunk: Parameters<McapRecordBuilder["writeChunk"]>[0],
): Promise<Parameters<McapRecordBuilder["writeChunk"]>[0]> {
  await zstd.isLoaded;
  return { ...chunk, compression: "zstd", records: zstd.compress(chunk.records) };
}

/**
 * Writes an MCAP file record by record: magic and Header, the records `build`
 * writes, then Data End, a Footer without summary and the closing magic.
 */
export function craftMcap(build: (file: McapRecordBuilder) => void): Uint8Array {
  const file = new McapRecordBuilder();
  file.writeMagic();
  file.writeHeader({ profile: "", library: "sortie crafted test file" });
  build(file);
  file.writeDataEnd({ dataSectionCrc: 0 });
  file.writeFooter({ summaryStart: 0n, summaryOffsetStart: 0n, summaryCrc: 0 });
  file.writeMagic();
  return file.buffer.slice();
}
