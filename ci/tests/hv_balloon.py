#!/usr/bin/env python3
# timeout: 1500
# exclusive
"""virtio-balloon for Linux customer domains (issue 8, hypervisor part).

Boots once: one Linux domain (the guest image, Debian's virtio_balloon
driver) with a 448 MiB ceiling, started pre-ballooned at mem_target=384M,
on a 2-CPU host with 1 GiB. The hypervisor's console command
`:balloon [<id> <size>]` (docs/balloon.md) sets targets and prints
`balloon-state:` lines, which this test parses. Checks:

  1. pre-ballooned start: the guest sees the ceiling (MemTotal), its driver
     inflates to the start target, the domain never holds more populated
     pages than the target plus what it had touched before the driver ran,
     and free page reporting drops pages;
  2. inflate to 192 MiB after the guest wrote and freed 128 MiB (so it had
     more populated than that): the balloon grows by exactly 192 MiB, the
     pool's free pages rise by at least what was populated above the target
     (free + populated + NPT tables constant: what the guest gives back is
     in the pool at once), populated + ballooned + dropped == ceiling;
  3. the guest's memory test passes while ballooned;
  4. deflate to 384 MiB: the balloon shrinks by exactly that and exactly
     that many pages are mapped back at once, so the pool's free pages fall
     by them, less what the guest reports free again meanwhile; accounting
     still exact; memory test passes;
  5. the guest's statistics arrive (total memory as the guest sees it);
  6. deflate-on-OOM: at a 128 MiB target the guest writes 160 MiB to tmpfs;
     the driver takes pages back from the balloon instead of the OOM killer
     killing anything, and the write completes;
  7. the domain is still running and powers off cleanly; no kernel
     warnings in its dmesg.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qemu import GUEST_READY, ROOT, Qemu, QemuError, dmesg_problems  # noqa: E402
from muxvisor import READY, dump_domains, hv_args, make_iso  # noqa: E402
from hv_console import HvConsole  # noqa: E402
from report import report  # noqa: E402

KERNEL = os.path.join(ROOT, "build", "linux-guest", "bzImage")
INITRD = os.path.join(ROOT, "build", "linux-guest", "initramfs.cpio.gz")
READY_RX = GUEST_READY.lstrip("^")
CEIL_MIB, START_MIB, LOW_MIB, OOM_MIB, FILL_MIB, HOLD_MIB = 448, 384, 192, 128, 160, 128
PROMPT = r"muxguest# "
TOL_KIB = 256          # hypervisor allocations besides the domain's (logs, ...)


def build_image():
    r = subprocess.run(["make", "--no-print-directory", "linux-guest"], cwd=ROOT,
                       stdout=sys.stderr, stderr=sys.stderr)
    return r.returncode == 0 and os.path.exists(KERNEL) and os.path.exists(INITRD)


def lin_state(con):
    """The balloon-state of the one domain, 'lin': (its id, {field: int})."""
    states = con.balloon_states(settle=0)
    if len(states) != 1:
        raise QemuError(f"balloon-state lines for {len(states)} domains, want 1 (lin)")
    return next(iter(states.items()))


def guest(con, vm, command, result_rx, timeout=600):
    """Runs command in lin's shell; returns the hit of its result line."""
    con.focus_domain("lin")
    vm.sendline(command)
    return vm.wait_for(r"\[d\d+ lin\] " + result_rx, timeout=timeout)


def exact(s):
    """Accounting problems in one state (all in KiB)."""
    total = s["populated_kib"] + s["ballooned_kib"] + s["dropped_kib"]
    if total != s["ram_kib"]:
        return [f"populated+ballooned+dropped={total} KiB != ram {s['ram_kib']} KiB"]
    return []


def pool_identity(before, after):
    """free + populated + NPT tables stays constant: what the domain gives
    back is in the pool, and nothing else moved."""
    b = before["host_free_kib"] + before["populated_kib"] + before["npt_tables_kib"]
    a = after["host_free_kib"] + after["populated_kib"] + after["npt_tables_kib"]
    return [] if abs(a - b) <= TOL_KIB else [f"free+populated+tables moved by {a - b} KiB"]


