import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "./support/databases.js";
import { expectApiError } from "./support/fixtures.js";
import { startTestApi, type TestApi } from "./support/test-api.js";

// Every route of the Sessions API this server implements, as OpenAPI writes paths.
const API_ROUTES = [
  "post /v1/sessions",
  "get /v1/sessions",
  "get /v1/sessions/id/{session_id}",
  "put /v1/sessions/id/{session_id}",
  "delete /v1/sessions/id/{session_id}",
  "get /v1/sessions/key/{key}",
  "post /v1/sessions/id/{session_id}/files",
  "delete /v1/sessions/id/{session_id}/files",
  "get /v1/sessions/id/{session_id}/files",
  "post /v1/sessions/id/{session_id}/devices",
  "delete /v1/sessions/id/{session_id}/devices",
  "get /v1/sessions/id/{session_id}/devices",
  "post /v1/devices/create",
  "get /v1/devices/id/{device_id}",
  "put /v1/devices/id/{device_id}",
  "delete /v1/devices/id/{device_id}",
  "get /v1/devices/org/{org_id}",
  "get /v1/devices/id/{device_id}/sessions",
  "post /v1/datasets",
  "get /v1/datasets",
  "get /v1/datasets/{dataset_id}",
  "delete /v1/datasets/{dataset_id}",
  "get /v1/datasets/{dataset_id}/files",
  "post /v1/datasets/{dataset_id}/files",
  "get /v1/datasets/{dataset_id}/sessions",
  "post /v1/datasets/{dataset_id}/sessions",
  "get /v1/files/id/{file_id}",
  "put /v1/files/id/{file_id}",
  "delete /v1/files/id/{file_id}",
  "post /v1/orgs",
  "post /v1/orgs/{org_id}/users",
  "delete /v1/orgs/{org_id}/users/{user_id}",
  "post /v1/keys",
  "get /v1/keys",
  "delete /v1/keys/id/{key_id}",
];

// The document and its rendering describe the API, not themselves; the
// probes have a test of their own.
const UNDOCUMENTED_PATHS = new Set(["/openapi.json", "/docs", "/health", "/ready"]);

/** Rewrites a Hono path (`/id/:session_id`, `/key/:key{.+}`) as an OpenAPI path. */
function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options"]);

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is walked as plain JSON.
type Json = any;

/** Lists every `method path` pair the document describes. */
function documentedRoutes(document: Json): string[] {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => HTTP_METHODS.has(method))
      .map((method) => `${method} ${path}`),
  );
}

/** Collects every schema under a property whose name ends in `_ns`, with its JSON pointer. */
function nanosecondProperties(node: Json, where = "#"): [string, Json][] {
  if (typeof node !== "object" || node === null) return [];
  const found: [string, Json][] = [];
  if (node.properties && typeof node.properties === "object") {
    for (const [name, schema] of Object.entries(node.properties as Record<string, Json>)) {
      if (name.endsWith("_ns")) found.push([`${where}/properties/${name}`, schema]);
    }
  }
  for (const [key, child] of Object.entries(node))
    found.push(...nanosecondProperties(child, `${where}/${key}`));
  return found;
}

/** Tells whether a schema is an int64 integer, alone or as the non-null option of a nullable value. */
function isInt64Schema(schema: Json): boolean {
  const int64 = (candidate: Json) => candidate?.type === "integer" && candidate?.format === "int64";
  if (int64(schema)) return true;
  const options: Json[] | undefined = schema?.anyOf ?? schema?.oneOf;
  if (!options) return false;
  return options.every((option) => int64(option) || option?.type === "null") && options.some(int64);
}

