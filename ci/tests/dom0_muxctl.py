#!/usr/bin/env python3
# timeout: 1500
# exclusive
"""dom0's control stack against the real hypervisor (issue 7).

dom0 is the project's Linux guest image booted as dom0 (its module line
starts with the word dom0; docs/dom0.md), with its initramfs extended by
muxvisor.ko, muxctl, two test kernels and the scripts in
ci/tests/dom0_muxctl/; dom0 runs dom0-test.sh as its muxrun command. Beside
it runs 'cust', an unprivileged Linux domain with a shell on its console.
The script runs muxctl step by step and prints each step's output and exit
code; this side judges them:

  the module loads (and says so), /dev/muxvisor is root's only; info; list
  and top of the static domains; cust's console read, and a line typed into
  it answered; create test-kernel domains (one started paused); list
  (table, -H, --json); pause/unpause; sched get/set, a reservation out of
  range and one admission control refuses, with exit code 3 and the field
  named, nothing changed by them; a created domain's console; top per
  domain and per vCPU; a mapping of a domain's page reads a counter the
  guest keeps raising; events; bad arguments refused by muxctl and by the
  hypervisor with their exit codes and fields, nothing changed; destroy
  (twice: exit code 2), one while a process maps it (that process gets
  SIGBUS, reported; dom0 carries on); a Linux domain (bzImage + initrd) created from
  dom0, pre-ballooned (160 of 192 MiB), boots with its vCPUs; balloon calls
  on domains without a balloon and bad targets refused (exit 3, the field
  named); its balloon set to 128 MiB: reached exactly, populated falls (never
  above the target), the host's free memory rises by what it gave back, list
  (table, --json), top and `muxctl balloon` show it, the guest's memory test
  passes; back to 192 MiB: the balloon empties; free memory back where it
  was. cust tries to
  load the module: it refuses with one clear line.

A check whose steps met a call the hypervisor answers -ENOSYS (not
implemented yet) reports SKIP naming the call; it never passes.
"""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from qemu import ROOT, Qemu, QemuError  # noqa: E402
from muxvisor import PANIC, READY, dump_domains, hv_args, make_iso  # noqa: E402
from report import report  # noqa: E402

GUEST = os.path.join(ROOT, "build", "linux-guest")
DOM0 = os.path.join(ROOT, "build", "dom0")
KERNELS = os.path.join(ROOT, "build", "guest-kernels")
WORK = os.path.join(ROOT, "build", "dom0-muxctl-test")
RECIPE = os.path.join(ROOT, "guest-kernels", "linux")


