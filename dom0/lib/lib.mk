# dom0/lib/lib.mk - libmuxctl, the control library over /dev/muxvisor.
#
#   build/dom0/libmuxctl.a        -O2, for muxctl and muxd
#   build/dom0/libmuxctl-san.a    ASan + UBSan, for muxd-asan and tests
#   build/tests/unit/muxctl_lib   host unit test with a fake device

MUXCTL_LIB_DIR := dom0/lib
MUXCTL_LIB_SRCS := $(wildcard $(MUXCTL_LIB_DIR)/*.c)
MUXCTL_LIB_INC := -I$(MUXCTL_LIB_DIR) -Ihypervisor/public
MUXCTL_LIB_WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes
MUXCTL_LIB_CFLAGS := -std=gnu11 -O2 -g -D_GNU_SOURCE $(MUXCTL_LIB_WARN) $(MUXCTL_LIB_INC) -MMD -MP
MUXCTL_LIB_SAN_CFLAGS := $(HOST_CFLAGS) -D_GNU_SOURCE $(MUXCTL_LIB_INC) -MMD -MP

MUXCTL_LIB_OBJS := $(patsubst %.c,$(BUILD)/dom0/lib/o/%.o,$(notdir $(MUXCTL_LIB_SRCS)))
MUXCTL_LIB_SAN_OBJS := $(patsubst %.c,$(BUILD)/dom0/lib/san/%.o,$(notdir $(MUXCTL_LIB_SRCS)))

$(BUILD)/dom0/lib/o/%.o: $(MUXCTL_LIB_DIR)/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MUXCTL_LIB_CFLAGS) -c $< -o $@

$(BUILD)/dom0/lib/san/%.o: $(MUXCTL_LIB_DIR)/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MUXCTL_LIB_SAN_CFLAGS) -c $< -o $@

$(BUILD)/dom0/libmuxctl.a: $(MUXCTL_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/dom0/libmuxctl-san.a: $(MUXCTL_LIB_SAN_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/unit/muxctl_lib: $(MUXCTL_LIB_DIR)/tests/test_muxctl.c $(MUXCTL_LIB_SRCS) \
		$(wildcard $(MUXCTL_LIB_DIR)/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MUXCTL_LIB_SAN_CFLAGS) -Ici -o $@ $< $(HOST_LDFLAGS)

ALL += $(BUILD)/dom0/libmuxctl.a $(BUILD)/dom0/libmuxctl-san.a
UNIT_TESTS += $(BUILD)/tests/unit/muxctl_lib

-include $(MUXCTL_LIB_OBJS:.o=.d) $(MUXCTL_LIB_SAN_OBJS:.o=.d) $(BUILD)/tests/unit/muxctl_lib.d
