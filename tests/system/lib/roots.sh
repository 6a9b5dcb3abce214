# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The Debian s390x systems of the real-system suite: two roots made by
# mmdebstrap from the machine's own Debian mirror (cached), our package built
# natively for s390x in one of them, installed by dpkg in the other, and that
# one packed as the guest's initramfs. s390x programs run through binfmt_misc
# and qemu-user (run.sh deps registers it).
#
# Cache layout ($E2E_CACHE/system):
#   root-<key>.tar      the runtime root: what a minimal Debian guest has
#   buildroot-<key>/    the build root: the same plus the build dependencies
#   flavour-<generator>-<key>.tar   the runtime root plus dracut or
#                       initramfs-tools (the early boots, early.sh)
#   images/             their initramfs images (early.sh)
# key = hash of the mirror, the suite and the package list; delete to refresh.

SYS_SUITE=bookworm
# A minimal Debian guest with systemd as PID 1, and the libraries our package
# depends on (dpkg -i installs no dependencies).
SYS_RUNTIME_PKGS=systemd-sysv,udev,util-linux,mount,kmod,libmount1,libudev1,libkmod2,libsmartcols1
# What packaging/debian/control's Build-Depends name without the nocheck profile.
SYS_BUILD_PKGS=$SYS_RUNTIME_PKGS,build-essential,debhelper,pkg-config,libudev-dev,libmount-dev,libkmod-dev,libsmartcols-dev,libcmocka-dev

# sys_source -> the mmdebstrap source line of the machine's Debian archive
sys_source() {
	local mirror
	mirror=$(E2E_SUITE=$SYS_SUITE host_mirror) ||
		die "no '$SYS_SUITE' deb source in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
	printf 'deb [signed-by=%s] %s %s main\n' "${mirror#*$'\t'}" "${mirror%%$'\t'*}" "$SYS_SUITE"
}

sys_key() {
	printf '%s\n' "$(sys_source)" "$1" | sha256sum | cut -c1-12
}

# mmdebstrap_root PKGS TARGET LOG: a bookworm s390x root (TARGET: a .tar or a directory)
mmdebstrap_root() {
	local pkgs=$1 target=$2 log=$3
	if ! mmdebstrap --arch=s390x --variant=apt --include="$pkgs" \
		"$SYS_SUITE" "$target" "$(sys_source)" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "mmdebstrap failed (log: $log)"
	fi
}

# prepare_roots -> sets SYS_ROOT_TAR, SYS_BUILDROOT (built when missing, in parallel)
prepare_roots() {
	local dir=$E2E_CACHE/system pids=() p rc=0 tmp
	mkdir -p "$dir"
	SYS_ROOT_TAR=$dir/root-$(sys_key "$SYS_RUNTIME_PKGS").tar
	# mmdebstrap picks the format by the name's ending
	tmp=${SYS_ROOT_TAR%.tar}.tmp.tar
	SYS_BUILDROOT=$dir/buildroot-$(sys_key "$SYS_BUILD_PKGS")
	if [ ! -s "$SYS_ROOT_TAR" ]; then
		log "building the runtime root (mmdebstrap, s390x)"
		rm -rf -- "$tmp" "$SYS_ROOT_TAR"
		mmdebstrap_root "$SYS_RUNTIME_PKGS" "$tmp" "$dir/root.log" &
		pids+=($!)
	fi
	if [ ! -e "$SYS_BUILDROOT/.done" ]; then
		log "building the build root (mmdebstrap, s390x)"
		rm -rf -- "$SYS_BUILDROOT"
		mmdebstrap_root "$SYS_BUILD_PKGS" "$SYS_BUILDROOT" "$dir/buildroot.log" &
		pids+=($!)
	fi
	for p in "${pids[@]}"; do
		track_pid "$p"
		wait "$p" || rc=1
		untrack_pids "$p"
	done
	[ "$rc" = 0 ] || die "building a root failed"
	[ -s "$SYS_ROOT_TAR" ] || mv -- "$tmp" "$SYS_ROOT_TAR"
	touch "$SYS_BUILDROOT/.done"
	# Roots of older keys are superseded.
	find "$dir" -maxdepth 1 \( -name 'root-*' ! -path "$SYS_ROOT_TAR" \
		-o -name 'buildroot-*' ! -path "$SYS_BUILDROOT" \) -exec rm -rf -- {} +
}

