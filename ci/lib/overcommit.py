"""The memory-overcommit scenario on the whole platform (issue 8), shared by
ci/tests/platform_overcommit.py (which checks it) and `make bench-balloon`
(which reports its density).

One boot of the platform (hypervisor, dom0, muxd on the muxvisor driver),
muxd configured through its configuration file on the data disk: it sells
POOL_MIB of memory, samples every 2 s and may move a balloon every 6 s by
up to 128 MiB. Then, only through muxd's API and the guests' consoles:

  1. N Linux servers on a plan with a CEIL_MIB ceiling and a FLOOR_MIB
     floor are created; N x CEIL_MIB is 1.5 x the pool, so only
     POOL_MIB // CEIL_MIB of them would fit at their ceilings;
  2. they boot and sit idle; the memory policy balloons them down until
     their targets fit the pool;
  3. one of them (the hog) runs `memhog HOG_MIB` (the guest image's
     workload that takes memory in steps and keeps it); the policy takes
     memory from the idle ones (down to their floors) and gives it to the
     hog;
  4. throughout, the hypervisor's own balloon state of every guest
     (`:balloon` on its console) and muxd's dashboard are sampled.

The result (a dict) holds what the checks and the benchmark need: the
most guests running at once, how many fit at ceiling, OOM-killer lines and
crashes seen on the serial line, every floor crossing seen (events, usage
series, hypervisor), the memhog outcome, the targets before and after.
"""
import re
import time

from dom0_platform import IMAGES, Platform, Stop, domain_name, want
from hv_console import HvConsole
from qemu import QemuError

POOL_MIB, CEIL_MIB, FLOOR_MIB, N = 512, 256, 128, 3
# A 256 MiB guest has a MemTotal of about 206 MiB and uses about 45 at
# rest: 128 MiB more fits at its ceiling, not at a third of the pool.
HOG_MIB, HOG_STEP_MIB, HOG_PAUSE_S = 128, 16, 2
INTERVAL_S, STEP_MIB, HYSTERESIS_MIB = 6, 128, 8
MUXD_CONF = {
    "host-memory-mib": POOL_MIB,
    "sample-interval": 2,
    "balloon-interval": INTERVAL_S,
    "balloon-max-step-mib": STEP_MIB,
    "balloon-hysteresis-mib": HYSTERESIS_MIB,
    # a start that waits for memory is retried by the reconciler: every 5 s
    # here rather than 30, so the waiting guest starts soon after the room
    # is made
    "reconcile-interval": 5,
}
# QEMU's memory: dom0 (512 MiB), the hypervisor, and not much more than the
# pool, so that the sum of the ceilings exceeds what the host really has.
HOST_MEM = "1280M"

OOM_RX = r"invoked oom-killer|Out of memory|oom-kill:|oom_reaper"
CRASH_RX = r"domain d\d+ '(mux-[^']*)': crashed(.*)$"


def server_events(p, actions):
    """Every event whose action is in `actions`, oldest first."""
    items, cursor = [], None
    while True:
        q = "/v1/events?limit=1000" + (f"&cursor={cursor}" if cursor else "")
        page = want(p.api("GET", q), 200, "events")
        items += [e for e in page["items"] if e["action"] in actions]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def memory_events(p):
    """Every server.memory_target event, oldest first."""
    return server_events(p, ("server.memory_target",))


def oom_lines(lines):
    """Serial lines of customer guests that say the OOM killer ran."""
    return [l for l in lines if l.startswith("[d") and " mux-" in l and re.search(OOM_RX, l)]


