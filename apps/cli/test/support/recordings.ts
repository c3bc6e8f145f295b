import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The shared set of public recordings, beside the repository: `<repo>/../shared/recordings`. */
export const RECORDINGS_DIR = join(import.meta.dirname, "../../../../../shared/recordings");

/** A recording as the manifest describes it; times are decimal strings of ns. */
export interface ManifestRecording {
  name: string;
  format: "mcap" | "ros1-bag" | "ulog";
  broken: boolean;
  time: {
    clock: string | null;
    startNs: string | null;
    endNs: string | null;
    absolute?: { unixStartNs: string; unixEndNs: string };
  } | null;
}

/** Reads every entry of the manifest. */
export function loadManifest(): ManifestRecording[] {
  const text = readFileSync(join(RECORDINGS_DIR, "manifest.json"), "utf8");
  return (JSON.parse(text) as { files: ManifestRecording[] }).files;
}

/** Path of a recording of the set. */
export function recordingPath(name: string): string {
  return join(RECORDINGS_DIR, name);
}

/**
 * Returns the recording's Unix window by the manifest's conventions, or
 * `null` when its clock is not Unix time: MCAP and bag times count when their clock is
 * `unix`, ULog times when GPS gave them an absolute time.
 */
export function manifestUnixWindow(recording: ManifestRecording): [bigint, bigint] | null {
  const time = recording.time;
  if (recording.broken || !time) return null;
  if (recording.format === "ulog") {
    return time.absolute
      ? [BigInt(time.absolute.unixStartNs), BigInt(time.absolute.unixEndNs)]
      : null;
  }
  if (time.clock !== "unix" || time.startNs === null || time.endNs === null) return null;
  return [BigInt(time.startNs), BigInt(time.endNs)];
}
