#!/usr/bin/env python3
# timeout: 1200
# exclusive
"""Debian's unmodified kernel as a Muxvisor guest (issue 6).

Boots the Linux guest image (make linux-guest) as static domains:

  1. three Linux domains side by side on a 4-CPU host, with 1, 2 and 4
     vCPUs: each reaches guest-ready with the right nproc, plausible
     MemTotal and clocksource=kvm-clock, runs a command, has no platform
     warnings in its dmesg (WARNING, BUG, Call Trace, unstable clocksource),
     and powers off cleanly (the domain stops with reason "poweroff");
  2. a 1-vCPU Linux domain doing CPU work beside a 2-vCPU cpuburn with
     four times its weight on a 2-CPU host: its steal time (field 8 of
     /proc/stat's cpu line) rises;
  3. a guest reboot: the domain is destroyed and created again and the new
     one reaches guest-ready;
  4. console input: a command typed on the hypervisor's serial console
     runs in the guest's shell (ttyS0 both ways).
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qemu import GUEST_READY, ROOT, Qemu, QemuError, dmesg_problems  # noqa: E402
from muxvisor import READY, dump_domains, hv_args, make_iso  # noqa: E402
from report import report  # noqa: E402

KERNEL = os.path.join(ROOT, "build", "linux-guest", "bzImage")
INITRD = os.path.join(ROOT, "build", "linux-guest", "initramfs.cpio.gz")
BURN = os.path.join(ROOT, "build", "guest-kernels", "cpuburn.elf")
READY_RX = GUEST_READY.lstrip("^")


def build_image():
    r = subprocess.run(["make", "--no-print-directory", "linux-guest"], cwd=ROOT,
                       stdout=sys.stderr, stderr=sys.stderr)
    return r.returncode == 0 and os.path.exists(KERNEL) and os.path.exists(INITRD)


def linux_modules(name, vcpus, mem, args):
    return [(KERNEL, f"name={name} vcpus={vcpus} mem={mem}M console=ttyS0 quiet {args}"),
            (INITRD, f"initrd={name}")]


def domain_lines(lines, name):
    """The console lines of domain `name` (any id), without the prefix."""
    rx = re.compile(r"^\[d\d+ " + re.escape(name) + r"\] (.*)$")
    return [m.group(1) for m in map(rx.match, lines) if m]


def check_ready(lines, vcpus, mem_mib):
    for line in lines:
        m = re.match(READY_RX, line)
        if not m:
            continue
        nproc, mem_kb, cs = int(m.group(1)), int(m.group(2)), m.group(3)
        problems = []
        if nproc != vcpus:
            problems.append(f"nproc={nproc}, want {vcpus}")
        if not 0.6 * mem_mib * 1024 < mem_kb <= mem_mib * 1024:
            problems.append(f"mem_kb={mem_kb} implausible for {mem_mib} MiB")
        if cs != "kvm-clock":
            problems.append(f"clocksource={cs}, want kvm-clock")
        return problems
    return ["no guest-ready line"]


def side_by_side():
    shapes = [("lin1", 1, 160), ("lin2", 2, 192), ("lin4", 4, 256)]
    mods = []
    for name, vcpus, mem in shapes:
        mods += linux_modules(name, vcpus, mem,
                              'muxrun="nproc"')
    iso = make_iso("linux-side", cmdline="loglevel=info", modules=mods)
    try:
        with Qemu(hv_args(iso, cpus=4, mem="2G"), name="linux") as vm:
            vm.wait_for(READY, timeout=180)
            ended = set()
            try:
                while len(ended) < len(shapes):
                    hit = vm.wait_for(r"domain d\d+ '(lin\d)': (shut down|crashed)", timeout=600)
                    ended.add(hit.group(1))
            except QemuError:
                dump_domains(vm)
                raise
            lines = list(vm.lines)
    except QemuError as e:
        for name, _, _ in shapes:
            report(f"hv_linux_{name}_boots_and_powers_off", [str(e)])
        return
    for name, vcpus, mem in shapes:
        own = domain_lines(lines, name)
        problems = check_ready(own, vcpus, mem)
        problems += [f"dmesg: {p}" for p in dmesg_problems(own)]
        if not any(line.startswith("muxrun: exit=0") for line in own):
            problems.append("the command did not run")
        stop = [l for l in lines if re.search(rf"domain d\d+ '{name}': (shut down|crashed)", l)]
        if not stop or not stop[-1].endswith("shut down: poweroff"):
            problems.append(f"did not power off cleanly: {stop[-1] if stop else 'no stop line'}")
        report(f"hv_linux_{name}_{vcpus}vcpu_boots_and_powers_off", problems)


def steal_rises():
    work = 'muxrun="steal-probe 64"'
    # A quarter of burn's weight: lin is entitled to 0.4 of a CPU, so while
    # it computes it waits for one (steal) most of the time.
    mods = linux_modules("lin", 1, 160, "weight=64 " + work) + \
        [(BURN, "name=burn vcpus=2 mem=16M")]
    iso = make_iso("linux-steal", cmdline="loglevel=info", modules=mods)
    name = "hv_linux_steal_time_rises_beside_cpuburn"
    try:
        with Qemu(hv_args(iso, cpus=2, mem="1G"), name="steal") as vm:
            vm.wait_for(READY, timeout=180)
            before = int(vm.wait_for(r"\] steal-before=(\d+)", timeout=600).group(1))
            after = int(vm.wait_for(r"\] steal-after=(\d+)", timeout=600).group(1))
    except QemuError as e:
        report(name, [str(e)])
        return
    print(f"# steal before={before} after={after} (USER_HZ ticks)", file=sys.stderr)
    report(name, [] if after > before else [f"steal did not rise: {before} -> {after}"])


def reboot_and_input():
    mods = linux_modules("lin", 2, 192, "")
    iso = make_iso("linux-reboot", cmdline="loglevel=info", modules=mods)
    step = "first boot"
    try:
        with Qemu(hv_args(iso, cpus=2, mem="1G"), name="reboot") as vm:
            vm.wait_for(READY, timeout=180)
            vm.wait_for(READY_RX, timeout=600)
            step = "console input"
            vm.wait_for(r"muxguest# ", timeout=120, partial=True)
            vm.sendline("echo typed-$((6*7))")
            vm.wait_for(r"\[d\d+ lin\] typed-42$", timeout=120)
            report("hv_linux_console_input_reaches_ttyS0", [])
            step = "reboot"
            vm.sendline("reboot")
            vm.wait_for(r"domain d\d+ 'lin': rebooting", timeout=300)
            vm.wait_for(r"domain d\d+ 'lin': running", timeout=120)
            vm.wait_for(READY_RX, timeout=600)
            report("hv_linux_reboot_restarts_the_domain", [])
    except QemuError as e:
        if step != "reboot":
            report("hv_linux_console_input_reaches_ttyS0", [f"{step}: {e}"])
        report("hv_linux_reboot_restarts_the_domain", [f"{step}: {e}"])


def main():
    if not build_image():
        report("hv_linux_image", ["make linux-guest failed"])
        return
    side_by_side()
    steal_rises()
    reboot_and_input()


if __name__ == "__main__":
    main()
