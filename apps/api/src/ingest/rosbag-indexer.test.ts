import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryByteSource } from "./byte-source.js";
import { indexRecording } from "./index-recording.js";
import { RecordingFormatError } from "./recording-format-error.js";
import { indexFile, RECORDINGS_DIR } from "./test-recordings.js";

const UNSORTED_BAG = "rosbagjs_example-unsorted-chunks.bag";

describe("ROS 1 bag index", () => {
  it("unsorted chunks give true window", async () => {
    // Chunks contain 2 s, 3 s and 1 s in file order, so the first and last chunk infos give 2 s..1 s.
    const { result } = await indexFile(join(RECORDINGS_DIR, UNSORTED_BAG));
    expect(result.recorded_start_ns).toBe(1_000_000_000n);
    expect(result.recorded_end_ns).toBe(3_000_000_000n);
    expect(result.message_count).toBe(3);
    expect(result.clock_offset_ns).toBeNull();
  });

  it("bag without messages is empty", async () => {
    const { result } = await indexFile(join(RECORDINGS_DIR, "rosbagjs_no-messages.bag"));
    expect(result.format).toBe("ros1-bag");
    expect(result.topics).toEqual([]);
    expect(result.message_count).toBe(0);
    expect(result.recorded_start_ns).toBeNull();
    expect(result.clock_offset_ns).toBeNull();
  });

  it("index reads under a quarter", async () => {
    // Index entries cost 12 bytes per message; the bz2 chunks are never read.
    const { bytesRead, size } = await indexFile(
      join(RECORDINGS_DIR, "robot_localization_test2.bag"),
    );
    expect(bytesRead / size).toBeLessThan(0.25);
  });

  it("inconsistent index falls back to chunks", async () => {
    const bytes = Uint8Array.from(readFileSync(join(RECORDINGS_DIR, UNSORTED_BAG)));
    const view = new DataView(bytes.buffer, bytes.byteOffset);

    // The index data record after the third chunk (at byte 4708, 47-byte header) contains one
    // entry: 1 s, 0 ns, offset 0. Moving it to 1.5 s puts it outside its chunk's 1 s..1 s window.
    const entryAt = 4708 + 4 + 47 + 4;
    expect([view.getUint32(entryAt, true), view.getUint32(entryAt + 4, true)]).toEqual([1, 0]);
    view.setUint32(entryAt + 4, 500_000_000, true);

    const result = await indexRecording(memoryByteSource(bytes), UNSORTED_BAG);
    expect(result.recorded_start_ns).toBe(1_000_000_000n);
    expect(result.recorded_end_ns).toBe(3_000_000_000n);
    expect(result.topics).toEqual([
      {
        topic_name: "foo",
        schema_name: "std_msgs/String",
        message_count: 3,
        start_ns: 1_000_000_000n,
        end_ns: 3_000_000_000n,
      },
    ]);
  });

  it("unindexed lz4 bag counts messages", async () => {
    const bytes = Uint8Array.from(readFileSync(join(RECORDINGS_DIR, "rosbagjs_example-lz4.bag")));
    const indexPosAt = findAscii(bytes, "index_pos=") + "index_pos=".length;
    new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(indexPosAt, 0n, true);

    const error = await indexRecording(memoryByteSource(bytes), "unindexed.bag").catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RecordingFormatError);
    expect((error as RecordingFormatError).problem).toBe("truncated");
    expect((error as RecordingFormatError).message).toContain("(8647 messages readable)");
  });

  it("older bag version is unsupported", async () => {
    const bytes = new TextEncoder().encode("#ROSBAG V1.2\n and some records");
    const error = await indexRecording(memoryByteSource(bytes), "old.bag").catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RecordingFormatError);
    expect((error as RecordingFormatError).problem).toBe("unsupported");
    expect((error as RecordingFormatError).message).toContain('starts with "#ROSBAG V1.2"');
  });
});

function findAscii(bytes: Uint8Array, text: string): number {
  const pattern = new TextEncoder().encode(text);
  for (let offset = 0; offset + pattern.byteLength <= bytes.byteLength; offset++) {
    if (pattern.every((byte, index) => bytes[offset + index] === byte)) return offset;
  }
  throw new Error(`"${text}" does not occur in the file`);
}
