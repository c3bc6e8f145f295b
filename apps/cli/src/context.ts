import { Sortie, stringifyJson } from "@sortie/sdk";
import { UsageError } from "./errors.js";

/** Output streams and environment of a command: stdout for results, stderr for progress and errors. */
export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Options every command accepts, from the command line or the environment. */
export interface GlobalOptions {
  baseUrl?: string;
  apiKey?: string;
  org?: string;
  json?: boolean;
}

/** Dependencies of a command's action: the API client, the output format and the streams. */
export class CommandContext {
  readonly json: boolean;
  readonly streams: Streams;
  readonly #options: GlobalOptions;
  #client: Sortie | undefined;

  constructor(options: GlobalOptions, streams: Streams) {
    this.#options = options;
    this.json = options.json === true;
    this.streams = streams;
  }

  /** The org given with `--org` or `SORTIE_ORG_ID`, if any. */
  get orgId(): string | undefined {
    return this.#options.org;
  }

  /** Whether stderr is a terminal, where progress bars may redraw lines. */
  get interactive(): boolean {
    return this.streams.stderr.isTTY === true;
  }

  /** Returns the API client, made on first use so that commands without API calls need no key. */
  client(): Sortie {
    if (this.#client) return this.#client;
    if (!this.#options.apiKey) {
      throw new UsageError(
        "missing API key: pass --api-key or set SORTIE_API_KEY (sortie serve prints the first admin key on first start)",
      );
    }
    this.#client = new Sortie({
      baseUrl: this.#options.baseUrl,
      apiKey: this.#options.apiKey,
      orgId: this.#options.org,
      logLevel: "warn",
      logger: stderrLogger(this.streams.stderr),
    });
    return this.#client;
  }

  /** Writes a result: `value` as int64-exact JSON with `--json`, else the text `human` returns. */
  output(value: unknown, human: () => string): void {
    if (this.json) this.printJson(value);
    else this.streams.stdout.write(human());
  }

  /** Writes `value` as int64-exact JSON on stdout. */
  printJson(value: unknown): void {
    this.streams.stdout.write(`${stringifyJson(value, 2)}\n`);
  }

  /** Writes a status line for people on stderr. */
  note(line: string): void {
    this.streams.stderr.write(`${line}\n`);
  }
}

function stderrLogger(stderr: NodeJS.WritableStream) {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    stderr.write(`${level}: ${message}${fields ? ` ${stringifyJson(fields)}` : ""}\n`);
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warning"),
    error: write("error"),
  };
}
