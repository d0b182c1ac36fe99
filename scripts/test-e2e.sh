#!/usr/bin/env bash
# Runs the end-to-end tests of the web demo (tests/e2e/) after building what the demo needs.
# The tests start the key server, the upload store, the Worker under workerd and the page on
# free loopback ports. They drive Debian's Chromium through playwright-core and then stop all.
# Screenshots of every step land in test-artifacts/e2e/.
#
# Usage: scripts/test-e2e.sh   (KEYSERVER_BIN set: that key server binary is used)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

if [[ -z "${KEYSERVER_BIN:-}" && ! -f server/Cargo.toml ]]; then
  echo "end-to-end tests skipped: this checkout has no key server (server/) and KEYSERVER_BIN is unset"
  exit 0
fi
scripts/demo-web-build.sh
rm -rf test-artifacts/e2e
KEYSERVER_BIN=${KEYSERVER_BIN:-${CARGO_TARGET_DIR:-target}/debug/techdeck-keyserver} \
  node --test --test-reporter=spec tests/e2e/demo.test.mjs
