# SPDX-License-Identifier: MIT
#
# libFuzzer targets for the parsers of outside input (tests/fuzz/README.md).
#   make fuzz                 each target FUZZ_SECONDS (60) long; fails on any crash
#   make check-fuzz-regress   seeds and saved crashers, each input once (seconds)
#   make fuzz-build           only build them
# FUZZ_TARGETS="busid escape-display" picks targets. A target is one file,
# tests/fuzz/fuzz-NAME.c, with seeds in tests/fuzz/corpus/NAME/; the rules
# find it by name. Build output in $(O)/fuzz.

FUZZ_O	     := $(O)/fuzz
FUZZ_CC	     := clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g $(FUZZ_SAN)
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz-%.c,%,$(filter-out tests/fuzz/fuzz-common.c,\
	$(wildcard tests/fuzz/fuzz-*.c)))
FUZZ_BINS     = $(FUZZ_TARGETS:%=$(FUZZ_O)/fuzz-%)
FUZZ_LIB_OBJS = $(CORE_SRCS:%.c=$(FUZZ_O)/%.o)

.PHONY: fuzz check-fuzz-regress fuzz-build fuzz-deps

# The core as in every other build (CFLAGS has the project's warnings), with
# coverage instrumentation and the sanitizers.
$(FUZZ_O)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-MMD -MP -c -o $@ $<

$(FUZZ_O)/libvfc.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_O)/tests/fuzz/%.o: tests/fuzz/%.c tests/fuzz/fuzz.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Itests/fuzz $(CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-MMD -MP -c -o $@ $<

# --wrap=fopen: fuzz.h's fake files for parsers that read a fixed path.
$(FUZZ_O)/fuzz-%: $(FUZZ_O)/tests/fuzz/fuzz-%.o $(FUZZ_O)/tests/fuzz/fuzz-common.o \
		$(FUZZ_O)/libvfc.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Wl,--wrap=fopen -o $@ $^ $(LIBS)

# Keep the objects (make would delete them as intermediates and relink each time).
.SECONDARY: $(FUZZ_TARGETS:%=$(FUZZ_O)/tests/fuzz/fuzz-%.o) $(FUZZ_O)/tests/fuzz/fuzz-common.o

fuzz-deps: deps
	@packaging/install-deps clang libclang-rt-dev

fuzz-build: fuzz-deps
	@$(MAKE) --no-print-directory -s $(FUZZ_BINS)

fuzz: fuzz-build
	@tests/fuzz/run fuzz $(FUZZ_O) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

check-fuzz-regress: fuzz-build
	@tests/fuzz/run regress $(FUZZ_O) 0 $(FUZZ_TARGETS)
