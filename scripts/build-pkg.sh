#!/usr/bin/env bash
# Builds the npm package `techdeck-guard` into pkg/: one wasm-pack build per entry, plus the entry
# files and package.json from js/.
#
# Browsers get the default build (pkg/web, and pkg/bundler for bundlers): no token verification
# and no ZSTD Parquet pages, optimized for size, under the size budget. Workers (pkg/edge) and
# Node (pkg/node) get every feature, optimized for speed.
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
# The crate's features for browsers: none of the optional ones (`tokens`, `zstd`,
# `regex-multi-literal`), so that the module stays under the size budget. scripts/size.mjs
# measures the same build.
browser_features=(--no-default-features)
build() {
  local name=$1 target=$2
  shift 2
  wasm-pack --quiet build "$profile" --target "$target" --out-dir "$staging/$name" --no-pack -- "$@"
  rm -f "$staging/$name/.gitignore"
  cp -r "$staging/$name" "$out/$name"
}
build web web "${browser_features[@]}"
build bundler bundler "${browser_features[@]}"
# Workers and Node have no download budget, so their builds use opt-level 3 instead of "z". That
# makes the PHI scanner two to four times faster in Node 20 (BENCHMARKS.md, PHI scanning).
CARGO_PROFILE_RELEASE_OPT_LEVEL=3 build edge web
CARGO_PROFILE_RELEASE_OPT_LEVEL=3 build node nodejs

# Every target has its own copy of the GuardError module. Each entry re-exports its own copy, so
# `instanceof GuardError` holds for errors thrown by that entry's functions.
snippet() {
  local found
  found=$(cd "$out/$1" && ls -d snippets/*/js/guard-error.js)
  echo "./$found"
}
node scripts/write-entries.mjs "$out" "$(snippet web)" "$(snippet node)" "$(snippet bundler)" "$(snippet edge)"
cp README.md "$out/README.md"
echo "built $out ($profile)"
