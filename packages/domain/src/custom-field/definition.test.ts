import { describe, expect, it } from "vitest";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import {
  CreateCustomFieldRequestSchema,
  CustomFieldRecordSchema,
  DISPLAY_NAME_LENGTH,
  ENTITY_TYPES,
  ENUM_VALUES_MAX,
  FIELD_DESCRIPTION_LENGTH,
  FIELD_NAME_PATTERN,
  FIELD_STATUSES,
  FIELD_TYPES,
  FieldNameSchema,
  QueryCustomFieldsRequestSchema,
  UpdateCustomFieldRequestSchema,
} from "./definition.js";

const field = { entity_type: "session", field_name: "weather", field_type: "string" };
const enumOptions = { field_type: "enum", enum_values: ["clear", "rain"] };

describe("custom field catalogues", () => {
  it("lists the entity types", () => {
    expect(ENTITY_TYPES).toEqual(["session", "device", "dataset", "event", "collection"]);
  });

  it("lists the field types", () => {
    expect(FIELD_TYPES).toEqual(["boolean", "enum", "number", "string", "timestamp"]);
  });

  it("lists the statuses", () => {
    expect(FIELD_STATUSES).toEqual(["creating", "ready", "deleting", "failed"]);
  });

  it("states the length limits", () => {
    expect(DISPLAY_NAME_LENGTH).toBe(128);
    expect(FIELD_DESCRIPTION_LENGTH).toBe(256);
  });
});

describe("FieldNameSchema", () => {
  it.each([["a"], ["weather"], ["max_speed_2"], ["a_"], [`a${"b".repeat(62)}`]])(
    "accepts %s",
    (name) => {
      expect(expectValid(FieldNameSchema, name)).toBe(name);
    },
  );

  it.each([
    ["empty", ""],
    ["leading digit", "2fast"],
    ["leading underscore", "_x"],
    ["upper case", "Weather"],
    ["hyphen", "max-speed"],
    ["dot", "a.b"],
    ["space", "a b"],
    ["64 characters", `a${"b".repeat(63)}`],
    ["non-ASCII letter", "wetter_ä"],
  ])("rejects %s", (_name, name) => {
    expectIssue(FieldNameSchema, name, "body", /lower-case letter/);
  });

  it("matches the pattern constant", () => {
    expect(FIELD_NAME_PATTERN.source).toBe("^[a-z][a-z0-9_]{0,62}$");
  });

  it("rejects a non-string", () => {
    expectIssue(FieldNameSchema, 5, "body", /must be a string/);
  });
});

