# SPDX-License-Identifier: MIT
#
# virtiofs-ccw. Plain GNU make; out-of-tree builds with O=DIR. Cross-build with
# CC, PKG_CONFIG (or PKG_CONFIG_LIBDIR/PKG_CONFIG_SYSROOT_DIR) set for the target.

VERSION := 0.1.0

O	   ?= build
PKG_CONFIG ?= pkg-config
CFLAGS	   ?= -O2 -g

PKGS	  := libudev mount libkmod smartcols
TEST_PKGS := cmocka

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
	-Wstrict-prototypes -Wpointer-arith -Wundef -Wvla
override CPPFLAGS += -Iinclude -Isrc/cli -D_GNU_SOURCE -DVERSION='"$(VERSION)"'
# make 4.3 hands command-line variables to recipes but not to $(shell): pass
# a cross build's pkg-config settings on explicitly.
PKG_CONFIG_ENV := $(foreach v,PKG_CONFIG_LIBDIR PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR,\
	$(if $($(v)),$(v)='$($(v))'))
pkgconf = $(shell $(PKG_CONFIG_ENV) $(PKG_CONFIG) $(1))
override CFLAGS += -std=gnu11 $(WARN) -fno-strict-aliasing $(call pkgconf,--cflags $(PKGS))
# libkmod is dlopen()ed when a module must be loaded (modload.c), libudev for
# the whole-bus fallback (device-enumerate.c): neither is linked.
LIBS = $(call pkgconf,--libs $(filter-out libkmod libudev,$(PKGS)))

