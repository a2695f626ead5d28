#!/usr/bin/env python3
# timeout: 1800
# exclusive
"""The platform end to end, from the host, over muxd's API (issue 7).

One boot of the real ISO as `make run` boots it (ci/lib/platform.py): the
hypervisor, dom0 with muxd on the control interface, the API port forwarded
to the host. Then, only through HTTP from the host (and `muxctl` typed on
dom0's console to compare):

  - a plan and a customer are created; the Linux guest image and the
    cpuburn test kernel that dom0's image carries are registered;
  - a server from each boots: the Linux guest prints guest-ready, the test
    kernel its counters, both on the hypervisor's serial line;
  - `muxctl -H list` in dom0 agrees with the API (names, vCPUs,
    weights, running);
  - muxd's usage series of the Linux server shows the balloon's target and
    current size and the guest's own statistics, read through BALLOON_GET
    (`muxctl balloon` agrees);
  - two cpuburn servers compete for the CPUs; a resize to a plan with four
    times the weight moves the measured shares (usage samples) and the
    hypervisor's weight; a resize to a plan with a 30 % cap holds that
    server at its cap while the other takes the rest;
  - usage samples show CPU and steal time;
  - stop, start and delete; deleted servers leave no domain behind.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from dom0_platform import IMAGES, Platform, Stop, build, domain_name, want  # noqa: E402
from qemu import QemuError  # noqa: E402
from report import report  # noqa: E402


def domains(p):
    """{name: {state, vcpus, weight, cap}} from `muxctl -H list` in dom0
    (short lines: the console splits long ones)."""
    out, rows = p.dom0("muxctl -H list"), {}
    for line in out.splitlines():
        f = line.split()
        # ID NAME STATE VCPUS MEM_MIB MAX_MIB TARGET_MIB BALLOON_MIB GFREE_MIB WEIGHT RESV CAP ...
        if len(f) >= 12 and f[0].isdigit():
            rows[f[1]] = {"state": f[2], "vcpus": int(f[3]), "weight": int(f[9]),
                          "cap": int(f[11])}
    if "dom0" not in rows:
        raise Stop(f"muxctl -H list printed {out[:300]!r}")
    return rows


def state(p, server):
    return want(p.api("GET", f"/v1/servers/{server['id']}"), 200, "server")["state"]


def until(cond, timeout=90):
    """Polls cond every 2 s; whether it became true within timeout s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(2)
    return False


def cpu_share(p, server_id, since):
    """Mean cpu_pct of the server's usage points from since on, or None."""
    body = want(p.api("GET", f"/v1/servers/{server_id}/usage?step=5&since={since}"), 200,
                "usage")
    pts = [pt["cpu_pct"] for pt in body["points"] if pt["samples"] > 0]
    return (sum(pts) / len(pts), body["points"]) if pts else (None, body["points"])


def setup(p):
    plan = {"vcpus": 1, "cpu_weight": 256, "mem_ceiling_mib": 192, "mem_floor_mib": 192,
            "disk_gib": 1, "price_cents_month": 500}
    small = want(p.api("POST", "/v1/plans", body=dict(plan, name="e2e-small")), 201, "plan")
    burn = want(p.api("POST", "/v1/plans", body=dict(plan, name="e2e-burn", vcpus=2,
                                                      mem_ceiling_mib=64, mem_floor_mib=64)),
                201, "plan e2e-burn")
    heavy = want(p.api("POST", "/v1/plans", body=dict(plan, name="e2e-heavy", vcpus=2,
                                                       cpu_weight=1024, mem_ceiling_mib=64,
                                                       mem_floor_mib=64)), 201, "plan e2e-heavy")
    cust = want(p.api("POST", "/v1/customers", body={"name": "E2E", "email": "e2e@x.example"}),
                201, "customer")
    linux = want(p.api("POST", "/v1/images", body={
        "name": "linux", "kind": "kernel", "os": "debian",
        "path": f"{IMAGES}/linux/bzImage", "initrd": f"{IMAGES}/linux/initramfs.cpio.gz",
        "cmdline": "console=ttyS0 quiet"}), 201, "image linux")
    cpuburn = want(p.api("POST", "/v1/images", body={
        "name": "cpuburn", "kind": "kernel", "os": "test-kernel",
        "path": f"{IMAGES}/test-kernels/cpuburn.elf"}), 201, "image cpuburn")
    capped = want(p.api("POST", "/v1/plans", body=dict(plan, name="e2e-capped", vcpus=2,
                                                        cpu_cap_pct=30, mem_ceiling_mib=64,
                                                        mem_floor_mib=64)), 201, "plan e2e-capped")
    return ({"small": small, "burn": burn, "heavy": heavy, "capped": capped},
            cust, linux, cpuburn)


