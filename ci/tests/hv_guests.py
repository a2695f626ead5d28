#!/usr/bin/env python3
# timeout: 1500
# exclusive
"""The project's test guests on the hypervisor (issue 3).

Reads guest-kernels/tests/unittests.cfg and boots the ISO with many of its
runs at once, each in its own static domain (so they also run side by side,
isolated from each other):

  - every pass/shutdown run on 2 host CPUs, and again on 4 for the runs that
    list 4 in host_cpus (SMP guests at 1, 2 and 4 vCPUs on 2 and 4 CPUs);
  - every hostile guest, each beside a cpuburn that must keep reporting
    while they are stopped, with the hypervisor staying up;
  - the rebooter: 100 destroy/create cycles, after which the hypervisor's
    free-page count must be exactly what it was after the first.

Each run's outcome is judged by ci/lib/guest_results.py against what the
file expects (PASS lines and a clean shutdown, or a crash with a reason).
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qemu import Qemu, QemuError  # noqa: E402
from muxvisor import READY, hv_args, make_iso  # noqa: E402
from guest_results import (Outcome, free_pages_after_destroy, judge,  # noqa: E402
                           load_unittests, module_line, parse_counters)
from report import report  # noqa: E402


def wait_ends(vm, names, timeout):
    """Waits until every named domain shut down or crashed (or the time is
    up); returns the names that did not end."""
    deadline = time.monotonic() + timeout
    left = set(names)
    end = re.compile(r"domain d\d+ '([^']+)': (shut down|crashed)")
    while left and time.monotonic() < deadline:
        line = vm.readline(min(1.0, deadline - time.monotonic()))
        if line:
            m = end.search(line[0])
            if m:
                left.discard(m.group(1))
    time.sleep(0.3)
    return left


def boot_runs(label, host_cpus, runs, mem="2G"):
    """Boots one ISO with the given (run, vcpus) pairs and judges each."""
    mods, names = [], []
    for run, vcpus in runs:
        name = f"{run.section}-{vcpus}v"
        mods.append((run.elf, module_line(run, vcpus, name=name)))
        names.append((name, run))
    iso = make_iso(f"guests-{label}", cmdline="loglevel=info", modules=mods)
    timeout = max(r.timeout for r, _ in runs) * 3
    try:
        with Qemu(hv_args(iso, cpus=host_cpus, mem=mem), name=label) as vm:
            vm.wait_for(READY, timeout=180)
            missing = wait_ends(vm, [n for n, _ in names], timeout)
            lines = list(vm.lines)
    except QemuError as e:
        for name, _ in names:
            report(f"hv_guest_{name}_{host_cpus}cpu", [str(e)])
        return
    for name, run in names:
        problems = [f"did not end within {timeout:.0f}s"] if name in missing else []
        problems += judge(run, Outcome(lines, name))
        report(f"hv_guest_{name}_{host_cpus}cpu", problems)


def normal_runs(tests, host_cpus):
    return [(t, v) for t in tests.values()
            if t.expect != "crashed" and "hostile" not in t.groups
            and "helper" not in t.groups and "lifecycle" not in t.groups
            and host_cpus in t.host_cpus for v in t.vcpus]


def burn_reports(lines):
    """How many times the neighbour reported its work counter so far."""
    return len(parse_counters(list(lines), "burn").get("units", []))


def hostile(tests):
    """Every hostile run beside one cpuburn, which must keep reporting."""
    runs = [(t, v) for t in tests.values() if "hostile" in t.groups for v in t.vcpus]
    burn = tests["cpuburn_beside"]
    mods = [(burn.elf, module_line(burn, 1, name="burn"))]
    names = []
    for run, vcpus in runs:
        name = f"{run.section}-{vcpus}v"
        mods.append((run.elf, module_line(run, vcpus, name=name)))
        names.append((name, run))
    iso = make_iso("guests-hostile", cmdline="loglevel=info", modules=mods)
    try:
        with Qemu(hv_args(iso, cpus=2, mem="1G"), name="hostile") as vm:
            vm.wait_for(READY, timeout=180)
            missing = wait_ends(vm, [n for n, _ in names], 300)
            before = burn_reports(vm.lines)
            # The neighbour reports once a second; it must go on doing so.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and \
                    burn_reports(vm.lines) < before + 2:
                time.sleep(0.5)
            lines = list(vm.lines)
            alive = vm.proc.poll() is None
    except QemuError as e:
        report("hv_guest_hostile", [str(e)])
        return
    for name, run in names:
        problems = [f"did not end within 300s"] if name in missing else []
        problems += judge(run, Outcome(lines, name))
        report(f"hv_guest_{name}_beside_cpuburn", problems)
    after = burn_reports(lines)
    burn_out = Outcome(lines, "burn")
    problems = []
    if not alive:
        problems.append("the hypervisor went away")
    if after < before + 2:
        problems.append(f"cpuburn reported {after - before} times after the hostile guests ended")
    if burn_out.state != "running":
        problems.append(f"cpuburn is {burn_out.state!r}, want running")
    if any("PANIC" in line for line in lines):
        problems.append("the hypervisor panicked")
    report("hv_guest_cpuburn_survives_hostile_neighbours", problems)


def rebooter(tests):
    run = tests["rebooter"]
    iso = make_iso("guests-rebooter", cmdline="loglevel=info",
                   modules=[(run.elf, module_line(run, 1, name="rb"))])
    name = "hv_guest_rebooter_100_cycles_return_every_page"
    try:
        with Qemu(hv_args(iso, cpus=2, mem="256M"), name="rebooter") as vm:
            vm.wait_for(READY, timeout=180)
            vm.wait_for(r"\[d\d+ rb\] (PASS|FAIL) rebooter", timeout=run.timeout)
            vm.wait_for(r"domain d\d+ 'rb': destroyed", timeout=60)
            lines = list(vm.lines)
    except QemuError as e:
        report(name, [str(e)])
        return
    free = free_pages_after_destroy(lines)
    out = Outcome(lines, "rb")
    problems = [f"result line: {r.line}" for r in out.results if r.kind != "PASS"]
    if len(free) < 101:
        problems.append(f"only {len(free)} destroys seen, want 101 (100 reboots and the end)")
    elif len(set(free)) != 1:
        problems.append(f"free pages after destroy varied: first {free[0]}, "
                        f"min {min(free)}, last {free[-1]}")
    report(name, problems)


def main():
    tests = load_unittests()
    boot_runs("2cpu", 2, normal_runs(tests, 2))
    boot_runs("4cpu", 4, normal_runs(tests, 4))
    hostile(tests)
    rebooter(tests)


if __name__ == "__main__":
    main()
