// Writes the entry files, types and package.json of the npm package around the wasm-pack output.
// Usage: node scripts/write-entries.mjs OUT WEB_SNIPPET NODE_SNIPPET BUNDLER_SNIPPET EDGE_SNIPPET
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [out, webSnippet, nodeSnippet, bundlerSnippet, edgeSnippet] = process.argv.slice(2);
const crate = readFileSync("Cargo.toml", "utf8");
const version = /^version = "([^"]+)"/m.exec(crate)[1];

// The export names come from the generated types, so a new Rust export needs no change here.
// The browser builds (web, bundler) leave out the `tokens` feature, so they export fewer names
// than the full builds (edge, node).
function exportNames(build) {
  const glueTypes = readFileSync(join(out, build, "techdeck_guard.d.ts"), "utf8");
  return [...glueTypes.matchAll(/^export (?:class|function) (\w+)/gm)]
    .map((match) => match[1])
    .filter((name) => name !== "initSync")
    .join(", ");
}
const list = exportNames("web");
const fullList = exportNames("edge");

const write = (path, text) => writeFileSync(join(out, path), text);

write("web/index.js", `// Browser entry: call \`await init()\` once before using the other exports.
export { default as init, initSync, ${list} } from "./techdeck_guard.js";
export { GuardError } from "${webSnippet}";
`);

write("edge/index.js", `// Browser entry with every feature, token verification included: call \`await init()\` once.
export { default as init, initSync, ${fullList} } from "./techdeck_guard.js";
export { GuardError } from "${edgeSnippet}";
`);

write("worker.js", `// Cloudflare Workers entry: workerd hands the .wasm import over as a compiled module.
import wasmModule from "./edge/techdeck_guard_bg.wasm";
import { initSync } from "./edge/techdeck_guard.js";

initSync({ module: wasmModule });

/** Resolves at once: the module is ready when this entry has loaded. */
export async function init() {}
export { ${fullList} } from "./edge/techdeck_guard.js";
export { GuardError } from "./edge/${edgeSnippet.slice(2)}";
`);

// The nodejs glue is CommonJS but its GuardError snippet is an ES module, so each folder declares its type.
write("node/package.json", JSON.stringify({ type: "commonjs" }) + "\n");
write("node/snippets/package.json", JSON.stringify({ type: "module" }) + "\n");

write("node/index.cjs", `// Node entry for require(): the nodejs glue instantiates the module synchronously.
const glue = require("./techdeck_guard.js");
const { GuardError } = require("${nodeSnippet}");

module.exports = { ...glue, GuardError, init: async () => {} };
`);

write("node/index.mjs", `// Node entry for import.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const glue = require("./techdeck_guard.js");

/** Resolves at once: the module is ready when this entry has loaded. */
export async function init() {}
export const { ${fullList} } = glue;
export { GuardError } from "${nodeSnippet}";
`);

write("bundler/index.js", `// Bundler entry (webpack 5, Vite with a Wasm plugin): the bundler instantiates the module.
export { ${list} } from "./techdeck_guard.js";
export { GuardError } from "${bundlerSnippet}";

/** Resolves at once: the bundler has instantiated the module. */
export async function init() {}
`);

// The types describe the full builds. The browser entries lack the token exports (EdgeGuard and
// the verify functions), which \`features()\` reports at run time.
write("index.d.ts", `export * from "./edge/techdeck_guard.js";
import type { GuardErrorCode } from "./edge/techdeck_guard.js";

/** The error thrown by every export: a stable \`code\` and the option, field or argument involved. */
export declare class GuardError extends Error {
  readonly name: "GuardError";
  readonly code: GuardErrorCode;
  readonly subject?: string;
}

/**
 * Loads the WebAssembly module. Browsers need it once: the web entry fetches
 * techdeck_guard_bg.wasm next to the script, or takes a URL, Response or compiled module.
 * In Node, Workers and bundlers it resolves at once.
 */
export declare function init(
  input?: { module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module },
): Promise<unknown>;
`);

const entry = {
  types: "./index.d.ts",
  workerd: "./worker.js",
  worker: "./worker.js",
  node: { import: "./node/index.mjs", require: "./node/index.cjs" },
  browser: "./web/index.js",
  default: "./web/index.js",
};
const pkg = {
  name: "techdeck-guard",
  version,
  description: "Upload and request validation for clinical conversation datasets, in WebAssembly",
  // Not published yet: `private` keeps npm from publishing it by accident.
  private: true,
  license: "UNLICENSED",
  type: "module",
  engines: { node: ">=20.19" },
  sideEffects: ["./worker.js", "./web/snippets/*", "./edge/snippets/*", "./node/*", "./bundler/*"],
  types: "./index.d.ts",
  main: "./node/index.cjs",
  module: "./web/index.js",
  exports: {
    ".": entry,
    "./web": { types: "./index.d.ts", default: "./web/index.js" },
    "./worker": { types: "./index.d.ts", default: "./worker.js" },
    "./edge": { types: "./index.d.ts", default: "./edge/index.js" },
    "./node": { types: "./index.d.ts", import: "./node/index.mjs", require: "./node/index.cjs" },
    "./bundler": { types: "./index.d.ts", default: "./bundler/index.js" },
    "./techdeck_guard_bg.wasm": "./web/techdeck_guard_bg.wasm",
    "./package.json": "./package.json",
  },
  files: ["index.d.ts", "worker.js", "web", "edge", "node", "bundler", "README.md"],
};
write("package.json", JSON.stringify(pkg, null, 2) + "\n");
