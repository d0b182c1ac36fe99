// The page's side of the Web Worker in heavy.worker.js: one promise per operation, with a
// progress callback.

let worker = null;
let nextId = 1;
const pending = new Map();

function start() {
  worker = new Worker(new URL("./heavy.worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (event) => {
    const { id, progress, result, error } = event.data;
    const entry = pending.get(id);
    if (!entry) return;
    if (progress) {
      entry.onProgress?.(progress.done, progress.total);
      return;
    }
    pending.delete(id);
    if (error) {
      const failure = new Error(error.message);
      failure.code = error.code;
      entry.reject(failure);
    } else {
      entry.resolve(result);
    }
  };
}

/** Runs `op` in the Web Worker with `args`; `onProgress(done, total)` gets byte counts. */
export function runHeavy(op, args = {}, onProgress) {
  if (worker === null) start();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, op, ...args });
  });
}
