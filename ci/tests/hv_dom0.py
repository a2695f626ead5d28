#!/usr/bin/env python3
# timeout: 1500
# exclusive
"""dom0 on the real hypervisor (issue 7, docs/dom0.md).

Boots the hypervisor from a GRUB2 ISO with dom0 (the Linux guest image as
dom0's kernel and initramfs, dom0_mem=384M dom0_vcpus=2) and a customer
static domain beside it, in QEMU q35 with 3 CPUs and 1 GiB, a virtio-net-pci
NIC on QEMU's user network (a host port forwarded to dom0's port 80) and a
virtio-blk-pci disk (a raw file under build/). Commands are typed on dom0's
console (ttyS0 through the hypervisor's serial line). Two QEMU runs share
the disk:

  run 1: dom0 reaches userspace with its own vCPUs and RAM (nproc and
         MemTotal follow dom0_vcpus and dom0_mem, not the host); its E820
         map offers exactly the RAM the hypervisor says it gave dom0, not
         the customer's pages nor the hypervisor's image; DHCP from QEMU
         works and the host fetches a page from busybox httpd in dom0; the
         virtio devices' MSI-X interrupts reach dom0 (/proc/interrupts); a
         file is written to an ext2 filesystem on the disk; `reboot` in
         dom0 resets the machine (QEMU, run with -no-reboot, exits);
  run 2: the file is read back; `poweroff` in dom0 powers the machine off;
  runs 3, 4: dom0 reads a page of the customer domain, then (next boot)
         writes to the hypervisor's image, through /dev/mem (busybox
         devmem): the hypervisor stops dom0 at the access (a nested page
         fault on memory that is not dom0's) and halts the machine.
Each run takes well under a minute of dom0 boot under TCG. First, the
project's own ISO (build/muxvisor.iso, what `make run` boots) is booted until
its default GRUB entry has started dom0 from the ISO's modules with the
entry's dom0_mem= and dom0_vcpus= and dom0's kernel prints.
"""
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qemu import GUEST_READY, ROOT, Qemu, QemuError  # noqa: E402
from muxvisor import READY, dump_domains, hv_args, make_iso  # noqa: E402
from report import report  # noqa: E402

ELF = os.path.join(ROOT, "build", "muxvisor.elf")
PROJECT_ISO = os.path.join(ROOT, "build", "muxvisor.iso")
KERNEL = os.path.join(ROOT, "build", "linux-guest", "bzImage")
INITRD = os.path.join(ROOT, "build", "linux-guest", "initramfs.cpio.gz")
HELLO = os.path.join(ROOT, "build", "guest-kernels", "hello.elf")
DISK = os.path.join(ROOT, "build", "test-disks", "hv_dom0.raw")
DOM0_MEM_MIB, DOM0_VCPUS, HOST_MIB = 384, 2, 1024
PROMPT = r"muxguest# "
D0 = r"^\[d0 dom0\] "


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build():
    r = subprocess.run(["make", "--no-print-directory", "linux-guest", "all"], cwd=ROOT,
                       stdout=sys.stderr, stderr=sys.stderr)
    return r.returncode == 0 and all(map(os.path.exists, (KERNEL, INITRD, HELLO, PROJECT_ISO)))


def qemu_args(iso, port):
    return hv_args(iso, cpus=3, mem=f"{HOST_MIB}M", extra=[
        "-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:80",
        "-device", "virtio-net-pci,netdev=n0",
        "-drive", f"file={DISK},format=raw,if=none,id=disk0",
        "-device", "virtio-blk-pci,drive=disk0"])


def run_cmd(vm, cmd, done, timeout=120):
    """Types cmd; `echo done` follows it. Returns dom0's lines in between."""
    start = len(vm.lines)
    vm.sendline(f"{cmd}; echo {done}")
    vm.wait_for(D0 + re.escape(done) + "$", timeout=timeout)
    rx = re.compile(D0 + "(.*)$")
    out = [m.group(1) for m in map(rx.match, vm.lines[start:]) if m]
    return out[:-1]


def check_ready(hit):
    m = re.search(GUEST_READY.lstrip("^"), hit.line)
    nproc, mem_kb = int(m.group(1)), int(m.group(2))
    problems = []
    if nproc != DOM0_VCPUS:
        problems.append(f"nproc={nproc}, want dom0_vcpus={DOM0_VCPUS}")
    if not 0.75 * DOM0_MEM_MIB * 1024 < mem_kb <= DOM0_MEM_MIB * 1024:
        problems.append(f"MemTotal={mem_kb} kB, want just under dom0_mem={DOM0_MEM_MIB} MiB")
    return problems


def hv_image_base():
    """Physical address of the hypervisor's first loaded byte (its ELF)."""
    with open(ELF, "rb") as f:
        elf = f.read(4096)
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    loads = [struct.unpack_from("<IIQQQ", elf, phoff + i * phentsize) for i in range(phnum)]
    return min(p[4] for p in loads if p[0] == 1)      # PT_LOAD: p_paddr


def hv_lines(vm, pattern):
    return [m for m in (re.search(pattern, l) for l in vm.lines) if m]


