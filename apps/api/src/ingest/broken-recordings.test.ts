import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { memoryByteSource } from "./byte-source.js";
import { MCAP_MAGIC, ROSBAG_MAGIC, ULOG_MAGIC } from "./detect-format.js";
import { indexRecording } from "./index-recording.js";
import { RecordingFormatError } from "./recording-format-error.js";
import { indexFile, RECORDINGS_DIR } from "./test-recordings.js";

const workDir = mkdtempSync(join(tmpdir(), "sortie-ingest-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Indexes a file and returns the `RecordingFormatError` it must reject with. */
async function formatErrorOf(path: string, fileName?: string): Promise<RecordingFormatError> {
  const error = await indexFile(path, fileName).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RecordingFormatError);
  return error as RecordingFormatError;
}

/** Writes the first `length` bytes of a recording into the work folder. */
function truncatedCopy(name: string, length: number): string {
  const path = join(workDir, `cut-${length}-${name}`);
  writeFileSync(path, readFileSync(join(RECORDINGS_DIR, name)).subarray(0, length));
  return path;
}

function halfOf(name: string): number {
  return Math.floor(readFileSync(join(RECORDINGS_DIR, name)).byteLength / 2);
}

describe("broken recordings of the set", () => {
  it("truncated MCAP names its readable messages", async () => {
    const error = await formatErrorOf(
      join(RECORDINGS_DIR, "BROKEN_rosbag2_talker_truncated-no-summary.mcap"),
    );
    expect(error.format).toBe("mcap");
    expect(error.problem).toBe("truncated");
    expect(error.message).toBe(
      "MCAP file ends before its footer: the recording was cut off (20 messages readable)",
    );
  });

  it("flipped ULog magic names the magic", async () => {
    const error = await formatErrorOf(
      join(RECORDINGS_DIR, "BROKEN_pyulog_sample_log_small_flipped-magic.ulg"),
    );
    expect(error.format).toBe("ulog");
    expect(error.problem).toBe("not-this-format");
    expect(error.message).toContain("ULog magic bytes 55 4C 6F 67 01 12 35");
    expect(error.message).toContain("starts with AA B3 90 98 01 12 35");
  });
});

describe("recordings cut in the middle", () => {
  it("MCAP cut inside its chunk", async () => {
    const name = "evo_nav2_turtlebot.mcap";
    const error = await formatErrorOf(truncatedCopy(name, halfOf(name)), name);
    expect(error.problem).toBe("truncated");
    expect(error.message).toBe(
      "MCAP file ends before its footer: the recording was cut off (0 messages readable)",
    );
  });

  it("MCAP cut inside its summary", async () => {
    const name = "rosbag2_talker.mcap";
    const error = await formatErrorOf(truncatedCopy(name, 12_000), name);
    expect(error.problem).toBe("truncated");
    expect(error.message).toContain("(20 messages readable)");
  });

  it("ROS bag cut before its index", async () => {
    const name = "robot_localization_test2.bag";
    const length = halfOf(name);
    const error = await formatErrorOf(truncatedCopy(name, length), name);
    expect(error.format).toBe("ros1-bag");
    expect(error.problem).toBe("truncated");
    expect(error.message).toMatch(
      new RegExp(
        `^ROS bag ends at byte ${length}, before its index at byte \\d+: the recording was cut off \\(\\d+ messages readable\\)$`,
      ),
    );
  });

  it("ROS bag cut counts readable messages", async () => {
    const name = "robot_localization_test2.bag";
    const error = await formatErrorOf(truncatedCopy(name, halfOf(name)), name);
    const readable = Number(/\((\d+) messages readable\)/.exec(error.message)?.[1]);
    expect(readable).toBeGreaterThan(0);
    expect(readable).toBeLessThan(6121);
  });

  it("ULog cut inside a message", async () => {
    const name = "pyulog_sample_log_small.ulg";
    const error = await formatErrorOf(truncatedCopy(name, halfOf(name)), name);
    expect(error.format).toBe("ulog");
    expect(error.problem).toBe("truncated");
    expect(error.message).toMatch(
      /^ULog file ends in the middle of the message at byte \d+: the recording was cut off \(\d+ messages readable\)$/,
    );
  });

  it("ULog cut inside its header", async () => {
    const name = "pyulog_sample_log_small.ulg";
    const error = await formatErrorOf(truncatedCopy(name, 12), name);
    expect(error.problem).toBe("truncated");
    expect(error.message).toContain("shorter than its file header");
  });
});

describe("files without recording content", () => {
  it("empty MCAP is an error", async () => {
    const path = join(workDir, "empty.mcap");
    writeFileSync(path, new Uint8Array(0));
    const error = await formatErrorOf(path);
    expect(error.problem).toBe("empty");
    expect(error.message).toContain("is empty (0 bytes)");
  });

  it("empty bag and ULog are errors", async () => {
    for (const name of ["empty.bag", "empty.ulg"]) {
      const path = join(workDir, name);
      writeFileSync(path, new Uint8Array(0));
      const error = await formatErrorOf(path);
      expect(error.problem).toBe("empty");
    }
  });

  it("empty unknown file is unknown", async () => {
    const path = join(workDir, "empty.txt");
    writeFileSync(path, new Uint8Array(0));
    const { result } = await indexFile(path);
    expect(result.format).toBe("unknown");
    expect(result.recorded_start_ns).toBeNull();
    expect(result.clock_offset_ns).toBeNull();
  });

  it("random bytes are unknown", async () => {
    const path = join(workDir, "noise.bin");
    writeFileSync(path, pseudoRandomBytes(4096, 7));
    const { result } = await indexFile(path);
    expect(result).toEqual({
      format: "unknown",
      recorded_start_ns: null,
      recorded_end_ns: null,
      clock_offset_ns: null,
      topics: [],
      message_count: 0,
    });
  });

  it("random bytes named .mcap fail", async () => {
    const path = join(workDir, "noise.mcap");
    writeFileSync(path, pseudoRandomBytes(4096, 7));
    const error = await formatErrorOf(path);
    expect(error.problem).toBe("not-this-format");
    expect(error.message).toContain("MCAP magic bytes 89 4D 43 41 50 30 0D 0A");
  });
});

describe("damaged recordings", () => {
  it("damaged MCAP chunk is reported", async () => {
    const bytes = readFileSync(
      join(RECORDINGS_DIR, "BROKEN_rosbag2_talker_truncated-no-summary.mcap"),
    );
    const damaged = Uint8Array.from(bytes);
    for (let offset = 600; offset < 700; offset++) damaged[offset] = (damaged[offset] ?? 0) ^ 0x5a;

    const error = await indexRecording(memoryByteSource(damaged), "damaged.mcap").catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RecordingFormatError);
    expect((error as RecordingFormatError).problem).toBe("damaged");
    expect((error as RecordingFormatError).message).toMatch(
      /^MCAP file is damaged: the record at or after byte \d+ cannot be read/,
    );
  });

  it("unindexed ROS bag is reported", async () => {
    const bytes = Uint8Array.from(
      readFileSync(join(RECORDINGS_DIR, "robot_localization_test2.bag")),
    );
    setBagIndexPosition(bytes, 0n);

    const error = await indexRecording(memoryByteSource(bytes), "unindexed.bag").catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RecordingFormatError);
    expect((error as RecordingFormatError).message).toBe(
      'ROS bag has no index: the recording was not closed properly (6121 messages readable). Running "rosbag reindex" on the file rebuilds the index.',
    );
  });

  it("magic then noise never crashes", async () => {
    const magics = [MCAP_MAGIC, ROSBAG_MAGIC, Uint8Array.of(...ULOG_MAGIC, 0x01)];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...magics),
        fc.uint8Array({ maxLength: 2048 }),
        async (magic, noise) => {
          const bytes = new Uint8Array(magic.byteLength + noise.byteLength);
          bytes.set(magic);
          bytes.set(noise, magic.byteLength);

          const outcome = await indexRecording(memoryByteSource(bytes), "noise").then(
            () => "indexed",
            (thrown: unknown) => (thrown instanceof RecordingFormatError ? "rejected" : thrown),
          );
          expect(["indexed", "rejected"]).toContain(outcome);
        },
      ),
      { numRuns: 300, seed: 20_240_318 },
    );
  });

  it("corrupted real files never crash", async () => {
    const names = [
      "rosbag2_talker.mcap",
      "rosbagjs_example-lz4.bag",
      "pyulog_sample_px4_events.ulg",
    ];
    const files = names.map((name) => readFileSync(join(RECORDINGS_DIR, name)));
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: files.length - 1 }),
        fc.array(
          fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 })),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        async (fileIndex, flips) => {
          const original = files[fileIndex] ?? new Uint8Array(0);
          const bytes = Uint8Array.from(original);
          for (const [where, mask] of flips) {
            const offset = Math.min(bytes.byteLength - 1, Math.floor(where * bytes.byteLength));
            bytes[offset] = (bytes[offset] ?? 0) ^ mask;
          }

          const outcome = await indexRecording(
            memoryByteSource(bytes),
            names[fileIndex] ?? "",
          ).then(
            () => "indexed",
            (thrown: unknown) => (thrown instanceof RecordingFormatError ? "rejected" : thrown),
          );
          expect(["indexed", "rejected"]).toContain(outcome);
        },
      ),
      { numRuns: 150, seed: 20_240_318 },
    );
  });
});

// Deterministic bytes (xorshift32), so a failure reproduces.
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

// Overwrites the index_pos field of the bag header record, which follows the 13-byte magic line.
function setBagIndexPosition(bytes: Uint8Array, indexPosition: bigint): void {
  const field = new TextEncoder().encode("index_pos=");
  for (let offset = 13; offset < 4096; offset++) {
    if (field.every((byte, index) => bytes[offset + index] === byte)) {
      new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(
        offset + field.byteLength,
        indexPosition,
        true,
      );
      return;
    }
  }
  throw new Error("the bag header has no index_pos field");
}
