# dom0/kmod/kmod.mk - muxvisor.ko, dom0's control device (docs/control-abi.md).
#
#   make dom0-kmod    build/dom0/muxvisor.ko, built against Debian's
#                     linux-headers for the Linux guest image's kernel
#
# Not part of ALL: like `make linux-guest` (which it runs first, to learn the
# kernel version) it downloads Debian packages. Kbuild decides itself what is
# out of date, so the recipe always runs.

.PHONY: dom0-kmod
dom0-kmod: linux-guest
	dom0/kmod/build.sh $(BUILD)