def check_e820(lines, given, forbidden):
    """dom0's usable E820 RAM is what the hypervisor gave it (`given`, from
    its log) and contains none of the `forbidden` addresses."""
    ram, problems = 0, []
    for line in lines:
        m = re.search(r"BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] usable", line)
        if not m:
            continue
        s, e = int(m.group(1), 16), int(m.group(2), 16) + 1
        ram += e - s
        if not any(gs <= s and e <= ge for gs, ge in given):
            problems.append(f"usable {s:#x}-{e:#x} is not RAM the hypervisor gave dom0")
        for what, a in forbidden:
            if s <= a < e:
                problems.append(f"usable {s:#x}-{e:#x} holds {what} at {a:#x}")
    if not 0.9 * DOM0_MEM_MIB < ram / 2**20 <= DOM0_MEM_MIB:
        problems.append(f"{ram >> 20} MiB of usable E820 RAM, want dom0_mem={DOM0_MEM_MIB}")
    if not given:
        problems.append("no 'dom0: RAM ... (identity-mapped)' lines")
    return problems


def fetch(port, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=10) as r:
                return r.read().decode().strip()
        except OSError as e:
            if time.monotonic() > deadline:
                return f"error: {e}"
            time.sleep(2)


def msix_counts(lines):
    """{irq name: total count} of dom0's PCI-MSI virtio interrupts."""
    counts = {}
    for line in lines:
        f = line.split()
        if len(f) > DOM0_VCPUS + 2 and "PCI-MSI" in line and "virtio" in f[-1]:
            counts[f[-1]] = sum(int(x) for x in f[1:1 + DOM0_VCPUS])
    return counts


def first_run(iso, port):
    with Qemu(qemu_args(iso, port), name="dom0-run1") as vm:
        try:
            vm.wait_for(READY, timeout=300)
            hit = vm.wait_for(D0 + GUEST_READY.lstrip("^"), timeout=900)
            report("hv_dom0_sees_its_vcpus_and_ram", check_ready(hit))
            vm.wait_for(PROMPT, timeout=120, partial=True)
            given = [(int(m.group(1), 16), int(m.group(2), 16)) for m in
                     hv_lines(vm, r"dom0: RAM (0x[0-9a-f]+|0)-(0x[0-9a-f]+) \(identity-mapped\)")]
            forbidden = [("the hypervisor's image", hv_image_base())]
            cust = customer_page(vm)
            if cust is not None:
                forbidden.append(("the customer's first page", cust))
            e820 = run_cmd(vm, "dmesg | grep BIOS-e820", "E820-DONE")
            problems = check_e820(e820, given, forbidden)
            if cust is None:
                problems.append("no 'RAM from the pool' line for the customer domain")
            report("hv_dom0_ram_is_not_the_pool", problems)

            out = run_cmd(vm, "udhcpc -i eth0 -n -q -t 10", "DHCP-DONE", timeout=180)
            dhcp = [l for l in out if re.match(r"udhcpc: eth0 10\.0\.2\.\d+ ", l)]
            report("hv_dom0_nic_dhcp", [] if dhcp else [f"no lease: {out[-3:]}"])
            run_cmd(vm, "mkdir -p /tmp/www && echo dom0-http-$((6*7)) > /tmp/www/index.html"
                        " && httpd -p 80 -h /tmp/www", "HTTPD-UP")
            body = fetch(port)
            report("hv_dom0_host_reaches_dom0_tcp_port",
                   [] if body == "dom0-http-42" else [f"got {body!r}"])

            out = run_cmd(vm, "mkdir -p /mnt && mke2fs -q /dev/vda && mount -t ext4 /dev/vda /mnt && "
                              "cat /proc/sys/kernel/random/uuid > /mnt/token && "
                              "echo token=$(cat /mnt/token) && umount /mnt && sync",
                          "DISK-WROTE", timeout=300)
            tokens = [l[6:] for l in out if l.startswith("token=")]
            report("hv_dom0_disk_write", [] if tokens else [f"no token written: {out[-3:]}"])

            irqs = msix_counts(run_cmd(vm, "cat /proc/interrupts", "IRQ-DONE"))
            problems = []
            if not [n for n, c in irqs.items() if ("input" in n or "output" in n) and c > 0]:
                problems.append("no virtio-net MSI-X interrupts counted")
            if not [n for n, c in irqs.items() if "req" in n and c > 0]:
                problems.append("no virtio-blk MSI-X interrupts counted")
            report("hv_dom0_msix_delivered", problems + ([f"seen: {irqs}"] if problems else []))

            vm.sendline("reboot")
            vm.wait_for(r"muxvisor: resetting the machine", timeout=300)
            vm.wait_exit(timeout=120)
            report("hv_dom0_reboot_resets_host", [])
            return tokens[0] if tokens else None
        except QemuError as e:
            dump_domains(vm)
            report("hv_dom0_first_run", [str(e)])
            return None


