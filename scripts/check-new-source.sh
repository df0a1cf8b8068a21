#!/usr/bin/env bash
# CI: the source generator cannot rot. On a scratch copy of the tree (what a fresh clone holds),
# follow docs/adding-a-source.md literally for every verification kind: `npm run new-source`,
# then the tree must still be lint-clean and type-check, and each generated source's unit spec
# and end-to-end spec (against its own nats-server) must pass unchanged. The generator's refusals
# are checked too. Nothing is left behind: the scratch copy is removed at the end.
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

# kind -> the id its source gets
declare -A IDS=([hmac]=gen-hmac [standard-webhooks]=gen-standard [token]=gen-token [github]=gen-github [stripe]=gen-stripe)
KINDS=(hmac standard-webhooks token github stripe)

for kind in "${KINDS[@]}"; do
  npm run --silent new-source -- "${IDS[$kind]}" --auth "$kind" >/dev/null
done

# Refusals: one clear line, a non-zero exit, nothing written.
expect_refusal() {
  local want=$1
  shift
  local out
  if out=$(npm run --silent new-source -- "$@" 2>&1); then fail "new-source $* was not refused"; fi
  [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "new-source $* refused in more than one line: $out"
  [[ $out == *"$want"* ]] || fail "new-source $* said \"$out\", not \"$want\""
}
expect_refusal 'libs/sources/gen-hmac already exists' gen-hmac
expect_refusal 'is not a source id' Bad_Id
expect_refusal 'is not a source id' x--y
expect_refusal '--auth must be one of' gen-other --auth none
[ ! -e libs/sources/gen-other ] || fail 'a refused run wrote libs/sources/gen-other'

generated=()
for kind in "${KINDS[@]}"; do generated+=("libs/sources/${IDS[$kind]}" "test/${IDS[$kind]}-source.e2e-spec.ts"); done
catalog=apps/gateway/src/sources.ts
[ -f libs/sources/catalog/src/source-catalog.ts ] && catalog=libs/sources/catalog/src/source-catalog.ts

npx prettier --check "{apps,libs,test,lint,scripts,bench}/**/*.{ts,mjs,js}" >/dev/null || fail 'the tree is not Prettier-clean'
npx eslint "${generated[@]}" "$catalog" || fail 'the generated sources do not pass ESLint'
npx tsc -p tsconfig.json --noEmit || fail 'the tree does not type-check'

for kind in "${KINDS[@]}"; do
  id=${IDS[$kind]}
  echo "check-new-source: $kind ($id)"
  npx jest "libs/sources/$id" --silent || fail "$kind: the generated unit spec fails"
  npx jest --config test/jest-e2e.config.js --runInBand "test/$id-source.e2e-spec.ts" --silent ||
    fail "$kind: the generated end-to-end spec fails"
done
echo "check-new-source: every kind (${KINDS[*]}) generated, lint-clean and green"
