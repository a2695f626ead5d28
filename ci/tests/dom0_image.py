#!/usr/bin/env python3
# timeout: 1800
# exclusive
"""dom0's image on the real platform, booted as `make run` boots it (issue 7).

Builds the dom0 image (`make dom0-image`) and the ISO, then runs
ci/run-qemu.sh itself (the hypervisor from GRUB, dom0 with its
virtio-net-pci NIC on user networking, the API port forwarded to a free
host port, and a fresh virtio-blk-pci data disk). Two boots of the same
disk, the second by a reboot typed on dom0's console (which resets the
whole machine; without -no-reboot QEMU boots the ISO again):

  boot 1: dom0-ready with a DHCP address and disk=new; the admin token;
          a marker written to the data disk; with muxd, the API answers
          from the host (health, the admin token accepted, no token
          refused) and a customer is created.
  reboot: muxd stopped, the disk unmounted cleanly.
  boot 2: dom0-ready with disk=kept; the same admin token; the marker
          unchanged; with muxd, the customer is still there.

Then one short boot of the dom0 image directly in QEMU (no hypervisor: the
disk logic is dom0's alone) with a disk holding data but no filesystem:
dom0 refuses it with `dom0-failed:` and leaves every byte as it was.

muxd runs only when the image has it (build/dom0/muxd-dom0, `make
dom0-bins`) and the hypervisor has the control interface that muxd's
driver needs; otherwise the HTTP checks are skipped with the reason.
"""
import os
import re
import secrets
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from qemu import ROOT, Qemu, QemuError, linux_guest_args  # noqa: E402
from muxvisor import PANIC, READY, dump_domains  # noqa: E402
from dom0_platform import free_port, http  # noqa: E402
from report import report  # noqa: E402

ISO = os.path.join(ROOT, "build", "muxvisor.iso")
RELEASE = os.path.join(ROOT, "build", "dom0", "image-root", "etc", "dom0-release")
WORK = os.path.join(ROOT, "build", "dom0-image-test")
DISK = os.path.join(WORK, "disk.img")
RUN_QEMU = os.path.join(ROOT, "ci", "run-qemu.sh")

# The hypervisor prefixes dom0's console lines with "[d0 dom0] ".
DOM0_READY = r"dom0-ready: ip=(\S+) muxd=(\S+) disk=(\S+)$"
TOKEN = r"dom0: admin token: (\S+)$"
FAILED = r"dom0-failed: (.*)$"
PROMPT = r"dom0# "


def make(*targets):
    r = subprocess.run(["make", "--no-print-directory", *targets], cwd=ROOT,
                       stdout=sys.stderr, stderr=sys.stderr, timeout=1200)
    return None if r.returncode == 0 else f"make {' '.join(targets)} exited with {r.returncode}"


def release():
    with open(RELEASE) as f:
        return dict(line.strip().split("=", 1) for line in f if "=" in line)


def hypervisor_has_control():
    """Whether the hypervisor implements the control hypercall muxd needs."""
    r = subprocess.run(["grep", "-rlq", "MUXV_HC_CONTROL", os.path.join(ROOT, "hypervisor"),
                        "--include=*.c"])
    return r.returncode == 0


class Console:
    """Commands typed on dom0's console shell, each answered by one
    `out-<tag>-42: <text>` line (the shell echoes the command back with
    $((6*7)) unexpanded, so the echo never matches)."""

    def __init__(self, vm):
        self.vm, self.n = vm, 0

    def run(self, command, timeout=120):
        self.n += 1
        tag = f"q{self.n}"
        self.vm.sendline(f"echo out-{tag}-$((6*7)): $({command})")
        hit = self.vm.wait_for(rf"out-{tag}-42: (.*)$", timeout)
        return hit.group(1).strip()


def wait_boot(vm, timeout=900):
    """Waits for dom0-ready (or dom0-failed); returns (fields, token, lines)
    where lines are the console lines of this boot."""
    start = len(vm.lines)
    vm.wait_for(READY, timeout=300)
    hit = vm.wait_for(rf"{DOM0_READY}|{FAILED}|{PANIC}", timeout)
    lines = vm.lines[start:]
    m = re.search(DOM0_READY, hit.line)
    if not m:
        raise QemuError(f"instead of dom0-ready: {hit.line}")
    tokens = [t.group(1) for t in map(lambda l: re.search(TOKEN, l), lines) if t]
    ready = {"ip": m.group(1), "muxd": m.group(2), "disk": m.group(3)}
    return ready, tokens, lines


