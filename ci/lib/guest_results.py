"""Results of the project's test guests, read from a Muxvisor console log.

    from guest_results import (load_unittests, module_line, domain_outcome,
                               wait_domain_end, judge)
    runs = load_unittests()
    t = runs["hello"]
    mods = [(t.elf, module_line(t, vcpus=2))]
    with Qemu(hv_args(make_iso("hello", modules=mods), cpus=2)) as vm:
        out = wait_domain_end(vm, "hello", timeout=t.timeout)
        problems = judge(t, out)          # [] when the run is what t expects

The guests (guest-kernels/tests/, docs/test-guests.md) print, through the
console hypercall, lines the hypervisor prefixes with "[d<id> <name>] ":

    [d1 hello] PASS hello
    [d2 smp] FAIL smp: no pong from vCPU 1 within 10 s after 17 round trips
    [d3 smp] SKIP smp: needs at least 2 vCPUs, this domain has 1
    [d4 x] ERROR x: unexpected exception #PF (vector 14) ...

and the hypervisor logs each domain's life (hypervisor/domain/domain.c):

    [cpu0] domain d1 'hello': created: 2 vCPUs, 16 MiB, ...
    [cpu0] domain d1 'hello': running
    [cpu0] domain d1 'hello': shut down: powered off      (or: exit code N)
    [cpu1] domain d2 'hm': crashed: vcpu0 read from guest-physical 0x1000000, ...
    [cpu0] domain d3 'rb': rebooting: the guest asked to reboot
    [cpu0] domain d1 'hello': destroyed, 4112 pages returned, 130550 pages free
    [d1 burn] counter units=18954

A domain is named by its name (the module line's name=); a rebooting guest
gets a new id each boot but keeps its name, so everything here is keyed by
name and keeps the order of the log.
"""
import configparser
import os
import re
import time

from qemu import ROOT

GUEST_DIR = os.path.join(ROOT, "build", "guest-kernels")
UNITTESTS = os.path.join(ROOT, "guest-kernels", "tests", "unittests.cfg")

RESULT = re.compile(r"^\[d(\d+) ([^\]\s]+)\] (PASS|FAIL|SKIP|ERROR) ([^\s:]+)(?:: (.*))?$")
EVENT = re.compile(r"domain d(\d+) '([^']+)': (created|running \(unpaused\)|running|"
                   r"paused|shut down|crashed|rebooting|destroyed)(?::|,)? ?(.*)$")
COUNTER = re.compile(r"^\[d(\d+) ([^\]\s]+)\] counter ([A-Za-z0-9_.-]+)=(\d+)$")
EXIT_CODE = re.compile(r"^exit code (\d+)$")
FREE_PAGES = re.compile(r"(\d+) pages returned, (\d+) pages free")
# Lines after which a domain does not run again under the same id.
END_STATES = ("shut down", "crashed")


class Result:
    """One result line: .domain_id, .domain, .kind (PASS/FAIL/SKIP/ERROR),
    .name (test or test.case), .why ("" for PASS), .line."""

    def __init__(self, m, line):
        self.domain_id, self.domain = int(m.group(1)), m.group(2)
        self.kind, self.name, self.why = m.group(3), m.group(4), m.group(5) or ""
        self.line = line

    def __repr__(self):
        return f"Result({self.line!r})"


class Event:
    """One domain life-cycle line: .domain_id, .domain, .state (created,
    running, paused, shut down, crashed, rebooting, destroyed), .detail (the
    reason, or the rest of the line), .line."""

    def __init__(self, m, line):
        self.domain_id, self.domain = int(m.group(1)), m.group(2)
        self.state = "running" if m.group(3).startswith("running") else m.group(3)
        self.detail, self.line = m.group(4), line

    def __repr__(self):
        return f"Event({self.line!r})"


