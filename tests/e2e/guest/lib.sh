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

# expect_shares KIND|BUSID... : "busid<TAB>hostid<TAB>tag" of the shares of
# the given kinds (cold, hot) or bus-IDs
expect_shares() {
	local kind busid hostid tag k
	while IFS=$TAB read -r kind busid hostid tag; do
		for k in "$@"; do
			if [ "$kind" = "$k" ] || [ "$busid" = "$k" ]; then
				printf '%s\t%s\t%s\n' "$busid" "$hostid" "$tag"
				break
			fi
		done
	done <"$SHARES_FILE"
}

# share_tag BUSID: the tag of that share
share_tag() {
	local kind busid hostid tag
	while IFS=$TAB read -r kind busid hostid tag; do
		[ "$busid" = "$1" ] && printf '%s\n' "$tag" && return 0
	done <"$SHARES_FILE"
	return 1
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

# --- escaping: how the outputs under test show a tag ------------------------------
# The hostile tags (SHARES in run.sh) hold any byte. ESC_AWK computes how each
# output shows one, byte by byte (busybox awk counts bytes), so it is right for
# ASCII and for bytes that are no UTF-8 (the tags here hold no multi-byte
# characters; vfc_escape_display would keep those):
#   display    virtiofs-ccw's messages (vfc_escape_display; not the table of
#              `list`, which libsmartcols encodes): the backslash and bytes
#              outside 0x20-0x7e as \xHH
#   json       a JSON string of the display form: "a\\x5cb"
#   raw        a field of `list --raw` (libsmartcols): blanks, the backslash
#              and bytes outside 0x21-0x7e as \xHH
#   fstab      a field of fstab or of `automount --dry-run` (vfc_escape_fstab):
#              the backslash, # and bytes outside 0x21-0x7e as \ooo
#   dirname    the directory name a tag gets below a base (vfc_plan_dirname):
#              letters, digits and _+,:@=%~.- stay (not a leading . or -),
#              any other byte is \xHH; an empty tag is \x00
#   mountinfo  a field of /proc/self/mountinfo (the kernel's mangle): blank,
#              tab, newline, backslash and # as \ooo, other bytes raw
ESC_AWK='
function esc_init(   i, c) {
	for (i = 1; i < 256; i++) {
		c = sprintf("%c", i)
		ord[c] = i
		hex[c] = sprintf("%02x", i)
		oct[c] = sprintf("\\%03o", i)
	}
}
function esc(mode, s,   i, n, c, v, keep, out) {
	n = length(s)
	if (mode == "dirname" && n == 0)
		return "\\x00"
	out = ""
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		v = ord[c]
		if (mode == "display" || mode == "json")
			keep = v >= 32 && v < 127 && c != "\\"
		else if (mode == "raw")
			keep = v > 32 && v < 127 && c != "\\"
		else if (mode == "fstab")
			keep = v > 32 && v < 127 && c != "\\" && c != "#"
		else if (mode == "mountinfo")
			keep = c != " " && c != "\t" && c != "\n" && c != "\\" && c != "#"
		else
			keep = c ~ /^[A-Za-z0-9_+,:@=%~.-]$/ && !(i == 1 && (c == "." || c == "-"))
		if (keep)
			out = out c
		else if (mode == "fstab" || mode == "mountinfo")
			out = out oct[c]
		else
			out = out "\\x" hex[c]
	}
	if (mode == "json") {
		gsub(/\\/, "\\\\", out)
		gsub(/"/, "\\\"", out)
		out = "\"" out "\""
	}
	return out
}'

# esc MODE TEXT: TEXT as that output shows it (modes: see ESC_AWK)
esc() {
	T=$2 awk -v mode="$1" "$ESC_AWK"'BEGIN { esc_init(); print esc(mode, ENVIRON["T"]) }'
}

# share_table KIND|BUSID...: like expect_shares, with the forms of the tag
# (ESC_AWK) added, 11 TAB-separated fields, none empty (a tag cannot hold a
# TAB here: /e2e/shares is TAB-separated):
#   1 busid  2 hostid  3 tag  4 display  5 json  6 raw  7 fstab  8 dirname
#   9 mountinfo  10 the dirname as mountinfo shows it  11 ... as fstab does
share_table() {
	K=" $* " awk -F "$TAB" "$ESC_AWK"'
		BEGIN { esc_init() }
		index(ENVIRON["K"], " " $1 " ") || index(ENVIRON["K"], " " $2 " ") {
			d = esc("dirname", $4)
			print $2 "\t" $3 "\t" $4 "\t" esc("display", $4) "\t" esc("json", $4) "\t" \
				esc("raw", $4) "\t" esc("fstab", $4) "\t" d "\t" esc("mountinfo", $4) "\t" \
				esc("mountinfo", d) "\t" esc("fstab", d)
		}' "$SHARES_FILE"
}

