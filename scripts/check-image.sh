#!/usr/bin/env bash
# Offline checks of the image's runtime (no Docker engine needed): the Dockerfile pins an LTS
# Node release (never `latest`, never a bare major), builds both stages FROM that one image,
# labels the image with the OCI annotations, and package.json `engines` admits that major.
# scripts/ensure-node.sh reads the same NODE_VERSION, so CI tests what the image ships.
# Usage, from the repo root: bash scripts/check-image.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

version=$(sed -nE 's/^ARG NODE_VERSION=(.*)$/\1/p' Dockerfile)
[[ $version =~ ^([0-9]+)\.[0-9]+\.[0-9]+$ ]] || fail "Dockerfile must pin ARG NODE_VERSION=<major.minor.patch>, got '${version}'"
major=${BASH_REMATCH[1]}
((major % 2 == 0)) || fail "Node $major is not an LTS line (odd majors never are)"
echo "ok: the image pins Node $version"

image_lines=$(grep -iE '^[[:space:]]*(FROM|ARG NODE_IMAGE)' Dockerfile) || fail "Dockerfile has no FROM"
if grep -qi 'latest' <<<"$image_lines"; then fail "Dockerfile uses a 'latest' tag"; fi
grep -qE '^ARG NODE_IMAGE=node:\$\{NODE_VERSION\}-[^[:space:]]+\$\{NODE_DIGEST\}$' Dockerfile ||
  fail "ARG NODE_IMAGE must be node:\${NODE_VERSION}-<variant>\${NODE_DIGEST}"
froms=$(grep -ciE '^FROM[[:space:]]' Dockerfile)
pinned=$(grep -ciE '^FROM[[:space:]]+\$\{NODE_IMAGE\}[[:space:]]' Dockerfile)
((froms == pinned)) || fail "every stage must be FROM \${NODE_IMAGE} ($pinned of $froms are)"
echo "ok: every stage is FROM node:$version (optionally by digest: NODE_DIGEST)"

for label in title description version revision created licenses base.name; do
  grep -qE "org\.opencontainers\.image\.$label=" Dockerfile || fail "Dockerfile lacks the label org.opencontainers.image.$label"
done
echo "ok: OCI labels present"

engines=$(node -p "require('./package.json').engines.node")
grep -qE "(^|\|\|)[[:space:]]*\^$major\." <<<"$engines" || fail "package.json engines ($engines) does not admit Node $major"
echo "ok: engines ($engines) admits Node $major"
