import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { formatBytes, startProgress } from "./progress.js";

function terminal(isTTY: boolean): PassThrough & { isTTY: boolean; columns: number } {
  return Object.assign(new PassThrough(), { isTTY, columns: 120 });
}

function written(stream: PassThrough): string {
  return (stream.read() as Buffer | null)?.toString("utf8") ?? "";
}

describe("startProgress", () => {
  it("draws a bar on a terminal", () => {
    const stream = terminal(true);
    const progress = startProgress(stream, "uploading {bar} {percentage}% | {file}", 4, {
      file: "a.mcap",
    });
    progress.advance(4, { file: "b.mcap" });
    progress.stop();

    const text = written(stream);
    expect(text).toContain("uploading");
    expect(text).toContain("100% | b.mcap");
  });

  it("stays silent elsewhere", () => {
    const stream = terminal(false);
    const progress = startProgress(stream, "uploading {bar}", 4);
    progress.advance(4);
    progress.stop();

    expect(written(stream)).toBe("");
  });
});

describe("formatBytes", () => {
  it("uses binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(12_880)).toBe("12.6 KiB");
    expect(formatBytes(1_942_808)).toBe("1.9 MiB");
  });
});
