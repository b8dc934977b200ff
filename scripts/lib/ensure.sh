# shellcheck shell=bash
# Installs what Flotilla needs on a Debian machine when it is missing. Sourced by the
# scripts that run tests or a local cluster; each step says what it does.

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "flotilla: need root to run: $*" >&2
    return 1
  fi
}

# The long output of installs and builds goes here; each step prints one line, and the end
# of this log when it fails.
FLOTILLA_SETUP_LOG=${FLOTILLA_SETUP_LOG:-/tmp/flotilla-setup.log}

# _fl_quiet WHAT CMD...: runs CMD with its output appended to the set-up log. On a terminal
# the step's line counts the seconds while it runs; elsewhere (CI logs, pipes) it is printed
# once.
_fl_quiet() {
  local what=$1 rc=0 started=$SECONDS pid from
  shift
  echo "== $(date -u +%FT%TZ) $what: $*" >>"$FLOTILLA_SETUP_LOG"
  from=$(wc -l <"$FLOTILLA_SETUP_LOG")
  if [ -t 2 ]; then
    "$@" >>"$FLOTILLA_SETUP_LOG" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      printf '\rflotilla: %s ... %ds (output in %s)' "$what" $((SECONDS - started)) "$FLOTILLA_SETUP_LOG" >&2
      sleep 1
    done
    wait "$pid" || rc=$?
    printf '\rflotilla: %s, %ds (output in %s)\033[K\n' "$what" $((SECONDS - started)) "$FLOTILLA_SETUP_LOG" >&2
  else
    echo "flotilla: $what (output in $FLOTILLA_SETUP_LOG)" >&2
    "$@" >>"$FLOTILLA_SETUP_LOG" 2>&1 || rc=$?
  fi
  if [ "$rc" != 0 ]; then
    echo "flotilla: FAILED: $what (exit status $rc); its last lines in $FLOTILLA_SETUP_LOG:" >&2
    tail -n "+$((from + 1))" "$FLOTILLA_SETUP_LOG" | tail -n 25 >&2
  fi
  return "$rc"
}

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    _fl_quiet "apt-get update" as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    apt_updated=1
  fi
  _fl_quiet "installing $* (apt-get)" as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "$@"
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

# docker-compose (Debian's 1.29): checks docker-compose.yml in CI, runs it in
# scripts/compose-*.sh.
ensure_compose() {
  if ! command -v docker-compose >/dev/null; then apt_install docker-compose; fi
}

# zsh: the completion test loads the zsh script into a real zsh.
ensure_zsh() {
  if ! command -v zsh >/dev/null; then apt_install zsh; fi
}

# systemd-analyze and the zone files: the calendar tests compare Flotilla's OnCalendar=
# elapses with systemd's own, in many time zones.
ensure_systemd_analyze() {
  if ! command -v systemd-analyze >/dev/null; then apt_install systemd; fi
  if [ ! -e /usr/share/zoneinfo/Europe/Berlin ]; then apt_install tzdata; fi
}

# iproute2's `ip`: the Docker-restart fault test gives its own engine a bridge of its own.
ensure_iproute2() {
  if ! command -v ip >/dev/null; then apt_install iproute2; fi
}

# Debian's Chromium, which the dashboard's browser tests drive headless (playwright-core).
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi
}

ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    _fl_quiet "installing the npm packages (npm ci)" npm ci --no-audit --no-fund
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

# ---- Docker: the engine, a local registry mirror, and the images the tutorial and the
# tests run. Nothing can be pulled from the internet here, so the images are built from
# busybox-static (recipes in scripts/images/) and pushed to a registry on 127.0.0.1:5000
# that the engine uses as its Docker Hub mirror: `docker pull user_name/apache` works.

FLOTILLA_REGISTRY=127.0.0.1:5000
FLOTILLA_REGISTRY_DIR=/var/lib/flotilla/registry
FLOTILLA_IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../images" && pwd)

# Runs "$@" holding a lock shared by every Flotilla checkout on this machine, so that
# two test runs never start two engines or build the same image at once. Daemons
# started meanwhile close the lock's descriptor (see _fl_daemon).
_fl_locked() {
  local rc
  exec {_FL_LOCK_FD}>>/tmp/flotilla-docker.lock
  if ! flock -w 900 "$_FL_LOCK_FD"; then
    echo "flotilla: timed out waiting for /tmp/flotilla-docker.lock (another ensure_docker?)" >&2
    exec {_FL_LOCK_FD}>&-
    return 1
  fi
  rc=0
  "$@" || rc=$?
  exec {_FL_LOCK_FD}>&-
  unset _FL_LOCK_FD
  return "$rc"
}

