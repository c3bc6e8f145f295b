import { describe, expect, it } from "vitest";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import {
  CreateDeviceRequestSchema,
  DeviceRecordSchema,
  UpdateDeviceRequestSchema,
} from "./schemas.js";

describe("CreateDeviceRequestSchema", () => {
  it("fills defaults", () => {
    expect(expectValid(CreateDeviceRequestSchema, { device_id: "robot_001" })).toEqual({
      device_id: "robot_001",
      tags: [],
      metadata: {},
      custom_fields: {},
    });
  });

  it("accepts a missing device id", () => {
    expect(expectValid(CreateDeviceRequestSchema, {}).device_id).toBeUndefined();
  });

  it.each([["robot_001"], ["a"], ["Arm-2.left:cam"], [`d${"x".repeat(127)}`]])(
    "accepts id %s",
    (deviceId) => {
      expect(expectValid(CreateDeviceRequestSchema, { device_id: deviceId }).device_id).toBe(
        deviceId,
      );
    },
  );

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["an empty id", { device_id: "" }, "device_id", /1 to 128 characters/],
    [
      "a leading underscore",
      { device_id: "_robot" },
      "device_id",
      /starting with a letter or digit/,
    ],
    ["a slash in the id", { device_id: "a/b" }, "device_id", /letters, digits/],
    ["a long id", { device_id: `d${"x".repeat(128)}` }, "device_id", /1 to 128/],
    ["a long name", { name: "n".repeat(121) }, "name", /at most 120/],
    ["custom fields as a list", { custom_fields: [] }, "custom_fields", /JSON object/],
    ["metadata as text", { metadata: "m" }, "metadata", /JSON object/],
  ])("rejects %s", (_name, input, path, reason) => {
    expectIssue(CreateDeviceRequestSchema, input, path, reason);
  });
});

describe("UpdateDeviceRequestSchema", () => {
  it("keeps absent keys absent", () => {
    const parsed = expectValid(UpdateDeviceRequestSchema, {
      metadata_changeset: { put_tags: ["a"] },
    });

    expect(parsed).toEqual({ metadata_changeset: { put_tags: ["a"] } });
    expect("name" in parsed).toBe(false);
  });

  it("rejects a name set and cleared", () => {
    expectIssue(
      UpdateDeviceRequestSchema,
      { custom_fields_changeset: { set_fields: { a: 1 }, clear_fields: ["a"] } },
      "custom_fields_changeset.clear_fields",
      /both set and cleared/,
    );
  });
});

describe("DeviceRecordSchema", () => {
  it("rejects null metadata", () => {
    expectIssue(
      DeviceRecordSchema,
      {
        device_id: "robot_001",
        org_id: "og_1",
        name: null,
        tags: [],
        metadata: null,
        custom_fields: {},
        created: "c",
        created_by: "u",
        modified: "m",
        modified_by: "u",
      },
      "metadata",
    );
  });
});
