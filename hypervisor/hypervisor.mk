# hypervisor/hypervisor.mk - builds build/muxvisor.elf, build/muxvisor.iso and
# the host unit tests of hypervisor modules.

HV_DIR := hypervisor
HV_BUILD := $(BUILD)/hypervisor

HV_CC ?= gcc
HV_LD ?= ld
HV_INCLUDES := -I$(HV_DIR)/include -I$(HV_DIR)/arch/x86/include -I$(HV_DIR)/public
# Freestanding, kernel code model (image in the top 2 GiB), no red zone
# (interrupts use the same stack), no SSE (guest FPU state is only ever
# touched by XSAVE/XRSTOR), frame pointers kept for stack traces.
HV_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector -fno-pic \
	-fno-pie -mno-red-zone -mcmodel=kernel -mgeneral-regs-only \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -fno-common -fno-tree-loop-distribute-patterns \
	-Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wvla \
	$(HV_INCLUDES) -MMD -MP
HV_ASFLAGS := -g $(HV_INCLUDES) -MMD -MP -D__ASSEMBLY__
HV_LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack \
	-T $(HV_DIR)/arch/x86/linker.ld

HV_SRCS := $(wildcard $(HV_DIR)/core/*.c) \
	$(wildcard $(HV_DIR)/arch/x86/*.c) $(wildcard $(HV_DIR)/arch/x86/*.S) \
	$(wildcard $(HV_DIR)/arch/x86/svm/*.c) $(wildcard $(HV_DIR)/arch/x86/svm/*.S) \
	$(wildcard $(HV_DIR)/sched/*.c) \
	$(wildcard $(HV_DIR)/domain/*.c) \
	$(wildcard $(HV_DIR)/control/*.c) \
	$(wildcard $(HV_DIR)/devices/*.c) \
	$(wildcard $(HV_DIR)/platform/*.c)
HV_OBJS := $(patsubst $(HV_DIR)/%,$(HV_BUILD)/%.o,$(HV_SRCS))
# Assembly objects are linked as they are (entry points, stubs); C objects
# go through an archive, so the link takes only what is referenced from
# boot onward (a module under construction, not yet called, stays out).
HV_ASM_OBJS := $(filter %.S.o,$(HV_OBJS))
HV_C_OBJS := $(filter %.c.o,$(HV_OBJS))
HV_LIB := $(HV_BUILD)/libhv.a

$(HV_BUILD)/%.c.o: $(HV_DIR)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(HV_CC) $(HV_CFLAGS) -c $< -o $@

$(HV_BUILD)/%.S.o: $(HV_DIR)/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(HV_CC) $(HV_ASFLAGS) -c $< -o $@

# Linked twice: the second link adds the symbol table for stack traces,
# generated from the first (see include/hv/ksyms.h).
$(HV_LIB): $(HV_C_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/muxvisor.elf: $(HV_ASM_OBJS) $(HV_LIB) $(HV_DIR)/arch/x86/linker.ld $(HV_DIR)/tools/gen_ksyms.py
	@echo "  LD      $@"
	$(Q)$(HV_LD) $(HV_LDFLAGS) -o $(HV_BUILD)/pass1.elf $(HV_ASM_OBJS) $(HV_LIB)
	$(Q)nm -n $(HV_BUILD)/pass1.elf | $(HV_DIR)/tools/gen_ksyms.py > $(HV_BUILD)/ksyms.S
	$(Q)$(HV_CC) $(HV_ASFLAGS) -c $(HV_BUILD)/ksyms.S -o $(HV_BUILD)/ksyms.o
	$(Q)$(HV_LD) $(HV_LDFLAGS) -o $@ $(HV_ASM_OBJS) $(HV_BUILD)/ksyms.o $(HV_LIB)

# dom0's kernel and initramfs (bzImage, initramfs.cpio.gz) come from
# DOM0_IMAGE_DIR, which DOM0_IMAGE_TARGET builds: the Linux guest image until
# the dom0 image exists (then: $(BUILD)/dom0 and dom0-image).
DOM0_IMAGE_DIR ?= $(BUILD)/linux-guest
DOM0_IMAGE_TARGET ?= linux-guest
DOM0_IMAGE_FILES := $(DOM0_IMAGE_DIR)/bzImage $(DOM0_IMAGE_DIR)/initramfs.cpio.gz

# The ISO: GRUB2 (BIOS) with the hypervisor, dom0 and the default menu.
# `make` builds it with whatever dom0 image exists (none: the menu's
# module lines fail and the hypervisor starts without dom0); `make run`
# builds the dom0 image first.
HV_ISO_ROOT := $(BUILD)/iso-root
$(BUILD)/muxvisor.iso: $(BUILD)/muxvisor.elf $(HV_DIR)/boot/grub.cfg $(wildcard $(DOM0_IMAGE_FILES))
	@echo "  ISO     $@"
	@rm -rf $(HV_ISO_ROOT) && mkdir -p $(HV_ISO_ROOT)/boot/grub $(HV_ISO_ROOT)/boot/dom0
	$(Q)cp $(BUILD)/muxvisor.elf $(HV_ISO_ROOT)/boot/muxvisor.elf
	$(Q)cp $(HV_DIR)/boot/grub.cfg $(HV_ISO_ROOT)/boot/grub/grub.cfg
	$(Q)for f in $(DOM0_IMAGE_FILES); do \
		if [ -f $$f ]; then cp $$f $(HV_ISO_ROOT)/boot/dom0/; \
		else echo "  warning: $$f missing: the ISO has no dom0 (make $(DOM0_IMAGE_TARGET))"; fi; \
	done
	$(Q)grub-mkrescue -o $@ $(HV_ISO_ROOT) 2>$(BUILD)/grub-mkrescue.log || \
		(cat $(BUILD)/grub-mkrescue.log; false)

ALL += $(BUILD)/muxvisor.elf $(BUILD)/muxvisor.iso

# Host unit tests: hypervisor/tests/test_<x>.c includes the module sources
# it tests; this one rule builds each with ASan and UBSan.
HV_TEST_SRCS := $(wildcard $(HV_DIR)/tests/test_*.c)
HV_TESTS := $(patsubst $(HV_DIR)/tests/test_%.c,$(BUILD)/tests/unit/hv_%,$(HV_TEST_SRCS))

$(BUILD)/tests/unit/hv_%: $(HV_DIR)/tests/test_%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -DHOST_TEST $(HV_INCLUDES) -I$(HV_DIR)/tests -Ici \
		-MMD -MP -o $@ $< $(HOST_LDFLAGS)

UNIT_TESTS += $(HV_TESTS)

# ci/run-tests.py runs every binary in build/tests/unit/, so one left by a
# test source since renamed or split would still run (and count twice):
# `make unit-tests` removes the hv_* binaries no test source makes.
HV_STALE_TESTS := $(filter-out $(HV_TESTS) %.d,$(wildcard $(BUILD)/tests/unit/hv_*))
.PHONY: hv-stale-tests
hv-stale-tests:
	$(if $(HV_STALE_TESTS),rm -f $(HV_STALE_TESTS) $(HV_STALE_TESTS:=.d))
UNIT_TESTS += hv-stale-tests

# The entitlement function as a host command, for the QEMU scheduler
# tests and bench-sched (hypervisor/tools/sched_entitle.c).
$(BUILD)/tools/sched_entitle: $(HV_DIR)/tools/sched_entitle.c $(HV_DIR)/sched/entitlement.c $(HV_DIR)/sched/entitlement.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror $(HV_INCLUDES) -I$(HV_DIR) \
		-o $@ $(HV_DIR)/tools/sched_entitle.c $(HV_DIR)/sched/entitlement.c

ALL += $(BUILD)/tools/sched_entitle

-include $(HV_OBJS:.o=.d) $(HV_TESTS:=.d)

.PHONY: debug
# Boots the ISO halted with a gdb stub on :1234 and QEMU's interrupt/reset log
# in build/qemu-debug.log: `gdb build/muxvisor.elf -ex 'target remote :1234'`.
debug: $(BUILD)/muxvisor.iso
	qemu-system-x86_64 -accel tcg -cpu EPYC -M q35 -smp $(CPUS) -m $(MEM) \
		-cdrom $< -serial stdio -display none -no-reboot -s -S \
		-d int,cpu_reset -D $(BUILD)/qemu-debug.log

.PHONY: bench-boot
# Time from QEMU start to the ready line at 1, 4 and 8 CPUs (ci/bench/boot.py).
bench-boot: deps
	@$(MAKE) --no-print-directory $(BUILD)/muxvisor.elf
	@ci/bench/boot.py 2>$(BUILD)/bench-boot.log

.PHONY: bench-exits
# Exits per second from the `exits` test guest (ci/bench/exits.py).
bench-exits: deps
	@$(MAKE) --no-print-directory all
	@ci/bench/exits.py 2>$(BUILD)/bench-exits.log

.PHONY: bench-sched
# Scheduler shares in QEMU against the entitlement (ci/bench/sched.py).
bench-sched: deps
	@$(MAKE) --no-print-directory all
	@ci/bench/sched.py 2>$(BUILD)/bench-sched.log

include $(HV_DIR)/tests/decode.mk
