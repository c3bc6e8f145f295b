import { expect } from "vitest";
import type { RequestOptions, TestApi, TestResponse } from "./test-api.js";

/** Creates a device and returns its id. */
export async function createDevice(api: TestApi, deviceId: string, key?: string): Promise<string> {
  const response = await api.post("/v1/devices/create", { device_id: deviceId }, { key });
  expect(response.status, response.text).toBe(200);
  return response.body.data.device_id;
}

/** Creates a dataset and returns its id. */
export async function createDataset(
  api: TestApi,
  body: Record<string, unknown> = {},
  key?: string,
): Promise<string> {
  const response = await api.post("/v1/datasets", body, { key });
  expect(response.status, response.text).toBe(200);
  return response.body.data.dataset_id;
}

/** Registers a file with an optional Unix window and returns its id. */
export async function registerFile(
  api: TestApi,
  datasetId: string,
  relativePath: string,
  window?: [bigint, bigint],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const body = window
    ? { relative_path: relativePath, start_time_ns: window[0], end_time_ns: window[1], ...extra }
    : { relative_path: relativePath, ...extra };
  const response = await api.post(`/v1/datasets/${datasetId}/files`, body);
  expect(response.status, response.text).toBe(200);
  return response.body.data.file_id;
}

/** Creates a session and returns its record. */
// biome-ignore lint/suspicious/noExplicitAny: session records are read freely in tests.
export async function createSession(
  api: TestApi,
  body: Record<string, unknown> = {},
): Promise<any> {
  const response = await api.post("/v1/sessions", body);
  expect(response.status, response.text).toBe(200);
  return response.body.data;
}

/** Reads every page of a listing and returns all items. */
// biome-ignore lint/suspicious/noExplicitAny: items are read freely in tests.
export async function readAllPages(
  api: TestApi,
  path: string,
  limit = 100,
  options: RequestOptions = {},
): Promise<any[]> {
  const items: unknown[] = [];
  let token: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const query = `${separator}limit=${limit}${token ? `&page_token=${encodeURIComponent(token)}` : ""}`;
    const response = await api.get(`${path}${query}`, options);
    expect(response.status, response.text).toBe(200);
    items.push(...response.body.data.items);
    token = response.body.data.next_token;
  } while (token);
  return items;
}

/** Checks an error response: its status, its code and the exact shape of the error body. */
export function expectApiError(response: TestResponse, status: number, code: string): void {
  expect(response.status, response.text.slice(0, 500)).toBe(status);
  expect(Object.keys(response.body)).toEqual(["error", "details", "request_id"]);
  expect(Object.keys(response.body.error)).toEqual(["error_code", "message"]);
  expect(response.body.error.error_code).toBe(code);
  expect(response.body.request_id).toBe(response.headers.get("x-request-id"));
}

/** Adds contributions to a session and returns the response. */
export function addFiles(
  api: TestApi,
  sessionId: string,
  files: Record<string, unknown>[],
  key?: string,
): Promise<TestResponse> {
  return api.post(`/v1/sessions/id/${sessionId}/files`, { files }, { key });
}

/** Removes every contribution of the files from a session and returns the response. */
export function removeFiles(
  api: TestApi,
  sessionId: string,
  fileIds: string[],
  key?: string,
): Promise<TestResponse> {
  return api.delete(`/v1/sessions/id/${sessionId}/files`, { file_ids: fileIds }, { key });
}

/** Reads a session's bounds as `[min, max]`, each `null` when unknown. */
export async function readBounds(
  api: TestApi,
  sessionId: string,
): Promise<[bigint | null, bigint | null]> {
  const response = await api.get(`/v1/sessions/id/${sessionId}`);
  expect(response.status, response.text).toBe(200);
  return [response.body.data.min_timestamp_ns, response.body.data.max_timestamp_ns];
}

/** A user made by `createMember`: its id and its first API key. */
export interface TestUser {
  userId: string;
  key: string;
}

/** Creates a user in an org, with the admin key unless `key` is given, and returns its id and first key. */
export async function createMember(
  api: TestApi,
  orgId: string,
  name: string,
  role: "admin" | "member" = "member",
  key?: string,
): Promise<TestUser> {
  const response = await api.post(`/v1/orgs/${orgId}/users`, { name, role }, { key });
  expect(response.status, response.text).toBe(200);
  return { userId: response.body.data.user_id, key: response.body.data.api_key.secret };
}

/** Creates an org whose admin is the key's user, and returns its id. */
export async function createOrg(api: TestApi, name: string, key?: string): Promise<string> {
  const response = await api.post("/v1/orgs", { name }, { key });
  expect(response.status, response.text).toBe(200);
  return response.body.data.org_id;
}