def second_run(iso, port, token):
    with Qemu(qemu_args(iso, port), name="dom0-run2") as vm:
        try:
            vm.wait_for(D0 + GUEST_READY.lstrip("^"), timeout=900)
            vm.wait_for(PROMPT, timeout=120, partial=True)
            out = run_cmd(vm, "mkdir -p /mnt && mount -t ext4 /dev/vda /mnt && "
                              "echo token=$(cat /mnt/token)",
                          "DISK-READ", timeout=300)
            got = [l[6:] for l in out if l.startswith("token=")]
            report("hv_dom0_disk_survives_platform_reboot",
                   [] if token and got == [token] else [f"wrote {token!r}, read {got!r}"])
            vm.sendline("poweroff")
            vm.wait_for(r"muxvisor: powering off", timeout=300)
            code = vm.wait_exit(timeout=120)
            report("hv_dom0_poweroff_powers_off_host",
                   [] if code == 0 else [f"QEMU exit status {code}"])
        except QemuError as e:
            dump_domains(vm)
            report("hv_dom0_second_run", [str(e)])


def customer_page(vm):
    """The customer's lowest host page (its pool RAM starts there), or None."""
    m = hv_lines(vm, r"domain d\d+ 'cust': RAM from the pool, host (0x[0-9a-f]+)-")
    return int(m[-1].group(1), 16) if m else None


def forbidden_access_run(iso, port, name, what, cmd_for):
    """One boot: dom0 touches memory that is not its own through /dev/mem;
    the hypervisor must stop dom0 at that address and halt the machine."""
    with Qemu(qemu_args(iso, port), name=f"dom0-{name}") as vm:
        try:
            vm.wait_for(D0 + GUEST_READY.lstrip("^"), timeout=900)
            vm.wait_for(PROMPT, timeout=120, partial=True)
            addr = hv_image_base() if what == "hv" else customer_page(vm)
            if addr is None:
                report(f"hv_dom0_cannot_reach_{name}", ["no 'RAM from the pool' line"])
                return
            verb = "wrote to" if what == "hv" else "read from"
            vm.sendline(f"{cmd_for(addr)}; echo ACCESS-RETURNED")
            hit = vm.wait_for(r"muxvisor: dom0 crashed: (.*)$|^\[d0 dom0\] ACCESS-RETURNED$",
                              timeout=300)
            problems = []
            if "ACCESS-RETURNED" in hit.line:
                problems.append(f"dom0's access to {addr:#x} returned")
            elif not re.search(rf"{verb} guest-physical {addr:#x}, which is not its memory",
                               hit.line):
                problems.append(f"dom0 stopped for another reason: {hit.line}")
            else:
                vm.wait_for(r"muxvisor: dom0 is gone; system halted", timeout=60)
            report(f"hv_dom0_cannot_reach_{name}", problems)
        except QemuError as e:
            dump_domains(vm)
            report(f"hv_dom0_cannot_reach_{name}", [str(e)])


def iso_run(port):
    """The ISO's default entry: hypervisor, dom0 kernel and initramfs."""
    with Qemu(qemu_args(PROJECT_ISO, port), name="dom0-iso") as vm:
        try:
            hit = vm.wait_for(r"command line: '(.*)', (\d+) modules", timeout=300)
            opts = dict(w.split("=", 1) for w in hit.group(1).split() if "=" in w)
            made = vm.wait_for(r"domain d0 'dom0': created: (\d+) vCPUs, (\d+) MiB", timeout=300)
            vm.wait_for(r"^\[d0 dom0\] ", timeout=300)
            problems = []
            if "dom0_mem" not in opts or "dom0_vcpus" not in opts:
                problems.append(f"default entry's options: {hit.group(1)!r}")
            elif made.group(1) != opts["dom0_vcpus"] or f"{made.group(2)}M" != opts["dom0_mem"]:
                problems.append(f"dom0 has {made.group(1)} vCPUs, {made.group(2)} MiB; "
                                f"the entry says {hit.group(1)!r}")
            if hit.group(2) != "2":
                problems.append(f"{hit.group(2)} modules, want dom0's kernel and initramfs")
            report("hv_dom0_iso_default_entry_boots_dom0", problems)
        except QemuError as e:
            report("hv_dom0_iso_default_entry_boots_dom0", [str(e)])


def main():
    if not build():
        report("hv_dom0_build", ["make linux-guest all failed"])
        return 1
    os.makedirs(os.path.dirname(DISK), exist_ok=True)
    with open(DISK, "wb") as f:
        f.truncate(64 << 20)
    iso = make_iso("dom0", cmdline=f"loglevel=info dom0_mem={DOM0_MEM_MIB}M dom0_vcpus={DOM0_VCPUS}",
                   modules=[(KERNEL, "dom0 console=ttyS0 quiet"), (INITRD, "initrd=dom0"),
                            (HELLO, "name=cust vcpus=1 mem=16M on_poweroff=keep")])
    port = free_port()
    iso_run(port)
    token = first_run(iso, port)
    second_run(iso, port, token)
    forbidden_access_run(iso, port, "customer_pool", "cust",
                         lambda a: f"devmem {a:#x} 32")
    forbidden_access_run(iso, port, "hypervisor_memory", "hv",
                         lambda a: f"devmem {a:#x} 32 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
