# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The early-boot boots of the real-system suite, named after the initramfs
# generator they test: dracut and initramfs-tools (tests/system/README.md).
# Each: a copy of the Debian s390x root with that generator installed
# (roots.sh, cached), our .deb installed by dpkg, the kernel's modules; the
# generator builds the initramfs inside it (cached, keyed on what goes in);
# an ext4 image of the same root is the disk root (virtio-blk CCW, 0.0.0001).
# Then several QEMU runs, each judged by console markers only (QEMU exits 0
# after a guest panic too):
#   - initrd-only runs stop in the initramfs before switch-root and print
#     /proc/self/mountinfo there (early/report, test-only): a root on
#     virtio-fs cannot be used past that point here, every file access
#     through a share fails (big-endian guest, virtiofsd does not byte-swap);
#   - dracut's disk run boots on into the real root, whose runner asserts
#     from the journal of the initrd phase what was mounted there.
# Sourced by run.sh, after roots.sh.

EARLY_FLAVOURS=(dracut initramfs-tools)
# The disk at 0.0.0001 stays visible whatever cio_ignore= hides.
EARLY_DISK_DEVNO=fe.0.0001
# Every early kernel line: the crypto self-tests overflowed the kernel stack
# in 2 of 2 boots without a root device (early-boot recipe).
EARLY_ARGS="cryptomgr.notests=1"
EARLY_CIO="cio_ignore=all,!condev,!0.0.0001"
# Bounds (s) on a run that must fail: from QEMU's start to its exit; and
# in the guest's uptime, dracut's line on the absent root (rd.timeout=15,
# then the helper's own wait, 10 s: ~37 s seen)
EARLY_FAIL_MAX=150
EARLY_ABSENT_UPTIME_MAX=60

# ---- the root and the image ------------------------------------------------------
# early_root FLAVOUR KERNEL -> sets EARLY_ROOT: the flavour's root with our
# package, the harness, the kernel's modules, the boot's files
# (boots/FLAVOUR/root: fstab) and the test-only initramfs pieces
early_root() {
	local flavour=$1 kernel=$2 root=$E2E_WORK/root-$1 kver=${KERNEL_VER[$2]} over
	prepare_flavour_root "$flavour"
	rm -rf -- "$root"
	mkdir -p "$root"
	tar -C "$root" -xf "$SYS_FLAVOUR_TAR"
	cp -- "$SYS_DEB" "$root/tmp/"
	in_root "$root" dpkg -i "/tmp/${SYS_DEB##*/}" >"$E2E_WORK/dpkg-i-$flavour.log" 2>&1 ||
		die "dpkg -i in the $flavour root failed (log: $E2E_WORK/dpkg-i-$flavour.log)"
	rm -f -- "$root/tmp/${SYS_DEB##*/}"
	setup_guest_root "$root"
	# The whole module tree, as a kernel package installs it (the generator
	# picks from it), without the kernel: its package's hooks are not run.
	mkdir -p "$root/usr/lib/modules"
	cp -a "${KERNEL_DIR[$kernel]}/lib/modules/$kver" "$root/usr/lib/modules/"
	cp -- "${KERNEL_DIR[$kernel]}/boot/config-$kver" "$root/boot/"
	"$DEPMOD" -b "$root" "$kver"
	over=$SYS_DIR/boots/$flavour/root
	cp -a "$over/." "$root/"
	case $flavour in
	dracut)
		local mod=$root/usr/lib/dracut/modules.d/99virtiofs-ccw-test
		cp -a "$SYS_DIR/early/dracut/99virtiofs-ccw-test" "$mod"
		install -m 0755 "$SYS_DIR/early/online-later" "$mod/online-later"
		install -m 0644 "$SYS_DIR/early/report" "$mod/report"
		;;
	initramfs-tools)
		local d=$root/etc/initramfs-tools
		# Only what a virtio-blk ext4 root needs (MODULES=most: 8.5 min, 485
		# modules); fsck.ext4 named, as the hook cannot probe /dev/vda here
		sed -i 's/^MODULES=.*/MODULES=list/; s/^FSTYPE=.*/FSTYPE=ext4/' "$d/initramfs.conf"
		printf '%s\n' virtio_blk ext4 >>"$d/modules"
		install -D -m 0755 "$SYS_DIR/early/online-later" "$d/scripts/init-top/virtiofs-ccw-test-online"
		install -D -m 0755 "$SYS_DIR/early/report" "$d/scripts/init-bottom/virtiofs-ccw-test-report"
		;;
	esac
	EARLY_ROOT=$root
}

