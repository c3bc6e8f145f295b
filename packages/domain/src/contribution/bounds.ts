/** An inclusive time window in Unix-epoch nanoseconds. */
export interface TimeWindow {
  min: bigint;
  max: bigint;
}

/** Inputs of one contribution's window: its range and its file's window. */
export interface ContributionWindowInput {
  range_min_timestamp_ns: bigint | null;
  range_max_timestamp_ns: bigint | null;
  file_start_time_ns: bigint | null;
  file_end_time_ns: bigint | null;
}

/**
 * Returns the window a contribution adds to its session: its range when given,
 * else the file's window, or `null` while the file's window is unknown.
 */
export function contributionWindow(input: ContributionWindowInput): TimeWindow | null {
  if (input.range_min_timestamp_ns !== null && input.range_max_timestamp_ns !== null) {
    return { min: input.range_min_timestamp_ns, max: input.range_max_timestamp_ns };
  }
  if (input.file_start_time_ns !== null && input.file_end_time_ns !== null) {
    return { min: input.file_start_time_ns, max: input.file_end_time_ns };
  }
  return null;
}

/**
 * Aggregates session bounds: the minimum and maximum over the contributions'
 * windows, `null` when no contribution has a known window.
 */
export function aggregateBounds(windows: Iterable<TimeWindow | null>): TimeWindow | null {
  let bounds: TimeWindow | null = null;
  for (const window of windows) {
    if (window === null) continue;
    if (bounds === null) {
      bounds = { min: window.min, max: window.max };
      continue;
    }
    if (window.min < bounds.min) bounds.min = window.min;
    if (window.max > bounds.max) bounds.max = window.max;
  }
  return bounds;
}

/**
 * Tells whether a requested range lies wholly outside a file's known window,
 * which makes the contribution invalid. Both windows are inclusive; a range
 * that touches the window at one instant overlaps it.
 */
export function rangeMissesWindow(range: TimeWindow, fileWindow: TimeWindow | null): boolean {
  if (fileWindow === null) return false;
  return range.max < fileWindow.min || range.min > fileWindow.max;
}
