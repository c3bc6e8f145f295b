import { JsonSyntaxError, LIMITS, parseJson, stringifyJson } from "@sortie/domain";
import type { Context } from "hono";
import { ApiError } from "./api-error.js";

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

/**
 * Reads the request body as bytes, up to `limitBytes`; a larger body is a 413.
 * The bytes are kept on the context, so a second read (the idempotency check,
 * then the route) returns the same bytes.
 */
export async function readBodyBytes(
  c: Context,
  limitBytes: number = c.get("deps")?.config.jsonBodyLimitBytes ?? LIMITS.jsonBodyBytes,
): Promise<Uint8Array> {
  const cached = c.get("bodyBytes") as Uint8Array | undefined;
  if (cached) return cached;

  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > limitBytes) throw bodyTooLarge(limitBytes);

  const body = c.req.raw.body;
  let bytes = new Uint8Array(0);
  if (body) {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limitBytes) {
        await reader.cancel();
        throw bodyTooLarge(limitBytes);
      }
      chunks.push(value);
    }
    bytes = concat(chunks, size) as Uint8Array<ArrayBuffer>;
  }
  c.set("bodyBytes", bytes);
  return bytes;
}

/**
 * Reads the request body as JSON with the int64-exact codec. An empty body
 * reads as `{}` (Roboto's SDK sends none on some writes). A body over the
 * limit is a 413 and invalid JSON a 400; neither touches the store.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = new TextDecoder().decode(await readBodyBytes(c));
  if (text.trim() === "") return {};
  try {
    return parseJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw ApiError.invalidAt("body", `${error.message}; send a JSON document`);
    }
    throw error;
  }
}

/** Sends `{"data": value}` with 64-bit integers written exactly. */
export function sendData(
  c: Context,
  data: unknown,
  status: 200 | 201 = 200,
  headers?: Record<string, string>,
): Response {
  return c.body(
    stringifyJson({ data }),
    status,
    headers ? { ...JSON_HEADERS, ...headers } : JSON_HEADERS,
  );
}

/** Sends a JSON document as is, with 64-bit integers written exactly. */
export function sendJson(c: Context, body: unknown, status: number): Response {
  return c.body(stringifyJson(body), status as 200, JSON_HEADERS);
}

function bodyTooLarge(limitBytes: number): ApiError {
  return new ApiError(
    "RobotoInvalidRequestException",
    `Request body is larger than the limit of ${limitBytes} bytes; send less data per request (split large file lists into several requests)`,
    [{ path: "body", reason: `larger than ${limitBytes} bytes` }],
    413,
  );
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}
