#!/usr/bin/env bash
# The whole test suite: installs what is missing, checks types, lint, format and the
# OpenAPI document, starts a throw-away etcd, and runs every test against it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure.sh

ensure_etcd
ensure_docker
ensure_tutorial_image
ensure_chromium
ensure_iproute2
ensure_zsh
ensure_systemd_analyze
ensure_node_modules

echo "== typecheck" && npx tsc --noEmit
echo "== lint and format" && npx biome check --error-on-warnings .
echo "== openapi" && npx tsx scripts/generate-openapi.ts --check && npx tsx scripts/openapi-compat.ts && npx redocly lint --format=stylish openapi/openapi.json openapi/agent.json
echo "== build (src/ into dist/)" && node scripts/build.mjs
echo "== docker-compose.yml" && ensure_compose && docker-compose -f docker-compose.yml config -q

trap stop_test_etcd EXIT
start_test_etcd
export FLOTILLA_TEST_ETCD="$ETCD_ENDPOINT"

echo "== tests (etcd at $ETCD_ENDPOINT)"
shopt -s globstar nullglob
node --import tsx --test --test-concurrency=2 --test-reporter=spec "$@" \
  $( [ $# -eq 0 ] && printf '%s\n' test/**/*.test.ts )

# The seeded fault campaign (test/chaos/README.md), after the tests: it has the machine to
# itself, as its checks allow for the faults it injects, not for a test suite beside it.
if [ $# -eq 0 ]; then
  echo "== fault campaign (seed 156, 2 minutes: every kind of fault but network delay)"
  if [ "$(id -u)" -eq 0 ]; then
    npx tsx test/chaos/run.ts --seed 156 --minutes 2
  else
    echo "skipped: it starts a Docker engine of its own, which needs root"
  fi
fi
