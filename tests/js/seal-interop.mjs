// Checks that files move both ways between the JavaScript API and the CLI: a file encrypted
// through encryptStream (WebCrypto and Rust backends) decrypts with `techdeck-guard decrypt`,
// and a file from `techdeck-guard encrypt` decrypts through decryptStream.
// Run with: node tests/js/seal-interop.mjs (after scripts/build-pkg.sh); it builds the CLI.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import * as api from "techdeck-guard";

import { repoRoot } from "./fixtures.mjs";

const dir = mkdtempSync(join(tmpdir(), "seal-interop-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

function cli(...args) {
  return execFileSync("cargo", ["run", "--quiet", "-p", "techdeck-guard-cli", "--", ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function pipe(bytes, transform) {
  const response = new Response(new Blob([bytes]).stream().pipeThrough(transform));
  return new Uint8Array(await response.arrayBuffer());
}

const keyPath = join(dir, "kek.json");
cli("keygen", "--out", keyPath, "--kek-version", "6");
const keyFile = JSON.parse(readFileSync(keyPath, "utf8"));
const keyOptions = { kek: new Uint8Array(Buffer.from(keyFile.key, "base64")), kekVersion: keyFile.kek_version };
const plaintext = new Uint8Array(300_000).map((_, i) => (i * 13) & 0xff);

for (const backend of ["webcrypto", "rust"]) {
  test(`JS ${backend} file decrypts with the CLI`, async () => {
    const options = { ...keyOptions, datasetId: "ds-interop", keyId: "key-js", level: "enhanced", backend };
    const sealed = await pipe(plaintext, api.encryptStream(options));
    const input = join(dir, `${backend}.tdg`);
    const output = join(dir, `${backend}.bin`);
    writeFileSync(input, sealed);
    cli("decrypt", input, "--out", output, "--key-file", keyPath);
    assert.deepEqual(new Uint8Array(readFileSync(output)), plaintext);
  });
}

test("CLI file decrypts with the JS API", async () => {
  const input = join(dir, "plain.bin");
  const sealedPath = join(dir, "cli.tdg");
  writeFileSync(input, plaintext);
  cli("encrypt", input, "--out", sealedPath, "--key-file", keyPath, "--dataset-id", "ds-cli", "--level", "maximum");
  const sealed = new Uint8Array(readFileSync(sealedPath));
  assert.equal(api.inspectEncryptedFile(sealed).datasetId, "ds-cli");
  for (const backend of ["webcrypto", "rust"]) {
    assert.deepEqual(await pipe(sealed, api.decryptStream({ ...keyOptions, backend })), plaintext, backend);
  }
});
