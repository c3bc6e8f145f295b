import { type FieldType, stringifyJson } from "@sortie/domain";
import { expect } from "vitest";
import {
  type RequestOptions,
  readResponse,
  type TestApi,
  type TestResponse,
} from "./support/test-api.js";

// Helpers shared by the search tests. Custom fields are written straight
// into the store as ready fields, so the search tests do not wait on the
// custom-field lifecycle.

/** A custom field made ready by `insertReadyField`. */
export interface TestField {
  fieldId: string;
  name: string;
  type: FieldType;
}

/** Inserts a custom field of sessions with the given status (ready by default). */
export async function insertReadyField(
  api: TestApi,
  orgId: string,
  name: string,
  type: FieldType,
  options: { enumValues?: string[]; status?: "creating" | "ready" | "deleting" | "failed" } = {},
): Promise<TestField> {
  const fieldId = `cf_${name}_${Math.random().toString(36).slice(2, 10)}`;
  const now = BigInt(Date.now()) * 1_000_000n;
  await api.store.db
    .insertInto("custom_fields")
    .values({
      field_id: fieldId,
      org_id: orgId,
      entity_type: "session",
      field_name: name,
      field_type: type,
      display_name: null,
      description: null,
      options: options.enumValues
        ? stringifyJson({ field_type: "enum", enum_values: options.enumValues })
        : null,
      status: options.status ?? "ready",
      last_error: null,
      attempts: 0,
      created_ns: now,
      created_by: api.userId,
      modified_ns: now,
      modified_by: api.userId,
    })
    .execute();
  return { fieldId, name, type };
}

/** Stores one custom-field value of a session, in the column of the field's type. */
export async function insertFieldValue(
  api: TestApi,
  orgId: string,
  field: TestField,
  sessionId: string,
  value: string | number | bigint | boolean,
): Promise<void> {
  const row = {
    field_id: field.fieldId,
    org_id: orgId,
    entity_type: "session",
    entity_id: sessionId,
    value_boolean: null as number | boolean | null,
    value_number: null as number | null,
    value_string: null as string | null,
    value_ns: null as bigint | null,
  };
  if (field.type === "boolean")
    row.value_boolean = api.dialect === "sqlite" ? Number(value) : Boolean(value);
  else if (field.type === "number") row.value_number = Number(value);
  else if (field.type === "timestamp") row.value_ns = BigInt(value);
  else row.value_string = String(value);
  await api.store.db.insertInto("custom_field_values").values(row).execute();
}

/** Sends one search request. */
export function search(
  api: TestApi,
  body: Record<string, unknown>,
  options: RequestOptions = {},
): Promise<TestResponse> {
  return api.post("/v1/sessions/query", body, options);
}

/** Runs a search that must succeed and returns the session ids of every page, in order. */
export async function searchIds(
  api: TestApi,
  body: Record<string, unknown>,
  options: RequestOptions = {},
): Promise<string[]> {
  const ids: string[] = [];
  let token: string | null = null;
  do {
    const response = await search(api, token ? { ...body, page_token: token } : body, options);
    expect(response.status, response.text.slice(0, 800)).toBe(200);
    ids.push(...response.body.data.items.map((item: { session_id: string }) => item.session_id));
    token = response.body.data.next_token;
  } while (token);
  return ids;
}

/** Sends a raw body, for requests the test client would not write. */
export async function searchRaw(api: TestApi, body: string): Promise<TestResponse> {
  const response = await api.app.request("/v1/sessions/query", {
    method: "POST",
    headers: { authorization: `Bearer ${api.adminKey}`, "content-type": "application/json" },
    body,
  });
  return readResponse(response);
}
