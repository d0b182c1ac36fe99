// Runs the shared cases in the page that tests/js/browser.mjs opens. Fixture paths come as
// repeated `fixture` query parameters, and the page fetches each one from /tests/fixtures/.
import * as api from "/pkg/web/index.js";

import { runCases } from "./cases.mjs";

async function loadFixtures(names) {
  const fixtures = {};
  for (const name of names) {
    const path = name.split("/").map(encodeURIComponent).join("/");
    const response = await fetch(`/tests/fixtures/${path}`);
    if (!response.ok) {
      throw new Error(`fixture ${name} could not be loaded: HTTP ${response.status}`);
    }
    fixtures[name] = new Uint8Array(await response.arrayBuffer());
  }
  return fixtures;
}

async function main() {
  await api.init();
  const fixtures = await loadFixtures(new URLSearchParams(location.search).getAll("fixture"));
  return runCases(api, fixtures);
}

// The runner waits for this promise; it never rejects, so a setup failure is reported too.
window.caseResults = main().then(
  (results) => ({ results }),
  (error) => ({ error: String(error?.stack ?? error) }),
);
