#!/usr/bin/env bash
# resolve-modules.sh MODDIR NAME... - prints, one per line, the module files
# (paths relative to MODDIR, e.g. kernel/fs/ext4/ext4.ko) that loading the
# named modules needs, each after everything it depends on: the order in
# which init can insmod them. Dependencies come from MODDIR/modules.dep
# (run depmod first); names match with '-' and '_' treated alike, as the
# kernel does. A name that is built into the kernel (modules.builtin) is
# skipped with a note; a name that is neither is an error.
set -euo pipefail

moddir=$1; shift
[ -f "$moddir/modules.dep" ] || { echo "resolve-modules.sh: no $moddir/modules.dep" >&2; exit 1; }

awk -v want="$*" '
  function norm(p,   n) { n = p; sub(/.*\//, "", n); sub(/\.ko.*$/, "", n); gsub(/-/, "_", n); return n }
  FILENAME ~ /modules\.builtin$/ { builtin[norm($1)] = 1; next }
  {
    path = $1; sub(/:$/, "", path)
    name = norm(path); file[name] = path
    deps[name] = ""
    for (i = 2; i <= NF; i++) deps[name] = deps[name] " " norm($i)
  }
  # Depth-first, emitting a module after its dependencies (post-order).
  function visit(n,   d, k, i) {
    if (n in done) return
    done[n] = 1
    k = split(deps[n], d, " ")
    for (i = 1; i <= k; i++) visit(d[i])
    print file[n]
  }
  END {
    k = split(want, w, " ")
    for (i = 1; i <= k; i++) {
      n = w[i]; gsub(/-/, "_", n)
      if (n in file) visit(n)
      else if (n in builtin) printf "resolve-modules.sh: %s is built in\n", n > "/dev/stderr"
      else { printf "resolve-modules.sh: no module %s\n", n > "/dev/stderr"; bad = 1 }
    }
    exit bad
  }
' "$moddir/modules.builtin" "$moddir/modules.dep"
