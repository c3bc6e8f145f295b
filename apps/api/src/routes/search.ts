import {
  checkSessionSearch,
  QuerySessionsRequestSchema,
  SessionRecordSchema,
  stringifyJson,
} from "@sortie/domain";
import type { Hono } from "hono";
import { requireOrg } from "../auth/org-scope.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../http/api-error.js";
import { readJsonBody, sendData } from "../http/json.js";
import { documented } from "../http/openapi.js";
import { parseInput } from "../http/validate.js";
import { readPage } from "../pagination/paginate.js";
import { loadSearchableFields } from "../search/searchable-fields.js";
import { sessionSearchListing } from "../search/session-search.js";
import { sha256Hex } from "../util/crypto.js";

/** Registers `POST /v1/sessions/query`. */
export function registerSearchRoutes(app: Hono<AppEnv>): void {
  app.post(
    "/v1/sessions/query",
    documented({
      tag: "Sessions",
      summary: "Search sessions",
      description: [
        "Finds sessions of the caller's org by a query string (`query`) or the same condition as a JSON tree (`condition`), never both.",
        "Example: tags CONTAINS 'night' AND custom_fields.weather = 'clear' AND start_time >= '2026-04-23T00:00:00Z'.",
        "Sorts by created, modified, name, start_time, end_time, duration, session_id or a ready custom field (default created, desc);",
        "sessions without the sort value come last in both directions. A malformed query is a 400 whose details point at the offending token or tree path.",
      ].join(" "),
      body: QuerySessionsRequestSchema,
      pageItem: SessionRecordSchema,
    }),
    async (c) => {
      const request = parseInput(QuerySessionsRequestSchema, await readJsonBody(c));
      const orgId = requireOrg(c);
      const { store } = c.get("deps");

      const customFields = await loadSearchableFields(store.db, orgId);
      const checked = checkSessionSearch(request, customFields);
      if (!checked.ok) throw ApiError.invalid(checked.issues);

      const search = checked.value;
      // Page tokens are bound to the condition too: a token of one query
      // must not continue another.
      const fingerprint = (
        await sha256Hex(stringifyJson([request.query ?? null, request.condition ?? null]))
      ).slice(0, 16);
      const listing = sessionSearchListing(
        store.db,
        orgId,
        search,
        { dialect: store.dialect, customFields },
        fingerprint,
      );
      const page = await readPage(
        c.get("pageTokens"),
        { limit: search.limit, page_token: search.page_token },
        listing,
      );
      return sendData(c, page);
    },
  );
}
