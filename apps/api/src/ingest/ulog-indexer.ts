import { fieldSize, type MessageDefinition, parseMessageDefinition } from "@foxglove/ulog";
import { ByteCursor, dataView } from "./byte-cursor.js";
import type { ByteSource } from "./byte-source.js";
import type { IndexResult } from "./index-result.js";
import { asFormatError, RecordingFormatError } from "./recording-format-error.js";
import { buildIndexResult, MessageWindow, TopicTally } from "./topic-tally.js";
import {
  GPS_POSITION_MESSAGE,
  GPS_UTC_FIELD,
  GpsFixClock,
  ulogClockOffsetNs,
} from "./ulog-clock.js";
import { ulogTopicName } from "./ulog-topic-name.js";

// Magic (7 bytes), version (1) and the boot timestamp at which logging started (8).
const FILE_HEADER_BYTES = 16;
// Message size (2 bytes, excluding this header) and message type (1).
const MESSAGE_HEADER_BYTES = 3;
// Compatible flags (8), incompatible flags (8), three appended-data offsets (8 each).
const FLAG_BITS_BYTES = 40;
const NEWEST_ULOG_VERSION = 1;

const MessageType = {
  flagBits: 0x42, // 'B'
  format: 0x46, // 'F'
  addLogged: 0x41, // 'A'
  removeLogged: 0x52, // 'R'
  data: 0x44, // 'D'
} as const;

const textDecoder = new TextDecoder();

/** One subscription (`A` message): the topic its data messages belong to and where their fields lie. */
interface Subscription {
  multiId: number;
  window: MessageWindow;
  /** Byte offset of the uint64 `timestamp` field in the message payload. */
  timestampOffset: number;
  /** Byte offset of `time_utc_usec` for GPS position subscriptions. */
  gpsUtcOffset: number | undefined;
}

/** State of one pass over a log. */
interface UlogScan {
  definitions: Map<string, MessageDefinition>;
  subscriptions: Map<number, Subscription>;
  tally: Map<string, { schemaName: string; window: MessageWindow }>;
  gpsClock: GpsFixClock;
  messageCount: number;
}

/**
 * Indexes a PX4 ULog by reading its messages once in file order, with memory
 * bounded by one read window and one entry per topic.
 *
 * Message times are the `timestamp` field, in microseconds since boot. A
 * timestamp of 0 is not a time: such messages are counted but leave the
 * windows alone. The clock offset to Unix time comes from the first valid
 * GPS fix time, or is 0 for logs whose boot clock already is Unix time.
 *
 * `@foxglove/ulog` parses the format definitions; its `ULog` reader is not
 * used because it keeps an index entry per message in memory.
 *
 * @throws RecordingFormatError when the log is cut off in the middle of a
 * message or a message contradicts its definitions.
 */
export async function indexUlog(source: ByteSource): Promise<IndexResult> {
  const header = await readFileHeader(source);
  const scan: UlogScan = {
    definitions: new Map(),
    subscriptions: new Map(),
    tally: new Map(),
    gpsClock: new GpsFixClock(),
    messageCount: 0,
  };

  // Appended data (written after a crash) follows the first data section;
  // every section but the last may end in the middle of a message.
  const sections = dataSections(header.dataStart, header.appendedOffsets, source.size);
  for (const [index, section] of sections.entries()) {
    const isLast = index === sections.length - 1;
    await readSection(new ByteCursor(source, section.start, section.end), scan, isLast);
  }

  const tally = new TopicTally();
  for (const [topicName, { schemaName, window }] of scan.tally) {
    tally.add(topicName, schemaName, window);
  }
  const gpsOffsetNs = scan.gpsClock.bootToUtcOffsetNs();
  return buildIndexResult("ulog", tally, (startNs, endNs) =>
    ulogClockOffsetNs(startNs, endNs, gpsOffsetNs),
  );
}

