# SPDX-License-Identifier: MIT
# Helpers for the guest scenarios (busybox ash). Sourced together with
# scenarios.sh in a fresh shell per scenario.

TAB=$(printf '\t')
SHARES_FILE=/e2e/shares    # kind<TAB>busid<TAB>hostid<TAB>tag, from the host

# fail REASON: record why the scenario failed and end it.
fail() {
	printf '%s\n' "$*" >"$E2E_FAILFILE"
	echo "  -> scenario failed: $*"
	exit 1
}

e2e_run_function() {
	case $(type "$1" 2>/dev/null) in
	*function*) "$1" ;;
	*) fail "no such scenario function $1 in scenarios.sh" ;;
	esac
}

# show CMD...: echo a command, then run it (output stays on the console)
show() {
	echo "\$ $*"
	"$@"
}

# request ACTION ARG: ask the host to do something (see run.sh, handle_request)
request() {
	echo "@@E2E REQUEST $1 $2@@"
}

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds
wait_for() {
	local n=$(($1 * 5))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

# expect_shares KIND... > FILE-like output: the shares of the given kinds
expect_shares() {
	local kind busid hostid tag k
	while IFS=$TAB read -r kind busid hostid tag; do
		for k in "$@"; do
			[ "$kind" = "$k" ] && printf '%s\t%s\t%s\n' "$busid" "$hostid" "$tag"
		done
	done <"$SHARES_FILE"
}

# --- JSON (no JSON tool in busybox) --------------------------------------------
# json_devices < JSON: one line per object nested in the top-level object's
# array (the devices), whitespace outside strings removed, strings untouched.
json_devices() {
	awk '
		{ s = s $0 "\n" }
		END {
			depth = 0; instr = 0; esc = 0; cur = ""
			for (i = 1; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (instr) {
					if (depth >= 2) cur = cur c
					if (esc) esc = 0
					else if (c == "\\") esc = 1
					else if (c == "\"") instr = 0
					continue
				}
				if (c == " " || c == "\t" || c == "\n" || c == "\r") continue
				if (c == "\"") instr = 1
				if (c == "{") depth++
				if (depth >= 2) cur = cur c
				if (c == "}") {
					if (depth == 2) { print cur; cur = "" }
					depth--
				}
			}
		}'
}

# json_str TEXT: TEXT as a JSON string literal (enough for printable text)
json_str() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

# json_has OBJECT KEY JSON-VALUE: does the flat OBJECT contain "KEY":VALUE ?
json_has() {
	case $1 in
	*"\"$2\":$3,"* | *"\"$2\":$3}"*) return 0 ;;
	esac
	return 1
}

# json_get OBJECT KEY: the raw JSON value of KEY (scalars and flat arrays)
json_get() {
	printf '%s\n' "$1" | awk -v key="\"$2\":" '{
		i = index($0, key); if (!i) exit 1
		v = substr($0, i + length(key))
		if (substr(v, 1, 1) == "[") { print substr(v, 1, index(v, "]")); exit }
		if (substr(v, 1, 1) == "\"") {
			for (j = 2; j <= length(v); j++) {
				c = substr(v, j, 1)
				if (c == "\\") { j++; continue }
				if (c == "\"") break
			}
			print substr(v, 1, j); exit
		}
		match(v, /^[^,}]*/); print substr(v, 1, RLENGTH)
	}'
}

# --- mountinfo ---------------------------------------------------------------
# mi_escape TEXT: TEXT as /proc/self/mountinfo shows it (octal escapes)
mi_escape() {
	printf '%s' "$1" | sed "s/\\\\/\\\\134/g; s/ /\\\\040/g; s/$TAB/\\\\011/g"
}

# mountinfo_at DIR: "FSTYPE SOURCE" of the topmost mount at DIR, or nothing
mountinfo_at() {
	awk -v mp="$(mi_escape "$1")" '
		$5 == mp {
			r = ""
			for (i = 7; i <= NF; i++) if ($i == "-") { r = $(i + 1) " " $(i + 2); break }
		}
		END { if (r != "") print r }' /proc/self/mountinfo
}

