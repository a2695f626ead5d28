"""Helpers for muxd's integration tests: start a real muxd on a real SQLite
file, talk HTTP to it over a socket, check answers against the OpenAPI
document, and report cases in the project's PASS/FAIL/SKIP protocol.
"""
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import muxd_openapi  # noqa: E402

ADMIN_TOKEN = "admin-" + "t3st" * 8


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        self.body = None
        ctype = headers.get("Content-Type", "")
        if raw and ctype.startswith("application/json"):
            self.body = json.loads(raw)

    @property
    def error(self):
        return (self.body or {}).get("error") or {}

    def __repr__(self):
        return f"<{self.status} {self.raw[:300]!r}>"


class Client:
    """One keep-alive HTTP connection to muxd; a thread of its own may hold one."""

    def __init__(self, port):
        self.port = port
        self.http = None

    def close(self):
        if self.http:
            self.http.close()
            self.http = None

    def request(self, method, path, token=ADMIN_TOKEN, body=None, raw=None, headers=None):
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = "Bearer " + token
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        for attempt in range(2):
            if self.http is None:
                self.http = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.http.request(method, path, body=data, headers=hdrs)
                r = self.http.getresponse()
                payload = r.read().decode(errors="replace")
                return Response(r.status, r.headers, payload)
            except (http.client.HTTPException, ConnectionError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def post(self, path, body, token=ADMIN_TOKEN):
        return self.request("POST", path, token, body=body)


class Muxd:
    """One muxd process with its own directory, store and port."""

    def __init__(self, binary=None, uri="test:///default", args=(), workdir=None, env=None,
                 wrap=None):
        self.binary = binary or os.path.join(ROOT, "build", "muxd-asan")
        self.dir = workdir or tempfile.mkdtemp(prefix="muxd-test-")
        self.own_dir = workdir is None
        self.port = free_port()
        self.uri = uri
        self.args = list(args)
        self.env = dict(os.environ, **(env or {}))
        self.env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        self.proc = None
        self.log_path = os.path.join(self.dir, "muxd.log")
        with open(os.path.join(self.dir, "admin.token"), "w") as f:
            f.write(ADMIN_TOKEN + "\n")
        self.conn = None
        self.wrap = wrap  # function(cmd) -> cmd, e.g. to run muxd as another user

    @property
    def db(self):
        return os.path.join(self.dir, "muxd.db")

    def command(self):
        return [self.binary, "--listen", f"127.0.0.1:{self.port}", "--db", self.db,
                "--libvirt-uri", self.uri, "--state-dir", os.path.join(self.dir, "state"),
                "--admin-token-file", os.path.join(self.dir, "admin.token")] + self.args

    def start(self, timeout=20):
        self.log = open(self.log_path, "a")
        cmd = self.wrap(self.command()) if self.wrap else self.command()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"muxd exited with {self.proc.returncode}: {self.tail()}")
            try:
                if self.get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("muxd did not answer /healthz: " + self.tail())

    def tail(self, n=15):
        try:
            with open(self.log_path, errors="replace") as f:
                return " | ".join(f.read().splitlines()[-n:])
        except OSError:
            return ""

    def stop(self, timeout=30):
        """SIGTERM and wait; returns the exit code."""
        self._close_conn()
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("muxd did not stop within %ds of SIGTERM" % timeout)
        self.log.close()
        return self.proc.returncode

    def kill(self):
        self._close_conn()
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def cleanup(self):
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _close_conn(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def request(self, method, path, token=ADMIN_TOKEN, body=None, raw=None, headers=None):
        if self.conn is None:
            self.conn = Client(self.port)
        return self.conn.request(method, path, token, body, raw, headers)

    def get(self, path, token=ADMIN_TOKEN):
        return self.request("GET", path, token)

    def post(self, path, body, token=ADMIN_TOKEN):
        return self.request("POST", path, token, body=body)


class Cases:
    """Prints PASS/FAIL/SKIP lines; a case fails at its first failed check."""

    def __init__(self):
        self.failed = 0

    @contextlib.contextmanager
    def case(self, name):
        try:
            yield
            print(f"PASS {name}", flush=True)
        except Skip as s:
            print(f"SKIP {name}: {s}", flush=True)
        except Exception as e:  # noqa: BLE001 - any error fails the case, with its reason
            self.failed += 1
            frames = [f for f in traceback.extract_tb(e.__traceback__)
                      if not f.filename.endswith("muxd_client.py")]
            where = frames[-1] if frames else traceback.extract_tb(e.__traceback__)[-1]
            why = str(e).replace("\n", " ")[:400]
            print(f"FAIL {name}: {type(e).__name__} at line {where.lineno}: {why}", flush=True)

    def exit_code(self):
        return 1 if self.failed else 0


class Skip(Exception):
    pass


def check(cond, why):
    if not cond:
        raise AssertionError(why)


def expect(resp, status, code=None, field=None):
    """Asserts the status (and the error code and field for errors)."""
    check(resp.status == status, f"expected {status}, got {resp!r}")
    if code is not None:
        check(resp.error.get("code") == code, f"expected error code {code}, got {resp!r}")
    if field is not None:
        check(resp.error.get("field") == field, f"expected field {field}, got {resp!r}")
    return resp.body


def wait_for(fn, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def openapi():
    return muxd_openapi.Spec(os.path.join(ROOT, "docs", "api", "openapi.yaml"))
