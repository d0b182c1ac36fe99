#!/usr/bin/env bash
# Runs the native, Node and Chromium benchmarks one after another and prints the machine, one
# Markdown table of the results and the Wasm size. Benchmarks only print figures: no speed
# threshold fails the run.
#
# Usage: bench/run.sh [--build] [--runs N] [--large-runs N]
#   --build          rebuild pkg/ with scripts/build-pkg.sh first (otherwise pkg/ must exist)
#   --runs N         timed runs per runtime and input (default 5)
#   --large-runs N   timed runs in Chromium for inputs over 16 MiB (default 3)
#
# Raw results go to target/bench/results/*.json. The generated inputs are written to
# target/bench/ on the first run (about 200 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

build=false
runs=5
large_runs=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=true ;;
    --runs) runs="$2"; shift ;;
    --large-runs) large_runs="$2"; shift ;;
    *) echo "usage: bench/run.sh [--build] [--runs N] [--large-runs N]" >&2; exit 2 ;;
  esac
  shift
done

if $build; then
  scripts/build-pkg.sh
fi
if [[ ! -f pkg/node/index.mjs || ! -f pkg/web/index.js ]]; then
  echo "bench: pkg/ is missing; run scripts/build-pkg.sh or pass --build" >&2
  exit 2
fi

# Building the native bench before the timed runs keeps compilation out of the load check.
cargo bench --quiet --profile release-native --bench validate --no-run
node bench/make-data.mjs >&2

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v average="$load" 'BEGIN { exit !(average >= 0.5) }' || pgrep -x cargo >/dev/null || pgrep -x rustc >/dev/null; then
  echo "warning: load average $load or a cargo/rustc process is running; the figures will be noisy" >&2
fi

results=target/bench/results
mkdir -p "$results"
cargo bench --quiet --profile release-native --bench validate -- --runs "$runs" --json >"$results/native.json"
node bench/node.mjs --runs "$runs" --json >"$results/node.json"
node bench/browser.mjs --runs "$runs" --large-runs "$large_runs" --json >"$results/browser.json"

echo
echo "date: $(date -u +%Y-%m-%d)"
echo "cpu: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
echo "rust: $(rustc --version)"
echo "node: $(node --version)"
# Debian's launcher script prints a harmless shell error on stderr when it checks /dev/shm.
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null)"
echo
node bench/table.mjs "$results/native.json" "$results/node.json" "$results/browser.json"
echo
node scripts/size.mjs