def _matches(lines, rx, make, domain):
    """make(match, line) for each line rx finds (group 2 the domain name),
    of one domain or of all."""
    found = []
    for line in lines:
        m = rx.search(line)
        if m and (domain is None or m.group(2) == domain):
            found.append(make(m, line))
    return found


def parse_results(lines, domain=None):
    """The result lines among lines, of one domain (by name) or of all."""
    return _matches(lines, RESULT, Result, domain)


def parse_events(lines, domain=None):
    """The domain life-cycle lines among lines, of one domain or of all."""
    return _matches(lines, EVENT, Event, domain)


def parse_counters(lines, domain):
    """The counters a domain reported, each name -> list of values in order."""
    values = {}
    for line in lines:
        m = COUNTER.match(line)
        if m and m.group(2) == domain:
            values.setdefault(m.group(3), []).append(int(m.group(4)))
    return values


def free_pages_after_destroy(lines):
    """The hypervisor's free-page count after each domain destroy, in order."""
    return [int(m.group(2)) for m in map(FREE_PAGES.search, lines) if m]


class Outcome:
    """How a domain's run ended, from the log: .state (the last life-cycle
    state: "shut down", "crashed", "running", ...), .reason (the stop's
    detail), .exit_code (an int for a shutdown, 0 for a power-off, None
    otherwise), .results (its Result lines, all boots), .counters."""

    def __init__(self, lines, domain):
        events = [e for e in parse_events(lines, domain) if e.state != "destroyed"]
        last = events[-1] if events else None
        self.state = last.state if last else None
        self.reason = last.detail if last else ""
        self.exit_code = None
        if self.state == "shut down":
            m = EXIT_CODE.match(self.reason)
            self.exit_code = int(m.group(1)) if m else 0
        self.results = parse_results(lines, domain)
        self.counters = parse_counters(lines, domain)

    def kinds(self):
        """{"PASS": n, "FAIL": n, ...} over the results."""
        counts = {}
        for r in self.results:
            counts[r.kind] = counts.get(r.kind, 0) + 1
        return counts

    def __repr__(self):
        return (f"Outcome(state={self.state!r}, reason={self.reason!r}, "
                f"exit_code={self.exit_code!r}, results={self.kinds()})")


def domain_outcome(lines, domain):
    return Outcome(lines, domain)


def wait_domain_end(vm, domain, timeout):
    """Waits (on a running ci/lib/qemu.Qemu) until the domain shuts down or
    crashes, then returns its Outcome over every console line so far.
    A rebooting guest is followed through its reboots. Raises QemuError on
    timeout or when QEMU exits first."""
    end = re.compile(r"domain d\d+ '" + re.escape(domain) + r"': (shut down|crashed)")
    vm.wait_for(end.pattern, timeout=timeout)
    time.sleep(0.2)          # the destroy line follows at once
    return Outcome(list(vm.lines), domain)


# -- unittests.cfg -----------------------------------------------------------

class TestRun:
    """One section of unittests.cfg: .section, .kernel, .elf, .vcpus (list
    of ints), .host_cpus (list), .mem, .extra, .expect, .reason (regex or
    None), .exit_code (int or None), .beside (section name or None),
    .timeout (s), .groups (list)."""

    def __init__(self, section, s):
        self.section = section
        self.kernel = s.get("kernel", section)
        self.elf = os.path.join(GUEST_DIR, self.kernel + ".elf")
        self.vcpus = [int(v) for v in s.get("vcpus", "1").split()]
        self.host_cpus = [int(v) for v in s.get("host_cpus", "2").split()]
        self.mem = s.get("mem", "16M")
        self.extra = s.get("extra", "").strip()
        self.expect = s.get("expect", "pass")
        self.reason = s.get("reason")
        self.exit_code = int(s["exit_code"]) if "exit_code" in s else None
        self.beside = s.get("beside")
        self.timeout = float(s.get("timeout", "120"))
        self.groups = s.get("groups", "").split()
        if self.expect not in ("pass", "crashed", "shutdown"):
            raise ValueError(f"unittests.cfg [{section}]: unknown expect={self.expect}")

    def __repr__(self):
        return f"TestRun({self.section!r})"


