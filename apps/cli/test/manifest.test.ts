import type { FileRecord, SessionFileView, SessionRecord } from "@sortie/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveApi, startLiveApi } from "./support/live-api.js";
import {
  loadManifest,
  type ManifestRecording,
  manifestUnixWindow,
  recordingPath,
} from "./support/recordings.js";
import { apiEnv, type CliResult, runCli } from "./support/run-cli.js";

// A ULog's Unix window comes from a GPS fix. The API may use another fix
// sample than the manifest did, so ULog bounds may be off by up to one second.
// MCAP and bag bounds must match exactly.
const ULOG_TOLERANCE_NS = 1_000_000_000n;

const FORMATS = ["mcap", "ros1-bag", "ulog"] as const;
type Format = (typeof FORMATS)[number];

interface ImportOutput {
  dataset_id: string;
  files: FileRecord[];
  session: SessionRecord;
}

type ShownSession = SessionRecord & { device_ids: string[]; files: SessionFileView[] };

const recordings = loadManifest();
const byFormat = (format: Format) => recordings.filter((recording) => recording.format === format);

let api: LiveApi;
const imports = new Map<Format, CliResult>();
const shown = new Map<Format, ShownSession>();
beforeAll(async () => {
  api = await startLiveApi();
  // One device per recording format, each with its own session.
  for (const format of FORMATS) {
    const paths = byFormat(format).map((recording) => recordingPath(recording.name));
    const result = await runCli(
      [
        "import",
        ...paths,
        "--device",
        `${format}_recorder`,
        "--session-key",
        `recordings/${format}`,
        "--json",
      ],
      apiEnv(api),
      120_000,
    );
    imports.set(format, result);

    const session = (result.json() as ImportOutput).session;
    const show = await runCli(["sessions", "show", session.session_id, "--json"], apiEnv(api));
    expect(show.code, show.stderr).toBe(0);
    shown.set(format, show.json() as ShownSession);
  }
}, 300_000);
afterAll(async () => {
  await api?.close();
});

// The earliest start and latest end of the group's Unix windows, in bigint
// (Math.min and Math.max take no bigint).
function expectedBounds(group: ManifestRecording[]): [bigint, bigint] | null {
  let bounds: [bigint, bigint] | null = null;
  for (const window of group.map(manifestUnixWindow)) {
    if (window === null) continue;
    if (bounds === null) {
      bounds = [...window];
      continue;
    }
    if (window[0] < bounds[0]) bounds[0] = window[0];
    if (window[1] > bounds[1]) bounds[1] = window[1];
  }
  return bounds;
}

function expectWithin(
  actual: bigint | null,
  expected: bigint,
  toleranceNs: bigint,
  what: string,
): void {
  expect(actual, what).not.toBeNull();
  const difference = (actual as bigint) - expected;
  expect(
    difference < 0n ? -difference : difference,
    `${what}: ${actual} vs ${expected}`,
  ).toBeLessThanOrEqual(toleranceNs);
}

describe.each(FORMATS)("import of every %s recording", (format) => {
  it("session bounds match the manifest", () => {
    const session = shown.get(format) as ShownSession;
    const bounds = expectedBounds(byFormat(format));
    const tolerance = format === "ulog" ? ULOG_TOLERANCE_NS : 0n;

    expect(bounds).not.toBeNull();
    const [start, end] = bounds as [bigint, bigint];
    expectWithin(session.min_timestamp_ns, start, tolerance, "min_timestamp_ns");
    expectWithin(session.max_timestamp_ns, end, tolerance, "max_timestamp_ns");
  });

  it("session holds every file and its device", () => {
    const session = shown.get(format) as ShownSession;
    const names = byFormat(format)
      .map((recording) => recording.name)
      .sort();

    expect(session.key).toBe(`recordings/${format}`);
    expect(session.device_ids).toEqual([`${format}_recorder`]);
    expect(session.files.map((view) => view.relative_path).sort()).toEqual(names);
  });

  it("only Unix-clock files bound the session", () => {
    const session = shown.get(format) as ShownSession;
    for (const recording of byFormat(format)) {
      const view = session.files.find((file) => file.relative_path === recording.name);
      const window = manifestUnixWindow(recording);
      if (window === null) {
        expect(view?.min_timestamp_ns, recording.name).toBeNull();
        expect(view?.max_timestamp_ns, recording.name).toBeNull();
      } else {
        expect(view?.min_timestamp_ns, recording.name).not.toBeNull();
      }
    }
  });

  it("broken files fail the import", () => {
    const result = imports.get(format) as CliResult;
    const broken = byFormat(format).filter((recording) => recording.broken);
    const files = (result.json() as ImportOutput).files;

    expect(result.code).toBe(broken.length > 0 ? 1 : 0);
    for (const file of files) {
      const recording = byFormat(format).find((entry) => entry.name === file.relative_path);
      expect(file.ingestion_status, file.relative_path).toBe(
        recording?.broken ? "failed" : "indexed",
      );
    }
    for (const recording of broken) {
      const file = files.find((entry) => entry.relative_path === recording.name);
      expect(result.stderr).toContain(
        `error: indexing ${recording.name} (${file?.file_id}) failed: ${file?.ingestion_error}`,
      );
    }
  });
});

describe("import of the whole set", () => {
  it("devices list one per format", async () => {
    const result = await runCli(["devices", "ls", "--json", "--org", api.orgId], apiEnv(api));

    expect(result.code).toBe(0);
    expect(
      (result.json() as Array<{ device_id: string }>).map((device) => device.device_id),
    ).toEqual(["mcap_recorder", "ros1-bag_recorder", "ulog_recorder"]);
  });

  it("sessions never start before 2000", () => {
    for (const session of shown.values()) {
      expect(session.min_timestamp_ns).toBeGreaterThan(946_684_800_000_000_000n);
    }
  });
});
