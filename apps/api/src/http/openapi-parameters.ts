type Parameter = {
  name: string;
  in: "query" | "header";
  required: boolean;
  description: string;
  schema: Record<string, unknown>;
};
type Operation = {
  parameters?: unknown[];
  security?: unknown[];
  responses?: Record<string, unknown>;
};
type Document = { paths?: Record<string, Record<string, Operation>> };

const ORG_HEADER: Parameter = {
  name: "X-Roboto-Org-Id",
  in: "header",
  required: false,
  description:
    "Org to act in (also accepted as X-Org-Id). Needed when your user belongs to several orgs; by-id routes find the org from the resource.",
  schema: { type: "string" },
};
const IDEMPOTENCY_HEADER: Parameter = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Makes a retried write apply once: a retry with the same key, method, path and body gets the first response. Keys expire after 24 hours.",
  schema: { type: "string", minLength: 1, maxLength: 255 },
};
const IF_MATCH_HEADER: Parameter = {
  name: "If-Match",
  in: "header",
  required: false,
  description: "ETag of a read or write of the session; a stale one is a 412 and nothing changes.",
  schema: { type: "string" },
};
const PAGE_PARAMETERS: Parameter[] = [
  {
    name: "limit",
    in: "query",
    required: false,
    description: "Items per page, 1 to 1000 (default 100).",
    schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
  },
  {
    name: "page_token",
    in: "query",
    required: false,
    description: "The next_token of the previous page, unchanged.",
    schema: { type: "string" },
  },
];
const UPLOAD_PARAMETERS: Parameter[] = [
  {
    name: "relative_path",
    in: "query",
    required: true,
    description: "Path of the file inside its dataset, such as flights/run1.mcap.",
    schema: { type: "string" },
  },
  {
    name: "device_id",
    in: "query",
    required: false,
    description: "Device that recorded the file; the dataset's by default.",
    schema: { type: "string" },
  },
];

/**
 * Adds the parameters every route shares to a generated OpenAPI document:
 * the org header on authenticated routes, `Idempotency-Key` on writes,
 * `If-Match` on session updates, `limit`/`page_token` on GET listings (those
 * whose 200 response contains `next_token`) and the upload's query parameters.
 */
export function addSharedParameters<T>(document: T): T {
  const paths = (document as Document).paths ?? {};
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const added: Parameter[] = [];
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      if (!isPublic) added.push(ORG_HEADER);
      if (method !== "get" && path.startsWith("/v1/") && !path.endsWith("/files/upload")) {
        added.push(IDEMPOTENCY_HEADER);
      }
      if (method === "put" && path === "/v1/sessions/id/{session_id}") added.push(IF_MATCH_HEADER);
      if (
        method === "get" &&
        JSON.stringify(operation.responses?.["200"] ?? {}).includes("next_token")
      ) {
        added.push(...PAGE_PARAMETERS);
      }
      if (path.endsWith("/files/upload")) added.push(...UPLOAD_PARAMETERS);
      operation.parameters = [...(operation.parameters ?? []), ...added];
    }
  }
  return document;
}
