#!/usr/bin/env python3
"""The KVM side of `make bench-linux` (issue 6): the Linux guest image under
Debian's KVM, nested in QEMU TCG exactly as Muxvisor runs.

    L0  this machine: qemu-system-x86_64 -accel tcg -cpu EPYC   (the "hardware")
    L1  Debian's kernel + an initramfs with kvm_amd and a QEMU   (the "hypervisor")
    L2  build/linux-guest/bzImage + initramfs.cpio.gz under KVM  (the guest measured)

The L1 initramfs is the guest initramfs with one more cpio archive appended
(the kernel unpacks both): Debian's ccp, irqbypass, kvm and kvm_amd (same
kernel package, so they match), the host's qemu-system-x86_64 with the
shared libraries ldd names (guest-kernels/linux/stage-binaries.sh) and the
firmware it loads, the L2 kernel and initramfs, and linux_kvm_side_l1.sh,
which L1 runs as its muxrun command.

Figures, all taken on this side from console-line arrival times (the guest's
clock is not trusted across two levels of emulation):
  boot_ms       L1 printing `kvm-side: l2-start` (just before it starts the
                VMM) to L2's `guest-ready:` line
  cpu_ms        L2's `cpu-bench: start` to its `cpu-bench: ms=` line
  cpu_guest_ms  what cpu-bench measured inside L2 (its monotonic clock)

Run as a script it prints a small table and `kvm-side: boot_ms=<n>
cpu_ms=<n> cpu_guest_ms=<n>`; the Muxvisor side imports run().
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from qemu import GUEST_READY, ROOT, Qemu, QemuError, linux_guest_args  # noqa: E402

RECIPE = os.path.join(ROOT, "guest-kernels", "linux")
GUEST = os.path.join(ROOT, "build", "linux-guest")
WORK = os.path.join(ROOT, "build", "kvm-side")

# kvm_amd needs ccp and irqbypass loaded before it (PLATFORM-FACTS.md);
# stage-modules.sh adds them from modules.dep, in that order.
KVM_MODULES = ["kvm_amd"]
# Firmware the L2 QEMU may load: qboot (microvm's BIOS) and the Linux boot
# option ROMs from qemu-system-data; SeaBIOS for a q35 L2.
FIRMWARE = ["/usr/share/qemu/" + f for f in (
    "qboot.rom", "bios-microvm.bin", "linuxboot.bin", "linuxboot_dma.bin",
    "pvh.bin", "kvmvapic.bin")] + ["/usr/share/seabios"]
QEMU = "/usr/bin/qemu-system-x86_64"


def build_guest():
    subprocess.run(["make", "--no-print-directory", "linux-guest"], cwd=ROOT,
                   stdout=sys.stderr, check=True)


def copy_into(root, path):
    """Copies a host file or directory (firmware) to the same path under
    root, following symlinks (Debian's firmware names are links)."""
    dest = root + path
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    if os.path.isdir(path):
        shutil.copytree(path, dest, symlinks=False, dirs_exist_ok=True)
    else:
        shutil.copy(path, dest)


def l2_qemu_args(l2):
    return ["-enable-kvm", "-cpu", l2["cpu"], "-M", l2["machine"], "-m", l2["mem"],
            "-smp", str(l2["smp"]), "-nodefaults", "-no-user-config",
            "-display", "none", "-serial", "stdio", "-monitor", "none",
            "-no-reboot", "-kernel", "/l2/bzImage", "-initrd", "/l2/initramfs.cpio.gz"]


def build_l1(l2):
    """Builds WORK/l1-initramfs.cpio.gz for the L2 settings l2 (dict with
    machine, mem, smp, append); returns its path."""
    root = os.path.join(WORK, "overlay")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "l2"))
    subprocess.run([os.path.join(RECIPE, "stage-modules.sh"),
                    os.path.join(GUEST, "kernel-tree"), root, "50-kvm", *KVM_MODULES],
                   check=True)
    subprocess.run([os.path.join(RECIPE, "stage-binaries.sh"), root, QEMU], check=True)
    for path in FIRMWARE:
        copy_into(root, path)
    for f in ("bzImage", "initramfs.cpio.gz"):
        shutil.copy(os.path.join(GUEST, f), os.path.join(root, "l2", f))
    os.makedirs(os.path.join(root, "usr", "bin"), exist_ok=True)
    shutil.copy(os.path.join(HERE, "linux_kvm_side_l1.sh"),
                os.path.join(root, "usr", "bin", "kvm-side-l1"))
    with open(os.path.join(root, "etc", "kvm-side.conf"), "w") as conf:
        conf.write(f"L2_QEMU_ARGS={shlex.quote(' '.join(l2_qemu_args(l2)))}\n")
        conf.write(f"L2_APPEND={shlex.quote(l2['append'])}\n")
    overlay = os.path.join(WORK, "overlay.cpio.gz")
    subprocess.run([os.path.join(RECIPE, "pack-initramfs.sh"), root, overlay], check=True)
    initrd = os.path.join(WORK, "l1-initramfs.cpio.gz")
    with open(initrd, "wb") as out:
        for part in (os.path.join(GUEST, "initramfs.cpio.gz"), overlay):
            with open(part, "rb") as f:
                shutil.copyfileobj(f, out)
    return initrd


