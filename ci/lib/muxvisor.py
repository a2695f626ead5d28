"""Boot the Muxvisor ISO in QEMU for integration tests and benchmarks.

    from muxvisor import make_iso, hv_args, READY
    iso = make_iso("boot-basic", cmdline="loglevel=debug")
    with Qemu(hv_args(iso, cpus=4, mem="256M"), name="hv") as vm:
        hit = vm.wait_for(READY, timeout=120)

make_iso() builds a GRUB2 ISO with the hypervisor (build/muxvisor.elf, which
`make` must have built), a given hypervisor command line and optional
Multiboot2 modules, and no menu delay; the same arguments give the same ISO,
reused across tests. QEMU runs as docs/architecture.md describes: TCG with
-cpu EPYC (software SVM with NPT), q35, serial console on stdio,
-no-reboot (so a reset ends QEMU: a test sees a triple fault as an exit).
"""
import hashlib
import os
import shutil
import subprocess

from qemu import ROOT

ELF = os.path.join(ROOT, "build", "muxvisor.elf")
ISO_DIR = os.path.join(ROOT, "build", "test-isos")

READY = r"^muxvisor: ready cpus=(\d+) mem=(\d+)M"
PANIC = r"^PANIC: (.*)$"


def make_iso(name, cmdline="", modules=(), elf=ELF):
    """Returns the path of an ISO booting the hypervisor with cmdline.
    modules: (path, module command line) pairs, loaded in order."""
    key = hashlib.sha256()
    for part in [cmdline, *[f"{p}\0{a}" for p, a in modules]]:
        key.update(part.encode() + b"\0")
    for path in [elf, *[p for p, _ in modules]]:
        key.update(str(os.stat(path).st_mtime_ns).encode())
    iso = os.path.join(ISO_DIR, f"{name}-{key.hexdigest()[:12]}.iso")
    if os.path.exists(iso):
        return iso
    root = os.path.join(ISO_DIR, f"{name}.root")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "boot", "grub"))
    shutil.copy(elf, os.path.join(root, "boot", "muxvisor.elf"))
    entry = [f"\tmultiboot2 /boot/muxvisor.elf {cmdline}"]
    for i, (path, args) in enumerate(modules):
        dest = f"/boot/mod{i}-{os.path.basename(path)}"
        shutil.copy(path, root + dest)
        entry.append(f"\tmodule2 {dest} {args}")
    with open(os.path.join(root, "boot", "grub", "grub.cfg"), "w") as f:
        f.write("set timeout=0\nserial --unit=0 --speed=115200\n"
                "terminal_output serial\nmenuentry \"test\" {\n"
                + "\n".join(entry) + "\n\tboot\n}\n")
    tmp = iso + ".tmp"
    subprocess.run(["grub-mkrescue", "-o", tmp, root], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.rename(tmp, iso)
    shutil.rmtree(root, ignore_errors=True)
    return iso


# The hypervisor keeps the boot CPU out of guests under QEMU's TCG
# (boot_cpu=auto, docs/development.md "Known emulator problems"): QEMU
# gets one CPU more than the cpus that run vCPUs.
BOOT_CPU = 1


def hv_args(iso, cpus=2, mem="256M", cpu="EPYC", extra=()):
    """QEMU arguments booting the ISO as the tests and `make run` do: cpus
    CPUs run vCPUs (`ready cpus=`), plus the boot CPU."""
    return ["-accel", "tcg", "-cpu", cpu, "-M", "q35", "-smp", str(cpus + BOOT_CPU),
            "-m", str(mem), "-cdrom", iso, "-display", "none",
            "-serial", "stdio", "-monitor", "none", "-no-reboot", *extra]


def mem_mib(mem):
    """'256M' / '4G' -> MiB."""
    n, unit = int(mem[:-1]), mem[-1].upper()
    return n * 1024 if unit == "G" else n


def dump_domains(vm, max_switches=16):
    """Diagnostics for a stuck run: moves the console input to the
    hypervisor (Ctrl-A three times, as often as needed) and asks it to list
    every domain and vCPU (the 'd' key); the lines land in the test log.
    Never raises."""
    import time
    try:
        for _ in range(max_switches):
            vm.send("\x01\x01\x01")
            time.sleep(0.3)
            if any("console input: hypervisor" in line for line in vm.lines[-20:]):
                break
        vm.send("d")
        time.sleep(1.5)
    except Exception:  # the VM may be gone; this is best effort
        pass
