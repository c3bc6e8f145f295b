import { isInt64 } from "./int64.js";

const NS_PER_MS = 1_000_000n;

// Date-time with a mandatory offset (RFC 3339, section 5.6) and up to nine
// fractional digits. An offset's hours run from 00 to 23 and its minutes from
// 00 to 59. parseRfc3339Ns checks the date and time fields against the calendar.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * Parses an RFC 3339 date-time with an offset into nanoseconds since the Unix
 * epoch, keeping all nine fractional digits. Returns `undefined` for text that
 * is not such a date-time or lies outside the 64-bit range. A leap second
 * (`:60`) is rejected too, because Unix time has no instant for it.
 */
export function parseRfc3339Ns(text: string): bigint | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;

  const [, year, month, day, hour, minute, second, fraction = "", offset = "Z"] = match;
  const wholeSeconds = `${year}-${month}-${day}T${hour}:${minute}:${second}Z`;
  const ms = Date.parse(wholeSeconds);
  if (Number.isNaN(ms)) return undefined;

  // Date.parse accepts day 31 of a 30-day month by rolling over; reject it.
  if (new Date(ms).toISOString().slice(0, 19) !== wholeSeconds.slice(0, 19)) return undefined;

  let ns = BigInt(ms) * NS_PER_MS + BigInt(fraction.padEnd(9, "0"));
  if (offset !== "Z" && offset !== "z") {
    const sign = offset.startsWith("-") ? -1n : 1n;
    const offsetMinutes = BigInt(Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
    ns -= sign * offsetMinutes * 60n * 1_000_000_000n;
  }
  return isInt64(ns) ? ns : undefined;
}

/**
 * Formats nanoseconds since the Unix epoch as an RFC 3339 UTC string with as
 * many fractional digits as the value needs, at most nine. Every 64-bit value
 * (years 1677 to 2262) fits the four-digit year of the format.
 */
export function formatRfc3339Ns(ns: bigint): string {
  let ms = ns / NS_PER_MS;
  let subMs = ns % NS_PER_MS;
  if (subMs < 0n) {
    subMs += NS_PER_MS;
    ms -= 1n;
  }

  const iso = new Date(Number(ms)).toISOString();
  const fraction = `${iso.slice(20, 23)}${subMs.toString().padStart(6, "0")}`.replace(/0+$/, "");
  return fraction ? `${iso.slice(0, 19)}.${fraction}Z` : `${iso.slice(0, 19)}Z`;
}

/** Formats milliseconds since the Unix epoch as the RFC 3339 UTC text of `created`/`modified`. */
export function formatRfc3339Ms(ms: number): string {
  return new Date(ms).toISOString();
}
