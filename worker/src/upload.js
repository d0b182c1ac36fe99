// The guarded upload: the body streams from the client to the store through checks that see
// every chunk once, so the Worker never holds more than the first sample and one chunk.
//
// An encrypted file (the package's `.tdg` format) is accepted when its header parses and names
// the dataset of the URL. A plaintext file must pass upload validation and the PHI scan: the
// first SAMPLE_BYTES are checked before anything is forwarded, so most rejections cost no store
// traffic, and the rest is checked as it passes. The store keeps a part file that is committed
// only when the whole stream passed.
import * as guard from "techdeck-guard";

/** Bytes read and checked before the first byte goes to the store. */
export const SAMPLE_BYTES = 256 * 1024;

/** Leading bytes of the encrypted file format: `\x89TDG\r\n\x1a\n`. */
const ENCRYPTED_MAGIC = [0x89, 0x54, 0x44, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const FORMAT_BY_EXTENSION = { csv: "csv", json: "json", jsonl: "jsonl", ndjson: "jsonl", parquet: "parquet", txt: "text" };

/** A rejection of the upload, with its HTTP status, stable code and JSON body fields. */
export class Rejection extends Error {
  constructor(status, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

function isEncrypted(bytes) {
  return bytes.length >= ENCRYPTED_MAGIC.length && ENCRYPTED_MAGIC.every((byte, i) => bytes[i] === byte);
}

function concat(chunks, length) {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Reads up to `limit` bytes (a little more when a chunk crosses it) from `reader`. */
async function readSample(reader, limit) {
  const chunks = [];
  let length = 0;
  while (length < limit) {
    const { value, done } = await reader.read();
    if (done) return { sample: concat(chunks, length), done: true };
    chunks.push(value);
    length += value.length;
  }
  return { sample: concat(chunks, length), done: false };
}

/**
 * Returns a stream of `sample` followed by the rest of `reader`. Each later chunk goes through
 * `inspect` first; a Rejection it throws is stored in `state.rejection` and errors the stream.
 */
function passThrough(sample, reader, done, inspect, state) {
  return new ReadableStream({
    start(controller) {
      if (sample.length > 0) controller.enqueue(sample);
      if (done) controller.close();
    },
    async pull(controller) {
      const { value, done: finished } = await reader.read();
      if (finished) {
        controller.close();
        return;
      }
      try {
        inspect(value);
      } catch (error) {
        // The reader stays open so that guardUpload can drain it before it responds.
        state.rejection = error;
        controller.error(error);
        return;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * Reads and discards the rest of the body, at most `maxBytes`. A client that sends over
 * HTTP/1.1 may see a reset connection, and not the rejection, when the Worker responds before
 * the client has sent the whole body.
 */
async function drain(reader, maxBytes) {
  let skipped = 0;
  try {
    while (skipped <= maxBytes) {
      const { value, done } = await reader.read();
      if (done) return;
      skipped += value.length;
    }
    await reader.cancel();
  } catch {
    // The client closed the connection, so no response can reach it.
  }
}

function sizeLimit(maxBytes) {
  let total = 0;
  return (chunk) => {
    total += chunk.length;
    if (total > maxBytes) {
      throw new Rejection(413, "FILE_TOO_LARGE", `the upload is larger than ${maxBytes} bytes`);
    }
  };
}

function fileFormat(fileName) {
  const extension = fileName.toLowerCase().split(".").pop();
  return FORMAT_BY_EXTENSION[extension] ?? null;
}

/** Checks the header of an encrypted upload and returns its public fields. */
function checkEncryptedHeader(sample, datasetId) {
  if (typeof guard.encryptedHeaderLength !== "function") {
    // NOTE: without the package's format reader only the magic bytes are checked here.
    return { datasetId, keyId: null };
  }
  let header;
  try {
    const length = guard.encryptedHeaderLength(sample);
    if (length > sample.length) throw new Error("header longer than the sample");
    header = guard.inspectEncryptedFile(sample.subarray(0, length));
  } catch {
    throw new Rejection(422, "INVALID_ENCRYPTED_HEADER", "the encrypted file's header is malformed or unsupported");
  }
  if (header.datasetId !== datasetId) {
    throw new Rejection(422, "DATASET_MISMATCH", "the encrypted file belongs to another dataset than the upload URL names");
  }
  return header;
}

function publicFinding(finding) {
  return { code: finding.code, severity: finding.severity, rule: finding.rule, location: finding.location, message: finding.message };
}

function invalidFile(report) {
  return new Rejection(422, "INVALID_FILE", "the file failed validation; fix the listed problems and upload again", {
    errors: report.errors.slice(0, 20).map(publicFinding),
  });
}

/** Counts PHI findings per type; the found text is never kept. */
function phiCounts(findings) {
  const counts = {};
  for (const finding of findings) counts[finding.type] = (counts[finding.type] ?? 0) + 1;
  return counts;
}

function phiFound(findings) {
  return new Rejection(422, "PHI_FOUND", "the plaintext upload contains PHI; de-identify or encrypt it first", {
    phi: phiCounts(findings),
  });
}

/** Builds the checks of a plaintext upload: validation and the PHI scan, chunk by chunk. */
function plaintextChecks(meta, declaredSize, contentType) {
  const validator = new guard.UploadValidator({ fileName: meta.fileName, contentType, size: declaredSize ?? undefined });
  const format = fileFormat(meta.fileName);
  if (typeof guard.DatasetScanner !== "function" || format === null) {
    validator.free?.();
    throw new Rejection(422, "PHI_SCAN_UNAVAILABLE", "plaintext uploads need a PHI scan, which is not available for this file; encrypt the file first");
  }
  const scanner = new guard.DatasetScanner({ format });
  const check = (chunk) => {
    if (!validator.rejected) validator.update(chunk);
    if (validator.rejected) throw invalidFile(validator.finish());
    const findings = scanner.feed(chunk);
    if (findings.length > 0) throw phiFound(findings);
  };
  const finish = () => {
    const report = validator.finish();
    if (!report.valid) throw invalidFile(report);
    const findings = scanner.finish();
    if (findings.length > 0) throw phiFound(findings);
    return report;
  };
  return { check, finish };
}

async function storeRequest(env, method, path, init = {}) {
  try {
    return await fetch(`${env.SINK_URL}${path}`, { method, ...init });
  } catch {
    return null;
  }
}

/**
 * Streams an upload to the store after the checks above. `meta` has `datasetId`, `fileName`,
 * `owner`, `role` and `deidentified`. Resolves to the committed object's metadata, or throws a
 * Rejection.
 */
export async function guardUpload(request, env, meta) {
  const maxBytes = Number(env.MAX_FILE_SIZE_MB ?? 100) * 1024 * 1024;
  const declared = request.headers.get("content-length");
  const declaredSize = declared === null ? null : Number(declared);
  if (declaredSize !== null && declaredSize > maxBytes) {
    throw new Rejection(413, "FILE_TOO_LARGE", `the upload is larger than ${maxBytes} bytes`);
  }
  if (request.body === null) throw new Rejection(422, "FILE_EMPTY", "the upload has no body");

  const reader = request.body.getReader();
  try {
    return await forward(request, env, meta, reader, { maxBytes, declaredSize });
  } catch (error) {
    if (error instanceof Rejection && error.code !== "FILE_TOO_LARGE") await drain(reader, maxBytes);
    throw error;
  }
}

/** Checks the sample, then streams the sample and the rest of `reader` to the store. */
async function forward(request, env, meta, reader, { maxBytes, declaredSize }) {
  const { sample, done } = await readSample(reader, SAMPLE_BYTES);
  const limit = sizeLimit(maxBytes);
  limit(sample);

  const encrypted = isEncrypted(sample);
  let checks = null;
  let keyId = request.headers.get("x-key-id") ?? "";
  if (encrypted) {
    const header = checkEncryptedHeader(sample, meta.datasetId);
    keyId = header.keyId ?? keyId;
  } else {
    checks = plaintextChecks(meta, declaredSize, request.headers.get("content-type") ?? "");
    checks.check(sample);
  }

  const id = crypto.randomUUID().replaceAll("-", "");
  const state = { rejection: null };
  const inspect = (chunk) => {
    limit(chunk);
    checks?.check(chunk);
  };
  const body = passThrough(sample, reader, done, inspect, state);
  const headers = {
    "content-type": "application/octet-stream",
    "x-meta-dataset": meta.datasetId,
    "x-meta-file-name": encodeURIComponent(meta.fileName),
    "x-meta-owner": meta.owner,
    "x-meta-role": meta.role,
    "x-meta-deidentified": String(meta.deidentified),
    "x-meta-encrypted": String(encrypted),
    "x-meta-key-id": keyId,
  };
  const stored = await storeRequest(env, "PUT", `/objects/${id}`, { headers, body });
  const discard = () => storeRequest(env, "DELETE", `/objects/${id}`);
  if (state.rejection) {
    await discard();
    throw state.rejection;
  }
  if (stored === null || !stored.ok) {
    await discard();
    throw new Rejection(502, "STORE_UNAVAILABLE", "the upload store did not accept the file; try again later");
  }
  if (checks) {
    try {
      checks.finish();
    } catch (error) {
      await discard();
      throw error;
    }
  }
  const committed = await storeRequest(env, "POST", `/objects/${id}/commit`);
  if (committed === null || !committed.ok) {
    throw new Rejection(502, "STORE_UNAVAILABLE", "the upload store did not commit the file; try again later");
  }
  return describe(await committed.json());
}

/** Returns the public description of a stored object. */
export function describe(object) {
  return {
    id: object.id,
    datasetId: object.dataset,
    fileName: decodeURIComponent(object["file-name"] ?? ""),
    owner: object.owner,
    deidentified: object.deidentified === "true",
    encrypted: object.encrypted === "true",
    keyId: object["key-id"] || null,
    size: object.size,
    committedAt: object.committedAt,
  };
}
