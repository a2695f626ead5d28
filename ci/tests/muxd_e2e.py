#!/usr/bin/env python3
# timeout: 480
# exclusive
"""End to end: muxd drives a real libvirtd (started here, QEMU under TCG:
there is no KVM) that boots the project's Linux guest image
(`make linux-guest`: Debian's kernel, busybox initramfs). Provision, see
usage samples with the guest's CPU time rising, the memory policy (the
host's sellable memory is set to 768 MiB, so a second 512 MiB server puts
memory under pressure: both balloons go down, the one whose guest holds
200 MiB in tmpfs keeps more by the idle-memory tax, libvirt's balloon
follows the targets, each change is an event, and after the second server
is gone the first grows back to its ceiling), resize (the new vCPU count
shows in the guest after the reboot that applies it), delete (domain and
disk gone).

muxd runs as `nobody`, the user the private libvirtd and its QEMU run as,
so the disks muxd creates are the guest's to open. The test SKIPs only
while the tree has no `linux-guest` target.
"""
import calendar
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from muxd_client import ROOT, Cases, Client, Muxd, Skip, check, expect, wait_for  # noqa: E402
from muxd_libvirtd import Libvirtd, as_nobody, chown_nobody, tear_down  # noqa: E402

GUEST = os.path.join(ROOT, "build", "linux-guest")
# keep the vCPU busy so CPU time visibly rises; the guest has no other work
CMDLINE = 'console=ttyS0 muxrun="while true; do cpu-bench 8 >/dev/null; done"'
# the memory policy's second guest: 200 MiB in tmpfs (no swap: it cannot be
# reclaimed, so MemAvailable drops by it), then idle
HOLD_CMDLINE = ('console=ttyS0 muxrun="dd if=/dev/zero of=/dev/shm/hold bs=1M count=200 '
                '2>/dev/null; echo held-200M; while true; do sleep 5; done"')
# sellable memory and pacing for the memory policy case (docs/plans.md, Memory)
POOL_MIB = 768
STEP_MIB = 128
INTERVAL_S = 4


def build_image():
    probe = subprocess.run(["make", "-n", "linux-guest"], cwd=ROOT, capture_output=True, text=True)
    if probe.returncode != 0 and "No rule to make target" in probe.stderr:
        raise Skip("the tree has no `make linux-guest` target yet")
    r = subprocess.run(["make", "-s", "linux-guest"], cwd=ROOT, capture_output=True, text=True,
                       timeout=900)
    check(r.returncode == 0, "make linux-guest failed: " + r.stderr[-500:])
    for f in ("bzImage", "initramfs.cpio.gz"):
        check(os.path.exists(os.path.join(GUEST, f)), f"build/linux-guest/{f} missing")


def console(m, uuid):
    try:
        with open(os.path.join(m.dir, "state", "console", uuid + ".log"), errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def guest_ready(m, uuid, nth=1):
    lines = re.findall(r"guest-ready: nproc=(\d+) mem_kb=(\d+)", console(m, uuid))
    return lines[nth - 1] if len(lines) >= nth else None


def balloon_actual_mib(lv, name):
    """libvirt's own view of the balloon's current size (virsh dommemstat: actual, KiB)."""
    r = lv.virsh("dommemstat", name)
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "actual":
            return int(parts[1]) // 1024
    return None


def unix(iso):
    return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))


def memory_events(m, server_id):
    ev = expect(m.get("/v1/events?limit=1000"), 200)["items"]
    return [e for e in ev if e["action"] == "server.memory_target" and e["object_id"] == server_id]


