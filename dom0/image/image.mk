# dom0/image/image.mk - dom0's kernel and initramfs (docs/dom0-image.md).
#
#   make dom0-image   build/dom0/bzImage and build/dom0/initramfs.cpio.gz
#
# Not part of ALL, like the Linux guest image it layers on (the first build
# downloads Debian's kernel); `make run` and the tests that boot dom0 make
# it. The recipe always runs and rewrites the files only when their
# contents change, so the ISO (which takes them as prerequisites when they
# exist, hypervisor/hypervisor.mk) is remade only then. A plain `make`
# puts whatever dom0 image exists into the ISO.

DOM0_KERNEL := $(BUILD)/dom0/bzImage
DOM0_INITRD := $(BUILD)/dom0/initramfs.cpio.gz
# dom0's own programs (muxd-dom0, muxctl, muxvisor.ko in build/dom0/) go
# into the image when they exist. When the tree has their sources (the
# kernel module's fragment), `make dom0-bins` runs first, so that the image
# is never made with stale copies; without them the image is built and
# boots without muxd (its boot log says so).
DOM0_BINS_TARGET ?= $(if $(wildcard dom0/kmod/kmod.mk),dom0-bins)

.PHONY: dom0-image
dom0-image: $(GK_ELFS) $(DOM0_BINS_TARGET)
	dom0/image/build-image.sh $(BUILD)

.PHONY: bench-provision
# Servers per second through muxd's API on the booted platform, and the
# delay to each guest's first console line (ci/bench/provision.py); the
# platform's serial console goes to build/bench-provision.log.
bench-provision: deps
	@$(MAKE) --no-print-directory all
	@ci/bench/provision.py 2>$(BUILD)/bench-provision.log
