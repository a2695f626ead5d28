#!/usr/bin/env bash
# Installs the Debian packages the build, the platform and the tests need.
# Idempotent: installs only what is missing, so `make run`/`make test` may call
# it every time. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential gcc gcc-12 clang lld binutils make python3 pkg-config
  # the platform: QEMU with its software SVM, GRUB2 ISO tools
  qemu-system-x86 qemu-utils grub-pc-bin grub-common xorriso mtools
  # dom0 libraries (muxd)
  libmicrohttpd-dev libjson-c-dev libsqlite3-dev libvirt-dev libsodium-dev
  sqlite3
  # tests and benchmarks
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
  wrk acpica-tools valgrind cpio zstd xz-utils kmod e2fsprogs
  curl ca-certificates
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "ci/deps.sh: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
