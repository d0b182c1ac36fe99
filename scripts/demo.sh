#!/usr/bin/env bash
# The main job on embedded defaults: builds the native CLI and validates the example datasets,
# a clean session transcript and a file with one problem in each row. Needs only Rust (cargo).
#
# Usage: scripts/demo.sh [FILE...]
#   Without files it validates examples/datasets and exits 0 when the CLI ran, since one example
#   is invalid on purpose. With files it exits with the CLI's status: 0 when every file is
#   valid, 1 when one is invalid, 2 when one could not be read.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --profile release-native -p techdeck-guard-cli
cli=target/release-native/techdeck-guard

files=("$@")
examples=0
if ((${#files[@]} == 0)); then
  files=(examples/datasets/sessions.csv examples/datasets/problems.csv)
  examples=1
fi

status=0
for file in "${files[@]}"; do
  echo "\$ techdeck-guard validate $file"
  "$cli" validate "$file" || { code=$?; ((code > status)) && status=$code; }
  echo
done

if ((examples)); then
  echo "The CLI exits with 0 for a valid file, 1 for an invalid one and 2 when it cannot read the file"
  echo "or an option is invalid. Add --json for the report as JSON."
  [[ $status -ne 2 ]]
else
  exit "$status"
fi
