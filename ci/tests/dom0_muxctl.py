#!/usr/bin/env python3
# timeout: 1500
# exclusive
"""dom0's control stack against the real hypervisor (issue 7).

Until the real dom0 image exists, dom0 is the project's Linux guest image
run as a `privileged` static domain, with an appended initramfs archive
holding muxvisor.ko, muxctl, two test kernels and the scripts in
ci/tests/dom0_muxctl/; dom0 runs dom0-test.sh as its muxrun command. The script
runs muxctl step by step and prints each step's output and exit code; this
side judges them:

  the module loads (and says so), /dev/muxvisor is root's only; info; create
  test-kernel domains (one started paused); list (table, -H, --json);
  pause/unpause; sched get/set, an impossible reservation refused with exit
  code 3 and the field named, nothing changed by it; the console shows the
  guest's output; top shows CPU for a busy domain; a mapping of a domain's
  page reads a counter the guest keeps raising; events; destroy (twice:
  exit code 2); bad arguments refused with their exit codes, nothing
  changed. A second, unprivileged Linux domain tries to load the module:
  it refuses with one clear line.
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

GUEST = os.path.join(ROOT, "build", "linux-guest")
DOM0 = os.path.join(ROOT, "build", "dom0")
KERNELS = os.path.join(ROOT, "build", "guest-kernels")
WORK = os.path.join(ROOT, "build", "dom0-muxctl-test")
RECIPE = os.path.join(ROOT, "guest-kernels", "linux")


def report(name, problems):
    print(f"PASS {name}" if not problems else f"FAIL {name}: {'; '.join(problems)}", flush=True)


def hypervisor_has_control():
    """Whether the hypervisor implements MUXV_HC_CONTROL (branch ctl-hv)."""
    r = subprocess.run(["grep", "-rlq", "MUXV_HC_CONTROL", os.path.join(ROOT, "hypervisor"),
                        "--include=*.c"])
    return r.returncode == 0


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
    rx = re.compile(r"^\[d\d+ " + re.escape(name) + r"\] (.*)$")
    return [m.group(1) for m in map(rx.match, lines) if m]


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

    def json(self, name, problems):
        out = self.expect(name, 0, problems)
        try:
            return json.loads("\n".join(out))
        except ValueError:
            problems.append(f"{name}: not JSON: {out[:3]}")
            return None


def check_module(s):
    p = []
    s.expect("insmod", 0, p)
    if not any("/dev/muxvisor ready" in l for l in s.expect("dmesg-module", 0, p)):
        p.append("no 'ready' line from the module in dmesg")
    dev = s.expect("devnode", 0, p)
    if not dev or not dev[0].startswith("crw-------"):
        p.append(f"/dev/muxvisor is not a root-only character device: {dev}")
    report("dom0_module_loads_and_makes_dev_muxvisor", p)


def check_info(s):
    p = []
    out = s.expect("info", 0, p)
    if not any(re.match(r"^pcpus: +2$", l) for l in out):
        p.append(f"info does not say 2 pCPUs: {out}")
    j = s.json("info-json", p)
    if j and (j.get("pcpus") != 2 or j.get("ctl_version") != 1 or j.get("domains", 0) < 1):
        p.append(f"info --json: {j}")
    report("dom0_muxctl_info", p)


def domain_id(s, name, p):
    out = s.expect(name, 0, p)
    if len(out) != 1 or not out[0].isdigit():
        p.append(f"{name} did not print an id: {out}")
        return None
    return int(out[0])


def check_create_list(s):
    p = []
    ids = [domain_id(s, n, p) for n in ("create-hello", "create-burn", "create-paused")]
    if None not in ids and (len(set(ids)) != 3 or 0 in ids):
        p.append(f"ids not distinct non-zero: {ids}")
    table = s.expect("list", 0, p)
    if not table or not table[0].split()[:3] == ["ID", "NAME", "STATE"]:
        p.append(f"list has no header: {table[:1]}")
    rows = {l.split()[1]: l.split() for l in table[1:] if len(l.split()) >= 8}
    for name in ("burn", "idle"):
        if name not in rows:
            p.append(f"list lacks {name}: {table}")
    if "0" not in [r[0] for r in rows.values()]:
        p.append("list lacks dom0 (id 0)")
    j = s.json("list-json", p) or []
    by_name = {d.get("name"): d for d in j}
    burn, idle = by_name.get("burn", {}), by_name.get("idle", {})
    if burn.get("state") != "running" or burn.get("vcpus") != 1 or burn.get("weight") != 256:
        p.append(f"burn in --json list: {burn}")
    if idle.get("state") != "created":
        p.append(f"idle (--paused) is not 'created': {idle}")
    if burn.get("mem_max_mib") != 16:
        p.append(f"burn's memory ceiling is not 16 MiB: {burn}")
    report("dom0_muxctl_create_and_list", p)


def check_pause(s):
    p = []
    s.expect("pause", 0, p)
    out = s.expect("list-paused", 0, p)
    if out and out[0].startswith("ID"):
        p.append("-H still prints the header")
    burn = [l.split() for l in out if len(l.split()) > 2 and l.split()[1] == "burn"]
    if not burn or burn[0][2] != "paused":
        p.append(f"burn not paused in list: {out}")
    s.expect("unpause", 0, p)
    report("dom0_muxctl_pause_unpause", p)


def check_sched(s):
    p = []
    if "weight=256" not in " ".join(s.expect("sched-get", 0, p)):
        p.append("sched get does not show weight=256")
    out = " ".join(s.expect("sched-set", 0, p))
    if "weight=512" not in out or "cap=50" not in out:
        p.append(f"sched set did not take: {out}")
    out = " ".join(s.expect("sched-impossible", 3, p))
    if "reservation" not in out:
        p.append(f"refusal does not name the reservation: {out}")
    j = s.json("sched-after", p)
    if j and (j.get("weight") != 512 or j.get("cap") != 50 or j.get("reservation") != 0):
        p.append(f"the refused change changed something: {j}")
    report("dom0_muxctl_sched_set_and_admission_refusal", p)


def check_console_top_peek(s):
    p = []
    if not any("Hello from hello" in l for l in s.expect("console-hello", 0, p)):
        p.append("console of hello lacks its greeting")
    report("dom0_muxctl_console_shows_guest_output", p)
    p = []
    rows = [l.split() for l in s.expect("top", 0, p)]
    burn = [r for r in rows if len(r) >= 6 and r[1] == "burn"]
    if len(burn) != 2:
        p.append(f"top -b -n 2 did not print burn twice: {rows}")
    elif float(burn[-1][4]) <= 0:
        p.append(f"burn shows no CPU: {burn[-1]}")
    report("dom0_muxctl_top_batch", p)
    p = []
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
    report("dom0_muxctl_mapped_page_reads_guest_counter", p)


def check_events_destroy(s):
    p = []
    text = " ".join(s.expect("events", 0, p))
    for word in ("created", "started", "paused", "unpaused", "poweroff"):
        if word not in text:
            p.append(f"no '{word}' event")
    report("dom0_muxctl_events", p)
    p = []
    for step in ("destroy-idle", "destroy-hello", "destroy-burn"):
        s.expect(step, 0, p)
    out = " ".join(s.expect("destroy-again", 2, p))
    if "burn" not in out:
        p.append(f"second destroy does not name the domain: {out}")
    names = [l.split()[1] for l in s.expect("list-end", 0, p) if len(l.split()) > 1]
    if set(names) & {"burn", "idle", "hello"}:
        p.append(f"destroyed domains still listed: {names}")
    report("dom0_muxctl_destroy", p)
    p = []
    for step, rc, word in (("bad-name", 3, "--name"), ("bad-vcpus", 1, "--vcpus"),
                           ("bad-file", 2, "/nonexistent.elf"), ("bad-mem", 3, ""),
                           ("bad-dom0", 3, ""), ("bad-command", 1, "frobnicate")):
        out = " ".join(s.expect(step, rc, p))
        if word not in out:
            p.append(f"{step}: message does not name {word}: {out}")
    if s.expect("list-unchanged", 0, p) != s.expect("list-end", 0, p):
        p.append("bad arguments changed the domain list")
    report("dom0_muxctl_bad_arguments_refused", p)


def check_unprivileged(lines):
    own = domain_lines(lines, "cust")
    p = [] if any("not privileged" in l for l in own) else \
        [f"no refusal line from the unprivileged domain: {own[-5:]}"]
    if not any(re.match(r"insmod-rc=[1-9]", l) for l in own):
        p.append("insmod did not fail in the unprivileged domain")
    report("dom0_module_refuses_unprivileged_domain", p)


NAMES = ["dom0_module_loads_and_makes_dev_muxvisor", "dom0_muxctl_info",
         "dom0_muxctl_create_and_list", "dom0_muxctl_pause_unpause",
         "dom0_muxctl_sched_set_and_admission_refusal", "dom0_muxctl_console_shows_guest_output",
         "dom0_muxctl_top_batch", "dom0_muxctl_mapped_page_reads_guest_counter",
         "dom0_muxctl_events", "dom0_muxctl_destroy", "dom0_muxctl_bad_arguments_refused",
         "dom0_module_refuses_unprivileged_domain"]


def main():
    if not hypervisor_has_control():
        for n in NAMES:
            print(f"SKIP {n}: the hypervisor has no MUXV_HC_CONTROL yet (branch ctl-hv)")
        return
    try:
        initrd = build_initrd()
    except (subprocess.CalledProcessError, RuntimeError) as e:
        for n in NAMES:
            report(n, [f"build: {e}"])
        return
    kernel = os.path.join(GUEST, "bzImage")
    mods = [(kernel, "name=dom0 vcpus=2 mem=256M privileged console=ttyS0 quiet "
                     "muxrun=dom0-test"),
            (initrd, "initrd=dom0"),
            (kernel, "name=cust vcpus=1 mem=160M console=ttyS0 quiet muxrun=cust-test"),
            (initrd, "initrd=cust")]
    iso = make_iso("dom0-muxctl", cmdline="loglevel=info", modules=mods)
    try:
        with Qemu(hv_args(iso, cpus=2, mem="1G"), name="dom0") as vm:
            vm.wait_for(READY, timeout=180)
            try:
                vm.wait_for(r"^\[d0 dom0\] dom0-test: done$", timeout=1200)
                vm.wait_for(r"domain d\d+ 'cust': (shut down|crashed)", timeout=300)
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
    check_module(s)
    check_info(s)
    check_create_list(s)
    check_pause(s)
    check_sched(s)
    check_console_top_peek(s)
    check_events_destroy(s)
    check_unprivileged(lines)
    if panics:
        print(f"FAIL dom0_muxctl_no_panic: {panics[0]}")


if __name__ == "__main__":
    main()
