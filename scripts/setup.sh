#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already there, so it is cheap
# to run again. Used by the README's test command and by CI.
#
# It installs:
# - Debian's chromium and chromium-driver for the browser tests, through sudo when not root;
# - the wasm32 Rust target, through rustup from the Rust distribution server;
# - wasm-pack, wasm-bindgen-cli and cargo-fuzz at pinned versions, from crates.io;
# - the npm tools pinned in package-lock.json: wasm-opt from npm's binaryen, Miniflare and
#   playwright-core.
# Fuzzing also needs a nightly toolchain, which this script does not install.
set -euo pipefail
cd "$(dirname "$0")/.."

# The wasm-bindgen crate in Cargo.toml must equal this CLI version, or wasm-pack looks for
# another one online.
WASM_PACK_VERSION=0.15.1
WASM_BINDGEN_VERSION=0.2.130
CARGO_FUZZ_VERSION=0.13.2

log() { printf '\n== setup: %s\n' "$*"; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
if ((${#need_apt[@]})); then
  log "apt-get install ${need_apt[*]}"
  as_root=()
  if [[ $(id -u) != 0 ]]; then
    as_root=(sudo)
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The cargo installs compile for minutes each, so they run side by side.
pids=()
if [[ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack $WASM_PACK_VERSION" ]]; then
  log "cargo install wasm-pack $WASM_PACK_VERSION"
  cargo install --quiet wasm-pack --version "$WASM_PACK_VERSION" --locked &
  pids+=($!)
fi
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Without --locked: the crate's own lock file pins a dependency that no longer builds.
  cargo install --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" &
  pids+=($!)
fi
if [[ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
  log "cargo install cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install --quiet cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked &
  pids+=($!)
fi
failed=0
for pid in "${pids[@]}"; do
  wait "$pid" || failed=1
done
if ((failed)); then
  echo "setup: a cargo install failed; see its output above" >&2
  exit 1
fi

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "setup: no nightly Rust toolchain, so the fuzz run will be skipped; install one with 'rustup toolchain install nightly'" >&2
fi

if [[ ! -d node_modules/.bin || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "npm ci"
  npm ci --no-fund --no-audit --loglevel=error
fi
ln -sfn ../pkg node_modules/techdeck-guard

log "ready: $(wasm-pack --version), $(wasm-bindgen --version), $(cargo fuzz --version), chromium $(chromium --version 2>/dev/null | awk '{print $2}')"
