// Runs the shared cases in the page that tests/js/browser.mjs opens. Fixture paths come as
// repeated `fixture` query parameters, and the page fetches each one from /tests/fixtures/. The
// `entry` parameter names the package build to load: `web` (the default) or `edge`.
const params = new URLSearchParams(location.search);
const entry = params.get("entry") === "edge" ? "edge" : "web";
const api = await import(`/pkg/${entry}/index.js`);

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
  const fixtures = await loadFixtures(params.getAll("fixture"));
  const results = await runCases(api, fixtures);
  return { results, features: api.features() };
}

// The runner waits for this promise; it never rejects, so a setup failure is reported too.
window.caseResults = main().then(
  ({ results, features }) => ({ results, features }),
  (error) => ({ error: String(error?.stack ?? error) }),
);