# --- mountinfo ---------------------------------------------------------------
# mi_escape TEXT: TEXT as /proc/self/mountinfo shows it (octal escapes of
# blank, tab, backslash and #; other bytes, even 0xff, raw: esc mountinfo)
mi_escape() {
	printf '%s' "$1" | sed "s/\\\\/\\\\134/g; s/ /\\\\040/g; s/$TAB/\\\\011/g; s/#/\\\\043/g"
}

# mountinfo_at DIR: "FSTYPE SOURCE" of the topmost mount at DIR, or nothing.
# (Values go to awk through the environment: awk -v would undo the escapes.)
mountinfo_at() {
	MP=$(mi_escape "$1") awk '
		$5 == ENVIRON["MP"] {
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
	MP=$(mi_escape "$1") awk '$5 == ENVIRON["MP"] { n++ } END { print n + 0 }' /proc/self/mountinfo
}

# mounts_of TAG: how many virtiofs mounts of TAG there are, wherever they are
mounts_of() {
	SRC=$(mi_escape "$1") awk '
		{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "virtiofs" && $(i + 2) == ENVIRON["SRC"]) n++; break } }
		END { print n + 0 }' /proc/self/mountinfo
}

# dir_entries DIR: the names in DIR, one a line, sorted, without stat(2)ing
# them (ls and find would, and a mounted share answers ECONNREFUSED here)
dir_entries() {
	local e
	[ -d "$1" ] || return 0
	for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
		# a pattern that matched nothing stays as it is
		case ${e##*/} in '*' | '.[!.]*' | '..?*') [ -e "$e" ] || continue ;; esac
		printf '%s\n' "${e##*/}"
	done | sort
}

# mounted_as DIR TAG: the topmost mount at DIR is virtiofs TAG (for wait_for)
mounted_as() { [ "$(mountinfo_at "$1")" = "virtiofs $(mi_escape "$2")" ]; }
# unmounted_and_gone DIR: nothing is mounted at DIR, and DIR is gone (wait_for)
unmounted_and_gone() { [ -z "$(mountinfo_at "$1")" ] && [ ! -e "$1" ]; }
not_mounted() { [ -z "$(mountinfo_at "$1")" ]; }

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

# virtiofs_mount_list: "TARGET SOURCE" of each virtiofs mount, as mountinfo
# shows them (octal escapes), sorted
virtiofs_mount_list() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "virtiofs") print $5 " " $(i + 2); break } }' \
		/proc/self/mountinfo | sort
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

# --- utab: libmount's record of the user options of a mount -----------------------
UTAB=/run/mount/utab

# utab_opts DIR: the OPTS= of each utab entry for DIR (one line each)
utab_opts() {
	[ -f "$UTAB" ] || return 0
	T="TARGET=$(mi_escape "$1")" awk '{
		hit = 0; o = ""
		for (i = 1; i <= NF; i++) {
			if ($i == ENVIRON["T"]) hit = 1
			if (substr($i, 1, 5) == "OPTS=") o = substr($i, 6)
		}
		if (hit) print o
	}' "$UTAB"
}

# utab_list: "TARGET OPTS" of each utab entry, as utab holds them but for
# the marks' instances (BUSID@INSTANCE -> BUSID; expect_mark checks them), sorted
utab_list() {
	[ -f "$UTAB" ] || return 0
	awk '{
		t = o = ""
		for (i = 1; i <= NF; i++) {
			if (substr($i, 1, 7) == "TARGET=") t = substr($i, 8)
			if (substr($i, 1, 5) == "OPTS=") o = substr($i, 6)
		}
		print t " " o
	}' "$UTAB" | sed 's/\(x-virtiofs-ccw\.auto=[^,@]*\)@[0-9]*/\1/' | sort
}

# utab_marks: how many utab entries carry the auto-mounter's mark
utab_marks() {
	[ -f "$UTAB" ] || { echo 0; return 0; }
	grep -c 'x-virtiofs-ccw\.auto=' "$UTAB"
}

# expect_mark DIR BUSID: exactly one utab entry for DIR, marked as the
# auto-mount of BUSID (x-virtiofs-ccw.auto=BUSID@INSTANCE)
expect_mark() {
	local opts n
	opts=$(utab_opts "$1")
	n=$(printf '%s' "$opts" | grep -c .)
	echo "  utab at $1: ${opts:-nothing}"
	[ "$n" = 1 ] || fail "$n utab entries for $1, expected 1 (utab: $(tr '\n' '|' <"$UTAB" 2>/dev/null))"
	case ",$opts," in
	*",x-virtiofs-ccw.auto=$2@"[1-9]*) ;;
	*) fail "utab entry for $1 has OPTS=$opts, expected the mark x-virtiofs-ccw.auto=$2@INSTANCE" ;;
	esac
}

# expect_no_utab DIR: utab has no entry for DIR
expect_no_utab() {
	[ -z "$(utab_opts "$1")" ] || fail "utab still has an entry for $1: $(utab_opts "$1")"
}

