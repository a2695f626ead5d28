"""Scheduler scenarios in QEMU, shared by ci/tests/hv_sched.py and
ci/bench/sched.py.

A scenario is a set of cpuburn domains with scheduler parameters on a host
with a given CPU count. The hypervisor prints its accounting every second
(sched_stats=1000: per-domain run/steal/blocked ns and burst credit) and
each guest reports its own work counter ("units") every second. Over a
measurement window, each domain's share of CPU is measured twice:

  - by the hypervisor: run_ns added in the window / window length, in
    percent of one pCPU;
  - by the guest: units done in the window, converted to percent of one
    pCPU with the scenario's own speed of a pCPU (total units over total
    hypervisor run time of all domains in the window) - so the two agree
    only if each domain's work follows the time the hypervisor gave it.

Both are compared with the entitlement from the scheduler's own function
(build/tools/sched_entitle, on hypervisor/sched/entitlement.c).
"""
import os
import re
import subprocess

from qemu import ROOT, Qemu
from muxvisor import READY, hv_args, make_iso

BURN = os.path.join(ROOT, "build", "guest-kernels", "cpuburn.elf")
ENTITLE = os.path.join(ROOT, "build", "tools", "sched_entitle")
STATS = re.compile(r"^sched-stats: t=(\d+) d\d+ '([^']+)' run_ns=(\d+) steal_ns=(\d+) "
                   r"blocked_ns=(\d+) credit_ns=(\d+)$")
COUNTER = re.compile(r"^\[d\d+ ([^\]\s]+)\] counter units=(\d+)$")


class Dom:
    """One cpuburn domain: name, vCPUs and scheduler parameters; extra words
    for the guest (start_after_ms=, duration_ms=)."""

    def __init__(self, name, vcpus, weight=256, reservation=0, cap=0,
                 baseline=0, burst_max_ms=0, extra=""):
        self.name, self.vcpus, self.weight = name, vcpus, weight
        self.reservation, self.cap = reservation, cap
        self.baseline, self.burst_max_ms, self.extra = baseline, burst_max_ms, extra

    def module_line(self):
        words = [f"name={self.name}", f"vcpus={self.vcpus}", "mem=16M",
                 f"weight={self.weight}", f"reservation={self.reservation}",
                 f"cap={self.cap}"]
        if self.baseline:
            words += [f"burst_baseline={self.baseline}", f"burst_max_ms={self.burst_max_ms}"]
        return " ".join(words + ([self.extra] if self.extra else []))

    def effective_cap(self):
        """The cap in force once burst credit is spent: the baseline."""
        if self.baseline:
            return min(self.baseline, self.cap) if self.cap else self.baseline
        return self.cap


def entitlement(doms, pcpus):
    """Entitled percent of one pCPU per domain, all CPU-bound."""
    args = [ENTITLE, str(pcpus)] + [
        f"{d.weight},{d.reservation},{d.effective_cap()},{d.vcpus},{100 * d.vcpus}"
        for d in doms]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return [float(x) for x in out.split()]


def _snapshots(lines):
    """{t: {name: (run, steal, blocked, credit)}} from the stats lines."""
    snaps = {}
    for line in lines:
        m = STATS.match(line)
        if m:
            snaps.setdefault(int(m.group(1)), {})[m.group(2)] = tuple(
                int(m.group(i)) for i in range(3, 7))
    return snaps


def _units_at(lines, name, index):
    """The name's counter value as of the index-th console line."""
    value = None
    for line in lines[:index]:
        m = COUNTER.match(line)
        if m and m.group(1) == name:
            value = int(m.group(2))
    return value


def run(label, host_cpus, doms, start_s, window_s, mem="1G"):
    """Boots the scenario and measures the window [start_s, start_s +
    window_s] after the domains start. Returns {name: {"hv": percent,
    "guest": percent, "credit_start": ns, "credit_end": ns}}."""
    mods = [(BURN, d.module_line()) for d in doms]
    iso = make_iso(f"sched-{label}", cmdline="loglevel=info sched_stats=1000", modules=mods)
    with Qemu(hv_args(iso, cpus=host_cpus, mem=mem), name=label) as vm:
        vm.wait_for(READY, timeout=180)
        first = vm.wait_for(r"^sched-stats: t=(\d+) ", timeout=60)
        t0 = int(first.group(1))
        vm.wait_for(rf"^sched-stats: t=(\d+) ", timeout=start_s + 60)
        while True:
            hit = vm.wait_for(r"^sched-stats: t=(\d+) ", timeout=60)
            if int(hit.group(1)) - t0 >= (start_s + window_s) * 1e9:
                break
        lines = list(vm.lines)
    return _measure(lines, doms, t0, start_s, window_s)


def _measure(lines, doms, t0, start_s, window_s):
    snaps = _snapshots(lines)
    names = {d.name for d in doms}
    # Only complete sets of lines: the domains alive at the next-to-last
    # snapshot (the last one may still be printing). A domain that has not
    # started yet, or has shut down, is missing from the sets it is absent in.
    ordered = sorted(snaps)
    present = names & set(snaps[ordered[-2]]) if len(ordered) >= 2 else set()
    times = sorted(t for t in snaps if present <= set(snaps[t]))
    t_a = min(t for t in times if t - t0 >= start_s * 1e9)
    t_b = max(t for t in times if t - t_a <= window_s * 1e9 + 5e8)
    span = t_b - t_a
    idx = {t: next(i for i, l in enumerate(lines) if l.startswith(f"sched-stats: t={t} "))
           for t in (t_a, t_b)}
    res, total_units, total_run = {}, 0, 0
    for d in doms:
        a, b = snaps[t_a].get(d.name), snaps[t_b].get(d.name)
        if not a or not b:
            continue
        run = b[0] - a[0]
        ua, ub = _units_at(lines, d.name, idx[t_a]), _units_at(lines, d.name, idx[t_b])
        units = (ub - ua) if ua is not None and ub is not None else None
        res[d.name] = {"hv": 100.0 * run / span, "units": units, "run": run,
                       "credit_start": a[3], "credit_end": b[3]}
        if units is not None:
            total_units += units
            total_run += run
    per_ns = total_units / total_run if total_run else 0
    for r in res.values():
        r["guest"] = 100.0 * r["units"] / per_ns / span if r["units"] is not None and per_ns else None
    return res
