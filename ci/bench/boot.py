#!/usr/bin/env python3
"""make bench-boot: time from QEMU start to the hypervisor's ready line.

Boots the ISO (no menu delay) RUNS times at 1, 4 and 8 CPUs (256 MiB) and
reports the median, min and max of the time from starting QEMU to the
`muxvisor: ready` line (firmware, GRUB and the hypervisor's own boot). Prints
a table and, last, `boot-bench: ready_ms_4cpu=<n>`.
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qemu import Qemu  # noqa: E402
from muxvisor import READY, hv_args, make_iso  # noqa: E402

RUNS = int(os.environ.get("RUNS", "5"))


def ready_ms(iso, cpus):
    with Qemu(hv_args(iso, cpus=cpus), name=f"bench-{cpus}", log=None) as vm:
        hit = vm.wait_for(READY, timeout=300)
        return (hit.time - vm.started_at) * 1000


def main():
    iso = make_iso("bench-boot", cmdline="loglevel=warn")
    results = {}
    print(f"{'cpus':>4}  {'median ms':>9}  {'min ms':>7}  {'max ms':>7}  runs")
    for cpus in (1, 4, 8):
        times = [ready_ms(iso, cpus) for _ in range(RUNS)]
        results[cpus] = statistics.median(times)
        print(f"{cpus:>4}  {results[cpus]:>9.0f}  {min(times):>7.0f}  {max(times):>7.0f}  {RUNS}",
              flush=True)
    print(f"boot-bench: ready_ms_4cpu={results[4]:.0f}")


if __name__ == "__main__":
    main()
