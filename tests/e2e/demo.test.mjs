// End-to-end tests of the web demo: the real key server, the Worker in workerd, the upload
// store and the page in headless Chromium, all on loopback. Each step leaves a screenshot in
// test-artifacts/e2e/.
//
// Parts that the built package lacks (PHI scanner, redactor, encryptor) are checked for the
// page's message about the missing part, and their flow steps are skipped.
//
// Run with: node --test tests/e2e/demo.test.mjs   (scripts/test-e2e.sh builds what it needs)
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import * as api from "../../pkg/node/index.mjs";
import { repoRoot } from "../../scripts/demo-stack.mjs";
import { expectedPhi } from "./expected.mjs";
import {
  apiLogin,
  fixture,
  logIn,
  startBrowser,
  startTestStack,
  storedObjects,
  TEST_MAX_FILE_SIZE_MB,
  workerUpload,
} from "./harness.mjs";

const has = {
  scan: typeof api.DatasetScanner === "function",
  redact: typeof api.Redactor === "function",
  encrypt: typeof api.encryptStream === "function",
};
/** Whether the Worker verifies tokens with the package's EdgeGuard, or by introspection. */
const localTokens = typeof api.EdgeGuard === "function";
/** The Worker's code for each rejected token, by how it verifies. */
const TOKEN_CODES = localTokens
  ? { tampered: "TOKEN_SIGNATURE_INVALID", revoked: "TOKEN_REVOKED" }
  : { tampered: "INVALID_TOKEN", revoked: "INVALID_TOKEN" };
