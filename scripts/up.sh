#!/usr/bin/env bash
# Brings up a local Flotilla cluster like the tutorial's: etcd, two control-plane servers
# and three agents (coreos-1..3 on 127.0.0.11..13) sharing the local Docker engine, with
# the registry mirror and the tutorial's image. Installs what is missing. Idempotent: what
# already runs is left running. All state lives in one directory, printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure.sh

STATE_DIR=${FLOTILLA_STATE_DIR:-$PWD/.flotilla}
ETCD_URL=http://127.0.0.1:2379
SERVERS=("127.0.0.1:7600" "127.0.0.1:7610")
AGENT_IPS=("127.0.0.11" "127.0.0.12" "127.0.0.13")
mkdir -p "$STATE_DIR"

ensure_etcd
ensure_docker
ensure_tutorial_image
ensure_node_modules

running() { [ -f "$STATE_DIR/$1.pid" ] && kill -0 "$(cat "$STATE_DIR/$1.pid")" 2>/dev/null; }

# start NAME COMMAND...: runs COMMAND in the background unless NAME already runs.
start() {
  local name=$1
  shift
  if running "$name"; then
    echo "$name already running (pid $(cat "$STATE_DIR/$name.pid"))"
    return
  fi
  echo "starting $name (log in $STATE_DIR/$name.log)"
  nohup "$@" >"$STATE_DIR/$name.log" 2>&1 &
  echo $! >"$STATE_DIR/$name.pid"
}

wait_http() {
  for _ in $(seq 1 150); do
    if node -e "fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$1"; then
      return 0
    fi
    sleep 0.2
  done
  echo "flotilla: $1 did not answer; see the logs in $STATE_DIR" >&2
  return 1
}

# One secret shared by the servers and the agents, made once.
[ -f "$STATE_DIR/agent-token" ] || node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))' >"$STATE_DIR/agent-token"
chmod 600 "$STATE_DIR/agent-token"
TOKEN=$(cat "$STATE_DIR/agent-token")

start etcd etcd --name flotilla --data-dir "$STATE_DIR/etcd" \
  --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster flotilla=http://127.0.0.1:2380

for i in "${!SERVERS[@]}"; do
  start "server-$((i + 1))" node bin/flotilla.js server --listen "${SERVERS[$i]}" --etcd "$ETCD_URL" --agent-token "$TOKEN"
done
for listen in "${SERVERS[@]}"; do wait_http "http://$listen/readyz"; done

for i in "${!AGENT_IPS[@]}"; do
  name="coreos-$((i + 1))"
  ip=${AGENT_IPS[$i]}
  dir="$STATE_DIR/$name"
  mkdir -p "$dir"
  [ -f "$dir/machine-id" ] || node -e 'console.log(require("crypto").randomBytes(16).toString("hex"))' >"$dir/machine-id"
  start "$name" node bin/flotilla.js agent --machine-id "$(cat "$dir/machine-id")" \
    --listen "$ip:7601" --public-ip "$ip" --metadata "name=$name" --etcd "$ETCD_URL" \
    --token "$TOKEN" --state-dir "$dir"
done
for ip in "${AGENT_IPS[@]}"; do wait_http "http://$ip:7601/healthz"; done

cat <<DONE

Flotilla is up. State and logs: $STATE_DIR
  API and dashboard: http://${SERVERS[0]}/   (second server: http://${SERVERS[1]}/)
  machines:          coreos-1..3 on ${AGENT_IPS[*]}
Next:
  cd $PWD/examples   # the tutorial's unit files
  npx fleetctl submit apache@.service apache-discovery@.service
  npx fleetctl start apache@80.service apache-discovery@80.service
  npx fleetctl list-units
Stop everything with: npm run down
DONE