def measure(initrd, l1_smp, l1_mem, log):
    """Boots L1 and times L2 from its console; returns the figures."""
    args = linux_guest_args(os.path.join(GUEST, "bzImage"), initrd,
                            "console=ttyS0 muxrun=kvm-side-l1 muxexit=poweroff",
                            smp=l1_smp, mem=l1_mem)
    with Qemu(args, name="kvm-side", log=log) as vm:
        vm.wait_for(GUEST_READY, timeout=600)                       # L1's own
        start = vm.wait_for(r"^kvm-side: (l2-start|error: .*)$", timeout=300)
        if start.group(1) != "l2-start":
            raise QemuError(start.line)
        ready = vm.wait_for(GUEST_READY, timeout=900)               # L2's
        bench0 = vm.wait_for(r"^cpu-bench: start ", timeout=300)
        bench = vm.wait_for(r"^cpu-bench: ms=(\d+) ", timeout=1800)
        vm.wait_for(r"^kvm-side: l2-exit status=0$", timeout=300)
        vm.wait_exit(timeout=300)
    return {"boot_ms": round((ready.time - start.time) * 1000),
            "cpu_ms": round((bench.time - bench0.time) * 1000),
            "cpu_guest_ms": int(bench.group(1)),
            "l2_ready": ready.line}


def run(cpu_mib=128, l1_smp=2, l1_mem="2G", l2_smp=1, l2_mem="256M",
        l2_machine="microvm", l2_cpu="host", l2_append="console=ttyS0",
        log=sys.stderr):
    """Builds what is needed and measures once; returns a dict with boot_ms,
    cpu_ms, cpu_guest_ms (ints) and l2_ready (L2's guest-ready line). The
    guest runs `cpu-bench cpu_mib` after l2_append's parameters. Raises
    QemuError or CalledProcessError when something does not work."""
    build_guest()
    os.makedirs(WORK, exist_ok=True)
    l2 = {"machine": l2_machine, "cpu": l2_cpu, "mem": l2_mem, "smp": l2_smp,
          "append": f'{l2_append} muxrun="cpu-bench {cpu_mib}" muxexit=poweroff'}
    return measure(build_l1(l2), l1_smp, l1_mem, log)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cpu-mib", type=int, default=128, help="cpu-bench size (MiB hashed)")
    p.add_argument("--l1-smp", type=int, default=2)
    p.add_argument("--l1-mem", default="2G")
    p.add_argument("--l2-smp", type=int, default=1)
    p.add_argument("--l2-mem", default="256M")
    p.add_argument("--l2-machine", default="microvm", choices=["microvm", "q35"])
    p.add_argument("--l2-cpu", default="host")
    p.add_argument("--l2-append", default="console=ttyS0")
    a = p.parse_args()
    try:
        r = run(a.cpu_mib, a.l1_smp, a.l1_mem, a.l2_smp, a.l2_mem, a.l2_machine,
                a.l2_cpu, a.l2_append)
    except (QemuError, subprocess.CalledProcessError) as e:
        print(f"kvm-side: error: {e}")
        return 1
    print(f"{'L2 under KVM in TCG':<24}{'boot to guest-ready':>22}{'cpu-bench':>12}")
    print(f"{'(host-timed)':<24}{r['boot_ms']:>19} ms{r['cpu_ms']:>9} ms")
    print(f"# L2: {r['l2_ready']}; cpu-bench inside L2: {r['cpu_guest_ms']} ms")
    print(f"kvm-side: boot_ms={r['boot_ms']} cpu_ms={r['cpu_ms']} cpu_guest_ms={r['cpu_guest_ms']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
