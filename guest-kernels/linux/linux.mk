# guest-kernels/linux/linux.mk - the Linux guest image (Debian's kernel and a
# busybox initramfs), see docs/linux-guest-image.md.
#
# Not part of ALL: it downloads about 100 MB of Debian packages, so tests and
# benchmarks that boot Linux run `make linux-guest` themselves. The recipe
# always runs and decides itself whether anything changed, because a new
# kernel in Debian's archive is a change make cannot see.

LINUX_GUEST := $(BUILD)/linux-guest

.PHONY: linux-guest
linux-guest:
	guest-kernels/linux/build-image.sh $(BUILD)

.PHONY: bench-linux
# The guest under Muxvisor and under nested KVM, boot and CPU time side by
# side (ci/bench/linux.py); the QEMU consoles go to build/bench-linux.log.
bench-linux: deps
	@$(MAKE) --no-print-directory all
	@ci/bench/linux.py 2>$(BUILD)/bench-linux.log
