#!/usr/bin/env python3
# timeout: 1200
"""The Linux guest image (guest-kernels/linux) boots and its tools work.

Builds build/linux-guest/ with `make linux-guest` (downloads Debian packages
on the first run) and boots it directly in QEMU (TCG, -cpu EPYC, q35, 2 CPUs,
512 MiB): no Muxvisor involved, so a failure here is the image's. Checks the
guest-ready line, runs the CPU benchmark (its digest must be the SHA-256 of
the zeros it hashed), the memory test, the dmesg check and poweroff on the
console shell, then boots again with a `muxrun=` command line that ends in
`reboot` and must end QEMU by itself.
"""
import hashlib
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qemu import (GUEST_READY, ROOT, Qemu, QemuError, dmesg_problems,  # noqa: E402
                  linux_guest_args, parse_guest_ready)
from report import report  # noqa: E402

OUT = os.path.join(ROOT, "build", "linux-guest")
KERNEL = os.path.join(OUT, "bzImage")
INITRD = os.path.join(OUT, "initramfs.cpio.gz")
SMP, MEM_MIB = 2, 512
CPU_MIB, MEMTEST_MIB = 32, 64
# busybox ash follows its prompt with a cursor-position query (ESC [6n).
PROMPT = r"muxguest# "


def build():
    try:
        r = subprocess.run(["make", "--no-print-directory", "linux-guest"], cwd=ROOT,
                           stdout=sys.stderr, stderr=sys.stderr, timeout=900)
    except subprocess.TimeoutExpired:
        return "make linux-guest took over 900s"
    if r.returncode != 0:
        return f"make linux-guest exited with {r.returncode}"
    for f in (KERNEL, INITRD):
        if not os.path.isfile(f) or os.path.getsize(f) == 0:
            return f"{f} missing after the build"
    return None


def check_ready(vm):
    hit = vm.wait_for(GUEST_READY, timeout=300)
    f = parse_guest_ready(hit)
    print(f"# guest-ready {hit.time - vm.started_at:.2f}s after QEMU started: {hit.line}",
          file=sys.stderr)
    # MemTotal is RAM less what firmware and the kernel image keep.
    if f["nproc"] != SMP:
        return f"nproc={f['nproc']}, want {SMP}"
    if not 0.8 * MEM_MIB * 1024 < f["mem_kb"] <= MEM_MIB * 1024:
        return f"mem_kb={f['mem_kb']} implausible for {MEM_MIB} MiB"
    return None


def check_cpu_bench(vm):
    vm.wait_for(PROMPT, timeout=60, partial=True)
    vm.sendline(f"cpu-bench {CPU_MIB}")
    hit = vm.wait_for(r"^cpu-bench: ms=(\d+) mib=(\d+) sha256=([0-9a-f]{64})$", timeout=600)
    want = hashlib.sha256(bytes(CPU_MIB << 20)).hexdigest()
    print(f"# cpu-bench over {CPU_MIB} MiB: {hit.group(1)} ms", file=sys.stderr)
    if int(hit.group(2)) != CPU_MIB or hit.group(3) != want:
        return f"wrong result: {hit.line}"
    if int(hit.group(1)) <= 0:
        return f"elapsed time not positive: {hit.line}"
    return None


def check_memtest(vm):
    vm.sendline(f"memtest {MEMTEST_MIB}")
    hit = vm.wait_for(r"^memtest: (PASS|FAIL) mib=", timeout=600)
    return None if hit.group(1) == "PASS" else hit.line


def check_dmesg(vm):
    start = len(vm.lines)
    vm.sendline("dmesg-check")
    vm.wait_for(r"^dmesg-check: count=\d+$", timeout=60)
    problems = dmesg_problems(vm.lines[start:])
    return None if not problems else "; ".join(problems)


def check_poweroff(vm):
    vm.sendline("poweroff")
    vm.wait_for(r"reboot: Power down", timeout=120)
    code = vm.wait_exit(timeout=60)
    return None if code == 0 else f"QEMU exit status {code}"


def interactive_boot():
    """Boots to the console shell and runs each check in turn; once one
    fails by losing the guest, the rest are reported as not reached."""
    steps = [("linux_guest_ready", check_ready), ("linux_guest_cpu_bench", check_cpu_bench),
             ("linux_guest_memtest", check_memtest), ("linux_guest_dmesg_clean", check_dmesg),
             ("linux_guest_poweroff", check_poweroff)]
    args = linux_guest_args(KERNEL, INITRD, "console=ttyS0", smp=SMP, mem=f"{MEM_MIB}M")
    with Qemu(args, name="guest") as vm:
        lost = None
        for name, step in steps:
            if lost:
                report(name, skip=f"not reached, {lost}")
                continue
            try:
                report(name, step(vm))
            except QemuError as e:
                report(name, str(e))
                lost = f"{name} failed"


def muxrun_boot():
    """The command-line path: muxrun runs unattended and muxexit=reboot ends
    QEMU (-no-reboot) without anything typed on the console."""
    append = f'console=ttyS0 muxrun="memtest 8; cpu-bench 1" muxexit=reboot'
    args = linux_guest_args(KERNEL, INITRD, append, smp=SMP, mem=f"{MEM_MIB}M")
    with Qemu(args, name="muxrun") as vm:
        try:
            vm.wait_for(GUEST_READY, timeout=300)
            vm.wait_for(r"^memtest: PASS mib=8$", timeout=300)
            vm.wait_for(r"^cpu-bench: ms=\d+ mib=1 ", timeout=300)
            vm.wait_for(r"^muxrun: exit=0$", timeout=60)
            vm.wait_for(r"^dmesg-check: count=\d+$", timeout=60)
            report("linux_guest_muxrun", None)
        except QemuError as e:
            report("linux_guest_muxrun", str(e))
            return
        try:
            vm.wait_for(r"reboot: Restarting system", timeout=120)
            code = vm.wait_exit(timeout=60)
            report("linux_guest_reboot", None if code == 0 else f"QEMU exit status {code}")
        except QemuError as e:
            report("linux_guest_reboot", str(e))


def main():
    if not report("linux_guest_build", build()):
        return 1
    interactive_boot()
    muxrun_boot()
    return 0


if __name__ == "__main__":
    sys.exit(main())
