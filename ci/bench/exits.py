#!/usr/bin/env python3
"""make bench-exits: how many exits per second the hypervisor handles.

Boots the ISO with the `exits` test guest (1 vCPU, on a 1-CPU machine so
nothing else competes) RUNS times; the guest times loops of CPUID, a
hypercall, HLT woken by a self-IPI, and an I/O port read, and prints
`exits: cpuid_per_s=.. hypercall_per_s=.. hlt_per_s=.. io_per_s=..`.
Prints the median of each as a table and, last,
`exits-bench: cpuid_per_s=<n> hypercall_per_s=<n>`.

These are rates under QEMU's software emulation of SVM (TCG): they measure
the hypervisor's exit path relative to itself, not real hardware.
"""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qemu import ROOT, Qemu  # noqa: E402
from muxvisor import hv_args, make_iso  # noqa: E402

RUNS = int(os.environ.get("RUNS", "3"))
GUEST = os.path.join(ROOT, "build", "guest-kernels", "exits.elf")
KINDS = ("cpuid", "hypercall", "hlt", "io")
LINE = re.compile(r"\] exits: " + " ".join(rf"{k}_per_s=(\d+)" for k in KINDS))


def one_run(iso):
    with Qemu(hv_args(iso, cpus=1, mem="256M"), name="bench-exits", log=None) as vm:
        hit = vm.wait_for(LINE.pattern, timeout=300)
        return {k: int(hit.group(i + 1)) for i, k in enumerate(KINDS)}


def main():
    iso = make_iso("bench-exits", cmdline="loglevel=warn",
                   modules=[(GUEST, "name=exits vcpus=1 mem=16M phase_ms=1000")])
    runs = [one_run(iso) for _ in range(RUNS)]
    med = {k: statistics.median(r[k] for r in runs) for k in KINDS}
    print(f"{'exit':<10} {'median/s':>10} {'min/s':>10} {'max/s':>10}")
    for k in KINDS:
        vals = [r[k] for r in runs]
        print(f"{k:<10} {med[k]:>10.0f} {min(vals):>10} {max(vals):>10}")
    print(f"exits-bench: cpuid_per_s={med['cpuid']:.0f} hypercall_per_s={med['hypercall']:.0f}")


if __name__ == "__main__":
    main()
