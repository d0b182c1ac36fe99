// Loads tests/fixtures for the Node-side runners. Node only: the shared cases get the result.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const fixturesRoot = join(repoRoot, "tests", "fixtures");

/** Returns the paths of all fixture files relative to tests/fixtures, with "/" separators. */
export function fixtureNames() {
  const names = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) names.push(relative(fixturesRoot, path).split(sep).join("/"));
    }
  };
  walk(fixturesRoot);
  return names.sort();
}

/** Returns every fixture as a map from its relative path to its bytes. */
export function loadFixtures() {
  const fixtures = {};
  for (const name of fixtureNames()) {
    fixtures[name] = new Uint8Array(readFileSync(join(fixturesRoot, name)));
  }
  return fixtures;
}
