#!/usr/bin/env bash
# `npm test`: static checks, then unit, integration and system tests against the real infrastructure.
# PostgreSQL and Redis are the machine's own services: this script checks them and says how to start
# them (tools/infra/ensure-services.sh is what CI runs to start both). Kafka is ours: when no broker
# answers on 127.0.0.1:9092 this script starts the local one (tools/kafka/kafka.sh) and leaves it running.
set -euo pipefail
cd "$(dirname "$0")/../.."

echo "== infrastructure"; bash tools/infra/check-services.sh
bash tools/kafka/kafka.sh start

echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
echo "== lint (module boundaries included)"; NX_DAEMON=false npx nx show projects >/dev/null; npx eslint .
# The system tests' stack runs the services as production does, from the build output (cached: seconds when nothing
# changed), which also spares every service start its compilation.
echo "== build"; npm run build --silent
echo "== tests"; CUSTODY_FROM_BUILD=1 npx jest --ci "$@"
