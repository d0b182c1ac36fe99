// Runs the shared cases in Node through the package's exports map, one node:test test per case.
// Run with: node --test tests/js/node.test.mjs (after scripts/build-pkg.sh).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

import * as api from "techdeck-guard";

import { SkipCase, cases } from "./cases.mjs";
import { loadFixtures } from "./fixtures.mjs";

const fixtures = loadFixtures();

for (const testCase of cases) {
  test(testCase.name, async (t) => {
    try {
      await testCase.run(api, fixtures);
    } catch (error) {
      if (error instanceof SkipCase) {
        t.skip(error.message);
        return;
      }
      throw error;
    }
  });
}

test("commonjs: require entry and GuardError", () => {
  const require = createRequire(import.meta.url);
  const cjs = require("techdeck-guard");

  assert.equal(typeof cjs.validateUpload, "function");
  assert.equal(cjs.version(), api.version());
  assert.throws(
    () => cjs.validateUpload(new Uint8Array(1), { fileName: "x.csv", maxFileSizeMb: 0 }),
    (error) => error instanceof cjs.GuardError && error.code === "INVALID_OPTIONS" && error.subject === "maxFileSizeMb",
  );
  const report = cjs.validateUpload(new TextEncoder().encode("id\n1\n"), { fileName: "../x.csv" });
  assert.deepEqual(report.errors.map((finding) => finding.code), ["UNSAFE_FILE_NAME"]);
});

test("node: entry resolves to the node build", async () => {
  const require = createRequire(import.meta.url);
  assert.match(require.resolve("techdeck-guard"), /[\\/]pkg[\\/]node[\\/]index\.cjs$/);
  assert.match(import.meta.resolve("techdeck-guard"), /\/pkg\/node\/index\.mjs$/);
});
