"""A private libvirtd for muxd's tests, started and stopped by the test.

It runs as the unprivileged user `nobody` in session mode, with every
directory (sockets, state, logs, config) under one temporary folder: it
needs no system configuration (no qemu.conf user, no /var/run/libvirt), and
two tests can each have their own. Root (the test, or a muxd run as root)
may still connect through the socket; QEMU domains run as `nobody`, so the
files they open must be readable by it.

URIs: qemu_uri() for QEMU (TCG: there is no KVM here) and test_uri() for
libvirt's test driver hosted in this daemon, whose domains (unlike
test:///default's) outlive the client that made them.
"""
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time

NOBODY = pwd.getpwnam("nobody")


def as_nobody(cmd, env):
    return ["setpriv", f"--reuid={NOBODY.pw_uid}", f"--regid={NOBODY.pw_gid}",
            "--clear-groups", "env"] + [f"{k}={v}" for k, v in env.items()] + cmd


def chown_nobody(path):
    for root, dirs, files in os.walk(path):
        for n in dirs + files:
            os.lchown(os.path.join(root, n), NOBODY.pw_uid, NOBODY.pw_gid)
    os.chown(path, NOBODY.pw_uid, NOBODY.pw_gid)


class Libvirtd:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="muxd-libvirtd-")
        os.chmod(self.dir, 0o755)
        self.env = {"HOME": f"{self.dir}/home", "XDG_RUNTIME_DIR": f"{self.dir}/run",
                    "XDG_CONFIG_HOME": f"{self.dir}/config", "XDG_CACHE_HOME": f"{self.dir}/cache",
                    "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        for d in ("home", "run", "config", "cache"):
            os.makedirs(f"{self.dir}/{d}", mode=0o700)
        chown_nobody(self.dir)
        self.proc = None
        self.log_path = f"{self.dir}/libvirtd.log"

    @property
    def socket(self):
        return f"{self.dir}/run/libvirt/libvirt-sock"

    def qemu_uri(self):
        return f"qemu+unix:///session?socket={self.socket}"

    def test_uri(self):
        return f"test+unix:///default?socket={self.socket}"

    def start(self, timeout=30):
        if not shutil.which("libvirtd") and not os.path.exists("/usr/sbin/libvirtd"):
            raise RuntimeError("libvirtd is not installed (ci/deps.sh: libvirt-daemon)")
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(as_nobody(["/usr/sbin/libvirtd", "--timeout", "0"], self.env),
                                     stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("libvirtd exited: " + self.tail())
            if os.path.exists(self.socket) and self.virsh("uri", uri=self.qemu_uri()).returncode == 0:
                return self
            time.sleep(0.2)
        raise RuntimeError("libvirtd did not come up: " + self.tail())

    def virsh(self, *args, uri=None):
        return subprocess.run(["virsh", "-q", "-c", uri or self.qemu_uri()] + list(args),
                              capture_output=True, text=True, timeout=60)

    def domains(self, uri):
        """{name: state} of every domain, as libvirt itself reports it."""
        r = self.virsh("list", "--all", uri=uri)
        if r.returncode != 0:
            raise RuntimeError("virsh list failed: " + r.stderr)
        out = {}
        for line in r.stdout.splitlines():
            parts = line.split(None, 2)
            if len(parts) == 3:
                out[parts[1]] = parts[2].strip()
        return out

    def tail(self, n=10):
        try:
            with open(self.log_path, errors="replace") as f:
                return " | ".join(f.read().splitlines()[-n:])
        except OSError:
            return ""

    def stop(self):
        """Powers off what is left (libvirt ends its own QEMU processes), then stops."""
        if not self.proc or self.proc.poll() is not None:
            return
        for uri in (self.qemu_uri(), self.test_uri()):
            try:
                for name, state in self.domains(uri).items():
                    if state != "shut off":
                        self.virsh("destroy", name, uri=uri)
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def restart(self):
        """Stops libvirtd as a crash or an upgrade would (domains left as they are) and starts it."""
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)
        self.start()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def tear_down(cases, muxd, libvirtd):
    """Stops muxd and libvirtd; keeps their folders for a look when a case failed."""
    muxd.kill()
    libvirtd.stop()
    if cases.failed:
        print(f"# kept {muxd.dir} and {libvirtd.dir}", file=sys.stderr)
    else:
        muxd.cleanup()
        libvirtd.cleanup()
