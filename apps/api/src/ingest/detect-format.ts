import type { RecordingFormat } from "./index-result.js";
import {
  FORMAT_LABEL,
  type KnownRecordingFormat,
  RecordingFormatError,
} from "./recording-format-error.js";

/** Bytes every MCAP file starts with: `\x89MCAP0\r\n`, where `0` is the major version. */
export const MCAP_MAGIC = Uint8Array.of(0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a);

/** Bytes every ROS 1 bag of format version 2.0 starts with. */
export const ROSBAG_MAGIC = new TextEncoder().encode("#ROSBAG V2.0\n");

/** Bytes every ULog starts with: `ULog` then 01 12 35; a version byte follows. */
export const ULOG_MAGIC = Uint8Array.of(0x55, 0x4c, 0x6f, 0x67, 0x01, 0x12, 0x35);

/** Number of leading bytes `detectFormat` needs to see, when the file has them. */
export const FORMAT_HEAD_BYTES = 16;

const MAGIC_BY_FORMAT: Record<KnownRecordingFormat, Uint8Array> = {
  mcap: MCAP_MAGIC,
  "ros1-bag": ROSBAG_MAGIC,
  ulog: ULOG_MAGIC,
};

const FORMAT_BY_EXTENSION: Record<string, KnownRecordingFormat> = {
  ".mcap": "mcap",
  ".bag": "ros1-bag",
  ".ulg": "ulog",
  ".ulog": "ulog",
};

// Prefixes that identify a format even when the version bytes after them differ.
const MCAP_PREFIX = MCAP_MAGIC.subarray(0, 5);
const ROSBAG_PREFIX = new TextEncoder().encode("#ROSBAG V");

/**
 * Detects the format of a recording from its first bytes (`head`, up to
 * `FORMAT_HEAD_BYTES` of them), falling back on the file name's extension
 * only to report a broken file.
 *
 * Magic bytes decide the format whatever the name. A file whose extension
 * names a format but whose magic bytes do not match is a
 * `RecordingFormatError`; a file with neither is `unknown`.
 *
 * @throws RecordingFormatError for an empty or mislabelled file of a known
 * extension, or a known format in a version this indexer does not read.
 */
export function detectFormat(
  head: Uint8Array,
  fileSize: number,
  fileName: string,
): RecordingFormat {
  // A file too short for the whole magic is left to the indexer, which reports it as cut off.
  if (startsWith(head, MCAP_PREFIX)) {
    if (head.byteLength >= MCAP_MAGIC.byteLength && !startsWith(head, MCAP_MAGIC)) {
      throw unsupportedMcapVersion(head);
    }
    return "mcap";
  }

  if (startsWith(head, ROSBAG_PREFIX)) {
    if (head.byteLength >= ROSBAG_MAGIC.byteLength && !startsWith(head, ROSBAG_MAGIC)) {
      throw unsupportedBagVersion(head);
    }
    return "ros1-bag";
  }

  if (startsWith(head, ULOG_MAGIC)) return "ulog";

  const format = formatFromExtension(fileName);
  if (format === undefined) return "unknown";
  throw mislabelledFile(format, head, fileSize, fileName);
}

/** Returns the format a file name's extension stands for, if any (case-insensitive). */
export function formatFromExtension(fileName: string): KnownRecordingFormat | undefined {
  const dot = fileName.lastIndexOf(".");
  if (dot < 0) return undefined;
  return FORMAT_BY_EXTENSION[fileName.slice(dot).toLowerCase()];
}

/** Formats bytes as space-separated upper-case hex pairs, as error messages show them. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0").toUpperCase()).join(" ");
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.byteLength < prefix.byteLength) return false;
  return prefix.every((byte, index) => bytes[index] === byte);
}

function mislabelledFile(
  format: KnownRecordingFormat,
  head: Uint8Array,
  fileSize: number,
  fileName: string,
): RecordingFormatError {
  const label = FORMAT_LABEL[format];
  if (fileSize === 0) {
    return new RecordingFormatError(
      format,
      "empty",
      `${label} file ${fileName} is empty (0 bytes): the upload or the recording produced no data`,
    );
  }

  const expected = MAGIC_BY_FORMAT[format];
  const found = head.subarray(0, expected.byteLength);
  return new RecordingFormatError(
    format,
    "not-this-format",
    `${fileName} has the extension of a ${label} file but does not start with the ${label} magic bytes ${toHex(expected)}; it starts with ${toHex(found)}. The file is not a ${label} file or its header is damaged.`,
  );
}

function unsupportedMcapVersion(head: Uint8Array): RecordingFormatError {
  const version = String.fromCharCode(head[5] ?? 0x3f);
  return new RecordingFormatError(
    "mcap",
    "unsupported",
    `MCAP file has major version "${version}" in its magic bytes (${toHex(head.subarray(0, 8))}); only version 0 is supported`,
  );
}

function unsupportedBagVersion(head: Uint8Array): RecordingFormatError {
  const line = new TextDecoder().decode(head.subarray(0, 13)).split("\n")[0] ?? "";
  return new RecordingFormatError(
    "ros1-bag",
    "unsupported",
    `ROS bag starts with "${line}"; only format version 2.0 ("#ROSBAG V2.0") is supported, so convert the bag with a current rosbag first`,
  );
}
