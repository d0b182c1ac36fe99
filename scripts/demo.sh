#!/usr/bin/env bash
# The main job on embedded defaults: builds the native CLI and validates the example datasets,
# a clean session transcript and a file with one problem per row.
#
# Usage: scripts/demo.sh [FILE...]   (default: the files in examples/datasets)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --profile release-native -p techdeck-guard-cli
cli=target/release-native/techdeck-guard

files=("$@")
if ((${#files[@]} == 0)); then
  files=(examples/datasets/sessions.csv examples/datasets/problems.csv)
fi

status=0
for file in "${files[@]}"; do
  echo "\$ techdeck-guard validate $file"
  "$cli" validate "$file" || { code=$?; ((code > status)) && status=$code; }
  echo
done
echo "The exit status is 0 for a valid file and 1 for an invalid one; add --json for the report as JSON."
# An invalid example is the point of the demo, so only a failure to run (status 2) fails it.
[[ $status -ne 2 ]]
