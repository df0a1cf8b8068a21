#!/usr/bin/env bash
# Prints the path of haproxy (the load balancer of test/rolling-restart-lb.e2e-spec.ts), installing
# Debian's `haproxy` package when it is missing and we can.
set -euo pipefail
for candidate in "${HAPROXY_BIN:-}" "$(command -v haproxy || true)" /usr/sbin/haproxy; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's haproxy package..." >&2
  export DEBIAN_FRONTEND=noninteractive
  install() { apt-get install -y -qq --no-install-recommends haproxy >/dev/null 2>&1; }
  (install || { apt-get update -qq >/dev/null && install; }) >&2
  # The package enables a system service; the tests run their own instance on free ports.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now haproxy >/dev/null 2>&1 || true; fi
  if [ -x /usr/sbin/haproxy ]; then echo /usr/sbin/haproxy; exit 0; fi
fi
echo "haproxy is missing: install it with 'sudo apt-get install haproxy' (or set HAPROXY_BIN)" >&2
exit 1
