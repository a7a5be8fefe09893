#!/usr/bin/env bash
# Checks the machine's PostgreSQL and Redis; if either is down, says exactly which and how to start it.
# (tools/infra/ensure-services.sh is what CI runs to start both.) Used by `npm start` and `npm test`.
set -euo pipefail
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

postgres_up() {
  if command -v pg_isready >/dev/null; then pg_isready -q -h 127.0.0.1 -p 5432; else port_open 5432; fi
}

redis_up() {
  if command -v redis-cli >/dev/null; then [[ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" == PONG ]]; else port_open 6379; fi
}

echo "== infrastructure"
missing=0
if ! postgres_up; then
  echo "PostgreSQL is not answering on 127.0.0.1:5432. Start it with:" >&2
  echo "    pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
  missing=1
fi
if ! redis_up; then
  echo "Redis is not answering on 127.0.0.1:6379. Start it with:" >&2
  echo "    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no" >&2
  missing=1
fi
if ((missing)); then
  echo "(or run: bash tools/infra/ensure-services.sh — it starts whichever is down, as CI does)" >&2
  exit 1
fi
echo "PostgreSQL and Redis answer"
