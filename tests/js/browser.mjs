// Runs the shared cases in headless Chromium against a browser entry of the package: pkg/web (the
// default build, without token verification) or, with `--entry edge`, pkg/edge (every feature).
//
// Serves the repository's pkg/, tests/js/ and tests/fixtures/ on a random port of 127.0.0.1,
// opens tests/js/browser.html with Debian's Chromium through playwright-core, and prints one
// line per case and then `N passed, N failed`. Exits 1 when a case fails, no case runs, or the
// page reports an error.
//
// Run with: node tests/js/browser.mjs (after scripts/build-pkg.sh).
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, resolve, sep } from "node:path";

import { launchChromium } from "./chromium.mjs";

import { fixtureNames, repoRoot } from "./fixtures.mjs";
import { printResults } from "./results.mjs";



/** The only folders served, relative to the repository root. */
const SERVED = ["pkg/", "tests/js/", "tests/fixtures/"];

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

const CASE_TIMEOUT_MS = 180_000;

// The package build under test, from `--entry web|edge`.
const entryIndex = process.argv.indexOf("--entry");
const ENTRY = entryIndex === -1 ? "web" : process.argv[entryIndex + 1];
if (ENTRY !== "web" && ENTRY !== "edge") {
  console.error(`browser: --entry must be web or edge, got ${ENTRY}`);
  process.exit(2);
}

/**
 * Maps a request path to a file inside one of the SERVED folders, or returns null. Rejects
 * encoded separators, `..` segments and symbolic links that lead out of the repository.
 */
async function resolveFile(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\") || decoded.split("/").includes("..")) {
    return null;
  }
  const relativePath = decoded.replace(/^\/+/, "");
  if (!SERVED.some((folder) => relativePath.startsWith(folder))) {
    return null;
  }
  const root = await realpath(repoRoot);
  const path = resolve(root, relativePath);
  if (!path.startsWith(root + sep)) {
    return null;
  }
  try {
    const real = await realpath(path);
    if (!real.startsWith(root + sep) || !(await stat(real)).isFile()) {
      return null;
    }
    return real;
  } catch {
    return null;
  }
}

function startServer() {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, "http://127.0.0.1");
    const file = request.method === "GET" ? await resolveFile(url.pathname) : null;
    if (file === null) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    response.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolveServer, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolveServer(server));
  });
}

async function main() {
  const server = await startServer();
  const { port } = server.address();
  const browser = await launchChromium();
  const problems = [];
  let results = [];
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(CASE_TIMEOUT_MS);
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ""}`));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });

    const query = new URLSearchParams(fixtureNames().map((name) => ["fixture", name]));
    query.set("entry", ENTRY);
    await page.goto(`http://127.0.0.1:${port}/tests/js/browser.html?${query}`);
    await page.waitForFunction(() => window.caseResults !== undefined);
    const outcome = await page.evaluate(() => window.caseResults);
    if (outcome.error) problems.push(`setup failed: ${outcome.error}`);
    results = outcome.results ?? [];
    const hasTokens = outcome.features?.includes("tokens");
    if (outcome.features && hasTokens !== (ENTRY === "edge")) {
      problems.push(`pkg/${ENTRY} was built ${hasTokens ? "with" : "without"} the tokens feature`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  return printResults(`chromium (${ENTRY})`, results, problems);
}

process.exitCode = await main().catch((error) => {
  console.log(`chromium error: ${error?.stack ?? error}`);
  console.log("0 passed, 0 failed");
  return 1;
});
