// The encryption cases, run unchanged in Node, headless Chromium and workerd: the Rust and the
// WebCrypto chunk ciphers write identical files and accept each other's, tampering fails on
// both, and a file that the CLI wrote decrypts here.

import { deepEqual, equal, ok, skip, throwsCode } from "./assert.mjs";

const CHUNK = 4096;
const LEVELS = ["standard", "enhanced", "maximum"];
const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5];

/** Returns `length` bytes that differ from chunk to chunk. */
function message(length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
  return bytes;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Splits `bytes` into pieces of uneven sizes, as a stream from a file or a request would. */
function pieces(bytes) {
  const sizes = [1, 700, CHUNK, 3, CHUNK + 9, 20000];
  const out = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    out.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return out;
}

/** Pipes `bytes` through `transform` in uneven pieces and collects the output. */
async function pipe(bytes, transform) {
  const parts = pieces(bytes);
  const source = new ReadableStream({
    pull(controller) {
      if (parts.length === 0) controller.close();
      else controller.enqueue(parts.shift());
    },
  });
  const out = [];
  const reader = source.pipeThrough(transform).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(out);
    out.push(value);
  }
}

/** Pipes `bytes` and returns `{ output, error }`: the bytes released before any error. */
async function pipeCatching(bytes, transform) {
  const parts = pieces(bytes);
  const source = new ReadableStream({
    pull(controller) {
      if (parts.length === 0) controller.close();
      else controller.enqueue(parts.shift());
    },
  });
  const out = [];
  const reader = source.pipeThrough(transform).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { output: concat(out), error: undefined };
      out.push(value);
    }
  } catch (error) {
    return { output: concat(out), error };
  }
}

function rustSeal(encryptor, bytes) {
  const out = pieces(bytes).map((piece) => encryptor.push(piece));
  out.push(encryptor.finish());
  encryptor.free();
  return concat(out);
}

function rustOpen(api, options, bytes) {
  const decryptor = new api.FileDecryptor(options);
  const out = pieces(bytes).map((piece) => decryptor.push(piece));
  out.push(decryptor.finish());
  decryptor.free();
  return concat(out);
}

function hasWebCrypto() {
  return typeof globalThis.crypto?.subtle?.encrypt === "function";
}

const kek = new Uint8Array(32).fill(0x5a);
const keyOptions = { kek, kekVersion: 3 };
const fileOptions = (level) => ({ ...keyOptions, datasetId: "ds-7", keyId: "key-1", level, chunkSize: CHUNK });

function sameBytes(actual, expected, label) {
  equal(actual.length, expected.length, `${label}: length`);
  const differs = actual.findIndex((byte, i) => byte !== expected[i]);
  equal(differs, -1, `${label}: first differing byte`);
}

/** Asserts that decrypting `bytes` fails on both backends and releases only true plaintext. */
async function expectRejected(api, bytes, plaintext, code, label) {
  for (const backend of hasWebCrypto() ? ["rust", "webcrypto"] : ["rust"]) {
    const { output, error } = await pipeCatching(bytes, api.decryptStream({ ...keyOptions, backend }));
    ok(error instanceof api.GuardError, `${label} (${backend}): expected a GuardError, got ${error}`);
    equal(error.code, code, `${label} (${backend}): code`);
    ok(output.length < plaintext.length || plaintext.length === 0, `${label} (${backend}): released everything`);
    sameBytes(output, plaintext.subarray(0, output.length), `${label} (${backend}): released bytes`);
  }
}