def memory_policy(m, lv, c, plans, s):
    """Two nano servers (256..512 MiB, equal shares) on POOL_MIB = 768 MiB."""
    img = expect(m.post("/v1/images", {"name": "linux-hold", "kind": "kernel", "os": "debian",
                                       "path": os.path.join(m.dir, "bzImage"),
                                       "initrd": os.path.join(m.dir, "initramfs.cpio.gz"),
                                       "cmdline": HOLD_CMDLINE}), 201)
    b = expect(m.post("/v1/servers", {"customer_id": c["id"], "plan_id": plans["nano"]["id"],
                                      "image_id": img["id"], "name": "e2e-hold"}), 201)
    wait_for(lambda: "held-200M" in console(m, b["uuid"]), 180, "the second guest to fill tmpfs")
    ids = (s["id"], b["id"])
    names = {s["id"]: "mux-" + s["uuid"], b["id"]: "mux-" + b["uuid"]}

    def settled():
        d = expect(m.get("/v1/dashboard"), 200)
        rows = {x["id"]: x for x in d["servers"]}
        a, h = rows[ids[0]], rows[ids[1]]
        if a["guest_used_mib"] is None or h["guest_used_mib"] is None or h["guest_used_mib"] < 200:
            return None
        # the policy has settled once neither target moves for two intervals
        before = [len(memory_events(m, i)) for i in ids]
        time.sleep(2 * INTERVAL_S + 2)
        if [len(memory_events(m, i)) for i in ids] != before:
            return None
        d = expect(m.get("/v1/dashboard"), 200)
        return d, {x["id"]: x for x in d["servers"]}
    d, rows = wait_for(settled, 240, "the memory policy to settle", interval=1)
    a, h = rows[ids[0]], rows[ids[1]]
    print("# memory policy settled: " + "; ".join(
        f"{r['name']} target={r['mem_target_mib']} current={r['mem_mib']} "
        f"guest_used={r['guest_used_mib']} guest_free={r['guest_free_mib']}" for r in (a, h)),
        flush=True)
    check(d["memory_policy"]["pressure"] is True and d["memory_policy"]["pool_mib"] == POOL_MIB,
          d["memory_policy"])
    for r in (a, h):
        check(r["mem_floor_mib"] == 256 and r["mem_ceiling_mib"] == 512, r)
        check(256 <= r["mem_target_mib"] < 512, r)
        check(r["guest_free_mib"] is not None and r["guest_free_mib"] > 0, r)
    check(a["mem_target_mib"] + h["mem_target_mib"] <= POOL_MIB, (a, h))
    # equal shares, but the idle guest's pages cost 4x: the one holding memory keeps more
    check(h["mem_target_mib"] > a["mem_target_mib"] + 64, (a["mem_target_mib"], h["mem_target_mib"]))
    # libvirt's balloon reached the targets, and the dashboard shows it
    for i, r in ((ids[0], a), (ids[1], h)):
        got = wait_for(lambda: balloon_actual_mib(lv, names[i]) == r["mem_target_mib"] and
                       balloon_actual_mib(lv, names[i]) or None, 60, "libvirt's balloon at the target")
        check(r["mem_mib"] == got, (r, got))
    # every change is an event with before/after/why, paced by step and interval
    for i in ids:
        ev = memory_events(m, i)
        check(ev and ev[0]["detail"]["from_mib"] == 512, ev[:1])
        check(ev[-1]["detail"]["to_mib"] == rows[i]["mem_target_mib"], (ev[-1], rows[i]))
        for e in ev:
            dt = e["detail"]
            check(abs(dt["to_mib"] - dt["from_mib"]) <= STEP_MIB and dt["why"] in ("reclaim", "grant"),
                  dt)
            check(dt["floor_mib"] == 256 and dt["ceiling_mib"] == 512 and dt["tax_pct"] == 75, dt)
        for e1, e2 in zip(ev, ev[1:]):
            check(unix(e2["time"]) - unix(e1["time"]) >= INTERVAL_S - 1, (e1, e2))
    # the usage series carries the same numbers
    since = int(time.time()) - 60
    pts = expect(m.get(f"/v1/servers/{b['id']}/usage?step=1&since={since}"), 200)["points"]
    check(any(p["mem_target_mib"] == h["mem_target_mib"] and p["mem_floor_mib"] == 256 and
              p["mem_ceiling_mib"] == 512 and p["guest_used_mib"] is not None and
              p["guest_used_mib"] >= 200 and p["guest_free_mib"] is not None for p in pts), pts[-3:])
    # the first guest kept working throughout
    busy = [p for p in expect(m.get(f"/v1/servers/{s['id']}/usage?step=1&since={since}"),
                              200)["points"] if p["cpu_pct"] > 20]
    check(len(busy) >= 3, busy)
    # memory plentiful again: the first grows back to its ceiling, paced
    expect(m.request("DELETE", f"/v1/servers/{b['id']}"), 204)
    wait_for(lambda: balloon_actual_mib(lv, names[ids[0]]) == 512, 120,
             "the first guest's balloon back at its 512 MiB ceiling", interval=1)
    grown = [e["detail"] for e in memory_events(m, ids[0]) if e["detail"]["why"] == "grow_back"]
    check(grown and grown[-1]["to_mib"] == 512 and grown[-1]["pressure"] is False and
          all(g["to_mib"] - g["from_mib"] <= STEP_MIB for g in grown), grown)


