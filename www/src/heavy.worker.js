// A Web Worker that runs the long steps (validation, PHI scan, redaction, encryption) off the
// page's thread, each streamed from File.stream() or Blob.stream() with progress messages.
//
// Protocol: the page posts `{ id, op, ...arguments }`. The worker replies with any number of
// `{ id, progress: { done, total } }`, then one `{ id, result }` or `{ id, error: { code,
// message } }`. Results carry counts, offsets and the user's own file text for the preview,
// never a token; errors carry no file content.
import * as guard from "techdeck-guard";

import { columnTable, countByType, normalizeLocation } from "./findings.js";

/** Bytes of the file shown with highlighted PHI, cut back to the last line end. */
const PREVIEW_BYTES = 16 * 1024;
/** Findings kept for display; the counts cover every finding. */
const MAX_KEPT_FINDINGS = 2000;
/** Shortest interval between two progress messages. */
const PROGRESS_INTERVAL_MS = 100;

const ready = guard.init();

/**
 * Returns the package's export `name`, or null when this build lacks it. Optional parts are
 * looked up by name so that a build without them still bundles and runs.
 */
function optional(name) {
  return typeof guard[name] === "function" ? guard[name] : null;
}

function progressReporter(id, total) {
  let last = 0;
  return (done, force = false) => {
    const now = Date.now();
    if (force || now - last >= PROGRESS_INTERVAL_MS) {
      last = now;
      postMessage({ id, progress: { done, total } });
    }
  };
}

/** Feeds every chunk of `blob` to `consume`, reporting progress. */
async function streamBlob(id, blob, consume) {
  const report = progressReporter(id, blob.size);
  let done = 0;
  for await (const chunk of blob.stream()) {
    if (consume(chunk) === false) break;
    done += chunk.length;
    report(done);
  }
  report(blob.size, true);
}

function capabilities() {
  return {
    scan: optional("DatasetScanner") !== null,
    redact: optional("Redactor") !== null,
    encrypt: optional("encryptStream") !== null,
  };
}

async function validate(id, { file, maxFileSizeMb }) {
  const validator = new guard.UploadValidator({ fileName: file.name, contentType: file.type, size: file.size, maxFileSizeMb });
  if (!validator.rejected) {
    await streamBlob(id, file, (chunk) => {
      validator.update(chunk);
      return !validator.rejected;
    });
  }
  return validator.finish();
}

async function previewText(blob) {
  const bytes = new Uint8Array(await blob.slice(0, PREVIEW_BYTES).arrayBuffer());
  let end = bytes.length;
  if (blob.size > PREVIEW_BYTES) {
    const lastNewline = bytes.lastIndexOf(0x0a);
    if (lastNewline > 0) end = lastNewline + 1;
  }
  return new TextDecoder().decode(bytes.subarray(0, end));
}

/** Scans free text and returns `{ type, start, end, confidence }` in UTF-16 offsets. */
function scanText(text) {
  const scanner = new (optional("DatasetScanner"))({ format: "text" });
  try {
    const findings = [...scanner.feed(new TextEncoder().encode(text)), ...scanner.finish()];
    return findings.map((f) => ({ type: f.type, start: f.utf16.start, end: f.utf16.end, confidence: f.confidence }));
  } finally {
    scanner.free?.();
  }
}

async function scan(id, { file, format }) {
  const scanner = new (optional("DatasetScanner"))({ format });
  const kept = [];
  let total = 0;
  const keep = (findings) => {
    total += findings.length;
    for (const finding of findings) {
      if (kept.length < MAX_KEPT_FINDINGS) {
        kept.push({ type: finding.type, location: normalizeLocation(finding.location), confidence: finding.confidence });
      }
    }
  };
  try {
    await streamBlob(id, file, (chunk) => keep(scanner.feed(chunk)));
    keep(scanner.finish());
    const summary = scanner.summary();
    const text = format === "parquet" ? "" : await previewText(file);
    return {
      total,
      counts: countByType(kept),
      columns: columnTable(kept),
      summary: { records: summary.records, values: summary.values, complete: summary.complete },
      preview: { text, spans: text ? scanText(text) : [] },
    };
  } finally {
    scanner.free?.();
  }
}

async function redact(id, { file, format, operators, key }) {
  const redactor = new (optional("Redactor"))({ format, operators, key });
  const parts = [];
  try {
    await streamBlob(id, file, (chunk) => {
      const out = redactor.feed(chunk);
      if (out.length > 0) parts.push(out);
    });
    const { output, report } = redactor.finish();
    if (output.length > 0) parts.push(output);
    const blob = new Blob(parts, { type: file.type });
    // Parquet output is binary, so the page describes it instead of showing its start.
    const preview = format === "parquet" ? `Parquet file, ${blob.size} bytes, with the same columns and rows as the original.` : await previewText(blob);
    return { blob, report, preview };
  } finally {
    redactor.free?.();
  }
}

async function encrypt(id, { blob, dataKey, datasetId, keyId, level }) {
  const report = progressReporter(id, blob.size);
  const stream = optional("encryptStream")({
    dataKey,
    datasetId,
    keyId,
    level,
    onProgress: ({ bytesIn }) => report(bytesIn),
  });
  dataKey.fill(0);
  const parts = [];
  const reader = blob.stream().pipeThrough(stream).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  report(blob.size, true);
  return { blob: new Blob(parts, { type: "application/octet-stream" }) };
}

const OPERATIONS = { validate, scan, redact, encrypt, capabilities: async () => capabilities() };

self.onmessage = async (event) => {
  const { id, op, ...args } = event.data;
  try {
    await ready;
    const result = await OPERATIONS[op](id, args);
    postMessage({ id, result });
  } catch (error) {
    // GuardError messages never quote input values, so they are safe to show.
    postMessage({ id, error: { code: error?.code ?? "FAILED", message: error?.message ?? String(error) } });
  }
};
