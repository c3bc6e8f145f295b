import { describe, expect, it } from "vitest";
import { expectIssue, expectValid } from "../testing/expect-issue.js";
import {
  AddOrgUserRequestSchema,
  CreateApiKeyRequestSchema,
  CreateOrgRequestSchema,
  ROLES,
} from "./schemas.js";

describe("CreateOrgRequestSchema", () => {
  it("reads a name", () => {
    expect(expectValid(CreateOrgRequestSchema, { name: "lab" })).toEqual({ name: "lab" });
  });

  it.each([[{}], [{ name: "" }], [{ name: "n".repeat(121) }]])("rejects %j", (input) => {
    expectIssue(CreateOrgRequestSchema, input, "name");
  });
});

describe("AddOrgUserRequestSchema", () => {
  it("lists the roles", () => {
    expect(ROLES).toEqual(["admin", "member"]);
  });

  it("defaults the role to member", () => {
    expect(expectValid(AddOrgUserRequestSchema, { name: "ada" })).toEqual({
      name: "ada",
      role: "member",
    });
  });

  it("adds an existing user", () => {
    expect(expectValid(AddOrgUserRequestSchema, { user_id: "us_1", role: "admin" })).toEqual({
      user_id: "us_1",
      role: "admin",
    });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["neither name nor user", {}, "body", /either name .* or user_id/],
    ["both name and user", { name: "ada", user_id: "us_1" }, "body", /either name/],
    ["an unknown role", { name: "ada", role: "owner" }, "role", /'admin' or 'member'/],
  ])("rejects %s", (_name, input, path, reason) => {
    expectIssue(AddOrgUserRequestSchema, input, path, reason);
  });
});

describe("CreateApiKeyRequestSchema", () => {
  it("accepts an RFC 3339 expiry", () => {
    const parsed = expectValid(CreateApiKeyRequestSchema, {
      name: "ci",
      expires: "2027-01-01T00:00:00Z",
    });

    expect(parsed.expires).toBe("2027-01-01T00:00:00Z");
  });

  it("rejects a date without time", () => {
    expectIssue(
      CreateApiKeyRequestSchema,
      { name: "ci", expires: "2027-01-01" },
      "expires",
      /RFC 3339/,
    );
  });
});
