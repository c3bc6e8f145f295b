import {
  ENTITY_TYPES,
  type EntityType,
  FIELD_STATUSES,
  FIELD_TYPES,
  type FieldStatus,
  type FieldType,
} from "@sortie/domain";
import type { CustomFieldRecord } from "@sortie/sdk";
import { type Command, Option } from "commander";
import { UsageError } from "../errors.js";
import { collectText, parsePositiveInteger } from "../input/values.js";
import { FIELD_COLUMNS } from "../output/records.js";
import { renderTable } from "../output/table.js";
import type { ContextFactory } from "../program.js";
import { DEFAULT_LIST_LIMIT, pageSizeFor, take } from "./shared.js";

interface CreateOptions {
  type: FieldType;
  entityType: EntityType;
  enumValue?: string[];
  displayName?: string;
  description?: string;
  wait: boolean;
}

/** Registers `sortie custom-fields …`. */
export function registerCustomFieldCommands(program: Command, contextOf: ContextFactory): void {
  const fields = program
    .command("custom-fields")
    .description("list, create and delete the org's typed custom fields");

  fields
    .command("ls")
    .description("list custom fields by name")
    .addOption(
      new Option("--entity-type <type>", "only fields of this entity type").choices(ENTITY_TYPES),
    )
    .addOption(
      new Option("--status <status...>", "only fields in these statuses").choices(FIELD_STATUSES),
    )
    .option(
      "--limit <n>",
      `maximum number of fields to print (default: ${DEFAULT_LIST_LIMIT})`,
      parsePositiveInteger,
    )
    .action(
      async (
        options: { entityType?: EntityType; status?: FieldStatus[]; limit?: number },
        command: Command,
      ) => {
        const context = contextOf(command);
        const limit = options.limit ?? DEFAULT_LIST_LIMIT;
        const listing = context.client().customFields.list({
          entity_type: options.entityType,
          statuses: options.status,
          limit: pageSizeFor(limit),
        });
        const records = await take(listing, limit);
        context.output(records, () => renderTable(FIELD_COLUMNS, records));
      },
    );

  fields
    .command("create")
    .description("define a custom field and wait until it is ready (org admins only)")
    .argument("<name>", "field name: lower-case letters, digits and '_', starting with a letter")
    .addOption(
      new Option("--type <type>", "type of the values").choices(FIELD_TYPES).makeOptionMandatory(),
    )
    .addOption(
      new Option("--entity-type <type>", "entity the field describes")
        .choices(ENTITY_TYPES)
        .default("session"),
    )
    .option(
      "--enum-value <value>",
      "allowed value of an enum field (repeatable, required for enum)",
      collectText,
    )
    .option("--display-name <text>", "name shown to people, up to 128 characters")
    .option("--description <text>", "description, up to 256 characters")
    .option("--no-wait", "return at once, while the field is still 'creating'")
    .action(async (name: string, options: CreateOptions, command: Command) => {
      const context = contextOf(command);
      if (options.type === "enum" && !options.enumValue?.length) {
        throw new UsageError("an enum field needs its values: give --enum-value once per value");
      }
      if (options.type !== "enum" && options.enumValue?.length) {
        throw new UsageError(
          `--enum-value applies only to --type enum, not to --type ${options.type}`,
        );
      }
      const client = context.client();
      let field: CustomFieldRecord = await client.customFields.create({
        entity_type: options.entityType,
        field_name: name,
        field_type: options.type,
        display_name: options.displayName,
        description: options.description,
        ...(options.enumValue
          ? { options: { field_type: "enum", enum_values: options.enumValue } }
          : {}),
      });
      if (options.wait) field = await client.customFields.waitUntilReady(field.field_id);
      context.output(field, () => renderTable(FIELD_COLUMNS, [field]));
    });

  fields
    .command("rm")
    .description(
      "delete custom fields and their values (org admins only); names are free again once deleted",
    )
    .argument("<field_id...>", "ids of the fields")
    .action(async (fieldIds: string[], _options: unknown, command: Command) => {
      const context = contextOf(command);
      const client = context.client();
      const deleting: CustomFieldRecord[] = [];
      for (const fieldId of fieldIds) deleting.push(await client.customFields.delete(fieldId));
      context.output(deleting, () => renderTable(FIELD_COLUMNS, deleting));
    });
}
