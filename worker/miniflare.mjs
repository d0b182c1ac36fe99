// Runs the Worker in workerd through Miniflare, on 127.0.0.1.
//
// Miniflare does not bundle, so the modules are listed here: the Worker's own files, the built
// package's Workers entry with its glue, snippets and .wasm, and a module named
// `src/techdeck-guard` that re-exports that entry. The Worker imports the package by its name, as
// a Worker bundled by wrangler from node_modules would.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { Miniflare } from "miniflare";

const workerRoot = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(workerRoot);

function filesUnder(dir, keep) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, keep));
    else if (keep(entry.name)) out.push(path);
  }
  return out;
}

function modules() {
  const isScript = (name) => name.endsWith(".js");
  const source = filesUnder(join(workerRoot, "src"), isScript);
  const main = join(workerRoot, "src", "index.js");
  const ordered = [main, ...source.filter((path) => path !== main)];
  const pkg = join(repoRoot, "pkg");
  // The Workers entry imports the glue and .wasm of one build folder; read which from it.
  const entry = readFileSync(join(pkg, "worker.js"), "utf8");
  const build = /from "\.\/(\w+)\/techdeck_guard_bg\.wasm"/.exec(entry)[1];
  const glue = [
    join(pkg, "worker.js"),
    join(pkg, build, "techdeck_guard.js"),
    ...filesUnder(join(pkg, build, "snippets"), isScript),
  ];
  return [
    ...ordered.map((path) => ({ type: "ESModule", path })),
    ...glue.map((path) => ({ type: "ESModule", path })),
    { type: "CompiledWasm", path: join(pkg, build, "techdeck_guard_bg.wasm") },
    // workerd resolves a bare specifier next to the importing module, so the name sits in src/.
    { type: "ESModule", path: join(workerRoot, "src", "techdeck-guard"), contents: 'export * from "../../pkg/worker.js";\n' },
  ];
}

/**
 * Starts the Worker on 127.0.0.1:`port` (0 picks a free port). `bindings` are its environment
 * (KEY_SERVER_URL, SINK_URL, ALLOWED_ORIGIN, MAX_FILE_SIZE_MB). Resolves to
 * `{ url, dispose() }`.
 */
export async function startWorker({ port = 0, bindings }) {
  process.env.WRANGLER_SEND_METRICS = "false";
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  const mf = new Miniflare({
    modules: modules(),
    modulesRoot: repoRoot,
    compatibilityDate: "2026-04-01",
    host: "127.0.0.1",
    port,
    cf: false,
    bindings,
  });
  const ready = await mf.ready;
  return { url: ready.origin, dispose: () => mf.dispose() };
}
