#!/usr/bin/env python3
"""Runs every test program of the project and prints one summary line.

Test programs are found, not listed, so that each part of the tree adds its
tests without touching a shared list:

  build/tests/unit/*        host unit-test binaries (built by `make unit-tests`)
  ci/tests/*.py, *.sh       integration tests (QEMU, real HTTP, libvirt)

Protocol: a test program prints one line per test case on stdout,
`PASS <name>`, `FAIL <name>: <why>` or `SKIP <name>: <why>`. A program that
exits non-zero without printing a FAIL line, prints nothing at all, or runs
past its time limit counts as one failure of its own, so a crash can never
pass for success.

Header comments an integration test may carry (in its first 20 lines):
  # timeout: <seconds>   time limit (default 300)
  # exclusive            run alone, not beside another test (CPU-heavy QEMU)

Everything a program prints goes to build/test-logs/<program>.log. The last
line printed is `N passed, N failed` (`, N skipped` when any were skipped).
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGS = os.path.join(ROOT, "build", "test-logs")
DEFAULT_TIMEOUT = 300
JOBS = int(os.environ.get("TEST_JOBS", "2"))
LINE = re.compile(r"^(PASS|FAIL|SKIP) (\S+)(?::\s*(.*))?$")

print_lock = threading.Lock()


def headers(path):
    """Reads the `# timeout:` and `# exclusive` headers of a script."""
    timeout, exclusive = DEFAULT_TIMEOUT, False
    if path.endswith((".py", ".sh")):
        with open(path, errors="replace") as f:
            for _ in range(20):
                line = f.readline()
                m = re.match(r"#\s*timeout:\s*(\d+)", line)
                if m:
                    timeout = int(m.group(1))
                if re.match(r"#\s*exclusive\b", line):
                    exclusive = True
    return timeout, exclusive


def discover(patterns):
    progs = []
    unit_dir = os.path.join(ROOT, "build", "tests", "unit")
    if os.path.isdir(unit_dir):
        for name in sorted(os.listdir(unit_dir)):
            p = os.path.join(unit_dir, name)
            if os.access(p, os.X_OK) and os.path.isfile(p):
                progs.append(p)
    tdir = os.path.join(ROOT, "ci", "tests")
    for name in sorted(os.listdir(tdir)):
        if name.endswith((".py", ".sh")):
            progs.append(os.path.join(tdir, name))
    if patterns:
        # against the path inside the tree: a worktree's own path must not match
        progs = [p for p in progs
                 if any(re.search(pat, os.path.relpath(p, ROOT)) for pat in patterns)]
    return progs


def run_one(prog):
    timeout, _ = headers(prog)
    name = os.path.basename(prog)
    log_path = os.path.join(LOGS, name + ".log")
    results = []
    start = time.monotonic()
    with open(log_path, "w") as log:
        try:
            proc = subprocess.run([prog], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=log, timeout=timeout, text=True,
                                  errors="replace", start_new_session=True)
            out, code = proc.stdout, proc.returncode
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            code = None
        log.write(out)
    for line in out.splitlines():
        m = LINE.match(line.strip())
        if m:
            results.append((m.group(1), m.group(2), m.group(3) or ""))
    failed_lines = any(r[0] == "FAIL" for r in results)
    if code is None:
        results.append(("FAIL", name, f"timed out after {timeout}s"))
    elif code != 0 and not failed_lines:
        results.append(("FAIL", name, f"exited with code {code} without a FAIL line"))
    elif not results:
        results.append(("FAIL", name, "printed no PASS/FAIL/SKIP line"))
    elapsed = time.monotonic() - start
    with print_lock:
        for status, case, why in results:
            print(f"{status} {case}" + (f": {why}" if why else ""), flush=True)
        print(f"# {name}: {elapsed:.1f}s (log: build/test-logs/{name}.log)", flush=True)
    return results


def main():
    os.makedirs(LOGS, exist_ok=True)
    progs = discover(sys.argv[1:])
    shared = [p for p in progs if not headers(p)[1]]
    exclusive = [p for p in progs if headers(p)[1]]
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        for r in pool.map(run_one, shared):
            results.extend(r)
    for p in exclusive:
        results.extend(run_one(p))
    passed = sum(1 for r in results if r[0] == "PASS")
    failed = sum(1 for r in results if r[0] == "FAIL")
    skipped = sum(1 for r in results if r[0] == "SKIP")
    if failed:
        print("Failed:")
        for r in results:
            if r[0] == "FAIL":
                print(f"  {r[1]}: {r[2]}")
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
