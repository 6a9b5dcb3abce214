#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The real-system suite: a Debian bookworm s390x system (mmdebstrap) with
# systemd as PID 1, our package built natively for s390x in a Debian root and
# installed by dpkg, booted on Debian's s390x kernels under QEMU (TCG) with
# virtio-fs CCW devices; administrators' stories run as a systemd unit.
#
#   run.sh deps            install the host packages, register qemu-user (root)
#   run.sh check [BOOT..]  the suite (all boots, or the named ones: 6.12 all
#                          shapes 6.1 dracut initramfs-tools)
#
# Environment: E2E_CACHE (cache, default ~/.cache/virtiofs-ccw-e2e; the roots
# live in its system/), E2E_KEEP=1 (keep the work directory), SYSTEM_TIMEOUT
# (seconds per boot, 420), E2E_REFRESH=1 (refresh the private package lists).
set -euo pipefail

SYS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$SYS_DIR/../.." && pwd)
E2E_DIR=$TOP/tests/e2e
E2E_CACHE=${E2E_CACHE:-$HOME/.cache/virtiofs-ccw-e2e}
E2E_TIMEOUT=${SYSTEM_TIMEOUT:-420}
export PATH="$PATH:/usr/sbin:/sbin"
DEPMOD=depmod
MODPROBE=modprobe

# shellcheck source=../e2e/lib/common.sh
. "$E2E_DIR/lib/common.sh"
# shellcheck source=../e2e/lib/prepare.sh
. "$E2E_DIR/lib/prepare.sh"
# shellcheck source=../e2e/lib/initramfs.sh
. "$E2E_DIR/lib/initramfs.sh"
# shellcheck source=../e2e/lib/boot.sh
. "$E2E_DIR/lib/boot.sh"
# shellcheck source=../e2e/lib/kernels.sh
. "$E2E_DIR/lib/kernels.sh"
# shellcheck source=lib/roots.sh
. "$SYS_DIR/lib/roots.sh"
# shellcheck source=early.sh
. "$SYS_DIR/early.sh"

# x-systemd.automount needs autofs (a module on Debian's kernels)
GUEST_MODULES=(virtiofs autofs4)

# ---- shares -------------------------------------------------------------------------
# As in the e2e suite (kind devno busid hostid tag). QEMU's default NIC takes
# 0.0.0000 and subchannel 0, 0.0.1a12 subchannel 1, so the share without a
# devno lands on 0.0.0002. 0.0.1c00's tag spells 0.0.1a12's bus-ID (the host
# chooses tags): it must never be what a 0.0.1a12 line mounts. The 0.0.30xx
# shares carry the tags administrators meet (boot shapes): a blank; "ax20b",
# which an escaping with backslashes would make one unit with "a b";
# non-ASCII and a backslash; a short bus-ID that another device has. The
# fstab lines of each boot are in boots/NAME.
# shellcheck disable=SC2016 # single-quoted tags are text
SHARES=(
	"cold fe.0.1a12 0.0.1a12 fe.0.1a12 share0"
	"cold -         0.0.0002 fe.0.0002 share1"
	"cold fe.1.0042 0.1.0042 fe.1.0042 share2"
	"cold fe.0.1b00 0.0.1b00 fe.0.1b00 share3"
	"cold fe.0.1c00 0.0.1c00 fe.0.1c00 0.0.1a12"
	"hot  fe.0.2000 0.0.2000 fe.0.2000 hot0"
	"cold fe.0.3000 0.0.3000 fe.0.3000 a b"
	"cold fe.0.3001 0.0.3001 fe.0.3001 ax20b"
	"cold fe.0.3002 0.0.3002 fe.0.3002 "$'caf\xc3\xa9\\x'
	"cold fe.0.3003 0.0.3003 fe.0.3003 1a12"
	"hot  fe.0.3005 0.0.3005 fe.0.3005 hot odd"
)

