import { fileClockOffset } from "@sortie/domain";

// What the routes share with indexing, kept apart from the recording indexers
// (which read files through node:fs) so the app bundles for Workers too.

/** Job kind that indexes an uploaded file. */
export const INDEX_FILE_JOB = "index_file";

/** Topic rows store a missing schema name as the empty string, because it is part of their key. */
export const NO_SCHEMA = "";

/**
 * Returns the offset that places a file's topics in Unix time: the caller's
 * or the indexed clock offset, else the one implied by an explicit window's
 * start, else `null`.
 */
export function topicOffset(file: {
  time_offset_ns: bigint | null;
  clock_offset_ns: bigint | null;
  explicit_start_ns: bigint | null;
  explicit_end_ns: bigint | null;
  recorded_start_ns: bigint | null;
  recorded_end_ns: bigint | null;
}): bigint | null {
  const offset = fileClockOffset(file);
  if (offset !== null) return offset;
  if (file.explicit_start_ns !== null && file.recorded_start_ns !== null) {
    return file.explicit_start_ns - file.recorded_start_ns;
  }
  return null;
}
