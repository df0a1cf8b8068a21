#!/usr/bin/env bash
# Prints the path of a nats-server binary, installing Debian's package when it is missing and we can.
set -euo pipefail
for candidate in "${NATS_SERVER_BIN:-}" "$(command -v nats-server || true)" /usr/sbin/nats-server /usr/bin/nats-server; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's nats-server package..." >&2
  (apt-get install -y -qq nats-server >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq nats-server >/dev/null; }) >&2
  for candidate in /usr/sbin/nats-server /usr/bin/nats-server; do
    if [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
  done
fi
echo "nats-server is missing: install it with 'sudo apt-get install nats-server' (or set NATS_SERVER_BIN)" >&2
exit 1
