import type { SessionFileInput, SessionUpdateInput } from "@sortie/sdk";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import {
  collect,
  collectText,
  parseAssignment,
  parseTimestampNs,
  toObject,
} from "../input/values.js";
import type { ContextFactory } from "../program.js";
import { printSession } from "./shared.js";

type Assignment = [string, unknown];

interface CreateOptions {
  name?: string;
  description?: string;
  key?: string;
  tag?: string[];
  metadata?: Assignment[];
  field?: Assignment[];
  device?: string[];
  file?: string[];
}

interface UpdateOptions {
  name?: string;
  clearName?: boolean;
  description?: string;
  clearDescription?: boolean;
  addTag?: string[];
  removeTag?: string[];
  metadata?: Assignment[];
  removeMetadata?: string[];
  field?: Assignment[];
  clearField?: string[];
  ifMatch?: string;
}

/** Registers the `sortie sessions` commands that write. */
export function registerSessionWriteCommands(sessions: Command, contextOf: ContextFactory): void {
  sessions
    .command("create")
    .description("create a session")
    .option("--name <name>", "name, up to 120 characters")
    .option("--description <text>", "description")
    .option("--key <key>", "unique key of the session in the org, such as flight-42")
    .option("--tag <tag>", "tag (repeatable)", collectText)
    .option(
      "--metadata <path=value>",
      "metadata value; dots in the path nest objects (repeatable)",
      collect(parseAssignment),
    )
    .option(
      "--field <name=value>",
      "value of a ready custom field (repeatable)",
      collect(parseAssignment),
    )
    .option("--device <device_id>", "device to attach (repeatable)", collectText)
    .option(
      "--file <file_id>",
      "file to add as a whole-file contribution (repeatable)",
      collectText,
    )
    .action(async (options: CreateOptions, command: Command) => {
      const context = contextOf(command);
      const session = await context.client().sessions.create({
        name: options.name,
        description: options.description,
        key: options.key,
        tags: options.tag,
        metadata: nestByDots(options.metadata ?? []),
        custom_fields: toObject(options.field ?? []),
        device_ids: options.device,
        files: (options.file ?? []).map((fileId) => ({ file_id: fileId })),
      });
      printSession(context, session);
    });

  sessions
    .command("update")
    .description("change a session's name, description, tags, metadata and custom fields")
    .argument("<session_id>", "id of the session")
    .option("--name <name>", "new name")
    .option("--clear-name", "remove the name")
    .option("--description <text>", "new description")
    .option("--clear-description", "remove the description")
    .option("--add-tag <tag>", "tag to add (repeatable)", collectText)
    .option("--remove-tag <tag>", "tag to remove (repeatable)", collectText)
    .option(
      "--metadata <path=value>",
      "metadata value to set by dot path (repeatable)",
      collect(parseAssignment),
    )
    .option("--remove-metadata <path>", "metadata to remove by dot path (repeatable)", collectText)
    .option(
      "--field <name=value>",
      "custom field value to set (repeatable)",
      collect(parseAssignment),
    )
    .option("--clear-field <name>", "custom field value to clear (repeatable)", collectText)
    .option("--if-match <etag>", "apply only if the session's ETag still matches")
    .action(async (sessionId: string, options: UpdateOptions, command: Command) => {
      const context = contextOf(command);
      const update = buildUpdate(options);
      const session = await context
        .client()
        .sessions.update(sessionId, update, options.ifMatch ? { ifMatch: options.ifMatch } : {});
      printSession(context, session);
    });

  sessions
    .command("add-files")
    .description("add files to a session, whole or clipped to --start and --end")
    .argument("<session_id>", "id of the session")
    .argument("<file_id...>", "ids of the files")
    .option(
      "--start <time>",
      "start of the clipped window: ns since the Unix epoch or RFC 3339",
      parseTimestampNs,
    )
    .option("--end <time>", "end of the clipped window, inclusive", parseTimestampNs)
    .action(
      async (
        sessionId: string,
        fileIds: string[],
        options: { start?: bigint; end?: bigint },
        command: Command,
      ) => {
        const context = contextOf(command);
        if ((options.start === undefined) !== (options.end === undefined)) {
          throw new UsageError("give --start and --end together, or neither for whole files");
        }
        const files: SessionFileInput[] = fileIds.map((fileId) =>
          options.start === undefined
            ? { file_id: fileId }
            : {
                file_id: fileId,
                range_min_timestamp_ns: options.start,
                range_max_timestamp_ns: options.end,
              },
        );
        printSession(context, await context.client().sessions.addFiles(sessionId, { files }));
      },
    );

  sessions
    .command("remove-files")
    .description("remove every contribution of files from a session")
    .argument("<session_id>", "id of the session")
    .argument("<file_id...>", "ids of the files")
    .action(async (sessionId: string, fileIds: string[], _options: unknown, command: Command) => {
      const context = contextOf(command);
      const session = await context.client().sessions.removeFiles(sessionId, { file_ids: fileIds });
      printSession(context, session);
    });

  sessions
    .command("attach")
    .description("attach a device to a session")
    .argument("<session_id>", "id of the session")
    .argument("<device_id>", "id of the device")
    .action(async (sessionId: string, deviceId: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      const session = await context
        .client()
        .sessions.attachDevice(sessionId, { device_id: deviceId });
      printSession(context, session);
    });

  sessions
    .command("detach")
    .description("detach a device from a session")
    .argument("<session_id>", "id of the session")
    .argument("<device_id>", "id of the device")
    .action(async (sessionId: string, deviceId: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      const session = await context
        .client()
        .sessions.detachDevice(sessionId, { device_id: deviceId });
      printSession(context, session);
    });
}

