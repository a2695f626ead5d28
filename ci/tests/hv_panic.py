#!/usr/bin/env python3
# timeout: 600
"""An exception in the hypervisor gives a full report and stops every CPU
(issue 2): the `debug_fault=` option raises one on purpose.

For each case: the report names the exception and vector, prints registers
and a symbolised stack trace, ends with a `PANIC:` line saying every CPU
stopped, and the machine stays halted (QEMU runs -no-reboot, so a reset or
triple fault would end it) and silent.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qemu import Qemu, QemuError  # noqa: E402
from muxvisor import BOOT_CPU, PANIC, READY, hv_args, make_iso  # noqa: E402
from report import report  # noqa: E402

CPUS = 4

# (fault, cpu, text the report must contain, symbol the trace must show)
CASES = [
    ("ud", 1, "#UD invalid opcode (vector 6)", "raise_pending"),
    ("pf", 2, "#PF page fault (vector 14)", "raise_pending"),
    ("gp", 0, "#GP general protection (vector 13)", "raise_pending"),
    ("de", 3, "#DE divide error (vector 0)", "raise_pending"),
    ("stack", 1, "#DF double fault (vector 8)", "overflow_stack"),
    ("bug", 0, "BUG at hypervisor/arch/x86/debug_fault.c", "raise_pending"),
]


def check_report(lines, text, symbol):
    report = "\n".join(lines)
    if text not in report:
        return f"report lacks {text!r}"
    if symbol not in report:
        return f"report does not name {symbol}"
    if "hypervisor panic" not in report and not re.search(r"rip [0-9a-f]{16}", report):
        return "no register dump"
    if "stack trace:" not in report:
        return "no stack trace"
    return None


def run_case(fault, cpu, text, symbol):
    name = f"hv_panic_{fault}_cpu{cpu}"
    iso = make_iso(f"panic-{fault}", cmdline=f"debug_fault={fault} debug_fault_cpu={cpu}")
    try:
        with Qemu(hv_args(iso, cpus=CPUS), name=name) as vm:
            ready = vm.wait_for(READY, timeout=180)
            # Not len(vm.lines): the reader may already have stored the
            # report, which comes in the same burst as the ready line.
            start = vm.lines.index(ready.line) + 1
            hit = vm.wait_for(PANIC, timeout=60)
            why = check_report(vm.lines[start:], text, symbol)
            m = re.search(r"(\d+) of (\d+) CPUs stopped", hit.group(1))
            # Every CPU stops, the boot CPU kept for housekeeping too.
            if why is None and not (m and m.group(1) == m.group(2) == str(CPUS + BOOT_CPU)):
                why = f"not every CPU stopped: {hit.group(1)}"
            if why is None and not hit.group(1).startswith(f"cpu{cpu}:"):
                why = f"panic reported by the wrong CPU: {hit.group(1)}"
            n = len(vm.lines)
            time.sleep(3)
            if why is None and vm.proc.poll() is not None:
                why = "the machine reset after the panic"
            if why is None and len(vm.lines) != n:
                why = f"output after the PANIC line: {vm.lines[n:]}"
    except QemuError as e:
        why = str(e)
    report(name, why)


def main():
    for case in CASES:
        run_case(*case)


if __name__ == "__main__":
    main()
