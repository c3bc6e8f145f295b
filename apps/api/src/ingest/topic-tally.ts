import { compareAscending } from "./compare.js";
import type { IndexedTopic, IndexResult, RecordingFormat } from "./index-result.js";
import { isPlausibleUnixWindow } from "./plausible-unix.js";

/** Message count and time window of one stream of messages (a channel, connection or ULog subscription). */
export class MessageWindow {
  count = 0;
  startNs: bigint | null = null;
  endNs: bigint | null = null;

  /** Counts one message; a `null` time counts the message without widening the window. */
  addMessage(timeNs: bigint | null): void {
    this.count += 1;
    if (timeNs !== null) this.widen(timeNs, timeNs);
  }

  /** Widens the window to include `[startNs, endNs]` without counting messages. */
  widen(startNs: bigint, endNs: bigint): void {
    if (this.startNs === null || startNs < this.startNs) this.startNs = startNs;
    if (this.endNs === null || endNs > this.endNs) this.endNs = endNs;
  }
}

/**
 * Topics of a recording keyed by name. Several channels or connections may
 * carry one topic; their counts add up and their windows merge.
 */
export class TopicTally {
  readonly #byName = new Map<string, IndexedTopic>();

  /**
   * Adds the messages of one stream to its topic, creating the topic when it
   * is new so that topics without messages are listed too. The first schema
   * name given for a topic is kept.
   */
  add(topicName: string, schemaName: string | null, window: MessageWindow): void {
    let topic = this.#byName.get(topicName);
    if (topic === undefined) {
      topic = {
        topic_name: topicName,
        schema_name: schemaName,
        message_count: 0,
        start_ns: null,
        end_ns: null,
      };
      this.#byName.set(topicName, topic);
    }

    // NOTE: when streams of one topic name different schemas, only the first is reported.
    topic.schema_name ??= schemaName;
    topic.message_count += window.count;
    if (window.startNs !== null && (topic.start_ns === null || window.startNs < topic.start_ns)) {
      topic.start_ns = window.startNs;
    }
    if (window.endNs !== null && (topic.end_ns === null || window.endNs > topic.end_ns)) {
      topic.end_ns = window.endNs;
    }
  }

  /** Returns the topics sorted by name in code-unit order. */
  topics(): IndexedTopic[] {
    return [...this.#byName.values()].sort((a, b) => compareAscending(a.topic_name, b.topic_name));
  }
}

/**
 * Builds the index result of a recording from its topics. The recording
 * window spans all topic windows. `clockOffsetNs` receives that window and
 * returns the offset to Unix time. By default, a window that is plausibly
 * Unix time gets `0n` and any other window `null`.
 */
export function buildIndexResult(
  format: RecordingFormat,
  tally: TopicTally,
  clockOffsetNs: (startNs: bigint, endNs: bigint) => bigint | null = unixOrRelative,
): IndexResult {
  const topics = tally.topics();

  const window = new MessageWindow();
  let messageCount = 0;
  for (const topic of topics) {
    messageCount += topic.message_count;
    if (topic.start_ns !== null && topic.end_ns !== null) {
      window.widen(topic.start_ns, topic.end_ns);
    }
  }

  const { startNs, endNs } = window;
  return {
    format,
    recorded_start_ns: startNs,
    recorded_end_ns: endNs,
    clock_offset_ns: startNs !== null && endNs !== null ? clockOffsetNs(startNs, endNs) : null,
    topics,
    message_count: messageCount,
  };
}

function unixOrRelative(startNs: bigint, endNs: bigint): bigint | null {
  return isPlausibleUnixWindow(startNs, endNs) ? 0n : null;
}
