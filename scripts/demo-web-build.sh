#!/usr/bin/env bash
# Builds what the web demo and its end-to-end tests run: the tools (scripts/setup.sh), the npm
# package in pkg/ when it is missing or older than the sources, the key server, and the page's
# npm dependencies. Each part is skipped when it is already up to date.
#
# Usage: scripts/demo-web-build.sh   (KEYSERVER_BIN set: the key server is not built)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

scripts/setup.sh

stamp=pkg/package.json
if [[ ! -f "$stamp" ]] \
  || [[ -n "$(find src js Cargo.toml scripts/build-pkg.sh scripts/write-entries.mjs -newer "$stamp" -print -quit)" ]]; then
  echo "== pkg/ is missing or older than the sources: building it"
  scripts/build-pkg.sh
fi

if [[ -z "${KEYSERVER_BIN:-}" ]]; then
  if [[ ! -f server/Cargo.toml ]]; then
    echo "error: this checkout has no key server (server/), which the web demo needs for logins and keys." >&2
    echo "Set KEYSERVER_BIN to a techdeck-keyserver binary, or use a checkout that has server/." >&2
    exit 2
  fi
  echo "== building the key server (cargo build -p techdeck-keyserver)"
  cargo build --quiet -p techdeck-keyserver
fi

if [[ ! -d www/node_modules || www/package-lock.json -nt www/node_modules/.package-lock.json ]]; then
  echo "== npm ci in www/"
  (cd www && npm ci --no-fund --no-audit --loglevel=error)
fi
