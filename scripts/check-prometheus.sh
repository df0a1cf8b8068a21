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

"$promtool" check config deploy/prometheus/prometheus.yml
"$promtool" check rules deploy/prometheus/alerts.yml
"$promtool" test rules deploy/prometheus/tests/*.test.yml

echo "all Prometheus checks passed"
