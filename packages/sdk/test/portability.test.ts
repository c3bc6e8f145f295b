import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SOURCE = join(import.meta.dirname, "../src");

// Node.js-only names a module of the client could reach for by habit.
const NODE_ONLY = [
  /from\s+["']node:/,
  /from\s+["'](fs|path|os|http|https|net|crypto|stream|buffer|url|util|events)["']/,
  /\brequire\(/,
  /\bBuffer\./,
  /\bprocess\.(env|nextTick|version)/,
];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter(
      (entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"),
    )
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("portability", () => {
  it("client imports no Node module", async () => {
    const files = await sourceFiles(SOURCE);
    expect(files.length).toBeGreaterThan(10);

    for (const file of files) {
      // Doc comments may show Node.js usage in examples; only code counts.
      const text = (await readFile(file, "utf8"))
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      for (const pattern of NODE_ONLY)
        expect(pattern.test(text), `${file} matches ${pattern}`).toBe(false);
    }
  });
});