const ENCRYPTED_MAGIC = Buffer.from([0x89, 0x54, 0x44, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Values from the fixtures that are PHI; none may reach the browser console. */
const PHI_SAMPLES = ["480.555.0159", "Freeman822", "999-23-2392"];

const DATASETS = [
  { name: "counsel-chat", slug: "counsel-chat", path: "csv/counsel-chat-200.csv", records: 200, column: "therapistURL" },
  { name: "therapy-dev conversations", slug: "therapy-dev", path: "jsonl/conversations-sample.jsonl", records: 20, column: "/turns/*/text" },
  { name: "Synthea patients", slug: "synthea", path: "csv/synthea-patients.csv", records: 6, column: "SSN" },
  { name: "Parquet sessions", slug: "parquet", path: "parquet/sessions.parquet", records: 3, column: null },
];

let stack;
let chrome;
/** A researcher's access token taken at the start, checked for expiry at the end. */
let earlyToken;
/** A researcher's page open through the whole run, so its session renews in the background. */
let longPage;

before(async () => {
  stack = await startTestStack();
  chrome = await startBrowser();
  earlyToken = (await apiLogin(stack, "researcher")).access_token;
  longPage = await chrome.newPage();
  await logIn(longPage, stack, "researcher");
});

after(async () => {
  await chrome?.browser.close();
  await stack?.stop();
});

/** Lists the datasets through the Worker with `token`; returns `{ status, body }`. */
async function workerList(token) {
  const response = await fetch(`${stack.workerUrl}/v1/datasets`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

/**
 * Repeats `call` until the Worker stops accepting the token, for at most the time a
 * revocation may take to reach it (the snapshot refresh interval, with a margin).
 */
async function untilRejected(call) {
  const deadline = Date.now() + 15_000;
  let result = await call();
  while (result.status < 400 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    result = await call();
  }
  return result;
}

/** Decrypts a stored upload with its data key, unwrapped by the key server for the therapist. */
async function decryptStored(bytes) {
  const header = api.inspectEncryptedFile(bytes);
  const { access_token: token } = await apiLogin(stack, "therapist");
  const response = await fetch(`${stack.keyServerUrl}/v1/datasets/${header.datasetId}/keys/${header.keyId}/unwrap`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  const dataKey = Buffer.from((await response.json()).data_key, "base64");
  const plain = new Blob([bytes]).stream().pipeThrough(api.decryptStream({ dataKey: new Uint8Array(dataKey) }));
  return Buffer.from(await new Response(plain).arrayBuffer());
}

/** Picks `path` in the page's file input and waits for the validation verdict. */
async function chooseFile(page, path) {
  await page.getByTestId("file-input").setInputFiles(path);
  await page.getByTestId("validation-verdict").waitFor({ timeout: 60_000 });
  return page.getByTestId("validation-verdict").textContent();
}

describe("therapist flow", () => {
  for (const dataset of DATASETS) {
    test(`${dataset.name}: whole flow`, async () => {
      const page = await chrome.newPage();
      await logIn(page, stack, "therapist");
      await chrome.screenshot(page, `${dataset.slug}-logged-in`);

      const verdict = await chooseFile(page, fixture(dataset.path));
      assert.match(verdict, new RegExp(`Valid .* ${dataset.records} records`));
      await chrome.screenshot(page, `${dataset.slug}-validated`);

      const expected = has.scan ? expectedPhi(fixture(dataset.path)) : null;
      if (has.scan) {
        const total = await page.getByTestId("phi-total").textContent({ timeout: 60_000 });
        assert.match(total, new RegExp(`^${expected.total} PHI findings? in ${dataset.records} records`));
        const highlights = await page.locator("[data-testid=phi-highlighted] mark.phi").allTextContents();
        assert.deepEqual(highlights, expected.highlights);
        const bars = await page.locator("[data-testid=phi-chart] g[data-type]").evaluateAll((groups) =>
          Object.fromEntries(groups.map((g) => [g.dataset.type, Number(g.dataset.count)])),
        );
        assert.deepEqual(bars, expected.counts);
        const columns = await page.locator("[data-testid=phi-columns] tbody tr").evaluateAll((rows) =>
          Object.fromEntries(rows.map((row) => [row.dataset.column, Number(row.lastElementChild.textContent)])),
        );
        assert.deepEqual(columns, expected.columns);
        if (dataset.column) assert.ok(dataset.column in columns, `the table has a row for ${dataset.column}`);
      } else {
        await page.getByTestId("phi-unavailable").waitFor();
      }
      await chrome.screenshot(page, `${dataset.slug}-phi`);
      if (has.scan) await chrome.screenshot(page, `${dataset.slug}-phi-step`, page.getByTestId("step-phi"));

      // The Worker rejects the original plaintext when it contains PHI or cannot be scanned.
      await page.getByRole("button", { name: "Try uploading the plaintext" }).click();
      if (has.scan && expected.total === 0) {
        await page.getByTestId("uploaded").waitFor();
      } else {
        const rejection = await page.getByTestId("protect-error").textContent();
        assert.match(rejection, has.scan ? /PHI_FOUND/ : /PHI_SCAN_UNAVAILABLE/);
      }
      await chrome.screenshot(page, `${dataset.slug}-plaintext-rejected`);

      const redacts = has.redact;
      if (redacts) {
        await page.getByRole("button", { name: "Preview de-identified records" }).click();
        await page.getByTestId("deid-summary").waitFor({ timeout: 60_000 });
        const preview = await page.getByTestId("deid-preview").textContent();
        if (dataset.slug === "parquet") {
          assert.equal(preview, `Parquet file, ${expected.redacted.length} bytes, with the same columns and rows as the original.`);
        } else {
          assert.ok(expected.redacted.toString("utf8").startsWith(preview), "the preview is the start of the redacted file");
        }
        await chrome.screenshot(page, `${dataset.slug}-deidentified`);
        await chrome.screenshot(page, `${dataset.slug}-deid-step`, page.getByTestId("step-deid"));

        // The de-identified plaintext passes the Worker when its scan finds nothing left.
        await page.getByRole("button", { name: "Try uploading the plaintext" }).click();
        if (expected.redactedFindings === 0) {
          assert.match(await page.getByTestId("uploaded").textContent(), /accepted the plaintext file/);
        } else {
          assert.match(await page.getByTestId("protect-error").textContent(), /PHI_FOUND/);
        }
      } else {
        await page.getByTestId("deid-unavailable").waitFor();
      }

      if (has.encrypt) {
        const before = (await storedObjects(stack)).length;
        await page.getByRole("button", { name: "Get a data key and encrypt" }).click();
        await page.getByTestId("encrypted").waitFor({ timeout: 60_000 });
        const download = page.waitForEvent("download");
        await page.getByTestId("download-encrypted").click();
        const downloaded = readFileSync(await (await download).path());
        assert.deepEqual(downloaded.subarray(0, 8), ENCRYPTED_MAGIC);

        await page.getByRole("button", { name: "Upload the encrypted file" }).click();
        await page.getByTestId("uploaded").waitFor({ timeout: 60_000 });
        await chrome.screenshot(page, `${dataset.slug}-uploaded`);
        await chrome.screenshot(page, `${dataset.slug}-protect-step`, page.getByTestId("step-protect"));
        const objects = await storedObjects(stack);
        assert.equal(objects.length, before + 1);
        const stored = objects.at(-1);
        assert.equal(stored.encrypted, "true");
        const bytes = readFileSync(join(stack.sink.dir, stored.id));
        assert.deepEqual(bytes, downloaded, "the Worker passed on exactly the bytes the page encrypted");
        const decrypted = await decryptStored(bytes);
        assert.deepEqual(decrypted, redacts ? expected.redacted : readFileSync(fixture(dataset.path)), "the stored file decrypts to what the page encrypted");

        // The same bytes come back through the Worker's download route.
        await page.getByRole("button", { name: "Refresh the list" }).click();
        const row = page.locator(`[data-testid=datasets] tr[data-object="${stored.id}"]`);
        const fromWorker = page.waitForEvent("download");
        await row.getByRole("button", { name: "Download" }).click();
        assert.deepEqual(readFileSync(await (await fromWorker).path()), downloaded);
      } else {
        await page.getByTestId("encrypt-unavailable").waitFor();
      }
      await page.context().close();
    });
  }
});

describe("page errors", () => {
  test("wrong password message", async () => {
    const page = await chrome.newPage();
    await page.goto(stack.pageUrl);
    await page.getByLabel("User name").fill("therapist");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByLabel("Password").press("Enter");
    assert.equal(await page.getByTestId("login-error").textContent(), "The user name or password is wrong.");
    await chrome.screenshot(page, "login-rejected");
    await page.context().close();
  });

  test("invalid file report", async () => {
    const page = await chrome.newPage();
    await logIn(page, stack, "therapist");
    const verdict = await chooseFile(page, join(repoRoot, "examples", "datasets", "problems.csv"));
    assert.match(verdict, /^Invalid file\. 3 errors found/);
    const errors = await page.getByTestId("validation-errors").textContent();
    assert.match(errors, /FORMULA_INJECTION/);
    assert.match(errors, /CSV_RAGGED_ROW/);
    await chrome.screenshot(page, "invalid-file");
    await page.context().close();
  });

  test("file over size limit", async () => {
    const page = await chrome.newPage();
    await logIn(page, stack, "therapist");
    const size = (TEST_MAX_FILE_SIZE_MB + 1) * 1024 * 1024;
    await page.getByTestId("file-input").setInputFiles({ name: "big.csv", mimeType: "text/csv", buffer: Buffer.alloc(size, "a,b\n") });
    await page.getByTestId("file-too-large").waitFor();
    await chrome.screenshot(page, "file-too-large");
    await page.context().close();
  });
});

describe("roles", () => {
  test("researcher denied identifiable dataset", async () => {
    // A therapist registers an identifiable dataset with the key server.
    const therapist = await apiLogin(stack, "therapist");
    const response = await fetch(`${stack.keyServerUrl}/v1/datasets/ds-identifiable/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${therapist.access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ patients: ["patient-001"], anonymized: false }),
    });
    assert.equal(response.status, 201);
    const { key_id: keyId } = await response.json();

    const page = await chrome.newPage();
    await logIn(page, stack, "researcher");
    await page.getByTestId("role-note").waitFor();
    assert.equal(await page.getByTestId("file-input").count(), 0, "a researcher gets no upload step");
    // The list renders at once when the Worker responds, and until then neither element exists.
    await page.locator("[data-testid=datasets], [data-testid=datasets-empty]").first().waitFor();
    const listed = await page.locator("[data-testid=datasets] tr[data-dataset]").evaluateAll((rows) => rows.map((r) => r.dataset.dataset));
    assert.ok(!listed.includes("ds-identifiable"));
    const stored = await storedObjects(stack);
    for (const object of stored) {
      assert.equal(listed.includes(object.dataset), object.deidentified === "true", `a researcher sees exactly the de-identified uploads: dataset ${object.dataset}, de-identified ${object.deidentified}, listed ${listed.join(" ")}`);
    }
    if (has.redact && has.encrypt) {
      // The therapist flows above uploaded de-identified, encrypted datasets.
      const row = page.locator("[data-testid=datasets] tr[data-dataset]").filter({ has: page.getByRole("button", { name: "Request key" }) }).first();
      await row.getByRole("button", { name: "Request key" }).click();
      assert.match(await row.getByTestId("unwrap-result").textContent(), /^Key \S+ released/);
    }

    await page.getByLabel("Dataset id").fill("ds-identifiable");
    await page.getByLabel("Key id").fill(keyId);
    await page.getByLabel("Key id").press("Enter");
    const result = await page.getByTestId("other-unwrap-result").textContent();
    assert.match(result, /^Refused by the key server: your role or patient assignments do not cover this dataset/);
    await chrome.screenshot(page, "researcher-denied");
    await page.context().close();
  });

  test("admin ends therapist sessions", async () => {
    const therapistPage = await chrome.newPage();
    await logIn(therapistPage, stack, "therapist");

    const adminPage = await chrome.newPage();
    await logIn(adminPage, stack, "admin");
    await adminPage.getByRole("button", { name: "Rotate the signing key" }).click();
    await adminPage.getByTestId("admin-log").getByText(/New signing key .* publishes [2-9] keys/).waitFor();
    await adminPage.getByRole("button", { name: "Rotate the key-encryption key" }).click();
    await adminPage.getByTestId("admin-log").getByText(/Key-encryption key version [2-9]\d* is current/).waitFor();

    const therapistId = stack.accounts.find((a) => a.username === "therapist").id;
    await adminPage.getByLabel("User").selectOption(therapistId);
    await adminPage.getByRole("button", { name: "End this user's sessions" }).click();
    await adminPage.getByTestId("admin-log").getByText(/Every session of therapist has ended/).waitFor();
    await chrome.screenshot(adminPage, "admin-revoked");

    // The Worker learns of the revocation within its snapshot refresh interval.
    const ended = therapistPage.getByTestId("session-ended");
    const deadline = Date.now() + 15_000;
    while ((await ended.count()) === 0 && Date.now() < deadline) {
      await therapistPage.getByRole("button", { name: "Refresh the list" }).click();
      await therapistPage.waitForTimeout(1_000);
    }
    await ended.waitFor({ timeout: 1_000 });
    await chrome.screenshot(therapistPage, "therapist-session-ended");
    await adminPage.context().close();
    await therapistPage.context().close();
  });
});

describe("Worker token checks", () => {
  const sample = () => readFileSync(fixture("csv/counsel-chat-200.csv"));

  test("missing token rejected", async () => {
    const { status, body } = await workerUpload(stack, null, "ds-a", sample());
    assert.equal(status, 401);
    assert.equal(body.code, "TOKEN_MISSING");
  });

  test("tampered token rejected", async () => {
    const { access_token: token } = await apiLogin(stack, "therapist");
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url"));
    claims.role = "admin";
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    const { status, body } = await workerUpload(stack, forged, "ds-a", sample());
    assert.equal(status, 401);
    assert.equal(body.code, TOKEN_CODES.tampered);
  });

  test("revoked token rejected", async () => {
    const { access_token: token } = await apiLogin(stack, "therapist");
    const revoke = await fetch(`${stack.keyServerUrl}/v1/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
    assert.equal(revoke.status, 200);
    const { status, body } = await untilRejected(() => workerList(token));
    assert.equal(status, 401);
    assert.equal(body.code, TOKEN_CODES.revoked);
  });

  test("researcher upload rejected", async () => {
    const { access_token: token } = await apiLogin(stack, "researcher");
    const { status, body } = await workerUpload(stack, token, "ds-a", sample());
    assert.equal(status, 403);
    assert.equal(body.code, "ROLE_NOT_ALLOWED");
  });

  test("plaintext with PHI rejected", async () => {
    const before = (await storedObjects(stack)).length;
    const { access_token: token } = await apiLogin(stack, "therapist");
    const { status, body } = await workerUpload(stack, token, "ds-a", sample());
    assert.equal(status, 422);
    assert.equal(body.code, has.scan ? "PHI_FOUND" : "PHI_SCAN_UNAVAILABLE");
    assert.equal((await storedObjects(stack)).length, before);
  });

  test("expired token rejected", { timeout: 200_000 }, async () => {
    // Access tokens live 60 s in this stack; the key server allows some clock skew on top.
    const list = () => workerList(earlyToken);
    assert.equal((await list()).status, 200, "the token is accepted before it expires");
    const deadline = Date.now() + 180_000;
    let last;
    do {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      last = await list();
    } while (last.status === 200 && Date.now() < deadline);
    assert.equal(last.status, 401);
    assert.equal(last.body.code, "TOKEN_EXPIRED");
  });
});

describe("session", () => {
  test("background session renewal", async () => {
    // The access token lives 60 s and the page renews it 30 s before expiry; the expiry test
    // above has waited longer than that.
    await longPage.getByTestId("who").getByText(/last at/).waitFor({ timeout: 60_000 });
    const listed = longPage.waitForResponse((response) => response.url().endsWith("/v1/datasets"));
    await longPage.getByRole("button", { name: "Refresh the list" }).click();
    assert.equal((await listed).status(), 200);
    assert.equal(await longPage.getByTestId("datasets-error").count(), 0);
    await chrome.screenshot(longPage, "session-renewed");
  });

  test("logout revokes tokens", async () => {
    const page = await chrome.newPage();
    const login = page.waitForResponse((response) => response.url().endsWith("/v1/login"));
    await logIn(page, stack, "researcher");
    const { access_token: token } = await (await login).json();
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByTestId("login").waitFor();
    const { status, body } = await untilRejected(() => workerList(token));
    assert.equal(status, 401);
    assert.equal(body.code, TOKEN_CODES.revoked);
    await page.context().close();
  });
});

describe("failures of services", () => {
  test("key server down message", async () => {
    await stack.stopKeyServer();
    const page = await chrome.newPage();
    await page.goto(stack.pageUrl);
    await page.getByLabel("User name").fill("therapist");
    await page.getByLabel("Password").fill("any-password");
    await page.getByLabel("Password").press("Enter");
    const message = await page.getByTestId("login-error").textContent();
    assert.match(message, /^The key server cannot be reached/);
    await chrome.screenshot(page, "keyserver-down");
    await page.context().close();
  });

  test("console has no token or PHI", () => {
    for (const message of chrome.consoleMessages) {
      assert.ok(!/eyJ[A-Za-z0-9_-]{10,}/.test(message), "no JWT in the console");
      for (const value of PHI_SAMPLES) assert.ok(!message.includes(value), "no PHI value in the console");
    }
  });
});
