import { crc32 } from "node:zlib";
import { isKnownOpcode, MCAP_MAGIC, McapStreamReader, Opcode } from "@mcap/core";
import { memoryByteSource } from "./byte-source.js";
import { type Decompressors, MAX_UNCOMPRESSED_CHUNK_BYTES } from "./decompressors.js";
import { BlockReader } from "./mcap-block-reader.js";
import { asFormatError, RecordingFormatError } from "./recording-format-error.js";
import { MessageWindow } from "./topic-tally.js";

// Opcode (1) and content length (8) start every record.
const RECORD_HEADER_BYTES = 9;
// Message: channel_id (2), sequence (4), log_time (8), publish_time (8), then the payload.
const MESSAGE_PREFIX_BYTES = 22;
const MESSAGE_LOG_TIME_AT = 6;
// Chunk: message_start_time (8), message_end_time (8), uncompressed_size (8), uncompressed_crc (4),
// compression (4-byte length and UTF-8 bytes), records length (8), then the records.
const CHUNK_UNCOMPRESSED_SIZE_AT = 16;
const CHUNK_CRC_AT = 24;
const CHUNK_COMPRESSION_AT = 28;
const CHUNK_PREFIX_BYTES_WITHOUT_COMPRESSION = 40;

const utf8 = new TextDecoder();

// Record names as the MCAP specification writes them. `Opcode[opcode]` would name opcode 15 `MAX`.
const RECORD_NAMES: Readonly<Record<number, string>> = {
  [Opcode.HEADER]: "Header",
  [Opcode.FOOTER]: "Footer",
  [Opcode.SCHEMA]: "Schema",
  [Opcode.CHANNEL]: "Channel",
  [Opcode.MESSAGE]: "Message",
  [Opcode.CHUNK]: "Chunk",
  [Opcode.MESSAGE_INDEX]: "Message Index",
  [Opcode.CHUNK_INDEX]: "Chunk Index",
  [Opcode.ATTACHMENT]: "Attachment",
  [Opcode.ATTACHMENT_INDEX]: "Attachment Index",
  [Opcode.STATISTICS]: "Statistics",
  [Opcode.METADATA]: "Metadata",
  [Opcode.METADATA_INDEX]: "Metadata Index",
  [Opcode.SUMMARY_OFFSET]: "Summary Offset",
  [Opcode.DATA_END]: "Data End",
};

/** A channel as the scan needs it: its topic and schema, and its messages so far. */
export interface ScannedChannel {
  topic: string;
  schemaId: number;
  window: MessageWindow;
}

/**
 * Walks the records of an MCAP file from start to end and tallies the log
 * times of its messages by channel. It reads the opcode and length of every
 * record, and of a Message only its channel id and log time, so payloads are
 * never copied. Uncompressed chunks are walked in place. A compressed chunk is
 * decompressed whole, so memory keeps at most one chunk at a time.
 *
 * Header, Schema, Channel and summary records are parsed by @mcap/core's
 * `McapStreamReader`, which also rejects a Channel redefined with other
 * fields and a second Header. Attachments, Message Index records and records
 * of unknown opcodes are skipped unread.
 *
 * The CRC of a compressed chunk's records is checked, which costs little next
 * to decompressing them. Uncompressed chunks and attachments are not checked,
 * because a CRC-32 of every byte (`zlib.crc32`) added 50 to 100% to the time
 * of a sequential read in bench/ingest.bench.mjs, and their payload bytes do
 * not change the index. Damage that breaks the record structure, such as a
 * wrong length, opcode or channel id, still fails the walk.
 *
 * NOTE: a flipped bit in the log time of a message in an uncompressed chunk
 * goes unseen and can move its channel's window, where `McapStreamReader`
 * with CRC checks would reject the file.
 */
