#!/usr/bin/env bash
# Stops what scripts/compose-up.sh started: the servers first (so that nothing places
# units again while the agents leave), then `docker-compose down`, in which the agents
# stop their units before etcd goes; then removes the containers those units left
# (labelled with the agents' machine ids). Arguments go to `docker-compose down`:
# --volumes also deletes etcd's data.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE_DIR=${FLOTILLA_STATE_DIR:-$PWD/.flotilla}
ENV_FILE=$STATE_DIR/compose.env
compose() {
  if [ -f "$ENV_FILE" ]; then
    docker-compose --env-file "$ENV_FILE" -f docker-compose.yml "$@"
  else
    docker-compose -f docker-compose.yml "$@"
  fi
}

compose stop --timeout 30 server1 server2
compose down --timeout 60 --remove-orphans "$@"

sed -n 's/.*--machine-id=\([0-9A-Za-z_-]*\).*/\1/p' docker-compose.yml | while read -r id; do
  containers=$(docker ps -aq --filter "label=flotilla.machine=$id")
  if [ -n "$containers" ]; then
    echo "removing the containers units left on machine $id"
    # shellcheck disable=SC2086 # one id a word
    docker rm -f $containers >/dev/null
  fi
done
