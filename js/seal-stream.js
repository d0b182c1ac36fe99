// TransformStreams for the encrypted file format (docs/format.md), called from src/wasm/seal.rs.
//
// The Rust streams wrap a FileEncryptor or FileDecryptor. The WebCrypto streams seal and open
// the chunks with crypto.subtle and write the same bytes. The header, the file key, the nonce
// prefix and the associated data come from Rust. This module only splits the data into chunks,
// builds the nonces (prefix, big-endian counter, last flag) and pads the final chunk.
// Each stream keeps at most one chunk, plus the chunks of one input piece in flight.
import { createGuardError } from "./guard-error.js";

const TAG_LENGTH = 16;
const PAD_BLOCK = 4096;
const PAD_MARKER = 0x80;
const MAX_CHUNKS = 2 ** 32;
/** Largest input slice given to a Rust cipher at once, so its output stays bounded. */
const SLICE_BYTES = 1 << 20;

/** Returns whether the runtime has WebCrypto. */
export function hasWebCrypto() {
  return typeof globalThis.crypto?.subtle?.encrypt === "function";
}

function notAuthentic() {
  return createGuardError(
    "NOT_AUTHENTIC",
    "ciphertext is not authentic: it was modified, truncated, or sealed with another key or context",
  );
}

function checkChunk(chunk) {
  if (!(chunk instanceof Uint8Array)) {
    throw createGuardError("INVALID_ARGUMENT", "stream chunks must be Uint8Array", "chunk");
  }
}

function reportProgress(onProgress, progress) {
  if (typeof onProgress === "function") {
    onProgress({ ...progress });
  }
}

/** Wraps a FileEncryptor or FileDecryptor (anything with push and finish) as a TransformStream. */
export function createRustStream(engine, onProgress) {
  const progress = { bytesIn: 0, bytesOut: 0 };
  const release = () => engine.free?.();
  return new TransformStream({
    transform(chunk, controller) {
      checkChunk(chunk);
      try {
        for (let start = 0; start < chunk.length; start += SLICE_BYTES) {
          const out = engine.push(chunk.subarray(start, start + SLICE_BYTES));
          progress.bytesOut += out.length;
          if (out.length > 0) controller.enqueue(out);
        }
      } catch (error) {
        release();
        throw error;
      }
      progress.bytesIn += chunk.length;
      reportProgress(onProgress, progress);
    },
    flush(controller) {
      try {
        const out = engine.finish();
        progress.bytesOut += out.length;
        if (out.length > 0) controller.enqueue(out);
      } finally {
        release();
      }
      reportProgress(onProgress, progress);
    },
  });
}

/** Returns the 12-byte nonce of chunk `index`. */
function nonce(prefix, index, last) {
  if (index >= MAX_CHUNKS) {
    throw createGuardError("MESSAGE_TOO_LONG", "message too long: a file has at most 2^32 chunks; split the data");
  }
  const bytes = new Uint8Array(12);
  bytes.set(prefix, 0);
  new DataView(bytes.buffer).setUint32(7, index);
  bytes[11] = last ? 1 : 0;
  return bytes;
}

/** Returns the padded length of a final chunk with `length` bytes of data. */
function paddedLength(level, chunkSize, length) {
  if (level === "standard") return length;
  if (level === "enhanced") return Math.ceil((length + 1) / PAD_BLOCK) * PAD_BLOCK;
  return chunkSize;
}

/** Imports the file key into WebCrypto and zeroes the JavaScript copy. */
async function importFileKey(keys, usage) {
  try {
    return await crypto.subtle.importKey("raw", keys.fileKey, { name: "AES-GCM" }, false, [usage]);
  } finally {
    keys.fileKey.fill(0);
  }
}

/**
 * Returns a TransformStream that writes `header` and then seals the plaintext with WebCrypto
 * under `keys` ({ fileKey, noncePrefix, associatedData, chunkSize, level }).
 */