CORE_SRCS := $(wildcard src/*.c)
CLI_MAINS := src/cli/virtiofs-ccw.c src/cli/mount.virtiofs.c src/cli/virtiofs-ccw-udev.c \
	src/cli/virtiofs-ccw-generator.c
CLI_SRCS  := $(filter-out $(CLI_MAINS),$(wildcard src/cli/*.c))
UNIT_SRCS := $(wildcard tests/unit/test-*.c)

CORE_OBJS := $(CORE_SRCS:%.c=$(O)/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(O)/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)
PROGRAMS  := $(O)/virtiofs-ccw $(O)/mount.virtiofs $(O)/virtiofs-ccw-udev \
	$(O)/virtiofs-ccw-generator

# What `make deps` installs on Debian (build, tests); see packaging/install-deps.
DEB_BUILD_DEPS := make gcc pkg-config libudev-dev libmount-dev libkmod-dev \
	libsmartcols-dev libcmocka-dev umockdev systemd

# Installation directories; udev and systemd say where their files go.
prefix	  ?= /usr
sbindir	  ?= $(prefix)/sbin
datadir	  ?= $(prefix)/share
mandir	  ?= $(datadir)/man
sysconfdir ?= /etc
# mount(8) runs helpers from /sbin: that is /usr/sbin where /usr is merged.
mounthelperdir ?= $(if $(filter /usr,$(prefix)),$(if $(wildcard /sbin/.),$(shell test -L /sbin && echo /usr/sbin || echo /sbin),/sbin),$(sbindir))
udevdir	  ?= $(or $(call pkgconf,--variable=udevdir udev),$(prefix)/lib/udev)
systemdsystemunitdir ?= $(or $(call pkgconf,--variable=systemdsystemunitdir systemd),$(prefix)/lib/systemd/system)
systemdsystemgeneratordir ?= $(or $(call pkgconf,--variable=systemdsystemgeneratordir systemd),$(prefix)/lib/systemd/system-generators)
bashcompletiondir ?= $(or $(call pkgconf,--variable=completionsdir bash-completion),$(datadir)/bash-completion/completions)
# The initramfs generators' directories (dracut/, initramfs-tools/).
dracutmodulesdir ?= $(prefix)/lib/dracut/modules.d
initramfstoolsdir ?= $(datadir)/initramfs-tools
INSTALL	  ?= install

.PHONY: all clean check check-unit check-cli deps demo check-e2e format install uninstall
all: $(PROGRAMS)

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# Anew each time: a member of a source file since removed must not linger.
$(O)/libvfc.a: $(CORE_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/virtiofs-ccw: $(O)/src/cli/virtiofs-ccw.o $(CLI_OBJS) $(O)/libvfc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(O)/mount.virtiofs: $(O)/src/cli/mount.virtiofs.o $(O)/src/cli/cli.o $(O)/libvfc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(O)/virtiofs-ccw-udev: $(O)/src/cli/virtiofs-ccw-udev.o $(O)/src/cli/cli.o $(O)/libvfc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(O)/virtiofs-ccw-generator: $(O)/src/cli/virtiofs-ccw-generator.o $(O)/src/cli/cli.o $(O)/libvfc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

comma := ,
# Tests that stand in for the kernel wrap the one library call that would reach it;
# libkmod's, looked up at run time, is defined by the test and exported instead.
$(O)/tests/test-modload: TEST_LDFLAGS := -rdynamic $(call pkgconf,--libs libkmod)
$(O)/tests/test-mount: TEST_WRAPS := mnt_context_mount
$(O)/tests/test-mountall: TEST_WRAPS := mnt_context_mount
$(O)/tests/test-automount: TEST_WRAPS := mnt_context_mount mnt_context_umount

$(O)/tests/%: tests/unit/%.c $(O)/libvfc.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkgconf,--cflags $(TEST_PKGS)) -MMD -MP \
		$(LDFLAGS) $(addprefix -Wl$(comma)--wrap=,$(TEST_WRAPS)) -o $@ $< $(O)/libvfc.a \
		$(LIBS) $(TEST_LDFLAGS) $(call pkgconf,--libs $(TEST_PKGS))

# The tests: cmocka unit tests (one process each), then the programs in fake
# sysfs trees under umockdev. Installs what they need first (as root).
check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS)
	@rm -f $(O)/check-results
	@fail=0; \
	RESULTS=$(O)/check-results O=$(O) tests/unit/run $(UNIT_BINS) || fail=1; \
	RESULTS=$(O)/check-results tests/cli/run $(O) || fail=1; \
	awk '{ p += $$1; f += $$2 } END { printf "%d passed, %d failed\n", p, f }' \
		$(O)/check-results; \
	exit $$fail

check-unit: $(UNIT_BINS)
	@O=$(O) tests/unit/run $(UNIT_BINS)

check-cli: $(PROGRAMS)
	@tests/cli/run $(O)

deps:
	@packaging/install-deps $(DEB_BUILD_DEPS)

# The end-to-end suite and the demo: Debian's s390x kernels under QEMU with
# real virtio-fs CCW devices (tests/e2e/README.md). Each installs its host
# packages first and downloads the guest kernels once into a cache.
check-e2e:
	@tests/e2e/run.sh deps
	@tests/e2e/run.sh check

demo:
	@tests/e2e/run.sh deps
	@tests/e2e/run.sh demo

# The units and the rule name the programs by path: follow sbindir.
install: all
	$(INSTALL) -d $(DESTDIR)$(sbindir) $(DESTDIR)$(mounthelperdir) \
		$(DESTDIR)$(udevdir)/rules.d $(DESTDIR)$(systemdsystemunitdir) \
		$(DESTDIR)$(systemdsystemgeneratordir) \
		$(DESTDIR)$(sysconfdir) $(DESTDIR)$(mandir)/man5 $(DESTDIR)$(mandir)/man8 \
		$(DESTDIR)$(bashcompletiondir)
	$(INSTALL) -m 0755 $(O)/virtiofs-ccw $(DESTDIR)$(sbindir)/virtiofs-ccw
	# set-uid root, as util-linux installs mount(8) and nfs-common mount.nfs:
	# mount(8) drops its privileges before it runs a helper, so a "user"
	# fstab line reaches us as the user (mount.virtiofs(8), USER MOUNTS).
	# SETUID=0 installs it without: then only root mounts virtio-fs shares.
	$(INSTALL) -m $(if $(filter 0,$(SETUID)),0755,4755) $(O)/mount.virtiofs \
		$(DESTDIR)$(mounthelperdir)/mount.virtiofs
	$(INSTALL) -m 0755 $(O)/virtiofs-ccw-udev $(DESTDIR)$(udevdir)/virtiofs-ccw-udev
	$(INSTALL) -m 0755 $(O)/virtiofs-ccw-generator \
		$(DESTDIR)$(systemdsystemgeneratordir)/virtiofs-ccw-generator
	sed -e 's|/usr/sbin/virtiofs-ccw|$(sbindir)/virtiofs-ccw|' \
		-e 's|/lib/udev/virtiofs-ccw-udev|$(udevdir)/virtiofs-ccw-udev|' \
		udev/90-virtiofs-ccw.rules > $(DESTDIR)$(udevdir)/rules.d/90-virtiofs-ccw.rules
	for u in udev/*.service; do \
		sed 's|/usr/sbin/virtiofs-ccw|$(sbindir)/virtiofs-ccw|' $$u \
			> $(DESTDIR)$(systemdsystemunitdir)/$${u#udev/} || exit 1; \
	done
	chmod 0644 $(DESTDIR)$(udevdir)/rules.d/90-virtiofs-ccw.rules \
		$(DESTDIR)$(systemdsystemunitdir)/virtiofs-ccw-*.service
	test -e $(DESTDIR)$(sysconfdir)/virtiofs-ccw.conf || \
		$(INSTALL) -m 0644 packaging/virtiofs-ccw.conf $(DESTDIR)$(sysconfdir)/virtiofs-ccw.conf
	$(INSTALL) -m 0644 man/virtiofs-ccw.conf.5 $(DESTDIR)$(mandir)/man5/
	$(INSTALL) -m 0644 man/virtiofs-ccw.8 man/mount.virtiofs.8 man/virtiofs-ccw-generator.8 \
		$(DESTDIR)$(mandir)/man8/
	$(INSTALL) -m 0644 packaging/virtiofs-ccw.bash-completion \
		$(DESTDIR)$(bashcompletiondir)/virtiofs-ccw

# The dracut module and the initramfs-tools hook and scripts name our files
# by their installed paths. An empty dracutmodulesdir or initramfstoolsdir
# installs none of that generator's (the RPM: Fedora and RHEL have no
# initramfs-tools).
EARLY_SED = sed -e 's|@SBINDIR@|$(sbindir)|g' -e 's|@MOUNTHELPERDIR@|$(mounthelperdir)|g' \
	-e 's|@UDEVDIR@|$(udevdir)|g' -e 's|@UNITDIR@|$(systemdsystemunitdir)|g' \
	-e 's|@GENERATORDIR@|$(systemdsystemgeneratordir)|g' -e 's|@SYSCONFDIR@|$(sysconfdir)|g'
DRACUT_MOD = $(dracutmodulesdir)/90virtiofs-ccw
DRACUT_FILES := module-setup.sh parse-virtiofs-ccw.sh
INITRAMFS_FILES := hooks/virtiofs-ccw scripts/init-premount/virtiofs-ccw scripts/virtiofs

.PHONY: install-dracut install-initramfs-tools
install: install-dracut install-initramfs-tools

install-dracut:
ifneq ($(dracutmodulesdir),)
	$(INSTALL) -d $(DESTDIR)$(DRACUT_MOD)
	for f in $(DRACUT_FILES); do \
		$(EARLY_SED) dracut/90virtiofs-ccw/$$f > $(DESTDIR)$(DRACUT_MOD)/$$f || exit 1; \
		chmod 0755 $(DESTDIR)$(DRACUT_MOD)/$$f; \
	done
endif

install-initramfs-tools:
ifneq ($(initramfstoolsdir),)
	$(INSTALL) -d $(DESTDIR)$(initramfstoolsdir)/hooks \
		$(DESTDIR)$(initramfstoolsdir)/scripts/init-premount
	for f in $(INITRAMFS_FILES); do \
		$(EARLY_SED) initramfs-tools/$$f > $(DESTDIR)$(initramfstoolsdir)/$$f || exit 1; \
	done
	# the hook and init-premount script are run, scripts/virtiofs is sourced
	chmod 0644 $(DESTDIR)$(initramfstoolsdir)/scripts/virtiofs
	chmod 0755 $(DESTDIR)$(initramfstoolsdir)/hooks/virtiofs-ccw \
		$(DESTDIR)$(initramfstoolsdir)/scripts/init-premount/virtiofs-ccw
endif

# The policy file is the administrator's: uninstall leaves it.
uninstall:
	rm -f $(DESTDIR)$(sbindir)/virtiofs-ccw $(DESTDIR)$(mounthelperdir)/mount.virtiofs \
		$(DESTDIR)$(udevdir)/rules.d/90-virtiofs-ccw.rules \
		$(DESTDIR)$(udevdir)/virtiofs-ccw-udev \
		$(DESTDIR)$(systemdsystemgeneratordir)/virtiofs-ccw-generator \
		$(DESTDIR)$(systemdsystemunitdir)/virtiofs-ccw-cio-free@.service \
		$(DESTDIR)$(systemdsystemunitdir)/virtiofs-ccw-share@.service \
		$(DESTDIR)$(mandir)/man5/virtiofs-ccw.conf.5 \
		$(DESTDIR)$(mandir)/man8/virtiofs-ccw.8 $(DESTDIR)$(mandir)/man8/mount.virtiofs.8 \
		$(DESTDIR)$(mandir)/man8/virtiofs-ccw-generator.8 \
		$(DESTDIR)$(bashcompletiondir)/virtiofs-ccw
ifneq ($(dracutmodulesdir),)
	rm -f $(addprefix $(DESTDIR)$(DRACUT_MOD)/,$(DRACUT_FILES))
	-rmdir $(DESTDIR)$(DRACUT_MOD)
endif
ifneq ($(initramfstoolsdir),)
	rm -f $(addprefix $(DESTDIR)$(initramfstoolsdir)/,$(INITRAMFS_FILES))
endif

clean:
	rm -rf $(O)

format:
	clang-format -i $(CORE_SRCS) $(wildcard src/cli/*.c src/cli/*.h include/*.h) $(UNIT_SRCS)

# Further suites keep their rules beside their sources (sanitizers, s390x, fuzzing, benchmark).
include $(sort $(wildcard tests/*/rules.mk))

-include $(shell find $(O) -name '*.d' 2>/dev/null)
