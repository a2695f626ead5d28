#!/bin/sh
# Runs inside the L1 guest of the KVM side of the Linux benchmark (as its
# muxrun command, see linux_kvm_side.py): Debian's KVM is loaded by /init
# from the image's module list, and this starts the benchmark guest (L2)
# under it with QEMU as the VMM. /etc/kvm-side.conf, written by the harness,
# sets L2_QEMU_ARGS and L2_APPEND.
#
# The harness times the L2 guest from the host, from the `kvm-side:
# l2-start` line printed just before QEMU starts, so QEMU's own start-up
# counts as part of the guest's boot, as a domain's creation will on the
# Muxvisor side. L2's console is QEMU's stdio, which is this console.
. /etc/kvm-side.conf
if [ ! -c /dev/kvm ]; then
	echo "kvm-side: error: no /dev/kvm in L1 (kvm_amd not loaded?)"
	exit 1
fi
echo "kvm-side: l2-start"
# shellcheck disable=SC2086 # L2_QEMU_ARGS is a word list by design
qemu-system-x86_64 $L2_QEMU_ARGS -append "$L2_APPEND" </dev/null
echo "kvm-side: l2-exit status=$?"
