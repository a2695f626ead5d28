#!/usr/bin/env bash
# build-image.sh BUILD_DIR - builds the Linux guest from Debian packages:
#   BUILD_DIR/linux-guest/bzImage            the kernel of linux-image-amd64
#   BUILD_DIR/linux-guest/initramfs.cpio.gz  static busybox, rootfs/, modules
#   BUILD_DIR/linux-guest/kernel-version     e.g. 6.1.0-56-amd64
#   BUILD_DIR/linux-guest/kernel-tree/       the extracted kernel package with
#                                            modules.dep (for layered images)
# Packages are fetched with apt-get download into BUILD_DIR/debs (a cache)
# and unpacked with dpkg-deb; nothing is installed on the host. The kernel is
# found through the linux-image-amd64 metapackage, so bzImage and modules
# come from one package and always agree. Rebuilds only when the packages or
# this recipe changed.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin   # depmod, for a non-root user

here=$(cd "$(dirname "$0")" && pwd)
build=$1
debs=$build/debs out=$build/linux-guest
mkdir -p "$out"

meta=$("$here/fetch-deb.sh" "$debs" linux-image-amd64)
# Depends: "linux-image-6.1.0-56-amd64 (= 6.1.192-2)" -> the package name
kpkg=$(dpkg-deb -f "$meta" Depends | sed 's/[ ,(].*//')
kdeb=$("$here/fetch-deb.sh" "$debs" "$kpkg")
bbdeb=$("$here/fetch-deb.sh" "$debs" busybox-static)

inputs=$( { basename "$kdeb"; basename "$bbdeb";
  cd "$here" && find . -type f | LC_ALL=C sort | xargs sha256sum; } | sha256sum)
if [ -f "$out/bzImage" ] && [ -f "$out/initramfs.cpio.gz" ] &&
   [ "$(cat "$out/inputs" 2>/dev/null)" = "$inputs" ]; then
  echo "build-image.sh: $out is up to date"
  exit 0
fi
rm -f "$out/inputs"

# The whole package is unpacked (about 400 MB) because depmod needs every
# module to compute modules.dep; kept until the kernel package changes.
tree=$out/kernel-tree
if [ "$(cat "$tree/.from" 2>/dev/null)" != "$(basename "$kdeb")" ]; then
  echo "build-image.sh: unpacking $(basename "$kdeb")"
  rm -rf "$tree" && mkdir -p "$tree"
  dpkg-deb -x "$kdeb" "$tree"
  depmod -b "$tree" "$(ls "$tree/lib/modules")"
  basename "$kdeb" > "$tree/.from"
fi
kver=$(ls "$tree/lib/modules")

root=$out/rootfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,etc,proc,sys,dev,tmp,run,root}
dpkg-deb --fsys-tarfile "$bbdeb" | tar -x -C "$root" ./bin/busybox
for applet in $("$root/bin/busybox" --list-full); do
  [ "$applet" = bin/busybox ] || ln -sf /bin/busybox "$root/$applet"
done
# --remove-destination: never write through an applet symlink, which points
# at /bin/busybox and, seen from the host, at the host's own file.
cp -a --remove-destination "$here/rootfs/." "$root/"
"$here/stage-modules.sh" "$tree" "$root" 10-guest \
  $(grep -v '^#' "$here/modules.txt")

"$here/pack-initramfs.sh" "$root" "$out/initramfs.cpio.gz"
cp "$tree/boot/vmlinuz-$kver" "$out/bzImage"
echo "$kver" > "$out/kernel-version"
echo "$inputs" > "$out/inputs"
echo "build-image.sh: built $out (kernel $kver, initramfs $(du -k "$out/initramfs.cpio.gz" | cut -f1) kB)"
