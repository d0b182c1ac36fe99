// Measures the page's steps on a dataset of about 100 MB: counsel-chat records repeated into
// target/e2e-large.csv. Prints the seconds of each step that the built package supports.
//
// Run with: KEYSERVER_BIN=... node tests/e2e/measure-large.mjs [MEGABYTES]   (default 100)
import { createWriteStream, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { repoRoot, startStack } from "../../scripts/demo-stack.mjs";
import { fixture, logIn, startBrowser } from "./harness.mjs";

const megabytes = Number(process.argv[2] ?? 100);
const path = join(repoRoot, "target", "e2e-large.csv");

async function writeDataset() {
  const text = readFileSync(fixture("csv/counsel-chat-200.csv"), "utf8");
  const [header, ...rest] = text.split("\n");
  const body = rest.join("\n");
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  let written = 0;
  while (written < megabytes * 1e6) {
    if (!out.write(body)) await new Promise((resolve) => out.once("drain", resolve));
    written += Buffer.byteLength(body);
  }
  await new Promise((resolve) => out.end(resolve));
  return statSync(path).size;
}

async function timed(label, action) {
  const started = performance.now();
  await action();
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label}: ${seconds.toFixed(1)} s`);
}

const size = await writeDataset();
console.log(`dataset: ${(size / 1e6).toFixed(1)} MB`);
const stack = await startStack({
  dir: join(repoRoot, "target", "e2e-large-stack"),
  keyServerBin: process.env.KEYSERVER_BIN,
  maxFileSizeMb: 1024,
});
const chrome = await startBrowser();
try {
  const page = await chrome.newPage();
  await logIn(page, stack, "therapist");
  await timed("validation", async () => {
    await page.getByTestId("file-input").setInputFiles(path);
    await page.getByTestId("validation-verdict").waitFor({ timeout: 600_000 });
  });
  console.log(`  ${await page.getByTestId("validation-verdict").textContent()}`);
  if (await page.getByTestId("phi-unavailable").count() === 0) {
    await timed("PHI scan", () => page.getByTestId("phi-total").waitFor({ timeout: 600_000 }));
    console.log(`  ${await page.getByTestId("phi-total").textContent()}`);
  }
  const encrypt = page.getByRole("button", { name: "Get a data key and encrypt" });
  if (await encrypt.isEnabled()) {
    await timed("encryption", async () => {
      await encrypt.click();
      await page.getByTestId("encrypted").waitFor({ timeout: 600_000 });
    });
    await timed("upload through the Worker", async () => {
      await page.getByRole("button", { name: "Upload the encrypted file" }).click();
      await page.getByTestId("uploaded").waitFor({ timeout: 600_000 });
    });
    console.log(`  ${await page.getByTestId("uploaded").textContent()}`);
  }
} finally {
  await chrome.browser.close();
  await stack.stop();
}
