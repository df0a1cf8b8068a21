#!/usr/bin/env bash
# Offline checks of the Prometheus artefacts with promtool (Debian's `prometheus` package):
#   - deploy/prometheus/prometheus.yml is a valid config, and its rule files load;
#   - deploy/prometheus/alerts.yml is valid (check rules) and behaves as its unit tests say
#     (test rules deploy/prometheus/tests/*.test.yml).
# That every metric the rules name is exported by the gateway is tested in
# test/observability.e2e-spec.ts, against a running gateway.
# Usage, from the repo root: bash scripts/check-prometheus.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

promtool=$(bash scripts/ensure-promtool.sh)
echo "using $("$promtool" --version 2>&1 | head -n 1)"

# The rules are tested with this promtool; the compose stack must run the same Prometheus version
# (docs/observability.md "Versions").
tested=$("$promtool" --version 2>&1 | sed -n 's/^promtool, version \([0-9.]*\).*/\1/p' | head -n 1)
pinned=$(sed -n 's|^ *image: prom/prometheus:v\([0-9.]*\)$|\1|p' docker-compose.yml)
if [ -z "$tested" ] || [ "$tested" != "$pinned" ]; then
  echo "docker-compose.yml runs prom/prometheus:v$pinned but the rules are tested with promtool $tested" >&2
  exit 1
fi

"$promtool" check config deploy/prometheus/prometheus.yml
"$promtool" check rules deploy/prometheus/alerts.yml
"$promtool" test rules deploy/prometheus/tests/*.test.yml
# The PrometheusRule of deploy/k8s/components/monitoring is alerts.yml wrapped, never edited.
node scripts/render-prometheus-rule.mjs --check

echo "all Prometheus checks passed"
