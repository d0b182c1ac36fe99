// What the page should show for a fixture, computed in Node with the same package, so the
// end-to-end assertions are exact for whatever scanner the package is built with.
import { readFileSync } from "node:fs";

import * as api from "../../pkg/node/index.mjs";

/** Bytes of the file that the page previews, as in www/src/heavy.worker.js. */
const PREVIEW_BYTES = 16 * 1024;

const FORMATS = { csv: "csv", jsonl: "jsonl", json: "json", parquet: "parquet" };

export function formatOf(path) {
  return FORMATS[path.split(".").pop()];
}

/** Returns the column key the page shows for a finding's location. */
function columnOf(location) {
  if (location.column !== undefined) return location.column;
  if (location.pointer !== undefined) return location.pointer.replace(/\/\d+(?=\/|$)/g, "/*") || "/";
  return "text";
}

function scanAll(bytes, format) {
  const scanner = new api.DatasetScanner({ format });
  const findings = [...scanner.feed(bytes), ...scanner.finish()];
  scanner.free();
  return findings;
}

/** Returns the spans the page highlights: the preview scanned as text, without overlaps. */
function previewSpans(bytes) {
  let end = Math.min(bytes.length, PREVIEW_BYTES);
  if (bytes.length > PREVIEW_BYTES) {
    const lastNewline = bytes.subarray(0, end).lastIndexOf(0x0a);
    if (lastNewline > 0) end = lastNewline + 1;
  }
  const text = new TextDecoder().decode(bytes.subarray(0, end));
  const spans = scanAll(new TextEncoder().encode(text), "text")
    .map((f) => ({ start: f.utf16.start, end: f.utf16.end, text: text.slice(f.utf16.start, f.utf16.end) }))
    .sort((a, b) => a.start - b.start);
  const kept = [];
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    kept.push(span.text);
    at = span.end;
  }
  return kept;
}

/**
 * Returns `{ total, counts: { TYPE: n }, columns: { column: n }, highlights: [text],
 * redacted, redactedFindings }` for the fixture at `path`. `redacted` is the output of the
 * page's default operators (the type tag for every type), or null for Parquet.
 */
export function expectedPhi(path) {
  const bytes = new Uint8Array(readFileSync(path));
  const format = formatOf(path);
  const findings = scanAll(bytes, format);
  const counts = {};
  const columns = {};
  for (const finding of findings) {
    counts[finding.type] = (counts[finding.type] ?? 0) + 1;
    const column = columnOf(finding.location);
    columns[column] = (columns[column] ?? 0) + 1;
  }
  const operators = Object.fromEntries(Object.keys(counts).map((type) => [type, "tag"]));
  const redacted = Buffer.from(api.redact(bytes, { format, operators }).output);
  return {
    /** Findings in the redacted file: none means the Worker accepts it as plaintext. */
    redactedFindings: scanAll(new Uint8Array(redacted), format).length,
    total: findings.length,
    counts,
    columns,
    highlights: format === "parquet" ? [] : previewSpans(bytes),
    redacted,
  };
}
