import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  platform: "node",
  sourcemap: true,
  clean: true,
  fixedExtension: false,
});
