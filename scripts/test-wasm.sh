#!/usr/bin/env bash
# Runs the wasm-bindgen tests in tests/web.rs in Node and in headless Chromium.
#
# Without WASM_BINDGEN_USE_BROWSER=1 the Chromium run skips every test and still exits 0, so
# this script also checks that the Chromium run reports as many passed tests as tests/web.rs
# declares.
#
# Usage: scripts/test-wasm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

expected=$(grep -c '^#\[wasm_bindgen_test\]' tests/web.rs)
if [[ "$expected" -eq 0 ]]; then
  echo "error: tests/web.rs declares no #[wasm_bindgen_test] functions" >&2
  exit 1
fi

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# Checks that a test log ends with cargo's summary for exactly $expected passed tests.
check_count() {
  local runtime=$1 output=$2
  if grep -qi 'skipping' "$output"; then
    echo "error: the $runtime run skipped tests:" >&2
    grep -i 'skipping' "$output" >&2
    return 1
  fi
  if ! grep -Eq "^test result: ok\. ${expected} passed; 0 failed" "$output"; then
    echo "error: the $runtime run did not report 'test result: ok. ${expected} passed; 0 failed'" >&2
    grep -E '^test result:' "$output" >&2 || echo "(no 'test result' line)" >&2
    return 1
  fi
  echo "$runtime: $expected passed"
}

# `--test web` limits the run to tests/web.rs, because the library's unit tests run natively.
status=0
echo "== wasm-pack test --node"
wasm-pack test --node -- --test web 2>&1 | tee "$log/node.txt" || status=1
check_count node "$log/node.txt" || status=1

echo "== wasm-pack test --headless --chrome"
WASM_BINDGEN_USE_BROWSER=1 WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/webdriver.json" \
  wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --test web 2>&1 \
  | tee "$log/chrome.txt" || status=1
check_count chromium "$log/chrome.txt" || status=1
exit "$status"
