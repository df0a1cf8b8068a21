#!/usr/bin/env bash
# `npm test`: every test on a fresh machine. Unit specs, then end-to-end specs, which start their
# own nats-servers (never the shared one) and the built gateway.
#
#   bash scripts/test.sh [all|unit|e2e]      # default all
#   TEST_NODE=/path/to/node bash scripts/test.sh e2e
#
# TEST_NODE runs jest, and so every process the specs spawn (they use process.execPath: the
# gateway, the DLQ replay, the consumer), under another Node binary: .ci/run sets it to the
# image's Node (scripts/ensure-node.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

which=${1:-all}
[[ $which =~ ^(all|unit|e2e)$ ]] || {
  echo "usage: bash scripts/test.sh [all|unit|e2e]" >&2
  exit 2
}
node=${TEST_NODE:-node}
jest() { "$node" node_modules/jest/bin/jest.js "$@"; }

[ -d node_modules ] || npm ci
echo "tests on Node $("$node" --version) ($which)"
if [[ $which != e2e ]]; then jest --config jest.config.js; fi
if [[ $which == unit ]]; then exit 0; fi

NATS_SERVER_BIN=$(bash scripts/ensure-nats-server.sh)
export NATS_SERVER_BIN
# The deployment specs lint the metrics with promtool and render the Kubernetes base with kubectl.
PROMTOOL_BIN=$(bash scripts/ensure-promtool.sh)
KUBECTL_BIN=$(bash scripts/ensure-kubectl.sh)
# The alerting spec loads the shipped rules into a real Prometheus server scraping real gateways.
PROMETHEUS_BIN=$(bash scripts/ensure-prometheus.sh)
# The rolling-restart spec puts two replicas behind a real HAProxy.
HAPROXY_BIN=$(bash scripts/ensure-haproxy.sh)
# The NATS TLS specs make their CA and certificates with openssl.
OPENSSL_BIN=$(bash scripts/ensure-openssl.sh)
export PROMTOOL_BIN PROMETHEUS_BIN KUBECTL_BIN HAPROXY_BIN OPENSSL_BIN
npm run build --silent
jest --config test/jest-e2e.config.js --runInBand
