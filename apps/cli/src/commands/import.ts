import {
  ConflictError,
  type FileRecord,
  NotFoundError,
  type SessionRecord,
  type Sortie,
} from "@sortie/sdk";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { ReportedFailure, UsageError } from "../errors.js";
import { collectLocalFiles } from "../import/local-files.js";
import { fillSession, type SessionTarget } from "../import/session-target.js";
import { uploadFiles } from "../import/upload.js";
import { waitForIndexing } from "../import/wait-for-indexing.js";
import { parsePositiveInteger } from "../input/values.js";
import { FILE_COLUMNS, sessionFields } from "../output/records.js";
import { renderFields, renderTable } from "../output/table.js";
import type { ContextFactory } from "../program.js";

/** How long an import waits for indexing when `--timeout` is not given, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 600;

interface ImportOptions {
  dataset?: string;
  device?: string;
  session?: string;
  sessionId?: string;
  sessionKey?: string;
  timeout?: number;
}

/** Registers `sortie import`. */
export function registerImportCommand(program: Command, contextOf: ContextFactory): void {
  program
    .command("import")
    .description(
      "upload recordings (files, or folders recursively), wait until they are indexed, and gather them in a session",
    )
    .argument("<paths...>", "recordings to upload: MCAP, ROS 1 bag, PX4 ULog, or folders of them")
    .option(
      "--dataset <dataset_id>",
      "dataset to upload into (default: a new dataset named after the import)",
    )
    .option(
      "--device <device_id>",
      "device that recorded the files; created when it does not exist",
    )
    .option("--session <name>", "create a new session with this name")
    .option("--session-id <session_id>", "add the files to this existing session")
    .option(
      "--session-key <key>",
      "add the files to the session of this key, creating it when there is none",
    )
    .option(
      "--timeout <seconds>",
      `how long to wait for indexing (default: ${DEFAULT_TIMEOUT_SECONDS})`,
      parsePositiveInteger,
    )
    .action(async (paths: string[], options: ImportOptions, command: Command) => {
      const context = contextOf(command);
      const target = sessionTargetOf(options);
      const localFiles = await collectLocalFiles(paths);
      const client = context.client();

      // Check the session to extend before uploading, so a wrong id leaves no
      // dataset or files behind.
      if (target?.kind === "extend") await client.sessions.retrieve(target.sessionId);
      if (options.device) await ensureDevice(client, options.device);
      const datasetId = await resolveDataset(client, options);

      const uploaded = await uploadFiles(
        context,
        client,
        { datasetId, deviceId: options.device },
        localFiles,
      );
      const timeoutMs = (options.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
      const files = await waitForIndexing(context, client, uploaded, timeoutMs);

      const fileIds = files.map((file) => file.file_id);
      const session = target
        ? await fillSession(client, target, fileIds, options.device)
        : undefined;

      printImport(context, datasetId, files, session?.toJSON());
      const failed = files.filter((file) => file.ingestion_status === "failed");
      for (const file of failed) {
        context.note(
          `error: indexing ${file.relative_path} (${file.file_id}) failed: ${file.ingestion_error ?? "no reason recorded"}`,
        );
      }
      if (failed.length > 0) {
        throw new ReportedFailure(`${failed.length} of ${files.length} files failed to index`);
      }
    });
}

function sessionTargetOf(options: ImportOptions): SessionTarget | undefined {
  if (options.sessionId !== undefined) {
    if (options.session !== undefined || options.sessionKey !== undefined) {
      throw new UsageError(
        "--session-id extends an existing session: give it without --session or --session-key",
      );
    }
    return { kind: "extend", sessionId: options.sessionId };
  }
  if (options.sessionKey !== undefined) {
    return { kind: "key", key: options.sessionKey, name: options.session };
  }
  if (options.session !== undefined) return { kind: "create", name: options.session };
  return undefined;
}

// The dataset given with --dataset, checked to exist before any upload, or a
// new one named after the session, else after the time of the import.
async function resolveDataset(client: Sortie, options: ImportOptions): Promise<string> {
  if (options.dataset) return (await client.datasets.retrieve(options.dataset)).dataset_id;

  const name = options.session ?? options.sessionKey ?? `import ${new Date().toISOString()}`;
  const dataset = await client.datasets.create({ name, device_id: options.device });
  return dataset.dataset_id;
}

// Creates the device unless it exists; another import creating it meanwhile is fine.
async function ensureDevice(client: Sortie, deviceId: string): Promise<void> {
  try {
    await client.devices.retrieve(deviceId);
    return;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  try {
    await client.devices.create({ device_id: deviceId });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}

function printImport(
  context: CommandContext,
  datasetId: string,
  files: FileRecord[],
  session: SessionRecord | undefined,
): void {
  context.output({ dataset_id: datasetId, files, session: session ?? null }, () => {
    const table = `dataset ${datasetId}\n\n${renderTable(FILE_COLUMNS, files)}`;
    if (!session)
      return `${table}\nNo session: give --session, --session-id or --session-key to gather the files in one.\n`;
    return `${table}\n${renderFields(sessionFields(session))}`;
  });
}
