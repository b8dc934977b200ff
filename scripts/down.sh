#!/usr/bin/env bash
# Stops what scripts/up.sh started and removes the containers its units created. The
# cluster's state stays in the state directory unless --purge.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=${FLOTILLA_STATE_DIR:-$PWD/.flotilla}

stop() {
  local pidfile="$STATE_DIR/$1.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "stopping $1 (pid $(cat "$pidfile"))"
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 300); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
}

# Agents first: on SIGTERM they stop their units; then the servers, then etcd.
for name in coreos-1 coreos-2 coreos-3; do stop "$name"; done
for name in server-1 server-2 etcd; do stop "$name"; done

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  for dir in "$STATE_DIR"/coreos-*; do
    [ -f "$dir/machine-id" ] || continue
    ids=$(docker ps -aq --filter "label=flotilla.machine=$(cat "$dir/machine-id")")
    if [ -n "$ids" ]; then
      echo "removing containers of $(basename "$dir")"
      # shellcheck disable=SC2086
      docker rm -f $ids >/dev/null
    fi
  done
fi
if [ "${1:-}" = "--purge" ]; then rm -rf "$STATE_DIR"; echo "removed $STATE_DIR"; fi
