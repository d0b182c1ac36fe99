// Node throughput and start-up of the PHI scanner in the built Wasm package, beside an anchor in
// the same process on the same texts: one JavaScript regex for SSNs. Then the start-up in
// workerd (through Miniflare, on 127.0.0.1): instantiating the module, building a scanner and
// the first scan, without and with the name dictionary. Run scripts/build-pkg.sh first, and
// write the texts with
//   phi_eval counsel counsel_chat.csv --dump target/bench/counsel-texts.json
//
// Usage: node bench/phi.mjs [TEXTS.json] [--dictionary assets/phi-names.bin] [--no-workerd]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const args = process.argv.slice(2);
const workerd = !args.includes("--no-workerd");
if (!workerd) args.splice(args.indexOf("--no-workerd"), 1);
const dictionaryAt = args.indexOf("--dictionary");
const dictionaryPath = dictionaryAt >= 0 ? args.splice(dictionaryAt, 2)[1] : null;
const textsPath = args[0] ?? "target/bench/counsel-texts.json";
const texts = JSON.parse(readFileSync(textsPath, "utf8"));
const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);

const loadStart = performance.now();
const api = await import("../pkg/node/index.mjs");
const options = {};
const scanner = dictionaryPath ? api.Scanner.withDictionary(options, new Uint8Array(readFileSync(dictionaryPath))) : new api.Scanner(options);
scanner.scan(texts[0]);
const startup = performance.now() - loadStart;

const anchor = /\b\d{3}-\d{2}-\d{4}\b/g;
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const scanTimes = [];
const anchorTimes = [];
let findings = 0;
for (let run = 0; run < 7; run++) {
  let start = performance.now();
  findings = 0;
  for (const text of texts) findings += scanner.scan(text).length;
  scanTimes.push(performance.now() - start);
  start = performance.now();
  let matches = 0;
  for (const text of texts) matches += (text.match(anchor) ?? []).length;
  anchorTimes.push(performance.now() - start);
}
const megabytes = bytes / 1e6;
const scan = median(scanTimes);
const regex = median(anchorTimes);
console.log(`texts ${texts.length}, ${bytes} bytes, ${findings} findings, dictionary ${scanner.hasDictionary}`);
console.log(`start-up (import, build, first scan): ${startup.toFixed(1)} ms`);
console.log(`scanner ${(megabytes / (scan / 1000)).toFixed(1)} MB/s, anchor (one SSN regex) ${(megabytes / (regex / 1000)).toFixed(1)} MB/s, ratio ${(regex / scan).toFixed(3)} (median of 7)`);

// workerd start-up: one fresh Miniflare instance per run and variant, so every `/scan` request
// instantiates the module anew. The median of the `/ping` latencies before it is subtracted.
const WORKERD_RUNS = 5;

async function workerdStartup(path, text) {
  const { Miniflare } = await import("miniflare");
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
  const startups = [];
  for (let run = 0; run < WORKERD_RUNS; run++) {
    const mf = new Miniflare({
      modules: true,
      modulesRoot: repoRoot,
      scriptPath: join(repoRoot, "bench", "phi-worker.mjs"),
      modulesRules: [
        { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
        { type: "CompiledWasm", include: ["**/*.wasm"] },
        { type: "Data", include: ["**/*.bin"] },
      ],
      compatibilityDate: "2026-04-01",
      host: "127.0.0.1",
      cf: false,
      bindings: { TEXT: text },
    });
    try {
      const pings = [];
      for (let ping = 0; ping < 3; ping++) {
        const start = performance.now();
        await (await mf.dispatchFetch("http://127.0.0.1/ping")).text();
        pings.push(performance.now() - start);
      }
      const start = performance.now();
      const response = await mf.dispatchFetch(`http://127.0.0.1${path}`);
      const body = await response.json();
      const elapsed = performance.now() - start;
      if (!response.ok || typeof body.findings !== "number") throw new Error(`workerd ${path} failed with HTTP ${response.status}`);
      startups.push(elapsed - median(pings));
    } finally {
      await mf.dispose();
    }
  }
  return median(startups);
}

if (workerd) {
  process.env.WRANGLER_SEND_METRICS = "false";
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  const plain = await workerdStartup("/scan", texts[0]);
  const withDictionary = await workerdStartup("/scan-dictionary", texts[0]);
  console.log(`workerd start-up (instantiate, build, first scan; median of ${WORKERD_RUNS}): ${plain.toFixed(1)} ms without dictionary, ${withDictionary.toFixed(1)} ms with withDictionary`);
}
