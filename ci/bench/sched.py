#!/usr/bin/env python3
"""make bench-sched: the scheduler's shares in QEMU against its entitlement.

Runs the scenarios of ci/tests/hv_sched.py and two more - one of four
domains goes idle while the others keep working, and 16 vCPUs on 4 pCPUs -
and prints, per scenario, each domain's parameters, its entitled share, the
share it received (hypervisor accounting) and the error, all in percent of
one pCPU. The last line is
    sched-bench: max_abs_error_pct=<x> scenarios=<n>
Figures come from QEMU's software emulation and vary with the host's load.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from sched_runs import Dom, entitlement, run  # noqa: E402


def scenarios():
    return [
        ("weights 1:2:4", 2, [Dom("w100", 2, weight=100), Dom("w200", 2, weight=200),
                              Dom("w400", 2, weight=400)], 3, 8),
        ("reserved among heavier", 2, [Dom("light", 1, weight=32, reservation=60),
                                       Dom("heavy1", 2, weight=512),
                                       Dom("heavy2", 2, weight=512)], 3, 8),
        ("capped, idle host", 2, [Dom("capped", 2, cap=50)], 3, 8),
        ("burst credit, after credit", 2, [Dom("burst", 1, cap=100, baseline=30,
                                               burst_max_ms=2000)], 6, 6),
        # The idle one works 3 s, then stops: the window starts after it.
        ("one of four goes idle", 2, [Dom("quits", 1, extra="duration_ms=3000"),
                                      Dom("a", 1), Dom("b", 1, weight=512),
                                      Dom("c", 2, weight=128)], 6, 8),
        ("16 vCPUs on 4 pCPUs", 4, [Dom("q1", 4, weight=128), Dom("q2", 4, weight=256),
                                    Dom("q3", 4, weight=512), Dom("q4", 4, cap=100)], 4, 8),
    ]


def main():
    worst, count = 0.0, 0
    print(f"{'scenario':<28} {'domain':<8} {'weight':>6} {'res%':>5} {'cap%':>5} "
          f"{'entitled%':>9} {'received%':>9} {'error':>6}")
    for label, pcpus, doms, start, window in scenarios():
        active = [d for d in doms if "duration_ms" not in d.extra]
        want = dict(zip([d.name for d in active], entitlement(active, pcpus)))
        res = run(label.replace(" ", "-").replace(",", "").replace(":", "-"), pcpus,
                  doms, start, window, mem="2G")
        count += 1
        for d in active:
            got = res.get(d.name, {}).get("hv")
            err = abs(got - want[d.name]) if got is not None else float("nan")
            worst = max(worst, err) if got is not None else worst
            print(f"{label:<28} {d.name:<8} {d.weight:>6} {d.reservation:>5} "
                  f"{d.effective_cap():>5} {want[d.name]:>9.1f} "
                  f"{got if got is None else round(got, 1):>9} {err:>6.1f}", flush=True)
    print(f"sched-bench: max_abs_error_pct={worst:.2f} scenarios={count}")


if __name__ == "__main__":
    main()