async function readFileHeader(
  source: ByteSource,
): Promise<{ dataStart: number; appendedOffsets: number[] }> {
  if (source.size < FILE_HEADER_BYTES + MESSAGE_HEADER_BYTES) {
    throw new RecordingFormatError(
      "ulog",
      "truncated",
      `ULog file is ${source.size} bytes long, shorter than its file header: the recording was cut off`,
    );
  }

  const header = await source.read(0, FILE_HEADER_BYTES + MESSAGE_HEADER_BYTES);
  const version = header[7] ?? 0;
  if (version > NEWEST_ULOG_VERSION) {
    throw new RecordingFormatError(
      "ulog",
      "unsupported",
      `ULog file has format version ${version}; this indexer reads versions 0 and 1`,
    );
  }

  // The optional flag bits message must come first. Its offsets locate appended data.
  const view = dataView(header);
  const firstSize = view.getUint16(FILE_HEADER_BYTES, true);
  const firstType = view.getUint8(FILE_HEADER_BYTES + 2);
  if (firstType !== MessageType.flagBits) {
    return { dataStart: FILE_HEADER_BYTES, appendedOffsets: [] };
  }

  const flagsStart = FILE_HEADER_BYTES + MESSAGE_HEADER_BYTES;
  if (firstSize < FLAG_BITS_BYTES || flagsStart + firstSize > source.size) {
    throw new RecordingFormatError(
      "ulog",
      "damaged",
      `ULog flag bits message at byte ${FILE_HEADER_BYTES} is ${firstSize} bytes long; it needs ${FLAG_BITS_BYTES} bytes inside the file`,
    );
  }
  const flags = dataView(await source.read(flagsStart, FLAG_BITS_BYTES));
  checkIncompatibleFlags(flags);

  const appendedOffsets = [16, 24, 32]
    .map((offset) => Number(flags.getBigUint64(offset, true)))
    .filter((offset) => offset > 0);
  return { dataStart: flagsStart + firstSize, appendedOffsets };
}

// Readers must reject a log with an incompatible flag they do not know; bit 0 of byte 0 is appended data.
function checkIncompatibleFlags(flags: DataView): void {
  for (let byte = 0; byte < 8; byte++) {
    const value = flags.getUint8(8 + byte);
    const unknown = byte === 0 ? value & ~0x01 : value;
    if (unknown !== 0) {
      throw new RecordingFormatError(
        "ulog",
        "unsupported",
        `ULog file sets incompatible flag bits 0x${value.toString(16)} in byte ${byte}, which this indexer does not know; it cannot be read safely`,
      );
    }
  }
}

function dataSections(
  dataStart: number,
  appendedOffsets: number[],
  size: number,
): { start: number; end: number }[] {
  const boundaries = [
    dataStart,
    ...appendedOffsets
      .filter((offset) => offset > dataStart && offset <= size)
      .sort((a, b) => a - b),
    size,
  ];
  const sections: { start: number; end: number }[] = [];
  for (let index = 0; index + 1 < boundaries.length; index++) {
    sections.push({ start: boundaries[index] ?? dataStart, end: boundaries[index + 1] ?? size });
  }
  return sections;
}

async function readSection(cursor: ByteCursor, scan: UlogScan, isLast: boolean): Promise<void> {
  while (cursor.remaining > 0) {
    const offset = cursor.position;
    const messageHeader = await cursor.take(MESSAGE_HEADER_BYTES);
    const size = messageHeader === undefined ? 0 : dataView(messageHeader).getUint16(0, true);
    const type = messageHeader?.[2] ?? 0;
    const body = messageHeader === undefined ? undefined : await cursor.take(size);

    if (body === undefined) {
      if (!isLast) return;
      // NOTE: PX4 logs cut by a power loss end like this; they are rejected as truncated, not indexed.
      throw new RecordingFormatError(
        "ulog",
        "truncated",
        `ULog file ends in the middle of the message at byte ${offset}: the recording was cut off (${scan.messageCount} messages readable)`,
      );
    }

    try {
      readMessage(type, body, scan);
    } catch (error) {
      const where = `ULog file is damaged at byte ${offset}`;
      const readable = `(${scan.messageCount} messages readable before it)`;
      if (error instanceof MessageProblem) {
        throw new RecordingFormatError("ulog", "damaged", `${where}: ${error.message} ${readable}`);
      }
      throw asFormatError(error, "ulog", `${where}: the message cannot be parsed ${readable}`);
    }
  }
}

