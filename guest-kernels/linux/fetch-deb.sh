#!/usr/bin/env bash
# fetch-deb.sh CACHE_DIR PACKAGE - prints the path of PACKAGE's .deb in
# CACHE_DIR, downloading it with `apt-get download` only when the archive's
# candidate version is not cached yet. The candidate is looked up (not
# guessed) so that a new Debian kernel upload is picked up, while a rebuild
# with an unchanged archive downloads nothing. When apt does not know the
# package, the newest cached copy is used, or else the apt lists are updated.
set -euo pipefail

cache=$1 pkg=$2
mkdir -p "$cache"

candidate() {
  apt-cache show --no-all-versions "$pkg" 2>/dev/null |
    sed -n 's/^Version: //p' | head -n1
}

cached_newest() {
  ls -1 "$cache/${pkg}"_*.deb 2>/dev/null | sort -V | tail -n1
}

version=$(candidate || true)
if [ -z "$version" ]; then
  deb=$(cached_newest || true)
  if [ -n "$deb" ]; then
    echo "fetch-deb.sh: apt has no candidate for $pkg, using cached $deb" >&2
    echo "$deb"; exit 0
  fi
  # A fresh machine whose packages were all preinstalled may have empty apt
  # lists (ci/deps.sh only updates them when it installs something).
  echo "fetch-deb.sh: apt knows no $pkg; running apt-get update" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2
  version=$(candidate || true)
  [ -n "$version" ] || { echo "fetch-deb.sh: no package $pkg in the apt archive" >&2; exit 1; }
fi

# apt-get download writes name_version_arch.deb with ':' (epoch) as %3a.
pattern="$cache/${pkg}_${version//:/%3a}_"
for f in "$pattern"*.deb; do
  [ -e "$f" ] && { echo "$f"; exit 0; }
done

# As root, apt would try to drop privileges to _apt, which may not be able to
# write into the build tree; it only warns, but the warning is noise.
opts=()
[ "$(id -u)" -eq 0 ] && opts=(-o APT::Sandbox::User=root)
echo "fetch-deb.sh: downloading $pkg=$version" >&2
(cd "$cache" && apt-get download -qq "${opts[@]}" "$pkg=$version" >&2)
for f in "$pattern"*.deb; do
  [ -e "$f" ] && { echo "$f"; exit 0; }
done
echo "fetch-deb.sh: apt-get download $pkg=$version produced no file" >&2
exit 1