class Scenario:
    def __init__(self, p):
        self.p, self.con = p, HvConsole(p.vm, qemu_mux=True)
        self.servers = []            # API server objects, with "domain"
        self.res = {"peak_running": 0, "fit": POOL_MIB // CEIL_MIB, "n": N,
                    "pool_mib": POOL_MIB, "ceiling_mib": CEIL_MIB, "floor_mib": FLOOR_MIB,
                    "floor_crossings": [], "samples": [], "phases": {}, "error": None,
                    "seen_waiting": set(), "seen_failed": []}

    # -- observation ---------------------------------------------------------

    def dashboard(self):
        d = want(self.p.api("GET", "/v1/dashboard"), 200, "dashboard")
        mine = {s["id"] for s in self.servers}
        return d, {r["id"]: r for r in d["servers"] if r["id"] in mine}

    def hv_states(self):
        """{domain name: balloon-state} from the hypervisor's console."""
        return {st["name"]: st for st in self.con.balloon_states().values()}

    def watch(self):
        """One look at muxd's dashboard: the running count, servers seen
        waiting for memory or failed."""
        d, rows = self.dashboard()
        running = sum(1 for r in rows.values() if r["state"] == "running")
        self.res["peak_running"] = max(self.res["peak_running"], running)
        for s in self.servers:
            r = rows.get(s["id"])
            if r and r["state"] == "waiting_for_memory":
                self.res["seen_waiting"].add(s["name"])
            if r and (r["phase"] == "error" or r["state"] == "crashed"):
                self.res["seen_failed"].append(f"{s['name']}: phase {r['phase']}, "
                                               f"state {r['state']}")
        return d, rows, running

    def sample(self, phase):
        """One look at muxd and at the hypervisor; records the running
        count and any floor crossed."""
        d, rows, running = self.watch()
        hv = self.hv_states()
        row = {"t": time.monotonic(), "phase": phase, "running": running, "servers": {}}
        for s in self.servers:
            r, st = rows.get(s["id"]), hv.get(s["domain"])
            cur = (st["ram_kib"] - st["ballooned_kib"]) // 1024 if st else None
            row["servers"][s["name"]] = {
                "target": r and r["mem_target_mib"], "mem": r and r["mem_mib"],
                "used": r and r["guest_used_mib"], "hv_target": st and st["target_kib"] // 1024,
                "hv_current": cur, "host_free": st and st["host_free_kib"] // 1024}
            if r and r["power"] == "running" and r["mem_target_mib"] < FLOOR_MIB:
                self.res["floor_crossings"].append(f"dashboard: {s['name']} target "
                                                   f"{r['mem_target_mib']} MiB")
            if st and st["target_kib"] < FLOOR_MIB * 1024:
                self.res["floor_crossings"].append(f"hypervisor: {s['name']} target "
                                                   f"{st['target_kib']} KiB")
            # the driver's balloon may lag the target, but never below the floor
            if cur is not None and cur < FLOOR_MIB:
                self.res["floor_crossings"].append(f"hypervisor: {s['name']} holds "
                                                   f"{cur} MiB (ceiling - balloon)")
        self.res["samples"].append(row)
        return d, rows, hv

    def wait(self, cond, timeout, what, phase, every=4):
        """Samples every `every` s until cond(dashboard, rows, hv) is true."""
        deadline = time.monotonic() + timeout
        while True:
            d, rows, hv = self.sample(phase)
            if cond(d, rows, hv):
                return d, rows, hv
            if time.monotonic() > deadline:
                raise Stop(f"{what} not within {timeout} s; last sample "
                           f"{self.res['samples'][-1]['servers']}")
            time.sleep(every)

    # -- steps ---------------------------------------------------------------

    def setup(self):
        pol = want(self.p.api("GET", "/v1/dashboard"), 200, "dashboard")["memory_policy"]
        if pol["pool_mib"] != POOL_MIB:
            raise Stop(f"muxd's pool is {pol['pool_mib']} MiB, not the configured {POOL_MIB}: "
                       f"muxd.conf not read? {pol}")
        plan = want(self.p.api("POST", "/v1/plans", body={
            "name": "oc", "vcpus": 1, "cpu_weight": 256, "mem_ceiling_mib": CEIL_MIB,
            "mem_floor_mib": FLOOR_MIB, "disk_gib": 1, "price_cents_month": 300}), 201, "plan")
        cust = want(self.p.api("POST", "/v1/customers",
                               body={"name": "OC", "email": "oc@x.example"}), 201, "customer")
        img = want(self.p.api("POST", "/v1/images", body={
            "name": "linux", "kind": "kernel", "os": "debian",
            "path": f"{IMAGES}/linux/bzImage", "initrd": f"{IMAGES}/linux/initramfs.cpio.gz",
            "cmdline": "console=ttyS0 quiet"}), 201, "image")
        return plan, cust, img

    def provision(self, plan, cust, img):
        t0 = time.monotonic()
        for i in range(N):
            name = "hog" if i == N - 1 else f"idle-{i + 1}"
            s = want(self.p.api("POST", "/v1/servers", body={
                "customer_id": cust["id"], "plan_id": plan["id"], "image_id": img["id"],
                "name": name}), 201, f"server {name}")
            s["domain"] = domain_name(s["uuid"])
            self.servers.append(s)
        # in any order: look at every line so far rather than wait in turn;
        # the third usually waits for memory to start (the two others were
        # just built at their ceilings), so the dashboard is watched too
        # (not the hypervisor's console: the input stays with dom0 while
        # the domains come up)
        want_ready = {s["domain"] for s in self.servers}
        deadline = time.monotonic() + 900
        last = 0
        while want_ready:
            if time.monotonic() - last >= 4:
                self.watch()
                last = time.monotonic()
            for l in list(self.p.vm.lines):
                m = re.match(r"\[d\d+ (mux-\S+)\] guest-ready: ", l)
                if m:
                    want_ready.discard(m.group(1))
            if self.p.vm.proc.poll() is not None or time.monotonic() > deadline:
                raise Stop(f"no guest-ready from {sorted(want_ready)}; last lines: "
                           f"{self.p.vm.tail()}")
            time.sleep(1)
        self.res["phases"]["boot_s"] = time.monotonic() - t0

    def quiet(self):
        """True once no memory_target event came for two balloon intervals
        (the policy has settled)."""
        n, now = len(memory_events(self.p)), time.monotonic()
        if n != getattr(self, "_n_events", None):
            self._n_events, self._n_since = n, now
        return now - self._n_since > 2 * INTERVAL_S + 2

    def idle_ballooned(self):
        """All running, targets within the pool, every balloon at its
        target, the policy settled."""
        def done(d, rows, hv):
            if len(rows) < N or any(r["state"] != "running" for r in rows.values()):
                return False
            tot = sum(r["mem_target_mib"] for r in rows.values())
            at = all(hv.get(s["domain"]) and
                     hv[s["domain"]]["ballooned_kib"] ==
                     hv[s["domain"]]["ram_kib"] - hv[s["domain"]]["target_kib"] and
                     hv[s["domain"]]["target_kib"] // 1024 == rows[s["id"]]["mem_target_mib"]
                     for s in self.servers)
            return self.quiet() and tot <= POOL_MIB and at
        t0 = time.monotonic()
        _, rows, _ = self.wait(done, 300, "idle guests ballooned into the pool, the policy "
                               "settled", "idle")
        self.res["phases"]["idle_settle_s"] = time.monotonic() - t0
        self.res["idle_targets"] = {s["name"]: rows[s["id"]]["mem_target_mib"]
                                    for s in self.servers}

    def hog(self):
        hog = self.servers[-1]
        self.con.focus_domain(hog["domain"])
        start = len(self.p.vm.lines)
        self.p.vm.sendline(f"memhog {HOG_MIB} {HOG_STEP_MIB} {HOG_PAUSE_S}")
        self.res["hog_start"] = time.monotonic()
        self.res["hog_start_unix"] = time.time()
        self.con.to_hv()
        rx = re.compile(rf"\[d\d+ {hog['domain']}\] memhog: (done|FAIL)(.*)$")

        def finished(d, rows, hv):
            for l in self.p.vm.lines[start:]:
                m = rx.search(l)
                if m:
                    self.res["memhog"] = m.group(1) + m.group(2)
                    return True
            return not any(r["state"] == "running" for r in rows.values())
        self.wait(finished, 600, "memhog to finish", "hog")
        self.res["phases"]["hog_s"] = time.monotonic() - self.res["hog_start"]
        self.res.setdefault("memhog", "no result: the guest stopped")

        # then the policy settles: no target moves for two intervals
        _, rows, hv = self.wait(lambda d, rows, hv: self.quiet(), 240,
                                "the memory policy to settle", "settle", every=3)
        self.res["final_targets"] = {s["name"]: rows[s["id"]]["mem_target_mib"]
                                     for s in self.servers}
        self.res["final_running"] = sum(1 for r in rows.values() if r["state"] == "running")
        self.res["final_used"] = {s["name"]: rows[s["id"]]["guest_used_mib"]
                                  for s in self.servers}

    def collect(self):
        """Events, usage series, console findings; leaves the console
        input with dom0 again."""
        ev = memory_events(self.p)
        ids = {s["id"]: s["name"] for s in self.servers}
        self.res["events"] = [dict(e["detail"], server=ids.get(e["object_id"]), time=e["time"])
                              for e in ev if e["object_id"] in ids]
        self.res["start_events"] = [
            dict(e["detail"] or {}, server=ids.get(e["object_id"]), time=e["time"],
                 action=e["action"])
            for e in server_events(self.p, ("server.waiting_for_memory", "server.memory_room",
                                            "server.started_after_wait"))
            if e["object_id"] in ids]
        for e in self.res["events"]:
            if e["to_mib"] < e["floor_mib"]:
                self.res["floor_crossings"].append(f"event: {e['server']} to {e['to_mib']} MiB")
        since = int(time.time()) - 1800
        for s in self.servers:
            pts = want(self.p.api("GET", f"/v1/servers/{s['id']}/usage?step=2&since={since}"),
                       200, "usage")["points"]
            for pt in pts:
                if pt["samples"] and pt["mem_target_mib"] and pt["mem_target_mib"] < FLOOR_MIB:
                    self.res["floor_crossings"].append(
                        f"usage: {s['name']} target {pt['mem_target_mib']} MiB at {pt['ts']}")
            self.res.setdefault("usage", {})[s["name"]] = pts
        lines = list(self.p.vm.lines)
        self.res["oom_lines"] = oom_lines(lines)
        self.res["crashes"] = [l for l in lines if re.search(CRASH_RX, l)]
        self.con.focus_domain("dom0")


def run_scenario(name="overcommit"):
    """Boots the platform, runs the scenario, returns the result dict
    (result["error"] says why it stopped early; the figures gathered until
    then are kept). Needs `build()` of dom0_platform to have run."""
    res = {"error": None, "oom_lines": [], "crashes": [], "peak_running": 0,
           "fit": POOL_MIB // CEIL_MIB, "n": N, "floor_crossings": [], "seen_waiting": set(),
           "seen_failed": []}
    try:
        with Platform(name, cpus=2, mem=HOST_MEM, muxd_conf=MUXD_CONF) as p:
            if p.ready["muxd"] != "running":
                res["error"] = f"dom0-ready says muxd={p.ready['muxd']}"
                return density(res)
            sc = Scenario(p)
            res = sc.res
            try:
                plan, cust, img = sc.setup()
                sc.provision(plan, cust, img)
                sc.idle_ballooned()
                sc.hog()
            except (Stop, QemuError, OSError) as e:   # OSError: the API went away
                res["error"] = f"{e} (QEMU exit status {p.vm.proc.poll()})"
            try:
                sc.collect()
            except (Stop, QemuError, OSError) as e:
                res["error"] = res["error"] or f"collecting: {e}"
                res.setdefault("oom_lines", oom_lines(list(p.vm.lines)))
                res.setdefault("crashes", [])
    except (QemuError, OSError) as e:
        res["error"] = f"platform: {e}"
    return density(res)


def density(res):
    res["peak_density"] = res["peak_running"] / res["fit"] if res.get("fit") else 0.0
    return res


def table(res):
    """The scenario as text: per server, targets idle / after the hog, and
    the totals."""
    out = [f"overcommit: pool {POOL_MIB} MiB, {N} guests of {FLOOR_MIB}-{CEIL_MIB} MiB "
           f"(ceilings {N * CEIL_MIB} MiB = {N * CEIL_MIB / POOL_MIB:.2f} x pool), "
           f"hog takes {HOG_MIB} MiB",
           f"{'server':<8} {'idle target':>11} {'final target':>12} {'guest used':>10}"]
    idle, final = res.get("idle_targets", {}), res.get("final_targets", {})
    used = res.get("final_used", {})
    for name in sorted(set(idle) | set(final)):
        out.append(f"{name:<8} {str(idle.get(name, '-')):>11} {str(final.get(name, '-')):>12} "
                   f"{str(used.get(name, '-')):>10}")
    out.append(f"peak running {res['peak_running']}, fit at ceiling {res['fit']}, density "
               f"{res['peak_density']:.2f}; memhog: {res.get('memhog', '-')}; OOM lines "
               f"{len(res['oom_lines'])}; crashes {len(res['crashes'])}; floor crossings "
               f"{len(res['floor_crossings'])}; waited to start: "
               f"{', '.join(sorted(res['seen_waiting'])) or '-'}; phases (s) "
               + ", ".join(f"{k}={v:.0f}" for k, v in res.get("phases", {}).items()))
    return "\n".join(out)
