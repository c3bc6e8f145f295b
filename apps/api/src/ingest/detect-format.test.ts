import { describe, expect, it } from "vitest";
import {
  detectFormat,
  formatFromExtension,
  MCAP_MAGIC,
  ROSBAG_MAGIC,
  ULOG_MAGIC,
} from "./detect-format.js";
import { RecordingFormatError } from "./recording-format-error.js";

function head(...parts: (Uint8Array | string)[]): Uint8Array {
  const bytes = parts.flatMap((part) =>
    typeof part === "string" ? [...new TextEncoder().encode(part)] : [...part],
  );
  return Uint8Array.from(bytes).subarray(0, 16);
}

function detectionError(bytes: Uint8Array, fileName: string): RecordingFormatError {
  try {
    detectFormat(bytes, bytes.byteLength, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(RecordingFormatError);
    return error as RecordingFormatError;
  }
  throw new Error(`${fileName} was detected without error`);
}

describe("detectFormat", () => {
  it("magic bytes decide the format", () => {
    expect(detectFormat(head(MCAP_MAGIC, "\x01"), 100, "a.mcap")).toBe("mcap");
    expect(detectFormat(head(ROSBAG_MAGIC), 100, "a.bag")).toBe("ros1-bag");
    expect(detectFormat(head(ULOG_MAGIC, "\x01"), 100, "a.ulg")).toBe("ulog");
  });

  it("magic wins over the extension", () => {
    expect(detectFormat(head(MCAP_MAGIC), 100, "recording.bag")).toBe("mcap");
    expect(detectFormat(head(ULOG_MAGIC), 100, "flight.bin")).toBe("ulog");
  });

  it("unknown file gives unknown format", () => {
    expect(detectFormat(head("%PDF-1.7\n"), 100, "report.pdf")).toBe("unknown");
    expect(detectFormat(new Uint8Array(0), 0, "no-extension")).toBe("unknown");
  });

  it("known extension without magic fails", () => {
    const error = detectionError(head("PK\x03\x04 zip archive"), "flight.ulog");
    expect(error.format).toBe("ulog");
    expect(error.problem).toBe("not-this-format");
    expect(error.message).toBe(
      "flight.ulog has the extension of a ULog file but does not start with the ULog magic bytes 55 4C 6F 67 01 12 35; it starts with 50 4B 03 04 20 7A 69. The file is not a ULog file or its header is damaged.",
    );
  });

  it("extension is case-insensitive", () => {
    expect(formatFromExtension("RUN.MCAP")).toBe("mcap");
    expect(formatFromExtension("drive.Bag")).toBe("ros1-bag");
    expect(formatFromExtension("archive.tar.gz")).toBeUndefined();
  });

  it("empty file with known extension fails", () => {
    const error = detectionError(new Uint8Array(0), "drive.bag");
    expect(error.problem).toBe("empty");
    expect(error.message).toBe(
      "ROS 1 bag file drive.bag is empty (0 bytes): the upload or the recording produced no data",
    );
  });

  it("other MCAP major version unsupported", () => {
    const error = detectionError(head(Uint8Array.of(0x89), "MCAP1\r\n"), "next.mcap");
    expect(error.problem).toBe("unsupported");
    expect(error.message).toContain('major version "1"');
  });
});
