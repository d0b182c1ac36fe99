// Node throughput and start-up of the PHI scanner in the built Wasm package, beside an anchor in
// the same process on the same texts: one JavaScript regex for SSNs. Run scripts/build-pkg.sh
// first, and write the texts with
//   phi_eval counsel counsel_chat.csv --dump target/bench/counsel-texts.json
//
// Usage: node bench/phi.mjs [TEXTS.json] [--dictionary assets/phi-names.bin]
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const args = process.argv.slice(2);
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
