import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { McapRecordBuilder } from "@mcap/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryByteSource } from "./byte-source.js";
import type { IndexResult } from "./index-result.js";
import { scanMcapStream } from "./mcap-stream-scan.js";
import {
  arbitraryMcap,
  craftMcap,
  referenceIndex,
  uncompressedChunk,
  writeGeneratedMcap,
  zstdChunk,
} from "./mcap-test-files.js";
import { RecordingFormatError } from "./recording-format-error.js";
import { loadManifest, RECORDINGS_DIR } from "./test-recordings.js";

const START_NS = 1_700_000_000_000_000_000n;

/** Scans bytes and returns the result, or the `RecordingFormatError` the scan rejected with. */
async function scan(bytes: Uint8Array): Promise<IndexResult | RecordingFormatError> {
  try {
    return await scanMcapStream(memoryByteSource(bytes));
  } catch (error) {
    if (error instanceof RecordingFormatError) return error;
    throw error;
  }
}

async function scanError(bytes: Uint8Array): Promise<RecordingFormatError> {
  const outcome = await scan(bytes);
  expect(outcome).toBeInstanceOf(RecordingFormatError);
  return outcome as RecordingFormatError;
}

/** Checks the scan against `McapStreamReader`: the same index, or both reject the file. */
async function expectScanMatchesReference(bytes: Uint8Array, name: string): Promise<void> {
  const reference = await referenceIndex(bytes);
  const outcome = await scan(bytes);
  if (reference.ok) {
    expect(outcome, name).toEqual(reference.result);
    return;
  }

  expect(outcome, name).toBeInstanceOf(RecordingFormatError);
  const error = outcome as RecordingFormatError;
  expect(error.problem, name).toBe(reference.truncated ? "truncated" : "damaged");
  expect(error.message, name).toContain(`(${reference.messagesBefore} messages readable`);
}

// Records of one schema and one channel (id 1, /imu) for crafted chunks.
function writeImuChannel(records: McapRecordBuilder): void {
  records.writeSchema({
    id: 1,
    name: "sensor_msgs/msg/Imu",
    encoding: "ros2msg",
    data: new Uint8Array(0),
  });
  records.writeChannel({
    id: 1,
    schemaId: 1,
    topic: "/imu",
    messageEncoding: "cdr",
    metadata: new Map(),
  });
}

function writeImuMessage(records: McapRecordBuilder, logTime: bigint, channelId = 1): void {
  records.writeMessage({
    channelId,
    sequence: 0,
    logTime,
    publishTime: logTime,
    data: new Uint8Array(40),
  });
}

function imuChunk(times: bigint[]) {
  return uncompressedChunk(
    (records) => {
      writeImuChannel(records);
      for (const time of times) writeImuMessage(records, time);
    },
    [times[0] ?? 0n, times.at(-1) ?? 0n],
  );
}

describe("MCAP stream scan", () => {
  it("matches the reference on recordings", async () => {
    const recordings = loadManifest().filter((file) => file.format === "mcap");
    expect(recordings.length).toBeGreaterThanOrEqual(5);
    for (const recording of recordings) {
      const bytes = readFileSync(join(RECORDINGS_DIR, recording.name));
      await expectScanMatchesReference(bytes, recording.name);
    }
  });

  it("matches the reference on generated files", async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryMcap(), async (file) => {
        const bytes = await writeGeneratedMcap(file);
        await expectScanMatchesReference(
          bytes,
          JSON.stringify({ ...file, messages: file.messages.length }),
        );
      }),
      { numRuns: 150, seed: 20_260_102 },
    );
  });

  it("matches the reference on cut files", async () => {
    const bytes = await writeGeneratedMcap({
      channels: [{ topic: "/imu", schema: "sensor_msgs/msg/Imu" }],
      messages: Array.from({ length: 60 }, (_, index) => ({
        channel: 0,
        logTimeNs: START_NS + BigInt(index),
        bytes: 200,
      })),
      summary: false,
      chunked: true,
      chunkSize: 2000,
      compression: "",
      attachmentsAfter: [],
    });
    for (let length = 0; length < bytes.byteLength; length += 97) {
      await expectScanMatchesReference(bytes.slice(0, length), `first ${length} bytes`);
    }
  });

  it("reads each byte once", async () => {
    const name = "evo_nav2_turtlebot.mcap";
    const source = memoryByteSource(readFileSync(join(RECORDINGS_DIR, name)));
    await scanMcapStream(source);
    expect(source.bytesRead()).toBe(source.size);
  });

  it("skips unknown opcodes", async () => {
    const bytes = craftMcap((file) => {
      file.writeChunk(
        uncompressedChunk(
          (records) => {
            writeImuChannel(records);
            records.writeMessage({
              channelId: 1,
              sequence: 0,
              logTime: START_NS,
              publishTime: START_NS,
              data: new Uint8Array(0),
            });
          },
          [START_NS, START_NS],
        ),
      );
    });
    // An unknown record (opcode 0x80, 3 bytes of content) right after the Header record.
    const headerEnd =
      8 + 9 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(9, true));
    const unknown = Uint8Array.of(0x80, 3, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3);
    const withUnknown = new Uint8Array(bytes.byteLength + unknown.byteLength);
    withUnknown.set(bytes.subarray(0, headerEnd));
    withUnknown.set(unknown, headerEnd);
    withUnknown.set(bytes.subarray(headerEnd), headerEnd + unknown.byteLength);

    await expectScanMatchesReference(withUnknown, "unknown opcode");
    const result = await scan(withUnknown);
    expect(result).toMatchObject({ message_count: 1, recorded_start_ns: START_NS });
  });
});

