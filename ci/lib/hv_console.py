"""The hypervisor's serial console as a test or benchmark drives it: moving
the console input between the hypervisor and the domains (Ctrl-A three
times), and the `:balloon` command (docs/balloon.md).

    con = HvConsole(vm)
    states = con.balloon_states()              # {domain id: {field: int}}
    t = con.set_target(1, 256)                 # waits for "reached"
    con.focus_domain("mux-...")                # type into that guest
    vm.sendline("memhog 200")

Works on any boot whose serial line is the hypervisor's (a static-domain
ISO, or the whole platform with dom0). Console lines of the domains reach
the serial line as "[d<id> <name>] <text>".
"""
import re
import time

from qemu import QemuError

CTRL_A = "\x01"
ANNOUNCE = r"console input: (hypervisor|domain d(\d+) '([^']*)')"
STATE = r"balloon-state: d(\d+) '([^']*)' (.* stats_updates=\d+)$"


class HvConsole:
    """.focus: None (the hypervisor) or (id, name) of the domain that has
    the console input; unknown (False) until the first switch."""

    def __init__(self, vm, qemu_mux=False):
        """qemu_mux: the serial line shares stdio with QEMU's monitor
        (`-serial mon:stdio`, ci/run-qemu.sh), where Ctrl-A is QEMU's own
        escape key and Ctrl-A Ctrl-A sends one Ctrl-A to the machine."""
        self.vm = vm
        self.focus = False
        self.switch = (CTRL_A * 2 if qemu_mux else CTRL_A) * 3

    def _switch(self, timeout=30):
        """One switch; the announcement is looked for only in what arrives
        after the keys (an older one may still be unread in the queue)."""
        start = len(self.vm.lines)
        self.vm.send(self.switch)
        deadline = time.monotonic() + timeout
        while True:
            for line in self.vm.lines[start:]:
                m = re.search(ANNOUNCE, line)
                if m:
                    self.focus = None if m.group(1) == "hypervisor" else \
                        (int(m.group(2)), m.group(3))
                    return self.focus
            if self.vm.proc.poll() is not None or time.monotonic() > deadline:
                raise QemuError(f"no console-input announcement within {timeout}s; last "
                                f"lines: {self.vm.tail()}")
            time.sleep(0.1)

    def _resync(self):
        """Takes the focus from the last announcement on the line: the
        hypervisor moves the input by itself too (to a domain created while
        the hypervisor had it, back to the hypervisor when the domain that
        had it goes away; hypervisor/core/console_input.c)."""
        for line in reversed(self.vm.lines):
            m = re.search(ANNOUNCE, line)
            if m:
                self.focus = None if m.group(1) == "hypervisor" else \
                    (int(m.group(2)), m.group(3))
                return

    def to_hv(self, max_switches=70):
        """Moves the input to the hypervisor (cycling through the domains)."""
        self._resync()
        for _ in range(max_switches):
            if self.focus is None:
                return
            self._switch()
        raise QemuError("the console input never came to the hypervisor")

    def focus_domain(self, name, max_switches=70):
        """Moves the input to the domain called name."""
        self._resync()
        for _ in range(max_switches):
            if self.focus and self.focus[1] == name:
                return self.focus[0]
            self._switch()
        raise QemuError(f"the console input never came to domain {name!r}")

    def command(self, text):
        """Types a `:` command to the hypervisor; returns the index in
        vm.lines from which its answer may be read."""
        self.to_hv()
        start = len(self.vm.lines)
        self.vm.send(f":{text}\r")
        return start

    def balloon_states(self, settle=1.0):
        """{domain id: {"name": name, field: int, ...}} of every Linux
        domain with a balloon, from one `:balloon`."""
        start = self.command("balloon")
        self.vm.wait_for(STATE, timeout=60)
        time.sleep(settle)                  # the other domains' lines
        states = {}
        for line in self.vm.lines[start:]:
            m = re.search(STATE, line)
            if m:
                fields = {k: int(v) for k, v in (kv.split("=") for kv in m.group(3).split())}
                states[int(m.group(1))] = dict(fields, name=m.group(2))
        return states

    def set_target(self, domid, mib, timeout=900):
        """Sets domain domid's balloon target and waits until the guest's
        balloon has reached it. Returns (time the hypervisor logged the new
        target, time it logged reaching it, the reached line's fields), in
        time.monotonic() of the lines' arrival."""
        self.command(f"balloon {domid} {mib}M")
        kib = mib * 1024
        # The order on the line is fixed (hypervisor/domain/balloon.c); a
        # target already reached logs "reached" before the target line.
        set_rx = rf"balloon: d{domid} '[^']*' target_kib={kib} "
        reached_rx = rf"balloon: d{domid} '[^']*' reached target_kib={kib} (.*)$"
        t_set = t_reached = fields = None
        deadline = time.monotonic() + timeout
        while t_set is None or t_reached is None:
            hit = self.vm.wait_for(f"{set_rx}|{reached_rx}",
                                   timeout=max(1, deadline - time.monotonic()))
            m = re.search(reached_rx, hit.line)
            if m:
                t_reached = hit.time
                fields = {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
            else:
                t_set = hit.time
        return t_set, max(t_set, t_reached), fields
