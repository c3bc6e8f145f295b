import { formatRfc3339Ms, parseJson, stringifyJson } from "@sortie/domain";

/** Reads a tags column. */
export function readTags(text: string | unknown): string[] {
  const value = typeof text === "string" ? parseJson(text) : text;
  return Array.isArray(value) ? (value as string[]) : [];
}

/** Reads a metadata column; PostgreSQL's JSONB comes back as text too (see the pg type parsers). */
export function readMetadata(text: string | unknown): Record<string, unknown> {
  const value = typeof text === "string" ? parseJson(text) : text;
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Writes a tags or metadata column with 64-bit integers kept exact. */
export function writeJson(value: unknown): string {
  return stringifyJson(value);
}

/** Formats a stored `*_ns` instant as the RFC 3339 UTC text of `created`/`modified`. */
export function isoFromNs(ns: bigint): string {
  return formatRfc3339Ms(Number(ns / 1_000_000n));
}
