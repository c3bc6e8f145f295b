import { validate } from "@sortie/domain";
import type * as v from "valibot";
import { ApiError } from "./api-error.js";

/** Validates input with a domain schema or throws a 400 listing every problem. */
export function parseInput<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
): v.InferOutput<TSchema> {
  const result = validate(schema, input);
  if (!result.ok) throw ApiError.invalid(result.details);
  return result.value;
}
