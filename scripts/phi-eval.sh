#!/usr/bin/env bash
# Runs the PHI scanner evaluation: precision, recall and F2 per type on therapy-dev and
# presidio-synth, and findings per MB with a 100-finding sample and throughput on counsel-chat.
#
# Usage: scripts/phi-eval.sh [DATA_DIR]
#   DATA_DIR contains phi/therapy-dev, phi/presidio-synth and therapy/counsel-chat
#   (default: ../shared/data). The corpora are not part of the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
cargo build --quiet --profile release-native --example phi_eval
eval_bin=${CARGO_TARGET_DIR:-target}/release-native/examples/phi_eval
"$eval_bin" therapy-dev "$data/phi/therapy-dev"
echo
"$eval_bin" presidio "$data/phi/presidio-synth/synth_dataset_v2.json"
echo
"$eval_bin" counsel "$data/therapy/counsel-chat/20200325_counsel_chat.csv" --sample 100
