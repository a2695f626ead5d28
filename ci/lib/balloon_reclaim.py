"""How fast the balloon moves memory between a Linux guest and the
hypervisor's pool, measured on the real hypervisor in QEMU without muxd:
the console's `:balloon <id> <size>` command sets the target, and the
hypervisor's `balloon: ... target_kib=` and `... reached target_kib=` lines
(stamped as they reach the host) time it. Used by `make bench-balloon`
(ci/bench/balloon.py).

One boot: a Linux domain with a 1 GiB ceiling, fully populated at start,
on a 2-CPU QEMU with 1.5 GiB. Free page reporting is off in the guest:
with it on, the guest gives its free memory back by itself within seconds
(free blocks of 2 MiB and more), so an inflate would mostly move pages that
are no longer backed, and the figure would be the driver's bookkeeping
rather than pages returned to the pool. `init_on_free=1` turns it off
(Linux's virtio_balloon drops reporting when the guest zeroes freed pages
and the device does not offer PAGE_POISON; docs/balloon.md); it also makes
the guest zero the pages a deflate gives it back, which the re-grant time
includes. (`page_reporting.page_reporting_order=11` does not: Debian's
6.1 still reported.) Each round inflates from the ceiling to LOW (reclaim)
and deflates back (re-grant).
"""
import os
import re
import subprocess
import sys

from qemu import GUEST_READY, ROOT, Qemu
from muxvisor import READY, dump_domains, hv_args, make_iso
from hv_console import HvConsole

KERNEL = os.path.join(ROOT, "build", "linux-guest", "bzImage")
INITRD = os.path.join(ROOT, "build", "linux-guest", "initramfs.cpio.gz")
CEIL_MIB, LOW_MIB = 1024, 192


def build():
    """None, or why the Linux guest image could not be made."""
    r = subprocess.run(["make", "--no-print-directory", "linux-guest"], cwd=ROOT,
                       stdout=sys.stderr, stderr=sys.stderr)
    if r.returncode or not (os.path.exists(KERNEL) and os.path.exists(INITRD)):
        return "make linux-guest failed"
    return None


def rate(mib, t0, t1):
    return mib / (t1 - t0) if t1 > t0 else float("inf")


def run(rounds=3, ceil_mib=CEIL_MIB, low_mib=LOW_MIB):
    """A list of rounds, each a dict: reclaim_mib (host free pages gained),
    reclaim_s, balloon_in_mib (balloon growth), regrant_mib (host free
    pages the guest took back), regrant_s."""
    mods = [(KERNEL, f"name=reclaim vcpus=1 mem={ceil_mib}M console=ttyS0 quiet "
                     "init_on_free=1"),
            (INITRD, "initrd=reclaim")]
    iso = make_iso("bench-balloon", cmdline="loglevel=info", modules=mods)
    out = []
    with Qemu(hv_args(iso, cpus=2, mem=f"{ceil_mib + 512}M"), name="reclaim") as vm:
        try:
            vm.wait_for(READY, timeout=180)
            vm.wait_for(GUEST_READY.lstrip("^"), timeout=900)
            vm.wait_for(r"muxguest# ", timeout=120, partial=True)
            con = HvConsole(vm)
            domid = next(iter(con.balloon_states()))
            for _ in range(rounds):
                s0 = con.balloon_states()[domid]
                t0, t1, r1 = con.set_target(domid, low_mib)
                s1 = con.balloon_states()[domid]
                t2, t3, r2 = con.set_target(domid, ceil_mib)
                s2 = con.balloon_states()[domid]
                out.append({
                    "reclaim_mib": (r1["host_free_kib"] - s0["host_free_kib"]) / 1024,
                    "balloon_in_mib": (s1["ballooned_kib"] - s0["ballooned_kib"]) / 1024,
                    "reclaim_s": t1 - t0,
                    "regrant_mib": (s1["host_free_kib"] - r2["host_free_kib"]) / 1024,
                    "regrant_s": t3 - t2,
                    "reported": s2["reported"] - s0["reported"],
                })
            # the guest is still alive and its memory intact
            con.focus_domain("reclaim")
            vm.sendline("memtest 64")
            hit = vm.wait_for(r"\[d\d+ reclaim\] memtest: ((?:PASS|FAIL).*)$", timeout=600)
            for r in out:
                r["memtest"] = hit.group(1)
        except Exception:
            dump_domains(vm)
            raise
    return out


def oom_kills(lines):
    """Console lines that say a guest's OOM killer ran."""
    return [l for l in lines if re.search(r"invoked oom-killer|Out of memory: Kill|oom-kill:", l)]