export function createWebCryptoEncryptStream(header, keys, onProgress) {
  const { chunkSize, level, noncePrefix, associatedData } = keys;
  const keyPromise = importFileKey(keys, "encrypt");
  // Plaintext not yet sealed: a full chunk waits until more input shows it is not the last.
  let pending = new Uint8Array(chunkSize);
  let pendingLength = 0;
  let index = 0;
  const progress = { bytesIn: 0, bytesOut: 0 };

  const seal = async (key, data, last) => {
    const iv = nonce(noncePrefix, index++, last);
    const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: associatedData }, key, data);
    return new Uint8Array(sealed);
  };
  const emit = async (controller, jobs) => {
    for (const sealed of await Promise.all(jobs)) {
      progress.bytesOut += sealed.length;
      controller.enqueue(sealed);
    }
  };

  return new TransformStream({
    async start(controller) {
      await keyPromise;
      progress.bytesOut += header.length;
      controller.enqueue(header);
    },
    async transform(chunk, controller) {
      checkChunk(chunk);
      const key = await keyPromise;
      const jobs = [];
      let offset = 0;
      while (offset < chunk.length) {
        if (pendingLength === chunkSize) {
          jobs.push(seal(key, pending, false));
          pending = new Uint8Array(chunkSize);
          pendingLength = 0;
        }
        if (pendingLength === 0 && chunk.length - offset > chunkSize) {
          // WebCrypto copies its input before it returns a promise, so a view is safe.
          jobs.push(seal(key, chunk.subarray(offset, offset + chunkSize), false));
          offset += chunkSize;
          continue;
        }
        const take = Math.min(chunk.length - offset, chunkSize - pendingLength);
        pending.set(chunk.subarray(offset, offset + take), pendingLength);
        pendingLength += take;
        offset += take;
      }
      await emit(controller, jobs);
      progress.bytesIn += chunk.length;
      reportProgress(onProgress, progress);
    },
    async flush(controller) {
      const key = await keyPromise;
      const jobs = [];
      if (level !== "standard" && pendingLength === chunkSize) {
        jobs.push(seal(key, pending, false));
        pending = new Uint8Array(chunkSize);
        pendingLength = 0;
      }
      const final = new Uint8Array(paddedLength(level, chunkSize, pendingLength));
      final.set(pending.subarray(0, pendingLength));
      if (level !== "standard") final[pendingLength] = PAD_MARKER;
      pending.fill(0);
      jobs.push(seal(key, final, true));
      await emit(controller, jobs);
      final.fill(0);
      reportProgress(onProgress, progress);
    },
  });
}

/** Returns the data length of a verified final chunk, or throws for non-canonical padding. */
function unpad(level, chunkSize, index, plain) {
  if (level === "standard") {
    if (plain.length === 0 && index > 0) throw notAuthentic();
    return plain.length;
  }
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (end < 0 || plain[end] !== PAD_MARKER || plain.length !== paddedLength(level, chunkSize, end)) {
    throw notAuthentic();
  }
  return end;
}

/**
 * Returns a TransformStream that reads the header (parsed and checked in Rust by `decryptor`,
 * a FileDecryptor) and opens the chunks with WebCrypto.
 */
export function createWebCryptoDecryptStream(decryptor, onProgress) {
  let header = new Uint8Array(0);
  let state = null; // { key, keys, sealedLength } once the header has verified
  let buffer = null;
  let bufferLength = 0;
  let index = 0;
  const progress = { bytesIn: 0, bytesOut: 0 };

  const open = async (sealed, last) => {
    const iv = nonce(state.keys.noncePrefix, index++, last);
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv, additionalData: state.keys.associatedData },
        state.key,
        sealed,
      );
      return new Uint8Array(plain);
    } catch {
      throw notAuthentic();
    }
  };
  const release = () => {
    decryptor.free?.();
    decryptor = null;
  };

  /** Buffers header bytes from `chunk` and returns the offset after them. */
  const readHeader = async (chunk) => {
    const needed = (prefix) => {
      try {
        return decryptor.headerLength(prefix);
      } catch (error) {
        release();
        throw error;
      }
    };
    let offset = 0;
    while (state === null && offset < chunk.length) {
      const want = needed(header);
      const take = Math.min(want - header.length, chunk.length - offset);
      const grown = new Uint8Array(header.length + take);
      grown.set(header);
      grown.set(chunk.subarray(offset, offset + take), header.length);
      header = grown;
      offset += take;
      if (header.length === want && needed(header) === header.length) {
        let keys;
        try {
          keys = decryptor.openHeader(header);
        } finally {
          release();
        }
        const key = await importFileKey(keys, "decrypt");
        state = { key, keys, sealedLength: keys.chunkSize + TAG_LENGTH };
        buffer = new Uint8Array(state.sealedLength);
      }
    }
    return offset;
  };

  return new TransformStream({
    async transform(chunk, controller) {
      checkChunk(chunk);
      let offset = state === null ? await readHeader(chunk) : 0;
      const jobs = [];
      while (offset < chunk.length) {
        // More input follows, so a full buffered chunk is not the last one.
        if (bufferLength === state.sealedLength) {
          jobs.push(open(buffer, false));
          buffer = new Uint8Array(state.sealedLength);
          bufferLength = 0;
        }
        const take = Math.min(chunk.length - offset, state.sealedLength - bufferLength);
        buffer.set(chunk.subarray(offset, offset + take), bufferLength);
        bufferLength += take;
        offset += take;
      }
      // Chunks are released in order, and only if every one of them verified.
      for (const plain of await Promise.all(jobs)) {
        progress.bytesOut += plain.length;
        controller.enqueue(plain);
      }
      progress.bytesIn += chunk.length;
      reportProgress(onProgress, progress);
    },
    async flush(controller) {
      if (state === null || bufferLength < TAG_LENGTH) {
        if (decryptor !== null) release();
        throw notAuthentic();
      }
      const finalIndex = index;
      const plain = await open(buffer.subarray(0, bufferLength), true);
      const length = unpad(state.keys.level, state.keys.chunkSize, finalIndex, plain);
      progress.bytesOut += length;
      if (length > 0) controller.enqueue(plain.slice(0, length));
      plain.fill(0);
      reportProgress(onProgress, progress);
    },
  });
}