def muxd_skip(rel):
    if rel.get("muxd") != "yes":
        return "the image has no muxd (build/dom0/muxd-dom0 not built; make dom0-bins)"
    if not hypervisor_has_control():
        return "the hypervisor has no control interface (MUXV_HC_CONTROL) yet: muxd cannot start"
    return None


def check_first_boot(ready, tokens, lines, rel):
    p = []
    if not re.fullmatch(r"10\.0\.2\.\d+", ready["ip"]):
        p.append(f"ip={ready['ip']}, want a DHCP address from QEMU's 10.0.2.0/24")
    if ready["disk"] != "new":
        p.append(f"disk={ready['disk']} on a fresh disk, want new")
    if not any("creating an ext4 filesystem" in l for l in lines):
        p.append("no line saying the empty disk gets a filesystem")
    if len(tokens) != 1 or not re.fullmatch(r"mxa_[0-9a-f]{64}", tokens[0]):
        p.append(f"admin token lines: {tokens}")
    want = {"yes": ("running", "failed"), "no": ("absent",)}.get(rel.get("muxd"), ())
    if ready["muxd"] not in want:
        p.append(f"muxd={ready['muxd']} but the image says muxd={rel.get('muxd')}")
    if rel.get("muxd") == "no" and not any("this image has no muxd" in l for l in lines):
        p.append("the boot log does not say the image has no muxd")
    return p


def check_disk(con, nonce):
    """Writes the marker to the data disk; returns problems."""
    p = []
    mounts = con.run("grep ' /var/lib/muxvisor ' /proc/mounts")
    if not mounts.startswith("/dev/vda /var/lib/muxvisor ext4 "):
        p.append(f"/var/lib/muxvisor is not vda as ext4: {mounts!r}")
    got = con.run(f"echo {nonce} > /var/lib/muxvisor/test-marker && sync && "
                  "cat /var/lib/muxvisor/test-marker")
    if got != nonce:
        p.append(f"marker reads back {got!r}")
    return p


def check_api_first(port, token, name):
    p = []
    status, _ = http(port, "GET", "/healthz")
    if status != 200:
        p.append(f"GET /healthz: {status}")
    status, _ = http(port, "GET", "/v1/customers")
    if status != 401:
        p.append(f"GET /v1/customers without a token: {status}, want 401")
    status, body = http(port, "GET", "/v1/customers", token=secrets.token_hex(20))
    if status != 401:
        p.append(f"GET /v1/customers with a wrong token: {status}, want 401")
    status, body = http(port, "POST", "/v1/customers", token=token,
                        body={"name": name, "email": f"{name}@example.test"})
    if status not in (200, 201):
        p.append(f"POST /v1/customers with the admin token: {status} {body}")
    return p


def customer_names(port, token):
    status, body = http(port, "GET", "/v1/customers", token=token)
    if status != 200:
        return None, f"GET /v1/customers with the admin token: {status} {body}"
    items = body.get("items", []) if isinstance(body, dict) else []
    return [c.get("name") for c in items if isinstance(c, dict)], None


def check_foreign_disk():
    """Boots dom0's image directly with a disk of random bytes in its
    first MiB (no signature blkid knows): it must be refused untouched."""
    path = os.path.join(WORK, "foreign.img")
    with open(path, "wb") as f:
        f.truncate(128 << 20)
        f.seek(0)
        f.write(secrets.token_bytes(1 << 20))
    before = subprocess.run(["sha256sum", path], capture_output=True, text=True).stdout.split()[0]
    dom0 = os.path.join(ROOT, "build", "dom0")
    args = linux_guest_args(os.path.join(dom0, "bzImage"), os.path.join(dom0, "initramfs.cpio.gz"),
                            "console=ttyS0 quiet", smp=1, mem="512M",
                            extra=["-drive", f"file={path},format=raw,if=none,id=d0",
                                   "-device", "virtio-blk-pci,drive=d0"])
    p = []
    with Qemu(args, name="foreign") as vm:
        try:
            hit = vm.wait_for(rf"{DOM0_READY}|{FAILED}", timeout=300)
            if not re.search(r"dom0-failed: data disk /dev/vda refused", hit.line):
                p.append(f"want the disk refused, got: {hit.line}")
            vm.wait_for(PROMPT, timeout=60, partial=True)
            vm.sendline("poweroff")
            vm.wait_exit(timeout=120)
        except QemuError as e:
            p.append(str(e))
    after = subprocess.run(["sha256sum", path], capture_output=True, text=True).stdout.split()[0]
    if after != before:
        p.append("the disk's bytes changed")
    os.remove(path)
    return p


