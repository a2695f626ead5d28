#!/usr/bin/env bash
# stage-modules.sh TREE ROOT LIST NAME... - copies the named kernel modules
# and everything they depend on from TREE (an extracted linux-image package
# with modules.dep, see build-image.sh) into the initramfs staging dir ROOT,
# and writes their load order to ROOT/etc/muxinit/modules.d/LIST.list, the
# file the guest's /init reads. Used for the guest image and, with more
# modules, for images layered on it (the nested-KVM benchmark's L1).
set -euo pipefail

here=$(dirname "$0")
tree=$1 root=$2 list=$3; shift 3
kver=$(ls "$tree/lib/modules")
src=$tree/lib/modules/$kver dst=$root/lib/modules/$kver

order=$("$here/resolve-modules.sh" "$src" "$@")
mkdir -p "$root/etc/muxinit/modules.d"
printf '%s\n' "$order" > "$root/etc/muxinit/modules.d/$list.list"
while read -r mod; do
  mkdir -p "$dst/$(dirname "$mod")"
  cp "$src/$mod" "$dst/$mod"
done <<< "$order"
