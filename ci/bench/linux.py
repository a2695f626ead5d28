#!/usr/bin/env python3
"""make bench-linux: the Linux guest under Muxvisor and under KVM, side by side.

The same guest kernel and initramfs (make linux-guest), 1 vCPU and 256 MiB,
running `cpu-bench 128` (SHA-256 over 128 MiB), on two hypervisors that both
run inside QEMU TCG -cpu EPYC with 2 CPUs and 2 GiB:

  muxvisor  the guest as a static domain of the Muxvisor ISO
  kvm       the guest under Debian's kvm_amd with QEMU as its VMM, inside a
            Debian Linux L1 (ci/bench/linux_kvm_side.py)

Both sides are timed on this machine from console-line arrival times:
  boot_ms  hypervisor starts building the guest to the guest's guest-ready
           line (Muxvisor: the domain's "created" line, which precedes
           loading the kernel; KVM: L1's "kvm-side: l2-start", printed just
           before it runs the VMM)
  cpu_ms   the guest's "cpu-bench: start" to its "cpu-bench: ms=" line

The last line is
    linux-bench: boot_ratio_vs_kvm=<x> cpu_ratio_vs_kvm=<x>
(Muxvisor / KVM; below 1 means Muxvisor is faster). Figures come from
software emulation and vary with the host's load; run it on an idle machine.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import GUEST_READY, ROOT, Qemu, QemuError  # noqa: E402
from muxvisor import READY, hv_args, make_iso  # noqa: E402
import linux_kvm_side  # noqa: E402

HOST_CPUS, HOST_MEM = 2, "2G"
GUEST_VCPUS, GUEST_MEM_MIB = 1, 256
CPU_MIB = 128
# The guest's own parameters, the same on both sides (quiet: the kernel's
# boot messages would cost serial emulation time and split console lines).
APPEND = "console=ttyS0 quiet"
GUEST = os.path.join(ROOT, "build", "linux-guest")
PREFIX = r"^\[d\d+ lin\] "


def muxvisor_side(log):
    """Boots the guest as a Muxvisor static domain; returns the figures."""
    subprocess.run(["make", "--no-print-directory", "all", "linux-guest"], cwd=ROOT,
                   stdout=log, check=True)
    mods = [(os.path.join(GUEST, "bzImage"),
             f"name=lin vcpus={GUEST_VCPUS} mem={GUEST_MEM_MIB}M {APPEND} "
             f'muxrun="cpu-bench {CPU_MIB}" muxexit=poweroff'),
            (os.path.join(GUEST, "initramfs.cpio.gz"), "initrd=lin")]
    iso = make_iso("bench-linux", modules=mods)
    with Qemu(hv_args(iso, cpus=HOST_CPUS, mem=HOST_MEM), name="bench-linux", log=log) as vm:
        vm.wait_for(READY, timeout=300)
        created = vm.wait_for(r"domain d\d+ 'lin': created", timeout=300)
        ready = vm.wait_for(PREFIX + GUEST_READY.lstrip("^"), timeout=900)
        bench0 = vm.wait_for(PREFIX + r"cpu-bench: start ", timeout=300)
        bench = vm.wait_for(PREFIX + r"cpu-bench: ms=(\d+) ", timeout=1800)
        vm.wait_for(r"domain d\d+ 'lin': shut down: poweroff", timeout=300)
    return {"boot_ms": round((ready.time - created.time) * 1000),
            "cpu_ms": round((bench.time - bench0.time) * 1000),
            "cpu_guest_ms": int(bench.group(1))}


def main():
    log = sys.stderr
    try:
        mux = muxvisor_side(log)
        kvm = linux_kvm_side.run(cpu_mib=CPU_MIB, l1_smp=HOST_CPUS, l1_mem=HOST_MEM,
                                 l2_smp=GUEST_VCPUS, l2_mem=f"{GUEST_MEM_MIB}M",
                                 l2_append=APPEND, log=log)
    except (QemuError, subprocess.CalledProcessError) as e:
        print(f"linux-bench: error: {e}")
        return 1
    print(f"{'hypervisor':<12}{'boot to guest-ready':>22}{'cpu-bench (host)':>19}"
          f"{'cpu-bench (guest)':>20}")
    for name, r in (("muxvisor", mux), ("kvm", kvm)):
        print(f"{name:<12}{r['boot_ms']:>19} ms{r['cpu_ms']:>16} ms{r['cpu_guest_ms']:>17} ms")
    boot = mux["boot_ms"] / kvm["boot_ms"]
    cpu = mux["cpu_ms"] / kvm["cpu_ms"]
    print(f"linux-bench: boot_ratio_vs_kvm={boot:.3f} cpu_ratio_vs_kvm={cpu:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