def main():
    # Two runs: the ISO rule sees the dom0 image's files only when they
    # exist as make reads the Makefile.
    why = make("dom0-image") or make(os.path.relpath(ISO, ROOT))
    if why:
        report("dom0_image_build", why)
        return 1
    rel = release()
    report("dom0_image_build")
    print(f"# image: {rel}", file=sys.stderr)
    skip_api = muxd_skip(rel)

    os.makedirs(WORK, exist_ok=True)
    if os.path.exists(DISK):
        os.remove(DISK)
    port = free_port()
    env = dict(os.environ, API_PORT=str(port), DOM0_DISK=DISK, DOM0_DISK_SIZE="1G")
    os.environ.update(env)   # run-qemu.sh reads them; Qemu inherits the environment
    nonce = secrets.token_hex(8)
    customer = f"dom0-image-{nonce}"
    ok = True

    vm = Qemu([ISO, "2", "1G", ""], name="platform", binary=RUN_QEMU).start()
    try:
        # -- boot 1 ------------------------------------------------------
        try:
            ready, tokens, lines = wait_boot(vm)
        except QemuError as e:
            dump_domains(vm)
            report("dom0_image_first_boot", [str(e)])
            return 1
        ok &= report("dom0_image_first_boot", check_first_boot(ready, tokens, lines, rel))
        token = tokens[0] if tokens else None
        con = Console(vm)
        ok &= report("dom0_image_data_disk", check_disk(con, nonce))
        api = []
        if not skip_api:
            if ready["muxd"] != "running":
                api.append(f"muxd={ready['muxd']} (see its log lines on the console)")
            else:
                api = check_api_first(port, token, customer)
        ok &= report("dom0_image_api_from_host", api, skip=skip_api)

        # -- reboot of the whole platform ----------------------------------
        vm.sendline("reboot")
        p = []
        try:
            vm.wait_for(r"dom0: /var/lib/muxvisor unmounted", timeout=120)
            # (a muxd that failed may be between two attempts: nothing to stop)
            if ready["muxd"] == "running" and \
                    not any("dom0: muxd stopped" in l for l in vm.lines[-60:]):
                p.append("no 'muxd stopped' line before the unmount")
            ready2, tokens2, lines2 = wait_boot(vm)
        except QemuError as e:
            dump_domains(vm)
            report("dom0_image_reboot_keeps_disk", [f"reboot: {e}"])
            return 1
        if ready2["disk"] != "kept":
            p.append(f"disk={ready2['disk']} after the reboot, want kept")
        if any("creating an ext4 filesystem" in l for l in lines2):
            p.append("the disk was formatted again")
        if any("recovering journal" in l for l in lines2):
            p.append("the journal needed recovery: the disk was not unmounted cleanly")
        if tokens2 != tokens[:1]:
            p.append(f"admin token changed: {tokens[:1]} -> {tokens2}")
        con = Console(vm)
        on_disk = con.run("cat /var/lib/muxvisor/admin-token")
        if on_disk not in tokens2:
            p.append(f"the token on the disk ({on_disk}) is not the one printed ({tokens2})")
        got = con.run("cat /var/lib/muxvisor/test-marker")
        if got != nonce:
            p.append(f"marker after the reboot: {got!r}, want {nonce!r}")
        ok &= report("dom0_image_reboot_keeps_disk", p)

        api = []
        if not skip_api and ready["muxd"] == "running":
            if ready2["muxd"] != "running":
                api.append(f"muxd={ready2['muxd']} after the reboot")
            else:
                names, err = customer_names(port, token)
                if err:
                    api.append(err)
                elif customer not in names:
                    api.append(f"customer {customer} missing after the reboot: {names}")
        elif not skip_api:
            api.append("muxd did not run on the first boot")
        ok &= report("dom0_image_api_keeps_store", api, skip=skip_api)
    finally:
        vm.kill()
    ok &= report("dom0_image_refuses_foreign_disk", check_foreign_disk())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
