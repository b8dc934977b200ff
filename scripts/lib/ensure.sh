# Installs what Flotilla needs on a Debian machine when it is missing. Sourced by the
# scripts that run tests or a local cluster; each step says what it does.

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "flotilla: need root to run: $*" >&2
    return 1
  fi
}

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    echo "flotilla: apt-get update" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    apt_updated=1
  fi
  echo "flotilla: apt-get install $*" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

ensure_etcd() {
  if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
    apt_install etcd-server etcd-client
  fi
  # Debian's package starts a system etcd on the default ports; Flotilla starts its own.
  if command -v systemctl >/dev/null && systemctl is-active --quiet etcd 2>/dev/null; then
    as_root systemctl disable --now etcd >/dev/null 2>&1 || true
  fi
}

ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "flotilla: npm ci" >&2
    npm ci --no-audit --no-fund >&2
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Starts a throw-away etcd on loopback; sets ETCD_PID, ETCD_DIR and ETCD_ENDPOINT.
start_test_etcd() {
  ETCD_DIR=$(mktemp -d /tmp/flotilla-etcd.XXXXXX)
  local client_port peer_port
  client_port=$(free_port)
  peer_port=$(free_port)
  ETCD_ENDPOINT="http://127.0.0.1:${client_port}"
  etcd --name flotilla-test --data-dir "$ETCD_DIR/data" \
    --listen-client-urls "$ETCD_ENDPOINT" --advertise-client-urls "$ETCD_ENDPOINT" \
    --listen-peer-urls "http://127.0.0.1:${peer_port}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${peer_port}" \
    --initial-cluster "flotilla-test=http://127.0.0.1:${peer_port}" \
    --log-level error >"$ETCD_DIR/etcd.log" 2>&1 &
  ETCD_PID=$!
  for _ in $(seq 1 100); do
    if ETCDCTL_API=3 etcdctl --endpoints "$ETCD_ENDPOINT" endpoint health >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  echo "flotilla: etcd did not start; its log:" >&2
  cat "$ETCD_DIR/etcd.log" >&2
  return 1
}

stop_test_etcd() {
  if [ -n "${ETCD_PID:-}" ]; then kill "$ETCD_PID" 2>/dev/null || true; wait "$ETCD_PID" 2>/dev/null || true; fi
  if [ -n "${ETCD_DIR:-}" ]; then rm -rf "$ETCD_DIR"; fi
}
