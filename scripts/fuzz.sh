#!/usr/bin/env bash
# Runs every cargo-fuzz target for a short time each, seeded from the test fixtures.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
# Needs the nightly toolchain and cargo-fuzz (scripts/setup.sh installs cargo-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: skipped, no nightly toolchain on this machine"
  exit 0
fi

targets=$(cargo +nightly fuzz list)
cargo +nightly fuzz build --release

declare -A seeds=(
  [csv_reader]=tests/fixtures/csv
  [json_reader]=tests/fixtures/json
  [jsonl_reader]=tests/fixtures/jsonl
  [parquet_reader]=tests/fixtures/parquet
  [validate_upload]=tests/fixtures
  [seal_header]=tests/fixtures/seal
  [seal_file_decrypt]=tests/fixtures/seal
  [deid_redact]=tests/fixtures/csv
  [deid_scan]=tests/fixtures/jsonl
  [token_verify]=tests/fixtures/tokens
  [phi_scan]=tests/fixtures/phi
)
for target in $targets; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus"
  seed=${seeds[$target]:-}
  if [[ -n "$seed" && -d "$seed" ]]; then
    find "$seed" -type f -size -256k ! -name '*.md' ! -name 'LICENSE*' -exec cp {} "$corpus/" \;
  fi
  if [[ "$target" == deid_redact ]]; then
    # A control byte before each Parquet fixture, since the target reads its first byte as one.
    for file in tests/fixtures/parquet/*.parquet; do
      { printf '\000'; cat "$file"; } > "$corpus/$(basename "$file")"
    done
  fi
  rm -rf "fuzz/artifacts/$target"
  echo "fuzz: $target for ${seconds}s"
  cargo +nightly fuzz run --release "$target" "$corpus" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
    | grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==.*ERROR|SUMMARY)' || true
  if [[ -n "$(ls -A "fuzz/artifacts/$target" 2>/dev/null)" ]]; then
    echo "fuzz: $target found a failing input in fuzz/artifacts/$target" >&2
    exit 1
  fi
done
echo "fuzz: all targets ran without a failure"
