// Token verification speed of the package's EdgeGuard against jose 6.2.19 in Node, headless
// Chromium and workerd, on identical tokens (bench/tokens-core.js), with a bare WebCrypto
// signature check beside them as the lower bound of a WebCrypto-based verifier. Prints the
// median microseconds per verification as one Markdown table. Only prints figures.
//
// Usage: node bench/tokens.mjs [--rounds N] [--batch N] [--workerd-batch N]
//        (after scripts/build-pkg.sh)
//
// Node and Chromium time batches in-process with performance.now(). workerd advances its
// clocks only across I/O, so each batch there is one request to Miniflare, timed from Node,
// minus the median time of an empty request.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";

import * as jose from "jose";
import { Miniflare } from "miniflare";

import { launchChromium } from "../tests/js/chromium.mjs";
import { repoRoot } from "../tests/js/fixtures.mjs";
import * as nodeApi from "../pkg/node/index.mjs";
import { CASES, measureAll, median, prepare } from "./tokens-core.js";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const ROUNDS = option("--rounds", 15);
const BATCH = option("--batch", 200);
// A workerd batch is one request, whose overhead varies by about a millisecond, so its batches
// are larger.
const WORKERD_BATCH = option("--workerd-batch", 1000);

const privateKeysText = readFileSync(join(repoRoot, "tests/fixtures/keys/test-only-private-keys.json"), "utf8");
const jwksText = readFileSync(join(repoRoot, "tests/fixtures/keys/test-only-jwks.json"), "utf8");

async function runNode() {
  const state = await prepare(nodeApi, jose, JSON.parse(privateKeysText), JSON.parse(jwksText), true);
  return measureAll(state, ROUNDS, BATCH);
}

const PAGE = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<script type="module">
  import { init } from "/pkg/edge/index.js";
  import * as jose from "/node_modules/jose/dist/webapi/index.js";
  import { measureAll, prepare } from "/bench/tokens-core.js";
  await init();
  window.runTokens = async (privateKeys, jwks, rounds, batch) => {
    const module = await import("/pkg/edge/index.js");
    const state = await prepare(module, jose, privateKeys, jwks, false);
    return measureAll(state, rounds, batch);
  };
  window.tokensReady = true;
</script>
`;

/** Serves the page, the web build, the bench scripts and jose's web build on 127.0.0.1. */
function startServer() {
  const folders = ["/pkg/edge/", "/bench/", "/node_modules/jose/dist/webapi/"];
  const types = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url, "http://127.0.0.1");
    if (pathname === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(PAGE);
      return;
    }
    const folder = folders.find((prefix) => pathname.startsWith(prefix));
    const path = folder && normalize(join(repoRoot, decodeURIComponent(pathname)));
    let body;
    try {
      body = path && path.startsWith(join(repoRoot, folder)) ? readFileSync(path) : undefined;
    } catch {
      body = undefined;
    }
    if (!body) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
    response.end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function runChromium() {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.tokensReady === true);
    return await page.evaluate(
      ([privateKeys, jwks, rounds, batch]) => window.runTokens(privateKeys, jwks, rounds, batch),
      [JSON.parse(privateKeysText), JSON.parse(jwksText), ROUNDS, BATCH],
    );
  } finally {
    await browser.close();
    server.close();
  }
}

async function runWorkerd() {
  const mf = new Miniflare({
    modules: true,
    modulesRoot: repoRoot,
    scriptPath: join(repoRoot, "bench", "tokens-worker.mjs"),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-01",
    host: "127.0.0.1",
    cf: false,
    bindings: { PRIVATE_KEYS: privateKeysText, JWKS: jwksText },
  });
  const call = async (index, n) => {
    const started = performance.now();
    const response = await mf.dispatchFetch(`http://127.0.0.1/?case=${index}&n=${n}`);
    const body = await response.json();
    if (body.error) throw new Error(body.error);
    return { ms: performance.now() - started, supported: body.supported };
  };
  try {
    await call(-1, 0);
    const empty = [];
    for (let round = 0; round < ROUNDS; round++) empty.push((await call(-1, 0)).ms);
    const overhead = median(empty);
    const results = [];
    for (const [index, [name, alg]] of CASES.entries()) {
      if (!(await call(index, WORKERD_BATCH)).supported) {
        results.push({ name, alg, micros: null });
        continue;
      }
      const samples = [];
      for (let round = 0; round < ROUNDS; round++) {
        samples.push((((await call(index, WORKERD_BATCH)).ms - overhead) * 1000) / WORKERD_BATCH);
      }
      results.push({ name, alg, micros: median(samples) });
    }
    return results;
  } finally {
    await mf.dispose();
  }
}

const runtimes = [
  ["Node", runNode],
  ["Chromium", runChromium],
  ["workerd", runWorkerd],
];
const columns = [];
for (const [name, run] of runtimes) {
  console.error(`tokens: ${name}, ${ROUNDS} rounds of ${BATCH}`);
  columns.push([name, await run()]);
}

const format = (micros) => (micros === null ? "n/a" : micros < 10 ? micros.toFixed(2) : micros.toFixed(1));
console.log(`| case (µs per verification, median of ${ROUNDS} batches) | ${columns.map(([name]) => name).join(" | ")} |`);
console.log(`|---|${columns.map(() => "---:").join("|")}|`);
for (const [index, [name]] of CASES.entries()) {
  console.log(`| ${name} | ${columns.map(([, results]) => format(results[index].micros)).join(" | ")} |`);
}
console.log("");
for (const alg of ["EdDSA", "ES256", "HS256"]) {
  const ratios = columns.map(([runtime, results]) => {
    const ours = results.find((r) => r.name === `techdeck-guard ${alg}`).micros;
    const asyncOurs = results.find((r) => r.name === `techdeck-guard ${alg}, async (WebCrypto)`).micros;
    const theirs = results.find((r) => r.name === `jose ${alg}`).micros;
    const ratio = (micros) => (micros === null ? "n/a" : (theirs / micros).toFixed(2));
    return `${runtime} ${ratio(ours)} (async ${ratio(asyncOurs)})`;
  });
  console.log(`- ${alg}: jose time / techdeck-guard time: ${ratios.join(", ")}`);
}
