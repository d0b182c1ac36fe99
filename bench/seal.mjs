// Encryption throughput of the built package in Node and in headless Chromium: the encrypted
// file format on the WebCrypto and the Rust chunk ciphers, beside plain WebCrypto AES-256-GCM
// over the same bytes as the anchor. The input is generated in memory. Chromium loads the web
// build from a server on 127.0.0.1. Run scripts/build-pkg.sh first.
//
// Usage: node bench/seal.mjs [--size MIB] [--runs N]
//   --size MIB   input size in MiB (default 100)
//   --runs N     timed runs of each pass per runtime (default 5)
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

import { launchChromium } from "../tests/js/chromium.mjs";
import { median, megabytesPerSecond } from "./measure.js";
import { runSealBench } from "./seal-measure.js";

const repo = resolve(fileURLToPath(new URL("..", import.meta.url)));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const size = option("--size", 100) * 1024 * 1024;
const runs = option("--runs", 5);

const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module">
import * as api from "/pkg/web/index.js";
import { runSealBench } from "/bench/seal-measure.js";
await api.init();
window.runSealBench = (job) => runSealBench(api, { ...job, now: () => performance.now() });
window.benchReady = true;
</script>`;
const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm" };

/** Serves the page, the web build and bench/seal-measure.js; every other path is not found. */
function serve() {
  const server = createServer((request, response) => {
    const pathname = new URL(request.url, "http://127.0.0.1").pathname;
    if (pathname === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(PAGE);
      return;
    }
    const path = normalize(join(repo, pathname));
    const allowed = pathname.startsWith("/pkg/web/") || pathname === "/bench/seal-measure.js";
    let length;
    try {
      length = allowed && path.startsWith(repo) ? statSync(path).size : undefined;
    } catch {
      length = undefined;
    }
    if (length === undefined) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "content-length": length });
    createReadStream(path).pipe(response);
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done(server)));
}

function report(runtime, outcome) {
  const anchor = median(outcome.timings["anchor: plain WebCrypto AES-GCM encrypt"]);
  console.log(`\n${runtime}: ${(outcome.size / 1048576).toFixed(0)} MiB, ${runs} runs, median of each`);
  console.log("| pass | median ms | MB/s | time ÷ plain WebCrypto encrypt |");
  console.log("|---|---|---|---|");
  for (const [name, timings] of Object.entries(outcome.timings)) {
    const ms = median(timings);
    console.log(`| ${name} | ${ms.toFixed(0)} | ${megabytesPerSecond(outcome.size, ms).toFixed(0)} | ${(ms / anchor).toFixed(2)} |`);
  }
}

const api = await import("techdeck-guard");
await api.init();
const nodeOutcome = await runSealBench(api, { size, runs, now: () => performance.now(), log: (line) => console.error(`node: ${line}`) });
report(`Node ${process.version}`, nodeOutcome);

const server = await serve();
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.benchReady === true);
  const browserOutcome = await page.evaluate((job) => window.runSealBench(job), { size, runs });
  report(`Chromium ${browser.version()}`, browserOutcome);
} finally {
  await browser.close();
  server.close();
}
