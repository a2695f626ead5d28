#!/usr/bin/env bash
# stage-binaries.sh ROOT FILE[=DEST]... - copies dynamically linked programs
# of this (Debian) host into the initramfs staging dir ROOT, each with the
# shared libraries `ldd` resolves for it. FILE goes to ROOT/DEST (default:
# the same path as on the host); each library goes to its own host path,
# where the dynamic loader of the image looks without an ld.so.cache
# (Debian's multiarch directories are built into it). Libraries a program
# loads with dlopen() are not found this way; name them as FILEs.
# Used for layered images: dom0's (muxd, e2fsprogs) and the nested-KVM
# benchmark's L1 (QEMU).
set -euo pipefail

root=$1; shift

# The paths of the shared objects FILE loads, the dynamic loader included;
# none for a statically linked program (muxctl).
libraries() {
  local out
  if ! out=$(LC_ALL=C ldd "$1" 2>&1); then
    case $out in *"not a dynamic executable"*) return 0 ;; esac
    echo "$out" >&2
    return 1
  fi
  echo "$out" | awk '
    $2 == "=>" && $3 == "not" { print "missing library " $1 > "/dev/stderr"; bad = 1 }
    $2 == "=>" && $3 ~ /^\// { print $3; next }
    $1 ~ /^\// { print $1 }
    END { exit bad }'
}

# Copies SRC to ROOT/DEST, following symlinks (library names are links).
put() {
  mkdir -p "$(dirname "$root/$2")"
  cp -L --remove-destination "$1" "$root/$2"
}

for spec in "$@"; do
  src=${spec%%=*} dest=${spec#*=}
  [ "$spec" = "$src" ] && dest=$src
  [ -f "$src" ] || { echo "stage-binaries.sh: no file $src" >&2; exit 1; }
  put "$src" "$dest"
  libs=$(libraries "$src") || { echo "stage-binaries.sh: ldd $src failed" >&2; exit 1; }
  for lib in $libs; do
    [ -e "$root/$lib" ] || put "$lib" "$lib"
  done
done
