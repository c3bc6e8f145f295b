import type { Streams } from "./context.js";
import { describeError, EXIT, exitCodeOf } from "./errors.js";
import { createProgram } from "./program.js";

/** Runs the command line `args` (without `node` and the script) and returns the exit status. */
export async function run(args: readonly string[], streams: Streams): Promise<number> {
  const program = createProgram(streams);
  try {
    await program.parseAsync([...args], { from: "user" });
    return EXIT.ok;
  } catch (error) {
    for (const line of describeError(error)) streams.stderr.write(`${line}\n`);
    return exitCodeOf(error);
  }
}
