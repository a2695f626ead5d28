# Muxvisor top-level Makefile.
#
#   make            build everything (hypervisor, ISO, guest kernels, dom0 tools)
#   make run        install what is missing, boot the platform in QEMU
#   make test       install what is missing, run every test
#                   (T='regex ...': only the programs matching one, e.g.
#                   T='hv_dom0|hv_linux' or T='hv_dom0 hv_linux')
#   make bench-*    benchmarks (print a table and one machine-readable line)
#
# Each part of the tree has its own fragment (hypervisor/hypervisor.mk, ...)
# that adds its products to ALL and its host unit-test binaries to
# UNIT_TESTS. Build outputs go under build/ only.

BUILD ?= build
CPUS ?= 2
MEM ?= 1G
# Extra hypervisor command-line options for `make run`, e.g. OPTS=loglevel=debug
OPTS ?=
# `make run`: the host port forwarded to muxd's API port in dom0 (QEMU user
# networking on dom0's virtio-net NIC; 0: none), and dom0's virtio-blk data
# disk (a sparse raw file, created empty when missing, kept across runs).
API_PORT ?= 8080
DOM0_DISK ?= $(BUILD)/dom0-disk.img
DOM0_DISK_SIZE ?= 8G

HOST_CC ?= gcc
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wshadow \
	-Wmissing-prototypes -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
HOST_LDFLAGS := -fsanitize=address,undefined

# `make V=1` shows full commands.
Q := $(if $(V),,@)

ALL :=
UNIT_TESTS :=

.DEFAULT_GOAL := all

# The ISO carries dom0's image (dom0/image/image.mk); hypervisor.mk reads
# these when it is included, so they are set first.
DOM0_IMAGE_DIR := $(BUILD)/dom0
DOM0_IMAGE_TARGET := dom0-image

include hypervisor/hypervisor.mk
-include guest-kernels/guest-kernels.mk
-include dom0/dom0.mk
-include dom0/image/image.mk
-include ci/bench/bench.mk

.PHONY: all unit-tests deps test run clean
all: $(ALL)

unit-tests: $(UNIT_TESTS)

deps:
	@ci/deps.sh

# The dependency check runs first, then a fresh make reads the fragments
# again (some of them ask pkg-config about libraries deps.sh installs).
test: deps
	@$(MAKE) --no-print-directory all unit-tests
	@ci/run-tests.py $(foreach p,$(T),'$(p)')

run: deps
	@$(MAKE) --no-print-directory $(DOM0_IMAGE_TARGET)
	@$(MAKE) --no-print-directory $(BUILD)/muxvisor.iso
	API_PORT=$(API_PORT) DOM0_DISK=$(DOM0_DISK) DOM0_DISK_SIZE=$(DOM0_DISK_SIZE) \
		ci/run-qemu.sh $(BUILD)/muxvisor.iso $(CPUS) $(MEM) "$(OPTS)"

clean:
	rm -rf $(BUILD)
