#!/usr/bin/env bash
# Runs a command once what it needs is installed and running, so that every npm script works
# on a fresh machine: `scripts/with.sh [etcd] [docker] [images] [build] -- COMMAND...`. The
# packages (npm ci) are always checked; etcd is the binary (a benchmark starts its own),
# docker the running engine, images the tutorial's images in the local registry, build a
# bundle in dist/ made from the sources as they are now.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure.sh

while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case $1 in
    etcd) ensure_etcd ;;
    docker) ensure_docker ;;
    images) ensure_tutorial_image ;;
    build) build=1 ;;
    *) echo "scripts/with.sh: unknown need '$1' (etcd, docker, images or build)" >&2; exit 2 ;;
  esac
  shift
done
[ "${1:-}" = "--" ] && shift
ensure_node_modules
if [ -n "${build:-}" ]; then
  echo "flotilla: bundling src/ into dist/" >&2
  node scripts/build.mjs
fi
exec "$@"