export const sealCases = [
  {
    name: "seal: Rust and WebCrypto write identical files",
    async run(api) {
      if (!hasWebCrypto()) skip("this runtime has no crypto.subtle");
      for (const level of LEVELS) {
        for (const size of SIZES) {
          const plaintext = message(size);
          const encryptor = new api.FileEncryptor(fileOptions(level));
          const viaWebCrypto = await pipe(plaintext, encryptor.webCryptoStream());
          const viaRust = rustSeal(encryptor, plaintext);
          sameBytes(viaWebCrypto, viaRust, `${level} ${size}`);
        }
      }
    },
  },
  {
    name: "seal: both backends open both files",
    async run(api) {
      const backends = hasWebCrypto() ? ["rust", "webcrypto"] : ["rust"];
      for (const level of LEVELS) {
        const plaintext = message(3 * CHUNK + 5);
        for (const writer of backends) {
          const sealed = await pipe(plaintext, api.encryptStream({ ...fileOptions(level), backend: writer }));
          sameBytes(rustOpen(api, keyOptions, sealed), plaintext, `${level}: ${writer} file, FileDecryptor`);
          for (const reader of backends) {
            const opened = await pipe(sealed, api.decryptStream({ ...keyOptions, backend: reader }));
            sameBytes(opened, plaintext, `${level}: ${writer} file, ${reader} stream`);
          }
        }
      }
    },
  },
  {
    name: "seal: tampered files fail on both backends",
    async run(api) {
      const plaintext = message(3 * CHUNK + 100);
      const sealed = rustSeal(new api.FileEncryptor(fileOptions("standard")), plaintext);
      const headerLength = api.inspectEncryptedFile(sealed).headerLength;
      const chunkEnd = (n) => headerLength + (n + 1) * (CHUNK + 16);

      const flipped = sealed.slice();
      flipped[chunkEnd(1) - 40] ^= 1;
      await expectRejected(api, flipped, plaintext, "NOT_AUTHENTIC", "bit flip in chunk 1");
      await expectRejected(api, sealed.slice(0, chunkEnd(1)), plaintext, "NOT_AUTHENTIC", "cut at a chunk boundary");
      await expectRejected(api, sealed.slice(0, sealed.length - 1), plaintext, "NOT_AUTHENTIC", "last byte cut");
      await expectRejected(api, concat([sealed, new Uint8Array([0])]), plaintext, "NOT_AUTHENTIC", "trailing byte");
      const swapped = concat([
        sealed.subarray(0, chunkEnd(0)),
        sealed.subarray(chunkEnd(1), chunkEnd(2)),
        sealed.subarray(chunkEnd(0), chunkEnd(1)),
        sealed.subarray(chunkEnd(2)),
      ]);
      await expectRejected(api, swapped, plaintext, "NOT_AUTHENTIC", "chunks 1 and 2 swapped");
      const salted = sealed.slice();
      salted[20] ^= 1;
      await expectRejected(api, salted, plaintext, "NOT_AUTHENTIC", "salt changed");
      const magic = sealed.slice();
      magic[1] ^= 1;
      await expectRejected(api, magic, plaintext, "INVALID_HEADER", "magic changed");
      const level = sealed.slice();
      level[10] = 9;
      await expectRejected(api, level, plaintext, "UNKNOWN_LEVEL", "unknown level byte");

      const otherKek = { kek: new Uint8Array(32).fill(1), kekVersion: 3 };
      throwsCode(api, () => rustOpen(api, otherKek, sealed), "NOT_AUTHENTIC", {}, "wrong KEK");
      const otherVersion = { kek, kekVersion: 4 };
      throwsCode(api, () => rustOpen(api, otherVersion, sealed), "KEK_VERSION_MISMATCH", {}, "wrong KEK version");
    },
  },
  {
    name: "seal: header, progress and data-key files",
    async run(api) {
      const plaintext = message(10000);
      const progress = [];
      const sealed = await pipe(plaintext, api.encryptStream({ ...fileOptions("maximum"), onProgress: (p) => progress.push(p) }));
      ok(progress.length >= 2, "onProgress was called for each piece");
      equal(progress.at(-1).bytesIn, plaintext.length, "bytesIn at the end");
      equal(progress.at(-1).bytesOut, sealed.length, "bytesOut at the end");
      const header = api.inspectEncryptedFile(sealed);
      deepEqual(header, {
        version: 1, level: "maximum", chunkSize: CHUNK, keyId: "key-1", datasetId: "ds-7",
        keySource: "wrapped", kekVersion: 3, headerLength: header.headerLength,
      }, "header");
      equal(sealed.length, header.headerLength + 3 * (CHUNK + 16), "maximum pads to full chunks");

      const dataKey = new Uint8Array(32).fill(9);
      const byReference = rustSeal(new api.FileEncryptor({ dataKey, datasetId: "ds-7", keyId: "key-2" }), plaintext);
      equal(api.inspectEncryptedFile(byReference).keySource, "reference", "key source");
      equal(api.inspectEncryptedFile(byReference).kekVersion, null, "kekVersion");
      sameBytes(rustOpen(api, { dataKey }, byReference), plaintext, "data key round trip");
      throwsCode(api, () => rustOpen(api, keyOptions, byReference), "KEY_REFERENCE", {}, "KEK for a reference");
    },
  },
  {
    name: "seal: options are checked",
    async run(api) {
      const create = (options) => () => new api.FileEncryptor(options);
      throwsCode(api, create({ ...fileOptions("standard"), extra: 1 }), "INVALID_OPTIONS", { subject: "extra" });
      throwsCode(api, create(fileOptions("high")), "UNKNOWN_LEVEL");
      throwsCode(api, create({ ...fileOptions("standard"), chunkSize: 5000 }), "INVALID_CHUNK_SIZE");
      throwsCode(api, create({ ...fileOptions("standard"), datasetId: "" }), "INVALID_ID");
      throwsCode(api, create({ kek: new Uint8Array(31), kekVersion: 1, datasetId: "d", keyId: "k" }), "INVALID_OPTIONS", { subject: "kek" });
      throwsCode(api, create({ kek, datasetId: "d", keyId: "k" }), "INVALID_OPTIONS", { subject: "kekVersion" });
      throwsCode(api, create({ ...fileOptions("standard"), backend: "gpu" }), "INVALID_OPTIONS", { subject: "backend" });
      throwsCode(api, () => api.decryptStream({ dataKey: kek, kek, kekVersion: 1 }), "INVALID_OPTIONS", { subject: "dataKey" });
      throwsCode(api, () => api.inspectEncryptedFile(new Uint8Array(20)), "INVALID_HEADER");
      const encryptor = new api.FileEncryptor(fileOptions("standard"));
      throwsCode(api, () => encryptor.push("text"), "INVALID_ARGUMENT", { subject: "chunk" });
      encryptor.finish();
      throwsCode(api, () => encryptor.finish(), "ALREADY_FINISHED");
      encryptor.free();
    },
  },
  {
    name: "seal: a file from the CLI decrypts",
    async run(api, fixtures) {
      const keyFile = JSON.parse(new TextDecoder().decode(fixtures["seal/test-kek.json"]));
      const kekBytes = Uint8Array.from(atob(keyFile.key), (c) => c.charCodeAt(0));
      const options = { kek: kekBytes, kekVersion: keyFile.kek_version };
      const plaintext = fixtures["seal/plaintext.csv"];
      const sealed = fixtures["seal/plaintext.csv.tdg"];
      equal(api.inspectEncryptedFile(sealed).datasetId, "fixture-dataset", "dataset id");
      sameBytes(rustOpen(api, options, sealed), plaintext, "FileDecryptor");
      for (const backend of hasWebCrypto() ? ["rust", "webcrypto"] : ["rust"]) {
        sameBytes(await pipe(sealed, api.decryptStream({ ...options, backend })), plaintext, backend);
      }
    },
  },
  {
    name: "seal: JSON package round trip and tampering",
    async run(api) {
      const dataKey = new Uint8Array(32).fill(3);
      const data = new TextEncoder().encode('{"sessions":[1,2]}');
      const json = api.encryptDataset(dataKey, data, { keyId: "key-1", level: "enhanced", timestamp: "2026-12-05T00:00:00Z" });
      const parsed = JSON.parse(json);
      deepEqual(Object.keys(parsed).sort(), [
        "auth_tag", "compliance_level", "encrypted_data", "encryption_level", "iv", "key_id", "timestamp",
      ], "package fields");
      equal(parsed.encryption_level, "enhanced", "encryption_level");
      equal(parsed.compliance_level, "hipaa_plus_plus", "compliance_level");
      equal(atob(parsed.encrypted_data).length, 256, "enhanced pads to 256 bytes");
      sameBytes(api.decryptDataset(dataKey, json), data, "round trip");

      const changed = JSON.stringify({ ...parsed, timestamp: "2026-12-06T00:00:00Z" });
      throwsCode(api, () => api.decryptDataset(dataKey, changed), "NOT_AUTHENTIC", {}, "changed timestamp");
      const missing = JSON.stringify({ iv: parsed.iv, key_id: "key-1" });
      throwsCode(api, () => api.decryptDataset(dataKey, missing), "MISSING_FIELDS", {
        subject: "encrypted_data,auth_tag,encryption_level,timestamp,compliance_level",
      }, "missing fields");
      throwsCode(api, () => api.encryptDataset(dataKey, data, { keyId: "k", level: "top" }), "UNKNOWN_LEVEL");
      throwsCode(api, () => api.encryptDataset(new Uint8Array(8), data, { keyId: "k" }), "INVALID_ARGUMENT", { subject: "dataKey" });
      ok(typeof JSON.parse(api.encryptDataset(dataKey, data, { keyId: "k" })).timestamp === "string", "default timestamp");
    },
  },
  {
    name: "seal: conversation content keys",
    async run(api) {
      const dataKey = new Uint8Array(32).fill(4);
      const json = api.encryptConversationContent(dataKey, "conv-1", "I slept better this week", { keyId: "key-1" });
      equal(api.decryptConversationContent(dataKey, "conv-1", json), "I slept better this week", "round trip");
      throwsCode(api, () => api.decryptConversationContent(dataKey, "conv-2", json), "NOT_AUTHENTIC", {}, "other conversation");
      throwsCode(api, () => api.decryptDataset(dataKey, json), "NOT_AUTHENTIC", {}, "opened as a dataset");
      const oneMiB = "a".repeat(1024 * 1024);
      equal(JSON.parse(api.encryptConversationContent(dataKey, "conv-1", oneMiB, { keyId: "k" })).key_id, "k", "1 MiB fits");
      throwsCode(api, () => api.encryptConversationContent(dataKey, "conv-1", oneMiB + "a", { keyId: "k" }), "PACKAGE_TOO_LARGE");
      throwsCode(api, () => api.encryptConversationContent(dataKey, "", "x", { keyId: "k" }), "INVALID_ID");
    },
  },
];
