import type { KnownRecordingFormat } from "./recording-format-error.js";

/** Format of an indexed file; `unknown` for files no indexer reads. */
export type RecordingFormat = KnownRecordingFormat | "unknown";

/** One topic of a recording, with times on the file's own clock in nanoseconds. */
export interface IndexedTopic {
  /** Topic name; for ULog multi-instance topics, see `ulogTopicName`. */
  topic_name: string;
  /** Schema or message type name, `null` when the file names none. */
  schema_name: string | null;
  /** Number of messages on the topic, including ULog messages stamped 0. */
  message_count: number;
  /** Time of the earliest message; `null` when the topic has no message with a time. */
  start_ns: bigint | null;
  /** Time of the latest message; `null` when the topic has no message with a time. */
  end_ns: bigint | null;
}

/** Time window and topics of one recording. */
export interface IndexResult {
  format: RecordingFormat;
  /** Earliest message time on the file's own clock in nanoseconds; `null` when no message has a time. */
  recorded_start_ns: bigint | null;
  /** Latest message time on the file's own clock in nanoseconds; `null` when no message has a time. */
  recorded_end_ns: bigint | null;
  /**
   * Nanoseconds to add to own-clock times to get Unix time: `0n` when the
   * file's clock is Unix time, derived from GPS time for ULogs that have it,
   * `null` when the clock is relative or the window is unknown.
   */
  clock_offset_ns: bigint | null;
  /** Topics sorted by `topic_name` in code-unit order. */
  topics: IndexedTopic[];
  /** Number of messages over all topics. */
  message_count: number;
}
