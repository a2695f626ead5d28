#!/usr/bin/env bash
# headers.sh BUILD_DIR KERNEL_VERSION - prints the path of a Kbuild tree for
# KERNEL_VERSION (e.g. 6.1.0-56-amd64), made from Debian's packages
# linux-headers-<ver>, linux-headers-<ver-without-flavour>-common and
# linux-kbuild-<major.minor>, fetched with apt-get download into
# BUILD_DIR/debs (a cache) and unpacked under BUILD_DIR/kheaders/<ver>;
# nothing is installed on the host. The packages are fetched at the version
# of the kernel image package the guest image was built from, so the module
# and the kernel agree.
#
# Debian's tree refers to itself by absolute paths (/usr/src/...): the
# flavour's Makefile includes the common one, and lib/modules/<ver>/build
# and source link there. Those are rewritten to relative ones so the tree
# works where it is unpacked.
set -euo pipefail

build=$1 kver=$2
here=$(cd "$(dirname "$0")" && pwd)
fetch=$here/../../guest-kernels/linux/fetch-deb.sh
debs=$build/debs
mkdir -p "$build/kheaders"
root=$(cd "$build/kheaders" && pwd)/$kver

common=${kver%-*}-common                 # 6.1.0-56-amd64 -> 6.1.0-56-common
series=$(echo "$kver" | cut -d. -f1,2)   # 6.1
pkgs=(linux-headers-"$kver" linux-headers-"$common" linux-kbuild-"$series")

files=()
for p in "${pkgs[@]}"; do
  files+=("$("$fetch" "$debs" "$p")")
done

stamp=$(for f in "${files[@]}"; do basename "$f"; done)
if [ "$(cat "$root/.from" 2>/dev/null)" != "$stamp" ]; then
  echo "headers.sh: unpacking headers for $kver" >&2
  rm -rf "$root" && mkdir -p "$root"
  for f in "${files[@]}"; do
    dpkg-deb -x "$f" "$root"
  done
  tree=$root/usr/src/linux-headers-$kver
  sed -i "s|^include /usr/src/|include $root/usr/src/|" "$tree/Makefile"
  grep -q "^include $root/usr/src/linux-headers-$common/Makefile" "$tree/Makefile" || {
    echo "headers.sh: unexpected $tree/Makefile" >&2; exit 1; }
  mods=$root/lib/modules/$kver
  ln -sfn "../../../usr/src/linux-headers-$kver" "$mods/build"
  ln -sfn "../../../usr/src/linux-headers-$common" "$mods/source"
  echo "$stamp" > "$root/.from"
fi
echo "$root/usr/src/linux-headers-$kver"
