import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryByteSource } from "./byte-source.js";
import { indexRecording } from "./index-recording.js";
import { RecordingFormatError } from "./recording-format-error.js";
import { indexFile, loadManifest, RECORDINGS_DIR } from "./test-recordings.js";
import { GpsFixClock, ulogClockOffsetNs } from "./ulog-clock.js";
import { ulogTopicName } from "./ulog-topic-name.js";

const SMALL_LOG = "pyulog_sample_log_small.ulg";
// Byte offsets in a ULog whose first message is the 40-byte flag bits message.
const INCOMPATIBLE_FLAGS_AT = 16 + 3 + 8;
const FIRST_APPENDED_OFFSET_AT = 16 + 3 + 16;

function manifestEntry(name: string) {
  const file = loadManifest().find((entry) => entry.name === name);
  if (file === undefined) throw new Error(`${name} is not in the manifest`);
  return file;
}

function readRecording(name: string): Uint8Array {
  return Uint8Array.from(readFileSync(join(RECORDINGS_DIR, name)));
}

/** Offsets of the messages after the 16-byte file header, from their 3-byte headers. */
function messageOffsets(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsets: number[] = [];
  for (
    let offset = 16;
    offset + 3 <= bytes.byteLength;
    offset += 3 + view.getUint16(offset, true)
  ) {
    offsets.push(offset);
  }
  return offsets;
}

describe("ULog topic names", () => {
  it("instance 0 keeps the name", () => {
    expect(ulogTopicName("battery_status", 0)).toBe("battery_status");
  });

  it("later instances get brackets", () => {
    expect(ulogTopicName("battery_status", 1)).toBe("battery_status[1]");
    expect(ulogTopicName("estimator_attitude", 5)).toBe("estimator_attitude[5]");
  });

  it("log lists every instance", async () => {
    const { result } = await indexFile(join(RECORDINGS_DIR, SMALL_LOG));
    const names = result.topics.map((topic) => topic.topic_name);
    expect(names).toEqual(expect.arrayContaining(["sensor_mag", "sensor_mag[1]", "sensor_mag[2]"]));
    expect(result.topics.find((topic) => topic.topic_name === "sensor_mag[2]")?.schema_name).toBe(
      "sensor_mag",
    );
  });
});

describe("ULog clock", () => {
  it("GPS offset equals first fix", async () => {
    for (const name of [SMALL_LOG, "pyulog_sample_logging_tagged_and_default_params.ulg"]) {
      const absolute = manifestEntry(name).time?.absolute;
      const { result } = await indexFile(join(RECORDINGS_DIR, name));
      expect(result.clock_offset_ns).toBe(BigInt(absolute?.bootToUtcOffsetUs ?? "0") * 1000n);
    }
  });

  it("wall-clock boot time needs no offset", async () => {
    const { result } = await indexFile(join(RECORDINGS_DIR, "pyulog_sample_px4_events.ulg"));
    expect(result.clock_offset_ns).toBe(0n);
    expect(result.recorded_start_ns).toBe(1_710_773_350_054_000_000n);
  });

  it("log without GPS stays relative", async () => {
    // Renaming the GPS message (same length) in its definition and subscription hides it.
    const bytes = readRecording(SMALL_LOG);
    replaceAll(bytes, "vehicle_gps_position", "vehicle_gps_pos1tion");

    const result = await indexRecording(memoryByteSource(bytes), SMALL_LOG);
    expect(result.clock_offset_ns).toBeNull();
    expect(result.recorded_start_ns).toBe(1_425_101_000n);
  });

  it("zero timestamps counted, not windowed", async () => {
    const { result } = await indexFile(join(RECORDINGS_DIR, SMALL_LOG));
    // test_motor has one message, stamped 0.
    expect(result.topics.find((topic) => topic.topic_name === "test_motor")).toEqual({
      topic_name: "test_motor",
      schema_name: "test_motor",
      message_count: 1,
      start_ns: null,
      end_ns: null,
    });
  });

  it("fix clock skips samples without fix", () => {
    const clock = new GpsFixClock();
    clock.addSample(0, 1_000_000n, 0n);
    clock.addSample(0, 0n, 1_618_986_658_600_345n);
    expect(clock.bootToUtcOffsetNs()).toBeUndefined();

    clock.addSample(0, 20_471_648n, 1_618_986_658_600_345n);
    clock.addSample(0, 30_000_000n, 1_618_986_668_600_000n);
    expect(clock.bootToUtcOffsetNs()).toBe(1_618_986_638_128_697_000n);
  });

  it("fix clock prefers instance 0", () => {
    const clock = new GpsFixClock();
    clock.addSample(1, 5_000_000n, 1_700_000_000_000_000n);
    clock.addSample(0, 9_000_000n, 1_700_000_010_000_000n);
    expect(clock.bootToUtcOffsetNs()).toBe((1_700_000_010_000_000n - 9_000_000n) * 1000n);
  });

  it("offset choice follows the clock", () => {
    const unixStart = 1_710_773_350_054_000_000n;
    expect(ulogClockOffsetNs(unixStart, unixStart + 1n, 5n)).toBe(0n);
    expect(ulogClockOffsetNs(64_000_000n, 11_052_000_000n, 1_651_221_926_946_000_000n)).toBe(
      1_651_221_926_946_000_000n,
    );
    expect(ulogClockOffsetNs(64_000_000n, 11_052_000_000n, undefined)).toBeNull();
    expect(ulogClockOffsetNs(64_000_000n, 11_052_000_000n, 1_000n)).toBeNull();
  });
});

