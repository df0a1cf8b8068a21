#!/usr/bin/env bash
# Prints the path of a tool the tests need, installing the Debian package that ships it when it is
# missing and we can (root with apt-get), so a fresh machine and CI get it like this one.
#
#   bash scripts/ensure-debian-tool.sh <binary> <package> <OVERRIDE_VAR> [why]
#
# $OVERRIDE_VAR, when set to an executable, wins.
set -euo pipefail
binary=$1 package=$2 override=${!3:-} why=${4:-}
found() {
  for candidate in "$override" "$(command -v "$binary" || true)" "/usr/sbin/$binary" "/usr/bin/$binary"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}
found && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's $package package${why:+ ($why)}..." >&2
  export DEBIAN_FRONTEND=noninteractive
  install() { apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1; }
  (install || { apt-get update -qq >/dev/null && install; }) >&2
  # Some packages enable a system service; the tests run their own instances on free ports.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now "$package" >/dev/null 2>&1 || true; fi
  found && exit 0
fi
echo "$binary is missing: install it with 'sudo apt-get install $package' (or set $3)" >&2
exit 1
