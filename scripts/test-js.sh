#!/usr/bin/env bash
# Runs the JavaScript cases in tests/js/ over the built npm package in Node, headless Chromium
# and workerd, and checks the package's type surface against tests/js/expected/.
#
# Builds pkg/ first (scripts/build-pkg.sh) when it is missing or older than the sources.
# Every step runs even after a failure; the exit status is 1 if any step failed.
#
# Usage: scripts/test-js.sh [--dev]
#   --dev   build a debug package when a build is needed (faster, larger)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

build_args=()
if [[ "${1:-}" == "--dev" ]]; then
  build_args=(--dev)
fi

stamp=pkg/package.json
if [[ ! -f "$stamp" ]] \
  || [[ -n "$(find src js Cargo.toml scripts/build-pkg.sh scripts/write-entries.mjs -newer "$stamp" -print -quit)" ]]; then
  echo "== pkg/ is missing or older than the sources: building it"
  scripts/build-pkg.sh "${build_args[@]}"
fi
mkdir -p node_modules
ln -sfn ../pkg node_modules/techdeck-guard

failed=()
run() {
  local name=$1
  shift
  echo "== $name"
  local started=$SECONDS
  if "$@"; then
    echo "== $name: passed in $((SECONDS - started))s"
  else
    echo "== $name: FAILED in $((SECONDS - started))s"
    failed+=("$name")
  fi
}

# Prints a type file without the closure glue exports of `InitOutput`, whose names carry a hash
# that changes with the build settings (`..._invoke__h697259bcbfacc258`) and are no public API.
surface() {
  grep -v 'wasm_bindgen__convert__closures_____invoke__h' "$1"
}

check_types() {
  local build=$1 expected=$2 actual=pkg/$1/techdeck_guard.d.ts
  if diff -u <(surface "$expected") <(surface "$actual"); then
    echo "type surface of pkg/$build matches $expected"
    return 0
  fi
  echo "error: the generated $actual differs from $expected (diff above)." >&2
  echo "If the change to the public API is intended, update the expected file:" >&2
  echo "  cp $actual $expected" >&2
  return 1
}

run "types (web)" check_types web tests/js/expected/techdeck_guard.d.ts
run "types (edge)" check_types edge tests/js/expected/techdeck_guard.edge.d.ts
run "node" node --test tests/js/node.test.mjs
run "chromium (web)" node tests/js/browser.mjs --entry web
run "chromium (edge)" node tests/js/browser.mjs --entry edge
run "workerd" node tests/js/worker.mjs
run "seal interop with the CLI" node --test tests/js/seal-interop.mjs

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "JavaScript tests failed: ${failed[*]}"
  exit 1
fi
echo "JavaScript tests passed"
