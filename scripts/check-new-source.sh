#!/usr/bin/env bash
# CI: the source generator cannot rot. On a scratch copy of the tree (what a fresh clone holds),
# follow docs/adding-a-source.md literally for every verification kind: its `npm run new-source`,
# then its lint and typecheck of the whole tree, then each generated source's unit spec and
# end-to-end spec (against its own nats-server), which must pass unchanged. The generator's
# refusals and the doc's Kubernetes overlay are checked too. The scratch copy is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

[ -d node_modules ] || npm ci --no-audit --no-fund
NATS_SERVER_BIN=$(bash scripts/ensure-nats-server.sh)
export NATS_SERVER_BIN

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/check-new-source.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
# The files a clone would hold (tracked, and new ones not ignored), without build output.
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$SCRATCH"
ln -s "$ROOT/node_modules" "$SCRATCH/node_modules"
cd "$SCRATCH"

fail() {
  echo "check-new-source: $*" >&2
  exit 1
}

# The commands of docs/adding-a-source.md ("Ten minutes"), exactly as written there for acme-bot
# and hmac; every kind runs them with its own id and --auth.
mapfile -t STEPS < <(sed -n '/^## Ten minutes/,/^## /p' docs/adding-a-source.md | sed -n 's/^    //p')
[ "${#STEPS[@]}" -eq 4 ] || fail "expected 4 commands under \"Ten minutes\" in docs/adding-a-source.md, found ${#STEPS[@]}"
[[ ${STEPS[0]} == "npm run new-source -- acme-bot --auth hmac" ]] || fail "the doc's first step is not the generator: ${STEPS[0]}"
step() { # step <n> <id> <kind>
  local command=${STEPS[$1]//acme-bot/$2}
  command=${command//--auth hmac/--auth $3}
  echo "check-new-source: $command"
  bash -c "$command"
}

declare -A IDS=([hmac]=acme-bot [standard-webhooks]=gen-standard [token]=gen-token [github]=gen-github [stripe]=gen-stripe)
KINDS=(hmac standard-webhooks token github stripe)

for kind in "${KINDS[@]}"; do step 0 "${IDS[$kind]}" "$kind" >/dev/null || fail "$kind: new-source failed"; done

# A source shaped after its sender's own payload (--sample): flat, no id, a Unix time, an action
# word of its own and a nested object it does not map; token-verified, so its time is checked too.
SAMPLE=$SCRATCH/desk-sample.json
cat >"$SAMPLE" <<'JSON'
{"ticker":"BTCUSDT","side":"bullish","qty":"0.5","price":64123.5,"tf":"15","ts":1733500000,"desk":{"name":"eu"}}
JSON
npm run --silent new-source -- gen-sample --auth token --sample "$SAMPLE" >/dev/null || fail 'sample: new-source --sample failed'
grep -q 'TODO(new-source): the sample.s action word' libs/sources/gen-sample/src/gen-sample.normalizer.ts ||
  fail 'sample: the unknown action word is not marked as a judgement call'
grep -q "readonly idempotencyField = null" libs/sources/gen-sample/src/gen-sample.source.ts ||
  fail 'sample: a sample without an id should have no idempotency field'

# Refusals: one clear line, a non-zero exit, nothing written.
expect_refusal() {
  local want=$1
  shift
  local out
  if out=$(npm run --silent new-source -- "$@" 2>&1); then fail "new-source $* was not refused"; fi
  [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "new-source $* refused in more than one line: $out"
  [[ $out == *"$want"* ]] || fail "new-source $* said \"$out\", not \"$want\""
}
expect_refusal 'libs/sources/acme-bot already exists' acme-bot
expect_refusal 'is not a source id' Bad_Id
expect_refusal 'is not a source id' x--y
expect_refusal '--auth must be one of' gen-other --auth none
echo '{"note":"no instrument here","side":"buy"}' >"$SCRATCH/no-instrument.json"
expect_refusal 'no field that looks like the instrument' gen-other --sample "$SCRATCH/no-instrument.json"
expect_refusal 'no such file' gen-other --sample "$SAMPLE.missing"
[ ! -e libs/sources/gen-other ] || fail 'a refused run wrote libs/sources/gen-other'

# The whole tree, with all six generated sources in the catalog: lint-clean and type-checked.
step 3 acme-bot hmac || fail 'the tree is not lint-clean or does not type-check'

for kind in "${KINDS[@]}"; do
  step 1 "${IDS[$kind]}" "$kind" || fail "$kind: the generated unit spec fails"
  step 2 "${IDS[$kind]}" "$kind" || fail "$kind: the generated end-to-end spec fails"
done
step 1 gen-sample token || fail 'sample: the generated unit spec fails'
step 2 gen-sample token || fail 'sample: the generated end-to-end spec fails'

# The Kubernetes overlay of "The path to production", rendered over the base as written there.
# kubectl is installed when it is missing (scripts/ensure-kubectl.sh); without it the check fails
# rather than passing unchecked.
KUBECTL=$(bash scripts/ensure-kubectl.sh) || fail "kubectl is needed to render the doc's overlay"
overlay=deploy/k8s/overlays/acme-bot
mkdir -p "$overlay"
sed -n '/^   # deploy\/k8s\/overlays\/acme-bot\/kustomization.yaml/,/^   ```/p' docs/adding-a-source.md |
  sed '$d' | sed 's/^   //' >"$overlay/kustomization.yaml"
rendered=$("$KUBECTL" kustomize "$overlay") || fail "the doc's overlay does not render"
grep -q 'ALLOWED_SOURCES: tradingview,acme-bot' <<<"$rendered" || fail "the doc's overlay does not set ALLOWED_SOURCES"
# The source's keys come from the Secret as a file; the same secret as an environment value too
# would stop the gateway's start (both set is a configuration error).
grep -q 'name: SOURCE_HMAC_SECRETS_FILE' <<<"$rendered" || fail "the doc's overlay does not read SOURCE_HMAC_SECRETS_FILE"
! grep -qE 'name: SOURCE_HMAC_SECRETS$' <<<"$rendered" || fail "the doc's overlay sets SOURCE_HMAC_SECRETS beside its _FILE"
echo "check-new-source: every kind (${KINDS[*]}) and a sample payload generated by the doc's steps, lint-clean and green"
