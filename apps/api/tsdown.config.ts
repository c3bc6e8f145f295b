import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts", "src/node.ts", "src/main.ts"],
  format: ["esm"],
  dts: true,
  platform: "node",
  sourcemap: true,
  clean: true,
  fixedExtension: false,
});
