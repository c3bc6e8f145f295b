import type * as v from "valibot";
import { expect } from "vitest";
import type { ErrorDetail } from "../errors/codes.js";
import { validate } from "../validation/issues.js";

// Test helpers shared by the schema tests. The package does not export them.

/** Parses input that must be valid and returns the schema's output. */
export function expectValid<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
): v.InferOutput<TSchema> {
  const result = validate(schema, input);
  if (!result.ok) {
    expect.fail(`expected valid input, got: ${JSON.stringify(result.details)}`);
  }
  return result.value;
}

/**
 * Asserts that input is rejected with a detail at `path` whose reason matches
 * `reason`, and that every detail has a readable reason. Returns all details.
 */
export function expectIssue(
  schema: v.GenericSchema,
  input: unknown,
  path: string,
  reason?: RegExp,
): ErrorDetail[] {
  const result = validate(schema, input);
  if (result.ok) expect.fail(`expected an issue at '${path}', but the input was valid`);

  for (const detail of result.details) {
    expect(detail.reason.length, `reason at '${detail.path}'`).toBeGreaterThan(5);
  }

  const paths = result.details.map((detail) => detail.path);
  expect(paths).toContain(path);

  if (reason) {
    const reasons = result.details
      .filter((detail) => detail.path === path)
      .map((detail) => detail.reason);
    expect(
      reasons.some((text) => reason.test(text)),
      `reasons: ${reasons.join(" | ")}`,
    ).toBe(true);
  }
  return result.details;
}
