// Test support: the public recording set and its manifest. Not part of the API build.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fileByteSource } from "./byte-source.js";
import { indexRecording } from "./index-recording.js";
import type { IndexResult } from "./index-result.js";

const REPO_ROOT = new URL("../../../../", import.meta.url);

/** Folder of the recording set, beside the repository: `<repo>/../shared/recordings`. */
export const RECORDINGS_DIR = fileURLToPath(new URL("../shared/recordings/", REPO_ROOT));

/** One topic as the manifest lists it; which fields are set depends on the format. */
export interface ManifestTopic {
  topic: string;
  messageCount: number;
  /** ULog instance of the message. */
  multiId?: number;
  /** ULog message name or ROS 1 message type. */
  type?: string;
  /** MCAP schema name. */
  schemaName?: string;
  startNs?: string | null;
  endNs?: string | null;
  /** ULog boot time in microseconds; `null` when no message has a non-zero timestamp. */
  startUs?: string | null;
  endUs?: string | null;
}

/** One recording as the manifest describes it (the fields the tests compare). */
export interface ManifestFile {
  name: string;
  format: "mcap" | "ros1-bag" | "ulog";
  broken: boolean;
  sizeBytes: number;
  messageCount?: number;
  time?: {
    clock: string | null;
    startNs: string | null;
    endNs: string | null;
    absolute?: { bootToUtcOffsetUs: string; unixStartNs: string; unixEndNs: string };
  };
  topics?: ManifestTopic[];
}

/** Reads `manifest.json` of the recording set. */
export function loadManifest(): ManifestFile[] {
  const manifest = JSON.parse(readFileSync(join(RECORDINGS_DIR, "manifest.json"), "utf8")) as {
    files: ManifestFile[];
  };
  return manifest.files;
}

/** Indexes a file through a file byte source and reports how many bytes it read. */
export async function indexFile(
  path: string,
  fileName = path.split("/").at(-1) ?? path,
): Promise<{ result: IndexResult; bytesRead: number; size: number }> {
  const source = await fileByteSource(path);
  try {
    const result = await indexRecording(source, fileName);
    return { result, bytesRead: source.bytesRead(), size: source.size };
  } finally {
    await source.close();
  }
}

/** Parses an optional decimal string of the manifest into a bigint. */
export function toBigInt(value: string | null | undefined): bigint | null {
  return value === null || value === undefined ? null : BigInt(value);
}
