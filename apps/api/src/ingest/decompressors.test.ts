import { describe, expect, it } from "vitest";
import { loadDecompressors } from "./decompressors.js";

describe("loadDecompressors", () => {
  it("leaves process listeners unchanged", async () => {
    const uncaught = process.listeners("uncaughtException");
    const unhandled = process.listeners("unhandledRejection");

    await loadDecompressors();

    expect(process.listeners("uncaughtException")).toEqual(uncaught);
    expect(process.listeners("unhandledRejection")).toEqual(unhandled);
  });

  it("provides bz2, lz4 and zstd", async () => {
    const decompressors = await loadDecompressors();
    expect(Object.keys(decompressors).sort()).toEqual(["bz2", "lz4", "zstd"]);
  });

  it("bad input throws a catchable error", async () => {
    const { bz2, lz4 } = await loadDecompressors();
    const garbage = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    expect(() => bz2?.(garbage, 100n)).toThrow(Error);
    expect(() => lz4?.(garbage, 100n)).toThrow(Error);
  });
});
