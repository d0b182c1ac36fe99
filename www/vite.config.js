// Builds the demo page. techdeck-guard is excluded from dependency pre-bundling so that its
// web entry finds techdeck_guard_bg.wasm next to itself.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  optimizeDeps: { exclude: ["techdeck-guard"] },
  worker: { format: "es" },
  build: { target: "es2022", sourcemap: false },
});
