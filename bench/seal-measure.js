// Encryption passes shared by Node and the Chromium page (bench/seal.mjs): the file format
// through encryptStream and decryptStream on both chunk ciphers, and the anchor, plain
// WebCrypto AES-256-GCM over the same 1 MiB pieces. Every pass reads the same in-memory
// input in 1 MiB pieces and counts the output bytes without keeping them.

/** Size of the pieces fed to every pass. */
export const PIECE_BYTES = 1 << 20;

/** Returns `length` bytes of a repeating pattern; AES speed does not depend on the content. */
export function makeInput(length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 131 + (i >>> 11)) & 0xff;
  return bytes;
}

function source(bytes) {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(offset, offset + PIECE_BYTES));
      offset += PIECE_BYTES;
    },
  });
}

/** Pipes `bytes` through `transform`; returns the output length, or the output if `keep`. */
async function drain(bytes, transform, keep = false) {
  const reader = source(bytes).pipeThrough(transform).getReader();
  const parts = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (keep) parts.push(value);
  }
  if (!keep) return length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Encrypts each piece with one AES-256-GCM call, as a plain WebCrypto upload would. */
async function plainWebCrypto(bytes, key, decrypt) {
  const iv = new Uint8Array(12);
  let length = 0;
  for (let offset = 0; offset < bytes.length; offset += decrypt ? PIECE_BYTES + 16 : PIECE_BYTES) {
    const piece = bytes.subarray(offset, offset + (decrypt ? PIECE_BYTES + 16 : PIECE_BYTES));
    const out = decrypt
      ? await crypto.subtle.decrypt({ name: "AES-GCM", iv }, key, piece)
      : await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, piece);
    length += out.byteLength;
  }
  return length;
}

/**
 * Runs every pass once untimed and then `runs` times, interleaved, and returns the timings in
 * milliseconds by pass name.
 */
export async function runSealBench(api, { size, runs, now, log }) {
  const input = makeInput(size);
  const kek = new Uint8Array(32).fill(7);
  const options = (backend) => ({ kek, kekVersion: 1, datasetId: "bench", keyId: "bench-key", backend });
  const openOptions = (backend) => ({ kek, kekVersion: 1, backend });
  const sealed = await drain(input, api.encryptStream(options("rust")), true);
  const rawKey = await crypto.subtle.importKey("raw", kek, "AES-GCM", false, ["encrypt", "decrypt"]);
  const plainSealed = new Uint8Array(Math.ceil(size / PIECE_BYTES) * (PIECE_BYTES + 16));
  for (let offset = 0, out = 0; offset < size; offset += PIECE_BYTES) {
    const piece = input.subarray(offset, offset + PIECE_BYTES);
    const sealedPiece = await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, rawKey, piece);
    plainSealed.set(new Uint8Array(sealedPiece), out);
    out += sealedPiece.byteLength;
  }

  const passes = {
    "encrypt, WebCrypto chunks": () => drain(input, api.encryptStream(options("webcrypto"))),
    "decrypt, WebCrypto chunks": () => drain(sealed, api.decryptStream(openOptions("webcrypto"))),
    "encrypt, Rust chunks": () => drain(input, api.encryptStream(options("rust"))),
    "decrypt, Rust chunks": () => drain(sealed, api.decryptStream(openOptions("rust"))),
    "anchor: plain WebCrypto AES-GCM encrypt": () => plainWebCrypto(input, rawKey, false),
    "anchor: plain WebCrypto AES-GCM decrypt": () => plainWebCrypto(plainSealed, rawKey, true),
  };
  const timings = {};
  for (const [name, pass] of Object.entries(passes)) {
    await pass();
    timings[name] = [];
  }
  for (let run = 1; run <= runs; run++) {
    for (const [name, pass] of Object.entries(passes)) {
      const start = now();
      await pass();
      timings[name].push(now() - start);
    }
    log?.(`run ${run} of ${runs} done`);
  }
  return { size, sealedSize: sealed.length, timings };
}
