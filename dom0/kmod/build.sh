#!/usr/bin/env bash
# build.sh BUILD_DIR - builds BUILD_DIR/dom0/muxvisor.ko against Debian's
# linux-headers for exactly the kernel of the Linux guest image
# (BUILD_DIR/linux-guest/kernel-version, from `make linux-guest`).
# Kbuild writes its objects beside the sources, so the sources are copied to
# BUILD_DIR/dom0/kmod first: only files whose content changed, with a fresh
# mtime, so Kbuild rebuilds exactly those (keeping the source's mtime could
# make an edit look older than an object built from the previous text).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mkdir -p "$1/dom0/kmod"
build=$(cd "$1" && pwd)

kver=$(cat "$build/linux-guest/kernel-version")
kdir=$("$here/headers.sh" "$build" "$kver")
src=$build/dom0/kmod
for f in "$here"/*.c "$here"/*.h "$here/Kbuild"; do
  cmp -s "$f" "$src/${f##*/}" || cp "$f" "$src/"
done
make -s -C "$kdir" M="$src" MUXV_PUBLIC="$top/hypervisor/public" KBUILD_MODPOST_WARN= modules
# Debug info is most of the file; dom0 loads it from its initramfs.
strip --strip-debug -o "$build/dom0/muxvisor.ko" "$src/muxvisor.ko"
echo "build.sh: built $build/dom0/muxvisor.ko for $kver"
