#!/usr/bin/env bash
# Stops what scripts/up.sh started. Cluster state stays in .flotilla/ unless --purge.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=${FLOTILLA_STATE_DIR:-$PWD/.flotilla}
for name in server etcd; do
  pidfile="$STATE_DIR/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "stopping $name (pid $(cat "$pidfile"))"
    kill "$(cat "$pidfile")"
    while kill -0 "$(cat "$pidfile")" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$pidfile"
done
if [ "${1:-}" = "--purge" ]; then rm -rf "$STATE_DIR"; echo "removed $STATE_DIR"; fi