# _fl_daemon LOG CMD...: starts CMD in the background, in its own session (it outlives
# the calling script and its Ctrl-C), appending its output to LOG.
_fl_daemon() {
  local log=$1
  shift
  (
    # Hold none of the caller's descriptors: a CI runner waits for its output to close.
    if [ -n "${_FL_LOCK_FD:-}" ]; then exec {_FL_LOCK_FD}>&-; fi
    exec </dev/null >>"$log" 2>&1
    if [ "$(id -u)" = 0 ]; then exec setsid nohup "$@"; fi
    as_root setsid nohup "$@"
  ) &
}

# _fl_wait SECONDS CMD...: runs CMD every 0.1 s until it succeeds or SECONDS pass.
_fl_wait() {
  local i tries=$(($1 * 10))
  shift
  for ((i = 0; i < tries; i++)); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}

_fl_pkg_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

_fl_registry_up() { curl -fsS -o /dev/null --max-time 2 "http://$FLOTILLA_REGISTRY/v2/" 2>/dev/null; }

# Prints the docker.io registry mirrors the engine uses; fails when no engine answers.
_fl_docker_mirrors() { docker info --format '{{range .RegistryConfig.Mirrors}}{{.}} {{end}}' 2>/dev/null; }
_fl_docker_up() { _fl_docker_mirrors >/dev/null; }
_fl_docker_mirrored() { [[ " $(_fl_docker_mirrors)" == *" http://$FLOTILLA_REGISTRY"* ]]; }

# Stops a service a package's init script may have started on installation: Flotilla
# runs its own, configured differently.
_fl_stop_packaged_service() {
  if [ -x "/etc/init.d/$1" ] && as_root "/etc/init.d/$1" status >/dev/null 2>&1; then
    echo "flotilla: stopping the $1 service its package started (Flotilla starts its own)" >&2
    as_root "/etc/init.d/$1" stop >&2 || true
  fi
}

_fl_start_registry() {
  local dir=$FLOTILLA_REGISTRY_DIR log=/var/log/flotilla-registry.log config
  config="# Written by scripts/lib/ensure.sh (ensure_docker): Flotilla's local registry,
# the engine's Docker Hub mirror. Started with: docker-registry serve $dir/config.yml
version: 0.1
log:
  level: info
  fields:
    service: flotilla-registry
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $FLOTILLA_REGISTRY"
  if [ ! -f "$dir/config.yml" ] || [ "$(cat "$dir/config.yml")" != "$config" ]; then
    echo "flotilla: writing $dir/config.yml" >&2
    as_root mkdir -p "$dir/data" || return 1
    printf '%s\n' "$config" | as_root tee "$dir/config.yml" >/dev/null || return 1
  fi
  if _fl_registry_up; then return 0; fi
  echo "flotilla: starting docker-registry on $FLOTILLA_REGISTRY (storage $dir/data, log $log)" >&2
  _fl_daemon "$log" docker-registry serve "$dir/config.yml"
  if ! _fl_wait 15 _fl_registry_up; then
    echo "flotilla: the registry does not answer http://$FLOTILLA_REGISTRY/v2/; the end of $log:" >&2
    tail -n 20 "$log" >&2 || true
    return 1
  fi
}

_fl_start_dockerd() {
  local log=/var/log/dockerd.log mirror=http://$FLOTILLA_REGISTRY pid=
  if ! _fl_docker_up; then
    # Never a second engine beside one that is still starting: it would fight over
    # /var/run/docker.sock and the docker0 bridge.
    if [ -f /var/run/docker.pid ]; then pid=$(cat /var/run/docker.pid 2>/dev/null || true); fi
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      echo "flotilla: dockerd (pid $pid) runs but does not answer yet; waiting for it" >&2
    else
      echo "flotilla: starting dockerd --registry-mirror=$mirror (log $log)" >&2
      _fl_daemon "$log" dockerd --registry-mirror="$mirror"
    fi
    if ! _fl_wait 60 _fl_docker_up; then
      echo "flotilla: the Docker engine does not answer \`docker info\` after 60 s; the end of $log:" >&2
      tail -n 30 "$log" >&2 || true
      return 1
    fi
    echo "flotilla: the Docker engine answers" >&2
  fi
  if ! _fl_docker_mirrored; then
    echo "flotilla: WARNING: the running Docker engine has no registry mirror $mirror" \
      "(its mirrors: $(_fl_docker_mirrors || true)). \`docker pull user_name/apache\` will fail," \
      "so will the tutorial's units. Restart it as: dockerd --registry-mirror=$mirror" >&2
  fi
}

