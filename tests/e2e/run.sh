#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End-to-end tests of virtiofs-ccw: Debian's real s390x kernels under QEMU
# (TCG) with virtio-fs CCW devices served by virtiofsd, our cross-built
# programs inside the guest, a verdict read from the console.
#
#   run.sh deps            install the host packages (root)
#   run.sh check [BOOT..]  the suite (all boots, or the named ones: 6.12 6.1)
#   run.sh demo            boot the 6.12 guest and show what the tool sees
#
# Environment: E2E_CACHE (download cache, default ~/.cache/virtiofs-ccw-e2e),
# E2E_KEEP=1 (keep the work directory), E2E_TIMEOUT (seconds per boot, 120),
# E2E_REFRESH=1 (refresh the private package lists now).
set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$E2E_DIR/../.." && pwd)
E2E_CACHE=${E2E_CACHE:-$HOME/.cache/virtiofs-ccw-e2e}
E2E_TIMEOUT=${E2E_TIMEOUT:-120}
export PATH="$PATH:/usr/sbin:/sbin"
DEPMOD=depmod
MODPROBE=modprobe

# shellcheck source=lib/common.sh
. "$E2E_DIR/lib/common.sh"
# shellcheck source=lib/prepare.sh
. "$E2E_DIR/lib/prepare.sh"
# shellcheck source=lib/build.sh
. "$E2E_DIR/lib/build.sh"
# shellcheck source=lib/initramfs.sh
. "$E2E_DIR/lib/initramfs.sh"
# shellcheck source=lib/boot.sh
. "$E2E_DIR/lib/boot.sh"
# shellcheck source=lib/kernels.sh
. "$E2E_DIR/lib/kernels.sh"

# ---- shares -------------------------------------------------------------------------
# kind devno busid hostid tag   (kind: cold = on the QEMU command line, hot =
# added over QMP on the guest's request, hidden = on the QEMU command line but
# hidden from the guest by cio_ignore= on the kernel command line until a
# scenario frees it; devno "-" = let QEMU assign one; tag last, it is free
# text). QEMU's default virtio-net device is kept on purpose: it takes
# 0.0.0000, so the auto-assigned share lands on 0.0.0002 (subchannel 0.0.0001
# goes to 0.0.1a12), and the tool must leave the NIC out of its list.
# The hidden shares carry hostile tags (single quotes: nothing here is ever
# expanded; QEMU gets a comma as ",,"): a leading dash; a shell's command
# substitutions, exactly 36 bytes (the most QEMU allows); slashes and "..";
# a backslash with a literal "\x41", a comma, a "#" and a byte 0xff, which is
# no UTF-8. They live in subchannel sets 2 and 3, which no other share uses.
# shellcheck disable=SC2016 # single-quoted tags are text, expanded by nothing
SHARES=(
	"cold fe.0.1a12 0.0.1a12 fe.0.1a12 share0"
	"cold -         0.0.0002 fe.0.0002 share1"
	"cold fe.1.0042 0.1.0042 fe.1.0042 share2"
	"hot  fe.0.2000 0.0.2000 fe.0.2000 hot0"
	"hot  fe.0.2001 0.0.2001 fe.0.2001 ../x y"
	'hidden fe.2.0100 0.2.0100 fe.2.0100 -rf'
	'hidden fe.2.0101 0.2.0101 fe.2.0101 $(touch /tmp/pwn1);`touch /tmp/pwn2`'
	'hidden fe.2.0102 0.2.0102 fe.2.0102 /../../tmp/escape'
	'hidden fe.3.ffff 0.3.ffff fe.3.ffff a\b\x41,c#d'$'\xff'
)

