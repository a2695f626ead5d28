#!/usr/bin/env bash
# pack-initramfs.sh ROOT OUT - packs the staging dir ROOT into the gzipped
# newc cpio archive OUT that Linux unpacks as its initial root.
#
# The kernel opens /dev/console for init before init can mount devtmpfs, so
# the archive must contain that node; creating it on disk would need root,
# so a second, hand-written newc archive holding only dev/console follows the
# first (the kernel unpacks concatenated archives in order).
set -euo pipefail

root=$1 out=$2

# One newc header (ASCII hex fields, "070701" magic), the NUL-terminated
# name, and zero padding of header+name to a multiple of 4 bytes.
newc_entry() {
  local name=$1 ino=$2 mode=$3 rmaj=$4 rmin=$5
  local namesize=$(( ${#name} + 1 ))
  printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
    "$ino" "$mode" 0 0 1 0 0 0 0 "$rmaj" "$rmin" "$namesize" 0
  printf '%s\0' "$name"
  head -c $(( (4 - (110 + namesize) % 4) % 4 )) /dev/zero
}

tmp=$out.tmp
{
  (cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible)
  newc_entry dev/console 1 $(( 8#020600 )) 5 1   # character device 5:1
  newc_entry 'TRAILER!!!' 0 0 0 0
} | gzip -6 -n > "$tmp"
mv "$tmp" "$out"
