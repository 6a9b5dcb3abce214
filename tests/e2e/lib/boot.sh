# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Booting one s390x guest: one virtiofsd per share, QEMU (TCG) with the
# vhost-user-fs-ccw devices, a watch loop that serves the guest's requests
# (hotplug over QMP) and, for the demo, shows progress; then the verdict is
# read from the console markers.

VIRTIOFSD=/usr/lib/qemu/virtiofsd
QEMU=qemu-system-s390x

# qemu_opt TEXT: TEXT as a value inside a QEMU "key=value,..." option string
qemu_opt() { printf '%s' "${1//,/,,}"; }

# start_virtiofsd SOCK DIR LOG: serve DIR on SOCK; the PID is recorded (and
# left in VIRTIOFSD_PID). The log is appended to: a hot share's may get a second.
start_virtiofsd() {
	local sock=$1 dir=$2 log=$3 pid i
	rm -f -- "$sock"
	"$VIRTIOFSD" --socket-path="$sock" -o source="$dir" -o cache=none -o sandbox=chroot \
		</dev/null >>"$log" 2>&1 &
	pid=$!
	VIRTIOFSD_PID=$pid
	track_pid "$pid"
	BOOT_PIDS+=("$pid")
	for i in $(seq 50); do
		[ -S "$sock" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$log" >&2
	die "virtiofsd for $dir did not come up"
}

# renew_virtiofsd BOOTDIR I: virtiofsd serves one connection and exits when
# QEMU lets go of it (a hot removal), so after one a share that may be
# hot-added again gets a fresh virtiofsd on the same socket.
renew_virtiofsd() {
	local bdir=$1 i=$2 pid=${BOOT_VIRTIOFSD[$2]:-} n keep=() p
	if [ -n "$pid" ]; then
		for n in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		untrack_pids "$pid"
		for p in "${BOOT_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
		BOOT_PIDS=("${keep[@]}")
	fi
	start_virtiofsd "$bdir/vfs$i.sock" "$bdir/share$i" "$bdir/virtiofsd$i.log"
	BOOT_VIRTIOFSD[i]=$VIRTIOFSD_PID
}

# stop_boot_pids: end this boot's processes (virtiofsd usually exits with
# QEMU) and stop tracking them, so a later cleanup cannot hit a reused PID.
stop_boot_pids() {
	local pid
	for pid in "${BOOT_PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
		fi
	done
	for pid in "${BOOT_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	untrack_pids "${BOOT_PIDS[@]}"
	BOOT_PIDS=()
}

# console_lines LOG: complete lines of the console so far, without CRs
console_lines() {
	local n
	n=$(wc -l <"$1")
	head -n "$n" "$1" | tr -d '\r'
}

# handle_request BOOTDIR ACTION ARG: the guest asked for something. ARG is
# only ever compared with our own table, never executed or re-parsed.
handle_request() {
	local bdir=$1 action=$2 arg=$3 i=0 line kind devno busid hostid tag found=
	for line in "${SHARES[@]}"; do
		read -r kind devno busid _ tag <<<"$line"
		if [ "$kind" = hot ] && [ "$busid" = "$arg" ]; then
			found=1
			break
		fi
		i=$((i + 1))
	done
	if [ -z "$found" ]; then
		BOOT_HOST_ERRORS+=("guest requested $action for unknown device")
		return 0
	fi
	local qmp=(python3 "$E2E_DIR/qmp.py" "$bdir/qmp.sock")
	case $action in
	hotplug-add)
		local extra=()
		[ "$devno" != - ] && extra=(--devno "$devno")
		"${qmp[@]}" hotplug-add --id "hot$i" --chardev "hotchr$i" \
			--vhost-socket "$bdir/vfs$i.sock" --tag "$tag" "${extra[@]}" 2>>"$bdir/qmp.log" ||
			BOOT_HOST_ERRORS+=("QMP hotplug-add $busid failed: $(tail -n1 "$bdir/qmp.log")")
		;;
	hotplug-del)
		if "${qmp[@]}" hotplug-del --id "hot$i" --chardev "hotchr$i" 2>>"$bdir/qmp.log"; then
			renew_virtiofsd "$bdir" "$i"
		else
			BOOT_HOST_ERRORS+=("QMP hotplug-del $busid failed: $(tail -n1 "$bdir/qmp.log")")
		fi
		;;
	*)
		BOOT_HOST_ERRORS+=("guest requested unknown action")
		;;
	esac
}

