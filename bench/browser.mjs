// Chromium throughput and memory of the built Wasm package. Serves the page, the web build,
// papaparse and the input files on 127.0.0.1, then opens the page in headless Debian Chromium
// through playwright-core. The page fetches each file, streams the body through
// UploadValidator in 1 MiB chunks, and runs the anchor in the same page: papaparse 5.7.1 on the
// CSV, or JSON.parse on each JSON Lines line. Run scripts/build-pkg.sh first.
//
// Usage: node bench/browser.mjs [--runs N] [--large-runs N] [--json] [FILE...]
//   --runs N         timed runs per file (default 5)
//   --large-runs N   timed runs per file over 16 MiB (default 3)
//   --json           print the results to stdout as one JSON array for bench/table.mjs
//
// Every file gets a new page, so a fresh Wasm instance, whose linear memory size after the
// runs is its peak (linear memory never shrinks).
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { basename, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../tests/js/chromium.mjs";
import { median, megabytesPerSecond } from "./measure.js";

const DEFAULT_RUNS = 5;
const DEFAULT_LARGE_RUNS = 3;
const LARGE_FILE_BYTES = 16 * 1024 * 1024;
const DEFAULT_INPUTS = [
  "../shared/data/therapy/counsel-chat/20200325_counsel_chat.csv",
  "target/bench/sessions-100mb.csv",
  "target/bench/sessions-100mb.jsonl",
];
const repo = resolve(fileURLToPath(new URL("..", import.meta.url)));
const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".csv": "text/csv",
  ".jsonl": "application/jsonl",
};
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>techdeck-guard benchmark</title>
<link rel="icon" href="data:,">
<script src="/papaparse.js"></script>
<script type="module" src="/bench/browser-page.js"></script>
`;

function parseArgs(argv) {
  const options = { runs: DEFAULT_RUNS, largeRuns: DEFAULT_LARGE_RUNS, json: false, inputs: [] };
  const count = (value) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) usage();
    return number;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--runs") options.runs = count(argv[++i]);
    else if (arg === "--large-runs") options.largeRuns = count(argv[++i]);
    else if (arg === "--json") options.json = true;
    else if (arg.startsWith("--")) usage();
    else options.inputs.push(arg);
  }
  if (options.inputs.length === 0) options.inputs = DEFAULT_INPUTS;
  return options;
}

function usage() {
  console.error("usage: node bench/browser.mjs [--runs N] [--large-runs N] [--json] [FILE...]");
  process.exit(2);
}

/**
 * Maps a request path to a file: the page, the bench scripts, the web build, papaparse, or an
 * input file by its index (`/data/0`). Every other path is not found, so the server exposes
 * nothing else of the machine.
 */
function routeFile(pathname, inputs) {
  if (pathname === "/papaparse.js") return join(repo, "node_modules/papaparse/papaparse.min.js");
  const input = /^\/data\/(\d+)$/.exec(pathname);
  if (input) return inputs[Number(input[1])];
  for (const folder of ["/pkg/web/", "/bench/"]) {
    if (!pathname.startsWith(folder)) continue;
    // join keeps the trailing slash of `folder`, so a sibling such as /pkg/webx does not match.
    const path = normalize(join(repo, decodeURIComponent(pathname)));
    if (path.startsWith(join(repo, folder))) return path;
  }
  return undefined;
}

function startServer(inputs) {
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url, "http://127.0.0.1");
    if (pathname === "/") {
      response.writeHead(200, { "content-type": CONTENT_TYPES[".html"] });
      response.end(PAGE);
      return;
    }
    const path = routeFile(pathname, inputs);
    let size;
    try {
      size = path && statSync(path).isFile() ? statSync(path).size : undefined;
    } catch {
      size = undefined;
    }
    if (size === undefined) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end(`not found: ${pathname}\n`);
      return;
    }
    response.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(path)] ?? "application/octet-stream",
      "content-length": size,
      "cache-control": "no-store",
    });
    createReadStream(path).pipe(response);
  });
  return new Promise((resolveServer) => server.listen(0, "127.0.0.1", () => resolveServer(server)));
}

async function measureFile(browser, origin, index, path, runs) {
  const bytes = statSync(path).size;
  const fileName = basename(path);
  const isJsonl = fileName.endsWith(".jsonl");
  const anchorName = isJsonl ? "JSON.parse per line" : "papaparse 5.7.1";
  console.error(`${path} (${bytes} bytes), ${runs} runs`);

  const page = await browser.newPage();
  page.on("console", (message) => console.error(message.text()));
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.benchReady === true);
  const outcome = await page.evaluate((job) => window.runBench(job), { url: `/data/${index}`, fileName, bytes, runs });
  await page.close();

  const subjectMbps = megabytesPerSecond(bytes, median(outcome.subjectMs));
  const anchorMbps = megabytesPerSecond(bytes, median(outcome.anchorMs));
  const { pass } = outcome;
  console.error(
    `  validator: median ${subjectMbps.toFixed(1)} MB/s, Wasm memory ${mib(outcome.memory.peak)} MiB; ` +
      `${pass.records} records, ${pass.values} values, valid ${pass.valid}, ${pass.errors} errors`,
  );
  console.error(`  anchor (${anchorName}): median ${anchorMbps.toFixed(1)} MB/s; ${outcome.anchorRecords} records`);
  console.error(`  fetch alone: median ${outcome.fetchOnlyMbps.toFixed(1)} MB/s`);

  return {
    runtime: `chromium ${browser.version()}`,
    input: fileName,
    bytes,
    runs,
    subject: {
      mbps: subjectMbps,
      samples_mbps: outcome.subjectMs.map((ms) => megabytesPerSecond(bytes, ms)),
      ...pass,
    },
    anchor: { name: anchorName, mbps: anchorMbps, records: outcome.anchorRecords },
    fetch_only_mbps: outcome.fetchOnlyMbps,
    memory: { kind: "Wasm linear memory", bytes: outcome.memory.peak, initial_bytes: outcome.memory.initial },
  };
}

function mib(bytes) {
  return (bytes / (1024 * 1024)).toFixed(1);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const inputs = options.inputs
    .map((path) => resolve(path))
    .filter((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        console.error(`skipped ${path}: file not found (run \`node bench/make-data.mjs\` for the generated files)`);
        return false;
      }
    });
  const server = await startServer(inputs);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await launchChromium();
  const results = [];
  try {
    for (const [index, path] of inputs.entries()) {
      const runs = statSync(path).size > LARGE_FILE_BYTES ? options.largeRuns : options.runs;
      results.push(await measureFile(browser, origin, index, path, runs));
    }
  } finally {
    await browser.close();
    server.close();
  }
  if (options.json) console.log(JSON.stringify(results, null, 2));
}

await main();
