#!/usr/bin/env bash
# Brings up a local Flotilla control plane: etcd and a server on loopback (and the Docker
# engine with its local registry mirror and the tutorial's image), installing
# what is missing. Idempotent: what already runs is left running. State lives in .flotilla/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure.sh

STATE_DIR=${FLOTILLA_STATE_DIR:-$PWD/.flotilla}
ETCD_URL=http://127.0.0.1:2379
API_URL=http://127.0.0.1:7600
mkdir -p "$STATE_DIR"

ensure_etcd
ensure_docker
ensure_tutorial_image
ensure_node_modules

running() { [ -f "$STATE_DIR/$1.pid" ] && kill -0 "$(cat "$STATE_DIR/$1.pid")" 2>/dev/null; }

if running etcd; then
  echo "etcd already running (pid $(cat "$STATE_DIR/etcd.pid"))"
else
  echo "starting etcd on $ETCD_URL (data in $STATE_DIR/etcd)"
  etcd --name flotilla --data-dir "$STATE_DIR/etcd" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster flotilla=http://127.0.0.1:2380 >"$STATE_DIR/etcd.log" 2>&1 &
  echo $! >"$STATE_DIR/etcd.pid"
fi

if running server; then
  echo "flotilla server already running (pid $(cat "$STATE_DIR/server.pid"))"
else
  echo "starting flotilla server on $API_URL (log in $STATE_DIR/server.log)"
  FLOTILLA_ETCD=$ETCD_URL nohup node bin/flotilla.js server --listen 127.0.0.1:7600 >"$STATE_DIR/server.log" 2>&1 &
  echo $! >"$STATE_DIR/server.pid"
fi

for _ in $(seq 1 100); do
  if node -e "fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$API_URL/readyz"; then
    echo "Flotilla is up: $API_URL (API docs at $API_URL/docs). State: $STATE_DIR"
    echo "Stop it with: npm run down"
    exit 0
  fi
  sleep 0.2
done
echo "flotilla: the server did not become ready; see $STATE_DIR/server.log and $STATE_DIR/etcd.log" >&2
exit 1
