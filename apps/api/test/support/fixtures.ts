import { expect } from "vitest";
import type { TestApi } from "./test-api.js";

/** Creates a device and returns its id. */
export async function createDevice(api: TestApi, deviceId: string, key?: string): Promise<string> {
  const response = await api.post("/v1/devices/create", { device_id: deviceId }, { key });
  expect(response.status, response.text).toBe(200);
  return response.body.data.device_id;
}

/** Creates a dataset and returns its id. */
export async function createDataset(api: TestApi, body: Record<string, unknown> = {}, key?: string): Promise<string> {
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
export async function createSession(api: TestApi, body: Record<string, unknown> = {}): Promise<any> {
  const response = await api.post("/v1/sessions", body);
  expect(response.status, response.text).toBe(200);
  return response.body.data;
}

/** Reads every page of a listing and returns all items. */
// biome-ignore lint/suspicious/noExplicitAny: items are read freely in tests.
export async function readAllPages(api: TestApi, path: string, limit = 100): Promise<any[]> {
  const items: unknown[] = [];
  let token: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const query = `${separator}limit=${limit}${token ? `&page_token=${encodeURIComponent(token)}` : ""}`;
    const response = await api.get(`${path}${query}`);
    expect(response.status, response.text).toBe(200);
    items.push(...response.body.data.items);
    token = response.body.data.next_token;
  } while (token);
  return items;
}
