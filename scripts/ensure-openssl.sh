#!/usr/bin/env bash
# Prints the path of openssl (the NATS TLS tests make their certificates with it), installing
# Debian's `openssl` package when it is missing and we can.
set -euo pipefail
for candidate in "${OPENSSL_BIN:-}" "$(command -v openssl || true)" /usr/bin/openssl; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's openssl package..." >&2
  export DEBIAN_FRONTEND=noninteractive
  install() { apt-get install -y -qq --no-install-recommends openssl >/dev/null 2>&1; }
  (install || { apt-get update -qq >/dev/null && install; }) >&2
  if [ -x /usr/bin/openssl ]; then echo /usr/bin/openssl; exit 0; fi
fi
echo "openssl is missing: install it with 'sudo apt-get install openssl' (or set OPENSSL_BIN)" >&2
exit 1
