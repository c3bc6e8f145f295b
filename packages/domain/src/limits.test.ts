import { describe, expect, it } from "vitest";
import { LIMITS } from "./limits.js";

describe("LIMITS", () => {
  it.each<[keyof typeof LIMITS, number]>([
    ["jsonBodyBytes", 1_048_576],
    ["pageLimitMin", 1],
    ["pageLimitMax", 1000],
    ["pageLimitDefault", 100],
    ["tagsPerEntity", 256],
    ["tagLength", 128],
    ["metadataBytes", 65_536],
    ["metadataDepth", 32],
    ["filesPerRequest", 1000],
    ["devicesPerRequest", 1000],
    ["sessionNameLength", 120],
    ["sessionKeyLength", 120],
    ["descriptionLength", 4096],
    ["idLength", 128],
    ["relativePathLength", 1024],
    ["changesetPaths", 1000],
  ])("sets %s to %i", (name, value) => {
    expect(LIMITS[name]).toBe(value);
  });

  it("keeps the default page size in range", () => {
    expect(LIMITS.pageLimitDefault).toBeGreaterThanOrEqual(LIMITS.pageLimitMin);
    expect(LIMITS.pageLimitDefault).toBeLessThanOrEqual(LIMITS.pageLimitMax);
  });

  it("fits metadata inside a body", () => {
    expect(LIMITS.metadataBytes).toBeLessThan(LIMITS.jsonBodyBytes);
  });

  it("lists every limit tested", () => {
    expect(Object.keys(LIMITS)).toHaveLength(16);
  });
});