def symbol(elf, name):
    out = subprocess.run(["nm", elf], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        words = line.split()
        if len(words) == 3 and words[2] == name:
            return int(words[0], 16)
    raise RuntimeError(f"{name} not in {elf}")


def build_initrd():
    """The guest initramfs plus an archive with the module, muxctl, test kernels."""
    subprocess.run(["make", "--no-print-directory", "dom0-bins"], cwd=ROOT, check=True,
                   stdout=sys.stderr)
    root = os.path.join(WORK, "overlay")
    shutil.rmtree(root, ignore_errors=True)
    for d in ("opt/mux", "usr/bin"):
        os.makedirs(os.path.join(root, d))
    shutil.copy(os.path.join(DOM0, "muxvisor.ko"), os.path.join(root, "opt/mux"))
    for k in ("hello.elf", "cpuburn.elf"):
        shutil.copy(os.path.join(KERNELS, k), os.path.join(root, "opt/mux"))
    with open(os.path.join(root, "opt/mux/burn-units-addr"), "w") as f:
        f.write(hex(symbol(os.path.join(KERNELS, "cpuburn.elf"), "per_cpu")) + "\n")
    # a Linux guest for dom0 to create: the plain guest image
    shutil.copy(os.path.join(GUEST, "bzImage"), os.path.join(root, "opt/mux"))
    shutil.copy(os.path.join(GUEST, "initramfs.cpio.gz"), os.path.join(root, "opt/mux"))
    shutil.copy(os.path.join(DOM0, "muxctl"), os.path.join(root, "usr/bin/muxctl"))
    for script in ("dom0-test", "cust-test"):
        shutil.copy(os.path.join(HERE, "dom0_muxctl", script + ".sh"),
                    os.path.join(root, "usr/bin", script))
    overlay = os.path.join(WORK, "overlay.cpio.gz")
    subprocess.run([os.path.join(RECIPE, "pack-initramfs.sh"), root, overlay], check=True)
    # One gzip stream holding both cpio archives (Linux unpacks concatenated
    # archives): GRUB's module2 decompresses a gzip module itself and keeps
    # only one member of a multi-member file.
    initrd = os.path.join(WORK, "initramfs.cpio.gz")
    with gzip.open(initrd, "wb", compresslevel=6) as out:
        for part in (os.path.join(GUEST, "initramfs.cpio.gz"), overlay):
            with gzip.open(part, "rb") as f:
                shutil.copyfileobj(f, out)
    return initrd


def domain_lines(lines, name):
    """The console lines of domain name. The hypervisor shows a line that
    stalled for 250 ms unfinished and prints it again when it is complete:
    an unfinished line followed closely by its completion is dropped."""
    rx = re.compile(r"^\[d\d+ " + re.escape(name) + r"\] (.*)$")
    # a whole step line is never taken for an unfinished one ("step: top"
    # before "step: top-json"); an unfinished "step: x" is harmless, the
    # next step line restarts the parse
    whole = re.compile(r"^(step: \S+|step-rc: \S+ \d+)$")
    out = []
    for m in map(rx.match, lines):
        if not m:
            continue
        text = m.group(1)
        for back in (1, 2):
            prev = out[-back] if len(out) >= back else ""
            if prev and not whole.match(prev) and text.startswith(prev):
                del out[-back]
                break
        out.append(text)
    return out


def parse_steps(lines):
    """{step: (output lines, exit code)} from dom0-test.sh's output."""
    steps, cur, out = {}, None, []
    for line in lines:
        m = re.match(r"^step: (\S+)$", line)
        if m:
            cur, out = m.group(1), []
            continue
        m = re.match(r"^step-rc: (\S+) (\d+)$", line)
        if m and m.group(1) == cur:
            steps[cur] = (out, int(m.group(2)))
            cur = None
            continue
        if cur:
            out.append(line)
    return steps


UNSUPPORTED = re.compile(r"muxctl: ([a-z ]+): not supported by this hypervisor")


class Steps:
    def __init__(self, steps):
        self.steps = steps

    def get(self, name, problems):
        if name not in self.steps:
            problems.append(f"step {name} did not run")
            return [], None
        return self.steps[name]

    def expect(self, name, rc, problems):
        out, got = self.get(name, problems)
        if got is not None and got != rc:
            problems.append(f"{name}: exit {got}, want {rc} ({' | '.join(out[-3:])})")
        return out

    # The hypervisor wraps long console lines, so JSON is read from the
    # step's lines joined without separators.
    def json(self, name, problems):
        out = self.expect(name, 0, problems)
        try:
            return json.loads("".join(out))
        except ValueError:
            problems.append(f"{name}: not JSON: {out[:3]}")
            return None

    def json_seq(self, name, problems):
        """A step printing one JSON object after another (top --json)."""
        text, dec, recs = "".join(self.expect(name, 0, problems)), json.JSONDecoder(), []
        pos = 0
        try:
            while pos < len(text):
                obj, pos = dec.raw_decode(text, pos)
                recs.append(obj)
                while pos < len(text) and text[pos].isspace():
                    pos += 1
        except ValueError:
            problems.append(f"{name}: not JSON at {pos}: {text[pos:pos + 80]}")
        return recs

    def unsupported(self, names):
        """The control calls the hypervisor answered -ENOSYS in these steps."""
        calls = []
        for n in names:
            for line in self.steps.get(n, ([], None))[0]:
                m = UNSUPPORTED.search(line)
                if m and m.group(1) not in calls:
                    calls.append(m.group(1))
        return calls


def judge(s, name, needs, check):
    """Runs check(problems) and reports it, unless a step it needs met a
    call the hypervisor does not implement yet: then SKIP, naming it."""
    calls = s.unsupported(needs)
    if calls:
        report(name, skip=f"the hypervisor does not implement {', '.join(calls)} yet "
                          f"(-ENOSYS in steps {', '.join(needs)})")
        return
    p = []
    check(p)
    report(name, p)


def check_module(s, p):
    s.expect("insmod", 0, p)
    if not any("/dev/muxvisor ready" in l for l in s.expect("dmesg-module", 0, p)):
        p.append("no 'ready' line from the module in dmesg")
    dev = s.expect("devnode", 0, p)
    if not dev or not dev[0].startswith("crw-------"):
        p.append(f"/dev/muxvisor is not a root-only character device: {dev}")


def check_info(s, p):
    out = s.expect("info", 0, p)
    if not any(re.match(r"^pcpus: +2$", l) for l in out):
        p.append(f"info does not say 2 pCPUs: {out}")
    j = s.json("info-json", p)
    if j and (j.get("pcpus") != 2 or j.get("ctl_version") != 2 or j.get("domains") != 2
              or j.get("dom0_mib") != 256 or not 0 < j.get("mem_free_mib", 0) < 1024):
        p.append(f"info --json (want 2 pCPUs, ABI 1, 2 domains, dom0 256 MiB): {j}")


def check_static_list(s, p):
    j = {d.get("name"): d for d in (s.json("list-static", p) or [])}
    dom0, cust = j.get("dom0", {}), j.get("cust", {})
    if (dom0.get("id"), dom0.get("state"), dom0.get("vcpus"), dom0.get("mem_max_mib"),
            dom0.get("privileged"), dom0.get("kind")) != (0, "running", 2, 256, True, "linux"):
        p.append(f"dom0 in list: {dom0}")
    if (cust.get("state"), cust.get("vcpus"), cust.get("mem_max_mib"),
            cust.get("privileged")) != ("running", 1, 160, False):
        p.append(f"cust in list: {cust}")
    if not dom0.get("cpu_pct", 0) > 0 or dom0.get("run_ns", 0) <= 0:
        p.append(f"dom0 shows no CPU time: {dom0}")
    top = s.expect("top-text", 0, p)
    if not top or top[0].split()[:7] != ["ID", "NAME", "STATE", "VCPUS", "CPU%", "STEAL%",
                                         "BLOCK%"]:
        p.append(f"top has no header: {top[:1]}")
    if not any(l.split()[:2] == ["0", "dom0"] for l in top):
        p.append(f"top lacks dom0: {top}")


def check_console_cust(s, p):
    s.expect("cust-ready", 0, p)
    if not any("insmod-rc=" in l for l in s.expect("console-cust", 0, p)):
        p.append("console of cust lacks its test's output")
    if s.expect("console-send", 0, p):
        p.append("console -s printed something")
    s.expect("console-typed", 0, p)
    if not any("typed-42" in l for l in s.expect("console-follow", 0, p)):
        p.append("console -f did not show the typed command's answer")


def domain_id(s, name, p):
    out = s.expect(name, 0, p)
    if len(out) != 1 or not out[0].isdigit():
        p.append(f"{name} did not print an id: {out}")
        return None
    return int(out[0])


LIST_HEADER = ["ID", "NAME", "STATE", "VCPUS", "MEM_MIB", "MAX_MIB", "TARGET_MIB",
               "BALLOON_MIB", "GFREE_MIB", "WEIGHT", "RESV", "CAP", "CPU%", "STEAL%"]
TOP_HEADER = ["ID", "NAME", "STATE", "VCPUS", "CPU%", "STEAL%", "BLOCK%", "MEM_MIB", "MAX_MIB",
              "TARGET_MIB", "BALLOON_MIB", "GFREE_MIB", "WEIGHT", "CAP"]


def check_create_list(s, p):
    ids = [domain_id(s, n, p) for n in ("create-hello", "create-burn", "create-paused")]
    if None not in ids and (len(set(ids)) != 3 or 0 in ids):
        p.append(f"ids not distinct non-zero: {ids}")
    table = s.expect("list", 0, p)
    if not table or table[0].split() != LIST_HEADER:
        p.append(f"list has no header: {table[:1]}")
    rows = {l.split()[1]: l.split() for l in table[1:] if len(l.split()) == len(LIST_HEADER)}
    for name in ("dom0", "cust", "burn", "idle"):
        if name not in rows:
            p.append(f"list lacks {name}: {table}")
    by_name = {d.get("name"): d for d in (s.json("list-json", p) or [])}
    burn, idle = by_name.get("burn", {}), by_name.get("idle", {})
    if (burn.get("state"), burn.get("vcpus"), burn.get("weight"), burn.get("kind"),
            burn.get("mem_max_mib")) != ("running", 2, 256, "test-kernel", 16):
        p.append(f"burn in --json list: {burn}")
    if idle.get("state") != "created":
        p.append(f"idle (--paused) is not 'created': {idle}")


def check_pause(s, p):
    s.expect("pause", 0, p)
    out = s.expect("list-paused", 0, p)
    if out and out[0].startswith("ID"):
        p.append("-H still prints the header")
    burn = [l.split() for l in out if len(l.split()) > 2 and l.split()[1] == "burn"]
    if not burn or burn[0][2] != "paused":
        p.append(f"burn not paused in list: {out}")
    s.expect("unpause", 0, p)


def check_sched(s, p):
    if "weight=256" not in " ".join(s.expect("sched-get", 0, p)):
        p.append("sched get does not show weight=256")
    out = " ".join(s.expect("sched-set", 0, p))
    if "weight=512" not in out or "cap=180" not in out:
        p.append(f"sched set did not take: {out}")
    out = " ".join(s.expect("sched-range", 3, p))
    if "out of range" not in out or "sched.reservation" not in out or "--reservation" not in out:
        p.append(f"a reservation above 1 vCPU * 100 is not refused naming it: {out}")
    if "reservation=100" not in " ".join(s.expect("sched-cust", 0, p)):
        p.append("cust's reservation of 100 did not take")
    out = " ".join(s.expect("sched-impossible", 3, p))
    if "refused by admission control" not in out or "sched.reservation" not in out:
        p.append(f"admission control's refusal does not say so and name the field: {out}")
    if "already reserve 100% of its 200%" not in out:
        p.append(f"admission control's refusal does not say what is reserved: {out}")
    j = s.json("sched-after", p)
    if j and (j.get("weight"), j.get("cap"), j.get("reservation")) != (512, 180, 0):
        p.append(f"the refused changes changed something: {j}")
    s.expect("sched-cust-back", 0, p)


def check_console_hello(s, p):
    if not any("Hello from hello" in l for l in s.expect("console-hello", 0, p)):
        p.append("console of hello lacks its greeting")


def top_tables(out):
    """top -b -v's tables: [{name: (row words, [vCPU row words])}]; a vCPU
    row is: vcpu<i> state p<pcpu>|- CPU% STEAL% BLOCK%."""
    tables, cur, last = [], None, None
    for line in out:
        w = line.split()
        if w[:2] == ["ID", "NAME"]:
            cur = {}
            tables.append(cur)
        elif cur is not None and len(w) == len(TOP_HEADER) and w[0].isdigit():
            last = cur[w[1]] = (w, [])
        elif cur is not None and last and len(w) == 6 and w[0].startswith("vcpu"):
            last[1].append(w)
    return tables


def check_top(s, p):
    tables = top_tables(s.expect("top", 0, p))
    if len(tables) != 2 or not all({"dom0", "cust", "burn"} <= set(t) for t in tables):
        p.append(f"top -n 2 did not show two tables with dom0, cust and burn: {tables}")
        return
    row, vcpus = tables[-1]["burn"]
    if not float(row[4]) > 0:
        p.append(f"burn shows no CPU: {row}")
    states = {"running", "runnable", "blocked", "offline"}
    for name, want in (("burn", 2), ("dom0", 2), ("cust", 1)):
        vc = tables[-1][name][1]
        if [v[0] for v in vc] != [f"vcpu{i}" for i in range(want)] or \
                any(v[1] not in states for v in vc):
            p.append(f"{name}'s vCPUs in top -v: {vc}")
    if not sum(float(v[3]) for v in vcpus) > 0:
        p.append(f"burn's vCPUs show no CPU: {vcpus}")
    recs = s.json_seq("top-json", p)
    if not any(r.get("name") == "burn" and r.get("cpu_pct", 0) > 0 for r in recs):
        p.append(f"top --json shows no CPU for burn: {recs}")


def check_peek(s, p):
    vals = []
    for step in ("peek-1", "peek-2"):
        out = s.expect(step, 0, p)
        m = re.match(r"^0x[0-9a-f]+:((?: [0-9a-f]{2}){8})$", out[0]) if out else None
        if not m:
            p.append(f"{step}: {out}")
            continue
        vals.append(int.from_bytes(bytes(int(b, 16) for b in m.group(1).split()), "little"))
    if len(vals) == 2 and not 0 < vals[0] < vals[1]:
        p.append(f"the guest's counter read through the mapping did not rise: {vals}")


def check_events(s, p):
    text = " ".join(s.expect("events", 0, p))
    for word in ("created", "started", "paused", "unpaused", "poweroff"):
        if word not in text:
            p.append(f"no '{word}' event")
    # events -f, started before the domains were created, saw them live
    follow = s.expect("events-follow", 0, p)
    rows = [l.split() for l in follow if re.match(r"^\d+ \d+\.\d{9} d\d+ [a-z]+", l)]
    kinds = [r[3] for r in rows]
    for word in ("created", "started", "paused", "unpaused", "poweroff", "destroyed"):
        if word not in kinds:
            p.append(f"events -f did not see '{word}': {follow[-5:]}")
    seqs = [int(r[0]) for r in rows]
    if seqs != sorted(set(seqs)):
        p.append(f"events -f sequence numbers not increasing: {seqs}")


def check_destroy_mapped(s, p):
    out = s.expect("peek-held", 2, p)
    if not any(re.match(r"^0x[0-9a-f]+:( [0-9a-f]{2}){8}$", l) for l in out):
        p.append(f"the held mapping never read the guest: {out[:3]}")
    if not any("memory is gone" in l for l in out):
        p.append(f"the reader of a destroyed domain was not told: {out[-3:]}")
    s.expect("destroy-burn", 0, p)


def list_key(domains):
    return sorted((d.get("id"), d.get("name"), d.get("state"), d.get("vcpus"),
                   d.get("mem_max_mib"), d.get("weight"), d.get("reservation"), d.get("cap"))
                  for d in domains or [])


def check_bad_cli(s, p):
    """Refused by muxctl or the library before the hypervisor is asked."""
    for step, rc, words in (("bad-name", 3, ("domain_create.name", "--name")),
                            ("bad-vcpus", 1, ("--vcpus",)),
                            ("bad-file", 2, ("/nonexistent.elf",)),
                            ("bad-command", 1, ("frobnicate",)),
                            ("bad-weight", 1, ("--weight",)),
                            ("bad-domain", 2, ("nosuchdomain",))):
        out = " ".join(s.expect(step, rc, p))
        for w in words:
            if w not in out:
                p.append(f"{step}: message does not name {w}: {out}")


def check_bad_hv(s, p):
    """Refused by the hypervisor, the field it named shown as the option."""
    for step, words in (("bad-mem", ("domain_create.mem_bytes", "--mem")),
                        ("bad-max-vcpus", ("domain_create.vcpus", "--vcpus")),
                        ("bad-resv", ("domain_create.sched.reservation", "--reservation")),
                        ("bad-dup", ("domain_create.name", "--name")),
                        ("bad-dom0", ("domain pause",))):
        out = " ".join(s.expect(step, 3, p))
        for w in words:
            if w not in out:
                p.append(f"{step}: message does not name {w}: {out}")
    before, after = s.json("list-before-bad", p), s.json("list-unchanged", p)
    if list_key(before) != list_key(after):
        p.append(f"bad arguments changed the domains: {list_key(before)} -> {list_key(after)}")


def check_destroy(s, p):
    for step in ("destroy-idle", "destroy-hello", "destroy-burn"):
        s.expect(step, 0, p)
    out = " ".join(s.expect("destroy-again", 2, p))
    if "burn" not in out:
        p.append(f"second destroy does not name the domain: {out}")
    names = [l.split()[1] for l in s.expect("list-end", 0, p) if len(l.split()) > 1]
    if sorted(names) != ["cust", "dom0"]:
        p.append(f"after destroy the list is not dom0 and cust: {names}")
    before, after = s.json("info-json", p) or {}, s.json("info-end", p) or {}
    s.expect("peek-baseline", 0, p)
    for key in ("mem_free_pages", "reserved_pct", "domains", "image_pages"):
        if before.get(key) != after.get(key):
            p.append(f"{key} did not come back: {before.get(key)} -> {after.get(key)}")
    s.expect("destroy-cust", 0, p)


def check_linux(s, p):
    out = s.expect("create-linux", 0, p)
    if len(out) != 1 or not out[0].isdigit():
        p.append(f"create-linux did not print an id: {out}")
    s.expect("linux-ready", 0, p)
    ready = [l for l in s.expect("linux-console", 0, p) if l.startswith("guest-ready:")]
    if not ready or "nproc=2" not in ready[-1]:
        p.append(f"the Linux domain did not come up with 2 vCPUs: {ready}")
    j = {d.get("name"): d for d in (s.json("linux-list", p) or [])}.get("lin", {})
    if (j.get("kind"), j.get("vcpus"), j.get("mem_max_mib"), j.get("state")) != \
            ("linux", 2, 192, "running"):
        p.append(f"lin in --json list: {j}")
    s.expect("destroy-linux", 0, p)


MIB = 256   # 4 KiB pages


def balloon_reading(s, step, p):
    """muxctl --json balloon's object (the last JSON line of the step),
    checked for exact accounting."""
    text = "".join(s.expect(step, 0, p))   # long lines come wrapped
    try:
        b, _ = json.JSONDecoder().raw_decode(text, text.index("{"))
    except ValueError:
        p.append(f"{step}: no balloon reading: {text[:200]}")
        return None
    if b["populated_pages"] + b["ballooned_pages"] + b["dropped_pages"] != b["ceiling_pages"]:
        p.append(f"{step}: populated + ballooned + dropped != ceiling: {b}")
    return b


def check_balloon_refusals(s, p):
    """Balloon calls on domains without one, and bad targets: exit 3,
    the reason named, nothing changed."""
    for step in ("balloon-tk", "balloon-tk-set", "balloon-dom0"):
        out = " ".join(s.expect(step, 3, p))
        if "has no balloon" not in out:
            p.append(f"{step}: {out}")
    for step, why in (("balloon-bad", "at least 16 MiB"), ("balloon-above", "invalid argument")):
        out = " ".join(s.expect(step, 3, p))
        if "balloon_set.target_bytes" not in out or "[SIZE]" not in out or why not in out:
            p.append(f"{step}: the refusal does not name the target: {out}")
    start = balloon_reading(s, "balloon-start", p)
    high = balloon_reading(s, "balloon-high", p)
    if start and high and high["target_pages"] != start["target_pages"]:
        p.append(f"refused targets changed the target: {start} -> {high}")


def lin_row(s, step, p):
    return {d.get("name"): d for d in (s.json(step, p) or [])}.get("lin", {})


def check_balloon(s, p):
    """lin started pre-ballooned at 160 of 192 MiB; down to 128 MiB: the
    balloon holds exactly the rest, populated falls (never above the
    target), the host's free memory rises by what lin gave back; up to 192
    MiB: the balloon empties and the pages come back."""
    start = balloon_reading(s, "balloon-start", p)
    if start and (start["ceiling_pages"], start["target_pages"], start["ballooned_pages"]) != \
            (192 * MIB, 160 * MIB, 32 * MIB):
        p.append(f"the pre-ballooned start is not 160 of 192 MiB with 32 in the balloon: {start}")
    s.expect("balloon-held", 0, p)
    high, low = balloon_reading(s, "balloon-high", p), balloon_reading(s, "balloon-low-reached", p)
    s.expect("balloon-low", 0, p)
    up = balloon_reading(s, "balloon-up-reached", p)
    if not (high and low and up):
        return
    if (low["target_pages"], low["ballooned_pages"]) != (128 * MIB, 64 * MIB):
        p.append(f"at 128 MiB the balloon does not hold the other 64: {low}")
    if low.get("deflate_on_oom") is not True:
        p.append(f"Linux's balloon driver did not negotiate deflate-on-OOM: {low}")
    if low["populated_pages"] > low["target_pages"]:
        p.append(f"populated above the target once it is reached: {low}")
    if not high["populated_pages"] >= 100 * MIB:
        p.append(f"lin did not hold its 64 MiB before the target fell: {high}")
    fall = high["populated_pages"] - low["populated_pages"]
    if fall < high["populated_pages"] - 128 * MIB:
        p.append(f"populated fell by {fall} pages only: {high} -> {low}")
    free_hi = (s.json("balloon-info-high", p) or {}).get("mem_free_pages", 0)
    free_lo = (s.json("balloon-info-low", p) or {}).get("mem_free_pages", 0)
    # cust and dom0 run on meanwhile: a little slack for their own changes
    if free_lo - free_hi < fall - 4 * MIB:
        p.append(f"host free pages rose by {free_lo - free_hi}, lin gave back {fall}")
    lh, ll = lin_row(s, "balloon-list-high", p), lin_row(s, "balloon-list-low", p)
    if not (ll.get("mem_mib", 1 << 30) < lh.get("mem_mib", 0) and
            ll.get("balloon_mib", 0) > lh.get("balloon_mib", 1 << 30) and
            ll.get("mem_target_mib") == 128 and ll.get("balloon_mib") == 64):
        p.append(f"list --json does not show the balloon move: {lh} -> {ll}")
    table = s.expect("balloon-table", 0, p)
    row = [l.split() for l in table if len(l.split()) == len(LIST_HEADER) and l.split()[1] == "lin"]
    if not row or row[0][6:8] != ["128", "64"]:
        p.append(f"list's table does not show lin's target and balloon: {table}")
    text = " ".join(s.expect("balloon-text", 0, p))
    for word in ("ceiling: 192.0 MiB", "target: 128.0 MiB", "ballooned: 64.0 MiB"):
        if word not in " ".join(text.split()):
            p.append(f"muxctl balloon does not say '{word}': {text}")
    s.expect("balloon-memtest", 0, p)
    s.expect("balloon-memtest-done", 0, p)
    res = [l for l in s.expect("balloon-memtest-out", 0, p) if l.startswith("memtest: ")]
    if not res or not res[-1].startswith("memtest: PASS"):
        p.append(f"the guest's memory test while ballooned: {res}")
    s.expect("balloon-up", 0, p)
    if up["ballooned_pages"] != 0 or up["target_pages"] != 192 * MIB:
        p.append(f"back at 192 MiB the balloon is not empty: {up}")
    if up["deflated"] - low["deflated"] < 64 * MIB:
        p.append(f"fewer pages deflated than were ballooned: {low} -> {up}")
    # (populated may fall again meanwhile: the guest reports free pages)
    lu = lin_row(s, "balloon-list-up", p)
    if (lu.get("balloon_mib"), lu.get("mem_target_mib")) != (0, 192):
        p.append(f"list --json after the deflate: {ll} -> {lu}")
    tops = top_tables(s.expect("balloon-top", 0, p))
    row = tops[-1].get("lin", ([], []))[0] if tops else []
    if len(row) != len(TOP_HEADER) or row[9:11] != ["192", "0"]:
        p.append(f"top does not show lin's target and balloon: {row}")


def check_unprivileged(lines, p):
    own = domain_lines(lines, "cust")
    if not any("not privileged" in l for l in own):
        p.append(f"no refusal line from the unprivileged domain: {own[-5:]}")
    if not any(re.match(r"insmod-rc=[1-9]", l) for l in own):
        p.append("insmod did not fail in the unprivileged domain")


CREATE = ["create-hello", "create-burn", "create-paused"]
CHECKS = [
    ("dom0_module_loads_and_makes_dev_muxvisor", [], check_module),
    ("dom0_muxctl_info", ["info", "info-json"], check_info),
    ("dom0_muxctl_list_and_top_static_domains", ["list-static", "top-text"], check_static_list),
    ("dom0_muxctl_console_read_follow_and_type",
     ["cust-ready", "console-cust", "console-send", "console-typed", "console-follow"],
     check_console_cust),
    ("dom0_muxctl_create_and_list", CREATE, check_create_list),
    ("dom0_muxctl_pause_unpause", CREATE + ["pause", "unpause"], check_pause),
    ("dom0_muxctl_sched_set_and_admission_refusal",
     CREATE + ["sched-get", "sched-set", "sched-cust", "sched-range", "sched-impossible"],
     check_sched),
    ("dom0_muxctl_console_shows_guest_output", CREATE + ["console-hello"], check_console_hello),
    ("dom0_muxctl_top_domains_and_vcpus", CREATE + ["top", "top-json"], check_top),
    ("dom0_muxctl_mapped_page_reads_guest_counter", CREATE + ["peek-1", "peek-2"], check_peek),
    ("dom0_muxctl_events_and_follow", CREATE + ["events", "events-follow"], check_events),
    ("dom0_muxctl_bad_arguments_refused", [], check_bad_cli),
    ("dom0_muxctl_bad_arguments_refused_by_hypervisor",
     CREATE + ["bad-mem", "bad-max-vcpus", "bad-resv", "bad-dup", "bad-dom0"], check_bad_hv),
    ("dom0_muxctl_destroy_while_mapped", CREATE + ["peek-held", "destroy-burn"],
     check_destroy_mapped),
    ("dom0_muxctl_create_linux_domain", ["create-linux", "linux-ready", "destroy-linux"],
     check_linux),
    ("dom0_muxctl_balloon_refusals",
     CREATE + ["balloon-tk", "balloon-tk-set", "balloon-dom0", "create-linux", "balloon-start",
               "balloon-bad", "balloon-above", "balloon-high"], check_balloon_refusals),
    ("dom0_muxctl_balloon_down_and_up",
     ["create-linux", "linux-ready", "balloon-start", "balloon-held", "balloon-high",
      "balloon-low", "balloon-low-reached", "balloon-memtest-done", "balloon-up",
      "balloon-up-reached"], check_balloon),
    ("dom0_muxctl_destroy", CREATE + ["peek-baseline", "destroy-idle", "destroy-hello",
                                      "destroy-burn", "destroy-linux", "destroy-cust"],
     check_destroy),
]
NAMES = [n for n, _, _ in CHECKS] + ["dom0_module_refuses_unprivileged_domain"]


def main():
    try:
        initrd = build_initrd()
    except (subprocess.CalledProcessError, RuntimeError) as e:
        for n in NAMES:
            report(n, [f"build: {e}"])
        return
    kernel = os.path.join(GUEST, "bzImage")
    mods = [(kernel, "dom0 console=ttyS0 quiet muxrun=dom0-test"),
            (initrd, "initrd=dom0"),
            (kernel, "name=cust vcpus=1 mem=160M console=ttyS0 quiet muxrun=cust-test "
                     "muxexit=shell"),
            (initrd, "initrd=cust")]
    iso = make_iso("dom0-muxctl", cmdline="loglevel=info dom0_mem=256M dom0_vcpus=2",
                   modules=mods)
    try:
        with Qemu(hv_args(iso, cpus=2, mem="1G"), name="dom0") as vm:
            vm.wait_for(READY, timeout=180)
            try:
                vm.wait_for(r"^\[d0 dom0\] dom0-test: done$", timeout=1200)
            except QemuError:
                dump_domains(vm)
                raise
            lines = list(vm.lines)
    except QemuError as e:
        for n in NAMES:
            report(n, [str(e)])
        return
    panics = [l for l in lines if re.match(PANIC, l)]
    s = Steps(parse_steps(domain_lines(lines, "dom0")))
    for name, needs, check in CHECKS:
        judge(s, name, needs, lambda p, c=check: c(s, p))
    p = []
    check_unprivileged(lines, p)
    report("dom0_module_refuses_unprivileged_domain", p)
    if panics:
        report("dom0_muxctl_no_panic", panics[0])


if __name__ == "__main__":
    main()
