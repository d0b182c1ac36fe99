// The benchmark page that bench/browser.mjs opens in headless Chromium. It loads the web build
// of the package, then waits for the harness to call `window.runBench` once per file.
import { init, UploadValidator } from "/pkg/web/index.js";
import { CHUNK_BYTES, compare, jsonParsePass, median, megabytesPerSecond, papaparsePass, validatePass } from "/bench/measure.js";

const wasm = await init();
const initialMemory = wasm.memory.buffer.byteLength;

/**
 * Fetches `url` and yields its body in 1 MiB chunks. Chromium delivers the body in pieces of
 * its own size (often 64 KiB), so they are copied into one reused buffer. Reuse is safe because
 * every consumer here finishes with a chunk before it requests the next one.
 */
async function* fetchChunks(url) {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`fetching ${url} failed with HTTP ${response.status}`);
  const reader = response.body.getReader();
  const buffer = new Uint8Array(CHUNK_BYTES);
  let filled = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    let offset = 0;
    while (offset < value.length) {
      const count = Math.min(CHUNK_BYTES - filled, value.length - offset);
      buffer.set(value.subarray(offset, offset + count), filled);
      filled += count;
      offset += count;
      if (filled === CHUNK_BYTES) {
        yield buffer;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

/** Reads the whole body without other work, to show what fetching alone costs. */
async function drainPass(openChunks) {
  let bytes = 0;
  for await (const chunk of openChunks()) bytes += chunk.length;
  return bytes;
}

window.runBench = async ({ url, fileName, bytes, runs }) => {
  const openChunks = () => fetchChunks(url);
  const isJsonl = fileName.endsWith(".jsonl");
  const timings = await compare({
    runs,
    validate: () => validatePass(UploadValidator, openChunks, fileName),
    anchor: () => (isJsonl ? jsonParsePass(openChunks) : papaparsePass(globalThis.Papa, openChunks)),
    now: () => performance.now(),
    onRun: (run, subject, anchor) =>
      console.log(`  run ${run}: validator ${subject.toFixed(0)} ms, anchor ${anchor.toFixed(0)} ms`),
  });
  const fetchMs = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await drainPass(openChunks);
    fetchMs.push(performance.now() - start);
  }
  return {
    subjectMs: timings.subjectMs,
    anchorMs: timings.anchorMs,
    pass: timings.pass,
    anchorRecords: timings.anchorRecords,
    fetchOnlyMbps: megabytesPerSecond(bytes, median(fetchMs)),
    memory: { initial: initialMemory, peak: wasm.memory.buffer.byteLength },
  };
};
window.benchReady = true;