export class McapRecordWalker {
  readonly #decompressors: Decompressors;
  readonly #definitions = new McapStreamReader({ noMagicPrefix: true });
  readonly #schemaNames = new Map<number, string>();
  readonly #channels = new Map<number, ScannedChannel>();
  #messageCount = 0;
  // Messages of the records read completely, so a damaged or cut chunk counts none of its messages.
  #readableMessageCount = 0;

  constructor(decompressors: Decompressors) {
    this.#decompressors = decompressors;
  }

  /** Channels by id, each with the window of its messages. */
  get channels(): ReadonlyMap<number, ScannedChannel> {
    return this.#channels;
  }

  /** Schema names by schema id. */
  get schemaNames(): ReadonlyMap<number, string> {
    return this.#schemaNames;
  }

  /**
   * Walks the whole file, from its magic bytes to the magic bytes after its footer.
   *
   * @throws RecordingFormatError when the file ends before its footer or a
   * record cannot be read
   */
  async walkFile(reader: BlockReader): Promise<void> {
    if (!(await reader.ensure(MCAP_MAGIC.length))) throw this.#truncated();
    if (!hasMagicAt(reader, reader.position)) {
      throw new RecordingFormatError(
        "mcap",
        "damaged",
        "MCAP file does not start with the MCAP magic bytes",
      );
    }
    reader.skip(MCAP_MAGIC.length);

    for (;;) {
      const recordStart = reader.position;
      if (!reader.has(RECORD_HEADER_BYTES) && !(await reader.ensure(RECORD_HEADER_BYTES))) {
        throw this.#truncated();
      }

      try {
        const { opcode, length } = readRecordHeader(reader);
        if (recordStart + RECORD_HEADER_BYTES + length > reader.size) throw this.#truncated();

        const footerReached = await this.#readTopLevelRecord(reader, opcode, length);
        this.#readableMessageCount = this.#messageCount;
        if (footerReached) return;
      } catch (error) {
        throw asFormatError(
          error,
          "mcap",
          `MCAP file is damaged: the record at or after byte ${recordStart} cannot be read (${this.#readableMessageCount} messages readable before it)`,
        );
      }
    }
  }

