// Measurement code shared by the Node harness and the browser page: the validator pass, the
// anchor passes (papaparse for CSV, JSON.parse per line for JSON Lines) and the statistics.
// It uses only what both runtimes have, so Node and Chromium run the same lines.
//
// Every pass takes `openChunks`, a function that returns a fresh async iterable of Uint8Array
// chunks of the file (1 MiB each, except the last), so each runtime supplies its own I/O and
// every pass pays for it alike.

/** Size of the chunks fed to the validator and to the anchors. */
export const CHUNK_BYTES = 1 << 20;

/**
 * Enough for the generated 100 MiB files, whose size is just over the validator's default
 * maximum of 100 MiB.
 */
export const MAX_FILE_SIZE_MB = 1024;

/** Streams the file through `UploadValidator` and returns its counts. */
export async function validatePass(UploadValidator, openChunks, fileName) {
  const validator = new UploadValidator({ fileName, maxFileSizeMb: MAX_FILE_SIZE_MB });
  for await (const chunk of openChunks()) validator.update(chunk);
  const report = validator.finish();
  return {
    records: report.stats.records,
    values: report.stats.values,
    valid: report.valid,
    errors: report.errors.length,
  };
}

/**
 * Parses the CSV with papaparse's stream input, rows as arrays, and returns the number of data
 * rows. papaparse reads a Node-style stream (`readable`, `read`, `on`, `removeListener`), so the
 * chunks are decoded with a streaming TextDecoder and handed over through a minimal stand-in.
 */
export function papaparsePass(Papa, openChunks) {
  return new Promise((resolve, reject) => {
    const stream = new ChunkEmitter();
    let rows = 0;
    Papa.parse(stream, {
      chunk: (results) => {
        rows += results.data.length;
      },
      complete: () => resolve(Math.max(rows - 1, 0)),
      error: reject,
    });
    stream.pump(openChunks()).catch(reject);
  });
}

/** Parses every non-empty line with JSON.parse and returns the number of lines parsed. */
export async function jsonParsePass(openChunks) {
  const decoder = new TextDecoder();
  let pending = "";
  let records = 0;
  const parseLines = (text, isLast) => {
    const lines = text.split("\n");
    const rest = isLast ? "" : lines.pop();
    for (const line of lines) {
      if (line.trim() === "") continue;
      JSON.parse(line);
      records += 1;
    }
    return rest;
  };
  for await (const chunk of openChunks()) {
    pending = parseLines(pending + decoder.decode(chunk, { stream: true }), false);
  }
  parseLines(pending + decoder.decode(), true);
  return records;
}

/**
 * The part of a Node readable stream that papaparse's stream input uses, fed from an async
 * iterable of byte chunks. Characters split across chunks are joined by the streaming decoder.
 */
class ChunkEmitter {
  readable = true;
  #listeners = { data: [], end: [], error: [] };

  read() {}
  pause() {}
  resume() {}

  on(event, listener) {
    this.#listeners[event]?.push(listener);
    return this;
  }

  removeListener(event, listener) {
    const listeners = this.#listeners[event];
    if (listeners) this.#listeners[event] = listeners.filter((existing) => existing !== listener);
    return this;
  }

  async pump(chunks) {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of chunks) this.#emit("data", decoder.decode(chunk, { stream: true }));
      const tail = decoder.decode();
      if (tail) this.#emit("data", tail);
      this.#emit("end");
    } catch (error) {
      this.#emit("error", error);
    }
  }

  #emit(event, value) {
    for (const listener of [...this.#listeners[event]]) listener(value);
  }
}

/**
 * Runs the validator and the anchor alternately, `runs` times each after one untimed warm-up
 * pass of each, and returns the timings in milliseconds with the counts of the warm-up passes.
 */
export async function compare({ runs, validate, anchor, now, onRun }) {
  const pass = await validate();
  const anchorRecords = await anchor();
  const subjectMs = [];
  const anchorMs = [];
  for (let run = 1; run <= runs; run++) {
    let start = now();
    await validate();
    subjectMs.push(now() - start);
    start = now();
    await anchor();
    anchorMs.push(now() - start);
    onRun?.(run, subjectMs.at(-1), anchorMs.at(-1));
  }
  return { pass, anchorRecords, subjectMs, anchorMs };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle];
}

/** Returns throughput in MB/s, where 1 MB is 10^6 bytes. */
export function megabytesPerSecond(bytes, milliseconds) {
  return bytes / 1e6 / (milliseconds / 1000);
}
