#!/usr/bin/env python3
# timeout: 600
"""A hostile virtio-balloon driver beside a well-behaved domain (issue 8,
"Tests": bad PFNs, duplicates, floods: errors or stopped, others unharmed,
pool accounting exact afterwards).

Boots once: the test kernel hostile_balloon (guest-kernels/tests/
hostile_balloon/, 64 MiB, the static-domain words `balloon
on_crash=restart`) beside cpuburn and memtouch. The hostile guest runs its phases in
successive boots (the hypervisor destroys and re-creates it in between):
boot 0 reboots at once, boot 1 makes the acts a domain survives with a
checkpoint after each, boots 2-4 each send one request naming memory
outside its RAM, boot 5 passes and shuts down. At each checkpoint this
test reads the hypervisor's `balloon-state:` line (console command
`:balloon`, docs/balloon.md) and compares it with the one before; then it
sets a new target, which lets the guest go on. Checks:

  1. legit: inflating 16 MiB moves exactly that many pages from populated
     to ballooned and the pool's free count rises by exactly that, less
     the nested page-table pages the split took; deflating brings it back
     exactly; the guest sees zeroed pages;
  2. duplicates (P twice, one PFN four times): counted as ignored, only
     the 17 distinct pages ballooned;
  3. deflate of pages not in the balloon: ignored, nothing else moves;
  4. report of a range half in the balloon, twice: the ballooned half
     ignored (both times), the other half dropped once (the second report
     of it changes nothing);
  5. malformed buffers (6 bytes, 4097 PFNs, an 11-byte stats buffer, a
     PFN array past the end of RAM, an available index 200 ahead):
     the device stops (DEVICE_NEEDS_RESET, seen by the guest), nothing is
     taken, the domain runs on and the device works after a reset;
  6. own rings: the guest inflates the pages of its own request (PFN
     array, descriptors, available and used ring): the buffer comes back,
     the device stops on the zeroed ring, and all four pages come back as
     fresh pages when touched (by the device, then by the guest, which
     must not see the old contents: no stale TLB entry);
  7. TLB: a page the second vCPU keeps reading (no exits) is inflated by
     the first; its next read must find a fresh zeroed page (the shoot-down
     kicked it), and the page counts as touched;
  8. flood (notifications of an empty queue, full queues of duplicates):
     every buffer served, the device still works, nothing but `ignored`
     moves;
  9. outside RAM (inflate, deflate, report): the domain is crashed with
     the reason naming the PFN or range;
 10. pool: populated + ballooned + dropped = ceiling at every checkpoint,
     and the free-page count after each of the hostile domain's six
     destroys is the same (the first comes before any act);
 11. the neighbours: cpuburn (its registers) and memtouch with rounds=0
     (its memory, written and verified over and over) keep reporting
     throughout and afterwards, are still running, and never report a
     wrong result;
 12. memtouch is itself a balloon domain started pre-ballooned
     (mem_target=16M of 32M) with no balloon driver: it sees the ceiling,
     and every page above the target it touches is populated on touch
     (counted as refaulted). Boot 0 of the hostile domain waits at a
     checkpoint until memtouch has touched everything, so that the pool
     no longer moves when the baseline is taken.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qemu import ROOT, Qemu, QemuError  # noqa: E402
from muxvisor import READY, dump_domains, hv_args, make_iso  # noqa: E402
from guest_results import Outcome, parse_counters  # noqa: E402
from report import report  # noqa: E402

GUEST = os.path.join(ROOT, "build", "guest-kernels", "hostile_balloon.elf")
BURN = os.path.join(ROOT, "build", "guest-kernels", "cpuburn.elf")
MEMTOUCH = os.path.join(ROOT, "build", "guest-kernels", "memtouch.elf")
MEM_MIB, LEGIT_MIB = 64, 16
MT_MIB, MT_TARGET_MIB = 32, 16
FLOOD_ROUNDS = 8
STATE_RX = r"balloon-state: d(\d+) 'hb' (.* stats_updates=\d+)$"
CHECKPOINT_RX = r"\[d\d+ hb\] hostile_balloon: checkpoint %d "
COUNTERS = ("inflated", "deflated", "reported", "touched", "refaulted", "ignored", "pinned")
PAGE_KIB = 4
NEIGHBOURS = [("burn", "units"), ("mt", "rounds")]
REASONS = [
    r"balloon inflate of PFN 0x%x outside its RAM" % (MEM_MIB << 8),
    r"balloon deflate of PFN 0x7fffffff outside its RAM",
    r"balloon free page report of 0x%x\+0x2000 outside its RAM" % ((MEM_MIB << 20) - 4096),
]
MALFORMED = ["odd_length", "too_long", "stats_partial", "buffer_outside_ram", "ring_overrun"]
GUEST_CASES = ["driver", "legit", "duplicates", "deflate_absent", "report_ballooned",
               "own_rings", "tlb_race", "flood"] + MALFORMED
NAMES = ["legit_inflate_deflate_exact", "duplicates_ignored", "deflate_absent_ignored",
         "report_ballooned_skipped", "malformed_buffers_stop_device", "own_rings_touch_back",
         "tlb_race_fresh_page", "flood_served_bounded",
         "outside_ram_crashes", "pool_exact_after_destroy", "neighbour_unharmed",
         "guest_results", "preballooned_test_kernel_touch_populates"]


class Console:
    """The hypervisor's console. Domains with a balloon have consoles that
    take the input focus (the hostile one after each of its creations);
    Ctrl-A three times moves it to the next one or to the hypervisor,
    which answers `:balloon` commands."""

    def __init__(self, vm):
        self.vm = vm
        self.domid = None

    def to_hv(self):
        for _ in range(8):
            self.vm.send("\x01\x01\x01")
            hit = self.vm.wait_for(r"console input: (hypervisor|domain)", timeout=60)
            if hit.group(1) == "hypervisor":
                return
        raise QemuError("the console input never came back to the hypervisor")

    def state(self, name="hb"):
        """A domain's newest balloon-state line as a dict of ints, after
        asking for all of them (the hostile domain's comes last)."""
        self.vm.send(":balloon\r")
        self.domid = int(self.vm.wait_for(STATE_RX, timeout=60).group(1))
        line = [l for l in list(self.vm.lines)
                if re.search(r"balloon-state: d\d+ '%s' " % name, l)][-1]
        fields = dict(kv.split("=") for kv in line.split("' ", 1)[1].split())
        return {k: int(v) for k, v in fields.items()}

    def target(self, kib):
        self.vm.send(f":balloon {self.domid} {kib}K\r")


def exact(s):
    total = s["populated_kib"] + s["ballooned_kib"] + s["dropped_kib"]
    if total != s["ram_kib"]:
        return [f"populated+ballooned+dropped={total} KiB != ceiling {s['ram_kib']} KiB"]
    return []


def moved(a, b, want, what):
    """Problems if any figure moved differently from want (KiB or counts;
    unnamed figures must not move). host_free_kib is judged with the
    nested page-table pages: free + populated + tables is constant."""
    problems = exact(b)
    for k in ("populated_kib", "ballooned_kib", "dropped_kib") + COUNTERS:
        d = b[k] - a[k]
        if d != want.get(k, 0):
            problems.append(f"{what}: {k} moved by {d}, want {want.get(k, 0)}")
    pool = (b["host_free_kib"] - a["host_free_kib"]) + (b["populated_kib"] - a["populated_kib"]) \
        + (b["npt_tables_kib"] - a["npt_tables_kib"])
    if pool != 0:
        problems.append(f"{what}: free + populated + NPT tables moved by {pool} KiB "
                        f"(free {a['host_free_kib']} -> {b['host_free_kib']})")
    return problems


def pages(n):
    return n * PAGE_KIB


def preballooned(vm, con, results):
    """Boot 0's checkpoint, once memtouch (pre-ballooned: mem_target=16M of
    a 32M ceiling, no balloon driver) has touched all its RAM: every page
    above the target was populated on touch (refaulted), except the boot
    area pages nobody writes; then the hostile domain may go on."""
    vm.wait_for(CHECKPOINT_RX % 0, timeout=180)
    vm.wait_for(r"\[d\d+ mt\] counter rounds=", timeout=180)
    con.to_hv()
    mt = con.state("mt")
    con.target(MEM_MIB * 1024 - PAGE_KIB)
    above = MT_MIB * 1024 - MT_TARGET_MIB * 1024
    problems = exact(mt)
    if (mt["ram_kib"], mt["target_kib"]) != (MT_MIB * 1024, MT_TARGET_MIB * 1024):
        problems.append(f"ceiling {mt['ram_kib']} KiB / target {mt['target_kib']} KiB")
    if mt["ballooned_kib"] != 0 or not 0 <= mt["dropped_kib"] < 64:
        problems.append(f"ballooned {mt['ballooned_kib']} KiB, dropped {mt['dropped_kib']} KiB "
                        f"(want 0 and only untouched boot-area pages)")
    if pages(mt["refaulted"]) + mt["dropped_kib"] != above:
        problems.append(f"refaulted {mt['refaulted']} pages + dropped {mt['dropped_kib']} KiB "
                        f"!= the {above} KiB above the target")
    shown = [l for l in vm.lines if re.search(r"\[d\d+ mt\] rt: memtouch .* %d MiB" % MT_MIB, l)]
    if not shown:
        problems.append(f"memtouch did not see its {MT_MIB} MiB ceiling")
    results["preballooned_test_kernel_touch_populates"] = problems


def survivable(vm, con, results):
    """Boot 1: the checkpoints, each judged against the one before."""
    vm.wait_for(CHECKPOINT_RX % 1, timeout=180)
    con.to_hv()
    s0 = con.state()
    legit = LEGIT_MIB * 1024
    con.target((MEM_MIB - LEGIT_MIB) * 1024)
    vm.wait_for(CHECKPOINT_RX % 2, timeout=120)
    s1 = con.state()
    problems = moved(s0, s1, {"populated_kib": -legit, "ballooned_kib": legit,
                              "inflated": legit // PAGE_KIB}, "inflate")
    rise = s1["host_free_kib"] - s0["host_free_kib"]
    print(f"# inflate {legit} KiB: host free +{rise} KiB, NPT tables "
          f"+{s1['npt_tables_kib'] - s0['npt_tables_kib']} KiB", file=sys.stderr)
    con.target(MEM_MIB * 1024)
    vm.wait_for(CHECKPOINT_RX % 3, timeout=120)
    s2 = con.state()
    problems += moved(s1, s2, {"populated_kib": legit, "ballooned_kib": -legit,
                               "deflated": legit // PAGE_KIB}, "deflate")
    if s2["host_free_kib"] - s1["host_free_kib"] != -legit:
        problems.append(f"deflate: host free moved by {s2['host_free_kib'] - s1['host_free_kib']}"
                        f" KiB, want -{legit}")
    results["legit_inflate_deflate_exact"] = problems

    # Later targets only release the guest: num_pages = k for step k.
    steps = [
        (4, "duplicates_ignored",
         {"populated_kib": -pages(17), "ballooned_kib": pages(17), "inflated": 17, "ignored": 19}),
        (5, "deflate_absent_ignored", {"ignored": 8}),
        (6, "report_ballooned_skipped",
         {"populated_kib": -pages(16), "dropped_kib": pages(16), "reported": 16, "ignored": 32}),
        (7, "odd_length", {}),
        (8, "too_long", {}),
        (9, "stats_partial", {}),
        (10, "buffer_outside_ram", {}),
        (11, "ring_overrun", {}),
        # 4 pages inflated; each comes back by a touch: the used ring by the
        # device's write, the available ring by its read, the descriptors
        # and the PFN array by the guest's reads (no stale TLB entry).
        (12, "own_rings_touch_back", {"inflated": 4, "touched": 4}),
        # A page vCPU 1 keeps reading is inflated; its next read touches it
        # back (and sees a fresh page: the guest's tlb_race result).
        (13, "tlb_race_fresh_page", {"inflated": 1, "touched": 1}),
        (14, "flood_served_bounded",
         {"populated_kib": -pages(1), "ballooned_kib": pages(1), "inflated": 1,
          "ignored": FLOOD_ROUNDS * 128 * 256}),
    ]
    prev, malformed = s2, []
    for k, name, want in steps:
        con.target(MEM_MIB * 1024 - k * PAGE_KIB)
        vm.wait_for(CHECKPOINT_RX % k, timeout=180)
        s = con.state()
        problems = moved(prev, s, want, name)
        if name in MALFORMED:
            malformed += problems
        else:
            results[name] = problems
        prev = s
    for act in MALFORMED:
        seen = [l for l in vm.lines if re.search(rf"\[d\d+ hb\] hostile_balloon: {act}: ", l)]
        m = re.search(r"-> status 0x([0-9a-f]+)(.*)$", seen[-1]) if seen else None
        if not m or not int(m.group(1), 16) & 0x40 or m.group(2):
            malformed.append(f"{act}: the guest did not see the device stop without "
                             f"returning the buffer: {seen[-1] if seen else 'no line'}")
    results["malformed_buffers_stop_device"] = malformed
    con.target(MEM_MIB * 1024 - 15 * PAGE_KIB)        # boot 1 reboots


def judge_end(lines, results):
    hb = Outcome(lines, "hb")
    crashes = [m.group(1) for m in
               (re.search(r"domain d\d+ 'hb': crashed, restarting: (.*)$", l) for l in lines) if m]
    problems = []
    if len(crashes) != len(REASONS):
        problems.append(f"{len(crashes)} crashes, want {len(REASONS)}: {crashes}")
    for got, want in zip(crashes, REASONS):
        if not re.search(want, got):
            problems.append(f"crash reason {got!r}, want /{want}/")
    results["outside_ram_crashes"] = problems

    free = [int(m.group(1)) for m in
            (re.search(r"domain d\d+ 'hb': destroyed, \d+ pages returned, (\d+) pages free", l)
             for l in lines) if m]
    problems = []
    if len(free) != 6:
        problems.append(f"{len(free)} destroys of the hostile domain seen, want 6")
    if len(set(free)) > 1:
        problems.append(f"free pages after the destroys: {free} (the first is before any act)")
    results["pool_exact_after_destroy"] = problems

    want = {f"hostile_balloon.{c}" for c in GUEST_CASES} | {"hostile_balloon"}
    got = {r.name for r in hb.results if r.kind == "PASS"}
    problems = [r.line for r in hb.results if r.kind != "PASS"]
    if want - got:
        problems.append(f"no PASS for {sorted(want - got)}")
    if hb.state != "shut down" or hb.exit_code != 0:
        problems.append(f"the last boot ended {hb.state!r} (exit {hb.exit_code})")
    results["guest_results"] = problems


def judge_neighbour(lines, before, results):
    """Both neighbours are still running, never reported a wrong result,
    and went on counting after the hostile domain's last destroy."""
    problems = []
    for name, counter in NEIGHBOURS:
        out = Outcome(lines, name)
        counts = parse_counters(lines, name).get(counter, [])
        problems += [r.line for r in out.results if r.kind != "PASS"]
        if out.state != "running":
            problems.append(f"{name} is {out.state!r}, want running")
        if len(counts) <= before[name]:
            problems.append(f"{name} did not report {counter} after the hostile domain's "
                            f"last destroy")
        if any(b <= a for a, b in zip(counts, counts[1:])):
            problems.append(f"{name}'s {counter} count went backwards or stood still")
    if any("PANIC" in l for l in lines):
        problems.append("the hypervisor panicked")
    results["neighbour_unharmed"] = problems


def run():
    mods = [(BURN, "name=burn vcpus=1 mem=16M"),
            (MEMTOUCH, f"name=mt vcpus=1 mem={MT_MIB}M balloon mem_target={MT_TARGET_MIB}M "
                       "rounds=0"),
            (GUEST, f"name=hb vcpus=2 mem={MEM_MIB}M balloon on_crash=restart "
                    f"flood_rounds={FLOOD_ROUNDS}")]
    iso = make_iso("balloon-hostile", cmdline="loglevel=info", modules=mods)
    results = {}
    with Qemu(hv_args(iso, cpus=2, mem="256M"), name="balloon-hostile") as vm:
        try:
            vm.wait_for(READY, timeout=180)
            con = Console(vm)
            preballooned(vm, con, results)
            survivable(vm, con, results)
            vm.wait_for(r"domain d\d+ 'hb': destroyed, .* pages free", timeout=60)
            vm.wait_for(r"domain d\d+ 'hb': shut down", timeout=180)
            vm.wait_for(r"domain d\d+ 'hb': destroyed, .* pages free", timeout=60)
            before = {n: len(parse_counters(list(vm.lines), n).get(c, []))
                      for n, c in NEIGHBOURS}
            for n, c in NEIGHBOURS:
                counted = len(parse_counters(list(vm.lines), n).get(c, []))
                if counted <= before[n]:
                    vm.wait_for(rf"\[d\d+ {n}\] counter {c}=", timeout=120)
            lines = list(vm.lines)
            judge_end(lines, results)
            judge_neighbour(lines, before, results)
        except QemuError as e:
            dump_domains(vm)
            for n in NAMES:
                if n not in results:
                    results[n] = [str(e)]
    for n in NAMES:
        report("hv_balloon_hostile_" + n, results.get(n, ["not reached"]))


def main():
    missing = [p for p in (GUEST, BURN, MEMTOUCH) if not os.path.exists(p)]
    if missing:
        for n in NAMES:
            report("hv_balloon_hostile_" + n, [f"missing {', '.join(missing)} (make)"])
        return
    run()


if __name__ == "__main__":
    main()
