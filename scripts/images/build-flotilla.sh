#!/usr/bin/env bash
# build-flotilla.sh [IMAGE]: builds Flotilla's image (default $FLOTILLA_IMAGE, else
# flotilla:latest) without pulling anything: Dockerfile.local on the base
# $FLOTILLA_BASE (default flotilla/node-base:local, assembled by build-node-base.sh when
# it is that one). The sources are bundled here on the host, and node_modules is this
# checkout's, pruned to production dependencies in a copy; the image gets no sources.
# Where node:20-bookworm-slim can be pulled, `docker build .` (Dockerfile) gives the
# same image.
set -euo pipefail
cd "$(dirname "$0")/../.."
image=${1:-${FLOTILLA_IMAGE:-flotilla:latest}}
base=${FLOTILLA_BASE:-flotilla/node-base:local}

if [ "$base" = flotilla/node-base:local ]; then bash scripts/images/build-node-base.sh "$base"; fi
if [ ! -d node_modules/esbuild ]; then
  echo "flotilla: node_modules/ lacks esbuild: run npm ci first" >&2
  exit 1
fi

stage=$(mktemp -d /tmp/flotilla-build.XXXXXX)
trap 'rm -rf "$stage"' EXIT
echo "flotilla: bundling src/ into $stage/dist" >&2
node scripts/build.mjs --outdir "$stage/dist" >&2
cp -R bin package.json package-lock.json "$stage/"
echo "flotilla: production node_modules (a pruned copy)" >&2
cp -a node_modules "$stage/node_modules"
(cd "$stage" && npm prune --omit=dev --no-audit --no-fund --loglevel=error >&2)
cp Dockerfile.local "$stage/Dockerfile"

echo "flotilla: docker build -t $image (Dockerfile.local, BASE=$base)" >&2
previous=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null) || previous=
docker build -q --build-arg "BASE=$base" \
  --label "org.opencontainers.image.revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  -t "$image" "$stage" >/dev/null
# The image it replaces, unless a container still uses it.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect --format '{{.Id}}' "$image")" ]; then
  docker rmi "$previous" >/dev/null 2>&1 || true
fi
echo "flotilla: built $image" >&2
