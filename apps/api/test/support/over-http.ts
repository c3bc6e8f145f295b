import { stringifyJson } from "@sortie/domain";
import { readResponse, type TestResponse } from "./test-api.js";

/** One request to send over real HTTP: method, path, optional JSON body and headers. */
export interface HttpRequest {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Sends a request to an API served on `baseUrl` with the given API key. Each
 * request closes its connection, as Roboto's SDK does, so a server's `close()`
 * does not wait for idle sockets.
 */
export function sendOverHttp(
  baseUrl: string,
  key: string,
  request: HttpRequest,
): Promise<TestResponse> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${key}`,
    connection: "close",
    ...request.headers,
  };
  if (request.body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : stringifyJson(request.body),
  }).then(readResponse);
}

/** The version number inside a session ETag `"<session id>.<version>"`. */
export function etagVersion(etag: string | null): bigint {
  const match = /^(?:W\/)?"[^"]+\.(\d+)"$/.exec(etag ?? "");
  if (!match) throw new Error(`response has no session ETag: ${etag}`);
  return BigInt(match[1] as string);
}
