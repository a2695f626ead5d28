# dom0/muxctl/muxctl.mk - muxctl, the operator's CLI in dom0 (docs/muxctl.md).
#
#   build/dom0/muxctl        static (dom0's and the guest image's initramfs
#                            have no C library), -O2
#   build/dom0/muxctl-asan   the same with ASan + UBSan, for host checks

MUXCTL_CLI_DIR := dom0/muxctl
MUXCTL_CLI_SRCS := $(wildcard $(MUXCTL_CLI_DIR)/*.c)
MUXCTL_CLI_HDRS := $(wildcard $(MUXCTL_CLI_DIR)/*.h) $(wildcard $(MUXCTL_LIB_DIR)/*.h)

$(BUILD)/dom0/muxctl: $(MUXCTL_CLI_SRCS) $(MUXCTL_CLI_HDRS) $(BUILD)/dom0/libmuxctl.a
	$(HOST_CC) $(MUXCTL_LIB_CFLAGS) -static -o $@ $(MUXCTL_CLI_SRCS) $(BUILD)/dom0/libmuxctl.a

$(BUILD)/dom0/muxctl-asan: $(MUXCTL_CLI_SRCS) $(MUXCTL_CLI_HDRS) $(BUILD)/dom0/libmuxctl-san.a
	$(HOST_CC) $(MUXCTL_LIB_SAN_CFLAGS) -o $@ $(MUXCTL_CLI_SRCS) $(BUILD)/dom0/libmuxctl-san.a \
		$(HOST_LDFLAGS)

ALL += $(BUILD)/dom0/muxctl $(BUILD)/dom0/muxctl-asan
