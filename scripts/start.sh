#!/usr/bin/env bash
# `npm start`: the gateway on a fresh machine. Installs when needed and builds the gateway alone,
# then serves it against NATS. With NATS_URL set, that server and no other: if it does not answer,
# the gateway still starts and waits for it (not ready), as it would in production. With NATS_URL
# unset, the default nats://127.0.0.1:4222 when it answers, else a private JetStream nats-server
# under .dev/, whose address is written to .dev/nats-url for `npm run events`.
#   npm start                 build the gateway, then run it
#   npm run start:dev         the same, rebuilt and restarted on every change (nest start --watch)
set -euo pipefail
cd "$(dirname "$0")/.."

watch=false
[ "${1:-}" = "--watch" ] && watch=true

say() { echo "start: $*"; }
# A URL as it may be printed: any user:password@ or token@ taken out.
shown() { sed -E 's#(^|,)([a-z]+://)?[^@,/]*@#\1\2#g' <<<"$1"; }

[ -d node_modules ] || npm ci --no-audit --no-fund
# Only the gateway, and only when a source, a setting or a dependency changed since its last build.
built=dist/apps/gateway/main.js
if ! $watch; then
  if [ -f "$built" ] && [ -z "$(find apps libs package-lock.json nest-cli.json tsconfig*.json -newer "$built" -print -quit)" ]; then
    say "the gateway's build is up to date ($built)"
  else
    say "building the gateway ($built)"
    npx nest build gateway >/dev/null
  fi
fi

if [ -n "${NATS_URL:-}" ]; then
  chosen=true
else
  chosen=false
  export NATS_URL="nats://127.0.0.1:4222"
fi
first="$(shown "${NATS_URL%%,*}")"; hostport="${first#*://}"; hostport="${hostport%%/*}"
host="${hostport%:*}"; port="${hostport##*:}"
[ "$port" = "$hostport" ] && { host=$hostport; port=4222; }
stream="${NATS_STREAM:-trading-events}"

if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  if [ "${NATS_PROVISION:-true}" = "true" ]; then
    say "NATS answers at $(shown "$NATS_URL"): the gateway creates stream $stream and bucket $stream-nonces there if missing (NATS_PROVISION=false only checks them)"
  else
    say "NATS answers at $(shown "$NATS_URL"): the gateway uses stream $stream there"
  fi
elif $chosen; then
  say "NATS_URL=$(shown "$NATS_URL") does not answer: the gateway starts and waits for it (not ready, webhooks 503); unset NATS_URL for a local development nats-server"
else
  bin=$(bash scripts/ensure-nats-server.sh)
  dev_port=${DEV_NATS_PORT:-4223}
  mkdir -p .dev/nats
  say "no NATS at $NATS_URL: starting a development nats-server on 127.0.0.1:$dev_port (store in .dev/nats; \`npm run events\` reads it)"
  # In a session of its own, so a terminal's Ctrl-C reaches the gateway but not its NATS: the
  # gateway drains first, then the trap below stops the server.
  setsid "$bin" -a 127.0.0.1 -p "$dev_port" -js -sd .dev/nats >.dev/nats-server.log 2>&1 &
  nats_pid=$!
  export NATS_URL="nats://127.0.0.1:$dev_port"
  echo "$NATS_URL" >.dev/nats-url
  trap 'rm -f .dev/nats-url; kill $nats_pid 2>/dev/null || true' EXIT
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$dev_port") 2>/dev/null && break; sleep 0.1; done
fi

if $watch; then
  say "watching apps/ and libs/: the gateway is rebuilt and restarted on every change (Ctrl-C stops)"
  npx nest start gateway --watch &
else
  node dist/apps/gateway/main.js &
fi
gateway_pid=$!
# Ctrl-C or a TERM: the gateway stops (it says how), then the development nats-server; the
# gateway's exit code is the script's.
trap 'kill -TERM $gateway_pid 2>/dev/null; wait $gateway_pid; code=$?; kill ${nats_pid:-} 2>/dev/null || true; exit $code' INT TERM
wait $gateway_pid
