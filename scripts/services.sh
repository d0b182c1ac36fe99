#!/usr/bin/env bash
# Starts the PostgreSQL and Redis servers that the key server's tests use, unless they are
# running already, and waits until both respond. The tests find them at
# KEYSERVER_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) and
# KEYSERVER_TEST_REDIS_URL (default redis://127.0.0.1:6379), and fail when they are absent.
#
# Usage: scripts/services.sh
set -euo pipefail

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL"
  for version in /etc/postgresql/*; do
    pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start
  done
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi

for _ in $(seq 1 50); do
  if pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "PostgreSQL and Redis are running"
    exit 0
  fi
  sleep 0.2
done
echo "PostgreSQL or Redis did not start; see the PostgreSQL log under /var/log/postgresql and /var/log/redis/ci.log" >&2
exit 1
