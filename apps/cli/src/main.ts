#!/usr/bin/env node
import { run } from "./run.js";

// Setting exitCode instead of calling process.exit lets stdout drain first.
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
