#!/usr/bin/env bash
# build-image.sh BUILD_DIR - builds dom0's kernel and initramfs:
#   BUILD_DIR/dom0/bzImage            the Linux guest image's kernel (Debian's)
#   BUILD_DIR/dom0/initramfs.cpio.gz  the guest initramfs + dom0's archive,
#                                     as ONE zstd stream (see below)
#   BUILD_DIR/dom0/kernel-version     e.g. 6.1.0-56-amd64
# dom0's archive, unpacked by the kernel over the guest's (docs/dom0-image.md):
#   rootfs/ (/init and /usr/lib/dom0), the modules of modules.txt,
#   e2fsprogs' mke2fs and e2fsck and util-linux's blkid (Debian's, as
#   installed by ci/deps.sh) with the libraries ldd names, the guest image
#   and test kernels to seed onto the data disk, and /etc/dom0-release.
# dom0's own programs come from BUILD_DIR/dom0 when they exist there
# (`make dom0-bins`): muxd-dom0 (with libmicrohttpd, json-c, SQLite and
# the rest ldd names), muxctl, muxvisor.ko (which must be built for the
# image's kernel). Without them the image still builds and boots, and says
# so (`muxd=absent`).
# The outputs are rewritten only when their contents change, so that make
# rebuilds what depends on them (the ISO) only then.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin   # modinfo, for a non-root user

here=$(cd "$(dirname "$0")" && pwd)
recipe=$here/../../guest-kernels/linux
build=$1
guest=$build/linux-guest out=$build/dom0
root=$out/image-root

"$recipe/build-image.sh" "$build" >&2
kver=$(cat "$guest/kernel-version")
mkdir -p "$out"
rm -rf "$root"
mkdir -p "$root"/{etc,var/lib/muxvisor,var/log,usr/share/muxvisor/images}
cp -a "$here/rootfs/." "$root/"
"$recipe/stage-modules.sh" "$guest/kernel-tree" "$root" 20-dom0 \
  $(grep -v '^#' "$here/modules.txt")

programs=(/usr/sbin/mke2fs /usr/sbin/e2fsck /sbin/blkid)
muxd=no muxctl=no
if [ -f "$out/muxd-dom0" ]; then
  programs+=("$out/muxd-dom0=/usr/sbin/muxd")
  muxd=yes
fi
if [ -f "$out/muxctl" ]; then
  programs+=("$out/muxctl=/usr/sbin/muxctl")
  muxctl=yes
fi
"$recipe/stage-binaries.sh" "$root" "${programs[@]}"
cp /etc/mke2fs.conf "$root/etc/mke2fs.conf"

ko=no
if [ -f "$out/muxvisor.ko" ]; then
  magic=$(modinfo -F vermagic "$out/muxvisor.ko")
  if [ "${magic%% *}" != "$kver" ]; then
    echo "build-image.sh: $out/muxvisor.ko is for kernel ${magic%% *}, the image's is $kver" >&2
    exit 1
  fi
  mkdir -p "$root/lib/modules/$kver/extra"
  cp "$out/muxvisor.ko" "$root/lib/modules/$kver/extra/"
  ko=yes
fi

seed=$root/usr/share/muxvisor/images
mkdir -p "$seed/linux" "$seed/test-kernels"
cp "$guest/bzImage" "$guest/initramfs.cpio.gz" "$guest/kernel-version" "$seed/linux/"
elfs=("$build"/guest-kernels/*.elf)
[ -e "${elfs[0]}" ] || { echo "build-image.sh: no test kernels in $build/guest-kernels (run make first)" >&2; exit 1; }
cp "${elfs[@]}" "$seed/test-kernels/"

# The contents (names, types, modes, link targets, bytes), not the times.
tree_hash() {
  (cd "$1" && find . -printf '%y %m %P %l\n' | LC_ALL=C sort &&
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-64
}
# The recipe counts too: how the archive is packed is part of the image.
hash=$( { tree_hash "$root"; sha256sum < "$guest/initramfs.cpio.gz";
  cat "$here/build-image.sh" "$recipe/pack-initramfs.sh" | sha256sum; } | sha256sum | cut -c1-64)
cat > "$root/etc/dom0-release" <<REL
image=${hash:0:12}
kernel=$kver
muxd=$muxd
muxctl=$muxctl
muxvisor_ko=$ko
REL

cmp -s "$guest/bzImage" "$out/bzImage" || cp "$guest/bzImage" "$out/bzImage"
echo "$kver" > "$out/kernel-version"
if [ -f "$out/initramfs.cpio.gz" ] && [ "$(cat "$out/image-hash" 2>/dev/null)" = "$hash" ]; then
  echo "build-image.sh: $out is up to date (image ${hash:0:12})"
  exit 0
fi
# GRUB gunzips a gzip module as it loads it (module2 without --nounzip)
# and stops after the first gzip member, which would drop dom0's archive
# from a concatenation of two. So the two cpio archives go into one zstd
# stream, which GRUB passes on untouched and Linux unpacks (CONFIG_RD_ZSTD;
# Linux finds the compression from the magic, not the file's name, which
# is kept for the ISO's menu).
"$recipe/pack-initramfs.sh" "$root" "$out/overlay.cpio.gz"
zcat "$guest/initramfs.cpio.gz" "$out/overlay.cpio.gz" | zstd -q -T0 -9 > "$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
rm -f "$out/overlay.cpio.gz"
echo "$hash" > "$out/image-hash"
echo "build-image.sh: built $out (image ${hash:0:12}, kernel $kver, muxd $muxd," \
  "muxctl $muxctl, muxvisor.ko $ko, initramfs $(du -k "$out/initramfs.cpio.gz" | cut -f1) kB)"