# --- sysfs ---------------------------------------------------------------------
# virtio_of BUSID: the virtioN child of a CCW device, or nothing
virtio_of() {
	local d
	for d in /sys/bus/ccw/devices/"$1"/virtio*; do
		[ -d "$d" ] && basename "$d"
	done
}

# --- running a command under test ----------------------------------------------
# run CMD...: show CMD, run it with stdout in /tmp/out and stderr in /tmp/err,
# show both, and set RC (the exit status) and RUN_CMD (the command).
run() {
	RUN_CMD="$*"
	echo "\$ $*"
	"$@" >/tmp/out 2>/tmp/err
	RC=$?
	cat /tmp/out /tmp/err
	[ "$RC" = 0 ] || echo "(exit status $RC)"
}

# expect_rc WANT: the last run exited WANT
expect_rc() {
	[ "$RC" = "$1" ] || fail "'$RUN_CMD' exited $RC, expected $1: $(head -n1 /tmp/err)"
}

# expect_err TEXT: the last run's stderr contains TEXT
expect_err() {
	grep -qF -- "$1" /tmp/err || fail "'$RUN_CMD': stderr lacks '$1': $(head -n1 /tmp/err)"
}

# expect_out TEXT: the last run's stdout contains TEXT
expect_out() {
	grep -qF -- "$1" /tmp/out || fail "'$RUN_CMD': stdout lacks '$1'"
}

# expect_err_lines N: the last run printed exactly N lines on stderr
expect_err_lines() {
	local n
	n=$(wc -l </tmp/err)
	[ "$n" = "$1" ] || fail "'$RUN_CMD' printed $n lines on stderr, expected $1"
}

# --- mount assertions ----------------------------------------------------------
# mounts_at DIR: how many mounts are stacked at DIR
mounts_at() {
	awk -v mp="$(mi_escape "$1")" '$5 == mp { n++ } END { print n + 0 }' /proc/self/mountinfo
}

# expect_mount DIR TAG: exactly one mount at DIR, and it is virtiofs TAG
expect_mount() {
	local got n
	got=$(mountinfo_at "$1")
	n=$(mounts_at "$1")
	echo "  mountinfo at $1: ${got:-nothing}"
	[ "$got" = "virtiofs $(mi_escape "$2")" ] ||
		fail "mountinfo at $1: '${got:-nothing}', expected 'virtiofs $2'"
	[ "$n" = 1 ] || fail "$n mounts at $1, expected 1"
}

# expect_no_mount DIR: nothing is mounted at DIR
expect_no_mount() {
	local got
	got=$(mountinfo_at "$1")
	[ -z "$got" ] || fail "$1 is mounted ($got), expected nothing there"
}

# virtiofs_mounts: how many virtiofs mounts there are
virtiofs_mounts() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "virtiofs") n++; break } }
		END { print n + 0 }' /proc/self/mountinfo
}

# --- kernel state ----------------------------------------------------------------
fs_registered() { awk -v fs="$1" '$NF == fs { f = 1 } END { exit !f }' /proc/filesystems; }
module_loaded() { awk -v m="$1" '$1 == m { f = 1 } END { exit !f }' /proc/modules; }

# uptime_cs: time since boot in hundredths of a second (for durations)
uptime_cs() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }

# ccw_online BUSID: the CCW device is online
ccw_online() { [ "$(cat "/sys/bus/ccw/devices/$1/online" 2>/dev/null)" = 1 ]; }
ccw_offline() { [ "$(cat "/sys/bus/ccw/devices/$1/online" 2>/dev/null)" = 0 ]; }

# virtiofs_bound BUSID: the device's virtio child is bound to the virtiofs driver
virtiofs_bound() {
	local v
	v=$(virtio_of "$1")
	[ -n "$v" ] && [ "$(basename "$(readlink "/sys/bus/ccw/devices/$1/$v/driver" 2>/dev/null)")" = virtiofs ]
}