# early_key FLAVOUR KERNEL: what goes into the image: the flavour's root,
# the package's files, the kernel, the test pieces, the boot's files, and
# how the root is set up and the image built
early_key() {
	local flavour=$1 kernel=$2
	{
		printf '%s\n' "${SYS_FLAVOUR_TAR##*/}" "${KERNEL_PKG[$kernel]}" "$flavour"
		dpkg-deb --fsys-tarfile "$SYS_DEB" | tar -t | LC_ALL=C sort
		dpkg-deb --fsys-tarfile "$SYS_DEB" | tar -xO | sha256sum
		(cd "$SYS_DIR" && find early "boots/$flavour" -type f | LC_ALL=C sort |
			xargs sha256sum)
		declare -f early_root early_build_image
	} | sha256sum | cut -c1-12
}

early_build_image() {
	local flavour=$1 kver=$2 root=$3
	case $flavour in
	dracut)
		# An image for any machine (no host-only): our module only with --add
		in_root "$root" dracut --no-hostonly --kver "$kver" \
			--add "virtiofs-ccw virtiofs-ccw-test" --force /tmp/initrd.img
		;;
	initramfs-tools)
		in_root "$root" mkinitramfs -o /tmp/initrd.img "$kver"
		;;
	esac || return 1
	# What no ELF dependency brings: the libraries our programs dlopen()
	local list lib
	case $flavour in
	dracut) list=$(in_root "$root" lsinitrd /tmp/initrd.img) ;;
	initramfs-tools) list=$(in_root "$root" lsinitramfs /tmp/initrd.img) ;;
	esac || return 1
	for lib in libkmod.so.2 libudev.so.1; do
		grep -q "/$lib\( \|\$\)" <<<"$list" || {
			echo "the $flavour image lacks $lib" >&2
			return 1
		}
		echo "image holds $lib"
	done
}

# early_image FLAVOUR KERNEL -> sets EARLY_IMAGE (cached in $E2E_CACHE/system/images)
early_image() {
	local flavour=$1 kernel=$2 dir=$E2E_CACHE/system/images key log
	mkdir -p "$dir"
	key=$(early_key "$flavour" "$kernel")
	EARLY_IMAGE=$dir/$flavour-$key.img
	if [ -s "$EARLY_IMAGE" ]; then
		log "$flavour: initramfs from the cache ($EARLY_IMAGE)"
		return 0
	fi
	log "$flavour: building the initramfs in the s390x root"
	log=$E2E_WORK/image-$flavour.log
	if ! timed "image-$flavour" early_build_image "$flavour" "${KERNEL_VER[$kernel]}" "$EARLY_ROOT" \
		>"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "$flavour could not build the initramfs (log: $log)"
	fi
	mv -- "$EARLY_ROOT/tmp/initrd.img" "$EARLY_IMAGE"
	find "$dir" -maxdepth 1 -name "$flavour-*.img" ! -path "$EARLY_IMAGE" -delete
}

# early_disk FLAVOUR -> sets EARLY_DISK: the root as an ext4 image
early_disk() {
	EARLY_DISK=$E2E_WORK/disk-$1.img
	rm -f -- "$EARLY_DISK"
	truncate -s 1536M "$EARLY_DISK"
	mkfs.ext4 -q -F -L root -d "$EARLY_ROOT" "$EARLY_DISK" ||
		die "mkfs.ext4 -d $EARLY_ROOT failed"
}

# ---- judging ---------------------------------------------------------------------
# initrd_report: the mountinfo lines the report printed (empty: none came)
initrd_report() {
	console_lines "$BOOT_DIR/console.log" |
		sed -n '/@@E2E INITRD-REPORT BEGIN@@/,/@@E2E INITRD-REPORT END@@/p'
}