def provision(p, cust, plan, image, name):
    s = want(p.api("POST", "/v1/servers", body={"customer_id": cust["id"], "plan_id": plan["id"],
                                                "image_id": image["id"], "name": name}),
             201, f"server {name}")
    s["domain"] = domain_name(s["uuid"])
    return s


def run(p):
    ok = True
    plans, cust, linux, cpuburn = setup(p)

    # -- provisioning: a Linux guest and a test kernel ---------------------
    lin = provision(p, cust, plans["small"], linux, "web-1")
    burn_a = provision(p, cust, plans["burn"], cpuburn, "burn-a")
    problems = []
    try:
        p.vm.wait_for(rf"\[d\d+ {lin['domain']}\] guest-ready: nproc=1 ", timeout=600)
    except QemuError as e:
        problems.append(f"Linux server: {e}")
    try:
        p.vm.wait_for(rf"\[d\d+ {burn_a['domain']}\] .*units=", timeout=120)
    except QemuError as e:
        problems.append(f"cpuburn server: {e}")
    for s in (lin, burn_a):
        got = want(p.api("GET", f"/v1/servers/{s['id']}"), 200, "server")
        if got["state"] != "running" or got["phase"] != "active":
            problems.append(f"{s['name']}: state {got['state']} phase {got['phase']}")
    ok &= report("platform_e2e_provision_linux_and_test_kernel", problems)

    # -- muxctl in dom0 agrees with the API ----------------------------------
    doms, problems = domains(p), []
    for s, vcpus, weight in ((lin, 1, 256), (burn_a, 2, 256)):
        d = doms.get(s["domain"])
        if not d:
            problems.append(f"{s['name']} ({s['domain']}) missing from muxctl list: {list(doms)}")
        elif (d["state"], d["vcpus"], d["weight"]) != ("running", vcpus, weight):
            problems.append(f"{s['name']}: muxctl says {d['state']} vcpus={d['vcpus']} "
                            f"weight={d['weight']}, want running/{vcpus}/{weight}")
    ok &= report("platform_e2e_muxctl_agrees_with_api", problems)

    # -- muxd reads the Linux server's balloon through the control interface --
    problems, seen = [], {}

    def balloon_seen():
        body = want(p.api("GET", f"/v1/servers/{lin['id']}/usage?step=5&since="
                          f"{int(time.time()) - 60}"), 200, "usage")
        pts = [pt for pt in body["points"] if pt["samples"] > 0 and
               pt.get("guest_free_mib") is not None]
        seen["points"] = body["points"][-3:]
        return pts and pts[-1].get("mem_target_mib") == 192 and pts[-1].get("mem_mib") == 192
    if not until(balloon_seen, timeout=120):
        problems.append(f"no usage point with the balloon's target and the guest's own "
                        f"statistics: {seen.get('points')}")
    # the text form: the console splits lines longer than 256 bytes
    out = " ".join(p.dom0(f"muxctl balloon {lin['domain']}").split())
    if "target: 192.0 MiB" not in out or "ballooned: 0.0 MiB" not in out:
        problems.append(f"muxctl balloon of the Linux server: {out[:300]}")
    ok &= report("platform_e2e_linux_balloon_seen_by_muxd", problems)

    # -- a plan change moves the measured shares -----------------------------
    burn_b = provision(p, cust, plans["burn"], cpuburn, "burn-b")
    problems = []
    time.sleep(20)                       # both burn, same weight
    t_equal = int(time.time())
    time.sleep(30)
    a_eq, _ = cpu_share(p, burn_a["id"], t_equal)
    b_eq, _ = cpu_share(p, burn_b["id"], t_equal)
    r = want(p.api("POST", f"/v1/servers/{burn_b['id']}/actions",
                   body={"type": "resize", "plan_id": plans["heavy"]["id"]}), 202, "resize")
    if r.get("pending_restart"):
        problems.append("a weight change should not need a restart")
    time.sleep(10)                       # let the old samples age out
    t_heavy = int(time.time())
    time.sleep(30)
    a_hv, pts_a = cpu_share(p, burn_a["id"], t_heavy)
    b_hv, pts_b = cpu_share(p, burn_b["id"], t_heavy)
    print(f"# shares before: a={a_eq} b={b_eq}; after b's weight x4: a={a_hv} b={b_hv}",
          file=sys.stderr)
    d = domains(p).get(burn_b["domain"], {})
    if d.get("weight") != 1024:
        problems.append(f"hypervisor weight of burn-b after the resize: {d.get('weight')}")
    if None in (a_eq, b_eq, a_hv, b_hv):
        problems.append(f"missing usage samples: {pts_a} {pts_b}")
    else:
        # Entitled with dom0 and the Linux guest idle: 100:100, then 40:160.
        if not (0.5 < a_eq / b_eq < 2):
            problems.append(f"equal weights got {a_eq:.0f}% vs {b_eq:.0f}%")
        if not b_hv > 2 * a_hv:
            problems.append(f"after weight 256 vs 1024: {a_hv:.0f}% vs {b_hv:.0f}%, "
                            f"want the heavier above twice the other")
    ok &= report("platform_e2e_plan_change_moves_shares", problems)

    # -- usage shows CPU and steal --------------------------------------------
    problems = []
    pts = [pt for pt in pts_a if pt["samples"] > 0]
    if not any(pt["cpu_pct"] > 10 for pt in pts):
        problems.append(f"no usage point with CPU time: {pts}")
    if not any(pt["steal_pct"] > 1 for pt in pts):
        problems.append(f"no usage point with steal time while contended: {pts}")
    ok &= report("platform_e2e_usage_cpu_and_steal", problems)

    # -- a cap from the plan holds the measured share --------------------------
    problems = []
    want(p.api("POST", f"/v1/servers/{burn_a['id']}/actions",
               body={"type": "resize", "plan_id": plans["capped"]["id"]}), 202, "resize")
    time.sleep(10)
    t_cap = int(time.time())
    time.sleep(30)
    a_cap, _ = cpu_share(p, burn_a["id"], t_cap)
    b_cap, _ = cpu_share(p, burn_b["id"], t_cap)
    print(f"# shares with a capped at 30%: a={a_cap} b={b_cap}", file=sys.stderr)
    d = domains(p).get(burn_a["domain"], {})
    if d.get("cap") != 30:
        problems.append(f"hypervisor cap of burn-a after the resize: {d.get('cap')}")
    if a_cap is None or b_cap is None:
        problems.append("missing usage samples")
    elif not (a_cap <= 36 and b_cap > 100):
        problems.append(f"with burn-a capped at 30%: {a_cap:.0f}% vs {b_cap:.0f}%, want "
                        f"burn-a at most 36% and burn-b the rest (over 100%)")
    ok &= report("platform_e2e_plan_cap_holds_share", problems)

    # -- stop, start, delete ----------------------------------------------------
    problems = []
    want(p.api("POST", f"/v1/servers/{burn_a['id']}/actions", body={"type": "stop"}), 202, "stop")
    # A power action is carried out after the answer (202): poll.
    if not until(lambda: state(p, burn_a) == "stopped" and
                 domains(p).get(burn_a["domain"], {}).get("state") != "running"):
        problems.append(f"after stop: API state {state(p, burn_a)}, muxctl "
                        f"{domains(p).get(burn_a['domain'], {}).get('state')}")
    want(p.api("POST", f"/v1/servers/{burn_a['id']}/actions", body={"type": "start"}), 202,
         "start")
    if not until(lambda: state(p, burn_a) == "running" and
                 domains(p).get(burn_a["domain"], {}).get("state") == "running"):
        problems.append(f"after start: API state {state(p, burn_a)}, muxctl "
                        f"{domains(p).get(burn_a['domain'], {}).get('state')}")
    for s in (lin, burn_a, burn_b):
        status, body = p.api("DELETE", f"/v1/servers/{s['id']}")
        if status != 204:
            problems.append(f"DELETE {s['name']}: {status} {body}")
    left = [n for n in domains(p) if n.startswith("mux-")]
    if left:
        problems.append(f"domains left after delete: {left}")
    for s in (lin, burn_a, burn_b):
        status, _ = p.api("GET", f"/v1/servers/{s['id']}")
        if status != 404:
            problems.append(f"GET deleted {s['name']}: {status}")
    ok &= report("platform_e2e_stop_start_delete", problems)
    return ok


def main():
    why = build()
    if why:
        return 0 if report("platform_e2e_build", [why]) else 1
    try:
        with Platform("e2e", cpus=2, mem="2G") as p:
            if p.ready["muxd"] != "running":
                report("platform_e2e_dom0_ready", [f"dom0-ready says muxd={p.ready['muxd']}"])
                return 1
            report("platform_e2e_dom0_ready", [] if p.token else ["no admin token line"])
            try:
                return 0 if run(p) else 1
            except (Stop, QemuError) as e:
                report("platform_e2e_flow", [str(e)])
                return 1
    except QemuError as e:
        report("platform_e2e_dom0_ready", [str(e)])
        return 1


if __name__ == "__main__":
    sys.exit(main())