# in_root ROOT CMD...: CMD in ROOT, with /proc, in a mount namespace of its
# own, so nothing stays mounted when it ends, whatever happens
in_root() {
	local root=$1
	shift
	unshare --mount --fork -- /bin/sh -c 'mount -t proc proc "$1/proc" && shift && exec chroot "$@"' \
		sh "$root" "$root" "$@"
}

# build_package -> sets SYS_DEB: packaging/build-deb, natively for s390x in
# the build root, from the work tree as it is (the files git knows and the
# untracked ones it does not ignore)
build_package() {
	local src=$SYS_BUILDROOT/src log=$E2E_WORK/package-build.log lockfd
	# One build at a time in the shared build root (runs of other work trees)
	exec {lockfd}>"$E2E_CACHE/system/.build.lock"
	flock "$lockfd"
	rm -rf -- "$src" "$SYS_BUILDROOT/out"
	mkdir -p "$src/virtiofs-ccw"
	git -C "$TOP" ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$TOP/$f" ] && printf '%s\0' "$f"; done |
		tar -C "$TOP" --null --no-recursion -T - -cf - | tar -C "$src/virtiofs-ccw" -xf -
	# The tests ran natively (make check, make check-s390x); nocheck keeps
	# them from running a second time under qemu-user.
	if ! in_root "$SYS_BUILDROOT" /usr/bin/env DEB_BUILD_OPTIONS=nocheck /bin/sh -c \
		'cd /src/virtiofs-ccw && packaging/build-deb /out -b -us -uc -Pnocheck' >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "building the package in the s390x root failed (log: $log)"
	fi
	SYS_DEB=$(find "$SYS_BUILDROOT/out" -name 'virtiofs-ccw_*_s390x.deb' | head -n1)
	[ -n "$SYS_DEB" ] || die "the build left no virtiofs-ccw_*_s390x.deb"
	cp -- "$SYS_DEB" "$E2E_WORK/"
	SYS_DEB=$E2E_WORK/${SYS_DEB##*/}
	rm -rf -- "$src" "$SYS_BUILDROOT/out"
	flock -u "$lockfd"
	exec {lockfd}>&-
	log "built $(basename "$SYS_DEB") in the s390x root: $(dpkg-deb -f "$SYS_DEB" Architecture)"
}

# Units a console-less test guest masks: the gettys would take the console
# (getty-static fails without dbus and logind).
SYS_MASK=(serial-getty@ttysclp0.service getty-static.service getty@tty1.service
	getty@tty2.service getty@tty3.service getty@tty4.service getty@tty5.service
	getty@tty6.service)

# prepare_runtime KERNEL... -> sets SYS_ROOT, SYS_BASE_CPIO: the runtime root
# unpacked, our package installed by dpkg (its maintainer scripts run), the
# test harness and the kernels' modules added, packed as a newc cpio
prepare_runtime() {
	local root=$E2E_WORK/root k
	mkdir -p "$root"
	tar -C "$root" -xf "$SYS_ROOT_TAR"
	cp -- "$SYS_DEB" "$root/tmp/"
	log "installing the package in the runtime root (dpkg -i)"
	in_root "$root" dpkg -i "/tmp/${SYS_DEB##*/}" 2>&1 | tee "$E2E_WORK/dpkg-i.log" | sed 's/^/  dpkg: /' >&2
	[ "${PIPESTATUS[0]}" = 0 ] || die "dpkg -i failed"
	rm -f -- "$root/tmp/${SYS_DEB##*/}"
	# systemd as PID 1 of the initramfs
	ln -sfn /lib/systemd/systemd "$root/init"
	setup_guest_root "$root"
	for k in "$@"; do
		install_modules "$k" "$root"
	done
	SYS_ROOT=$root
	SYS_BASE_CPIO=$E2E_WORK/base.cpio
	pack_cpio "$root" "$SYS_BASE_CPIO"
}

# setup_guest_root ROOT: an unconfigured machine made a test guest: no
# machine-id, no root password, the gettys masked, a user, the harness
setup_guest_root() {
	local root=$1 u
	: >"$root/etc/machine-id"
	echo s390-guest >"$root/etc/hostname"
	sed -i 's/^root:[^:]*:/root::/' "$root/etc/shadow"
	for u in "${SYS_MASK[@]}"; do ln -sfn /dev/null "$root/etc/systemd/system/$u"; done
	# A user for the fstab lines with "user" (mount(8) runs as that user)
	in_root "$root" useradd --no-create-home --uid 1000 --shell /bin/sh tester
	# The harness: e2e's helpers, our scenarios, the runner unit
	mkdir -p "$root/e2e" "$root/system"
	install -m 0644 "$E2E_DIR/guest/lib.sh" "$root/e2e/lib.sh"
	install -m 0755 "$SYS_DIR/guest/runner" "$root/system/runner"
	install -m 0644 "$SYS_DIR/guest/scenarios.sh" "$root/system/scenarios.sh"
	install -m 0644 "$SYS_DIR/guest/system-test.service" "$root/etc/systemd/system/"
	ln -sfn ../system-test.service "$root/etc/systemd/system/multi-user.target.wants/system-test.service"
	write_topology "$root/e2e/shares"
}

# pack_cpio DIR FILE [CPIO-OPTION...]: DIR as an uncompressed newc archive
# (the kernel takes it as it is; compressing 200 MB costs more than it saves)
pack_cpio() {
	local dir=$1 out=$2
	shift 2
	(cd "$dir" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null --create --format=newc --quiet "$@") >"$out"
}

# boot_initrd NAME -> sets BOOT_INITRD: the base archive followed by the
# boot's own files (boots/NAME/root: fstab, policy file), which the kernel
# unpacks over it
boot_initrd() {
	local over=$SYS_DIR/boots/$1/root
	BOOT_INITRD=$E2E_WORK/initrd-$1.cpio
	if [ -d "$over" ]; then
		pack_cpio "$over" "$E2E_WORK/overlay-$1.cpio" --owner=0:0
		cat "$SYS_BASE_CPIO" "$E2E_WORK/overlay-$1.cpio" >"$BOOT_INITRD"
	else
		cp -- "$SYS_BASE_CPIO" "$BOOT_INITRD"
	fi
}

# ---- the early-boot flavours (tests/system/early.sh) --------------------------------
# dracut and initramfs-tools conflict in Debian: each gets a root of its own,
# the runtime root plus its initramfs generator, cached as a tarball beside
# the runtime root (flavour-<flavour>-<key>.tar). Without recommends: dracut's
# pull in lvm2, mdadm, cryptsetup and an MTA (~7 min), and mdadm's shutdown
# unit stalls the power-off.
declare -A SYS_FLAVOUR_PKGS=(
	[dracut]=dracut-core
	[initramfs-tools]="initramfs-tools e2fsprogs"
)

# prepare_flavour_root FLAVOUR -> sets SYS_FLAVOUR_TAR (built when missing)
prepare_flavour_root() {
	local flavour=$1 dir=$E2E_CACHE/system pkgs tmp log
	pkgs=${SYS_FLAVOUR_PKGS[$flavour]}
	SYS_FLAVOUR_TAR=$dir/flavour-$flavour-$(sys_key "$SYS_RUNTIME_PKGS $pkgs").tar
	[ -s "$SYS_FLAVOUR_TAR" ] && return 0
	log "building the $flavour root (the runtime root + $pkgs, no recommends)"
	tmp=$E2E_WORK/flavour-$flavour
	log=$dir/flavour-$flavour.log
	rm -rf -- "$tmp"
	mkdir -p "$tmp"
	tar -C "$tmp" -xf "$SYS_ROOT_TAR"
	# shellcheck disable=SC2086 # package names are words
	if ! in_root "$tmp" /usr/bin/env DEBIAN_FRONTEND=noninteractive /bin/sh -c \
		"apt-get -qq update && apt-get -y -qq --no-install-recommends install $pkgs && apt-get clean" \
		>"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "installing $pkgs in the $flavour root failed (log: $log)"
	fi
	rm -rf -- "$tmp"/var/lib/apt/lists/*
	tar -C "$tmp" -cf "$SYS_FLAVOUR_TAR.tmp" .
	mv -- "$SYS_FLAVOUR_TAR.tmp" "$SYS_FLAVOUR_TAR"
	rm -rf -- "$tmp"
	# Those of older keys are superseded.
	find "$dir" -maxdepth 1 -name "flavour-$flavour-*.tar" ! -path "$SYS_FLAVOUR_TAR" -delete
}
