#!/usr/bin/env bash
# Load benchmark of the key server on loopback, on SQLite and on PostgreSQL: refresh (token
# issuance with rotation), introspection, the revocation snapshot and login, with GET /healthz
# as the anchor measured against the same server in the same run.
#
# Usage: bench/keyserver.sh [SECONDS] [CONCURRENCY]     (defaults 5 and 16)
# Needs PostgreSQL on 127.0.0.1:5432 (scripts/services.sh starts it) and curl.
# KEYSERVER_BENCH_BIN=DIR runs DIR/techdeck-keyserver and DIR/load instead of building them,
# for comparing two builds in alternating runs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
concurrency=${2:-16}
users=16
password="bench password $RANDOM$RANDOM"
target=${CARGO_TARGET_DIR:-target}/bench-server

if [[ -n "${KEYSERVER_BENCH_BIN:-}" ]]; then
  server=$KEYSERVER_BENCH_BIN/techdeck-keyserver
  load=$KEYSERVER_BENCH_BIN/load
else
  cargo build --quiet --profile bench-server -p techdeck-keyserver --bin techdeck-keyserver --example load
  server=$target/techdeck-keyserver
  load=$target/examples/load
fi

work=$(mktemp -d)
pg_db="keyserver_bench_$$"
cleanup() {
  [[ -n "${server_pid:-}" ]] && kill "$server_pid" 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

export ENCRYPTION_MASTER_KEY=$(head -c 32 /dev/urandom | base64)
export RATE_LIMIT_AUTH=1000000/second RATE_LIMIT_DEFAULT=1000000/second KEYSERVER_LOG=warn
export KEYSERVER_BIND=127.0.0.1:18787

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "run: $seconds s per scenario, $concurrency requests in flight (login: 2), $users users"

for backend in sqlite postgres; do
  if [[ $backend == postgres ]]; then
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $pg_db" >/dev/null
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$pg_db"
  else
    unset DATABASE_URL
    export KEYSERVER_SQLITE_PATH=$work/bench.db
  fi
  for i in $(seq 0 $((users - 1))); do
    echo "$password" | "$server" user add --username "bench$i" --role user >/dev/null
  done
  "$server" serve &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://$KEYSERVER_BIND/healthz" >/dev/null && break
    sleep 0.1
  done
  echo
  echo "### $backend"
  echo
  "$load" "http://$KEYSERVER_BIND" "$password" bench "$users" "$seconds" "$concurrency"
  kill "$server_pid"
  wait "$server_pid" || true
  server_pid=
done
