#!/usr/bin/env python3
# timeout: 180
# exclusive
"""Crash test: muxd is killed with SIGKILL at random moments while a client
provisions and deletes servers in a loop, and restarted each time. The
domains live in a real libvirtd started by this test (libvirt's test
driver hosted in the daemon, so they outlive each muxd). Afterwards:

  * every acknowledged create (201) not later deleted is in the store,
    active, and its domain exists and runs;
  * every acknowledged delete (204) is gone from the store and libvirt;
  * nothing is half-done (no provisioning/deleting rows) and store and
    libvirt hold exactly the same set of servers: no orphan domain, no row
    without a domain, no duplicate;
  * the SQLite file passes integrity_check and foreign_key_check.
"""
import os
import random
import sqlite3
import sys
import threading
import time
from http.client import HTTPException as http_errors

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from muxd_client import ROOT, Cases, Client, Muxd, check, expect, wait_for  # noqa: E402
from muxd_libvirtd import Libvirtd, tear_down  # noqa: E402

DURATION = 40          # seconds of provisioning under fire
KILL_GAP = (0.3, 1.5)  # seconds between kills


class Ledger:
    """What the client was told: the truth the store must keep."""

    def __init__(self):
        self.created = {}     # id -> name, acknowledged 201
        self.deleted = set()  # ids, acknowledged 204
        self.maybe_deleted = set()  # ids whose delete was cut off: either outcome is allowed
        self.unknown = 0      # requests cut off by a kill: either outcome is allowed
        self.lock = threading.Lock()


def client(m, world, ledger, stop):
    rng = random.Random(5)
    http = Client(m.port)
    n = 0
    while not stop.is_set():
        alive = sorted(set(ledger.created) - ledger.deleted - ledger.maybe_deleted)
        sid = None
        try:
            if alive and (len(alive) > 12 or rng.random() < 0.4):
                sid = rng.choice(alive)
                ledger.maybe_deleted.add(sid)
                r = http.request("DELETE", f"/v1/servers/{sid}")
                ledger.maybe_deleted.discard(sid)
                if r.status == 204:
                    ledger.deleted.add(sid)
                elif r.status == 404:
                    # a delete the kill cut off had been done already
                    ledger.deleted.add(sid)
            else:
                n += 1
                name = f"crash-{n}"
                r = http.post("/v1/servers", {"customer_id": world["customer"], "plan_id": world["plan"],
                                           "image_id": world["image"], "name": name})
                if r.status == 201:
                    ledger.created[r.body["id"]] = name
                elif r.status == 409 and r.error.get("code") == "name_taken":
                    pass  # an earlier, cut-off create of this name did happen
                elif r.status not in (201,):
                    raise AssertionError(f"unexpected answer {r!r}")
        except (OSError, ConnectionError, http_errors):
            ledger.unknown += 1
            time.sleep(0.05)   # muxd is down; the killer restarts it
        except Exception as e:  # noqa: BLE001
            ledger.error = e
            return


def killer(m, stop, counts):
    rng = random.Random(11)
    while not stop.is_set():
        time.sleep(rng.uniform(*KILL_GAP))
        m.kill()
        counts["kills"] += 1
        m.start()


