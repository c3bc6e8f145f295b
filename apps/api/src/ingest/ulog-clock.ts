import {
  isPlausibleUnixWindow,
  PLAUSIBLE_UNIX_END_NS,
  PLAUSIBLE_UNIX_START_NS,
} from "./plausible-unix.js";

/** PX4 message with the vehicle's GPS position, whose `time_utc_usec` is the receiver's UTC time. */
export const GPS_POSITION_MESSAGE = "vehicle_gps_position";

/** Field of `GPS_POSITION_MESSAGE` with UTC time in microseconds since the Unix epoch; 0 until the receiver has a fix. */
export const GPS_UTC_FIELD = "time_utc_usec";

/**
 * Collects the first GPS sample with a valid fix time of each GPS instance,
 * to tie the log's boot clock to UTC. A fix time is valid when the sample's
 * boot timestamp is non-zero and its UTC time is plausible Unix time.
 */
export class GpsFixClock {
  readonly #firstFixByInstance = new Map<number, { bootUs: bigint; utcUs: bigint }>();

  /** Considers one GPS sample: boot timestamp and UTC time, both in microseconds. */
  addSample(multiId: number, bootUs: bigint, utcUs: bigint): void {
    if (this.#firstFixByInstance.has(multiId) || bootUs === 0n) return;

    const utcNs = utcUs * 1000n;
    if (utcNs < PLAUSIBLE_UNIX_START_NS || utcNs >= PLAUSIBLE_UNIX_END_NS) return;
    this.#firstFixByInstance.set(multiId, { bootUs, utcUs });
  }

  /**
   * Returns the boot-to-UTC offset in nanoseconds from the lowest GPS
   * instance with a fix: its UTC time minus its boot timestamp. Returns
   * `undefined` when no sample had a valid fix time.
   */
  bootToUtcOffsetNs(): bigint | undefined {
    const instances = [...this.#firstFixByInstance.keys()].sort((a, b) => a - b);
    const fix = instances[0] === undefined ? undefined : this.#firstFixByInstance.get(instances[0]);
    return fix === undefined ? undefined : (fix.utcUs - fix.bootUs) * 1000n;
  }
}

/**
 * Returns the offset from a ULog's boot clock to Unix time for its window
 * `[startNs, endNs]` (boot time in nanoseconds).
 *
 * Some PX4 builds (SITL in particular) stamp messages with wall-clock time,
 * so a window that is already plausible Unix time gets `0n`. Otherwise the
 * GPS offset is used when it places the window in plausible Unix time, and
 * the window stays relative (`null`) without it. The info key `time_ref_utc`
 * is a timezone offset in seconds, not a time, so it plays no part.
 */
export function ulogClockOffsetNs(
  startNs: bigint,
  endNs: bigint,
  gpsOffsetNs: bigint | undefined,
): bigint | null {
  if (isPlausibleUnixWindow(startNs, endNs)) return 0n;
  if (gpsOffsetNs === undefined) return null;
  return isPlausibleUnixWindow(startNs + gpsOffsetNs, endNs + gpsOffsetNs) ? gpsOffsetNs : null;
}