describe("MCAP stream scan of damaged files", () => {
  it("message before its channel fails", async () => {
    const bytes = craftMcap((file) => {
      file.writeChunk(imuChunk([START_NS]));
      file.writeChunk(
        uncompressedChunk(
          (records) => writeImuMessage(records, START_NS + 1n, 7),
          [START_NS + 1n, START_NS + 1n],
        ),
      );
    });

    const error = await scanError(bytes);
    expect(error.problem).toBe("damaged");
    expect(error.message).toContain("(1 messages readable before it)");
    expect(error.message).toContain("Message on channel 7 comes before any Channel record");
  });

  it("record past its chunk fails", async () => {
    const chunk = imuChunk([START_NS, START_NS + 1n]);
    const records = chunk.records.slice();
    // Cut the last message's payload: its record now runs past the chunk's records.
    const cut = { ...chunk, records: records.subarray(0, records.byteLength - 10) };
    const bytes = craftMcap((file) => file.writeChunk(cut));

    const error = await scanError(bytes);
    expect(error.problem).toBe("damaged");
    expect(error.message).toContain("runs past the end of its chunk");
    expect((await referenceIndex(bytes)).ok).toBe(false);
  });

  it("summary record in a chunk fails", async () => {
    const bytes = craftMcap((file) => {
      file.writeChunk(
        uncompressedChunk((records) => {
          writeImuChannel(records);
          records.writeDataEnd({ dataSectionCrc: 0 });
        }),
      );
    });

    const error = await scanError(bytes);
    expect(error.message).toContain("Data End record is not allowed inside a chunk");
    expect((await referenceIndex(bytes)).ok).toBe(false);
  });

  it("wrong compressed chunk CRC fails", async () => {
    const chunk = await zstdChunk(imuChunk([START_NS]));
    const bytes = craftMcap((file) =>
      file.writeChunk({ ...chunk, uncompressedCrc: chunk.uncompressedCrc ^ 1 }),
    );

    const error = await scanError(bytes);
    expect(error.problem).toBe("damaged");
    expect(error.message).toContain("CRC-32 of the decompressed chunk records");
    expect((await referenceIndex(bytes)).ok).toBe(false);
  });

  it("compressed chunk is walked", async () => {
    const chunk = await zstdChunk(imuChunk([START_NS + 5n, START_NS + 2n]));
    const result = await scan(craftMcap((file) => file.writeChunk(chunk)));

    expect(result).toMatchObject({
      message_count: 2,
      recorded_start_ns: START_NS + 2n,
      recorded_end_ns: START_NS + 5n,
    });
  });

  it("unknown compression is unsupported", async () => {
    const chunk = { ...imuChunk([START_NS]), compression: "brotli" };
    const error = await scanError(craftMcap((file) => file.writeChunk(chunk)));

    expect(error.problem).toBe("unsupported");
    expect(error.message).toContain('compression "brotli"');
  });

  it("oversized compressed chunk is unsupported", async () => {
    const chunk = await zstdChunk(imuChunk([START_NS]));
    const bytes = craftMcap((file) => file.writeChunk({ ...chunk, uncompressedSize: 2n ** 40n }));

    const error = await scanError(bytes);
    expect(error.problem).toBe("unsupported");
    expect(error.message).toContain("1099511627776 bytes uncompressed");
  });

  it("bytes after the footer fail", async () => {
    const bytes = craftMcap((file) => file.writeChunk(imuChunk([START_NS])));
    const padded = new Uint8Array(bytes.byteLength + 3);
    padded.set(bytes);

    const error = await scanError(padded);
    expect(error.problem).toBe("damaged");
    expect(error.message).toContain("3 bytes follow the magic bytes after the footer");
  });

  it("cut chunk counts no message", async () => {
    const bytes = craftMcap((file) => {
      file.writeChunk(imuChunk([START_NS, START_NS + 1n]));
      file.writeChunk(imuChunk([START_NS + 2n, START_NS + 3n, START_NS + 4n]));
    });
    const secondChunkCut = bytes.slice(0, bytes.byteLength - 100);

    const error = await scanError(secondChunkCut);
    expect(error.problem).toBe("truncated");
    expect(error.message).toBe(
      "MCAP file ends before its footer: the recording was cut off (2 messages readable)",
    );
  });

  it("payload damage keeps the index", async () => {
    // Uncompressed chunks are not CRC-checked, so a flipped payload byte changes nothing,
    // while the reference rejects the file for its CRC.
    const chunk = imuChunk([START_NS, START_NS + 1n]);
    const records = chunk.records.slice();
    const lastPayloadByte = records.byteLength - 1;
    records[lastPayloadByte] = (records[lastPayloadByte] ?? 0) ^ 0xff;
    const bytes = craftMcap((file) => file.writeChunk({ ...chunk, records }));

    expect(await scan(bytes)).toMatchObject({ message_count: 2, recorded_end_ns: START_NS + 1n });
    expect((await referenceIndex(bytes)).ok).toBe(false);
  });
});