def main():
    t = Cases()
    lv = Libvirtd()
    m = Muxd(binary=os.path.join(ROOT, "build", "muxd"), uri=lv.test_uri(),
             args=["--reconcile-interval", "2", "--sample-interval", "5",
                   "--host-cpus", "64", "--host-memory-mib", "1048576"])
    kernel = os.path.join(m.dir, "vmlinuz")
    with open(kernel, "wb") as f:
        f.truncate(4096)
    ledger, counts = Ledger(), {"kills": 0}
    try:
        with t.case("crash_setup_real_libvirtd"):
            lv.start()
            m.start()
            c = expect(m.post("/v1/customers", {"name": "Crash", "email": "c@x.example"}), 201)
            img = expect(m.post("/v1/images", {"name": "k", "kind": "kernel", "path": kernel}), 201)
            plan = next(p for p in expect(m.get("/v1/plans"), 200)["items"] if p["name"] == "nano")
            world = {"customer": c["id"], "image": img["id"], "plan": plan["id"]}
        with t.case("crash_sigkill_loop"):
            stop = threading.Event()
            th = [threading.Thread(target=client, args=(m, world, ledger, stop)),
                  threading.Thread(target=killer, args=(m, stop, counts))]
            for x in th:
                x.start()
            time.sleep(DURATION)
            stop.set()
            for x in th:
                x.join(60)
            check(not getattr(ledger, "error", None), f"client: {getattr(ledger, 'error', None)}")
            check(counts["kills"] >= 15, f"only {counts['kills']} kills")
            check(len(ledger.created) >= 10 and ledger.deleted, (len(ledger.created), len(ledger.deleted)))
            print(f"# kills={counts['kills']} created={len(ledger.created)} deleted={len(ledger.deleted)} "
                  f"cut_off={ledger.unknown}", flush=True)
        with t.case("crash_acknowledged_requests_kept"):
            m.kill()
            m.start()     # the start-up reconciler pass runs before the API answers
            rows = {s["id"]: s for s in expect(m.get("/v1/servers?limit=1000"), 200)["items"]}
            for sid, name in ledger.created.items():
                if sid in ledger.maybe_deleted:
                    continue
                if sid in ledger.deleted:
                    check(sid not in rows, f"deleted server {sid} is back")
                else:
                    check(sid in rows and rows[sid]["name"] == name, f"acknowledged server {sid} lost")
            check(all(s["phase"] == "active" for s in rows.values()),
                  [s for s in rows.values() if s["phase"] != "active"])
        with t.case("crash_store_and_libvirt_agree"):
            doms = lv.domains(lv.test_uri())
            ours = {n[4:]: st for n, st in doms.items() if n.startswith("mux-")}
            uuids = {s["uuid"]: s for s in rows.values()}
            check(set(ours) == set(uuids), f"store-only {set(uuids) - set(ours)}, "
                                           f"libvirt-only {set(ours) - set(uuids)}")
            check(all(st == "running" for st in ours.values()), ours)
            names = [s["name"] for s in rows.values()]
            check(len(names) == len(set(names)), "duplicate server names")
        with t.case("crash_reconciler_repairs_changes_behind_its_back"):
            # a guest that died, a domain removed by hand, an orphan that no row claims
            ids = sorted(rows)
            died, gone = rows[ids[0]], rows[ids[1]]
            check(lv.virsh("destroy", "mux-" + died["uuid"], uri=lv.test_uri()).returncode == 0, "destroy")
            lv.virsh("destroy", "mux-" + gone["uuid"], uri=lv.test_uri())
            check(lv.virsh("undefine", "mux-" + gone["uuid"], uri=lv.test_uri()).returncode == 0, "undefine")
            orphan = "mux-00000000-0000-4000-8000-00000000beef"
            xml = os.path.join(m.dir, "orphan.xml")
            with open(xml, "w") as f:
                f.write(f"<domain type='test'><name>{orphan}</name><uuid>{orphan[4:]}</uuid>"
                        "<memory>65536</memory><os><type>hvm</type></os></domain>")
            check(lv.virsh("define", xml, uri=lv.test_uri()).returncode == 0, "define orphan")

            def repaired():
                d = lv.domains(lv.test_uri())
                return (d.get("mux-" + died["uuid"]) == "running" and
                        d.get("mux-" + gone["uuid"]) == "running" and orphan not in d)
            wait_for(repaired, 20, "the reconciler to repair all three")
            ev = expect(m.get("/v1/events?limit=1000&cursor=0"), 200)
            acts = set()
            while True:
                acts |= {(e["action"], e["object_id"]) for e in ev["items"] if e["actor"] == "muxd"}
                if not ev["next_cursor"]:
                    break
                ev = expect(m.get(f"/v1/events?limit=1000&cursor={ev['next_cursor']}"), 200)
            check(("server.restarted", died["id"]) in acts and ("server.recreated", gone["id"]) in acts,
                  sorted(a for a in acts if a[1] in (died["id"], gone["id"])))
        with t.case("crash_libvirtd_restart_reconnects_and_converges"):
            # the test driver's domains live in libvirtd's memory: a restart loses them all
            lv.restart()
            want = {s["uuid"] for s in expect(m.get("/v1/servers?limit=1000"), 200)["items"]}

            def converged():
                d = lv.domains(lv.test_uri())
                have = {n[4:] for n, st in d.items() if n.startswith("mux-") and st == "running"}
                return have == want
            wait_for(converged, 30, "muxd to reconnect and recreate every domain", interval=0.5)
            with open(m.log_path) as f:
                check("connection lost and reopened" in f.read(), "no reconnect logged")
        with t.case("crash_sqlite_file_intact"):
            code = m.stop()
            check(code == 0, f"muxd exit {code}")
            db = sqlite3.connect(m.db)
            check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check")
            check(db.execute("PRAGMA foreign_key_check").fetchall() == [], "foreign_key_check")
            n = db.execute("SELECT count(*) FROM servers").fetchone()[0]
            check(n == len(rows), (n, len(rows)))
            db.close()
    finally:
        tear_down(t, m, lv)
    return t.exit_code()


if __name__ == "__main__":
    sys.exit(main())