def main():
    t = Cases()
    lv = Libvirtd()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    m = Muxd(binary=os.path.join(ROOT, "build", "muxd"), uri=lv.qemu_uri(),
             args=["--libvirt-network", "user", "--sample-interval", "2",
                   "--reconcile-interval", "5", "--stop-grace", "5",
                   "--host-memory-mib", str(POOL_MIB), "--balloon-interval", str(INTERVAL_S),
                   "--balloon-max-step-mib", str(STEP_MIB)],
             wrap=lambda cmd: as_nobody(cmd, env))
    ok = False
    try:
        with t.case("e2e_linux_guest_image"):
            build_image()
            ok = True
        if not ok:
            return t.exit_code()
        with t.case("e2e_provision_boots_guest"):
            for f in ("bzImage", "initramfs.cpio.gz"):
                shutil.copy(os.path.join(GUEST, f), m.dir)
            chown_nobody(m.dir)
            lv.start()
            m.start()
            c = expect(m.post("/v1/customers", {"name": "E2E", "email": "e2e@x.example"}), 201)
            img = expect(m.post("/v1/images", {"name": "linux", "kind": "kernel", "os": "debian",
                                               "path": os.path.join(m.dir, "bzImage"),
                                               "initrd": os.path.join(m.dir, "initramfs.cpio.gz"),
                                               "cmdline": CMDLINE}), 201)
            plans = {p["name"]: p for p in expect(m.get("/v1/plans"), 200)["items"]}
            s = expect(m.post("/v1/servers", {"customer_id": c["id"], "plan_id": plans["nano"]["id"],
                                              "image_id": img["id"], "name": "e2e-1"}), 201)
            check(s["state"] == "running", s)
            name = "mux-" + s["uuid"]
            doms = lv.domains(lv.qemu_uri())
            check(doms.get(name) == "running", doms)
            nproc, mem_kb = wait_for(lambda: guest_ready(m, s["uuid"]), 120, "guest-ready on the console")
            check(int(nproc) == 1 and int(mem_kb) < 512 * 1024, (nproc, mem_kb))
        with t.case("e2e_usage_samples_cpu_time_rising"):
            def busy_points():
                since = int(time.time()) - 60
                pts = expect(m.get(f"/v1/servers/{s['id']}/usage?step=1&since={since}"), 200)["points"]
                busy = [p for p in pts if p["cpu_pct"] > 20]
                return busy if len(busy) >= 3 else None
            busy = wait_for(busy_points, 60, "three samples with the guest's CPU busy", interval=1)
            check(all(p["mem_mib"] > 0 for p in busy), busy)
            d = expect(m.get("/v1/dashboard"), 200)
            row = next(x for x in d["servers"] if x["id"] == s["id"])
            check(row["cpu_pct"] is not None and row["steal_pct"] is not None and row["entitled_pct"] is not None, row)
        with t.case("e2e_memory_policy_balloons_by_shares_and_tax"):
            memory_policy(m, lv, c, plans, s)
        with t.case("e2e_resize_applies_after_reboot"):
            # two vCPUs, memory as nano's: the host sells only POOL_MIB
            duo = expect(m.post("/v1/plans", {"name": "e2e-duo", "vcpus": 2, "cpu_weight": 100,
                                              "cpu_reservation_pct": 10, "cpu_cap_pct": 200,
                                              "mem_ceiling_mib": 512, "mem_floor_mib": 256,
                                              "disk_gib": 10, "price_cents_month": 100}), 201)
            r = expect(m.post(f"/v1/servers/{s['id']}/actions", {"type": "resize",
                                                                 "plan_id": duo["id"]}), 202)
            check(r["pending_restart"] is True and r["plan_id"] == duo["id"], r)
            xml = lv.virsh("dumpxml", "--inactive", name).stdout
            check("<vcpu placement='static'>2</vcpu>" in xml, xml[:400])
            expect(m.post(f"/v1/servers/{s['id']}/actions", {"type": "reboot"}), 202)
            nproc, _ = wait_for(lambda: guest_ready(m, s["uuid"]), 120, "guest-ready after the power cycle")
            check(int(nproc) == 2, f"guest sees {nproc} CPUs after resize to 2 vCPUs")
            s2 = expect(m.get(f"/v1/servers/{s['id']}"), 200)
            check(s2["pending_restart"] is False and s2["state"] == "running", s2)
        with t.case("e2e_delete_removes_domain_and_disk"):
            expect(m.request("DELETE", f"/v1/servers/{s['id']}"), 204)
            check(name not in lv.domains(lv.qemu_uri()), "domain still defined")
            disks = os.listdir(os.path.join(m.dir, "state", "disks"))
            check(not disks, disks)
            expect(m.get(f"/v1/servers/{s['id']}"), 404)
        with t.case("e2e_sigterm_finishes_request_in_flight"):
            got = {}

            def provision():
                got["r"] = Client(m.port).post("/v1/servers", {
                    "customer_id": c["id"], "plan_id": plans["nano"]["id"],
                    "image_id": img["id"], "name": "e2e-2"})
                got["answered"] = time.monotonic()
            th = threading.Thread(target=provision)
            th.start()
            # the request reaches muxd within milliseconds; starting QEMU takes a second or more
            time.sleep(0.25)
            signalled = time.monotonic()
            m.proc.send_signal(signal.SIGTERM)
            th.join(60)
            check("answered" in got and got["answered"] > signalled,
                  "the request was answered before SIGTERM: nothing was in flight")
            s3 = expect(got["r"], 201)
            check(m.proc.wait(30) == 0, m.tail())
            m.log.close()
            m.start()
            again = expect(m.get(f"/v1/servers/{s3['id']}"), 200)
            check(again["phase"] == "active" and again["state"] == "running", again)
            expect(m.request("DELETE", f"/v1/servers/{s3['id']}"), 204)
        with t.case("e2e_muxd_stops_cleanly"):
            check(m.stop() == 0, m.tail())
    finally:
        tear_down(t, m, lv)
    return t.exit_code()


if __name__ == "__main__":
    sys.exit(main())
