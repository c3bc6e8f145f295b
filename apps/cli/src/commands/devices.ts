import type { Command } from "commander";
import { UsageError } from "../errors.js";
import {
  collect,
  collectText,
  parseAssignment,
  parsePositiveInteger,
  toObject,
} from "../input/values.js";
import { DEVICE_COLUMNS } from "../output/records.js";
import { renderFields, renderTable } from "../output/table.js";
import type { ContextFactory } from "../program.js";
import { DEFAULT_LIST_LIMIT, pageSizeFor, take } from "./shared.js";

/** Registers `sortie devices …`. */
export function registerDeviceCommands(program: Command, contextOf: ContextFactory): void {
  const devices = program.command("devices").description("list, create and delete devices");

  devices
    .command("ls")
    .description("list the devices of the org by id")
    .option(
      "--limit <n>",
      `maximum number of devices to print (default: ${DEFAULT_LIST_LIMIT})`,
      parsePositiveInteger,
    )
    .action(async (options: { limit?: number }, command: Command) => {
      const context = contextOf(command);
      if (!context.orgId) {
        throw new UsageError(
          "devices ls needs the org id, because the API lists devices per org: pass --org or set SORTIE_ORG_ID",
        );
      }
      const limit = options.limit ?? DEFAULT_LIST_LIMIT;
      const records = await take(
        context.client().devices.list({ limit: pageSizeFor(limit) }),
        limit,
      );
      context.output(records, () => renderTable(DEVICE_COLUMNS, records));
    });

  devices
    .command("create")
    .description("create a device")
    .argument("[device_id]", "id of the device, such as robot_001 (default: a generated dv_ id)")
    .option("--name <name>", "name, up to 120 characters")
    .option("--tag <tag>", "tag (repeatable)", collectText)
    .option("--metadata <key=value>", "metadata value (repeatable)", collect(parseAssignment))
    .action(
      async (
        deviceId: string | undefined,
        options: { name?: string; tag?: string[]; metadata?: [string, unknown][] },
        command: Command,
      ) => {
        const context = contextOf(command);
        const device = await context.client().devices.create({
          device_id: deviceId,
          name: options.name,
          tags: options.tag,
          metadata: toObject(options.metadata ?? []),
        });
        context.output(device, () =>
          renderFields([
            ["device_id", device.device_id],
            ["name", device.name ?? "-"],
            ["tags", device.tags.join(", ") || "-"],
            ["created", `${device.created} by ${device.created_by}`],
          ]),
        );
      },
    );

  devices
    .command("rm")
    .description("delete devices; they are detached from their sessions, which remain")
    .argument("<device_id...>", "ids of the devices")
    .action(async (deviceIds: string[], _options: unknown, command: Command) => {
      const context = contextOf(command);
      const client = context.client();
      for (const deviceId of deviceIds) {
        await client.devices.delete(deviceId);
        if (!context.json) context.streams.stdout.write(`deleted ${deviceId}\n`);
      }
      if (context.json) context.printJson({ deleted: deviceIds });
    });
}
