const NS_PER_SECOND = 1_000_000_000n;
const SUB_SECOND_UNITS: ReadonlyArray<[string, bigint]> = [
  ["µs", 1_000n],
  ["ms", 1_000_000n],
];

/** Divides and rounds half up; both operands are non-negative. */
function roundedDivision(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator / 2n) / denominator;
}

function withTenth(tenths: bigint): string {
  return `${tenths / 10n}.${tenths % 10n}`;
}

/**
 * Formats a duration in nanoseconds for people: `850ns`, `1.5µs`, `12.3ms`,
 * `4.0s`, `19m 52.9s`, `2h 0m 3.0s`, `3d 4h 5m 6.0s`. Computed with bigint, so
 * any 64-bit duration is exact up to the rounding to one decimal.
 */
export function formatDuration(ns: bigint): string {
  if (ns < 0n) return `-${formatDuration(-ns)}`;
  if (ns < 1_000n) return `${ns}ns`;

  for (const [unit, size] of SUB_SECOND_UNITS) {
    const tenths = roundedDivision(ns * 10n, size);
    if (tenths < 10_000n) return `${withTenth(tenths)}${unit}`;
  }

  const totalTenths = roundedDivision(ns * 10n, NS_PER_SECOND);
  const seconds = totalTenths % 600n;
  const totalMinutes = totalTenths / 600n;
  const minutes = totalMinutes % 60n;
  const hours = (totalMinutes / 60n) % 24n;
  const days = totalMinutes / 1_440n;

  const secondsText = `${withTenth(seconds)}s`;
  if (days > 0n) return `${days}d ${hours}h ${minutes}m ${secondsText}`;
  if (hours > 0n) return `${hours}h ${minutes}m ${secondsText}`;
  if (minutes > 0n) return `${minutes}m ${secondsText}`;
  return secondsText;
}
