#!/usr/bin/env bash
# `npm test`: every test on a fresh machine. Unit specs, then end-to-end specs, which start their
# own nats-servers (never the shared one) and the built gateway.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
NATS_SERVER_BIN=$(bash scripts/ensure-nats-server.sh)
export NATS_SERVER_BIN
# The deployment specs lint the metrics with promtool and render the Kubernetes base with kubectl.
PROMTOOL_BIN=$(bash scripts/ensure-promtool.sh)
KUBECTL_BIN=$(bash scripts/ensure-kubectl.sh)
# The NATS TLS specs make their CA and certificates with openssl.
OPENSSL_BIN=$(bash scripts/ensure-openssl.sh)
export PROMTOOL_BIN KUBECTL_BIN OPENSSL_BIN
npm run build --silent
npx jest --config jest.config.js
npx jest --config test/jest-e2e.config.js --runInBand
