import { SingleBar } from "cli-progress";

/** Progress shown while an import runs: a bar on a terminal, nothing otherwise. */
export interface Progress {
  advance(amount: number, payload?: Record<string, string>): void;
  stop(): void;
}

const SILENT: Progress = { advance() {}, stop() {} };

/**
 * Starts a progress bar on `stream` when it is a terminal. `format` uses
 * cli-progress tokens such as `{bar}`, `{percentage}`, `{value}`, `{total}`
 * and the keys of `payload`.
 */
export function startProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  format: string,
  total: number,
  payload: Record<string, string> = {},
): Progress {
  if (stream.isTTY !== true) return SILENT;

  const bar = new SingleBar({
    format,
    stream,
    hideCursor: true,
    clearOnComplete: false,
    barsize: 30,
  });
  bar.start(total, 0, payload);
  return {
    advance: (amount, update) => bar.increment(amount, update),
    stop: () => bar.stop(),
  };
}

/** Formats a byte count with a binary unit: `512 B`, `1.5 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