# ---- boots ----------------------------------------------------------------------------
# name kernel scenario...  (scenarios are functions in guest/scenarios.sh; one
# boot runs them in order, so batch them: each boot costs ~15 s)
# modload comes first: on 6.1 it is what loads virtiofs (our mount command,
# through libkmod) for the scenarios after it; only fault-modload, which must
# find virtiofs not loaded yet and loads nothing, runs before it. hotplug comes
# last: its list checks also catch mounts another scenario left behind (and
# hidden shares not hidden again). The automount-* scenarios (hotplug
# auto-mount, with the real udevd), the fault-* ones and the hostile-* ones
# (hostile-list frees the hidden shares, hostile-hide hides them again) run
# before it.
BOOT_SCENARIOS=(
	modload list list-unknown-busid kernel-mount kernel-mount-bad-tag
	mount-by-tag mount-by-busid mount-by-hostid mount-helper fstab fstab-helper
	mount-errors automount-dry-run
)
FAULT_SCENARIOS=(fault-symlink fault-notdir fault-robase fault-race fault-lock fault-vanish)
HOSTILE_SCENARIOS=(hostile-list hostile-mount hostile-fstab hostile-automount hostile-hide)
BOOTS=(
	"6.12 6.12 ${BOOT_SCENARIOS[*]} automount-coldplug automount-hotplug automount-fstab automount-hostile ${FAULT_SCENARIOS[*]} ${HOSTILE_SCENARIOS[*]} hotplug"
	"6.1  6.1  fault-modload ${BOOT_SCENARIOS[*]} automount-61 hotplug"
)

# ---- host dependencies ---------------------------------------------------------------
# command-or-path package
DEPS=(
	"qemu-system-s390x qemu-system-misc"
	"/usr/lib/qemu/virtiofsd qemu-system-common"
	"s390x-linux-gnu-gcc gcc-s390x-linux-gnu"
	"s390x-linux-gnu-readelf binutils-s390x-linux-gnu"
	"depmod kmod"
	"modprobe kmod"
	"cpio cpio"
	"gzip gzip"
	"python3 python3"
	"make make"
	"pkg-config pkg-config"
	"dpkg dpkg"
	"apt-get apt"
	"flock util-linux"
	"timeout coreutils"
)

cmd_deps() {
	install_missing "$0"
}

require_host() {
	require_packages "$0"
	# virtiofsd's chroot sandbox needs root
	[ "$(id -u)" = 0 ] || die "run as root (virtiofsd -o sandbox=chroot)"
}

# setup KERNEL...: download/unpack (cached), cross-build, one initramfs per kernel
setup() {
	local k
	work_init
	timed prepare prepare "$@"
	timed build build_programs
	for k in "$@"; do
		timed "initramfs-$k" build_initramfs "$k"
	done
}

cmd_check() {
	local line name kernel scen sel kernels
	select_boots "$@"
	sel=("${SEL_BOOTS[@]}")
	kernels=("${SEL_KERNELS[@]}")
	require_host
	setup "${kernels[@]}"
	for line in "${sel[@]}"; do
		read -r name kernel scen <<<"$line"
		# shellcheck disable=SC2086 # scenario names are single words
		set -- $scen
		log "boot $name: ${KERNEL_PKG[$kernel]}, scenarios: $*"
		timed "boot-$name" boot_guest "$name" "$kernel" check "$@"
		collect_results "$name" "$@"
	done
	print_timings
	printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
	[ "$FAILED" = 0 ]
}

cmd_demo() {
	require_host
	echo "virtiofs-ccw demo: preparing (downloads are cached in $E2E_CACHE)..."
	setup 6.12
	echo "host side: one virtiofsd per share, each a QEMU vhost-user-fs-ccw device (host ID = css.ssid.devno):"
	boot_guest demo 6.12 demo demo
	echo
	local res
	res=$(console_lines "$BOOT_DIR/console.log" | sed -n 's/.*@@E2E RESULT demo \(PASS\|FAIL\) *\([^@]*\)@@.*/\1 \2/p')
	if [ "$BOOT_RC" = 0 ] && [ "${res%% *}" = PASS ]; then
		echo "demo finished: guest powered off after ${BOOT_SECONDS}s"
		echo "(reading files through the shares fails here: big-endian guest, little-endian"
		echo " virtiofsd; see tests/e2e/README.md)"
		return 0
	fi
	echo "demo failed (${res:-no result}, qemu exit $BOOT_RC); console tail:"
	tail -n 40 "$BOOT_DIR/console.log" | tr -d '\r'
	return 1
}

usage() {
	sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//'
}

main() {
	local cmd=${1:-}
	[ $# -gt 0 ] && shift
	case $cmd in
	deps) cmd_deps "$@" ;;
	check) cmd_check "$@" ;;
	demo) cmd_demo "$@" ;;
	-h | --help | help) usage ;;
	*)
		usage >&2
		exit 2
		;;
	esac
}

main "$@"
