#!/usr/bin/env bash
# build-node-base.sh [REF]: assembles, with `docker import` and without pulling anything,
# the base image Dockerfile.local builds Flotilla's image on (default REF
# flotilla/node-base:local, kept in the local engine, pushed nowhere). It holds this
# machine's Node binary and the shared libraries it links, Debian's etcd and etcdctl (so
# one image also runs the etcd members of docker-compose.yml), busybox for a shell, and
# CA certificates. No npm: Flotilla is compiled on the host (scripts/images/build-flotilla.sh).
# Skips the import when an image built from the same inputs is already there; set
# FLOTILLA_REBUILD=1 to rebuild anyway.
set -euo pipefail
ref=${1:-flotilla/node-base:local}

binary() {
  local path
  if ! path=$(command -v "$1"); then
    echo "flotilla: $1 not found; it is needed for $ref ($2)" >&2
    exit 1
  fi
  readlink -f "$path"
}
node=$(binary node "the Node runtime")
etcd=$(binary etcd "apt-get install etcd-server")
etcdctl=$(binary etcdctl "apt-get install etcd-client")
if [ ! -x /bin/busybox ]; then
  echo "flotilla: /bin/busybox not found; apt-get install busybox-static" >&2
  exit 1
fi

# The shared libraries (and the dynamic loader) the binaries link, as ldd lists them.
libraries() {
  ldd "$node" "$etcd" "$etcdctl" /bin/busybox 2>/dev/null |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } NF > 1 && $1 ~ /^\// { print $1 }' | sort -u
}

# Everything the image is made of, so an unchanged base is not imported again.
hash=$(
  {
    cat "$0"
    for file in "$node" "$etcd" "$etcdctl" /bin/busybox $(libraries); do
      printf '%s %s\n' "$file" "$(stat -c '%s %Y' "$(readlink -f "$file")")"
    done
  } | sha256sum | cut -c1-16
)
have=$(docker image inspect --format '{{index .Config.Labels "flotilla.base-hash"}}' "$ref" 2>/dev/null) || have=
if [ "$have" = "$hash" ] && [ -z "${FLOTILLA_REBUILD:-}" ]; then
  echo "flotilla: $ref is current (base-hash $hash)" >&2
  exit 0
fi

tmp=$(mktemp -d /tmp/flotilla-node-base.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/rootfs
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc/ssl/certs,root,tmp,proc,sys,dev,var/tmp,var/lib}
chmod 1777 "$root/tmp" "$root/var/tmp"

cp "$node" "$root/usr/local/bin/node"
cp "$etcd" "$root/usr/local/bin/etcd"
cp "$etcdctl" "$root/usr/local/bin/etcdctl"
for lib in $(libraries); do
  mkdir -p "$root/$(dirname "$lib")"
  cp -L "$lib" "$root/$lib"
done

cp /bin/busybox "$root/bin/busybox"
for path in $(/bin/busybox --list-full); do
  if [ "$path" = bin/busybox ] || [ "$path" = linuxrc ] || [ -e "$root/$path" ]; then continue; fi
  mkdir -p "$root/$(dirname "$path")"
  ln -s /bin/busybox "$root/$path"
done

if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
fi
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"

# The binaries must run in there: a missing library fails here, not in a container.
chroot=$(command -v chroot || echo /usr/sbin/chroot)
for check in 'node --version' 'etcd --version' 'etcdctl version' 'sh -c true'; do
  # shellcheck disable=SC2086 # the command and its argument
  if ! env -i PATH=/usr/local/bin:/bin "$chroot" "$root" $check >/dev/null 2>&1; then
    echo "flotilla: \`$check\` does not run in the assembled root filesystem" >&2
    exit 1
  fi
done

echo "flotilla: importing $ref (node $("$node" --version), $("$etcd" --version | head -n1))" >&2
tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . |
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV ETCDCTL_API=3' \
    --change "LABEL flotilla.base-hash=$hash" \
    --change 'CMD ["node"]' \
    - "$ref" >/dev/null
echo "flotilla: built $ref" >&2
