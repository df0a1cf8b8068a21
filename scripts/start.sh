#!/usr/bin/env bash
# `npm start`: the gateway on a fresh machine. Installs and builds when needed, then uses NATS_URL
# when it answers, else runs a private JetStream nats-server under .dev/ for development.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
npm run build --silent

export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
first="${NATS_URL%%,*}"; hostport="${first#*://}"; host="${hostport%%:*}"; port="${hostport##*:}"
[ "$port" = "$hostport" ] && port=4222

if ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  bin=$(bash scripts/ensure-nats-server.sh)
  dev_port=${DEV_NATS_PORT:-4223}
  mkdir -p .dev/nats
  echo "NATS is not reachable at $NATS_URL: starting a development nats-server on 127.0.0.1:$dev_port (store in .dev/nats)"
  "$bin" -a 127.0.0.1 -p "$dev_port" -js -sd .dev/nats >.dev/nats-server.log 2>&1 &
  nats_pid=$!
  trap 'kill $nats_pid 2>/dev/null || true' EXIT
  export NATS_URL="nats://127.0.0.1:$dev_port"
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$dev_port") 2>/dev/null && break; sleep 0.1; done
fi

echo "gateway: http://${HOST:-0.0.0.0}:${PORT:-8001}  (NATS $NATS_URL)"
node dist/apps/gateway/main.js &
gateway_pid=$!
trap 'kill -TERM $gateway_pid 2>/dev/null; wait $gateway_pid; kill ${nats_pid:-} 2>/dev/null || true' INT TERM
wait $gateway_pid