def load_unittests(path=UNITTESTS):
    """Every section of unittests.cfg as a TestRun, by section name, in
    file order."""
    cfg = configparser.ConfigParser(interpolation=None)
    with open(path) as f:
        cfg.read_file(f)
    return {name: TestRun(name, cfg[name]) for name in cfg.sections()}


def module_line(run, vcpus, name=None):
    """The Multiboot2 module command line for one run of a TestRun."""
    words = [f"name={name or run.section}", f"vcpus={vcpus}", f"mem={run.mem}"]
    return " ".join(words + ([run.extra] if run.extra else []))


def judge(run, outcome):
    """What is wrong with outcome for what run expects, as a list of
    sentences ([] when it is right)."""
    problems = []
    bad = [r.line for r in outcome.results if r.kind in ("FAIL", "ERROR")]
    passed = [r for r in outcome.results if r.kind in ("PASS", "SKIP")]
    if run.expect == "crashed":
        if outcome.state != "crashed":
            problems.append(f"ended {outcome.state!r} ({outcome.reason}), want crashed")
        elif run.reason and not re.search(run.reason, outcome.reason):
            problems.append(f"crash reason {outcome.reason!r} does not match {run.reason!r}")
        problems += [f"result line: {line}" for line in bad]
        return problems
    want_code = 0 if run.expect == "pass" else run.exit_code
    if outcome.state != "shut down":
        problems.append(f"ended {outcome.state!r} ({outcome.reason}), want shut down")
    elif want_code is not None and outcome.exit_code != want_code:
        problems.append(f"exit code {outcome.exit_code}, want {want_code}")
    problems += [f"result line: {line}" for line in bad]
    if not passed:
        problems.append("no PASS or SKIP line")
    return problems


def _selftest():
    """Checks the parsers on lines as the hypervisor and guests print them."""
    log = [
        "[cpu0] domain d1 'hello': created: 2 vCPUs, 16 MiB, weight 256",
        "[cpu0] domain d1 'hello': running",
        "[d1 hello] PASS hello",
        "[d1 hello] SKIP hello.x: not here",
        "[cpu0] domain d1 'hello': shut down: powered off",
        "[cpu1] domain d1 'hello': destroyed, 4112 pages returned, 130550 pages free",
        "[d2 hm] hostile_mem: about to read 4 bytes at 0x1000000",
        "[cpu0] domain d2 'hm': crashed: vcpu0 read from guest-physical 0x1000000, "
        "which is not its memory (rip 0x100040)",
        "[d3 hh] FAIL hostile_hypercall: 2 unexpected results",
        "[cpu0] domain d3 'hh': shut down: exit code 16045690984503111693",
        "[d4 burn] counter units=18954",
    ]
    hello = domain_outcome(log, "hello")
    assert hello.state == "shut down" and hello.exit_code == 0, hello
    assert hello.kinds() == {"PASS": 1, "SKIP": 1}, hello
    assert hello.results[1].name == "hello.x" and hello.results[1].why == "not here"
    hm = domain_outcome(log, "hm")
    assert hm.state == "crashed" and "0x1000000" in hm.reason, hm
    hh = domain_outcome(log, "hh")
    assert hh.exit_code == 16045690984503111693 and hh.kinds() == {"FAIL": 1}, hh
    assert parse_counters(log, "burn") == {"units": [18954]}
    assert free_pages_after_destroy(log) == [130550]
    runs = load_unittests()
    assert judge(runs["hello"], hello) == []
    assert judge(runs["hostile_mem_ram_end"], hm) == []
    assert judge(runs["hostile_hypercall"], hh) != []
    for run in runs.values():
        assert run.beside is None or run.beside in runs, run
    print("guest_results: self-test passed")


if __name__ == "__main__":
    _selftest()
