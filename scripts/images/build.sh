#!/usr/bin/env bash
# build.sh RECIPE_DIR REF TAG...: builds the image a recipe folder describes (see
# README.md here) from Debian's busybox-static with `docker import`, tags it REF:TAG for
# each TAG and pushes those tags. Used by ensure_tutorial_image (scripts/lib/ensure.sh).
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 RECIPE_DIR REF TAG..." >&2
  exit 2
fi
recipe=$1 ref=$2
shift 2

tmp=$(mktemp -d /tmp/flotilla-image.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/rootfs
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,proc,sys,dev,var}
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"

# Applets: symbolic links to /bin/busybox at busybox's usual paths.
applets=$(/bin/busybox --list-full)
while read -r name; do
  case $name in '' | '#'*) continue ;; esac
  if [ "$name" = '*' ]; then
    paths=$applets
  else
    paths=$(awk -F/ -v n="$name" '$NF == n' <<<"$applets")
    if [ -z "$paths" ]; then
      echo "flotilla: busybox has no applet $name ($recipe/applets)" >&2
      exit 1
    fi
  fi
  for path in $paths; do
    if [ "$path" = bin/busybox ] || [ "$path" = linuxrc ]; then continue; fi
    mkdir -p "$root/$(dirname "$path")"
    ln -sfn /bin/busybox "$root/$path"
  done
done <"$recipe/applets"

if [ -d "$recipe/rootfs" ]; then cp -R "$recipe/rootfs/." "$root/"; fi

changes=()
while IFS= read -r line; do
  case $line in '' | '#'*) continue ;; esac
  changes+=(--change "$line")
done <"$recipe/changes"

tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . |
  docker import "${changes[@]}" - "$ref:$1" >/dev/null
for tag in "$@"; do
  if [ "$tag" != "$1" ]; then docker tag "$ref:$1" "$ref:$tag"; fi
  docker push -q "$ref:$tag" >&2
done
