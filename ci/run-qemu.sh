#!/usr/bin/env bash
# Boots a Muxvisor ISO in QEMU with the serial console on this terminal
# (make run). Usage: run-qemu.sh ISO CPUS MEM [HYPERVISOR-OPTIONS]
# QEMU's own keys: Ctrl-A X quits, Ctrl-A C switches to the QEMU monitor.
set -euo pipefail
iso=$1 cpus=$2 mem=$3 opts=${4:-}

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

echo "Booting $iso on $cpus CPUs with $mem (Ctrl-A X quits)" >&2
exec qemu-system-x86_64 -accel tcg -cpu EPYC -M q35 -smp "$cpus" -m "$mem" \
	-cdrom "$iso" -display none -serial mon:stdio -no-reboot
