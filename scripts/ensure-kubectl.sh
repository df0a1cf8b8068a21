#!/usr/bin/env bash
# Prints the path of a kubectl with `kustomize` built in: the one on PATH, else Debian's
# `kubernetes-client` package, installed when we can. Only `kubectl kustomize` is used (offline
# rendering); no cluster is contacted.
set -euo pipefail
for candidate in "${KUBECTL_BIN:-}" "$(command -v kubectl || true)" /usr/bin/kubectl; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's kubernetes-client package (for kubectl kustomize)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  install() { apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null 2>&1; }
  (install || { apt-get update -qq >/dev/null && install; }) >&2
  if [ -x /usr/bin/kubectl ]; then echo /usr/bin/kubectl; exit 0; fi
fi
echo "kubectl is missing: install it with 'sudo apt-get install kubernetes-client' (or set KUBECTL_BIN)" >&2
exit 1