describe("CreateCustomFieldRequestSchema", () => {
  it.each(ENTITY_TYPES)("accepts entity type %s", (entityType) => {
    expect(
      expectValid(CreateCustomFieldRequestSchema, { ...field, entity_type: entityType })
        .entity_type,
    ).toBe(entityType);
  });

  it.each(FIELD_TYPES.filter((type) => type !== "enum"))("accepts field type %s", (fieldType) => {
    expect(
      expectValid(CreateCustomFieldRequestSchema, { ...field, field_type: fieldType }).field_type,
    ).toBe(fieldType);
  });

  it("reads types in any case", () => {
    const parsed = expectValid(CreateCustomFieldRequestSchema, {
      ...field,
      entity_type: "SESSION",
      field_type: "Number",
    });

    expect(parsed.entity_type).toBe("session");
    expect(parsed.field_type).toBe("number");
  });

  it("accepts an enum with options", () => {
    const parsed = expectValid(CreateCustomFieldRequestSchema, {
      ...field,
      field_type: "enum",
      options: enumOptions,
    });

    expect(parsed.options).toEqual(enumOptions);
  });

  it("ignores unknown keys", () => {
    const parsed = expectValid(CreateCustomFieldRequestSchema, { ...field, status: "ready" });

    expect(parsed).not.toHaveProperty("status");
  });

  it("accepts descriptive limits exactly", () => {
    const parsed = expectValid(CreateCustomFieldRequestSchema, {
      ...field,
      display_name: "d".repeat(DISPLAY_NAME_LENGTH),
      description: "d".repeat(FIELD_DESCRIPTION_LENGTH),
    });

    expect(parsed.display_name).toHaveLength(DISPLAY_NAME_LENGTH);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      "an unknown entity type",
      { entity_type: "robot" },
      "entity_type",
      /must be one of: session, device/,
    ],
    [
      "an unknown field type",
      { field_type: "date" },
      "field_type",
      /must be one of: boolean, enum/,
    ],
    ["a missing field name", { field_name: undefined }, "field_name", /must be a string/],
    ["an invalid field name", { field_name: "Weather" }, "field_name", /lower-case letter/],
    ["a long display name", { display_name: "d".repeat(129) }, "display_name", /at most 128/],
    ["a long description", { description: "d".repeat(257) }, "description", /at most 256/],
    ["an enum without options", { field_type: "enum" }, "options", /enum field needs options/],
    [
      "options on a string field",
      { options: enumOptions },
      "options",
      /only enum fields take options/,
    ],
    [
      "an enum without values",
      { field_type: "enum", options: { field_type: "enum", enum_values: [] } },
      "options.enum_values",
      /at least one value/,
    ],
    [
      "an empty enum value",
      { field_type: "enum", options: { field_type: "enum", enum_values: [""] } },
      "options.enum_values.0",
      /must not be empty/,
    ],
    [
      "a long enum value",
      { field_type: "enum", options: { field_type: "enum", enum_values: ["v".repeat(257)] } },
      "options.enum_values.0",
      /at most 256/,
    ],
    [
      "a repeated enum value",
      { field_type: "enum", options: { field_type: "enum", enum_values: ["a", "a"] } },
      "options.enum_values",
      /must not repeat/,
    ],
    [
      "too many enum values",
      {
        field_type: "enum",
        options: {
          field_type: "enum",
          enum_values: Array.from({ length: ENUM_VALUES_MAX + 1 }, (_, i) => `v${i}`),
        },
      },
      "options.enum_values",
      /at most 1000 values/,
    ],
    [
      "options of another type",
      { field_type: "enum", options: { field_type: "string", enum_values: ["a"] } },
      "options.field_type",
      /must be 'enum'/,
    ],
  ])("rejects %s", (_name, change, path, reason) => {
    expectIssue(CreateCustomFieldRequestSchema, { ...field, ...change }, path, reason);
  });

  it("accepts a 256-character enum value", () => {
    const value = "v".repeat(256);

    const parsed = expectValid(CreateCustomFieldRequestSchema, {
      ...field,
      field_type: "enum",
      options: { field_type: "enum", enum_values: [value] },
    });

    expect(parsed.options?.enum_values).toEqual([value]);
  });

  it("rejects a list body", () => {
    expectIssue(CreateCustomFieldRequestSchema, [field], "body", /JSON object/);
  });
});

describe("UpdateCustomFieldRequestSchema", () => {
  it("keeps absent keys absent", () => {
    const parsed = expectValid(UpdateCustomFieldRequestSchema, { description: null });

    expect(parsed).toEqual({ description: null });
    expect("display_name" in parsed).toBe(false);
  });

  it("rejects a long display name", () => {
    expectIssue(
      UpdateCustomFieldRequestSchema,
      { display_name: "d".repeat(129) },
      "display_name",
      /at most 128/,
    );
  });
});

describe("QueryCustomFieldsRequestSchema", () => {
  it("reads statuses in lower case", () => {
    const parsed = expectValid(QueryCustomFieldsRequestSchema, {
      entity_type: "Session",
      statuses: ["READY"],
    });

    expect(parsed).toEqual({ entity_type: "session", statuses: ["ready"] });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["an unknown status", { statuses: ["gone"] }, "statuses.0"],
    ["a zero limit", { limit: 0 }, "limit"],
    ["a fractional limit", { limit: 1.5 }, "limit"],
    ["a limit over 1000", { limit: 1001 }, "limit"],
  ])("rejects %s", (_name, input, path) => {
    expectIssue(QueryCustomFieldsRequestSchema, input, path);
  });
});

describe("CustomFieldRecordSchema", () => {
  const record = {
    field_id: "cf_1",
    org_id: "og_1",
    entity_type: "session",
    field_name: "weather",
    field_type: "enum",
    display_name: null,
    description: null,
    options: enumOptions,
    status: "ready",
    last_error: null,
    attempts: 1,
    created: "2026-04-23T08:00:00.000Z",
    created_by: "u_1",
    modified: "2026-04-23T08:00:00.000Z",
    modified_by: "u_1",
  };

  it("accepts a stored field", () => {
    expect(expectValid(CustomFieldRecordSchema, record)).toEqual(record);
  });

  it("rejects an upper-case status", () => {
    expectIssue(CustomFieldRecordSchema, { ...record, status: "READY" }, "status");
  });
});
