import { describe, expect, it } from "vitest";
import { LIMITS } from "../limits.js";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import { CreateDatasetRequestSchema, DatasetRecordSchema } from "./schemas.js";

describe("CreateDatasetRequestSchema", () => {
  it("fills defaults", () => {
    expect(expectValid(CreateDatasetRequestSchema, { name: "runs", extra: 1 })).toEqual({
      name: "runs",
      tags: [],
      metadata: {},
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a long name", { name: "n".repeat(121) }, "name"],
    [
      "a long description",
      { description: "d".repeat(LIMITS.descriptionLength + 1) },
      "description",
    ],
    ["an empty device id", { device_id: "" }, "device_id"],
    ["tags as text", { tags: "t" }, "tags"],
    ["metadata as a list", { metadata: [1] }, "metadata"],
  ])("rejects %s", (_name, input, path) => {
    expectIssue(CreateDatasetRequestSchema, input, path);
  });
});

describe("DatasetRecordSchema", () => {
  it("accepts a stored dataset", () => {
    const record = {
      dataset_id: "ds_1",
      org_id: "og_1",
      name: null,
      description: null,
      device_id: "robot_001",
      tags: ["a"],
      metadata: {},
      created: "c",
      created_by: "u",
      modified: "m",
      modified_by: "u",
    };

    expect(expectValid(DatasetRecordSchema, record)).toEqual(record);
  });
});
