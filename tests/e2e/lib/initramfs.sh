# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Building one initramfs per guest kernel: busybox, util-linux mount/umount,
# udevd with our rule and units, our programs and the shared libraries they
# all need (from the sysroot), the virtiofs modules with binary kmod indexes,
# the guest scripts and the share topology.

# Modules the guest may need to load; dependencies are resolved with the
# host's modprobe against the guest tree (built-in ones resolve to nothing).
GUEST_MODULES=(virtiofs)

# needed_libs ELF -> DT_NEEDED sonames
needed_libs() {
	"$CROSS-readelf" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
}

interpreter() {
	"$CROSS-readelf" -l "$1" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p'
}

# find_sysroot_lib SONAME: in the sysroot, or in the unpacked library
# packages udevd needs beyond it (UDEV_LIBROOTS, prepare.sh)
find_sysroot_lib() {
	local d r
	for r in "$SYSROOT" "${UDEV_LIBROOTS[@]}"; do
		for d in lib/$CROSS usr/lib/$CROSS lib64 lib usr/lib; do
			if [ -e "$r/$d/$1" ]; then
				printf '%s\n' "$r/$d/$1"
				return 0
			fi
		done
	done
	return 1
}

# copy_libs ROOT ELF... : the DT_NEEDED closure into ROOT/lib/$CROSS, plus
# the program interpreter at its own path. No ld.so.cache is needed: glibc
# searches /lib/$CROSS by default.
copy_libs() {
	local root=$1 f lib src interp
	shift
	local -a queue=("$@")
	local -A seen=()
	mkdir -p "$root/lib/$CROSS"
	for f in "$@"; do
		interp=$(interpreter "$f")
		[ -n "$interp" ] || continue
		[ -e "$root$interp" ] && continue
		mkdir -p "$root$(dirname "$interp")"
		cp -L "$(realpath "$SYSROOT$interp")" "$root$interp"
	done
	while [ "${#queue[@]}" -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for lib in $(needed_libs "$f"); do
			[ -n "${seen[$lib]:-}" ] && continue
			seen[$lib]=1
			src=$(find_sysroot_lib "$lib") || die "$lib (needed by $(basename "$f")) not in sysroot"
			cp -L "$src" "$root/lib/$CROSS/$lib"
			queue+=("$root/lib/$CROSS/$lib")
		done
	done
}

# install_modules KEY ROOT
install_modules() {
	local key=$1 root=$2 kdir=${KERNEL_DIR[$1]} kver=${KERNEL_VER[$1]} f m line path
	local src=$kdir/lib/modules/$kver dst=$root/lib/modules/$kver
	mkdir -p "$dst"
	# modules.builtin* lets libkmod report built-in modules (6.12: fuse and
	# virtiofs are built in) instead of "not found".
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -e "$src/$f" ] && cp "$src/$f" "$dst/"
	done
	for m in "${GUEST_MODULES[@]}"; do
		while read -r line; do
			case $line in
			insmod\ *)
				path=${line#insmod }
				path=${path%% *}
				path=${path#"$kdir"}
				mkdir -p "$root$(dirname "$path")"
				cp "$kdir$path" "$root$path"
				;;
			esac
		done < <("$MODPROBE" -C /dev/null -d "$kdir" -S "$kver" --show-depends "$m")
	done
	# Binary indexes (modules.dep.bin, modules.alias.bin, ...): libkmod needs
	# them; busybox's depmod would only write the text files.
	"$DEPMOD" -C /dev/null -b "$root" "$kver"
}

# write_topology FILE : "kind<TAB>busid<TAB>hostid<TAB>tag" per share (tag
# last: it is free text and may contain spaces).
write_topology() {
	local line kind busid hostid tag
	: >"$1"
	for line in "${SHARES[@]}"; do
		read -r kind _ busid hostid tag <<<"$line"
		printf '%s\t%s\t%s\t%s\n' "$kind" "$busid" "$hostid" "$tag" >>"$1"
	done
}

# build_initramfs KEY -> sets INITRD[KEY]
declare -A INITRD
build_initramfs() {
	local key=$1 root=$E2E_WORK/initramfs-$1 p progs=() kmodlib
	rm -rf -- "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,mnt,e2e}
	cp "$BUSYBOX" "$root/bin/busybox"
	# util-linux mount(8)/umount(8) at their Debian paths; busybox --install
	# (at boot) leaves existing files alone, so these are /bin/mount and
	# /bin/umount, and busybox's applets stay reachable as "busybox mount".
	install -m 0755 "$UL_MOUNT" "$root/bin/mount"
	install -m 0755 "$UL_UMOUNT" "$root/bin/umount"
	progs+=("$root/bin/mount" "$root/bin/umount")
	# Ours in /sbin: mount(8) looks for helpers in /sbin, /sbin/fs.d, /sbin/fs
	# (libmount's FS_SEARCH_PATH), so /sbin/mount.virtiofs is what it runs.
	for p in "${GUEST_PROGRAMS[@]}"; do
		[ -x "$BUILD_DIR/$p" ] || continue
		install -m 0755 "$BUILD_DIR/$p" "$root/sbin/$p"
		progs+=("$root/sbin/$p")
	done
	# Hotplug: Debian's udevd (udevadm is multi-call: systemd-udevd is a link
	# to it, as in the package) with the project's rule exactly as shipped.
	# There is no systemd (and no systemctl): the rule's RUN+= runs
	# /usr/sbin/virtiofs-ccw itself.
	install -m 0755 "$UDEVADM" "$root/bin/udevadm"
	progs+=("$root/bin/udevadm")
	mkdir -p "$root/lib/systemd" "$root/lib/udev/rules.d"
	ln -s ../../bin/udevadm "$root/lib/systemd/systemd-udevd"
	install -m 0644 "$TOP"/udev/*.rules "$root/lib/udev/rules.d/"
	ln -s ../../sbin/virtiofs-ccw "$root/usr/sbin/virtiofs-ccw"
	install -m 0755 "$BUILD_DIR/$GUEST_HOLDLOCK" "$root/e2e/holdlock"
	progs+=("$root/e2e/holdlock")
	copy_libs "$root" "${progs[@]}"
	# What our programs dlopen() when they need it (modload.c: libkmod), with
	# what that needs in turn: no DT_NEEDED names it.
	kmodlib=$(find_sysroot_lib libkmod.so.2) || die "libkmod.so.2 not in the sysroot"
	cp -L "$kmodlib" "$root/lib/$CROSS/libkmod.so.2"
	copy_libs "$root" "$root/lib/$CROSS/libkmod.so.2"
	install_modules "$key" "$root"
	install -m 0755 "$E2E_DIR/guest/init" "$root/init"
	install -m 0755 "$E2E_DIR/guest/modprobe-trap" "$root/e2e/modprobe-trap"
	install -m 0644 "$E2E_DIR/guest/lib.sh" "$E2E_DIR/guest/scenarios.sh" "$root/e2e/"
	install -m 0644 "$BUILD_DIR/$GUEST_VANISH" "$root/e2e/vanish.so"
	write_topology "$root/e2e/shares"
	ln -s /proc/self/mounts "$root/etc/mtab"
	INITRD[$key]=$E2E_WORK/initrd-$key.gz
	(cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null --create --format=newc --owner=0:0 --quiet) | gzip -6 >"${INITRD[$key]}"
}
