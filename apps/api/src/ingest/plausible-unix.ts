/** 2000-01-01T00:00:00Z in nanoseconds since the Unix epoch. */
export const PLAUSIBLE_UNIX_START_NS = 946_684_800_000_000_000n;

/** 2100-01-01T00:00:00Z in nanoseconds since the Unix epoch. */
export const PLAUSIBLE_UNIX_END_NS = 4_102_444_800_000_000_000n;

/**
 * Tells whether a recording window in nanoseconds can be Unix time. Writers
 * also stamp messages with time since boot or a simulation clock, which
 * start near 0. A window before 2000-01-01 is such a relative clock, and a
 * window reaching 2100 or later is garbage. Neither may place a session in
 * absolute time.
 */
export function isPlausibleUnixWindow(startNs: bigint, endNs: bigint): boolean {
  return startNs >= PLAUSIBLE_UNIX_START_NS && endNs < PLAUSIBLE_UNIX_END_NS;
}
