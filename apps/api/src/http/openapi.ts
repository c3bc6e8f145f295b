import { describeRoute, resolver } from "hono-openapi";
import * as v from "valibot";

// 64-bit integers are bigints in the schemas and plain JSON integers on the
// wire; JSON Schema has no bigint, so they become int64 integers.
const JSON_SCHEMA_OPTIONS = {
  errorMode: "ignore",
  overrideSchema(context: { valibotSchema: { type: string } }) {
    if (context.valibotSchema.type === "bigint") return { type: "integer", format: "int64" };
    return undefined;
  },
};

// The documented shape of a request body or a response.
function schemaOf(schema: v.GenericSchema): ReturnType<typeof resolver> {
  return resolver(schema as never, { options: JSON_SCHEMA_OPTIONS });
}

const ErrorBodySchema = v.object({
  error: v.object({ error_code: v.string(), message: v.string() }),
  details: v.array(
    v.object({ path: v.string(), reason: v.string(), value: v.optional(v.unknown()) }),
  ),
  request_id: v.string(),
});

/** Description of one route in the OpenAPI document. */
export interface RouteDoc {
  summary: string;
  tag: string;
  description?: string;
  body?: v.GenericSchema;
  /** Schema of `data` in a success response; `null` documents `{"data": null}`. */
  data?: v.GenericSchema | null;
  /** Schema of one item when the response is a page. */
  pageItem?: v.GenericSchema;
  /** Whether the route needs no API key. */
  public?: boolean;
}

/** Describes a route for the OpenAPI document generated at `/openapi.json`. */
export function documented(doc: RouteDoc) {
  let data: v.GenericSchema = v.null();
  if (doc.pageItem)
    data = v.object({ items: v.array(doc.pageItem), next_token: v.nullable(v.string()) });
  else if (doc.data) data = doc.data;

  return describeRoute({
    summary: doc.summary,
    description: doc.description,
    tags: [doc.tag],
    security: doc.public ? [] : [{ bearerAuth: [] }],
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: schemaOf(doc.body) } },
          },
        }
      : {}),
    responses: {
      200: {
        description: "Success",
        content: { "application/json": { schema: schemaOf(v.object({ data })) } },
      },
      default: {
        description:
          "Error: the code, a message saying what to fix, and details per offending field",
        content: { "application/json": { schema: schemaOf(ErrorBodySchema) } },
      },
    },
  });
}
