# SPDX-License-Identifier: MIT
#
# make check-sanitize: the `make check` suite (unit and CLI tests) rebuilt in
# $(O)/sanitize with AddressSanitizer and UBSan, every report fatal.
# make check-valgrind: the same suite, normal build, under valgrind memcheck.
# Both end with a canary that must be caught; see tests/sanitize/README.md.

SAN_O	    := $(O)/sanitize
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_CFLAGS  := -O1 -g $(SAN_FLAGS)
# The sanitizer runtimes are linked into the executables (gcc's default is a
# shared libasan). The executable comes first in symbol lookup, so ASan's
# interceptors sit in front of umockdev-wrapper's LD_PRELOAD library by
# construction, and ASan's link order check stays on.
SAN_LDFLAGS := $(if $(findstring clang,$(CC)),-static-libsan,-static-libasan -static-libubsan)
SAN_UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(SAN_O)/tests/%)
VG_O	    := $(O)/valgrind

.PHONY: check-sanitize check-valgrind sanitize-deps

sanitize-deps: deps
	@packaging/install-deps valgrind

check-sanitize: deps
	@$(MAKE) --no-print-directory O=$(SAN_O) CFLAGS='$(SAN_CFLAGS)' \
		LDFLAGS='$(SAN_LDFLAGS)' all $(SAN_UNIT_BINS)
	@$(CC) $(SAN_CFLAGS) $(SAN_LDFLAGS) $(WARN) -o $(SAN_O)/canary tests/sanitize/canary.c
	@tests/sanitize/run asan $(SAN_O)

# memcheck wants the plain program: a separate build, optimised as shipped.
check-valgrind: sanitize-deps
	@$(MAKE) --no-print-directory O=$(VG_O) all $(UNIT_SRCS:tests/unit/%.c=$(VG_O)/tests/%)
	@$(CC) -O2 -g $(WARN) -o $(VG_O)/canary tests/sanitize/canary.c
	@tests/sanitize/run valgrind $(VG_O)
