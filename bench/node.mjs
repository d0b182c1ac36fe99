// Node throughput and memory of the built Wasm package, beside an anchor in the same process on
// the same bytes: papaparse 5.7.1 reading the CSV as a stream, or JSON.parse on each JSON Lines
// line. Run scripts/build-pkg.sh first.
//
// Usage: node bench/node.mjs [--runs N] [--json] [FILE...]
//   --runs N   timed runs of the validator and of the anchor per file (default 5)
//   --json     print the results to stdout as one JSON array for bench/table.mjs
//
// Each file runs in its own child process, so every file starts with a fresh Wasm instance and
// its own peak RSS. The validator is the Node entry, pkg/node/index.mjs. That entry does not
// expose the Wasm memory, so after the timed runs the child instantiates the web build
// (pkg/web, the same Rust code) with initSync, validates the file once more, and reports that
// instance's linear memory size. Linear memory never shrinks, so its final size is its peak.
import { execFileSync } from "node:child_process";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { CHUNK_BYTES, compare, jsonParsePass, median, megabytesPerSecond, papaparsePass, validatePass } from "./measure.js";

const DEFAULT_RUNS = 5;
const DEFAULT_INPUTS = [
  "../shared/data/therapy/counsel-chat/20200325_counsel_chat.csv",
  "target/bench/sessions-100mb.csv",
  "target/bench/sessions-100mb.jsonl",
];
const self = fileURLToPath(import.meta.url);

function parseArgs(argv) {
  const options = { runs: DEFAULT_RUNS, json: false, child: false, inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--runs") {
      options.runs = Number(argv[++i]);
      if (!Number.isInteger(options.runs) || options.runs < 1) usage();
    } else if (arg === "--json") {
      options.json = true;
    } else if (arg === "--child") {
      options.child = true;
    } else if (arg.startsWith("--")) {
      usage();
    } else {
      options.inputs.push(arg);
    }
  }
  if (options.inputs.length === 0) options.inputs = DEFAULT_INPUTS;
  return options;
}

function usage() {
  console.error("usage: node bench/node.mjs [--runs N] [--json] [FILE...]");
  process.exit(2);
}

/** Returns a function that opens the file as 1 MiB chunks. */
function chunksOf(path) {
  return () => createReadStream(path, { highWaterMark: CHUNK_BYTES });
}

/** Measures one file in this process and prints its result as JSON to stdout. */
async function measureFile(path, runs) {
  const { UploadValidator } = await import("../pkg/node/index.mjs");
  const { default: Papa } = await import("papaparse");
  const bytes = statSync(path).size;
  const fileName = basename(path);
  const openChunks = chunksOf(path);
  const isJsonl = fileName.endsWith(".jsonl");
  const anchorName = isJsonl ? "JSON.parse per line" : "papaparse 5.7.1";
  console.error(`${path} (${bytes} bytes), ${runs} runs`);

  const timings = await compare({
    runs,
    validate: () => validatePass(UploadValidator, openChunks, fileName),
    anchor: () => (isJsonl ? jsonParsePass(openChunks) : papaparsePass(Papa, openChunks)),
    now: () => performance.now(),
    onRun: (run, subject, anchor) =>
      console.error(`  run ${run}: validator ${subject.toFixed(0)} ms, anchor ${anchor.toFixed(0)} ms`),
  });
  const memory = await measureLinearMemory(openChunks, fileName);

  const subjectMbps = megabytesPerSecond(bytes, median(timings.subjectMs));
  const anchorMbps = megabytesPerSecond(bytes, median(timings.anchorMs));
  const { pass } = timings;
  console.error(
    `  validator: median ${subjectMbps.toFixed(1)} MB/s, Wasm memory ${mib(memory.peak)} MiB; ` +
      `${pass.records} records, ${pass.values} values, valid ${pass.valid}, ${pass.errors} errors`,
  );
  console.error(`  anchor (${anchorName}): median ${anchorMbps.toFixed(1)} MB/s; ${timings.anchorRecords} records`);

  const result = {
    runtime: `node ${process.version}`,
    input: fileName,
    bytes,
    runs,
    subject: {
      mbps: subjectMbps,
      samples_mbps: timings.subjectMs.map((ms) => megabytesPerSecond(bytes, ms)),
      ...pass,
    },
    anchor: { name: anchorName, mbps: anchorMbps, records: timings.anchorRecords },
    memory: {
      kind: "Wasm linear memory",
      bytes: memory.peak,
      initial_bytes: memory.initial,
      process_peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Validates the file once in a fresh instance of the web build and returns its memory sizes. */
async function measureLinearMemory(openChunks, fileName) {
  const web = await import("../pkg/web/index.js");
  const wasmPath = fileURLToPath(new URL("../pkg/web/techdeck_guard_bg.wasm", import.meta.url));
  const exports = web.initSync({ module: readFileSync(wasmPath) });
  const initial = exports.memory.buffer.byteLength;
  await validatePass(web.UploadValidator, openChunks, fileName);
  return { initial, peak: exports.memory.buffer.byteLength };
}

function mib(bytes) {
  return (bytes / (1024 * 1024)).toFixed(1);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.child) {
    await measureFile(options.inputs[0], options.runs);
    return;
  }
  const results = [];
  for (const path of options.inputs) {
    try {
      statSync(path);
    } catch {
      console.error(`skipped ${path}: file not found (run \`node bench/make-data.mjs\` for the generated files)`);
      continue;
    }
    const output = execFileSync(process.execPath, [self, "--child", "--runs", String(options.runs), path], {
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    results.push(JSON.parse(output));
  }
  if (options.json) console.log(JSON.stringify(results, null, 2));
}

await main();
