import { formatRfc3339Ns } from "@sortie/domain";
import { formatDuration } from "./duration.js";

/** Text shown for a window that is not known. */
export const NO_WINDOW = "-";

/**
 * Formats an inclusive window in Unix-epoch nanoseconds as RFC 3339 and a
 * duration: `2021-04-21T06:30:39.553798Z … 06:50:32.496025Z (19m 52.9s)`. The
 * end drops its date when it falls on the start's date. Without both bounds,
 * returns `-`.
 */
export function formatWindow(start: bigint | null, end: bigint | null): string {
  if (start === null || end === null) return NO_WINDOW;

  const startText = formatRfc3339Ns(start);
  let endText = formatRfc3339Ns(end);
  const datePrefix = startText.slice(0, 11);
  if (endText.startsWith(datePrefix)) endText = endText.slice(datePrefix.length);

  return `${startText} … ${endText} (${formatDuration(end - start)})`;
}