_fl_ensure_docker() {
  local missing=()
  if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then missing+=(docker.io); fi
  if ! command -v docker-registry >/dev/null; then missing+=(docker-registry); fi
  if ! _fl_pkg_installed busybox-static; then missing+=(busybox-static); fi
  if ! command -v curl >/dev/null; then missing+=(curl); fi
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}" || return 1
    if [[ " ${missing[*]} " == *" docker-registry "* ]]; then _fl_stop_packaged_service docker-registry; fi
    if [[ " ${missing[*]} " == *" docker.io "* ]]; then _fl_stop_packaged_service docker; fi
  fi
  _fl_start_registry || return 1
  _fl_start_dockerd || return 1
  echo "flotilla: Docker engine up, registry mirror on $FLOTILLA_REGISTRY" >&2
}

# Installs Docker (docker.io), the registry (docker-registry) and busybox-static when
# missing; starts the registry on 127.0.0.1:5000 and, when no engine answers, dockerd
# with that registry as its Docker Hub mirror. Warns if a running engine lacks it.
ensure_docker() { _fl_locked _fl_ensure_docker; }

# Prints the digest of repository $1's tag $2 in the local registry; fails if absent.
_fl_registry_digest() {
  curl -fsS -I --max-time 5 \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$FLOTILLA_REGISTRY/v2/$1/manifests/$2" 2>/dev/null |
    tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" { print $2; found = 1 } END { exit !found }'
}

# A hash of an image's recipe folder, the busybox it copies and the build script: an
# image is rebuilt when any of them changes.
_fl_recipe_hash() {
  {
    cat "$FLOTILLA_IMAGES_DIR/build.sh"
    dpkg-query -W -f='${Package} ${Version}\n' busybox-static
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode=go-w \
      -C "$1" -cf - .
  } | sha256sum | cut -c1-16
}

# _fl_ensure_image RECIPE REPO: makes sure the local registry holds REPO:latest built
# from scripts/images/RECIPE as it is now, and that the engine has it as REPO (pulled
# through the mirror, as a user would).
_fl_ensure_image() {
  local recipe=$FLOTILLA_IMAGES_DIR/$1 repo=$2 ref=$FLOTILLA_REGISTRY/$2 hash want have latest
  hash=$(_fl_recipe_hash "$recipe") || return 1
  want=$(_fl_registry_digest "$repo" "recipe-$hash") || want=
  latest=$(_fl_registry_digest "$repo" latest) || latest=
  if [ -z "$want" ] || [ "$want" != "$latest" ]; then
    _fl_quiet "building $ref:latest from scripts/images/$1 and pushing it (recipe-$hash)" \
      bash "$FLOTILLA_IMAGES_DIR/build.sh" "$recipe" "$ref" latest "recipe-$hash" || return 1
    latest=$(_fl_registry_digest "$repo" latest) || {
      echo "flotilla: $ref:latest is not in the registry after the push" >&2
      return 1
    }
  fi
  have=$(docker image inspect --format '{{range .RepoDigests}}{{.}} {{end}}' "$repo:latest" 2>/dev/null) || have=
  if [[ " $have" == *" $repo@$latest "* ]]; then return 0; fi
  if _fl_docker_mirrored; then
    if ! _fl_quiet "docker pull $repo (through the mirror $FLOTILLA_REGISTRY)" docker pull "$repo"; then
      echo "flotilla: \`docker pull $repo\` failed although the registry has $ref:latest" >&2
      return 1
    fi
  else
    echo "flotilla: WARNING: the engine has no mirror $FLOTILLA_REGISTRY, so \`docker pull $repo\`" \
      "fails; tagging $ref:latest as $repo instead" >&2
    _fl_quiet "docker pull $ref:latest" docker pull "$ref:latest" &&
      docker tag "$ref:latest" "$repo:latest" || return 1
  fi
}

_fl_ensure_images() {
  if ! _fl_registry_up || ! _fl_docker_up; then
    echo "flotilla: ensure_tutorial_image needs the registry and the engine: run ensure_docker first" >&2
    return 1
  fi
  _fl_ensure_image apache user_name/apache || return 1
  _fl_ensure_image busybox flotilla/busybox || return 1
  echo "flotilla: images user_name/apache and flotilla/busybox ready (registry $FLOTILLA_REGISTRY)" >&2
}

# Builds and pushes to the local registry, when it lacks them or their recipe changed,
# the tutorial's user_name/apache and a general-purpose flotilla/busybox; makes sure
# `docker pull` of each works.
ensure_tutorial_image() { _fl_locked _fl_ensure_images; }