# serve_requests BOOTDIR LOG: handle REQUEST markers not handled yet
serve_requests() {
	local bdir=$1 log=$2 reqs action arg n=0
	reqs=$(console_lines "$log" | sed -n 's/.*@@E2E REQUEST \([a-z0-9-]*\) \([^@]*\)@@.*/\1 \2/p')
	[ -n "$reqs" ] || return 0
	while read -r action arg; do
		n=$((n + 1))
		[ "$n" -le "$BOOT_REQS_DONE" ] && continue
		BOOT_REQS_DONE=$n
		[ "$BOOT_MODE" = demo ] && printf '  [host] guest requested %s %s\n' "$action" "$arg"
		handle_request "$bdir" "$action" "$arg"
	done <<<"$reqs"
}

# demo_progress LOG T0: a person's view of the boot: elapsed seconds until the
# demo scenario starts, then the guest's own output.
demo_progress() {
	local log=$1 t0=$2 total line
	total=$(wc -l <"$log")
	if [ "$DEMO_STATE" = booting ]; then
		if grep -q '@@E2E START demo@@' "$log"; then
			[ -t 1 ] && printf '\r\033[K'
			printf '  guest /init running after %ss; guest console:\n\n' "$(elapsed "$t0")"
			DEMO_STATE=streaming
			DEMO_SHOWN=$(grep -n '@@E2E START demo@@' "$log" | head -n1 | cut -d: -f1)
		elif [ -t 1 ]; then
			printf '\r  %ss elapsed' "$(elapsed "$t0")"
		elif [ $((SECONDS - DEMO_LAST)) -ge 5 ]; then
			DEMO_LAST=$SECONDS
			printf '  %ss elapsed\n' "$(elapsed "$t0")"
		fi
	fi
	if [ "$DEMO_STATE" = streaming ] && [ "$total" -gt "$DEMO_SHOWN" ]; then
		while IFS= read -r line; do
			case $line in
			*@@E2E\ RESULT*) DEMO_STATE=finished ;;
			*@@E2E*) ;;
			"e2e: "*" took "*) ;;
			*) printf '    %s\n' "$line" ;;
			esac
			[ "$DEMO_STATE" = finished ] && break
		done < <(head -n "$total" "$log" | tail -n +"$((DEMO_SHOWN + 1))" | tr -d '\r')
		DEMO_SHOWN=$total
	fi
}

# select_boots [NAME...]: the lines of BOOTS ("name kernel scenario...")
# named, or all -> SEL_BOOTS, and the kernels they need -> SEL_KERNELS
select_boots() {
	local line name kernel scen
	SEL_BOOTS=()
	SEL_KERNELS=()
	for line in "${BOOTS[@]}"; do
		read -r name kernel scen <<<"$line"
		if [ "$#" -gt 0 ] && [[ ! " $* " == *" $name "* ]]; then
			continue
		fi
		SEL_BOOTS+=("$line")
		[[ " ${SEL_KERNELS[*]} " == *" $kernel "* ]] || SEL_KERNELS+=("$kernel")
	done
	[ "${#SEL_BOOTS[@]}" -gt 0 ] || die "no boot named: $*"
}

