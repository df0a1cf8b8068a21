#!/usr/bin/env bash
# Offline checks of the container setup (no Docker engine needed):
#   - docker-compose.yml is valid (Debian's docker-compose, `config -q`);
#   - Dockerfile is multi-stage, installs production deps only, runs as non-root under an init
#     process (tini), starts with `node`;
#   - Prometheus scrapes the gateway.
# Usage, from the repo root: bash scripts/check-compose.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

install_compose() {
  [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1 || return 1
  export DEBIAN_FRONTEND=noninteractive
  echo "docker-compose missing: installing the Debian package..." >&2
  # Refresh the package lists only if the install fails without them.
  apt-get install -y -qq docker-compose >/dev/null 2>&1 && return 0
  apt-get update -qq >/dev/null && apt-get install -y -qq docker-compose >/dev/null
}

if ! command -v docker-compose >/dev/null 2>&1; then
  if ! install_compose || ! command -v docker-compose >/dev/null 2>&1; then
    echo "docker-compose not found: install it with 'sudo apt-get update && sudo apt-get install -y docker-compose', then rerun" >&2
    exit 1
  fi
fi

# 1. Compose file
docker-compose -f docker-compose.yml config -q || fail "docker-compose.yml is invalid"
echo "ok: docker-compose.yml is valid ($(docker-compose version --short 2>/dev/null || echo docker-compose))"

# 2. Dockerfile: join continuation lines and drop comments before looking at instructions.
[[ -f Dockerfile ]] || fail "Dockerfile is missing"
instructions=$(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' Dockerfile | grep -vE '^[[:space:]]*(#|$)' || true)

grep -qiE '^[[:space:]]*RUN[[:space:]].*npm ci --omit=dev' <<<"$instructions" ||
  fail "Dockerfile must install production deps with 'npm ci --omit=dev'"
echo "ok: Dockerfile runs 'npm ci --omit=dev'"

user=$(grep -iE '^[[:space:]]*USER[[:space:]]' <<<"$instructions" | tail -n 1 | awk '{print $2}' || true)
[[ -n $user ]] || fail "Dockerfile has no USER instruction (the runtime must not run as root)"
case ${user%%:*} in
  root | 0) fail "Dockerfile's final USER is root ($user)" ;;
esac
echo "ok: Dockerfile runs as non-root user '$user'"

stages=$(grep -ciE '^[[:space:]]*FROM[[:space:]]' <<<"$instructions" || true)
((stages >= 2)) || fail "Dockerfile must be multi-stage (build tools stay out of the runtime image)"
echo "ok: Dockerfile has $stages stages"

entrypoint=$(grep -iE '^[[:space:]]*ENTRYPOINT[[:space:]]' <<<"$instructions" | tail -n 1 || true)
grep -qE '"?(/usr/bin/|/sbin/)?tini"?' <<<"$entrypoint" ||
  fail "Dockerfile's ENTRYPOINT must be an init process (tini) that forwards SIGTERM, got: ${entrypoint:-none}"
echo "ok: Dockerfile runs under an init process: ${entrypoint#*ENTRYPOINT }"

cmd=$(grep -iE '^[[:space:]]*CMD[[:space:]]' <<<"$instructions" | tail -n 1 || true)
[[ -n $cmd ]] || fail "Dockerfile has no CMD"
grep -qiE '^[[:space:]]*CMD[[:space:]]+(\[[[:space:]]*"node"|node[[:space:]])' <<<"$cmd" ||
  fail "Dockerfile's CMD must start with node, got: $cmd"
echo "ok: Dockerfile CMD starts with node: ${cmd#*CMD }"
# The image runs the gateway exactly as `npm run start:prod` (and so `npm run bench`) does.
prod=$(node -p "require('./package.json').scripts['start:prod']")
image=$(node -e 'console.log(JSON.parse(process.argv[1]).join(" "))' "${cmd#*CMD }")
[[ $image == "$prod" ]] || fail "Dockerfile CMD ($image) differs from npm run start:prod ($prod)"
echo "ok: Dockerfile CMD is npm run start:prod: $prod"

# 3. Prometheus scrape target
grep -q 'gateway:8002' deploy/prometheus/prometheus.yml ||
  fail "deploy/prometheus/prometheus.yml does not scrape the gateway's management port (gateway:8002)"
echo "ok: Prometheus scrapes gateway:8002 (the management port)"

# 4. The gateway is never published to the network with the development secret: either every
#    published port is bound to loopback, or the stack refuses to start without a secret.
node -e '
const { parse } = require("yaml");
const gw = parse(require("fs").readFileSync("docker-compose.yml", "utf8")).services.gateway;
const secret = String(gw.environment.API_KEY_HMAC_SECRET ?? "");
const open = (gw.ports ?? []).filter((p) => !String(p).startsWith("127.0.0.1:"));
if (open.length && !/^\$\{API_KEY_HMAC_SECRET:\?/.test(secret)) {
  console.error(`FAIL: gateway ports ${open.join(", ")} reach the network while API_KEY_HMAC_SECRET may fall back to the development secret`);
  process.exit(1);
}' || exit 1
echo "ok: the gateway is published on loopback only, or requires a secret"

# 5. Every service of every profile (the secured one too) publishes on loopback only, and no two
#    publish the same host port (`--profile secured up` beside the default stack).
node -e '
const { parse } = require("yaml");
const services = parse(require("fs").readFileSync("docker-compose.yml", "utf8")).services;
const seen = new Map();
let failed = false;
for (const [name, service] of Object.entries(services)) {
  for (const port of (service.ports ?? []).map(String)) {
    const parts = port.split(":");
    const [host, published] = parts.length === 3 ? parts : ["", parts.length === 2 ? parts[0] : undefined];
    if (host !== "127.0.0.1" || published === undefined) { console.error(`FAIL: ${name} publishes ${port} beyond loopback`); failed = true; }
    if (seen.has(published)) { console.error(`FAIL: ${name} and ${seen.get(published)} both publish host port ${published}`); failed = true; }
    seen.set(published, name);
  }
}
process.exit(failed ? 1 : 0);' || exit 1
echo "ok: every published port is on loopback, none twice"

echo "all container checks passed"