describe("ULog flag bits", () => {
  it("appended data after a cut indexes", async () => {
    const original = readRecording(SMALL_LOG);
    const offsets = messageOffsets(original);
    const middle = Math.floor(offsets.length / 2);
    const cutMessage = offsets[middle] ?? 0;
    const resume = offsets[middle + 3] ?? 0;

    // The logger stopped 5 bytes into a message, then appended from a later message on.
    const cut = cutMessage + 5;
    const appended = concat(original.subarray(0, cut), original.subarray(resume));
    const view = new DataView(appended.buffer);
    view.setUint8(INCOMPATIBLE_FLAGS_AT, 0x01);
    view.setBigUint64(FIRST_APPENDED_OFFSET_AT, BigInt(cut), true);

    // The same messages joined at a message boundary, as a plain log.
    const joined = concat(original.subarray(0, cutMessage), original.subarray(resume));

    const fromAppended = await indexRecording(memoryByteSource(appended), SMALL_LOG);
    const fromJoined = await indexRecording(memoryByteSource(joined), SMALL_LOG);
    expect(fromAppended).toEqual(fromJoined);
    expect(fromAppended.message_count).toBeLessThan(14_604);
    expect(fromAppended.message_count).toBeGreaterThan(14_600);
  });

  it("unknown incompatible flag is rejected", async () => {
    const bytes = readRecording(SMALL_LOG);
    bytes[INCOMPATIBLE_FLAGS_AT] = 0x02;

    const error: unknown = await indexRecording(memoryByteSource(bytes), SMALL_LOG).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RecordingFormatError);
    expect((error as RecordingFormatError).problem).toBe("unsupported");
  });

  it("unknown msg_id is damage", async () => {
    const bytes = readRecording(SMALL_LOG);
    const view = new DataView(bytes.buffer);
    const dataMessage = messageOffsets(bytes).find((offset) => bytes[offset + 2] === 0x44) ?? 0;
    view.setUint16(dataMessage + 3, 0xfff0, true);

    const error: unknown = await indexRecording(memoryByteSource(bytes), SMALL_LOG).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RecordingFormatError);
    expect((error as RecordingFormatError).message).toBe(
      `ULog file is damaged at byte ${dataMessage}: the data message refers to msg_id 65520, which no subscription defines (0 messages readable before it)`,
    );
  });
});

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.byteLength + second.byteLength);
  joined.set(first);
  joined.set(second, first.byteLength);
  return joined;
}

function replaceAll(bytes: Uint8Array, from: string, to: string): void {
  const pattern = new TextEncoder().encode(from);
  const replacement = new TextEncoder().encode(to);
  let replaced = 0;
  for (let offset = 0; offset + pattern.byteLength <= bytes.byteLength; offset++) {
    if (pattern.every((byte, index) => bytes[offset + index] === byte)) {
      bytes.set(replacement, offset);
      replaced += 1;
    }
  }
  if (replaced === 0) throw new Error(`"${from}" does not occur in the file`);
}
