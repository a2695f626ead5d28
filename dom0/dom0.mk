# dom0/dom0.mk - muxd, the management daemon, and its unit tests.
#
#   build/muxd                  the daemon (-O2)
#   build/muxd-asan             the same sources with ASan+UBSan, for tests
#   build/tests/unit/muxd_*     host unit tests (dom0/tests/test_<x>.c)
#   make bench-api              API throughput against a minimal-server ceiling

MUXD_DIR := dom0
MUXD_BUILD := $(BUILD)/dom0
MUXD_GEN := $(MUXD_BUILD)/gen
MUXD_PKGS := libmicrohttpd json-c sqlite3 libvirt libsodium
MUXD_PKG_CFLAGS := $(shell pkg-config --cflags $(MUXD_PKGS) 2>/dev/null)
MUXD_PKG_LIBS := $(shell pkg-config --libs $(MUXD_PKGS) 2>/dev/null)

# The CPU entitlement function belongs to the scheduler (hypervisor/sched);
# muxd compiles the same file for the dashboard's entitled share.
MUXD_ENTITLE_SRC := $(wildcard hypervisor/sched/entitlement.c)
MUXD_ENTITLE_DEF := $(if $(MUXD_ENTITLE_SRC),-DMUXD_HAVE_ENTITLEMENT)

MUXD_WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes
MUXD_INC := -I$(MUXD_DIR)/agent -I$(MUXD_DIR)/api -I$(MUXD_GEN) -Ihypervisor/include -Ihypervisor \
	-I$(MUXD_DIR)/lib -Ihypervisor/public
MUXD_CFLAGS := -std=gnu11 -O2 -g -fno-omit-frame-pointer -D_GNU_SOURCE -pthread \
	$(MUXD_WARN) $(MUXD_INC) $(MUXD_PKG_CFLAGS) $(MUXD_ENTITLE_DEF) -MMD -MP
MUXD_SAN_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -D_GNU_SOURCE -pthread \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	$(MUXD_WARN) $(MUXD_INC) $(MUXD_PKG_CFLAGS) $(MUXD_ENTITLE_DEF) -MMD -MP
MUXD_LIBS := $(MUXD_PKG_LIBS) -pthread
# the muxvisor driver's control library (dom0/lib/lib.mk)
MUXD_CTL_LIB := $(BUILD)/dom0/libmuxctl.a
MUXD_CTL_SAN_LIB := $(BUILD)/dom0/libmuxctl-san.a

