import type { TimeWindow } from "../contribution/bounds.js";

/** The columns of a file that decide its Unix window. */
export interface FileClock {
  /** Window set explicitly by the caller, Unix ns; wins over everything else. */
  explicit_start_ns: bigint | null;
  explicit_end_ns: bigint | null;
  /** Window in the file's own clock, from indexing. */
  recorded_start_ns: bigint | null;
  recorded_end_ns: bigint | null;
  /** Offset from the own clock to Unix time set by the caller; wins over `clock_offset_ns`. */
  time_offset_ns: bigint | null;
  /** Offset from the own clock to Unix time found by indexing; `null` for relative clocks. */
  clock_offset_ns: bigint | null;
}

/**
 * Returns a file's Unix window: the explicit window when set, else the
 * recorded window shifted by the caller's offset or the indexed one, else
 * `null`. A relative recording without an offset has no Unix window, so it
 * never gives a session 1970 bounds.
 */
export function fileUnixWindow(file: FileClock): TimeWindow | null {
  if (file.explicit_start_ns !== null && file.explicit_end_ns !== null) {
    return { min: file.explicit_start_ns, max: file.explicit_end_ns };
  }
  if (file.recorded_start_ns === null || file.recorded_end_ns === null) return null;

  const offset = file.time_offset_ns ?? file.clock_offset_ns;
  if (offset === null) return null;
  return { min: file.recorded_start_ns + offset, max: file.recorded_end_ns + offset };
}

/** Returns the offset that turns a file's own clock into Unix time, or `null` when none is known. */
export function fileClockOffset(file: FileClock): bigint | null {
  return file.time_offset_ns ?? file.clock_offset_ns;
}