# boot_guest NAME KERNEL MODE SCENARIO...: boot, serve, wait; leaves
# BOOT_DIR, BOOT_RC and BOOT_HOST_ERRORS for collect_results, and
# BOOT_SHUTDOWN_SECONDS, from the guest's @@E2E DONE@@ to QEMU's exit.
# A suite may set BOOT_MEM, BOOT_SMP (QEMU's -m, -smp), BOOT_APPEND (more of
# the kernel command line), BOOT_INITRD (instead of INITRD[KERNEL]) and
# BOOT_DISK (a raw disk image, virtio-blk at BOOT_DISK_DEVNO, fe.0.0001).
boot_guest() {
	local name=$1 kernel=$2 mode=$3
	shift 3
	local csv line kind devno busid hostid tag i=0 t0 tpid qpid='' dev tdone=''
	local mem=${BOOT_MEM:-1G}
	csv=$(IFS=,; printf '%s' "$*")
	BOOT_DIR=$E2E_WORK/boot-$name
	BOOT_MODE=$mode
	BOOT_PIDS=()
	BOOT_VIRTIOFSD=()
	BOOT_HOST_ERRORS=()
	BOOT_REQS_DONE=0
	mkdir -p "$BOOT_DIR"
	local cmdline="console=ttysclp0 quiet panic=1 e2e.tags=${KERNEL_TAGS[$kernel]} e2e.scenarios=$csv"
	[ -z "${BOOT_APPEND:-}" ] || cmdline+=" $BOOT_APPEND"
	local qargs hidden=()
	# Hidden shares: the guest's cio_ignore hides them from boot on (the
	# scenarios free them with /proc/cio_ignore). Not in the demo.
	for line in "${SHARES[@]}"; do
		read -r kind devno busid hostid tag <<<"$line"
		[ "$kind" = hidden ] && [ "$mode" != demo ] && hidden+=("$busid")
	done
	[ "${#hidden[@]}" = 0 ] || cmdline+=" cio_ignore=$(IFS=,; printf '%s' "${hidden[*]}")"
	# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
	qargs=(
		-machine s390-ccw-virtio,memory-backend=mem
		# shared guest memory is mandatory for vhost-user (virtiofsd)
		-object "memory-backend-memfd,id=mem,size=$mem,share=on" -m "$mem" -smp "${BOOT_SMP:-1}"
		-nographic -no-reboot
		-kernel "${KERNEL_DIR[$kernel]}/boot/vmlinuz-${KERNEL_VER[$kernel]}"
		-initrd "${BOOT_INITRD:-${INITRD[$kernel]}}" -append "$cmdline"
		-pidfile "$BOOT_DIR/qemu.pid"
		-qmp "unix:$(qemu_opt "$BOOT_DIR/qmp.sock"),server=on,wait=off"
	)
	for line in "${SHARES[@]}"; do
		read -r kind devno busid hostid tag <<<"$line"
		# the demo shows the coldplugged shares only
		if [ "$mode" = demo ] && [ "$kind" != cold ]; then
			i=$((i + 1))
			continue
		fi
		mkdir -p "$BOOT_DIR/share$i"
		printf 'hello from %s\n' "$tag" >"$BOOT_DIR/share$i/hello.txt"
		start_virtiofsd "$BOOT_DIR/vfs$i.sock" "$BOOT_DIR/share$i" "$BOOT_DIR/virtiofsd$i.log"
		BOOT_VIRTIOFSD[i]=$VIRTIOFSD_PID
		if [ "$kind" = cold ] || [ "$kind" = hidden ]; then
			dev="vhost-user-fs-ccw,chardev=vfs$i,tag=$(qemu_opt "$tag")"
			[ "$devno" != - ] && dev+=",devno=$devno"
			qargs+=(-chardev "socket,id=vfs$i,path=$(qemu_opt "$BOOT_DIR/vfs$i.sock")" -device "$dev")
		fi
		[ "$mode" = demo ] && printf '  device %-9s %-14s tag %-8s <- virtiofsd serving %s\n' \
			"$hostid" "$([ "$devno" = - ] && echo "(devno auto)")" "$tag" "$BOOT_DIR/share$i"
		i=$((i + 1))
	done
	# A disk root (the real-system suite's early boots): a virtio-blk CCW
	# device after the shares, so that the auto-assigned devno stays 0.0.0002.
	if [ -n "${BOOT_DISK:-}" ]; then
		qargs+=(-drive "file=$(qemu_opt "$BOOT_DISK"),if=none,id=disk0,format=raw"
			-device "virtio-blk-ccw,drive=disk0,devno=${BOOT_DISK_DEVNO:-fe.0.0001}")
	fi
	printf '%q ' "$QEMU" "${qargs[@]}" >"$BOOT_DIR/qemu.cmd"
	[ "$mode" = demo ] &&
		printf 'booting Debian %s s390x guest under emulation (TCG, ~5-20 s)...\n' "${KERNEL_VER[$kernel]}"

	# The console log exists before QEMU does: the watch loop reads it at once.
	: >"$BOOT_DIR/console.log"
	t0=$(now)
	timeout --kill-after=5 "$E2E_TIMEOUT" "$QEMU" "${qargs[@]}" \
		</dev/null >"$BOOT_DIR/console.log" 2>"$BOOT_DIR/qemu.err" &
	tpid=$!
	track_pid "$tpid"
	BOOT_PIDS+=("$tpid")
	DEMO_STATE=booting DEMO_SHOWN=0 DEMO_LAST=$SECONDS
	while kill -0 "$tpid" 2>/dev/null; do
		if [ -z "$qpid" ] && [ -s "$BOOT_DIR/qemu.pid" ]; then
			qpid=$(cat "$BOOT_DIR/qemu.pid")
			track_pid "$qpid"
			BOOT_PIDS+=("$qpid")
		fi
		serve_requests "$BOOT_DIR" "$BOOT_DIR/console.log"
		if [ "$mode" = demo ]; then demo_progress "$BOOT_DIR/console.log" "$t0"; fi
		if [ -z "$tdone" ] && grep -q '@@E2E DONE@@' "$BOOT_DIR/console.log"; then
			tdone=$(now)
		fi
		sleep 0.25
	done
	BOOT_RC=0
	wait "$tpid" || BOOT_RC=$?
	BOOT_SHUTDOWN_SECONDS=
	[ -z "$tdone" ] || BOOT_SHUTDOWN_SECONDS=$(elapsed "$tdone")
	if [ "$mode" = demo ]; then demo_progress "$BOOT_DIR/console.log" "$t0"; fi
	BOOT_SECONDS=$(elapsed "$t0")
	stop_boot_pids
}