function buildUpdate(options: UpdateOptions): SessionUpdateInput {
  if (options.name !== undefined && options.clearName) {
    throw new UsageError("give --name or --clear-name, not both");
  }
  if (options.description !== undefined && options.clearDescription) {
    throw new UsageError("give --description or --clear-description, not both");
  }

  const update: SessionUpdateInput = {};
  if (options.name !== undefined) update.name = options.name;
  if (options.clearName) update.name = null;
  if (options.description !== undefined) update.description = options.description;
  if (options.clearDescription) update.description = null;

  const metadataChangeset = {
    ...(options.addTag ? { put_tags: options.addTag } : {}),
    ...(options.removeTag ? { remove_tags: options.removeTag } : {}),
    ...(options.metadata ? { put_fields: toObject(options.metadata) } : {}),
    ...(options.removeMetadata ? { remove_fields: options.removeMetadata } : {}),
  };
  if (Object.keys(metadataChangeset).length > 0) update.metadata_changeset = metadataChangeset;

  const fieldsChangeset = {
    ...(options.field ? { set_fields: toObject(options.field) } : {}),
    ...(options.clearField ? { clear_fields: options.clearField } : {}),
  };
  if (Object.keys(fieldsChangeset).length > 0) update.custom_fields_changeset = fieldsChangeset;

  if (Object.keys(update).length === 0) {
    throw new UsageError(
      "nothing to update: give at least one of --name, --description, --add-tag, --remove-tag, --metadata, --remove-metadata, --field, --clear-field (or their --clear- forms)",
    );
  }
  return update;
}

// Builds the metadata object of a new session from dot paths: `camera.iso=400`
// becomes {"camera": {"iso": 400}}, as an update's put_fields would nest it.
function nestByDots(assignments: readonly Assignment[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of assignments) {
    const segments = path.split(".");
    let target = root;
    for (const segment of segments.slice(0, -1)) {
      const next = Object.hasOwn(target, segment) ? target[segment] : undefined;
      if (typeof next !== "object" || next === null || Array.isArray(next)) {
        setOwn(target, segment, {});
      }
      target = target[segment] as Record<string, unknown>;
    }
    setOwn(target, segments[segments.length - 1] as string, value);
  }
  return root;
}

// An own property even for `__proto__`, which plain assignment would treat as the prototype.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
