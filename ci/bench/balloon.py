#!/usr/bin/env python3
"""make bench-balloon: how fast the balloon moves memory, and how many
guests the memory policy fits on a host.

1. Reclaim and re-grant (ci/lib/balloon_reclaim.py): a 1 GiB Linux guest on
   the real hypervisor, no muxd; the console's `:balloon` command inflates
   it to 192 MiB and deflates it back, three rounds. Reclaim rate = MiB
   the host's free pool gained / time from the new target to the guest's
   balloon reaching it; re-grant rate = MiB the guest took back out of the
   pool / time, the same way.
2. Overcommit (ci/lib/overcommit.py, the scenario of
   ci/tests/platform_overcommit.py): the whole platform, more Linux guests
   than fit at their ceilings, muxd's memory policy ballooning the idle
   ones so one guest can grow. Peak density = guests running at once /
   guests whose ceilings fit in the pool; OOM kills counted on the guests'
   consoles.

The last line is
    balloon-bench: reclaim_mib_s=<n> overcommit_ratio=<x> oom_kills=<n>
with the median reclaim rate over the rounds. Figures come from QEMU's
software emulation (TCG: the guest's driver, the hypervisor's unmapping and
the TLB shoot-downs are all emulated) and vary with the host's load. A
benchmark, not a test: it asserts nothing. BALLOON_BENCH_PARTS=reclaim or
=overcommit runs one part.
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import balloon_reclaim  # noqa: E402
import overcommit  # noqa: E402
from dom0_platform import build  # noqa: E402

PARTS = os.environ.get("BALLOON_BENCH_PARTS", "reclaim,overcommit").split(",")


def reclaim_part():
    why = balloon_reclaim.build()
    if why:
        sys.exit(f"bench-balloon: {why}")
    rounds = balloon_reclaim.run()
    print(f"{'round':<6} {'reclaim MiB':>11} {'s':>7} {'MiB/s':>7} {'balloon MiB':>11} "
          f"{'re-grant MiB':>12} {'s':>7} {'MiB/s':>7}  memtest after")
    rec, reg = [], []
    for i, r in enumerate(rounds, 1):
        a = balloon_reclaim.rate(r["reclaim_mib"], 0, r["reclaim_s"])
        b = balloon_reclaim.rate(r["regrant_mib"], 0, r["regrant_s"])
        rec.append(a)
        reg.append(b)
        print(f"{i:<6} {r['reclaim_mib']:>11.0f} {r['reclaim_s']:>7.2f} {a:>7.1f} "
              f"{r['balloon_in_mib']:>11.0f} {r['regrant_mib']:>12.0f} {r['regrant_s']:>7.2f} "
              f"{b:>7.1f}  {r['memtest']}")
        if r["reported"]:
            print(f"# round {i}: the guest reported {r['reported']} pages free meanwhile",
                  file=sys.stderr)
    print(f"# 1 GiB guest, {balloon_reclaim.CEIL_MIB} -> {balloon_reclaim.LOW_MIB} MiB and "
          f"back: median reclaim {statistics.median(rec):.1f} MiB/s, re-grant "
          f"{statistics.median(reg):.1f} MiB/s")
    return statistics.median(rec), statistics.median(reg)


def overcommit_part():
    why = build()
    if why:
        return {"error": why, "peak_density": 0.0, "oom_lines": []}
    res = overcommit.run_scenario(name="bench-balloon")
    print(overcommit.table(res))
    return res


def main():
    reclaim = regrant = float("nan")
    ratio, ooms = float("nan"), -1
    if "reclaim" in PARTS:
        reclaim, regrant = reclaim_part()
    if "overcommit" in PARTS:
        res = overcommit_part()
        if res.get("error"):
            print(f"# the overcommit scenario did not complete: {res['error']}")
        ratio, ooms = res["peak_density"], len(res["oom_lines"])
    print(f"balloon-bench: reclaim_mib_s={reclaim:.1f} overcommit_ratio={ratio:.2f} "
          f"oom_kills={ooms}")


if __name__ == "__main__":
    main()
