#!/usr/bin/env bash
# Builds Flotilla's image and starts docker-compose.yml (three etcd members, two servers,
# three agents on the host's network and Docker engine); returns once every service is
# healthy. Installs what is missing (Docker, the registry mirror with the tutorial's
# image, docker-compose, node_modules), like `npm run up`.
#
# The image is built without pulling anything (Dockerfile.local on a base assembled from
# this machine's Node and etcd: scripts/images/build-flotilla.sh). FLOTILLA_COMPOSE_BUILD
# chooses: `local` (that, the default), `dockerfile` (`docker-compose build` with the
# Dockerfile; needs to pull node:20-bookworm-slim and quay.io/coreos/etcd), `none` (run
# the image as it is).
#
# The agent token is generated once into .flotilla/compose.env and given to
# docker-compose with --env-file; run other docker-compose commands the same way:
#   docker-compose --env-file .flotilla/compose.env ps
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure.sh

STATE_DIR=${FLOTILLA_STATE_DIR:-$PWD/.flotilla}
ENV_FILE=$STATE_DIR/compose.env
export FLOTILLA_IMAGE=${FLOTILLA_IMAGE:-flotilla:latest}
compose() { docker-compose --env-file "$ENV_FILE" -f docker-compose.yml "$@"; }

ensure_etcd
ensure_docker
ensure_tutorial_image
ensure_compose
ensure_node_modules

mkdir -p "$STATE_DIR"
if [ ! -s "$ENV_FILE" ]; then
  (
    umask 077
    echo "# Written by scripts/compose-up.sh: the secret docker-compose.yml's servers present to its agents."
    echo "FLOTILLA_AGENT_TOKEN=$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')"
  ) >"$ENV_FILE"
fi

start=$SECONDS
case ${FLOTILLA_COMPOSE_BUILD:-local} in
  local) bash scripts/images/build-flotilla.sh "$FLOTILLA_IMAGE" ;;
  dockerfile) compose build ;;
  none) docker image inspect "$FLOTILLA_IMAGE" >/dev/null ;;
  *)
    echo "flotilla: FLOTILLA_COMPOSE_BUILD must be local, dockerfile or none" >&2
    exit 2
    ;;
esac
echo "flotilla: image $FLOTILLA_IMAGE ready ($((SECONDS - start)) s)" >&2

start=$SECONDS
compose up -d --no-build --remove-orphans

# Every service's container healthy, or fail showing what is not and its log.
services=$(compose config --services)
unhealthy() {
  local service id status pending=
  for service in $services; do
    id=$(compose ps -q "$service")
    status=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null) || status=missing
    if [ "$status" != healthy ]; then pending+="$service($status) "; fi
  done
  printf '%s' "$pending"
}
for _ in $(seq 1 120); do
  pending=$(unhealthy)
  [ -z "$pending" ] && break
  sleep 1
done
if [ -n "$pending" ]; then
  echo "flotilla: not healthy after 120 s: $pending" >&2
  for service in $pending; do compose logs --tail=30 "${service%%(*}" >&2 || true; done
  exit 1
fi
echo "flotilla: all services healthy ($((SECONDS - start)) s)" >&2

cat <<DONE

Flotilla runs in docker-compose; the agent token is in $ENV_FILE.
  API:       http://127.0.0.1:7620/ and http://127.0.0.1:7630/
  etcd:      http://127.0.0.1:23791,http://127.0.0.1:23792,http://127.0.0.1:23793
  machines:  coreos-1..3 on 127.0.0.21, 127.0.0.22, 127.0.0.23 (agents on :7601)
Next:
  curl http://127.0.0.1:7620/v1/machines
  docker-compose --env-file $ENV_FILE ps
Stop everything with: bash scripts/compose-down.sh   (--volumes also deletes etcd's data)
DONE
