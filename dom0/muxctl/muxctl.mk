# dom0/muxctl/muxctl.mk - muxctl, the operator's CLI in dom0 (docs/muxctl.md).
#
#   build/dom0/muxctl        static (dom0's and the guest image's initramfs
#                            have no C library), -O2
#   build/dom0/muxctl-asan   the same with ASan + UBSan, for host checks
#   build/tests/unit/muxctl_cli   host unit test of the CLI's pure helpers

MUXCTL_CLI_DIR := dom0/muxctl
MUXCTL_CLI_SRCS := $(wildcard $(MUXCTL_CLI_DIR)/*.c)
MUXCTL_CLI_TEST := $(MUXCTL_CLI_DIR)/tests/test_cli.c
MUXCTL_CLI_HDRS := $(wildcard $(MUXCTL_CLI_DIR)/*.h) $(wildcard $(MUXCTL_LIB_DIR)/*.h)

$(BUILD)/dom0/muxctl: $(MUXCTL_CLI_SRCS) $(MUXCTL_CLI_HDRS) $(BUILD)/dom0/libmuxctl.a
	$(HOST_CC) $(MUXCTL_LIB_CFLAGS) -static -o $@ $(MUXCTL_CLI_SRCS) $(BUILD)/dom0/libmuxctl.a

$(BUILD)/dom0/muxctl-asan: $(MUXCTL_CLI_SRCS) $(MUXCTL_CLI_HDRS) $(BUILD)/dom0/libmuxctl-san.a
	$(HOST_CC) $(MUXCTL_LIB_SAN_CFLAGS) -o $@ $(MUXCTL_CLI_SRCS) $(BUILD)/dom0/libmuxctl-san.a \
		$(HOST_LDFLAGS)

ALL += $(BUILD)/dom0/muxctl $(BUILD)/dom0/muxctl-asan

# includes cli.c and cmd_top.c itself (static functions); the library's
# sanitizer build supplies the rest
$(BUILD)/tests/unit/muxctl_cli: $(MUXCTL_CLI_TEST) $(MUXCTL_CLI_SRCS) $(MUXCTL_CLI_HDRS) \
		$(BUILD)/dom0/libmuxctl-san.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MUXCTL_LIB_SAN_CFLAGS) -I$(MUXCTL_CLI_DIR) -Ici -o $@ $< \
		$(BUILD)/dom0/libmuxctl-san.a $(HOST_LDFLAGS)

UNIT_TESTS += $(BUILD)/tests/unit/muxctl_cli
