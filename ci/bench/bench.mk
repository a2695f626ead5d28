# ci/bench/bench.mk - benchmarks that span the hypervisor, dom0 and muxd,
# and the overcommit scenario's test on its own.
#
#   make bench-balloon   balloon reclaim/re-grant rate and the memory
#                        overcommit scenario's density (docs/memory.md)

.PHONY: bench-balloon
# ci/bench/balloon.py builds the Linux guest image, dom0's image and the
# ISO itself (as the tests do); the QEMU consoles go to
# build/bench-balloon.log. BALLOON_BENCH_PARTS=reclaim runs only the part
# without muxd.
bench-balloon: deps
	@$(MAKE) --no-print-directory all
	@ci/bench/balloon.py 2>$(BUILD)/bench-balloon.log

.PHONY: test-overcommit
# The overcommit scenario alone (PASS/FAIL lines); `make test` runs it too.
test-overcommit: deps
	@$(MAKE) --no-print-directory all
	@ci/tests/platform_overcommit.py
