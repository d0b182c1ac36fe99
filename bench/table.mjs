// Prints the results of bench/validate.rs, bench/node.mjs and bench/browser.mjs (their --json
// output) as one Markdown table, one row per runtime and input.
//
// Usage: node bench/table.mjs RESULTS.json...
import { readFileSync } from "node:fs";

const INPUT_LABELS = {
  "20200325_counsel_chat.csv": "counsel-chat CSV",
  "sessions-100mb.csv": "generated CSV",
  "sessions-100mb.jsonl": "generated JSONL",
};

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node bench/table.mjs RESULTS.json...");
  process.exit(2);
}
const results = files.flatMap((file) => JSON.parse(readFileSync(file, "utf8")));

const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const mib = (bytes) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
const rate = (mbps) => mbps.toFixed(1);

console.log(
  "| runtime | input | runs | validator MB/s | anchor | anchor MB/s | validator ÷ anchor | peak memory of the validator |",
);
console.log("|---|---|--:|--:|---|--:|--:|---|");
for (const result of results) {
  const label = `${INPUT_LABELS[result.input] ?? result.input} (${megabytes(result.bytes)})`;
  const ratio = result.subject.mbps / result.anchor.mbps;
  const memory = `${mib(result.memory.bytes)} ${result.memory.kind}`;
  console.log(
    `| ${result.runtime} | ${label} | ${result.runs} | ${rate(result.subject.mbps)} | ${result.anchor.name} | ` +
      `${rate(result.anchor.mbps)} | ${ratio.toFixed(2)} | ${memory} |`,
  );
}

console.log("\nvalidator ÷ anchor: the validator's median throughput divided by the anchor's; above 1 is faster.");

// Ceilings that only some harnesses measure: the reader without value checks, and fetch alone.
for (const result of results) {
  const label = `${result.runtime} on ${INPUT_LABELS[result.input] ?? result.input}`;
  if (result.reader_only_mbps !== undefined) {
    console.log(`${label}: dataset reader alone, values not checked, ${rate(result.reader_only_mbps)} MB/s`);
  }
  if (result.fetch_only_mbps !== undefined) {
    console.log(`${label}: fetch alone ${rate(result.fetch_only_mbps)} MB/s`);
  }
}

// A validator that counted other records than the anchor did not do the work it was timed for.
for (const result of results) {
  if (result.subject.records !== result.anchor.records) {
    console.log(
      `warning: ${result.runtime} on ${result.input}: the validator counted ${result.subject.records} records, ` +
        `the anchor ${result.anchor.records}`,
    );
  }
  if (!result.subject.valid) {
    console.log(`note: ${result.runtime} on ${result.input}: the validator rejected the file with ${result.subject.errors} errors`);
  }
}
