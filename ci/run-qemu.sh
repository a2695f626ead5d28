#!/usr/bin/env bash
# Boots a Muxvisor ISO in QEMU with the serial console on this terminal
# (make run): the hypervisor and dom0, which owns a virtio-net-pci NIC on
# QEMU's user network (its DHCP gives dom0 10.0.2.15) and a virtio-blk-pci
# data disk. Usage: run-qemu.sh ISO CPUS MEM [HYPERVISOR-OPTIONS]
# CPUS is how many CPUs run vCPUs: QEMU gets one more, the boot CPU, which
# the hypervisor keeps out of guests under TCG (docs/development.md,
# "Known emulator problems").
# Environment:
#   API_PORT=8080    host port (on 127.0.0.1) forwarded to muxd's API port
#                    in dom0 (8080); 0: no forward
#   DOM0_DISK=build/dom0-disk.img   dom0's data disk, a raw image; created
#                    (sparse, DOM0_DISK_SIZE) when missing, kept across runs
#   DOM0_DISK_SIZE=8G   size of a disk created here
# See docs/dom0-image.md (what dom0 does with them) and docs/dom0.md.
# QEMU's own keys: Ctrl-A X quits, Ctrl-A C switches to the QEMU monitor.
# A reboot in dom0 resets the whole machine, which boots again.
set -euo pipefail
iso=$1 cpus=$2 mem=$3 opts=${4:-}
port=${API_PORT:-8080}
disk=${DOM0_DISK:-$(dirname "$iso")/dom0-disk.img}
disk_size=${DOM0_DISK_SIZE:-8G}
guest_port=8080   # muxd.port in dom0 (dom0/image/rootfs/init)

if [ -n "$opts" ]; then
	# Extra options: a copy of the ISO whose default entry carries them.
	root=$(mktemp -d)
	trap 'rm -rf "$root"' EXIT
	xorriso -osirrox on -indev "$iso" -extract /boot "$root/boot" 2>/dev/null
	chmod -R u+w "$root"
	sed -i "0,/multiboot2 \/boot\/muxvisor.elf.*/s//& $opts/" "$root/boot/grub/grub.cfg"
	iso="${iso%.iso}-opts.iso"
	grub-mkrescue -o "$iso" "$root" 2>/dev/null
fi

if [ ! -e "$disk" ]; then
	mkdir -p "$(dirname "$disk")"
	truncate -s "$disk_size" "$disk"
	echo "Created $disk ($disk_size, empty: dom0 makes its filesystem on first boot)" >&2
fi

fwd=
if [ "$port" != 0 ]; then
	fwd=",hostfwd=tcp:127.0.0.1:$port-:$guest_port"
	echo "muxd's API (when dom0 is up): http://127.0.0.1:$port/ (admin token on the console)" >&2
fi
echo "Booting $iso on $cpus CPUs (and the boot CPU) with $mem, data disk $disk (Ctrl-A X quits)" >&2
exec qemu-system-x86_64 -accel tcg -cpu EPYC -M q35 -smp "$((cpus + 1))" -m "$mem" \
	-cdrom "$iso" -display none -serial mon:stdio \
	-netdev "user,id=net0$fwd" -device virtio-net-pci,netdev=net0 \
	-drive "file=$disk,if=none,id=disk0,format=raw" -device virtio-blk-pci,drive=disk0