MUXD_SRCS := $(wildcard $(MUXD_DIR)/agent/*.c) $(wildcard $(MUXD_DIR)/api/*.c) $(MUXD_ENTITLE_SRC)
MUXD_GEN_SRCS := $(MUXD_GEN)/migrations.c $(MUXD_GEN)/assets.c
MUXD_MIGRATIONS := $(sort $(wildcard db/[0-9][0-9][0-9]_*.sql))
MUXD_ASSETS := $(MUXD_DIR)/api/dashboard.html docs/api/openapi.yaml

MUXD_OBJS := $(patsubst %.c,$(MUXD_BUILD)/o/%.o,$(MUXD_SRCS) $(MUXD_GEN_SRCS))
MUXD_SAN_OBJS := $(patsubst %.c,$(MUXD_BUILD)/san/%.o,$(MUXD_SRCS) $(MUXD_GEN_SRCS))
# everything but main(), for unit tests
MUXD_LIB_SAN_OBJS := $(filter-out %/agent/main.o,$(MUXD_SAN_OBJS))

$(MUXD_GEN)/migrations.c: $(MUXD_MIGRATIONS) $(MUXD_DIR)/agent/embed.py
	@mkdir -p $(dir $@)
	python3 $(MUXD_DIR)/agent/embed.py $@ embed_migrations $(MUXD_MIGRATIONS)

$(MUXD_GEN)/assets.c: $(MUXD_ASSETS) $(MUXD_DIR)/agent/embed.py
	@mkdir -p $(dir $@)
	python3 $(MUXD_DIR)/agent/embed.py $@ embed_assets $(MUXD_ASSETS)

$(MUXD_BUILD)/o/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MUXD_CFLAGS) -c $< -o $@

$(MUXD_BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MUXD_SAN_CFLAGS) -c $< -o $@

$(BUILD)/muxd: $(MUXD_OBJS) $(MUXD_CTL_LIB)
	$(HOST_CC) -o $@ $(MUXD_OBJS) $(MUXD_CTL_LIB) $(MUXD_LIBS)

$(BUILD)/muxd-asan: $(MUXD_SAN_OBJS) $(MUXD_CTL_SAN_LIB)
	$(HOST_CC) -fsanitize=address,undefined -o $@ $(MUXD_SAN_OBJS) $(MUXD_CTL_SAN_LIB) $(MUXD_LIBS)

# The fixed-body libmicrohttpd server bench-api measures as the ceiling.
$(BUILD)/bench/api-ceiling: ci/bench/api_ceiling.c
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu11 -O2 $(MUXD_WARN) -o $@ $< $(MUXD_PKG_LIBS) -pthread

ALL += $(BUILD)/muxd $(BUILD)/muxd-asan

MUXD_TEST_SRCS := $(wildcard $(MUXD_DIR)/tests/test_*.c)
MUXD_TESTS := $(patsubst $(MUXD_DIR)/tests/test_%.c,$(BUILD)/tests/unit/muxd_%,$(MUXD_TEST_SRCS))

$(BUILD)/tests/unit/muxd_%: $(MUXD_DIR)/tests/test_%.c $(MUXD_LIB_SAN_OBJS) $(MUXD_CTL_SAN_LIB)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MUXD_SAN_CFLAGS) -Ici -o $@ $< $(MUXD_LIB_SAN_OBJS) $(MUXD_CTL_SAN_LIB) $(MUXD_LIBS)

UNIT_TESTS += $(MUXD_TESTS)

.PHONY: bench-api
bench-api: $(BUILD)/muxd $(BUILD)/bench/api-ceiling
	python3 ci/bench/api_bench.py

# muxd-dom0: muxd for Muxvisor's dom0, without the libvirt driver (dom0's
# image carries no libvirt); --driver defaults to muxvisor there. Linked
# dynamically: libmicrohttpd's static archive needs gnutls's dependencies,
# which Debian ships as shared objects only, so dom0's image carries the
# libraries `ldd build/dom0/muxd-dom0` names.
MUXD_DOM0_PKGS := libmicrohttpd json-c sqlite3 libsodium
MUXD_DOM0_SRCS := $(filter-out $(MUXD_DIR)/agent/driver_libvirt%,$(MUXD_SRCS)) $(MUXD_GEN_SRCS)
MUXD_DOM0_OBJS := $(patsubst %.c,$(MUXD_BUILD)/dom0/%.o,$(MUXD_DOM0_SRCS))
MUXD_DOM0_CFLAGS := $(filter-out $(shell pkg-config --cflags libvirt 2>/dev/null),$(MUXD_CFLAGS)) \
	-DMUXD_NO_LIBVIRT

$(MUXD_BUILD)/dom0/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MUXD_DOM0_CFLAGS) -c $< -o $@

$(BUILD)/dom0/muxd-dom0: $(MUXD_DOM0_OBJS) $(MUXD_CTL_LIB)
	$(HOST_CC) -o $@ $(MUXD_DOM0_OBJS) $(MUXD_CTL_LIB) \
		$(shell pkg-config --libs $(MUXD_DOM0_PKGS) 2>/dev/null) -pthread

ALL += $(BUILD)/dom0/muxd-dom0

-include $(MUXD_OBJS:.o=.d) $(MUXD_SAN_OBJS:.o=.d) $(MUXD_DOM0_OBJS:.o=.d) $(MUXD_TESTS:=.d)

# dom0's control stack: kernel module, control library, muxctl (issue 7).
include dom0/kmod/kmod.mk
include dom0/lib/lib.mk
include dom0/muxctl/muxctl.mk

# What dom0's image carries from this tree (branch dom0-img packs them):
# build/dom0/{muxvisor.ko,muxctl,muxd-dom0}.
.PHONY: dom0-bins
dom0-bins: dom0-kmod $(BUILD)/dom0/muxctl $(BUILD)/dom0/muxd-dom0
