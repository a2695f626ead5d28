"""Boot QEMU for a test and talk to the guest on its serial console.

    from qemu import Qemu, linux_guest_args
    with Qemu(linux_guest_args(kernel, initrd, "console=ttyS0")) as vm:
        hit = vm.wait_for(r"^guest-ready: (.*)$", timeout=120)
        vm.sendline("poweroff")
        vm.wait_exit(timeout=60)

The serial console is QEMU's stdio (`-nographic` or `-serial stdio`): a
reader thread splits it into lines, stamps each with the time.monotonic() at
which it arrived (benchmarks time guest events from these stamps) and copies
it to a log (stderr by default, which ci/run-tests.py keeps in
build/test-logs/). QEMU's own stderr is inherited, so its warnings land in
the same log. QEMU also logs CPU resets to a scratch file (`-d cpu_reset`),
so that a machine that ends by itself says whether it was a triple fault.

No QEMU outlives its test: leaving the `with` block, kill(), interpreter
exit (atexit) and SIGTERM all kill it, and the kernel kills it with SIGKILL
if the test process dies any other way (PR_SET_PDEATHSIG; it fires when the
thread that called start() ends, so start QEMU from the main thread or one
that lives as long as QEMU should).
"""
import atexit
import ctypes
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_PR_SET_PDEATHSIG = 1
_live = set()  # started and not yet reaped, for the atexit/SIGTERM clean-up


# Every way the hypervisor stops the whole machine ends its last line so
# (panic.c, host_power.c, dom0.c): nothing else comes, so a wait for any
# other line fails at once instead of running out its timeout.
HALTED = re.compile(r"system halted")


class QemuError(Exception):
    """The guest did not do what a wait asked for; the message says what."""


class Hit:
    """A console line a wait matched: .line, .match (re.Match), .time."""

    def __init__(self, line, match, when):
        self.line, self.match, self.time = line, match, when

    def group(self, *args):
        return self.match.group(*args)


def _kill_all():
    for vm in list(_live):
        vm.kill()


def _on_sigterm(signum, frame):
    _kill_all()
    sys.exit(128 + signum)


def _die_with_parent():
    """preexec_fn: SIGKILL this child when the thread that forked it dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


atexit.register(_kill_all)


class Qemu:
    """One QEMU process whose stdio is a guest's serial console.

    args: QEMU's arguments (without the binary). name: a prefix for the log.
    log: a text file for the console copy (None: no copy).
    """

    def __init__(self, args, name="qemu", log=sys.stderr,
                 binary="qemu-system-x86_64"):
        self._reset_log = tempfile.NamedTemporaryFile(prefix="qemu-reset-", suffix=".log",
                                                      delete=False).name
        self.cmd = [binary] + list(args)
        if os.path.basename(binary).startswith("qemu-system"):
            self.cmd += ["-d", "cpu_reset", "-D", self._reset_log]
        self.name, self.log = name, log
        self.proc = None
        self.started_at = None
        self.lines = []          # text of every complete console line so far
        self.line_times = []     # time.monotonic() at which each arrived
        self.partial = ""        # the unfinished last line (a shell prompt)
        self._queue = queue.Queue()
        self._lock = threading.Lock()
        self._eof = False

    # -- life cycle ---------------------------------------------------------

    def start(self):
        """Starts QEMU and the console reader; returns self."""
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_sigterm)
        if self.log:
            print(f"[{self.name}] $ {' '.join(self.cmd)}", file=self.log, flush=True)
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     preexec_fn=_die_with_parent)
        _live.add(self)
        threading.Thread(target=self._reader, daemon=True).start()
        return self

    def kill(self):
        """Kills QEMU (SIGKILL: it holds no state worth a clean exit) and
        reaps it. Safe to call more than once."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        _live.discard(self)
        if os.path.exists(self._reset_log):
            os.unlink(self._reset_log)

    def wait_exit(self, timeout):
        """Waits for QEMU to exit by itself (guest poweroff with -no-reboot);
        returns its exit status. Raises QemuError on timeout (QEMU is then
        still running; leaving the `with` block kills it)."""
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise QemuError(f"QEMU still running after {timeout}s") from None
        _live.discard(self)
        return code

    def __enter__(self):
        return self.start() if self.proc is None else self

    def __exit__(self, *exc):
        self.kill()
        return False

    # -- console ------------------------------------------------------------

    def _reader(self):
        fd, buf = self.proc.stdout.fileno(), b""
        while True:
            chunk = os.read(fd, 4096)
            now = time.monotonic()
            if not chunk:
                break
            buf += chunk
            *complete, buf = buf.split(b"\n")
            for raw in complete:
                self._add_line(raw.decode(errors="replace").rstrip("\r"), now)
            with self._lock:
                self.partial = buf.decode(errors="replace")
        if buf:
            self._add_line(buf.decode(errors="replace").rstrip("\r"), time.monotonic())
        self._queue.put(None)

    def _add_line(self, text, when):
        with self._lock:
            self.lines.append(text)
            self.line_times.append(when)
            self.partial = ""
        if self.log:
            print(f"[{self.name} +{when - self.started_at:7.3f}] {text}",
                  file=self.log, flush=True)
        self._queue.put((text, when))

    def _why_exit(self):
        """', triple fault' when QEMU logged one (the emulated machine reset
        itself: with -no-reboot QEMU then exits with status 0)."""
        try:
            with open(self._reset_log, errors="replace") as f:
                return ", triple fault" if "Triple fault" in f.read() else ""
        except OSError:
            return ""

    def readline(self, timeout):
        """Returns the next console line as (text, time), or None when none
        came within timeout seconds. Raises QemuError once QEMU has exited
        and every line has been read."""
        if self._eof:
            raise QemuError(f"QEMU exited (status {self.proc.poll()})")
        try:
            item = self._queue.get(timeout=max(timeout, 0))
        except queue.Empty:
            return None
        if item is None:
            self._eof = True
            self.proc.wait()
            raise QemuError(f"QEMU exited (status {self.proc.returncode}{self._why_exit()})")
        return item

    def wait_for(self, pattern, timeout, partial=False):
        """Reads lines until one matches the regex pattern (re.search) and
        returns it as a Hit; lines before it are consumed. With partial=True
        the unfinished last line also counts (to wait for a prompt; its
        time is when the wait saw it). Raises QemuError on timeout, when the
        machine halted (HALTED) or when
        QEMU exits first, naming the pattern."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            if partial:
                with self._lock:
                    text = self.partial
                m = rx.search(text)
                if m:
                    return Hit(text, m, time.monotonic())
            left = deadline - time.monotonic()
            if left <= 0:
                raise QemuError(f"no console line matching {pattern!r} within {timeout}s"
                                f"; last lines: {self.tail()}")
            try:
                item = self.readline(min(left, 0.2) if partial else left)
            except QemuError as e:
                raise QemuError(f"{e} before a line matching {pattern!r}") from None
            if item is not None:
                m = rx.search(item[0])
                if m:
                    return Hit(item[0], m, item[1])
                if HALTED.search(item[0]):
                    raise QemuError(f"the machine halted before a line matching {pattern!r}: "
                                    f"{self.tail()}")

    def tail(self, n=3, width=100):
        """The last n console lines (each cut to width), for a failure
        message: CI shows the FAIL line, not always the whole log."""
        with self._lock:
            last = self.lines[-n:] + ([self.partial] if self.partial else [])
        return " | ".join(repr(line[:width]) for line in last[-n:])

    def send(self, text):
        """Types text on the guest's serial console."""
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def sendline(self, text):
        self.send(text + "\n")