# --- systemd-udevd and the runs of the handler the rule makes ----------------
# No systemd here: the shipped rule's RUN+= runs "virtiofs-ccw automount
# --udev ..." from udevd's worker. udevd's debug log says how each run ended
# ("DEV: Process 'CMD' succeeded." / "... failed with exit code N."), and
# RUN+= programs run within the event, so after `udevadm settle` every run of
# the events so far has ended.
UDEVD_LOG=/run/e2e-udevd.log
UDEVD_PID=/run/e2e-udevd.pid

udevd_ready() { udevadm control --ping -t 2 >/dev/null 2>&1; }

# udevd_start: Debian's systemd-udevd, in the foreground of a background job
# (its debug log in $UDEVD_LOG), with the project's rule in /lib/udev/rules.d
udevd_start() {
	echo '$ /lib/systemd/systemd-udevd --debug --resolve-names=never &'
	/lib/systemd/systemd-udevd --debug --resolve-names=never </dev/null >"$UDEVD_LOG" 2>&1 &
	echo "$!" >"$UDEVD_PID"
	wait_for 15 udevd_ready || {
		cat "$UDEVD_LOG"
		fail "systemd-udevd did not answer within 15 s"
	}
}

# proc_gone PID: the process has exited (gone, or a zombie not yet reaped)
proc_gone() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	st=${st##*) }
	[ "${st%% *}" = Z ]
}

# udevd_stop: end udevd (it ends its workers), bounded: a udevd that does not
# exit within 10 s of `udevadm control --exit` is shown (ps) and killed, so a
# stuck udevd cannot hang the boot; then show what it logged of our handler
udevd_stop() {
	local pid
	pid=$(cat "$UDEVD_PID" 2>/dev/null) || return 0
	rm -f "$UDEVD_PID"
	timeout 10 udevadm control --exit -t 8 >/dev/null 2>&1 ||
		echo "  udevadm control --exit failed or timed out"
	if ! wait_for 10 proc_gone "$pid"; then
		echo "  systemd-udevd ($pid) still running 10 s after --exit; processes:"
		ps -o pid,ppid,stat,args 2>/dev/null | sed 's/^/  | /' || ps | sed 's/^/  | /'
		kill "$pid" 2>/dev/null
		wait_for 3 proc_gone "$pid" || kill -9 "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	if grep -q 'virtiofs-ccw' "$UDEVD_LOG" 2>/dev/null; then
		echo "  systemd-udevd said of virtiofs-ccw:"
		grep 'virtiofs-ccw' "$UDEVD_LOG" | grep -v ' RUN ' | sed 's/^/  | /'
	fi
}

# handler_runs: one line "KIND:DEV STATUS" per ended run of the handler, in
# order: KIND add (--kernel-name) or remove (--remove), DEV udev's name of the
# event's device (N of a virtiofs export, virtioN), STATUS its exit status or
# the signal that ended it
handler_runs() {
	local h="Process '/usr/sbin/virtiofs-ccw automount --udev"
	[ -f "$UDEVD_LOG" ] || return 0
	sed -n -e "s|^\([^ :]*\): $h --kernel-name [^']*' succeeded\.\$|add:\1 0|p" \
		-e "s|^\([^ :]*\): $h --kernel-name [^']*' failed with exit code \([0-9]*\)\.\$|add:\1 \2|p" \
		-e "s|^\([^ :]*\): $h --remove' succeeded\.\$|remove:\1 0|p" \
		-e "s|^\([^ :]*\): $h --remove' failed with exit code \([0-9]*\)\.\$|remove:\1 \2|p" \
		-e "s|^\([^ :]*\): $h[^']*' terminated by signal \(.*\)\.\$|killed:\1 \2|p" \
		"$UDEVD_LOG"
}

# runs_count ERE: how many ended runs match ERE (the whole KIND:DEV)
runs_count() {
	handler_runs | RE="^($1)\$" awk '$1 ~ ENVIRON["RE"] { n++ } END { print n + 0 }'
}

runs_at_least() { [ "$(runs_count "$1")" -ge "$2" ]; }

show_runs() {
	echo "  handler runs:"
	handler_runs | sed 's/^/  | /'
}

# wait_runs SECONDS ERE N: until N runs matching ERE have ended
wait_runs() {
	wait_for "$1" runs_at_least "$2" "$3" ||
		fail "$(runs_count "$2") runs like $2 ended within $1 s, expected $3: $(handler_runs | tr '\n' '|')"
}

# expect_runs_ok: udevd has nothing queued (so every run has ended), and
# every run exited 0
expect_runs_ok() {
	udevadm settle -t 10 || fail "udevadm settle: events still queued after 10 s"
	handler_runs | awk '$2 != 0 { bad = bad " " $1 "=" $2 } END { if (bad != "") { print bad; exit 1 } }' \
		>/tmp/runs.bad || fail "handler runs failed:$(cat /tmp/runs.bad)"
}
