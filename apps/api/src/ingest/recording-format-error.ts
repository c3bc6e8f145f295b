import { RecordingReadError } from "./byte-source.js";

/** Recording formats that the indexer reads. */
export type KnownRecordingFormat = "mcap" | "ros1-bag" | "ulog";

/**
 * Kind of problem found in a recording:
 * - `empty`: the file has no bytes.
 * - `not-this-format`: the extension names a format whose magic bytes the file lacks.
 * - `unsupported`: a valid file of a version or feature this indexer does not read.
 * - `truncated`: the file ends before its last record or its index, as when a recording is cut off.
 * - `damaged`: a record cannot be parsed or contradicts the rest of the file.
 */
export type RecordingProblem =
  | "empty"
  | "not-this-format"
  | "unsupported"
  | "truncated"
  | "damaged";

/**
 * A recording whose bytes cannot be indexed. The message states in plain
 * words what is wrong with the file, for the file's `ingestion_error`. The
 * `cause` keeps the parser's own error when there is one.
 */
export class RecordingFormatError extends Error {
  override readonly name = "RecordingFormatError";
  /** Format the file was read as. */
  readonly format: KnownRecordingFormat;
  /** Kind of problem, for callers that react to it. */
  readonly problem: RecordingProblem;

  constructor(
    format: KnownRecordingFormat,
    problem: RecordingProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.format = format;
    this.problem = problem;
  }
}

/** Human name of each format, used at the start of error messages. */
export const FORMAT_LABEL: Record<KnownRecordingFormat, string> = {
  mcap: "MCAP",
  "ros1-bag": "ROS 1 bag",
  ulog: "ULog",
};

/**
 * Describes a parser error in one line for the end of a message, so the
 * library's text is kept as detail but never appears alone.
 */
export function describeParserError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Converts an error thrown while parsing a recording into a
 * `RecordingFormatError` with the given plain-words message. Errors that are
 * already `RecordingFormatError`, and read failures (`RecordingReadError`),
 * pass through unchanged.
 */
export function asFormatError(
  error: unknown,
  format: KnownRecordingFormat,
  message: string,
): Error {
  if (error instanceof RecordingFormatError) return error;
  if (error instanceof RecordingReadError) return error;
  return new RecordingFormatError(
    format,
    "damaged",
    `${message} (parser detail: ${describeParserError(error)})`,
    { cause: error },
  );
}