# reported_mount DIR: "FSTYPE SOURCE" of the topmost mount at DIR in the report
reported_mount() {
	initrd_report | awk -v mp="$1" '
		NF > 6 && $5 == mp { for (i = 7; i <= NF && $i != "-"; i++); m = $(i + 1) " " $(i + 2) }
		END { print m }'
}

# expect_report NAME DIR "FSTYPE SOURCE": the report shows that mount at DIR
expect_report() {
	local got
	got=$(reported_mount "$2")
	if [ -z "$(initrd_report)" ]; then
		report FAIL "$1" "no report from the initramfs: $(early_why)"
	elif [ "$got" = "$3" ]; then
		report PASS "$1"
	else
		report FAIL "$1" "at $2 the initramfs had '${got:-nothing}' mounted, expected '$3'"
	fi
}

# expect_console NAME ERE WHAT: a console line matches ERE
expect_console() {
	if console_lines "$BOOT_DIR/console.log" | grep -E -- "$2" >/dev/null; then
		report PASS "$1"
	else
		report FAIL "$1" "the console has no line $3: $(early_why)"
	fi
}

# early_why: how the run ended, for a failure's words
early_why() {
	if [ "$BOOT_RC" = 124 ] || [ "$BOOT_RC" = 137 ]; then
		printf 'QEMU killed after %ss' "$E2E_TIMEOUT"
	else
		printf 'QEMU exited %s after %ss' "$BOOT_RC" "$BOOT_SECONDS"
	fi
}

# early_tail: the console's end, when something failed
early_tail() {
	printf -- '---- %s: last 40 console lines ----\n' "$1"
	console_lines "$BOOT_DIR/console.log" | sed 's/\x1b\[[0-9;]*m//g' | tail -n 40 | sed 's/^/  | /'
}

# early_run NAME KERNEL WORDS [SCENARIO...]: one QEMU run with the disk and
# this image, WORDS on the kernel command line; the scenarios are the real
# root's runner's
early_run() {
	local name=$1 kernel=$2 words=$3
	shift 3
	BOOT_INITRD=$EARLY_IMAGE BOOT_DISK=$EARLY_DISK BOOT_DISK_DEVNO=$EARLY_DISK_DEVNO
	BOOT_APPEND="$EARLY_ARGS $words"
	log "boot $name: $words"
	EARLY_FAILED_BEFORE=$FAILED
	timed "boot-$name" boot_guest "$name" "$kernel" check "$@"
}

# expect_util_linux NAME: the initramfs's mount(8) is util-linux's, which runs
# our helper for type virtiofs before anything else
expect_util_linux() {
	if initrd_report | grep -q 'util-linux'; then
		report PASS "$1"
	else
		report FAIL "$1" "mount -V in the initramfs did not name util-linux"
	fi
}

# early_done NAME: show the console's end if the run's checks failed
early_done() {
	[ "$FAILED" = "$EARLY_FAILED_BEFORE" ] || early_tail "$1"
}

# expect_failed_in_time NAME: the run ended by itself within EARLY_FAIL_MAX
expect_failed_in_time() {
	if [ "$BOOT_RC" = 0 ] && awk -v s="$BOOT_SECONDS" -v m="$EARLY_FAIL_MAX" 'BEGIN { exit !(s <= m) }'; then
		report PASS "$1"
	else
		report FAIL "$1" "the failed boot did not end within ${EARLY_FAIL_MAX}s: $(early_why)"
	fi
}

