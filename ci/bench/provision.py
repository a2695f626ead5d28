#!/usr/bin/env python3
"""make bench-provision: servers created per second through muxd's API on
the real hypervisor, and the time from the API call to the guest's first
console line.

Boots the platform as `make run` does (ci/lib/dom0_platform.py), registers
the `hello` test kernel dom0's image carries, then creates N servers one
after another from the host (POST /v1/servers, each answered once the
domain runs: muxd uploads the image once, then DOMAIN_CREATE and UNPAUSE).
For each server it prints the API call's duration and the delay from the
call to the first line of the guest's console on the hypervisor's serial
line (stamped as it reaches the host). Then it deletes them. The last line
is
    provision-bench: per_s=<n> first_output_ms=<median>
Figures come from QEMU's software emulation (nested: the API runs in dom0,
itself a guest of the hypervisor under TCG) and vary with the host's load.
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from dom0_platform import IMAGES, Platform, build, domain_name  # noqa: E402

N = int(os.environ.get("PROVISION_N", "12"))


def must(status_body, code, what):
    status, body = status_body
    if status != code:
        sys.exit(f"bench-provision: {what}: HTTP {status} {str(body)[:300]}")
    return body


def first_line_after(vm, domain, since, timeout=120):
    """Time (monotonic) of the first console line of the domain named
    `domain` that arrived after since."""
    deadline = time.monotonic() + timeout
    tag = f" {domain}] "
    while time.monotonic() < deadline:
        for text, when in zip(list(vm.lines), list(vm.line_times)):
            if when >= since and tag in text and text.startswith("[d"):
                return when
        time.sleep(0.05)
    return None


def main():
    why = build()
    if why:
        sys.exit(f"bench-provision: {why}")
    with Platform("bench-provision", cpus=2, mem="2G") as p:
        if p.ready["muxd"] != "running":
            sys.exit(f"bench-provision: dom0-ready says muxd={p.ready['muxd']}")
        plan = must(p.api("POST", "/v1/plans", body={
            "name": "bench", "vcpus": 1, "cpu_weight": 256, "mem_ceiling_mib": 64,
            "mem_floor_mib": 64, "disk_gib": 1, "price_cents_month": 100}), 201, "plan")
        cust = must(p.api("POST", "/v1/customers",
                          body={"name": "bench", "email": "bench@x.example"}), 201, "customer")
        img = must(p.api("POST", "/v1/images", body={
            "name": "hello", "kind": "kernel", "os": "test-kernel",
            "path": f"{IMAGES}/test-kernels/hello.elf"}), 201, "image")
        print(f"{'server':<10} {'api_ms':>8} {'first_output_ms':>16}")
        rows, servers = [], []
        start = time.monotonic()
        for i in range(N):
            t0 = time.monotonic()
            s = must(p.api("POST", "/v1/servers", body={
                "customer_id": cust["id"], "plan_id": plan["id"], "image_id": img["id"],
                "name": f"bench-{i}"}), 201, f"server bench-{i}")
            t1 = time.monotonic()
            servers.append((s, t0))
            rows.append([f"bench-{i}", (t1 - t0) * 1000, None])
        total = time.monotonic() - start
        for row, (s, t0) in zip(rows, servers):
            seen = first_line_after(p.vm, domain_name(s["uuid"]), t0)
            row[2] = (seen - t0) * 1000 if seen else None
            first = f"{row[2]:.0f}" if row[2] is not None else "-"
            print(f"{row[0]:<10} {row[1]:>8.0f} {first:>16}", flush=True)
        for s, _ in servers:
            p.api("DELETE", f"/v1/servers/{s['id']}")
        firsts = [r[2] for r in rows if r[2] is not None]
        if len(firsts) < len(rows):
            print(f"# {len(rows) - len(firsts)} servers printed nothing within 120 s",
                  file=sys.stderr)
        median = statistics.median(firsts) if firsts else float("nan")
        print(f"provision-bench: per_s={N / total:.2f} first_output_ms={median:.0f}")


if __name__ == "__main__":
    main()
