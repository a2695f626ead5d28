#!/usr/bin/env python3
# timeout: 300
# exclusive
"""End to end: muxd drives a real libvirtd (started here, QEMU under TCG:
there is no KVM) that boots the project's Linux guest image
(`make linux-guest`: Debian's kernel, busybox initramfs). Provision, see
usage samples with the guest's CPU time rising, resize (the new vCPU count
shows in the guest after the reboot that applies it), delete (domain and
disk gone).

muxd runs as `nobody`, the user the private libvirtd and its QEMU run as,
so the disks muxd creates are the guest's to open. The test SKIPs only
while the tree has no `linux-guest` target.
"""
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


def main():
    t = Cases()
    lv = Libvirtd()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    m = Muxd(binary=os.path.join(ROOT, "build", "muxd"), uri=lv.qemu_uri(),
             args=["--libvirt-network", "user", "--sample-interval", "2",
                   "--reconcile-interval", "5", "--stop-grace", "5"],
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
        with t.case("e2e_resize_applies_after_reboot"):
            r = expect(m.post(f"/v1/servers/{s['id']}/actions", {"type": "resize",
                                                                 "plan_id": plans["small"]["id"]}), 202)
            check(r["pending_restart"] is True and r["plan_id"] == plans["small"]["id"], r)
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