# ---- the boots -----------------------------------------------------------------------
# dracut: root=virtiofs:BUSID; an absent root; and a disk root whose fstab
# has x-initrd.mount shares, booted on with cio_ignore hiding all but the
# disk and one share coming late (boots/dracut/root/etc/fstab)
early_dracut() {
	local k=6.12 mp="rd.shell=0 rd.emergency=poweroff" t
	# The share at 0.0.1a12 is share0; 0.0.1c00's tag spells "0.0.1a12":
	# mounting the bus-ID as a tag would give that one.
	early_run dracut-root "$k" "root=virtiofs:0.0.1a12 rd.timeout=60 $mp e2e.initrd-report"
	expect_report "dracut:root-by-busid" /sysroot "virtiofs share0"
	expect_util_linux "dracut:util-linux-mount"
	early_done dracut-root

	# No device at 0.0.4444: the device unit times out (rd.timeout), the
	# mount runs anyway and mount.virtiofs says why; the journal goes to the
	# console for the host to read it.
	early_run dracut-absent "$k" \
		"root=virtiofs:0.0.4444 rd.timeout=15 $mp systemd.journald.forward_to_console=1"
	expect_console "dracut:root-absent-says-why" "no CCW device 0\.0\.4444" \
		"naming the absent bus-ID 0.0.4444 (mount.virtiofs)"
	# the journal's line on the console carries the guest's uptime
	t=$(console_lines "$BOOT_DIR/console.log" | sed -n 's/^\[ *\([0-9.]*\)\] .*no CCW device 0\.0\.4444.*/\1/p' | head -n1)
	if [ -n "$t" ] && awk -v t="$t" -v m="$EARLY_ABSENT_UPTIME_MAX" 'BEGIN { exit !(t <= m) }'; then
		report PASS "dracut:root-absent-bounded"
		SYS_FIGURES+=("dracut:absent-line-at-uptime=${t}s")
	else
		report FAIL "dracut:root-absent-bounded" "the line came at ${t:-no} s uptime, bound ${EARLY_ABSENT_UPTIME_MAX} s"
	fi
	expect_failed_in_time "dracut:root-absent-in-time"
	early_done dracut-absent

	# The disk root; its runner asserts on the journal of the initrd phase.
	# 0.1.0042 is hidden (cio_ignore), offline (no_auto) and set online 5 s
	# after it is freed (early/online-later).
	set -- boot-units installed initrd-early initrd-late initrd-cio
	early_run dracut-disk "$k" "root=/dev/vda rw $mp $EARLY_CIO virtio_ccw.no_auto=0.1.0042 \
e2e.online-later=0.1.0042 loglevel=3 systemd.show_status=1" "$@"
	collect_results dracut "$@"
	host_checks dracut
}

# initramfs-tools: root=virtiofs:BUSID; rootfstype=virtiofs root=HOSTID of a
# late share; an absent root; a disk root with /usr by bus-ID under cio_ignore
early_initramfs_tools() {
	local k=6.12 n=initramfs-tools
	early_run it-root "$k" "root=virtiofs:0.0.1a12 e2e.initrd-report"
	expect_report "$n:root-by-busid" /root "virtiofs share0"
	expect_util_linux "$n:util-linux-mount"
	early_done it-root

	early_run it-late "$k" \
		"rootfstype=virtiofs root=fe.1.0042 virtio_ccw.no_auto=0.1.0042 e2e.online-later=0.1.0042 e2e.initrd-report"
	expect_report "$n:root-late-by-hostid" /root "virtiofs share2"
	expect_console "$n:root-late-waited" "virtiofs-ccw-test: setting 0\.1\.0042 online" \
		"saying the late share was set online"
	early_done it-late

	early_run it-absent "$k" "root=virtiofs:0.0.4444 rootdelay=5"
	expect_console "$n:root-absent-says-why" "no CCW device 0\.0\.4444" \
		"naming the absent bus-ID 0.0.4444 (mount.virtiofs)"
	expect_console "$n:root-absent-panics" "virtiofs-ccw: cannot mount 0\.0\.4444 as the root file system" \
		"of initramfs-tools' panic"
	expect_failed_in_time "$n:root-absent-in-time"
	early_done it-absent

	# All hidden but the disk: the /usr share's bus-ID (fstab, read when the
	# image was built) is freed in init-premount.
	early_run it-usr "$k" "root=/dev/vda rw $EARLY_CIO e2e.initrd-report"
	expect_report "$n:disk-root" /root "ext4 /dev/vda"
	expect_report "$n:usr-by-busid-cio-ignore" /root/usr "virtiofs share0"
	early_done it-usr
}

# early_boot FLAVOUR: the root, the image, the disk, the runs
early_boot() {
	local flavour=$1 k=6.12
	early_root "$flavour" "$k"
	early_image "$flavour" "$k"
	rm -f -- "$EARLY_ROOT/tmp/initrd.img"
	early_disk "$flavour"
	case $flavour in
	dracut) early_dracut ;;
	initramfs-tools) early_initramfs_tools ;;
	esac
	rm -rf -- "$EARLY_ROOT" "$EARLY_DISK"
	BOOT_DISK=
}
