// Shared pieces of the end-to-end tests: the running demo, headless Chromium with a console
// recorder, screenshots kept as test artifacts, and key server and Worker calls.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { launchChromium } from "../js/chromium.mjs";
import { repoRoot, startStack } from "../../scripts/demo-stack.mjs";

export const artifactsDir = join(repoRoot, "test-artifacts", "e2e");
export const fixture = (path) => join(repoRoot, "tests", "fixtures", path);

/** The limit the tests give the page and the Worker, so a "too large" file stays small. */
export const TEST_MAX_FILE_SIZE_MB = 5;

/**
 * Starts the demo for the tests: free ports, a 5 MiB limit, 60-second access tokens (so expiry
 * and the page's background refresh both happen during the run) and rate limits that many
 * logins from one address do not reach.
 */
export function startTestStack() {
  mkdirSync(artifactsDir, { recursive: true });
  return startStack({
    dir: join(repoRoot, "target", "e2e-stack"),
    keyServerBin: process.env.KEYSERVER_BIN,
    maxFileSizeMb: TEST_MAX_FILE_SIZE_MB,
    keyServerEnv: {
      JWT_EXPIRATION_HOURS: String(1 / 60),
      RATE_LIMIT_AUTH: "600/minute",
      RATE_LIMIT_DEFAULT: "6000/minute",
    },
  });
}

/** Headless Chromium whose pages' console messages all land in `consoleMessages`. */
export async function startBrowser() {
  const browser = await launchChromium();
  const consoleMessages = [];
  let shot = 0;
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.on("console", (message) => consoleMessages.push(message.text()));
    page.on("pageerror", (error) => consoleMessages.push(`pageerror: ${error.message}`));
    return page;
  };
  /** Saves a full-page screenshot, or one of `element`, as test-artifacts/e2e/NN-name.png. */
  const screenshot = async (page, name, element = null) => {
    shot += 1;
    const file = join(artifactsDir, `${String(shot).padStart(2, "0")}-${name}.png`);
    if (element) await element.screenshot({ path: file });
    else await page.screenshot({ path: file, fullPage: true });
    return file;
  };
  return { browser, newPage, screenshot, consoleMessages };
}

/** Logs in through the form with the keyboard only: type, Tab, type, Enter. */
export async function logIn(page, stack, username) {
  const account = stack.accounts.find((a) => a.username === username);
  await page.goto(stack.pageUrl);
  await page.getByLabel("User name").fill(account.username);
  await page.keyboard.press("Tab");
  await page.keyboard.type(account.password);
  await page.keyboard.press("Enter");
  await page.getByTestId("who").waitFor();
}

/** Logs in through the key server's API and returns its response body (tokens included). */
export async function apiLogin(stack, username) {
  const account = stack.accounts.find((a) => a.username === username);
  const response = await fetch(`${stack.keyServerUrl}/v1/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: account.password }),
  });
  if (!response.ok) throw new Error(`login of ${username} failed with HTTP ${response.status}`);
  return response.json();
}

/** Sends an upload to the Worker and returns `{ status, body }`. */
export async function workerUpload(stack, token, datasetId, bytes, { fileName = "upload.csv", contentType = "text/csv" } = {}) {
  const headers = { "content-type": contentType, "x-file-name": encodeURIComponent(fileName) };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${stack.workerUrl}/v1/datasets/${datasetId}/upload`, { method: "PUT", headers, body: bytes });
  return { status: response.status, body: await response.json() };
}

/** Lists what the store committed, as the Worker's sink keeps it. */
export async function storedObjects(stack) {
  const response = await fetch(`${stack.sink.url}/objects`);
  return response.json();
}
