import { Command, Option } from "commander";
import { registerCustomFieldCommands } from "./commands/custom-fields.js";
import { registerDeviceCommands } from "./commands/devices.js";
import { registerImportCommand } from "./commands/import.js";
import { registerKeyCommands } from "./commands/keys.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerSessionCommands } from "./commands/sessions.js";
import { CommandContext, type GlobalOptions, type Streams } from "./context.js";

/** Version printed by `sortie --version`. */
export const CLI_VERSION = "0.1.0";

/** Builds a command's context from the options of the command line and the environment. */
export type ContextFactory = (command: Command) => CommandContext;

/**
 * Builds the `sortie` program. Errors of the command line become thrown
 * CommanderErrors instead of exiting, so that the caller picks the exit status.
 */
export function createProgram(streams: Streams): Command {
  const program = new Command("sortie")
    .description(
      "Serve the Sortie API, import robotics recordings into sessions, and manage sessions, devices, custom fields and API keys.",
    )
    .version(CLI_VERSION)
    .addOption(
      new Option("--base-url <url>", "URL of the Sortie API (default: http://127.0.0.1:8080)").env(
        "SORTIE_BASE_URL",
      ),
    )
    .addOption(new Option("--api-key <key>", "API key to authenticate with").env("SORTIE_API_KEY"))
    .addOption(
      new Option(
        "--org <org_id>",
        "org to act in; needed when your user belongs to several orgs",
      ).env("SORTIE_ORG_ID"),
    )
    .option("--json", "print results as JSON, with every *_ns value as an exact integer")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
    })
    .showHelpAfterError("(run the command with --help for usage)");

  const contextOf: ContextFactory = (command) =>
    new CommandContext(command.optsWithGlobals<GlobalOptions>(), streams);

  registerServeCommand(program, contextOf);
  registerImportCommand(program, contextOf);
  registerSessionCommands(program, contextOf);
  registerDeviceCommands(program, contextOf);
  registerCustomFieldCommands(program, contextOf);
  registerKeyCommands(program, contextOf);
  return program;
}
