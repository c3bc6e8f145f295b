import { summarizeDetails, validate } from "@sortie/domain";
import type * as v from "valibot";
import { InvalidRequestError } from "../core/errors.js";

/**
 * Checks a request body against the schema the API validates it with, and
 * throws the InvalidRequestError the API would return (same code, message and
 * `details`) without sending anything. Returns the body unchanged: the API
 * parses it again, so defaults and transforms stay on the server.
 */
export function validateBody<TSchema extends v.GenericSchema, TBody>(
  schema: TSchema,
  body: TBody,
): TBody {
  const result = validate(schema, body);
  if (result.ok) return body;
  throw new InvalidRequestError({
    code: "RobotoInvalidRequestException",
    message: summarizeDetails(result.details),
    details: result.details,
  });
}
