import { parseRfc3339Ns } from "@sortie/domain";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { KEY_COLUMNS } from "../output/records.js";
import { renderFields, renderTable } from "../output/table.js";
import type { ContextFactory } from "../program.js";

/** Registers `sortie keys …`. */
export function registerKeyCommands(program: Command, contextOf: ContextFactory): void {
  const keys = program.command("keys").description("create, list and revoke your API keys");

  keys
    .command("create")
    .description("create an API key for your user; its secret is printed once")
    .argument("<name>", "name of the key, such as ci")
    .option(
      "--expires <time>",
      "expiry as an RFC 3339 date-time, such as 2027-01-01T00:00:00Z",
      parseExpiry,
    )
    .action(async (name: string, options: { expires?: string }, command: Command) => {
      const context = contextOf(command);
      const key = await context.client().keys.create({ name, expires: options.expires });
      context.output(key, () => {
        const fields = renderFields([
          ["key_id", key.key_id],
          ["name", key.name],
          ["expires", key.expires ?? "never"],
          ["secret", key.secret],
        ]);
        return `${fields}\nStore the secret now: the API keeps only its hash and cannot show it again.\n`;
      });
    });

  keys
    .command("ls")
    .description("list your API keys, newest first")
    .action(async (_options: unknown, command: Command) => {
      const context = contextOf(command);
      const records = await context.client().keys.list().toArray();
      context.output(records, () => renderTable(KEY_COLUMNS, records));
    });

  keys
    .command("rm")
    .description("revoke API keys")
    .argument("<key_id...>", "ids of the keys")
    .action(async (keyIds: string[], _options: unknown, command: Command) => {
      const context = contextOf(command);
      const client = context.client();
      for (const keyId of keyIds) {
        await client.keys.delete(keyId);
        if (!context.json) context.streams.stdout.write(`revoked ${keyId}\n`);
      }
      if (context.json) context.printJson({ revoked: keyIds });
    });
}

function parseExpiry(text: string): string {
  if (parseRfc3339Ns(text) === undefined) {
    throw new InvalidArgumentError(
      "expected an RFC 3339 date-time with an offset, such as 2027-01-01T00:00:00Z.",
    );
  }
  return text;
}
