# SPDX-License-Identifier: MIT
#
# make bench: lookups, list and a whole-bus libudev enumeration on fake CCW
# buses of 1024 up to 4 x 65536 devices (tests/bench/README.md). Tools and
# outputs in $(O)/bench. BENCH_SIZES, BENCH_RUNS, BENCH_ENUM_SECONDS and
# BENCH_TMPFS=0 (build the trees on disk) tune it.

BENCH_O	    := $(O)/bench
BENCH_TOOLS := $(BENCH_O)/mksysfs $(BENCH_O)/bench-time $(BENCH_O)/enum-ccw

.PHONY: bench

$(BENCH_O)/mksysfs $(BENCH_O)/bench-time: $(BENCH_O)/%: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -std=gnu11 $(WARN) -D_GNU_SOURCE -o $@ $<

$(BENCH_O)/enum-ccw: tests/bench/enum-ccw.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -std=gnu11 $(WARN) $(call pkgconf,--cflags libudev) -o $@ $< \
		$(call pkgconf,--libs libudev)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_TOOLS)
	@tests/bench/run $(O)

# make bench-system: the same questions in a real guest -- the real-system
# suite's Debian s390x system, booted with 1 and 14 shares -- mount cycles
# (with four floors), the helper's -f runs, list, the helper's time split,
# boot (tests/bench/README.md). Its own boots: no part of check-system's pass
# or fail.
.PHONY: bench-system
bench-system:
	@tests/system/run.sh deps
	@tests/bench/system-run $(O)
