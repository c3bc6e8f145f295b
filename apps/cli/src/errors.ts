import { ConfigurationError, InvalidRequestError, SortieError, stringifyJson } from "@sortie/sdk";
import { CommanderError } from "commander";

/** Exit status of the `sortie` command. */
export const EXIT = {
  ok: 0,
  /** The API returned an error, a request failed, or an import had failed files. */
  failure: 1,
  /** The command line was invalid: unknown option, missing argument, malformed value. */
  usage: 2,
} as const;

/** A command line that cannot run as given; exits with status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure already reported to the user, such as an import with failed files; exits with status 1. */
export class ReportedFailure extends Error {
  override name = "ReportedFailure";
}

/** Maps an error thrown by a command to the exit status. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof ConfigurationError) return EXIT.usage;
  // The SDK checks request bodies before sending: a rejected body came from the command line.
  if (error instanceof InvalidRequestError && error.status === undefined) return EXIT.usage;
  return EXIT.failure;
}

/**
 * Writes an error as the lines printed on stderr: `error: <message> (request
 * id <id>)`, then one line per offending field. Commander's own errors are
 * printed by Commander and return no lines here.
 */
export function describeError(error: unknown): string[] {
  if (error instanceof CommanderError || error instanceof ReportedFailure) return [];

  if (error instanceof SortieError) {
    const requestId = error.requestId ? ` (request id ${error.requestId})` : "";
    const lines = [`error: ${error.message}${requestId}`];
    for (const detail of error.details) {
      const value = detail.value === undefined ? "" : ` (got ${stringifyJson(detail.value)})`;
      lines.push(`  ${detail.path}: ${detail.reason}${value}`);
    }
    return lines;
  }

  if (error instanceof UsageError) return [`error: ${error.message}`];

  const message = error instanceof Error ? error.message : String(error);
  return [`error: ${message}`];
}
