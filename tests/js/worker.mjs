// Runs the shared cases in workerd (through Miniflare) against the package's Workers entry,
// pkg/worker.js, which imports the .wasm file as a compiled module.
//
// Prints one line per case and then `N passed, N failed`; exits 1 when a case fails, no case
// runs, or the worker fails. Miniflare listens on 127.0.0.1 only, and `cf: false` keeps it from
// downloading Cloudflare's request metadata.
//
// Run with: node tests/js/worker.mjs (after scripts/build-pkg.sh).
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { Miniflare } from "miniflare";

import { fixtureNames, fixturesRoot, repoRoot } from "./fixtures.mjs";
import { printResults } from "./results.mjs";

process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

async function main() {
  const fixtures = {};
  for (const name of fixtureNames()) {
    fixtures[name] = readFileSync(join(fixturesRoot, name)).toString("base64");
  }

  const mf = new Miniflare({
    modules: true,
    modulesRoot: repoRoot,
    scriptPath: join(repoRoot, "tests", "js", "worker-entry.mjs"),
    // Without the ESModule rule for .js, Miniflare reads pkg/*.js as CommonJS.
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-01",
    host: "127.0.0.1",
    cf: false,
    bindings: { FIXTURES: fixtures },
  });

  const problems = [];
  let results = [];
  try {
    const response = await mf.dispatchFetch("http://127.0.0.1/");
    const body = await response.json();
    if (!response.ok || body.error) problems.push(`worker failed with HTTP ${response.status}: ${body.error ?? ""}`);
    results = body.results ?? [];
  } finally {
    await mf.dispose();
  }
  return printResults("workerd", results, problems);
}

process.exitCode = await main().catch((error) => {
  console.log(`workerd error: ${error?.stack ?? error}`);
  console.log("0 passed, 0 failed");
  return 1;
});
