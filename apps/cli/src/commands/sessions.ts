import { parseJson, type QueryCondition } from "@sortie/sdk";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { UsageError } from "../errors.js";
import { parsePositiveInteger } from "../input/values.js";
import { CONTRIBUTION_COLUMNS, SESSION_COLUMNS, sessionFields } from "../output/records.js";
import { renderFields, renderTable } from "../output/table.js";
import type { ContextFactory } from "../program.js";
import { registerSessionWriteCommands } from "./session-writes.js";
import { DEFAULT_LIST_LIMIT, pageSizeFor, take } from "./shared.js";

/** Registers `sortie sessions …`. */
export function registerSessionCommands(program: Command, contextOf: ContextFactory): void {
  const sessions = program
    .command("sessions")
    .description("list, show, create, change and delete sessions");

  sessions
    .command("ls")
    .description("list sessions, newest first")
    .option("--device <device_id>", "only sessions the device is attached to")
    .option("--dataset <dataset_id>", "only sessions holding a file of the dataset")
    .option(
      "--limit <n>",
      `maximum number of sessions to print (default: ${DEFAULT_LIST_LIMIT})`,
      parsePositiveInteger,
    )
    .action(
      async (options: { device?: string; dataset?: string; limit?: number }, command: Command) => {
        const context = contextOf(command);
        if (options.device && options.dataset) {
          throw new UsageError("give --device or --dataset, not both");
        }
        const client = context.client();
        const limit = options.limit ?? DEFAULT_LIST_LIMIT;
        const page = { limit: pageSizeFor(limit) };
        const listing = options.device
          ? client.devices.listSessions(options.device, page)
          : options.dataset
            ? client.datasets.listSessions(options.dataset, page)
            : client.sessions.list(page);

        const records = await take(listing, limit);
        context.output(records, () => renderTable(SESSION_COLUMNS, records));
      },
    );

  sessions
    .command("show")
    .description("show a session with its devices and file contributions")
    .argument("[session_id]", "id of the session")
    .option("--key <key>", "find the session by its key instead of its id")
    .action(async (sessionId: string | undefined, options: { key?: string }, command: Command) => {
      const context = contextOf(command);
      if ((sessionId === undefined) === (options.key === undefined)) {
        throw new UsageError("give a session id or --key KEY, not both");
      }
      const client = context.client();
      const session = options.key
        ? await client.sessions.retrieveByKey(options.key)
        : await client.sessions.retrieve(sessionId as string);
      const deviceIds = await session.listDevices({ limit: 1000 }).toArray();
      const files = await session.listFiles({ limit: 1000 }).toArray();

      const etag = session.etag ?? null;
      context.output({ ...session.toJSON(), etag, device_ids: deviceIds, files }, () => {
        const fields = renderFields([
          ...sessionFields(session.toJSON(), deviceIds),
          ["etag", etag ?? "-"],
        ]);
        if (files.length === 0) return `${fields}\nNo file contributions.\n`;
        return `${fields}\n${renderTable(CONTRIBUTION_COLUMNS, files)}`;
      });
    });

  sessions
    .command("rm")
    .description("delete sessions; their files and devices remain")
    .argument("<session_id...>", "ids of the sessions")
    .action(async (sessionIds: string[], _options: unknown, command: Command) => {
      const context = contextOf(command);
      const client = context.client();
      for (const sessionId of sessionIds) {
        await client.sessions.delete(sessionId);
        if (!context.json) context.streams.stdout.write(`deleted ${sessionId}\n`);
      }
      if (context.json) context.printJson({ deleted: sessionIds });
    });

  sessions
    .command("query")
    .description(
      "find sessions by a query such as \"tags CONTAINS 'night' AND start_time >= '2026-04-23T00:00:00Z'\"",
    )
    .argument("[query]", "query string")
    .option(
      "--condition <json>",
      "the condition as a JSON tree instead of a query string",
      parseCondition,
    )
    .option("--sort-by <field>", "field to sort by (default: created)")
    .option("--order <order>", "asc or desc (default: desc)")
    .option(
      "--limit <n>",
      `maximum number of sessions to print (default: ${DEFAULT_LIST_LIMIT})`,
      parsePositiveInteger,
    )
    .action(
      async (
        query: string | undefined,
        options: { condition?: QueryCondition; sortBy?: string; order?: string; limit?: number },
        command: Command,
      ) => {
        const context = contextOf(command);
        if ((query === undefined) === (options.condition === undefined)) {
          throw new UsageError("give a query string or --condition JSON, not both");
        }
        // NOTE: no test runs this against a server yet, because the API does not serve
        // POST /v1/sessions/query yet; only its usage errors are tested.
        const limit = options.limit ?? DEFAULT_LIST_LIMIT;
        const listing = context.client().sessions.query({
          ...(query === undefined ? {} : { query }),
          ...(options.condition === undefined ? {} : { condition: options.condition }),
          ...(options.sortBy === undefined ? {} : { sort_by: options.sortBy }),
          ...(options.order === undefined ? {} : { sort_direction: options.order }),
          limit: pageSizeFor(limit),
        });

        const records = await take(listing, limit);
        context.output(records, () => renderTable(SESSION_COLUMNS, records));
      },
    );

  registerSessionWriteCommands(sessions, contextOf);
}

function parseCondition(text: string): QueryCondition {
  let value: unknown;
  try {
    // The int64-exact parser keeps nanosecond values past 2^53 exact.
    value = parseJson(text);
  } catch {
    throw new InvalidArgumentError(
      'expected a JSON object such as {"field": "tags", "comparator": "CONTAINS", "value": "night"}.',
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError("expected a JSON object, not an array or a single value.");
  }
  // The SDK checks the tree before sending it.
  return value as QueryCondition;
}