# ---- boots ----------------------------------------------------------------------------
# name kernel scenario...; boots/NAME/root is laid over the root (fstab, policy
# file) and BOOT_ARGS[NAME] goes on the kernel command line. Every boot starts
# with boot-units (no unit failed while booting) and installed (PID 1, the
# package as dpkg has it); the
# runner also fails a scenario after which a unit has failed, or the kernel
# logged more than two "virtio-fs: tag <...> not found" lines.
BOOTS=(
	"6.12 6.12 boot-units installed fstab-boot late-device hotplug-add hotplug-remove hotplug-readd remount user-mount namespace lookalike fstab-generated unknown-tag"
	"all  6.12 boot-units installed automount-all automount-all-hotplug purge"
	"shapes 6.12 boot-units installed shapes-units shapes-collide shapes-short shapes-automount shapes-replug shapes-udev user-vs-util-linux"
	"6.1  6.1  boot-units installed fstab-61 hotplug-61"
	"cio  6.12 boot-units installed cio-boot cio-hotplug"
)
declare -A BOOT_ARGS=(
	# 0.1.0042 stays offline at boot: virtio_ccw does not set it online
	[6.12]="virtio_ccw.no_auto=0.1.0042"
	# every device hidden but the console, as RHEL's installer leaves it
	[cio]="cio_ignore=all,!condev"
)
# The bound on a clean power-off with shares mounted (guest's @@E2E DONE@@ to
# QEMU's exit; ~17 s seen under TCG)
SYS_SHUTDOWN_MAX=60

# ---- expected failures --------------------------------------------------------------
# A scenario that fails because of a bug an open issue fixes, with that
# issue's words. It must fail: a pass fails the suite until the mark goes.
XFAIL=(
	# none open now; the form: [BOOT:SCENARIO]='issue N: "the issue's words"'
)

# ---- host dependencies ---------------------------------------------------------------
DEPS=(
	"qemu-system-s390x qemu-system-misc"
	"/usr/lib/qemu/virtiofsd qemu-system-common"
	"/usr/bin/qemu-s390x-static qemu-user-static"
	"update-binfmts binfmt-support"
	"arch-test arch-test"
	"mmdebstrap mmdebstrap"
	"depmod kmod"
	"modprobe kmod"
	"cpio cpio"
	"python3 python3"
	"dpkg-deb dpkg"
	"apt-get apt"
	"git git"
	"unshare util-linux"
	"timeout coreutils"
	"truncate coreutils"
	"mkfs.ext4 e2fsprogs"
)

# binfmt_ready: s390x programs run transparently (a chroot into an s390x
# root runs its programs through qemu-user)
binfmt_ready() {
	[ -e /proc/sys/fs/binfmt_misc/qemu-s390x ] &&
		grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-s390x
}

cmd_deps() {
	install_missing "$0"
	binfmt_ready && return 0
	[ "$(id -u)" = 0 ] || die "qemu-s390x is not registered with binfmt_misc (as root: $0 deps)"
	# A new machine has binfmt_misc unmounted, so the package could not
	# register qemu-s390x when it was installed.
	[ -e /proc/sys/fs/binfmt_misc/register ] ||
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
	update-binfmts --enable qemu-s390x >/dev/null 2>&1 ||
		update-binfmts --import qemu-s390x >/dev/null 2>&1 || true
	binfmt_ready || die "cannot register qemu-s390x with binfmt_misc"
	log "qemu-s390x registered with binfmt_misc"
}

require_host() {
	require_packages "$0"
	[ "$(id -u)" = 0 ] || die "run as root (chroot, mmdebstrap, virtiofsd -o sandbox=chroot)"
	binfmt_ready || die "qemu-s390x is not registered with binfmt_misc (run: $0 deps)"
}