# report VERDICT NAME [DETAIL]. A scenario in XFAIL (NAME -> the words of
# the open issue whose bug makes it fail) is expected to fail: its failure
# is printed as XFAIL with those words and counts as neither; its pass is an
# XPASS and counts as a failure, so the mark goes when the fix lands.
PASSED=0
FAILED=0
XFAILED=0
declare -A XFAIL=()
report() {
	local why=${XFAIL[$2]:-}
	if [ -n "$why" ] && [ "$1" = PASS ]; then
		FAILED=$((FAILED + 1))
		printf 'FAIL %s: XPASS, expected to fail by %s: the fix landed, drop the mark\n' "$2" "$why"
	elif [ -n "$why" ]; then
		XFAILED=$((XFAILED + 1))
		printf 'XFAIL %s: %s (expected: %s)\n' "$2" "$3" "$why"
	elif [ "$1" = PASS ]; then
		PASSED=$((PASSED + 1))
		printf 'PASS %s\n' "$2"
	else
		FAILED=$((FAILED + 1))
		printf 'FAIL %s: %s\n' "$2" "$3"
	fi
}

# collect_results NAME SCENARIO...: one PASS/FAIL line per scenario plus one
# for the boot itself (kernel came up, all ran, clean poweroff).
collect_results() {
	local name=$1 s line res verdict detail why bad=0 log=$BOOT_DIR/console.log
	shift
	res=$(console_lines "$log" | sed -n 's/.*@@E2E RESULT \([a-z0-9-]*\) \(PASS\|FAIL\) *\([^@]*\)@@.*/\1 \2 \3/p')
	if [ "$BOOT_RC" = 124 ] || [ "$BOOT_RC" = 137 ]; then
		why="boot timed out after ${E2E_TIMEOUT}s"
	elif ! grep -q '@@E2E BEGIN' "$log"; then
		why="guest /init never started (qemu exit $BOOT_RC)"
	else
		why="guest stopped early (qemu exit $BOOT_RC)"
	fi
	for s in "$@"; do
		line=$(printf '%s\n' "$res" | awk -v s="$s" '$1 == s' | tail -n1)
		if [ -z "$line" ]; then
			report FAIL "$name:$s" "no result: $why"
			bad=1
			continue
		fi
		read -r _ verdict detail <<<"$line"
		[ "$verdict" = PASS ] || bad=1
		report "$verdict" "$name:$s" "$detail"
	done
	if [ "$BOOT_RC" = 0 ] && grep -q '@@E2E DONE@@' "$log" && [ "${#BOOT_HOST_ERRORS[@]}" = 0 ]; then
		report PASS "$name:boot"
	else
		bad=1
		if [ "${#BOOT_HOST_ERRORS[@]}" -gt 0 ]; then
			report FAIL "$name:boot" "host side: ${BOOT_HOST_ERRORS[*]}"
		elif grep -q '@@E2E DONE@@' "$log"; then
			report FAIL "$name:boot" "qemu exit status $BOOT_RC after @@E2E DONE@@"
		else
			report FAIL "$name:boot" "$why"
		fi
	fi
	[ "$bad" = 1 ] || return 0
	# Show what the failed scenarios printed, or the console tail when the
	# boot itself went wrong.
	for s in "$@"; do
		line=$(printf '%s\n' "$res" | awk -v s="$s" '$1 == s' | tail -n1)
		read -r _ verdict _ <<<"${line:-x FAIL}"
		[ "$verdict" = PASS ] && continue
		grep -q "@@E2E START $s@@" "$log" || continue
		printf -- '---- %s:%s console ----\n' "$name" "$s"
		console_lines "$log" | awk -v s="$s" '
			index($0, "@@E2E START " s "@@") { on = 1; next }
			index($0, "@@E2E RESULT " s " ") { on = 0 }
			on { print "  | " $0 }' | tail -n 80
	done
	if ! grep -q '@@E2E DONE@@' "$log" || [ "$BOOT_RC" != 0 ]; then
		printf -- '---- %s: last 60 console lines ----\n' "$name"
		tail -n 60 "$log" | tr -d '\r' | sed 's/^/  | /'
		if [ -s "$BOOT_DIR/qemu.err" ]; then
			printf -- '---- qemu stderr ----\n'
			tail -n 20 "$BOOT_DIR/qemu.err" | sed 's/^/  | /'
		fi
	fi
	printf -- '---- end (%s; E2E_KEEP=1 keeps it) ----\n' "$BOOT_DIR"
}
