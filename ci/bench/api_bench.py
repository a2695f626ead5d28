#!/usr/bin/env python3
"""make bench-api: muxd's API throughput against what libmicrohttpd itself
does on this machine.

1. Starts build/muxd (the -O2 build) on a fresh store with libvirt's
   test:///default driver and provisions 1000 servers one after another
   through the API (provision_per_s: each one row, audit event, domain
   definition and start, all committed to disk before the answer).
2. Runs wrk (2 threads, 64 connections) on GET /v1/servers?limit=100,
   GET /v1/plans (admin token), and the same client on
   build/bench/api-ceiling, a libmicrohttpd server with the same threading
   answering a fixed body: three rounds of 5 s each, the three targets
   taking turns, so that a change in the machine's background load hits
   all of them alike; each target's median round counts.
3. Fills the store with a week of usage for the 1000 servers as the
   sampler's retention leaves it (an hour of 5 s samples, two days of
   5-minute rows, a week of hourly rows) and times a week's query of one
   server; reports rows and the store's size.
4. Prints req/s and p99 for each and, last,
   api-bench: list_rps=<n> ceiling_rps=<n> ratio=<x> provision_per_s=<n>
   (ratio = list_rps / ceiling_rps).
Benchmarks never gate CI; this prints numbers only.
"""
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from muxd_client import ADMIN_TOKEN, ROOT, Muxd, free_port  # noqa: E402

SERVERS = 1000
WRK = ["wrk", "-t2", "-c64", "-d3s", "--latency"]
ROUNDS = 5


def wrk(url, token=None):
    """(requests/s, p99 ms, non-2xx count) of one wrk run after a short warm-up."""
    hdr = ["-H", f"Authorization: Bearer {token}"] if token else []
    subprocess.run(["wrk", "-t2", "-c64", "-d1s"] + hdr + [url], capture_output=True, check=True)
    out = subprocess.run(WRK + hdr + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, p99, int(bad.group(1)) if bad else 0


def median(results):
    """The run with the median req/s (its own p99 and error count)."""
    return sorted(results)[len(results) // 2]


def fill(m):
    """Provisions SERVERS servers; returns servers per second."""
    c = m.post("/v1/customers", {"name": "Bench", "email": "bench@x.example"}).body
    kernel = os.path.join(m.dir, "vmlinuz")
    with open(kernel, "wb") as f:
        f.truncate(4096)
    img = m.post("/v1/images", {"name": "k", "kind": "kernel", "path": kernel}).body
    plan = next(p for p in m.get("/v1/plans").body["items"] if p["name"] == "nano")
    t0 = time.monotonic()
    for i in range(SERVERS):
        r = m.post("/v1/servers", {"customer_id": c["id"], "plan_id": plan["id"],
                                   "image_id": img["id"], "name": f"bench-{i}"})
        if r.status != 201:
            raise SystemExit(f"provisioning failed: {r!r}")
    return SERVERS / (time.monotonic() - t0)


def fill_usage(m):
    """A week of usage for every server, shaped as retention keeps it. Returns rows written."""
    import sqlite3
    now = int(time.time())
    db = sqlite3.connect(m.db, timeout=30)
    db.execute("PRAGMA synchronous=OFF")
    ids = [r[0] for r in db.execute("SELECT id FROM servers")]
    tiers = ((0, 5, 3600), (300, 300, 2 * 86400), (3600, 3600, 7 * 86400))
    rows = 0
    for sid in ids:
        batch = []
        for tier, step, keep in tiers:
            for ts in range(now - keep, now, step):
                batch.append((sid, tier, ts - ts % step, (ts * 7 + sid) % 10000, ts % 300,
                              256, 512, 1000, 2000, 3000, 4000, 1 if tier == 0 else step // 5))
        db.executemany("INSERT OR REPLACE INTO usage VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", batch)
        rows += len(batch)
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return rows


def usage_query_ms(m, sid):
    """Median time of a week's query at hourly steps, over 50 calls."""
    since = int(time.time()) - 7 * 86400
    times = []
    for _ in range(50):
        t0 = time.monotonic()
        r = m.get(f"/v1/servers/{sid}/usage?since={since}&step=3600")
        times.append((time.monotonic() - t0) * 1000)
        if r.status != 200 or len(r.body["points"]) < 160:
            raise SystemExit(f"usage query failed: {r!r}")
    return sorted(times)[len(times) // 2]


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (ci/deps.sh)")
    m = Muxd(binary=os.path.join(ROOT, "build", "muxd"),
             args=["--host-cpus", "256", "--host-memory-mib", "4194304", "--sample-interval", "60",
                   "--reconcile-interval", "600", "--log-level", "warn", "--http-threads", "2"])
    ceiling_port = free_port()
    ceiling = subprocess.Popen([os.path.join(ROOT, "build", "bench", "api-ceiling"), str(ceiling_port)])
    try:
        m.start()
        prov = fill(m)
        base = f"http://127.0.0.1:{m.port}"
        targets = [("GET /v1/servers?limit=100", base + "/v1/servers?limit=100", ADMIN_TOKEN),
                   ("GET /v1/plans", base + "/v1/plans", ADMIN_TOKEN),
                   ("ceiling (fixed body)", f"http://127.0.0.1:{ceiling_port}/", None)]
        runs = {name: [] for name, _, _ in targets}
        for _ in range(ROUNDS):
            for name, url, token in targets:
                runs[name].append(wrk(url, token))
        rows = [(name, median(runs[name])) for name, _, _ in targets]
        usage_rows = fill_usage(m)
        week_ms = usage_query_ms(m, 500)
        db_mib = os.path.getsize(m.db) / 2 ** 20
    finally:
        ceiling.terminate()
        ceiling.wait()
        m.stop()
        m.cleanup()
    print(f"{'endpoint':<28} {'req/s':>10} {'p99 ms':>8} {'non-2xx':>8}")
    for name, (rps, p99, bad) in rows:
        print(f"{name:<28} {rps:>10.0f} {p99:>8.2f} {bad:>8}")
    print(f"{'provision (sequential)':<28} {prov:>10.1f} servers/s")
    print(f"usage: {SERVERS} servers x 1 week as retained = {usage_rows} rows, store {db_mib:.0f} MiB, "
          f"one server's week at 1 h steps: {week_ms:.1f} ms (median of 50)")
    if any(bad for _, (_, _, bad) in rows):
        raise SystemExit("some answers were errors; the numbers above are not valid")
    list_rps, ceil_rps = rows[0][1][0], rows[2][1][0]
    print(f"api-bench: list_rps={list_rps:.0f} ceiling_rps={ceil_rps:.0f} "
          f"ratio={list_rps / ceil_rps:.3f} provision_per_s={prov:.1f}")


if __name__ == "__main__":
    main()
