#!/bin/sh
# capture.sh - records the ACPI tables QEMU's q35 machine (SeaBIOS) gives
# the hypervisor, as fixtures for hypervisor/tests/test_acpi_recorded.c.
#
# Usage (from the repository root):
#     hypervisor/tests/data/acpi/capture.sh [CPUS...]      default: 1 4 8
#
# For each CPU count it boots build/muxvisor.iso (built if missing) on the
# machine the boot tests use (-accel tcg -cpu EPYC -M q35, 256 MiB), reads
# guest physical memory through the QEMU monitor's pmemsave: the RSDP (the
# "RSD PTR " signature on a 16-byte boundary in 0xE0000-0xFFFFF, ACPI 6.4
# 5.2.5.1), the RSDT/XSDT it points to and every table those list. Each
# table lands in q35-smpN/<SIG>.bin and q35-smpN/index.txt maps physical
# addresses to files ("<hex address> <file>", the RSDP line first), which
# is all the test needs to answer its map callback.
#
# The tables depend on the QEMU version (recorded in index.txt); rerun this
# script and the ACPI test after a QEMU upgrade changes them.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
iso="$root/build/muxvisor.iso"
[ -f "$iso" ] || make -C "$root" build/muxvisor.iso
[ $# -gt 0 ] || set -- 1 4 8

work=$(mktemp -d)
qemu_pid=
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

for cpus in "$@"; do
	out="$here/q35-smp$cpus"
	rm -rf "$out" && mkdir -p "$out"
	qemu-system-x86_64 -accel tcg -cpu EPYC -M q35 -smp "$cpus" -m 256M \
		-cdrom "$iso" -display none -serial "file:$work/serial.log" \
		-monitor "unix:$work/mon.sock,server,nowait" &
	qemu_pid=$!
	python3 - "$work" "$out" "$cpus" <<'PYEOF'
import os, socket, struct, subprocess, sys, time

work, out, cpus = sys.argv[1], sys.argv[2], sys.argv[3]
sock_path = os.path.join(work, "mon.sock")

def connect():
    for _ in range(100):
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock_path)
            return s
        except OSError:
            time.sleep(0.1)
    sys.exit("capture: no QEMU monitor at " + sock_path)

mon = connect()

def wait_prompt():
    buf = b""
    while not buf.endswith(b"(qemu) "):
        chunk = mon.recv(4096)
        if not chunk:
            sys.exit("capture: QEMU closed its monitor")
        buf += chunk
    return buf

def command(line):
    """Sends one HMP command and waits until it has run (the next prompt)."""
    mon.sendall(line.encode() + b"\n")
    return wait_prompt()

reads = 0

def read_phys(pa, length):
    global reads
    reads += 1                               # a fresh file: never a stale read
    path = os.path.join(work, "chunk%d.bin" % reads)
    command('pmemsave 0x%x %d "%s"' % (pa, length, path))
    with open(path, "rb") as f:
        return f.read()

def find_rsdp():
    """The RSDP once the BIOS has written it (it is absent at reset)."""
    for _ in range(200):
        area = read_phys(0xE0000, 0x20000)
        for off in range(0, len(area), 16):
            if area[off:off + 8] == b"RSD PTR " and sum(area[off:off + 20]) % 256 == 0:
                return 0xE0000 + off
        time.sleep(0.1)
    sys.exit("capture: no RSDP in 0xE0000-0xFFFFF")

def read_table(pa):
    length = struct.unpack_from("<I", read_phys(pa, 36), 4)[0]
    return read_phys(pa, length)

wait_prompt()                                # the greeting
rsdp_pa = find_rsdp()
rsdp = read_phys(rsdp_pa, 36)
rev = rsdp[15]
rsdp = rsdp[:36] if rev >= 2 else rsdp[:20]
files = [(rsdp_pa, "RSDP.bin", rsdp)]
roots = [(struct.unpack_from("<I", rsdp, 16)[0], 4)]
if rev >= 2 and struct.unpack_from("<Q", rsdp, 24)[0]:
    roots.append((struct.unpack_from("<Q", rsdp, 24)[0], 8))
listed = []
for pa, entry in roots:
    t = read_table(pa)
    files.append((pa, t[:4].decode() + ".bin", t))
    for off in range(36, len(t), entry):
        fmt = "<Q" if entry == 8 else "<I"
        child = struct.unpack_from(fmt, t, off)[0]
        if child not in listed:
            listed.append(child)
seen = {}
for pa in listed:
    t = read_table(pa)
    sig = t[:4].decode()
    seen[sig] = seen.get(sig, 0) + 1
    name = sig + (".bin" if seen[sig] == 1 else "-%d.bin" % seen[sig])
    files.append((pa, name, t))
version = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True,
                         text=True).stdout.splitlines()[0]
with open(os.path.join(out, "index.txt"), "w") as idx:
    idx.write("# %s -accel tcg -cpu EPYC -M q35 -smp %s -m 256M (capture.sh)\n"
              % (version, cpus))
    for pa, name, data in files:
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        idx.write("0x%x %s\n" % (pa, name))
mon.sendall(b"quit\n")                       # no prompt follows
PYEOF
	wait "$qemu_pid" || true
	qemu_pid=
	echo "captured $out"
done
