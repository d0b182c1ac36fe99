#!/usr/bin/env bash
# The web demo on embedded defaults. It builds the npm package, the key server and the page.
# Then it starts the key server on a fresh SQLite file with generated development keys and
# demo admin, therapist and researcher accounts, whose passwords it prints. It also starts the
# upload Worker under workerd (Miniflare), a loopback upload store and the page, and prints
# the page's URL. Everything
# listens on 127.0.0.1 only. Stop it with Ctrl-C.
#
# Usage: scripts/demo-web.sh
#   Ports: DEMO_PAGE_PORT (5173), DEMO_WORKER_PORT (8788), DEMO_KEYSERVER_PORT (8787).
#   KEYSERVER_BIN runs another key server binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

scripts/demo-web-build.sh
KEYSERVER_BIN=${KEYSERVER_BIN:-${CARGO_TARGET_DIR:-target}/debug/techdeck-keyserver} exec node scripts/demo-stack.mjs
