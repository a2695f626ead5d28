#!/usr/bin/env python3
# timeout: 900
"""The hypervisor boots from the GRUB2 ISO on every CPU (issue 2).

Boots at 1, 2, 4 and 8 CPUs and at 256 MiB and 4 GiB of RAM and checks the
ready line: cpus= is the count of CPUs that run vCPUs (QEMU's less the boot
CPU, which the hypervisor keeps for housekeeping under TCG), mem= is what the RAM should leave
for domains (most of it, and in the 4 GiB case also the part QEMU puts above
4 GiB). Boots once with -cpu EPYC,-svm for the one-line refusal, and checks
that maxcpus= and an unknown option do what docs/hypervisor-options.md says.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qemu import Qemu, QemuError  # noqa: E402
from muxvisor import BOOT_CPU, READY, hv_args, make_iso, mem_mib  # noqa: E402
from report import report  # noqa: E402

BOOT_TIMEOUT = 180


def expect_mem(mem, reported):
    """The hypervisor keeps its image, page tables, frame states, stacks and
    the first MiB; everything else must be offered to domains."""
    total = mem_mib(mem)
    low = total - 16 - total // 100     # < 16 MiB + 1 % for the hypervisor
    if not low <= reported <= total:
        return f"mem={reported}M, want {low}..{total}M for {mem} of RAM"
    return None


def boot_case(cpus, mem, iso):
    name = f"hv_boot_{cpus}cpu_{mem}"
    try:
        with Qemu(hv_args(iso, cpus=cpus, mem=mem), name=name) as vm:
            hit = vm.wait_for(READY, timeout=BOOT_TIMEOUT)
            why = None
            if int(hit.group(1)) != cpus:
                why = f"cpus={hit.group(1)}, want {cpus}"
            why = why or expect_mem(mem, int(hit.group(2)))
            if why is None and any("error:" in line or "warning:" in line for line in vm.lines):
                why = "warnings or errors during boot: " + "; ".join(
                    l for l in vm.lines if "error:" in l or "warning:" in l)
            print(f"# {name}: ready after {hit.time - vm.started_at:.1f}s", file=sys.stderr)
    except QemuError as e:
        why = str(e)
    report(name, why)


def no_svm_case(iso):
    """Without SVM: one clear line, then the machine stays halted (no reset:
    with -no-reboot a reset would end QEMU)."""
    name = "hv_boot_no_svm_refuses"
    try:
        with Qemu(hv_args(iso, cpus=2, mem="256M", cpu="EPYC,-svm"), name=name) as vm:
            hit = vm.wait_for(r"^muxvisor: cannot start: (.*)$", timeout=BOOT_TIMEOUT)
            why = None if "SVM" in hit.group(1) else f"reason does not name SVM: {hit.group(1)}"
            time.sleep(3)
            if vm.proc.poll() is not None:
                why = "QEMU exited (the machine reset) after the refusal"
            elif any("ready" in line for line in vm.lines):
                why = "printed a ready line without SVM"
    except QemuError as e:
        why = str(e)
    report(name, why)


def options_case():
    """maxcpus=2 on 5 CPUs brings up 2, of which the boot CPU does
    housekeeping only (it says so); an unknown option is warned about and
    ignored."""
    name = "hv_boot_options_maxcpus_unknown"
    iso = make_iso("boot-opts", cmdline="maxcpus=2 no_such_option=1 loglevel=debug")
    try:
        with Qemu(hv_args(iso, cpus=4, mem="256M"), name=name) as vm:
            hit = vm.wait_for(READY, timeout=BOOT_TIMEOUT)
            warned = any("unknown option 'no_such_option=1'" in l for l in vm.lines)
            debug = any(" debug: " in l for l in vm.lines)
            kept = any("boot CPU: housekeeping only" in l for l in vm.lines)
            why = None
            if hit.group(1) != str(2 - BOOT_CPU):
                why = f"cpus={hit.group(1)} with maxcpus=2 (expected {2 - BOOT_CPU})"
            elif not kept:
                why = "no line saying the boot CPU does housekeeping only"
            elif not warned:
                why = "no warning for the unknown option"
            elif not debug:
                why = "loglevel=debug printed no debug lines"
    except QemuError as e:
        why = str(e)
    report(name, why)


def main():
    iso = make_iso("boot", cmdline="loglevel=info")
    for cpus, mem in ((1, "256M"), (2, "256M"), (4, "256M"), (8, "256M"),
                      (2, "4G"), (8, "4G")):
        boot_case(cpus, mem, iso)
    no_svm_case(iso)
    options_case()


if __name__ == "__main__":
    main()
