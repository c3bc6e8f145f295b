import { McapStreamReader, type McapTypes } from "@mcap/core";
import type { ByteSource } from "./byte-source.js";
import {
  type Decompressors,
  loadDecompressors,
  MAX_UNCOMPRESSED_CHUNK_BYTES,
} from "./decompressors.js";
import type { IndexResult } from "./index-result.js";
import { asFormatError, RecordingFormatError } from "./recording-format-error.js";
import { buildIndexResult, MessageWindow, TopicTally } from "./topic-tally.js";

/** Bytes handed to the stream reader per read. */
const STREAM_BLOCK_BYTES = 1024 * 1024;

/**
 * Indexes an MCAP file by reading every record from start to end, for files
 * without a usable summary. Memory stays bounded by one block plus the
 * largest record (a chunk and its decompressed contents).
 *
 * NOTE: the stream reader buffers each record whole, so an unchunked
 * attachment of several GiB is held in memory at once.
 *
 * @throws RecordingFormatError when the file ends before its footer or a
 * record cannot be parsed; the message counts the messages read until then.
 */
export async function scanMcapStream(source: ByteSource): Promise<IndexResult> {
  const reader = new McapStreamReader({
    decompressHandlers: withSizeLimit(await loadDecompressors()),
    validateCrcs: true,
  });
  const schemaNames = new Map<number, string>();
  const channels = new Map<number, McapTypes.Channel>();
  const windows = new Map<number, MessageWindow>();
  let messageCount = 0;
  let appended = 0;

  while (appended < source.size && !reader.done()) {
    const block = await source.read(appended, Math.min(STREAM_BLOCK_BYTES, source.size - appended));
    appended += block.byteLength;
    reader.append(block);

    for (;;) {
      const recordOffset = appended - reader.bytesRemaining();
      let record: McapTypes.TypedMcapRecord | undefined;
      try {
        record = reader.nextRecord();
      } catch (error) {
        throw asFormatError(
          error,
          "mcap",
          `MCAP file is damaged: the record at or after byte ${recordOffset} cannot be read (${messageCount} messages readable before it)`,
        );
      }
      if (record === undefined) break;

      if (record.type === "Schema") schemaNames.set(record.id, record.name);
      if (record.type === "Channel") channels.set(record.id, record);
      if (record.type === "Message") {
        let window = windows.get(record.channelId);
        if (window === undefined) {
          window = new MessageWindow();
          windows.set(record.channelId, window);
        }
        window.addMessage(record.logTime);
        messageCount += 1;
      }
    }
  }

  if (!reader.done()) {
    throw new RecordingFormatError(
      "mcap",
      "truncated",
      `MCAP file ends before its footer: the recording was cut off (${messageCount} messages readable)`,
    );
  }

  // The stream reader rejects a message whose channel was not defined before it.
  const tally = new TopicTally();
  for (const channel of channels.values()) {
    const schemaName = channel.schemaId === 0 ? null : (schemaNames.get(channel.schemaId) ?? null);
    tally.add(channel.topic, schemaName, windows.get(channel.id) ?? new MessageWindow());
  }
  return buildIndexResult("mcap", tally);
}

function withSizeLimit(decompressors: Decompressors): McapTypes.DecompressHandlers {
  const limited: McapTypes.DecompressHandlers = {};
  for (const [compression, decompress] of Object.entries(decompressors)) {
    limited[compression] = (compressed, uncompressedSize) => {
      if (uncompressedSize > BigInt(MAX_UNCOMPRESSED_CHUNK_BYTES)) {
        throw new RecordingFormatError(
          "mcap",
          "unsupported",
          `MCAP chunk declares ${uncompressedSize} bytes uncompressed, more than the ${MAX_UNCOMPRESSED_CHUNK_BYTES}-byte limit of this indexer; the chunk is damaged or was written with an unusually large chunk size`,
        );
      }
      return decompress(compressed, uncompressedSize);
    };
  }
  return limited;
}
