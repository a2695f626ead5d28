# guest-kernels/test-kernels.mk - the test guest kernels: each
# guest-kernels/tests/<name>.c linked with the runtime (guest-kernels/runtime/)
# into build/guest-kernels/<name>.elf, an ELF64 loaded at 1 MiB
# (docs/test-guests.md). Adding a test file is enough to build it.

GK_DIR := guest-kernels
GK_BUILD := $(BUILD)/guest-kernels

GK_CC ?= gcc
GK_LD ?= ld
GK_INCLUDES := -I$(GK_DIR)/runtime/include -Ihypervisor/public
# Freestanding, small code model (the image sits at 1 MiB, below 2 GiB),
# no red zone (interrupts arrive on the same stack), no SSE (interrupt
# handlers save only the general registers).
GK_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector -fno-pic \
	-fno-pie -mno-red-zone -mgeneral-regs-only -mcmodel=small \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing -fno-common \
	-fno-tree-loop-distribute-patterns \
	-Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wvla \
	$(GK_INCLUDES) -MMD -MP
GK_ASFLAGS := -g $(GK_INCLUDES) -MMD -MP -D__ASSEMBLY__
GK_LDS := $(GK_DIR)/runtime/linker.ld
GK_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T $(GK_LDS)

GK_RT_SRCS := $(wildcard $(GK_DIR)/runtime/*.c) $(wildcard $(GK_DIR)/runtime/*.S)
GK_RT_OBJS := $(patsubst $(GK_DIR)/%,$(GK_BUILD)/%.o,$(GK_RT_SRCS))
GK_TEST_SRCS := $(wildcard $(GK_DIR)/tests/*.c)
GK_TEST_OBJS := $(patsubst $(GK_DIR)/%,$(GK_BUILD)/%.o,$(GK_TEST_SRCS))
GK_ELFS := $(patsubst $(GK_DIR)/tests/%.c,$(GK_BUILD)/%.elf,$(GK_TEST_SRCS))

$(GK_BUILD)/%.c.o: $(GK_DIR)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(GK_CC) $(GK_CFLAGS) -c $< -o $@

$(GK_BUILD)/%.S.o: $(GK_DIR)/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(GK_CC) $(GK_ASFLAGS) -c $< -o $@

# Every runtime object is linked (entry, stubs and start-up are reached
# only from the entry point, which an archive would not pull in).
$(GK_BUILD)/%.elf: $(GK_BUILD)/tests/%.c.o $(GK_RT_OBJS) $(GK_LDS)
	@echo "  LD      $@"
	$(Q)$(GK_LD) $(GK_LDFLAGS) -o $@ $< $(GK_RT_OBJS)

# Objects reached only through pattern rules would count as intermediate
# and be deleted after each link; keep them for incremental builds.
.SECONDARY: $(GK_RT_OBJS) $(GK_TEST_OBJS)

ALL += $(GK_ELFS)

# A test that needs several files has a folder, guest-kernels/tests/<name>/,
# linked into build/guest-kernels/<name>.elf the same way.
GK_DIR_TESTS := $(patsubst $(GK_DIR)/tests/%/,%,$(sort $(dir $(wildcard $(GK_DIR)/tests/*/*.c))))
define GK_DIR_TEST
GK_$(1)_OBJS := $$(patsubst $(GK_DIR)/%,$(GK_BUILD)/%.o,$$(wildcard $(GK_DIR)/tests/$(1)/*.c))
$(GK_BUILD)/$(1).elf: $$(GK_$(1)_OBJS) $(GK_RT_OBJS) $(GK_LDS)
	@echo "  LD      $$@"
	$(Q)$(GK_LD) $(GK_LDFLAGS) -o $$@ $$(GK_$(1)_OBJS) $(GK_RT_OBJS)
.SECONDARY: $$(GK_$(1)_OBJS)
GK_TEST_OBJS += $$(GK_$(1)_OBJS)
ALL += $(GK_BUILD)/$(1).elf
endef
$(foreach t,$(GK_DIR_TESTS),$(eval $(call GK_DIR_TEST,$(t))))

.PHONY: test-kernels
test-kernels: $(GK_ELFS) $(GK_DIR_TESTS:%=$(GK_BUILD)/%.elf)

-include $(GK_RT_OBJS:.o=.d) $(GK_TEST_OBJS:.o=.d)

# Host unit tests of the runtime's pure modules: runtime/tests/test_<x>.c
# includes the module sources it tests, built with ASan and UBSan like the
# hypervisor's.
GK_UNIT_SRCS := $(wildcard $(GK_DIR)/runtime/tests/test_*.c)
GK_UNIT_TESTS := $(patsubst $(GK_DIR)/runtime/tests/test_%.c,$(BUILD)/tests/unit/rt_%,$(GK_UNIT_SRCS))

$(BUILD)/tests/unit/rt_%: $(GK_DIR)/runtime/tests/test_%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -DHOST_TEST $(GK_INCLUDES) -Ici -MMD -MP \
		-o $@ $< $(HOST_LDFLAGS)

UNIT_TESTS += $(GK_UNIT_TESTS)

-include $(GK_UNIT_TESTS:=.d)

# ctlprobe uploads a test kernel through the control interface and boots
# it (DOMAIN_CREATE from an image): cpuburn's ELF, linked into ctlprobe as
# the bytes ctlprobe_child[] (guest-kernels/tests/ctlprobe/child.S).
GK_CTLPROBE_CHILD := $(GK_BUILD)/cpuburn.elf
GK_ctlprobe_OBJS += $(GK_BUILD)/tests/ctlprobe/child.S.o
$(GK_BUILD)/ctlprobe.elf: $(GK_BUILD)/tests/ctlprobe/child.S.o
$(GK_BUILD)/tests/ctlprobe/child.S.o: $(GK_CTLPROBE_CHILD)
$(GK_BUILD)/tests/ctlprobe/child.S.o: GK_ASFLAGS += -DCTLPROBE_CHILD='"$(GK_CTLPROBE_CHILD)"'