def check_start(s0, lines):
    problems = exact(s0)
    ready = [l for l in lines if re.search(READY_RX, l)]
    if not ready:
        return problems + ["no guest-ready line"]
    mem_kb = int(re.search(READY_RX, ready[0]).group(2))
    if not 0.8 * CEIL_MIB * 1024 < mem_kb <= CEIL_MIB * 1024:
        problems.append(f"MemTotal {mem_kb} kB does not show the {CEIL_MIB} MiB ceiling")
    if s0["target_kib"] != START_MIB * 1024:
        problems.append(f"target {s0['target_kib']} KiB")
    if s0["ballooned_kib"] != (CEIL_MIB - START_MIB) * 1024:
        problems.append(f"ballooned {s0['ballooned_kib']} KiB, want {(CEIL_MIB - START_MIB) * 1024}")
    if s0["populated_kib"] > START_MIB * 1024:
        problems.append(f"populated {s0['populated_kib']} KiB above the start target")
    return problems


def check_inflate(s0, s1):
    want = (START_MIB - LOW_MIB) * 1024
    problems = exact(s1) + pool_identity(s0, s1)
    if s1["ballooned_kib"] - s0["ballooned_kib"] != want:
        problems.append(f"balloon grew by {s1['ballooned_kib'] - s0['ballooned_kib']} KiB, want {want}")
    if s1["populated_kib"] > LOW_MIB * 1024:
        problems.append(f"populated {s1['populated_kib']} KiB above the target")
    rise = s1["host_free_kib"] - s0["host_free_kib"]
    given = s0["populated_kib"] - s1["populated_kib"]
    print(f"# inflate: host free +{rise} KiB, populated -{given} KiB, ballooned "
          f"+{s1['ballooned_kib'] - s0['ballooned_kib']} KiB, dropped "
          f"{s0['dropped_kib']} -> {s1['dropped_kib']} KiB", file=sys.stderr)
    # The guest had HOLD_MIB more populated (freed just before): whatever
    # was populated above the new target is back in the pool, by inflation
    # or by free page reporting.
    if rise < s0["populated_kib"] - LOW_MIB * 1024 - TOL_KIB:
        problems.append(f"host free pages rose by {rise} KiB, want at least "
                        f"{s0['populated_kib'] - LOW_MIB * 1024}")
    return problems


def check_deflate(s1, s2):
    want = (START_MIB - LOW_MIB) * 1024
    problems = exact(s2) + pool_identity(s1, s2)
    if s1["ballooned_kib"] - s2["ballooned_kib"] != want:
        problems.append(f"balloon shrank by {s1['ballooned_kib'] - s2['ballooned_kib']} KiB, want {want}")
    if (s2["deflated"] - s1["deflated"]) * 4 != want:
        problems.append(f"{s2['deflated'] - s1['deflated']} pages mapped back, want {want // 4}")
    # Deflated pages are populated at once; the guest may report some of
    # them free again (dropped) before the balloon is done.
    fall = s1["host_free_kib"] - s2["host_free_kib"]
    rereported = (s2["reported"] - s1["reported"]) * 4
    print(f"# deflate: host free -{fall} KiB, reported again {rereported} KiB", file=sys.stderr)
    if fall + rereported < want - TOL_KIB:
        problems.append(f"host free pages fell by {fall} KiB (+{rereported} KiB reported "
                        f"again), want about {want}")
    return problems


def run():
    mods = [(KERNEL, f"name=lin vcpus=2 mem={CEIL_MIB}M mem_target={START_MIB}M "
                     "console=ttyS0 quiet"),
            (INITRD, "initrd=lin")]
    iso = make_iso("balloon", cmdline="loglevel=info", modules=mods)
    names = ["hv_balloon_preballooned_start", "hv_balloon_inflate_returns_pages_to_pool",
             "hv_balloon_memtest_while_ballooned", "hv_balloon_deflate_repopulates",
             "hv_balloon_guest_statistics", "hv_balloon_deflate_on_oom",
             "hv_balloon_guest_healthy_and_powers_off"]
    with Qemu(hv_args(iso, cpus=2, mem="1G"), name="balloon") as vm:
        try:
            return steps(vm)
        except QemuError as e:
            dump_domains(vm)
            done = {l.split()[1].rstrip(":") for l in RESULTS}
            for n in names:
                if n not in done:
                    report(n, [str(e)])
            return None


RESULTS = []


def emit(name, problems):
    RESULTS.append(("PASS " if not problems else "FAIL ") + name)
    report(name, problems)


