#!/usr/bin/env python3
# timeout: 600
# exclusive
"""The control interface (docs/control-abi.md) from a privileged static
domain, in one boot:

  - ctlprobe (guest-kernels/tests/ctlprobe/, the `privileged` domain)
    makes every control call with good and bad arguments and reports a
    PASS/FAIL line per case; each line becomes a result here. It uploads
    a test kernel (cpuburn, linked into it) as an image, creates domains
    from it, reads one's console, pauses it, changes its scheduler
    parameters (a reservation refused by admission control), maps its
    pages into its own window, destroys it and checks every page came
    back;
  - hostile_control, a customer domain, calls MUXV_HC_CONTROL: every call
    must return -EPERM and the hypervisor must log the refusal naming it.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qemu import Qemu, QemuError  # noqa: E402
from muxvisor import READY, dump_domains, hv_args, make_iso  # noqa: E402
from guest_results import GUEST_DIR, domain_outcome  # noqa: E402
from report import report  # noqa: E402

PROBE = os.path.join(GUEST_DIR, "ctlprobe.elf")
CUSTOMER = os.path.join(GUEST_DIR, "hostile_control.elf")
REFUSAL = re.compile(r"control: refused MUXV_HC_CONTROL from domain d(\d+) 'cust' vcpu0 "
                     r"\(not the privileged domain\)")


def probe_results(lines):
    """ctlprobe's own result lines, each reported as hv_control_<case>."""
    out = domain_outcome(lines, "ctl")
    for r in out.results:
        name = "hv_control_" + r.name.replace(".", "_")
        report(name, [] if r.kind in ("PASS", "SKIP") else [f"{r.kind}: {r.why}"])
    problems = []
    if out.state != "shut down" or out.exit_code != 0:
        problems.append(f"ctlprobe ended {out.state!r} ({out.reason}), want a clean shutdown")
    if not out.results:
        problems.append("no result lines")
    report("hv_control_probe_finished", problems)


def customer(lines):
    out = domain_outcome(lines, "cust")
    problems = [r.line for r in out.results if r.kind != "PASS"]
    if not any(r.kind == "PASS" for r in out.results):
        problems.append("no PASS hostile_control line")
    refusals = [m for m in map(REFUSAL.search, lines) if m]
    if not refusals:
        problems.append("the hypervisor did not log the refusal")
    elif len(refusals) > 10:
        problems.append(f"{len(refusals)} refusal lines: not rate-limited")
    report("hv_control_customer_refused_and_logged", problems)


def main():
    mods = [(PROBE, "name=ctl vcpus=2 mem=32M privileged settle=cust"),
            (CUSTOMER, "name=cust vcpus=1 mem=16M on_poweroff=keep")]
    iso = make_iso("control", cmdline="loglevel=info", modules=mods)
    try:
        with Qemu(hv_args(iso, cpus=2, mem="1G"), name="control") as vm:
            vm.wait_for(READY, timeout=180)
            try:
                vm.wait_for(r"domain d0 'ctl': (shut down|crashed)", timeout=300)
            except QemuError:
                dump_domains(vm)
                raise
            lines = list(vm.lines)
    except QemuError as e:
        report("hv_control_boot", [str(e)])
        return
    probe_results(lines)
    customer(lines)


if __name__ == "__main__":
    main()