# -- Linux guests (guest-kernels/linux, docs/linux-guest-image.md) ------------

def linux_guest_args(kernel, initrd, append, smp=2, mem="512M",
                     machine="q35", cpu="EPYC", extra=()):
    """QEMU arguments booting a Linux kernel directly under TCG, console on
    stdio, QEMU exiting when the guest powers off or reboots."""
    return ["-accel", "tcg", "-cpu", cpu, "-M", machine, "-m", str(mem),
            "-smp", str(smp), "-kernel", kernel, "-initrd", initrd,
            "-append", append, "-nographic", "-no-reboot", *extra]


GUEST_READY = r"^guest-ready: nproc=(\d+) mem_kb=(\d+) clocksource=(\S+) steal=(\d+)$"


def parse_guest_ready(hit):
    """The fields of a Hit of GUEST_READY as a dict of ints and a string."""
    return {"nproc": int(hit.group(1)), "mem_kb": int(hit.group(2)),
            "clocksource": hit.group(3), "steal": int(hit.group(4))}


# Lines the guest's dmesg-check prints that are not platform problems: the
# speculative-execution reports of arch/x86/kernel/cpu/bugs.c say
# "<issue>: WARNING: ..." about the CPU model (QEMU's EPYC has no SRSO
# microcode), under any hypervisor. A real WARN() reads "WARNING: CPU: n PID:".
_CPU_ADVISORY = re.compile(
    r"(Speculative Return Stack Overflow|Spectre V[12] ?|RETBleed|MDS|TAA|"
    r"MMIO Stale Data|GDS|Transient Scheduler Attacks): WARNING: ")


def dmesg_problems(lines):
    """Of the console lines, the `dmesg-check: <line>` reports that are
    platform problems (all but CPU-model advisories), without the prefix.
    A line the hypervisor showed early because the guest paused in the
    middle of it (a stale partial line, printed again whole at its end) is
    a prefix of the next report and is not counted twice."""
    reports = [text[len("dmesg-check: "):] for text in lines
               if text.startswith("dmesg-check: ") and
               not text.startswith("dmesg-check: count=")]
    found = []
    for i, line in enumerate(reports):
        if i + 1 < len(reports) and reports[i + 1].startswith(line):
            continue
        if not _CPU_ADVISORY.search(line):
            found.append(line)
    return found
