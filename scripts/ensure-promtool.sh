#!/usr/bin/env bash
# Prints the path of promtool, installing Debian's `prometheus` package (which ships it) when it is
# missing and we can.
set -euo pipefail
for candidate in "${PROMTOOL_BIN:-}" "$(command -v promtool || true)" /usr/bin/promtool; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's prometheus package (for promtool)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  install() { apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1; }
  (install || { apt-get update -qq >/dev/null && install; }) >&2
  if [ -x /usr/bin/promtool ]; then echo /usr/bin/promtool; exit 0; fi
fi
echo "promtool is missing: install it with 'sudo apt-get install prometheus' (or set PROMTOOL_BIN)" >&2
exit 1