describe.each(TEST_DIALECTS)("OpenAPI and probes on %s", (dialect) => {
  let api: TestApi;
  let document: Json;
  beforeAll(async () => {
    api = await startTestApi(dialect);
    const response = await api.get("/openapi.json", { key: null });
    expect(response.status, response.text.slice(0, 300)).toBe(200);
    document = response.body;
  });
  afterAll(async () => {
    await api?.close();
  });

  it("serves OpenAPI 3.1 without a key", async () => {
    const response = await api.get("/openapi.json", { key: null });

    expect(response.headers.get("content-type")).toContain("application/json");
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.info.title).toBeTruthy();
    expect(document.info.version).toBe((await api.get("/health", { key: null })).body.data.version);
  });

  it("lists every API route", () => {
    const documented = new Set(documentedRoutes(document));

    const missing = API_ROUTES.filter((route) => !documented.has(route));

    expect(missing).toEqual([]);
  });

  it("documents every registered route", () => {
    const documented = new Set(documentedRoutes(document));
    const registered = new Set(
      api.app.routes
        .filter((route) => route.method !== "ALL")
        .filter((route) => !UNDOCUMENTED_PATHS.has(route.path))
        .map((route) => `${route.method.toLowerCase()} ${toOpenApiPath(route.path)}`),
    );

    const missing = [...registered].filter((route) => !documented.has(route));

    expect(registered.size).toBeGreaterThanOrEqual(API_ROUTES.length);
    expect(missing).toEqual([]);
  });

  it("lists the health probes", () => {
    const documented = new Set(documentedRoutes(document));

    expect(documented.has("get /health")).toBe(true);
    expect(documented.has("get /ready")).toBe(true);
  });

  it("documents nanoseconds as int64", () => {
    const properties = nanosecondProperties(document);

    const notInt64 = properties
      .filter(([, schema]) => !isInt64Schema(schema))
      .map(([where]) => where);

    expect(properties.length).toBeGreaterThan(20);
    expect(notInt64).toEqual([]);
  });

  it("documents the session record", () => {
    const schema =
      document.paths["/v1/sessions/id/{session_id}"].get.responses["200"].content[
        "application/json"
      ].schema;
    const record = schema.properties.data;

    expect(schema.required).toEqual(["data"]);
    for (const name of ["min_timestamp_ns", "max_timestamp_ns"]) {
      expect(isInt64Schema(record.properties[name]), name).toBe(true);
      expect(
        record.properties[name].anyOf.some((option: Json) => option.type === "null"),
        name,
      ).toBe(true);
    }
    expect(record.required).toEqual(
      expect.arrayContaining([
        "session_id",
        "tags",
        "metadata",
        "custom_fields",
        "created",
        "modified",
      ]),
    );
  });

  it("documents contribution request bodies", () => {
    const add =
      document.paths["/v1/sessions/id/{session_id}/files"].post.requestBody.content[
        "application/json"
      ].schema;
    const register =
      document.paths["/v1/datasets/{dataset_id}/files"].post.requestBody.content["application/json"]
        .schema;

    expect(add.required).toContain("files");
    const contribution = add.properties.files.items;
    expect(contribution.required).toContain("file_id");
    expect(isInt64Schema(contribution.properties.range_min_timestamp_ns)).toBe(true);
    expect(isInt64Schema(contribution.properties.range_max_timestamp_ns)).toBe(true);
    expect(register.required).toContain("relative_path");
    expect(isInt64Schema(register.properties.start_time_ns)).toBe(true);
  });

  it("documents pages with next_token", () => {
    const page =
      document.paths["/v1/sessions"].get.responses["200"].content["application/json"].schema
        .properties.data;

    expect(page.properties.items.type).toBe("array");
    expect(page.properties.next_token.anyOf.map((option: Json) => option.type).sort()).toEqual([
      "null",
      "string",
    ]);
  });

  it("documents the error body", () => {
    const error =
      document.paths["/v1/sessions"].post.responses.default.content["application/json"].schema;

    expect(Object.keys(error.properties).sort()).toEqual(["details", "error", "request_id"]);
    expect(Object.keys(error.properties.error.properties).sort()).toEqual([
      "error_code",
      "message",
    ]);
  });

  it("declares bearer authentication", () => {
    expect(document.components.securitySchemes.bearerAuth).toEqual({
      type: "http",
      scheme: "bearer",
    });
    const insecure = documentedRoutes(document)
      .filter((route) => route.includes(" /v1/"))
      .filter((route) => {
        const [method, path] = route.split(" ") as [string, string];
        const security: Json[] | undefined = document.paths[path][method].security;
        return !security?.some((requirement) => "bearerAuth" in requirement);
      });

    expect(insecure).toEqual([]);
  });

  it("renders the reference at /docs", async () => {
    const response = await api.get("/docs", { key: null });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.text).toContain("/openapi.json");
    expect(response.text.toLowerCase()).toContain("<html");
  });

  it("serves health without a key", async () => {
    const response = await api.get("/health", { key: null });

    expect(response.status).toBe(200);
    expect(response.body.data.status).toBe("ok");
    expect(typeof response.body.data.version).toBe("string");
  });

  it("reports ready with a working store", async () => {
    const response = await api.get("/ready", { key: null });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { status: "ready" } });
  });

  it("returns 503 when the store fails", async () => {
    const broken = await startTestApi(dialect);
    try {
      // The readiness query reads this table, so without it the store check fails.
      await broken.store.db.schema.dropTable("server_settings").execute();

      const ready = await broken.get("/ready", { key: null });
      const health = await broken.get("/health", { key: null });

      expectApiError(ready, 503, "RobotoServiceException");
      expect(ready.body.error.message).toContain("not ready");
      expect(health.status).toBe(200);
    } finally {
      await broken.close();
    }
  });
});