  // Returns true after the footer and the magic bytes that end the file.
  async #readTopLevelRecord(reader: BlockReader, opcode: number, length: number): Promise<boolean> {
    switch (opcode) {
      case Opcode.MESSAGE:
        await this.#readMessage(reader, length);
        return false;
      case Opcode.CHUNK:
        await this.#readChunk(reader, length);
        return false;
      case Opcode.FOOTER:
        await this.#readFooter(reader, length);
        return true;
      case Opcode.ATTACHMENT:
      case Opcode.MESSAGE_INDEX:
        reader.skip(RECORD_HEADER_BYTES + length);
        return false;
      default:
        if (isKnownOpcode(opcode)) {
          await this.#readDefinition(reader, opcode, length);
        } else {
          reader.skip(RECORD_HEADER_BYTES + length);
        }
        return false;
    }
  }

  async #readMessage(reader: BlockReader, length: number): Promise<void> {
    if (length < MESSAGE_PREFIX_BYTES) {
      throw new Error(
        `Message record of ${length} bytes is shorter than its ${MESSAGE_PREFIX_BYTES}-byte prefix`,
      );
    }
    const prefixEnd = RECORD_HEADER_BYTES + MESSAGE_PREFIX_BYTES;
    if (!reader.has(prefixEnd)) await reader.ensure(prefixEnd);

    const at = reader.indexOf(reader.position) + RECORD_HEADER_BYTES;
    const channelId = reader.view.getUint16(at, true);
    const channel = this.#channels.get(channelId);
    if (channel === undefined) {
      throw new Error(
        `Message on channel ${channelId} comes before any Channel record with that id`,
      );
    }
    channel.window.addMessage(reader.view.getBigUint64(at + MESSAGE_LOG_TIME_AT, true));
    this.#messageCount += 1;
    reader.skip(RECORD_HEADER_BYTES + length);
  }

  // Hands a whole Header, Schema, Channel or summary record to the library's parser.
  async #readDefinition(reader: BlockReader, opcode: Opcode, length: number): Promise<void> {
    const recordLength = RECORD_HEADER_BYTES + length;
    if (recordLength > MAX_UNCOMPRESSED_CHUNK_BYTES) {
      throw new RecordingFormatError(
        "mcap",
        "unsupported",
        `MCAP ${RECORD_NAMES[opcode]} record of ${length} bytes is larger than the ${MAX_UNCOMPRESSED_CHUNK_BYTES}-byte limit of this indexer for a record read whole`,
      );
    }
    await reader.ensure(recordLength);

    const at = reader.indexOf(reader.position);
    this.#definitions.append(reader.bytes.subarray(at, at + recordLength));
    const record = this.#definitions.nextRecord();
    if (record?.type === "Schema") this.#schemaNames.set(record.id, record.name);
    if (record?.type === "Channel" && !this.#channels.has(record.id)) {
      this.#channels.set(record.id, {
        topic: record.topic,
        schemaId: record.schemaId,
        window: new MessageWindow(),
      });
    }
    reader.skip(recordLength);
  }

  async #readChunk(reader: BlockReader, length: number): Promise<void> {
    reader.skip(RECORD_HEADER_BYTES);
    const contentStart = reader.position;
    const contentEnd = contentStart + length;
    if (length < CHUNK_PREFIX_BYTES_WITHOUT_COMPRESSION) {
      throw new Error(`Chunk record of ${length} bytes is shorter than its prefix`);
    }
    await reader.ensure(CHUNK_COMPRESSION_AT + 4);

    const at = reader.indexOf(contentStart);
    const compressionLength = reader.view.getUint32(at + CHUNK_COMPRESSION_AT, true);
    const prefixLength = CHUNK_PREFIX_BYTES_WITHOUT_COMPRESSION + compressionLength;
    if (prefixLength > length) {
      throw new Error(`Chunk compression name of ${compressionLength} bytes exceeds its record`);
    }
    await reader.ensure(prefixLength);

    const view = reader.view;
    const prefixAt = reader.indexOf(contentStart);
    const uncompressedSize = view.getBigUint64(prefixAt + CHUNK_UNCOMPRESSED_SIZE_AT, true);
    const expectedCrc = view.getUint32(prefixAt + CHUNK_CRC_AT, true);
    const compressionAt = prefixAt + CHUNK_COMPRESSION_AT + 4;
    const compression = utf8.decode(
      reader.bytes.subarray(compressionAt, compressionAt + compressionLength),
    );
    const recordsLength = readLength(view, compressionAt + compressionLength);
    const recordsStart = contentStart + prefixLength;
    const recordsEnd = recordsStart + recordsLength;
    if (recordsEnd > contentEnd) {
      throw new Error(`Chunk records length ${recordsLength} exceeds its record`);
    }
    reader.skip(prefixLength);

    if (compression === "") {
      await this.#walkChunkRecords(reader, recordsEnd);
    } else {
      const records = await this.#decompressChunk(
        reader,
        compression,
        recordsLength,
        uncompressedSize,
      );
      const actualCrc = expectedCrc === 0 ? 0 : crc32(records);
      if (actualCrc !== expectedCrc) {
        throw new Error(
          `CRC-32 of the decompressed chunk records is ${actualCrc}, but the chunk states ${expectedCrc}`,
        );
      }
      reader.skip(recordsLength);

      const chunkReader = new BlockReader(memoryByteSource(records), records.byteLength);
      await this.#walkChunkRecords(chunkReader, records.byteLength);
    }
    reader.skip(contentEnd - reader.position);
  }

  async #decompressChunk(
    reader: BlockReader,
    compression: string,
    recordsLength: number,
    uncompressedSize: bigint,
  ): Promise<Uint8Array> {
    const decompress = this.#decompressors[compression];
    if (decompress === undefined) {
      throw new RecordingFormatError(
        "mcap",
        "unsupported",
        `MCAP chunk uses compression "${compression}", which this indexer does not read (it reads ${Object.keys(this.#decompressors).join(", ")})`,
      );
    }
    const limit = BigInt(MAX_UNCOMPRESSED_CHUNK_BYTES);
    if (uncompressedSize > limit || BigInt(recordsLength) > limit) {
      throw new RecordingFormatError(
        "mcap",
        "unsupported",
        `MCAP chunk declares ${uncompressedSize} bytes uncompressed (${recordsLength} compressed), more than the ${MAX_UNCOMPRESSED_CHUNK_BYTES}-byte limit of this indexer; the chunk is damaged or was written with an unusually large chunk size`,
      );
    }
    if (recordsLength === 0) return new Uint8Array(0);

    await reader.ensure(recordsLength);
    const at = reader.indexOf(reader.position);
    return decompress(reader.bytes.subarray(at, at + recordsLength), uncompressedSize);
  }

  // Walks the records of one chunk up to `end`, which they must fill exactly.
  async #walkChunkRecords(reader: BlockReader, end: number): Promise<void> {
    while (reader.position < end) {
      const left = end - reader.position;
      if (left < RECORD_HEADER_BYTES) {
        throw new Error(`${left} bytes after the last record of a chunk`);
      }
      if (!reader.has(RECORD_HEADER_BYTES)) await reader.ensure(RECORD_HEADER_BYTES);

      const { opcode, length } = readRecordHeader(reader);
      if (length > left - RECORD_HEADER_BYTES) {
        throw new Error(`record of ${length} bytes runs past the end of its chunk`);
      }

      if (opcode === Opcode.MESSAGE) {
        await this.#readMessage(reader, length);
      } else if (opcode === Opcode.SCHEMA || opcode === Opcode.CHANNEL) {
        await this.#readDefinition(reader, opcode, length);
      } else if (isKnownOpcode(opcode)) {
        throw new Error(`${RECORD_NAMES[opcode]} record is not allowed inside a chunk`);
      } else {
        reader.skip(RECORD_HEADER_BYTES + length);
      }
    }
  }

  async #readFooter(reader: BlockReader, length: number): Promise<void> {
    reader.skip(RECORD_HEADER_BYTES + length);
    if (!(await reader.ensure(MCAP_MAGIC.length))) throw this.#truncated();
    if (!hasMagicAt(reader, reader.position)) {
      throw new Error("the footer is not followed by the MCAP magic bytes");
    }

    reader.skip(MCAP_MAGIC.length);
    const trailing = reader.size - reader.position;
    if (trailing !== 0)
      throw new Error(`${trailing} bytes follow the magic bytes after the footer`);
  }

  #truncated(): RecordingFormatError {
    return new RecordingFormatError(
      "mcap",
      "truncated",
      `MCAP file ends before its footer: the recording was cut off (${this.#readableMessageCount} messages readable)`,
    );
  }
}

// Reads the record header at the position, whose 9 bytes must be in the buffer.
function readRecordHeader(reader: BlockReader): { opcode: number; length: number } {
  const at = reader.indexOf(reader.position);
  return { opcode: reader.view.getUint8(at), length: readLength(reader.view, at + 1) };
}

// Reads a 64-bit length as a number. A length of 2^53 or more cannot fit in any file this indexer reads.
function readLength(view: DataView, at: number): number {
  const low = view.getUint32(at, true);
  const high = view.getUint32(at + 4, true);
  if (high >= 2 ** 21) {
    throw new Error(`length ${view.getBigUint64(at, true)} is larger than any readable file`);
  }
  return high * 2 ** 32 + low;
}

function hasMagicAt(reader: BlockReader, offset: number): boolean {
  const at = reader.indexOf(offset);
  return MCAP_MAGIC.every((byte, index) => reader.bytes[at + index] === byte);
}
