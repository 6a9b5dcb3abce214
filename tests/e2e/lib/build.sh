# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Cross-building the project's programs for s390x against the cached sysroot.

CROSS=s390x-linux-gnu
# Programs installed into the guest when the build produced them; the first
# one is required.
GUEST_PROGRAMS=(virtiofs-ccw mount.virtiofs)
# The fault injection library (guest/vanish.c, LD_PRELOAD), built for s390x
# beside them; only the guest's libc is needed.
GUEST_VANISH=e2e-vanish.so
# A holder of the mount lock (guest/holdlock.c), for the scenario fault-lock.
GUEST_HOLDLOCK=e2e-holdlock

# build_programs -> sets BUILD_DIR
build_programs() {
	BUILD_DIR=$E2E_WORK/build
	mkdir -p "$BUILD_DIR"
	[ -f "$TOP/Makefile" ] || die "no $TOP/Makefile: nothing to build"
	local pc_libdir="$SYSROOT/usr/lib/$CROSS/pkgconfig:$SYSROOT/usr/share/pkgconfig"
	# The pkg-config settings go both on make's command line (the build
	# contract) and in the environment: make 4.3's $(shell ...) does not see
	# command-line variables, and an amd64 .pc must never leak in.
	if ! PKG_CONFIG_LIBDIR=$pc_libdir PKG_CONFIG_SYSROOT_DIR=$SYSROOT PKG_CONFIG_PATH='' \
		make -C "$TOP" O="$BUILD_DIR" \
		CC="$CROSS-gcc --sysroot=$SYSROOT" \
		PKG_CONFIG_LIBDIR="$pc_libdir" PKG_CONFIG_SYSROOT_DIR="$SYSROOT" \
		all >"$E2E_WORK/build.log" 2>&1; then
		tail -n 40 "$E2E_WORK/build.log" >&2
		die "cross-build failed (make O=$BUILD_DIR all)"
	fi
	[ -x "$BUILD_DIR/${GUEST_PROGRAMS[0]}" ] || die "build produced no ${GUEST_PROGRAMS[0]}"
	# An s390x ELF, not something built for the host by accident.
	"$CROSS-readelf" -h "$BUILD_DIR/${GUEST_PROGRAMS[0]}" | grep -q 'Machine:.*S/390' ||
		die "$BUILD_DIR/${GUEST_PROGRAMS[0]} is not an s390x binary"
	"$CROSS-gcc" --sysroot="$SYSROOT" -shared -fPIC -O2 -Wall -Werror \
		-o "$BUILD_DIR/$GUEST_VANISH" "$E2E_DIR/guest/vanish.c" >>"$E2E_WORK/build.log" 2>&1 || {
		tail -n 20 "$E2E_WORK/build.log" >&2
		die "cross-build of guest/vanish.c failed"
	}
	"$CROSS-gcc" --sysroot="$SYSROOT" -O2 -Wall -Werror \
		-o "$BUILD_DIR/$GUEST_HOLDLOCK" "$E2E_DIR/guest/holdlock.c" >>"$E2E_WORK/build.log" 2>&1 || {
		tail -n 20 "$E2E_WORK/build.log" >&2
		die "cross-build of guest/holdlock.c failed"
	}
}