def steps(vm):
    vm.wait_for(READY, timeout=180)
    # The driver may reach the start target before or after guest-ready.
    reached = r"balloon: d\d+ 'lin' reached target_kib=%d " % (START_MIB * 1024)
    seen = set()
    while len(seen) < 2:
        hit = vm.wait_for(f"{reached}|{READY_RX}", timeout=900)
        seen.add("reached" if re.search(reached, hit.line) else "ready")
    con = HvConsole(vm)
    vm.wait_for(PROMPT, timeout=120, partial=True)
    time.sleep(5)                       # let free page reporting run
    guest(con, vm, f"dd if=/dev/zero of=/dev/shm/hold bs=1M count={HOLD_MIB} 2>/dev/null; "
          "echo held=$?", r"held=(\d+)$")
    domid, s0 = lin_state(con)
    problems = check_start(s0, list(vm.lines))
    if s0["reported"] == 0:
        problems.append("no free page was reported")
    emit("hv_balloon_preballooned_start", problems)
    guest(con, vm, "rm /dev/shm/hold; echo freed=$?", r"freed=(\d+)$")

    con.set_target(domid, LOW_MIB, timeout=600)
    _, s1 = lin_state(con)
    emit("hv_balloon_inflate_returns_pages_to_pool", check_inflate(s0, s1))

    hit = guest(con, vm, "memtest 32", r"memtest: ((?:PASS|FAIL).*)$")
    emit("hv_balloon_memtest_while_ballooned",
         [] if hit.group(1).startswith("PASS") else [hit.group(1)])

    _, s1 = lin_state(con)              # after the memory test's touches
    con.set_target(domid, START_MIB, timeout=600)
    _, s2 = lin_state(con)
    problems = check_deflate(s1, s2)
    hit = guest(con, vm, "memtest 32", r"memtest: ((?:PASS|FAIL).*)$")
    if not hit.group(1).startswith("PASS"):
        problems.append(f"memtest after deflate: {hit.group(1)}")
    emit("hv_balloon_deflate_repopulates", problems)

    time.sleep(2)
    lin_state(con)                       # asked for fresh statistics
    time.sleep(2)
    _, st = lin_state(con)
    problems = []
    if st["stats_updates"] < 2:
        problems.append(f"stats_updates={st['stats_updates']}")
    if not 0.8 * CEIL_MIB * 1024 < st["guest_total_kib"] <= CEIL_MIB * 1024:
        problems.append(f"guest_total_kib={st['guest_total_kib']}")
    if not 0 < st["guest_free_kib"] < st["guest_total_kib"]:
        problems.append(f"guest_free_kib={st['guest_free_kib']}")
    emit("hv_balloon_guest_statistics", problems)

    con.set_target(domid, OOM_MIB, timeout=600)
    _, s3 = lin_state(con)
    hit = guest(con, vm, f"dd if=/dev/zero of=/dev/shm/fill bs=1M count={FILL_MIB} 2>/dev/null; "
                "echo dd-exit=$?", r"dd-exit=(\d+)$", timeout=900)
    _, s4 = lin_state(con)
    problems = exact(s4)
    if hit.group(1) != "0":
        problems.append(f"dd exit {hit.group(1)}")
    oom = [l for l in vm.lines if re.search(r"Out of memory|oom-kill|invoked oom-killer", l)]
    if oom:
        problems.append(f"OOM killer ran: {oom[0]}")
    print(f"# deflate-on-oom: ballooned {s3['ballooned_kib']} -> {s4['ballooned_kib']} KiB",
          file=sys.stderr)
    if s3["ballooned_kib"] - s4["ballooned_kib"] < 32 * 1024:
        problems.append(f"the balloon gave back only {s3['ballooned_kib'] - s4['ballooned_kib']} KiB")
    emit("hv_balloon_deflate_on_oom", problems)

    guest(con, vm, "rm -f /dev/shm/fill; dmesg-check", r"dmesg-check: count=(\d+)$")
    own = [re.sub(r"^\[d\d+ lin\] ", "", l) for l in vm.lines if re.match(r"\[d\d+ lin\] ", l)]
    problems = [f"dmesg: {p}" for p in dmesg_problems(own)]
    con.focus_domain("lin")
    vm.sendline("poweroff")
    stop = vm.wait_for(r"domain d\d+ 'lin': (shut down|crashed).*$", timeout=300)
    if not stop.line.endswith("shut down: poweroff"):
        problems.append(stop.line)
    emit("hv_balloon_guest_healthy_and_powers_off", problems)


def main():
    if not build_image():
        report("hv_balloon_image", ["make linux-guest failed"])
        return
    run()


if __name__ == "__main__":
    main()
