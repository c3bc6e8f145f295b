import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FileRecord, Sortie } from "../../src/index.js";

/** The shared set of public recordings, beside the repository: `<repo>/../shared/recordings`. */
export const RECORDINGS_DIR = join(import.meta.dirname, "../../../../../shared/recordings");

/** A topic of a recording as the manifest lists it. */
export interface ManifestTopic {
  topic: string;
  messageCount: number;
  schemaName?: string | null;
  type?: string | null;
  /** Message times on the recording's own clock, in ns, as decimal strings. */
  startNs?: string | null;
  endNs?: string | null;
}

/** A recording as the manifest describes it; times are decimal strings of ns. */
export interface ManifestRecording {
  name: string;
  format: "mcap" | "ros1-bag" | "ulog";
  broken: boolean;
  sizeBytes: number;
  sha256: string;
  messageCount: number;
  topics?: ManifestTopic[];
  time: { clock: string | null; startNs: string | null; endNs: string | null } | null;
}

/** Reads the manifest entry of one recording. */
export function manifestEntry(name: string): ManifestRecording {
  const manifest = JSON.parse(readFileSync(join(RECORDINGS_DIR, "manifest.json"), "utf8")) as {
    files: ManifestRecording[];
  };
  const entry = manifest.files.find((file) => file.name === name);
  if (!entry) throw new Error(`${name} is not in ${RECORDINGS_DIR}/manifest.json`);
  return entry;
}

/** Reads a file until indexing has ended, polling every 25 ms for up to 20 s. */
export async function waitForIndexing(client: Sortie, fileId: string): Promise<FileRecord> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const file = await client.files.retrieve(fileId);
    if (file.ingestion_status !== "pending") return file;
    if (Date.now() > deadline) throw new Error(`file ${fileId} was still pending after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
