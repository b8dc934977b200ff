#!/usr/bin/env bash
# Runs a command once what it needs is installed and running, so that every npm script works
# on a fresh machine: `scripts/with.sh [etcd] [docker] [images] -- COMMAND...`. The packages
# (npm ci) are always checked; etcd is the binary (a benchmark starts its own), docker the
# running engine, images the tutorial's images in the local registry.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure.sh

while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case $1 in
    etcd) ensure_etcd ;;
    docker) ensure_docker ;;
    images) ensure_tutorial_image ;;
    *) echo "scripts/with.sh: unknown need '$1' (etcd, docker or images)" >&2; exit 2 ;;
  esac
  shift
done
[ "${1:-}" = "--" ] && shift
ensure_node_modules
exec "$@"
