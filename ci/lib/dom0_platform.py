"""The whole platform in QEMU, as `make run` boots it: the hypervisor from
the ISO's default GRUB entry, dom0 (its image from `make dom0-image`) with
a virtio-net-pci NIC on QEMU's user network (muxd's API port forwarded to
a free host port) and a virtio-blk-pci data disk.

    with Platform("e2e", mem="2G") as p:      # builds, boots, waits for dom0
        status, body = p.api("GET", "/v1/host")
        p.dom0("muxctl list")                  # a command on dom0's console

Used by the end-to-end tests and `make bench-provision`.
"""
import json
import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu import ROOT, Qemu, QemuError  # noqa: E402
from muxvisor import PANIC, READY, dump_domains  # noqa: E402

ISO = os.path.join(ROOT, "build", "muxvisor.iso")
RUN_QEMU = os.path.join(ROOT, "ci", "run-qemu.sh")
# dom0's console lines reach the hypervisor's serial line as "[d0 dom0] ...".
DOM0_READY = r"dom0-ready: ip=(\S+) muxd=(\S+) disk=(\S+)$"
DOM0_FAILED = r"dom0-failed: (.*)$"
TOKEN = r"dom0: admin token: (\S+)$"
# Where dom0's image puts the guest images it carries (dom0/image).
IMAGES = "/var/lib/muxvisor/images"


def make(*targets):
    """Runs make; None, or why it failed."""
    r = subprocess.run(["make", "--no-print-directory", *targets], cwd=ROOT,
                       stdout=sys.stderr, stderr=sys.stderr, timeout=1800)
    return None if r.returncode == 0 else f"make {' '.join(targets)} exited with {r.returncode}"


def build():
    """dom0's programs and image, then the ISO that carries them (a second
    make: the ISO rule sees the image's files only once they exist)."""
    return make("dom0-bins") or make("dom0-image") or make(os.path.relpath(ISO, ROOT))


def domain_name(uuid):
    """muxd's hypervisor name of a server (dom0/agent/driver_muxvisor.h):
    "mux-" and the UUID's 128 bits, then two zero bits, in base32hex."""
    v = int(uuid.replace("-", ""), 16) << 2
    digits = "0123456789abcdefghijklmnopqrstuv"
    return "mux-" + "".join(digits[(v >> (5 * (25 - i))) & 31] for i in range(26))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, method, path, token=None, body=None, timeout=60):
    """(status, parsed JSON or text) of one request to 127.0.0.1:port."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


class Stop(Exception):
    """A step of a platform test failed; the steps after it cannot run."""


def want(status_body, code, what):
    """The body of an API answer (status, body), if its status is code."""
    status, body = status_body
    if status != code:
        raise Stop(f"{what}: HTTP {status} {str(body)[:300]}")
    return body


def data_disk(path, size, work, muxd_conf):
    """A data disk that already holds muxd.conf: dom0 keeps any ext4 disk
    it finds (docs/dom0-image.md), seeds the images and the admin token on
    it as on an empty one, and its supervisor starts muxd with --config
    when the file is there. mke2fs -d fills the filesystem from a directory
    without root."""
    seed = os.path.join(work, "disk-seed")
    os.makedirs(seed, exist_ok=True)
    with open(os.path.join(seed, "muxd.conf"), "w") as f:
        f.write("# written by ci/lib/dom0_platform.py\n")
        for k, v in muxd_conf.items():
            f.write(f"{k} = {v}\n")
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-L", "muxvisor-data", "-d", seed,
                    path, size], check=True, stdout=sys.stderr, stderr=sys.stderr)


class Console:
    """Commands typed on dom0's console shell. Each answers with lines
    `out-<tag>-42: <text>`; the shell echoes the command with $((6*7))
    unexpanded, so the echo never matches."""

    def __init__(self, vm):
        self.vm, self.n = vm, 0

    def run(self, command, timeout=120):
        """The command's output, one string (lines joined by newlines).
        The hypervisor splits console lines longer than 256 bytes: keep
        each output line shorter."""
        self.n += 1
        tag = f"q{self.n}"
        self.vm.sendline(f"{command} 2>&1 | sed \"s/^/out-{tag}-$((6*7)): /\"; "
                         f"echo end-{tag}-$((6*7))")
        start = len(self.vm.lines)
        self.vm.wait_for(rf"end-{tag}-42$", timeout)
        prefix = re.compile(rf"out-{tag}-42: ?(.*)$")
        return "\n".join(m.group(1) for m in map(prefix.search, self.vm.lines[start:]) if m)


class Platform:
    """Boots the platform on a fresh data disk and waits for dom0-ready.
    .port: the host port of muxd's API; .token: the admin token; .ready:
    dom0-ready's fields; .vm: the Qemu (its lines are the serial console)."""

    def __init__(self, name, cpus=2, mem="2G", disk_size="2G", muxd_conf=None, hv_opts=""):
        """muxd_conf: {setting: value} for muxd's configuration file
        (docs/muxd.md, Settings), put on the fresh data disk before the boot
        (see data_disk); hv_opts: extra hypervisor options (dom0_mem=...)."""
        self.name, self.cpus, self.mem, self.disk_size = name, cpus, mem, disk_size
        self.muxd_conf, self.hv_opts = muxd_conf, hv_opts
        self.work = os.path.join(ROOT, "build", f"platform-{name}")
        self.port = free_port()
        self.vm = self.token = self.ready = self.console = None

    def __enter__(self):
        os.makedirs(self.work, exist_ok=True)
        disk = os.path.join(self.work, "disk.img")
        if os.path.exists(disk):
            os.remove(disk)
        if self.muxd_conf:
            data_disk(disk, self.disk_size, self.work, self.muxd_conf)
        os.environ.update(API_PORT=str(self.port), DOM0_DISK=disk,
                          DOM0_DISK_SIZE=self.disk_size)
        self.vm = Qemu([ISO, str(self.cpus), self.mem, self.hv_opts], name=self.name,
                       binary=RUN_QEMU).start()
        try:
            self.vm.wait_for(READY, timeout=300)
            hit = self.vm.wait_for(rf"{DOM0_READY}|{DOM0_FAILED}|{PANIC}", timeout=900)
        except QemuError:
            dump_domains(self.vm)
            self.vm.kill()
            raise
        m = re.search(DOM0_READY, hit.line)
        if not m:
            self.vm.kill()
            raise QemuError(f"instead of dom0-ready: {hit.line}")
        self.ready = {"ip": m.group(1), "muxd": m.group(2), "disk": m.group(3)}
        tokens = [t.group(1) for t in map(lambda l: re.search(TOKEN, l), self.vm.lines) if t]
        self.token = tokens[-1] if tokens else None
        self.console = Console(self.vm)
        return self

    def __exit__(self, *exc):
        self.vm.kill()
        return False

    def api(self, method, path, token=None, body=None):
        return http(self.port, method, path, token or self.token, body)

    def dom0(self, command, timeout=120):
        return self.console.run(command, timeout)
