/** Severity of a log line; `off` silences the client. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "off";

/** Destination of the client's log lines; `console` fits, and so do pino and winston. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

const ignore = () => {};

/**
 * Wraps a logger so that lines below `level` are dropped. Lines never hold
 * header values, so the API key does not reach a log.
 */
export function filterLogger(logger: Logger, level: LogLevel): Logger {
  const rank = RANK[level];
  return {
    debug: rank <= RANK.debug ? (message, fields) => logger.debug(message, fields) : ignore,
    info: rank <= RANK.info ? (message, fields) => logger.info(message, fields) : ignore,
    warn: rank <= RANK.warn ? (message, fields) => logger.warn(message, fields) : ignore,
    error: rank <= RANK.error ? (message, fields) => logger.error(message, fields) : ignore,
  };
}
