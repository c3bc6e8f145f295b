/**
 * The structured logger the app writes to; pino's interface, so the Node
 * entry passes a pino logger and other runtimes any object of this shape.
 */
export interface Logger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
  child(fields: Record<string, unknown>): Logger;
}

/** A logger that drops everything; for tests and benchmarks. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/** Creates a logger that writes one JSON line per entry with `console`, for runtimes without pino. */
export function consoleJsonLogger(base: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (fields: Record<string, unknown>, message?: string) => {
    console.log(
      JSON.stringify({ level, time: new Date().toISOString(), ...base, ...fields, msg: message }),
    );
  };
  return {
    debug: () => {},
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (fields) => consoleJsonLogger({ ...base, ...fields }),
  };
}
