#!/usr/bin/env bash
# Builds the npm package `techdeck-guard` into pkg/: one wasm-pack build per target (web for
# browsers and Workers, nodejs, bundler), plus the entry files and package.json from js/.
#
# Usage: scripts/build-pkg.sh [--dev]
#   --dev   debug build without wasm-opt (faster, larger, for quick test runs)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

profile=--release
if [[ "${1:-}" == "--dev" ]]; then
  profile=--dev
fi

out=pkg
staging=target/wasm-pack
rm -rf "$out" "$staging"
mkdir -p "$out"
for target in web nodejs bundler; do
  wasm-pack --quiet build "$profile" --target "$target" --out-dir "$staging/$target" --no-pack
  rm -f "$staging/$target/.gitignore"
done
cp -r "$staging/web" "$out/web"
cp -r "$staging/nodejs" "$out/node"
cp -r "$staging/bundler" "$out/bundler"

# Every target has its own copy of the GuardError module. Each entry re-exports its own copy, so
# `instanceof GuardError` holds for errors thrown by that entry's functions.
snippet() {
  local found
  found=$(cd "$out/$1" && ls -d snippets/*/js/guard-error.js)
  echo "./$found"
}
node scripts/write-entries.mjs "$out" "$(snippet web)" "$(snippet node)" "$(snippet bundler)"
cp README.md "$out/README.md"
echo "built $out ($profile)"
