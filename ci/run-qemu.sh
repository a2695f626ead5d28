#!/usr/bin/env bash
# Boots a Muxvisor ISO in QEMU with the serial console on this terminal
# (make run). Usage: run-qemu.sh ISO CPUS MEM [HYPERVISOR-OPTIONS]
# QEMU's own keys: Ctrl-A X quits, Ctrl-A C switches to the QEMU monitor.
# dom0 gets a virtio-net-pci NIC on QEMU's user network, with host port
# API_PORT (default 8080, on 127.0.0.1) forwarded to dom0's DOM0_API_PORT,
# and a virtio-blk-pci disk, the raw file DOM0_DISK (created sparse, 4 GiB,
# when missing; kept across runs). See docs/dom0.md.
set -euo pipefail
iso=$1 cpus=$2 mem=$3 opts=${4:-}
api_port=${API_PORT:-8080} dom0_api_port=${DOM0_API_PORT:-8080}
disk=${DOM0_DISK:-$(dirname "$iso")/dom0-disk.raw}
[ -f "$disk" ] || truncate -s 4G "$disk"

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

echo "Booting $iso on $cpus CPUs with $mem (Ctrl-A X quits);" \
	"http://127.0.0.1:$api_port reaches dom0's port $dom0_api_port" >&2
exec qemu-system-x86_64 -accel tcg -cpu EPYC -M q35 -smp "$cpus" -m "$mem" \
	-cdrom "$iso" -display none -serial mon:stdio -no-reboot \
	-netdev "user,id=net0,hostfwd=tcp:127.0.0.1:$api_port-:$dom0_api_port" \
	-device virtio-net-pci,netdev=net0 \
	-drive "file=$disk,format=raw,if=none,id=disk0" -device virtio-blk-pci,drive=disk0
