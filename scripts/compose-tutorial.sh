#!/usr/bin/env bash
# The tutorial through docker-compose.yml, end to end: builds the image and starts the
# cluster (scripts/compose-up.sh), submits apache@.service and apache-discovery@.service
# to the API, launches their @80 instances, checks that both run, that the page is served
# on the machine's public address and that etcd holds the announcement, then takes the
# cluster down (scripts/compose-down.sh --volumes). Exits 0 when all of that passed, 1
# otherwise. Slow (a minute or so), so not part of `npm test`.
#   --keep            leave the cluster running afterwards
#   FLOTILLA_SPEC_DIR where the tutorial's unit files are (default examples)
# shellcheck disable=SC2016 # JavaScript in single quotes: its ${...} are template literals
set -euo pipefail
cd "$(dirname "$0")/.."

API=http://127.0.0.1:7620
API2=http://127.0.0.1:7630
ETCD=http://127.0.0.1:23791
UNITS=(apache@80.service apache-discovery@80.service)
PAGE=scripts/images/apache/rootfs/var/www/html/index.html
SPEC_DIR=${FLOTILLA_SPEC_DIR:-examples}
keep=
case ${1:-} in
  --keep) keep=1 ;;
  '') ;;
  *)
    echo "usage: $0 [--keep]" >&2
    exit 2
    ;;
esac

t0=$SECONDS
step() { echo "== $* (at $((SECONDS - t0)) s)"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# json EXPRESSION: evaluates EXPRESSION on the JSON document on stdin (as j) and prints it.
json() {
  node -e '
    let text = "";
    process.stdin.on("data", (d) => (text += d)).on("end", () => {
      const value = new Function("j", `return (${process.argv[1]})`)(JSON.parse(text));
      console.log(typeof value === "string" ? value : JSON.stringify(value));
    });' "$1"
}
# until_true SECONDS WHAT CMD...: runs CMD every second until it succeeds.
until_true() {
  local seconds=$1 what=$2
  shift 2
  for ((i = 0; i < seconds; i++)); do
    if "$@" 2>/dev/null; then return 0; fi
    sleep 1
  done
  fail "$what: not after $seconds s"
}

# The tutorial's container is named apache80 on every machine, and machines here share
# one engine: never touch an apache80 that another cluster (`npm run up`) runs.
compose_ids=$(sed -n 's/.*--machine-id=\([0-9A-Za-z_-]*\).*/\1/p' docker-compose.yml)
owner=$(docker inspect --format '{{index .Config.Labels "flotilla.machine"}}' apache80 2>/dev/null) || owner=
if [ -n "$owner" ] && ! grep -qx "$owner" <<<"$compose_ids"; then
  fail "a container apache80 of another cluster (machine $owner) exists; stop that cluster first (npm run down)"
fi

finish() {
  local rc=$?
  if [ "$rc" -ne 0 ] && docker-compose -f docker-compose.yml ps -q 2>/dev/null | grep -q .; then
    echo "-- the units as the API shows them:" >&2
    curl -sS --max-time 5 "$API/v1/units" >&2 || true
    echo >&2
    docker-compose -f docker-compose.yml logs --tail=25 server1 server2 agent1 agent2 agent3 >&2 || true
  fi
  if [ -z "$keep" ]; then
    step "docker-compose down"
    bash scripts/compose-down.sh --volumes || rc=1
  fi
  if [ "$rc" -eq 0 ]; then
    echo "PASS: the tutorial ran through docker-compose in $((SECONDS - t0)) s"
  else
    echo "FAIL: the tutorial through docker-compose (after $((SECONDS - t0)) s)" >&2
    rc=1
  fi
  exit "$rc"
}
trap finish EXIT

step "build and start the cluster"
bash scripts/compose-up.sh >/dev/null

step "three machines"
machines_present() { [ "$(curl -fsS --max-time 5 "$API/v1/machines" | json 'j.machines.length')" = 3 ]; }
until_true 60 "three machines in $API/v1/machines" machines_present
curl -fsS "$API/v1/machines" | json 'j.machines.map((m) => `${m.metadata.name} ${m.publicIP}`).join("\n")'

step "submit the unit files from $SPEC_DIR"
for file in apache@.service apache-discovery@.service; do
  curl -fsS -X PUT -H 'content-type: text/plain' --data-binary "@$SPEC_DIR/$file" \
    "$API/v1/unit-files/$file" | json '`${j.name} ${j.shortHash} created=${j.created}`'
done

step "launch ${UNITS[*]}"
for unit in "${UNITS[@]}"; do
  curl -fsS -X PUT -H 'content-type: application/json' -d '{"desiredState":"launched"}' \
    "$API/v1/units/$unit" | json '`${j.name} desired=${j.desiredState}`'
done

# launched_on API: both units' current state is launched, as that server shows them.
launched_on() {
  curl -fsS --max-time 5 "$1/v1/units" |
    json "['${UNITS[0]}', '${UNITS[1]}'].every((n) => j.units.some((u) => u.name === n && u.currentState === 'launched'))" |
    grep -qx true
}
until_true 120 "both units launched in $API/v1/units" launched_on "$API"
until_true 10 "both units launched as the second server ($API2) shows them" launched_on "$API2"
curl -fsS "$API/v1/units" | json 'j.units.map((u) => `${u.name} ${u.currentState} ${u.machineId}`).join("\n")'

machine=$(curl -fsS "$API/v1/units/${UNITS[0]}" | json 'j.machineId')
ip=$(curl -fsS "$API/v1/machines" | json "j.machines.find((m) => m.id === '$machine').publicIP")
case $ip in 127.0.0.21 | 127.0.0.22 | 127.0.0.23) ;; *) fail "apache@80 runs on $machine, whose public IP is '$ip'" ;; esac
echo "apache@80.service runs on $machine ($ip)"

step "GET http://$ip:80/"
page_served() { curl -fsS --max-time 5 "http://$ip:80/" | cmp -s - "$PAGE"; }
until_true 20 "the page of $PAGE at http://$ip:80/" page_served
curl -fsS "http://$ip:80/"

step "etcdctl get /announce/services/apache80"
announced() {
  [ "$(ETCDCTL_API=3 etcdctl --endpoints "$ETCD" get /announce/services/apache80 --print-value-only)" = "$ip:80" ]
}
until_true 20 "/announce/services/apache80 = $ip:80 in etcd" announced
ETCDCTL_API=3 etcdctl --endpoints "$ETCD" get /announce/services/apache80