# host_checks NAME: what the host sees of a boot: the log says systemd was
# PID 1, and the power-off with shares mounted was clean and in time
host_checks() {
	local name=$1 log=$BOOT_DIR/console.log s=${BOOT_SHUTDOWN_SECONDS:-} bad
	# (grep reads all: with pipefail, grep -q's early exit would fail the pipe)
	if console_lines "$log" | grep '@@E2E BEGIN .*pid1=/usr/lib/systemd/systemd@@' >/dev/null; then
		report PASS "$name:systemd-pid1"
	else
		report FAIL "$name:systemd-pid1" "the guest did not report systemd as PID 1"
	fi
	# systemd's status lines, without their colours
	console_lines "$log" | sed -n '/@@E2E DONE@@/,$p' | sed 's/\x1b\[[0-9;]*m//g' >"$BOOT_DIR/poweroff.log"
	bad=$(grep -E 'Failed unmounting|Failed to (unmount|stop|connect)|[Tt]imed out|FAILED' \
		"$BOOT_DIR/poweroff.log" | head -n3 || true)
	unmounted=$(grep -cE 'Unmounted .* - /(srv|run/virtiofs)/' "$BOOT_DIR/poweroff.log" || true)
	if [ -z "$s" ]; then
		report FAIL "$name:shutdown" "the guest never started its power-off"
	elif [ "$BOOT_RC" != 0 ]; then
		report FAIL "$name:shutdown" "QEMU exited $BOOT_RC ${s}s after the power-off began"
	elif [ "$unmounted" = 0 ]; then
		report FAIL "$name:shutdown" "the power-off unmounted no share (no 'Unmounted ... - /srv/...')"
	elif [ -n "$bad" ]; then
		report FAIL "$name:shutdown" "power-off said: $(printf '%s' "$bad" | tr '\n' '|')"
	elif awk -v s="$s" -v m="$SYS_SHUTDOWN_MAX" 'BEGIN { exit !(s > m) }'; then
		report FAIL "$name:shutdown" "power-off took ${s}s, more than ${SYS_SHUTDOWN_MAX}s"
	else
		report PASS "$name:shutdown"
		SYS_FIGURES+=("$name:poweroff=${s}s($unmounted-unmounted)")
	fi
}

# collect_figures NAME: the guest's "@@E2E FIGURE name value@@" lines
SYS_FIGURES=()
collect_figures() {
	local fig val
	while read -r fig val; do
		SYS_FIGURES+=("$1:$fig=$val")
	done < <(console_lines "$BOOT_DIR/console.log" |
		sed -n 's/.*@@E2E FIGURE \([a-z0-9-]*\) \([0-9.]*s\)@@.*/\1 \2/p')
}

cmd_check() {
	local line name kernel scen sel=() kernels=() a early=() named=()
	# The early boots (early.sh) are named after their initramfs generator.
	for a in "$@"; do
		if [[ " ${EARLY_FLAVOURS[*]} " == *" $a "* ]]; then early+=("$a"); else named+=("$a"); fi
	done
	[ "$#" -gt 0 ] || early=("${EARLY_FLAVOURS[@]}")
	if [ "$#" = 0 ] || [ "${#named[@]}" -gt 0 ]; then
		select_boots "${named[@]}"
		sel=("${SEL_BOOTS[@]}")
		kernels=("${SEL_KERNELS[@]}")
	fi
	[ "${#early[@]}" = 0 ] || [[ " ${kernels[*]} " == *" 6.12 "* ]] || kernels+=(6.12)
	require_host
	work_init
	timed kernels prepare "${kernels[@]}"
	timed roots prepare_roots
	timed package build_package
	[ "${#sel[@]}" = 0 ] || timed runtime prepare_runtime "${kernels[@]}"
	BOOT_MEM=2G BOOT_SMP=2
	for line in "${sel[@]}"; do
		read -r name kernel scen <<<"$line"
		# shellcheck disable=SC2086 # scenario names are single words
		set -- $scen
		log "boot $name: ${KERNEL_PKG[$kernel]}, systemd as PID 1, scenarios: $*"
		boot_initrd "$name"
		# show_status: the console shows each unit systemd stops and unmounts
		BOOT_APPEND="rdinit=/init loglevel=3 systemd.show_status=1 ${BOOT_ARGS[$name]:-}"
		timed "boot-$name" boot_guest "$name" "$kernel" check "$@"
		collect_results "$name" "$@"
		host_checks "$name"
		collect_figures "$name"
	done
	for name in "${early[@]}"; do
		early_boot "$name"
	done
	print_timings
	printf 'figures: %s\n' "${SYS_FIGURES[*]:-none}"
	[ "$XFAILED" = 0 ] || printf '%d expected failures (XFAIL above: bugs of open issues)\n' "$XFAILED"
	printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
	[ "$FAILED" = 0 ]
}

usage() {
	sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'
}

main() {
	local cmd=${1:-}
	[ $# -gt 0 ] && shift
	case $cmd in
	deps) cmd_deps "$@" ;;
	check) cmd_check "$@" ;;
	-h | --help | help) usage ;;
	*)
		usage >&2
		exit 2
		;;
	esac
}

# Sourced, it only defines (tests/bench/system-run boots this guest too).
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
