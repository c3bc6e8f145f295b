import * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type AddFilesRequest,
  type CreateCustomFieldRequest,
  type CreateDatasetRequest,
  type CreateDeviceRequest,
  type CreateSessionInput,
  type CreateSessionRequest,
  type CustomFieldChangeset,
  type DatasetRecord,
  type DeviceRecord,
  type ErrorCode,
  type FieldType,
  type FileRecord,
  type MetadataChangeset,
  parseJson,
  type RegisterFileRequest,
  type SessionFile,
  type SessionFileRecord,
  type SessionFileView,
  type SessionRecord,
  SessionRecordSchema,
  type SessionUpdate,
  type SessionUpdateInput,
  type TopicRecord,
  type UpdateFileRequest,
} from "./index.js";

// `pnpm typecheck` checks the type assertions. Each test also checks a runtime
// fact, so that it can fail under vitest alone.

describe("inferred session types", () => {
  it("types session bounds as bigint", () => {
    expectTypeOf<SessionRecord["min_timestamp_ns"]>().toEqualTypeOf<bigint | null>();
    expectTypeOf<SessionRecord["max_timestamp_ns"]>().toEqualTypeOf<bigint | null>();
    expectTypeOf<SessionRecord["tags"]>().toEqualTypeOf<string[]>();
    expectTypeOf<SessionRecord["metadata"]>().toEqualTypeOf<Record<string, unknown>>();

    const record = v.parse(
      SessionRecordSchema,
      parseJson(`{"session_id":"ss_1","org_id":"og_1","key":null,"name":null,"description":null,
        "tags":[],"metadata":{},"custom_fields":{},"min_timestamp_ns":1,"max_timestamp_ns":2,
        "created":"c","created_by":"u","modified":"m","modified_by":"u"}`),
    );
    expect(typeof record.min_timestamp_ns).toBe("bigint");
  });

  it("types update keys optional and nullable", () => {
    expectTypeOf<SessionUpdate["name"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<SessionUpdate["description"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<SessionUpdate["metadata_changeset"]>().toEqualTypeOf<
      MetadataChangeset | null | undefined
    >();
    expectTypeOf<SessionUpdate["custom_fields_changeset"]>().toEqualTypeOf<
      CustomFieldChangeset | null | undefined
    >();
    expectTypeOf({}).toExtend<SessionUpdate>();
    expectTypeOf({}).toExtend<SessionUpdateInput>();
    expectTypeOf({ name: null }).toExtend<SessionUpdateInput>();

    const keys: (keyof SessionUpdate)[] = [
      "name",
      "description",
      "metadata_changeset",
      "custom_fields_changeset",
    ];
    expect(keys).toHaveLength(4);
  });

  it("types create defaults as filled", () => {
    expectTypeOf<CreateSessionRequest["device_ids"]>().toEqualTypeOf<string[]>();
    expectTypeOf<CreateSessionRequest["tags"]>().toEqualTypeOf<string[]>();
    expectTypeOf<CreateSessionRequest["metadata"]>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<CreateSessionRequest["custom_fields"]>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<CreateSessionRequest["files"]>().toEqualTypeOf<SessionFile[]>();
    expectTypeOf<CreateSessionRequest["name"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf({}).toExtend<CreateSessionInput>();

    const input: CreateSessionInput = {
      files: [{ file_id: "fl_1", range_min_timestamp_ns: 1n, range_max_timestamp_ns: 2n }],
    };
    expect(input.files).toHaveLength(1);
  });

  it("types contribution bounds as bigint", () => {
    expectTypeOf<SessionFile>().toEqualTypeOf<{
      file_id: string;
      range_min_timestamp_ns: bigint | null;
      range_max_timestamp_ns: bigint | null;
    }>();
    expectTypeOf<AddFilesRequest["files"]>().toEqualTypeOf<SessionFile[]>();
    expectTypeOf<SessionFileRecord["range_min_timestamp_ns"]>().toEqualTypeOf<bigint | null>();
    expectTypeOf<SessionFileView["file_start_time_ns"]>().toEqualTypeOf<bigint | null>();
    expectTypeOf<SessionFileView["min_timestamp_ns"]>().toEqualTypeOf<bigint | null>();

    const file: SessionFile = {
      file_id: "fl_1",
      range_min_timestamp_ns: 1n,
      range_max_timestamp_ns: null,
    };
    expect(typeof file.range_min_timestamp_ns).toBe("bigint");
  });
});

describe("inferred file and device types", () => {
  it("types file windows as bigint", () => {
    expectTypeOf<FileRecord["start_time_ns"]>().toEqualTypeOf<bigint | null>();
    expectTypeOf<FileRecord["end_time_ns"]>().toEqualTypeOf<bigint | null>();
    expectTypeOf<FileRecord["time_offset_ns"]>().toEqualTypeOf<bigint | null>();
    expectTypeOf<TopicRecord["start_time_ns"]>().toEqualTypeOf<bigint | null>();
    expectTypeOf<RegisterFileRequest["start_time_ns"]>().toEqualTypeOf<bigint | null | undefined>();
    expectTypeOf<UpdateFileRequest["time_offset_ns"]>().toEqualTypeOf<bigint | null | undefined>();

    const request: RegisterFileRequest = { relative_path: "a.mcap", tags: [], metadata: {} };
    expect(request.start_time_ns).toBeUndefined();
  });

  it("types device and dataset records", () => {
    expectTypeOf<DeviceRecord["tags"]>().toEqualTypeOf<string[]>();
    expectTypeOf<DeviceRecord["name"]>().toEqualTypeOf<string | null>();
    expectTypeOf<CreateDeviceRequest["custom_fields"]>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<DatasetRecord["device_id"]>().toEqualTypeOf<string | null>();
    expectTypeOf<CreateDatasetRequest["tags"]>().toEqualTypeOf<string[]>();

    const device: Pick<DeviceRecord, "tags"> = { tags: ["a"] };
    expect(device.tags).toEqual(["a"]);
  });
});

describe("inferred changeset types", () => {
  it("types changeset members optional", () => {
    expectTypeOf({}).toExtend<MetadataChangeset>();
    expectTypeOf<MetadataChangeset["put_tags"]>().toEqualTypeOf<string[] | null | undefined>();
    expectTypeOf<MetadataChangeset["put_fields"]>().toEqualTypeOf<
      Record<string, unknown> | null | undefined
    >();
    expectTypeOf<MetadataChangeset["replace_all"]>().toEqualTypeOf<boolean | null | undefined>();
    expectTypeOf({}).toExtend<CustomFieldChangeset>();
    expectTypeOf<CustomFieldChangeset["clear_fields"]>().toEqualTypeOf<
      string[] | null | undefined
    >();

    const changeset: MetadataChangeset = { put_tags: ["a"] };
    expect(changeset.put_tags).toEqual(["a"]);
  });

  it("types field types as literals", () => {
    expectTypeOf<CreateCustomFieldRequest["field_type"]>().toEqualTypeOf<FieldType>();
    expectTypeOf<FieldType>().toEqualTypeOf<
      "boolean" | "enum" | "number" | "string" | "timestamp"
    >();
    expectTypeOf<ErrorCode>().toExtend<`Roboto${string}Exception`>();

    const code: ErrorCode = "RobotoNotFoundException";
    expect(code).toMatch(/^Roboto/);
  });
});