// Information, parameter, logging, sync and dropout messages do not affect the index.
function readMessage(type: number, body: Uint8Array, scan: UlogScan): void {
  switch (type) {
    case MessageType.format: {
      const definition = parseMessageDefinition(textDecoder.decode(body));
      if (definition === undefined) {
        throw new MessageProblem("its format definition cannot be parsed");
      }
      scan.definitions.set(definition.name, definition);
      return;
    }

    case MessageType.addLogged: {
      if (body.byteLength < 3) throw new MessageProblem("the subscription message is too short");
      const view = dataView(body);
      const multiId = view.getUint8(0);
      const msgId = view.getUint16(1, true);
      const messageName = textDecoder.decode(body.subarray(3));
      scan.subscriptions.set(msgId, subscribe(messageName, multiId, scan));
      return;
    }

    case MessageType.removeLogged: {
      if (body.byteLength >= 2) scan.subscriptions.delete(dataView(body).getUint16(0, true));
      return;
    }

    case MessageType.data:
      readDataMessage(body, scan);
      return;
  }
}

function subscribe(messageName: string, multiId: number, scan: UlogScan): Subscription {
  const definition = scan.definitions.get(messageName);
  if (definition === undefined) {
    throw new MessageProblem(
      `it subscribes to "${messageName}", which no format definition before it defines`,
    );
  }

  const timestamp = findField(definition, "timestamp", scan.definitions);
  if (timestamp === undefined) {
    throw new MessageProblem(`the definition of "${messageName}" has no uint64_t timestamp field`);
  }
  const gpsUtc =
    messageName === GPS_POSITION_MESSAGE
      ? findField(definition, GPS_UTC_FIELD, scan.definitions)
      : undefined;

  // Subscribing again to the same message and instance continues its topic.
  const topicName = ulogTopicName(messageName, multiId);
  let topic = scan.tally.get(topicName);
  if (topic === undefined) {
    topic = { schemaName: messageName, window: new MessageWindow() };
    scan.tally.set(topicName, topic);
  }
  return { multiId, window: topic.window, timestampOffset: timestamp, gpsUtcOffset: gpsUtc };
}

function readDataMessage(body: Uint8Array, scan: UlogScan): void {
  if (body.byteLength < 2) {
    throw new MessageProblem("the data message is too short to hold its msg_id");
  }
  const view = dataView(body);
  const msgId = view.getUint16(0, true);
  const subscription = scan.subscriptions.get(msgId);
  if (subscription === undefined) {
    throw new MessageProblem(
      `the data message refers to msg_id ${msgId}, which no subscription defines`,
    );
  }

  const payloadStart = 2;
  const timestampAt = payloadStart + subscription.timestampOffset;
  if (timestampAt + 8 > body.byteLength) {
    throw new MessageProblem(
      `the data message is ${body.byteLength - payloadStart} bytes, too short for its timestamp`,
    );
  }
  const bootUs = view.getBigUint64(timestampAt, true);
  subscription.window.addMessage(bootUs === 0n ? null : bootUs * 1000n);
  scan.messageCount += 1;

  const utcAt =
    subscription.gpsUtcOffset === undefined ? undefined : payloadStart + subscription.gpsUtcOffset;
  if (utcAt !== undefined && utcAt + 8 <= body.byteLength) {
    scan.gpsClock.addSample(subscription.multiId, bootUs, view.getBigUint64(utcAt, true));
  }
}

/**
 * Returns the byte offset of a uint64_t field in a message's payload, or
 * `undefined` when the definition has no such field. Fields are packed
 * without alignment, and a nested type takes the size of its definition.
 */
function findField(
  definition: MessageDefinition,
  name: string,
  definitions: Map<string, MessageDefinition>,
): number | undefined {
  let offset = 0;
  for (const field of definition.fields) {
    if (field.name === name) {
      return field.type === "uint64_t" && field.arrayLength === undefined ? offset : undefined;
    }
    offset += fieldSize(field, definitions) * (field.arrayLength ?? 1);
  }
  return undefined;
}

/** Problem with one message, which the caller reports with the message's offset. */
class MessageProblem extends Error {}
