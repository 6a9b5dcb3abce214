# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The real-system suite's scenarios: an administrator's stories on a Debian
# guest with systemd as PID 1 and our package installed by dpkg. Sourced by
# bash after /e2e/lib.sh (the e2e suite's helpers: fail, run, expect_*,
# mountinfo_at, mounts_of, wait_for, request ...); each scenario runs in a
# shell of its own (runner). They assert on what the kernel and systemd
# report: mountinfo, systemctl, the journal, exit codes.

SELF=system-test.service

# settle: systemd has no job but ours, and udev's queue is empty
settle() {
	local i
	for ((i = 0; i < 900; i++)); do
		if [ -z "$(systemctl list-jobs --no-legend --plain 2>/dev/null |
			awk -v self="$SELF" '$2 != self')" ]; then
			udevadm settle -t 30
			return 0
		fi
		sleep 0.2
	done
	echo "settle: systemd still has jobs after 180 s:"
	systemctl list-jobs --no-pager
	return 1
}

uptime_s() { awk '{ print $1 }' /proc/uptime; }

# figure NAME SECONDS: a measurement for the host's figures line
figure() { printf '@@E2E FIGURE %s %.2fs@@\n' "$1" "$2"; }

# unit_of DIR: the mount unit systemd names DIR by
unit_of() { systemd-escape --path --suffix=mount "$1"; }

# expect_unit_mounted DIR: systemd's mount unit for DIR is active, comes
# from /etc/fstab and its own mount(8) run succeeded
expect_unit_mounted() {
	local u
	u=$(unit_of "$1")
	[ "$(systemctl is-active "$u")" = active ] ||
		fail "$u is $(systemctl is-active "$u"), expected active"
	[ "$(systemctl show -P SourcePath "$u")" = /etc/fstab ] ||
		fail "$u does not come from /etc/fstab ($(systemctl show -P SourcePath "$u"))"
}

# expect_once DIR TAG: exactly one mount at DIR, virtiofs TAG, and TAG
# mounted nowhere else
expect_once() {
	local n
	expect_mount "$1" "$2"
	n=$(mounts_of "$2")
	[ "$n" = 1 ] || fail "tag $2 is mounted $n times, expected once: $(virtiofs_mount_list | tr '\n' '|')"
}

# st_dev DIR: the device number of the topmost mount at DIR (mountinfo field 3)
st_dev() {
	MP=$(mi_escape "$1") awk '$5 == ENVIRON["MP"] { d = $3 } END { print d }' /proc/self/mountinfo
}

# mount_opts DIR: the per-mount options of the topmost mount at DIR
mount_opts() {
	MP=$(mi_escape "$1") awk '$5 == ENVIRON["MP"] { o = $6 } END { print o }' /proc/self/mountinfo
}

# no_stacking: no mountpoint carries two virtiofs mounts
no_stacking() {
	local dup
	dup=$(virtiofs_mount_list | awk '{ print $1 }' | uniq -d)
	[ -z "$dup" ] || fail "stacked virtiofs mounts at $dup: $(virtiofs_mount_list | tr '\n' '|')"
}

# hot_add BUSID / hot_del BUSID: ask the host, wait for the device to come or go
hot_add() {
	request hotplug-add "$1"
	wait_for 60 test -e "/sys/bus/ccw/devices/$1" || fail "$1 did not appear after hotplug-add"
}
hot_del() {
	request hotplug-del "$1"
	wait_for 60 test ! -e "/sys/bus/ccw/devices/$1" || fail "$1 did not go after hotplug-del"
}

# wait_mounted_at SECONDS DIR TAG -> MOUNTED_AT (seconds since boot): poll
# mountinfo until TAG is mounted at DIR. The time is when systemd saw the
# mount (its unit's ActiveEnterTimestampMonotonic: systemd watches mountinfo),
# else when this loop did; under TCG a pass of the loop (bash reads
# mountinfo a byte at a time) takes longer than the mount itself.
wait_mounted_at() {
	local end line want sfd usec
	want=" $(mi_escape "$2") "
	exec {sfd}<> <(:)
	end=$(awk -v s="$1" '{ print $1 + s }' /proc/uptime)
	while :; do
		while IFS= read -r line; do
			case $line in
			*"$want"*" - virtiofs $(mi_escape "$3") "*)
				read -r MOUNTED_AT _ </proc/uptime
				usec=$(systemctl show -P ActiveEnterTimestampMonotonic "$(unit_of "$2")" 2>/dev/null)
				[ "${usec:-0}" -gt 0 ] && MOUNTED_AT=$(awk -v u="$usec" 'BEGIN { printf "%.3f", u / 1e6 }')
				return 0
				;;
			esac
		done </proc/self/mountinfo
		read -r line _ </proc/uptime
		[ "${line%.*}" -lt "${end%.*}" ] || return 1
		read -r -t 0.02 -u "$sfd" _
	done
}

# ---- every boot -----------------------------------------------------------------
# boot-units: the boot reached multi-user.target and no unit failed on the way
scenario_boot_units() {
	local failed
	[ "$(systemctl is-active multi-user.target)" = active ] ||
		fail "multi-user.target is $(systemctl is-active multi-user.target)"
	failed=$(systemctl list-units --failed --no-legend --plain | awk '{ print $1 }' | tr '\n' ' ')
	[ -z "$failed" ] || {
		for u in $failed; do systemctl status --no-pager --lines=8 "$u"; done
		fail "units failed during boot: $failed"
	}
}

# installed: systemd is PID 1, dpkg has our package installed for s390x, and
# mount(8) finds its helper
scenario_installed() {
	local st
	[ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is $(cat /proc/1/comm), expected systemd"
	st=$(dpkg-query -W -f='${Status} ${Architecture} ${Version}' virtiofs-ccw)
	echo "  virtiofs-ccw: $st"
	case $st in
	"install ok installed s390x "*) ;;
	*) fail "dpkg says virtiofs-ccw is '$st', expected installed, s390x" ;;
	esac
	[ -x /sbin/mount.virtiofs ] || fail "no /sbin/mount.virtiofs for mount(8)"
	[ "$(stat -c '%a %U' /usr/sbin/mount.virtiofs)" = "4755 root" ] ||
		fail "mount.virtiofs is $(stat -c '%a %U' /usr/sbin/mount.virtiofs), expected set-uid root (4755 root)"
	run dpkg --verify virtiofs-ccw
	# the boots' policy files change the one conffile, as an administrator does
	grep -v ' c /etc/virtiofs-ccw.conf$' /tmp/out | grep . && fail "dpkg --verify: $(head -n1 /tmp/out)"
	return 0
}

# ---- boot 6.12 ------------------------------------------------------------------
# fstab-boot: the fstab lines by guest bus-ID, host bus-ID and tag are mounted
# once each, by systemd's mount units (systemd-fstab-generator, mount(8),
# mount.virtiofs); the late and the hot share are not there yet
scenario_fstab_boot() {
	local dir tag last=0 t u
	for dir_tag in /srv/data:share0 /srv/host:share1 /srv/tag:share3; do
		dir=${dir_tag%%:*} tag=${dir_tag#*:}
		expect_once "$dir" "$tag"
		expect_unit_mounted "$dir"
		u=$(unit_of "$dir")
		systemctl show -P ExecMount "$u" | grep -q 'code=exited ; status=0 }' ||
			fail "$u: mount(8) did not run or failed: $(systemctl show -P ExecMount "$u")"
		t=$(systemctl show -P ActiveEnterTimestampMonotonic "$u")
		[ "$t" -gt "$last" ] && last=$t
	done
	figure boot-to-fstab-mounted "$(awk -v t="$last" 'BEGIN { print t / 1e6 }')"
	# each share is a device unit, by bus-ID and by tag (90-virtiofs-ccw.rules)
	for u in 'sys-subsystem-virtiofs-by\x2dbusid-0.0.1a12.device' \
		'sys-subsystem-virtiofs-by\x2dtag-share0.device' \
		'sys-subsystem-virtiofs-by\x2dbusid-0.0.0002.device' \
		'sys-subsystem-virtiofs-by\x2dtag-share3.device'; do
		[ "$(systemctl is-active "$u")" = active ] || {
			systemctl list-units --no-pager --all 'sys-subsystem-virtiofs*'
			fail "$u is $(systemctl is-active "$u"), expected active"
		}
	done
	systemctl show -P BindsTo srv-data.mount | grep -qF 'busid-0.0.1a12.device' ||
		fail "srv-data.mount is not bound to its share: BindsTo=$(systemctl show -P BindsTo srv-data.mount)"
	expect_no_mount /srv/late
	expect_no_mount /srv/hot
	no_stacking
}

# late-device: 0.1.0042 is offline at boot (virtio_ccw.no_auto=); set online,
# its fstab line is mounted exactly once, with nobody else acting
scenario_late_device() {
	local t0
	ccw_offline 0.1.0042 || fail "0.1.0042 is not offline at boot (virtio_ccw.no_auto=)"
	expect_no_mount /srv/late
	read -r t0 _ </proc/uptime
	show sh -c 'echo 1 >/sys/bus/ccw/devices/0.1.0042/online'
	wait_mounted_at 60 /srv/late share2 || fail "/srv/late was not mounted within 60 s of set online"
	figure late-online-to-mounted "$(awk -v a="$t0" -v b="$MOUNTED_AT" 'BEGIN { print b - a }')"
	settle
	expect_once /srv/late share2
	expect_unit_mounted /srv/late
	no_stacking
}

# hotplug-add: the share fstab names at /srv/hot is hot-added: mounted
# there, once; the latency from the device's first uevent to the mount
# timed_hot_add PREFIX BUSID DIR TAG: hot-add BUSID, wait until TAG is
# mounted at DIR, and report figures PREFIX-uevent-to-mounted (from the ccw
# add uevent, as udevadm monitor saw it), split into the kernel's part and
# ours: PREFIX-bound-to-mounted (from virtiofs bound to the virtio device)
# and PREFIX-udev-done-to-mounted (from udev having run that event's rules:
# then it is systemd, mount(8) and the helper, or our handler)
timed_hot_add() {
	local mon t_ev t_bind t_udev
	udevadm monitor --kernel --udev --subsystem-match=ccw --subsystem-match=virtio >/tmp/monitor.log 2>&1 &
	mon=$!
	sleep 0.5
	request hotplug-add "$2"
	wait_mounted_at 60 "$3" "$4" || {
		kill "$mon"
		fail "$3 was not mounted within 60 s of the hotplug request"
	}
	kill "$mon"
	wait "$mon" 2>/dev/null
	t_ev=$(sed -n 's/^KERNEL\[\([0-9.]*\)\] add .*(ccw)$/\1/p' /tmp/monitor.log | head -n1)
	[ -n "$t_ev" ] || fail "no ccw add uevent seen: $(head -n5 /tmp/monitor.log | tr '\n' '|')"
	t_bind=$(sed -n 's/^KERNEL\[\([0-9.]*\)\] bind .*(virtio)$/\1/p' /tmp/monitor.log | head -n1)
	t_udev=$(sed -n 's/^UDEV  *\[\([0-9.]*\)\] bind .*(virtio)$/\1/p' /tmp/monitor.log | head -n1)
	echo "  ccw add uevent at ${t_ev} s, virtiofs bound at ${t_bind:-?} s, udev done at ${t_udev:-?} s, $3 mounted at $MOUNTED_AT s"
	figure "$1-uevent-to-mounted" "$(awk -v a="$t_ev" -v b="$MOUNTED_AT" 'BEGIN { print b - a }')"
	[ -z "$t_bind" ] || figure "$1-bound-to-mounted" "$(awk -v a="$t_bind" -v b="$MOUNTED_AT" 'BEGIN { print b - a }')"
	[ -z "$t_udev" ] || figure "$1-udev-done-to-mounted" "$(awk -v a="$t_udev" -v b="$MOUNTED_AT" 'BEGIN { print b - a }')"
}

scenario_hotplug_add() {
	expect_no_mount /srv/hot
	timed_hot_add hotplug 0.0.2000 /srv/hot hot0
	settle
	expect_once /srv/hot hot0
	expect_unit_mounted /srv/hot
	no_stacking
}

# hotplug-remove: the device goes: its mount is detached, nothing dead left
scenario_hotplug_remove() {
	expect_once /srv/hot hot0
	hot_del 0.0.2000
	wait_for 30 not_mounted /srv/hot || fail "/srv/hot still mounted 30 s after its device went"
	settle
	expect_no_mount /srv/hot
	[ "$(mounts_of hot0)" = 0 ] || fail "hot0 still mounted: $(virtiofs_mount_list | tr '\n' '|')"
}

# watch_gone DIR FILE: in the background, note in FILE when nothing is mounted
# at DIR (bash builtins only, every 20 ms) -> WATCH_PID
watch_gone() {
	local want=" $(mi_escape "$1") "
	(
		exec {sfd}<> <(:)
		while :; do
			found=
			while IFS= read -r line; do
				case $line in *"$want"*) found=1 ;; esac
			done </proc/self/mountinfo
			[ -n "$found" ] || : >"$2"
			read -r -t 0.02 -u "$sfd" _
		done
	) &
	WATCH_PID=$!
}

# hotplug-readd: added, then removed and added again at once: one live
# mount, never the dead one of the device that went. (The new mount may get
# the old one's device number and mount ID back: the kernel reuses the lowest
# free ones. What tells is that the old one was taken away in between.)
scenario_hotplug_readd() {
	local old_dev mon rc
	hot_add 0.0.2000
	wait_for 60 mounted_as /srv/hot hot0 || fail "/srv/hot was not mounted after the hotplug"
	settle
	old_dev=$(st_dev /srv/hot)
	echo "  /srv/hot: st_dev $old_dev"
	rm -f /tmp/hot-gone
	udevadm monitor --kernel --subsystem-match=ccw >/tmp/monitor.log 2>&1 &
	mon=$!
	watch_gone /srv/hot /tmp/hot-gone
	sleep 0.5
	request hotplug-del 0.0.2000
	request hotplug-add 0.0.2000
	# the ccw device's remove, then its add (virtioN numbers are reused)
	wait_for 60 sh -c 'grep " remove .*/0\.0\.2000 (ccw)" /tmp/monitor.log >/dev/null &&
		sed -n "/ remove .*\/0\.0\.2000 (ccw)/,\$p" /tmp/monitor.log | grep -q " add .*/0\.0\.2000 (ccw)"'
	rc=$?
	kill "$mon"
	wait "$mon" 2>/dev/null
	[ "$rc" = 0 ] || { kill "$WATCH_PID"; fail "0.0.2000 was not removed and added again: $(tr '\n' '|' </tmp/monitor.log)"; }
	wait_for 30 mounted_as /srv/hot hot0
	settle
	kill "$WATCH_PID"
	wait "$WATCH_PID" 2>/dev/null
	echo "  /srv/hot now: st_dev $(st_dev /srv/hot), $(mounts_at /srv/hot) mount(s) there," \
		"$([ -e /tmp/hot-gone ] && echo "detached in between" || echo "never detached")"
	[ -e /tmp/hot-gone ] ||
		fail "/srv/hot was never detached while its device went and came: the dead mount stayed"
	[ "$(mounts_at /srv/hot)" = 1 ] || fail "$(mounts_at /srv/hot) mounts at /srv/hot after the re-add, expected 1"
	expect_once /srv/hot hot0
	hot_del 0.0.2000
	wait_for 30 not_mounted /srv/hot || fail "/srv/hot still mounted after the final removal"
}

# remount: mount(8) -o remount,ro and back change what the kernel reports
scenario_remount() {
	expect_once /srv/data share0
	run mount -o remount,ro /srv/data
	expect_rc 0
	case ,$(mount_opts /srv/data), in
	*,ro,*) ;;
	*) fail "after 'mount -o remount,ro /srv/data': mount options $(mount_opts /srv/data), expected ro" ;;
	esac
	run mount -o remount,rw /srv/data
	expect_rc 0
	case ,$(mount_opts /srv/data), in
	*,rw,*) ;;
	*) fail "after 'mount -o remount,rw /srv/data': mount options $(mount_opts /srv/data), expected rw" ;;
	esac
	expect_once /srv/data share0
}

# user-mount: the fstab line "share1 /mnt/user virtiofs noauto,user" mounted
# and unmounted by a user who is not root (mount(8) is set-uid root)
scenario_user_mount() {
	mkdir -p /mnt/user
	run setpriv --reuid=tester --regid=tester --clear-groups mount /mnt/user
	expect_rc 0
	expect_mount /mnt/user share1
	run setpriv --reuid=tester --regid=tester --clear-groups umount /mnt/user
	expect_rc 0
	expect_no_mount /mnt/user
}

# ns_mount_at PID DIR: "FSTYPE SOURCE" of the topmost mount at DIR in PID's mount namespace
ns_mount_at() {
	MP=$2 awk '$5 == ENVIRON["MP"] {
			for (i = 7; i <= NF; i++) if ($i == "-") { r = $(i + 1) " " $(i + 2); break }
		}
		END { print r }' "/proc/$1/mountinfo"
}

# namespace: mount.virtiofs -N, by PID and by path: the target is looked up
# in that mount namespace (a directory that exists only there), the mount
# appears there and not here
scenario_namespace() {
	local pid
	unshare --mount --propagation private sh -c \
		'mount -t tmpfs ns /mnt && mkdir /mnt/by-pid /mnt/by-path && exec sleep 120' &
	pid=$!
	wait_for 10 sh -c '[ -d /proc/$1/root/mnt/by-path ]' sh "$pid" ||
		fail "the namespace did not come up"
	[ ! -e /mnt/by-pid ] || fail "/mnt/by-pid exists outside the namespace"
	run mount.virtiofs 0.0.1a12 /mnt/by-pid -N "$pid"
	expect_rc 0
	run mount.virtiofs share1 /mnt/by-path -N "/proc/$pid/ns/mnt"
	expect_rc 0
	[ "$(ns_mount_at "$pid" /mnt/by-pid)" = "virtiofs share0" ] ||
		fail "no share0 at /mnt/by-pid in the namespace: $(ns_mount_at "$pid" /mnt/by-pid)"
	[ "$(ns_mount_at "$pid" /mnt/by-path)" = "virtiofs share1" ] ||
		fail "no share1 at /mnt/by-path in the namespace: $(ns_mount_at "$pid" /mnt/by-path)"
	expect_no_mount /mnt/by-pid
	expect_no_mount /mnt/by-path
	kill "$pid"
	wait "$pid" 2>/dev/null
	return 0
}

# lookalike: 0.0.1c00's tag is "0.0.1a12". The bus-ID 0.0.1a12 still names
# share0 (fstab's /srv/data, mount -t virtiofs); the look-alike share is
# mounted by its own bus-ID, or by virtiofs-ccw mount --tag; a mistyped
# bus-ID is refused at once
scenario_lookalike() {
	expect_once /srv/data share0
	mkdir -p /mnt/la1 /mnt/la2 /mnt/la3 /mnt/la4
	run mount -t virtiofs 0.0.1a12 /mnt/la1
	expect_rc 0
	expect_mount /mnt/la1 share0
	run mount -t virtiofs 0.0.1c00 /mnt/la2
	expect_rc 0
	expect_mount /mnt/la2 0.0.1a12
	run virtiofs-ccw mount --tag 0.0.1a12 /mnt/la3
	expect_rc 0
	expect_mount /mnt/la3 0.0.1a12
	run timeout 5 mount -t virtiofs 0.4.1a12 /mnt/la4
	expect_rc 32
	expect_err "not a bus-ID"
	expect_no_mount /mnt/la4
	umount /mnt/la1 /mnt/la2 /mnt/la3 || fail "umount failed"
}

# fstab-generated: the lines "virtiofs-ccw fstab" prints mount as printed
# with mount -a, each share where its line says
scenario_fstab_generated() {
	local src dir rest got n=0
	run virtiofs-ccw fstab
	expect_rc 0
	grep -v '^#' /tmp/out >/tmp/gen.fstab
	run mount -a -T /tmp/gen.fstab
	expect_rc 0
	while read -r src dir rest; do
		[ -n "$src" ] || continue
		n=$((n + 1))
		# fstab's escapes (\040, \303...) undone: the tag as the kernel has it
		src=$(printf '%b' "$(printf '%s' "$src" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')")
		dir=$(printf '%b' "$(printf '%s' "$dir" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')")
		# a source that is a bus-ID (the tag would read as one) mounts that device's tag
		case $src in
		0.?.????) got=$(mountinfo_at "$dir") && [ "${got%% *}" = virtiofs ] ;;
		*) mounted_as "$dir" "$src" ;;
		esac || {
			awk '$2 ~ "^/mnt/virtiofs" { print "umount " $2 }' /tmp/gen.fstab | sh 2>/dev/null
			fail "mount -a of the printed line '$src $dir' left $dir: '$(mountinfo_at "$dir")'"
		}
	done </tmp/gen.fstab
	[ "$n" -ge 4 ] || fail "virtiofs-ccw fstab printed $n lines, expected one per share (4)"
	while read -r src dir rest; do
		dir=$(printf '%b' "$(printf '%s' "$dir" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')")
		umount "$dir" || fail "umount $dir failed"
	done </tmp/gen.fstab
}

# unknown-tag: mount -t virtiofs of a tag no device has fails with mount(8)'s
# 32, names the tag, mounts nothing and logs at most 2 kernel lines
scenario_unknown_tag() {
	local n
	mkdir -p /mnt/x
	run mount -t virtiofs nosuch /mnt/x
	expect_rc 32
	expect_err nosuch
	expect_no_mount /mnt/x
	n=$(dmesg | grep -c 'virtio-fs: tag <nosuch> not found')
	echo "  kernel log: $n 'virtio-fs: tag <nosuch> not found' lines"
	[ "$n" -le 2 ] || fail "the kernel logged 'virtio-fs: tag <nosuch> not found' $n times, at most 2 expected"
}

# ---- boot shapes: fstab as administrators write it, tags as hosts choose --------
# bound_device UNIT: the device unit UNIT is bound to (systemctl show quotes a
# name with a backslash in it, doubling the backslash)
bound_device() {
	systemctl show -P BindsTo "$1" | tr ' ' '\n' | grep '\.device' | sed 's/^"//; s/"$//; s/\\\\/\\/g' | head -n1
}

# virtio_of BUSID: the sysfs path of the virtio device below the CCW device
virtio_of() {
	local v
	for v in /sys/bus/ccw/devices/"$1"/virtio[0-9]*; do
		readlink -f "$v"
		return 0
	done
	return 1
}

# expect_line DIR TAG BUSID: fstab's line at DIR is mounted, TAG, by its own
# unit, bound to a device unit that systemd made active from our alias and
# whose sysfs path is BUSID's virtio device
expect_line() {
	local u dev want got
	expect_mount "$1" "$2"
	expect_unit_mounted "$1"
	u=$(unit_of "$1")
	dev=$(bound_device "$u")
	[ -n "$dev" ] || fail "$u is bound to no device unit: BindsTo=$(systemctl show -P BindsTo "$u")"
	[ "$(systemctl show -P ActiveState "$dev")" = active ] || {
		systemctl list-units --no-pager --all 'sys-subsystem-virtiofs*'
		fail "$u is bound to $dev, which is $(systemctl show -P ActiveState "$dev"): systemd made no such unit"
	}
	want=$(virtio_of "$3") || fail "$3 has no virtio device"
	got=$(systemctl show -P SysFSPath "$dev")
	[ "$got" = "$want" ] || fail "$dev is $got, expected $3's $want"
	echo "  $1: $u bound to $dev ($got)"
}

CAFE=$(printf 'caf\303\251\\x')

# shapes-units: lines by odd tags, by bus-ID, two lines for one share (one
# noauto): each mounted by its own unit, bound to the right device
scenario_shapes_units() {
	expect_line /srv/a-b "a b" 0.0.3000
	expect_line /srv/ax20b ax20b 0.0.3001
	expect_line /srv/cafe "$CAFE" 0.0.3002
	expect_line /srv/one share0 0.0.1a12
	expect_line /srv/data share1 0.0.0002
	expect_no_mount /srv/rescue
	[ "$(systemctl is-active srv-rescue.mount)" != active ] || fail "the noauto line /srv/rescue is mounted"
	no_stacking
}

# shapes-collide: "a b" and "ax20b" are two device units, two devices
scenario_shapes_collide() {
	local a b
	a=$(bound_device "$(unit_of /srv/a-b)")
	b=$(bound_device "$(unit_of /srv/ax20b)")
	echo "  'a b' -> $a, 'ax20b' -> $b"
	[ "$a" != "$b" ] || fail "tags 'a b' and 'ax20b' share the device unit $a"
	[ "$(systemctl show -P SysFSPath "$a")" != "$(systemctl show -P SysFSPath "$b")" ] ||
		fail "$a and $b follow one device"
}

# shapes-short: 1a12 is device 0.0.1a12 (share0) in fstab too, never the
# share tagged "1a12" (0.0.3003)
scenario_shapes_short() {
	expect_line /srv/short share0 0.0.1a12
	case $(bound_device srv-short.mount) in
	*by\\x2dbusid-0.0.1a12.device) ;;
	*) fail "srv-short.mount is bound to $(bound_device srv-short.mount), expected 0.0.1a12's by-busid unit" ;;
	esac
	[ "$(mounts_of 1a12)" = 0 ] || fail "the share tagged 1a12 is mounted: $(virtiofs_mount_list | tr '\n' '|')"
}

# shapes-automount: an x-systemd.automount line is not mounted at boot (the
# device does not want its .mount), and is on first access
scenario_shapes_automount() {
	[ "$(systemctl is-active srv-auto.automount)" = active ] ||
		fail "srv-auto.automount is $(systemctl is-active srv-auto.automount): $(journalctl -b -u srv-auto.automount --no-pager | tail -n3 | tr '\n' '|')"
	# the automount point only: autofs, no share yet
	case $(mountinfo_at /srv/auto) in
	autofs\ *) ;;
	*) fail "/srv/auto is '$(mountinfo_at /srv/auto)', expected systemd's autofs point only" ;;
	esac
	[ "$(systemctl is-active srv-auto.mount)" != active ] || fail "srv-auto.mount was started without access"
	# the first access mounts it (reading the share cannot work here: FUSE
	# is not byte-swapped under TCG, so stat's answer does not matter)
	timeout 20 stat /srv/auto/. >/dev/null 2>&1
	wait_for 30 mounted_as /srv/auto share0 || fail "/srv/auto was not mounted on access"
	[ "$(systemctl is-active srv-auto.mount)" = active ] || fail "srv-auto.mount is $(systemctl is-active srv-auto.mount) after access"
	echo "  /srv/auto mounted on access by srv-auto.mount"
}

# shapes-replug: a hot-added share with an odd tag is mounted by fstab's
# unit, unmounted when it goes, mounted again when it comes back; with
# automount = fstab (the default) its virtiofs-ccw-share@ unit, which would
# have nothing to do, is never started
scenario_shapes_replug() {
	local s='virtiofs-ccw-share@0.0.3005.service' i
	expect_no_mount /srv/hot-odd
	for i in 1 2; do
		hot_add 0.0.3005
		wait_mounted_at 60 /srv/hot-odd "hot odd" || fail "/srv/hot-odd was not mounted within 60 s of plug $i"
		settle
		expect_line /srv/hot-odd "hot odd" 0.0.3005
		[ "$(systemctl show -P ActiveEnterTimestampMonotonic "$s")" = 0 ] ||
			fail "$s was started after plug $i under automount = fstab"
		hot_del 0.0.3005
		wait_for 30 not_mounted /srv/hot-odd || fail "/srv/hot-odd still mounted 30 s after unplug $i"
		settle
		[ "$(systemctl is-active "$s")" != active ] || fail "$s still active after unplug $i"
		[ "$(mounts_of "hot odd")" = 0 ] || fail "'hot odd' still mounted: $(virtiofs_mount_list | tr '\n' '|')"
	done
}

# shapes-udev: udev runs nothing for our devices under systemd (no RUN, no
# systemctl): what a share needs is systemd's, bound to its device unit
scenario_shapes_udev() {
	local v act
	v=$(virtio_of 0.0.1a12) || fail "0.0.1a12 has no virtio device"
	for act in add remove; do
		udevadm test --action="$act" "$v" >/tmp/udevtest.log 2>&1
		if grep -E 'systemctl|virtiofs-ccw-detach|RUN.*virtiofs' /tmp/udevtest.log; then
			fail "udevadm test --action=$act of $v runs something of ours"
		fi
	done
	udevadm test --action=add "$v" >/tmp/udevtest.log 2>&1
	grep -q 'VIRTIOFS_CCW_AUTOMOUNT=fstab' /tmp/udevtest.log ||
		fail "the add event of $v does not carry the policy's automount = fstab"
	grep -q 'SYSTEMD_ALIAS=.*by-busid/0.0.1a12' /tmp/udevtest.log ||
		fail "the add event of $v gives no by-busid alias"
	! grep -q 'SYSTEMD_WANTS=.*virtiofs-ccw-share@' /tmp/udevtest.log ||
		fail "the add event wants virtiofs-ccw-share@ under automount = fstab"
	echo "  udevadm test add/remove of $v: no RUN of ours; automount = fstab: aliases, no SYSTEMD_WANTS"
}

# ---- users: the set-uid helper against util-linux ------------------------------
# as USER CMD...: run CMD as USER with the user's own groups (as a login
# would); its output in /tmp/as.out, its exit status printed
as() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$u" --init-groups "$@" >/tmp/as.out 2>&1 </dev/null
	echo $?
}
verdict() { if [ "$1" = 0 ]; then echo allowed; else echo refused; fi; }

# same DESC RC-OURS RC-UTIL-LINUX: one verdict, or fail
same() {
	echo "  $1: ours $(verdict "$2") ($2), util-linux $(verdict "$3") ($3)"
	[ "$(verdict "$2")" = "$(verdict "$3")" ] ||
		fail "$1: util-linux $(verdict "$3") it for tmpfs, we $(verdict "$2") it for virtiofs"
}

# tidy DIR...: as root, take off whatever a case left mounted there
tidy() {
	local d
	for d in "$@"; do
		while ! not_mounted "$d"; do umount -l "$d" || break; done
	done
}

# user-vs-util-linux: an unprivileged user tries what an administrator's
# fstab allows and what it does not, on virtiofs lines (through mount(8) and
# our set-uid helper) and on equivalent tmpfs lines (util-linux alone): every
# verdict must be util-linux's
scenario_user_vs_util_linux() {
	local p rv rt m1 m2
	# another user, whose name no other starts with (umount(8) compares user= by the
	# length of the recorded name: "tester2" would pass for "tester")
	id visitor >/dev/null 2>&1 || useradd --no-create-home --uid 1001 --shell /bin/sh visitor
	for p in user nouser nouseruser usersnousers owner group root users; do
		mkdir -p "/mnt/v-$p" "/mnt/t-$p"
		rv=$(as tester mount "/mnt/v-$p")
		rt=$(as tester mount "/mnt/t-$p")
		same "mount, line $p" "$rv" "$rt"
		if [ "$rv" = 0 ]; then
			expect_mount "/mnt/v-$p" share1
			case $(mount_opts "/mnt/v-$p"),$p in
			*nosuid*nodev*,users) ;;
			*nosuid*nodev*noexec*,*) ;;
			*) fail "/mnt/v-$p: options $(mount_opts "/mnt/v-$p"), expected nosuid,nodev(,noexec)" ;;
			esac
			# another user: only a users line lets them unmount
			same "umount by another user, line $p" "$(as visitor umount "/mnt/v-$p")" \
				"$(as visitor umount "/mnt/t-$p")"
			same "umount by the user, line $p" "$(as tester umount "/mnt/v-$p")" \
				"$(as tester umount "/mnt/t-$p")"
		fi
		tidy "/mnt/v-$p" "/mnt/t-$p"
	done

	# A line by bus-ID with options that utab keeps (user=, _netdev), mounted by
	# the user and by root, twice each: one utab entry while mounted, as for
	# tmpfs (mount(8)'s, by the line's source), none after the umount.
	# umount(8) pairs fstab's source with the mount's, the tag, so a user
	# cannot unmount it (mount.virtiofs(8), BUGS): only that is not as tmpfs.
	mkdir -p /mnt/v-bususer /mnt/t-bususer
	for p in user user root root; do
		if [ "$p" = user ]; then
			same "mount, bus-ID line" "$(as tester mount /mnt/v-bususer)" \
				"$(as tester mount /mnt/t-bususer)"
		else
			mount /mnt/v-bususer && mount /mnt/t-bususer ||
				fail "root cannot mount the bus-ID line"
		fi
		expect_mount /mnt/v-bususer share1
		[ "$(utab_opts /mnt/v-bususer | wc -l)" = 1 ] && [ "$(utab_opts /mnt/t-bususer | wc -l)" = 1 ] ||
			fail "utab entries while mounted by $p: '$(utab_opts /mnt/v-bususer | tr '\n' '|')' for virtiofs, '$(utab_opts /mnt/t-bususer | tr '\n' '|')' for tmpfs; expected one each"
		if [ "$p" = user ]; then
			rv=$(as tester umount /mnt/v-bususer)
			m1=$(cat /tmp/as.out)
			rt=$(as tester umount /mnt/t-bususer)
			echo "  umount by the user, bus-ID line: ours $(verdict "$rv") ($rv: $m1), util-linux $(verdict "$rt") ($rt)"
			[ "$rv" != 0 ] && [ "$rt" = 0 ] && [ "$m1" = "umount: /mnt/v-bususer: must be superuser to unmount." ] ||
				fail "umount by the user of a bus-ID line: not as mount.virtiofs(8) BUGS says"
		fi
		tidy /mnt/v-bususer /mnt/t-bususer
		[ -z "$(utab_opts /mnt/v-bususer)" ] ||
			fail "utab keeps an entry for /mnt/v-bususer after the umount ($p): $(utab_opts /mnt/v-bususer | tr '\n' '|')"
	done

	# X-mount.mkdir through a symlink the user planted: never a directory for a user
	mkdir -p /var/tmp/u
	chown tester: /var/tmp/u
	as tester ln -sfn /etc /var/tmp/u/sub >/dev/null
	same "X-mount.mkdir through the user's symlink" "$(as tester mount /var/tmp/u/sub/m)" \
		"$(as tester mount /var/tmp/u/sub/t)"
	same "the helper run directly, X-mount.mkdir through the symlink" \
		"$(as tester /sbin/mount.virtiofs share1 /var/tmp/u/sub/m)" \
		"$(as tester mount /var/tmp/u/sub/t)"
	[ ! -e /etc/m ] && [ ! -e /etc/t ] || fail "a directory was made in /etc through the user's symlink"
	tidy /etc/m /etc/t
	# the line's mountpoint itself replaced by a symlink to /etc: here we are
	# stricter than util-linux, whose libmount maps /etc to the line (its
	# mountpoint resolves there) and would mount over /etc; so util-linux is
	# not asked (a tmpfs over /etc would hide the users this test needs)
	as tester ln -sfn /etc /var/tmp/u/vlink >/dev/null
	rv=$(as tester mount /var/tmp/u/vlink)
	echo "  mount of a line whose mountpoint is now a symlink to /etc: ours $(verdict "$rv") ($rv)"
	[ "$rv" != 0 ] || fail "a user's mount went through a symlink to /etc"
	rv=$(as tester /sbin/mount.virtiofs share1 /var/tmp/u/vlink)
	[ "$rv" != 0 ] || fail "the helper run directly mounted through a symlink to /etc"
	case $(mountinfo_at /etc) in
	*virtiofs*) fail "a share was mounted on /etc: $(mountinfo_at /etc)" ;;
	esac

	# the helper run directly, with what mount(8) would not let a user pass
	same "-n" "$(as tester /sbin/mount.virtiofs share1 /mnt/v-user -n)" "$(as tester mount -n /mnt/t-user)"
	tidy /mnt/v-user /mnt/t-user
	same "-N 1" "$(as tester /sbin/mount.virtiofs share1 /mnt/v-user -N 1)" \
		"$(as tester mount -N 1 /mnt/t-user)"
	tidy /mnt/v-user /mnt/t-user
	printf 'share1 /mnt/v-root virtiofs user 0 0\ntmpfs /mnt/t-root tmpfs user 0 0\n' >/tmp/evil.fstab
	chmod 644 /tmp/evil.fstab
	same "LIBMOUNT_FSTAB naming a root-only line" \
		"$(as tester env LIBMOUNT_FSTAB=/tmp/evil.fstab /sbin/mount.virtiofs share1 /mnt/v-root)" \
		"$(as tester env LIBMOUNT_FSTAB=/tmp/evil.fstab mount /mnt/t-root)"
	tidy /mnt/v-root /mnt/t-root
	# -o from a user changes nothing: still nosuid,nodev,noexec
	rv=$(as tester /sbin/mount.virtiofs share1 /mnt/v-user -o suid,dev,exec)
	[ "$rv" = 0 ] || fail "the helper refused a user line with -o: $(cat /tmp/as.out)"
	case $(mount_opts /mnt/v-user) in
	*nosuid*nodev*noexec*) echo "  -o suid,dev,exec from a user: $(mount_opts /mnt/v-user)" ;;
	*) fail "-o suid,dev,exec from a user gave $(mount_opts /mnt/v-user)" ;;
	esac
	# remount,suid from a user: refused, the mount stays nosuid
	rv=$(as tester /sbin/mount.virtiofs share1 /mnt/v-user -o remount,suid)
	same "remount,suid of a user's mount" "$rv" "$(as tester mount -o remount,suid /mnt/t-user)"
	case $(mount_opts /mnt/v-user) in
	*nosuid*) ;;
	*) fail "remount,suid by a user changed /mnt/v-user: $(mount_opts /mnt/v-user)" ;;
	esac
	tidy /mnt/v-user
	# no oracle: through root's unreadable home, what exists and what does not look alike
	mkdir -p /root/there
	chmod 700 /root
	rv=$(as tester /sbin/mount.virtiofs share1 /root/there/../../mnt/v-user)
	m1=$(sed 's|/root/there/|/root/X/|' /tmp/as.out)
	rt=$(as tester /sbin/mount.virtiofs share1 /root/nothere/../../mnt/v-user)
	m2=$(sed 's|/root/nothere/|/root/X/|' /tmp/as.out)
	[ "$rv" = "$rt" ] && [ "$m1" = "$m2" ] ||
		fail "an existing and a missing path in /root answer differently: '$m1' ($rv) / '$m2' ($rt)"
	same "a path through /root" "$rv" "$(as tester mount /root/there/../../mnt/t-user)"
	tidy /mnt/v-user /mnt/t-user
	no_stacking
}

# ---- boot all (automount = all) -----------------------------------------------
# expect_unit_bound DIR BUSID: systemd's mount unit for DIR is active, a
# transient unit of ours (not fstab's), bound to the share's device unit
expect_unit_bound() {
	local u dev bt
	u=$(unit_of "$1")
	dev=$(systemd-escape --path --suffix=device "/sys/subsystem/virtiofs/by-busid/$2")
	[ "$(systemctl is-active "$u")" = active ] ||
		fail "$u is $(systemctl is-active "$u"), expected active"
	[ "$(systemctl show -P Transient "$u")" = yes ] ||
		fail "$u is not a transient unit (SourcePath '$(systemctl show -P SourcePath "$u")')"
	# systemctl show quotes a name with a backslash in it, doubling the backslash
	bt=$(systemctl show -P BindsTo "$u")
	case " $bt " in
	*" $dev "* | *"\"${dev//\\/\\\\}\""*) ;;
	*) fail "$u is not bound to $dev (BindsTo: $bt)" ;;
	esac
	[ "$(systemctl show -P LazyUnmount "$u")" = yes ] || fail "$u does not unmount lazily"
}

# ---- boot cio: cio_ignore=all,!condev ------------------------------------------
# cio_listed BUSID: cio_ignore still hides BUSID, as list --info says it
cio_listed() { virtiofs-ccw list --info "$1" 2>&1 | grep -q "device $1 .*is hidden by cio_ignore"; }

# cio-boot: what fstab names by bus-ID (each form, noauto too) was freed by
# its virtiofs-ccw-cio-free@ unit before udev's coldplug and is mounted
# (noauto: present, not mounted); what it names by tag, and what it does not
# name, stays hidden, and list --info says so
scenario_cio_boot() {
	local b u trig
	grep -q 'cio_ignore=all,!condev' /proc/cmdline || fail "not booted with cio_ignore=all,!condev"
	trig=$(systemctl show -P ExecMainStartTimestampMonotonic systemd-udev-trigger.service)
	for b in 0.0.1a12 0.0.1b00 0.0.1c00 0.0.2000; do
		u=virtiofs-ccw-cio-free@$b.service
		[ "$(systemctl is-active "$u")" = active ] ||
			fail "$u is $(systemctl is-active "$u"), expected active: $(systemctl status --no-pager "$u" 2>&1 | tail -n3 | tr '\n' '|')"
		[ "$(systemctl show -P ExecMainExitTimestampMonotonic "$u")" -le "$trig" ] ||
			fail "$u ended after systemd-udev-trigger.service started (coldplug)"
		cio_listed "$b" && fail "$b is still hidden by cio_ignore"
	done
	journalctl -b -u 'virtiofs-ccw-cio-free@*' --no-pager -o cat | grep -q '^0.0.1a12: freed from cio_ignore' ||
		fail "the journal has no '0.0.1a12: freed from cio_ignore'"
	expect_once /srv/data share0
	expect_unit_mounted /srv/data
	expect_once /srv/host share3
	expect_unit_mounted /srv/host
	[ -e /sys/bus/ccw/devices/0.0.1c00 ] || fail "0.0.1c00 (a noauto line) was not freed"
	expect_no_mount /srv/short
	# named by tag only, and not named at all: still hidden, said so
	for b in 0.0.0002 0.1.0042 0.0.3000; do
		[ -e "/sys/bus/ccw/devices/$b" ] && fail "$b, which fstab does not name by bus-ID, appeared"
		cio_listed "$b" || fail "list --info does not say that cio_ignore hides $b: $(virtiofs-ccw list --info "$b" 2>&1 | tr '\n' '|')"
	done
	systemctl list-units --all --no-legend 'virtiofs-ccw-cio-free@*' | grep -q 0.0.0002 &&
		fail "a cio-free unit was made for 0.0.0002, which fstab names by tag only"
	expect_no_mount /srv/tag
	no_stacking
}

# cio-hotplug: a share plugged at a bus-ID fstab names (freed at boot)
# appears and is mounted; one plugged at a bus-ID nothing names stays hidden
scenario_cio_hotplug() {
	expect_no_mount /srv/hot
	timed_hot_add cio-hotplug 0.0.2000 /srv/hot hot0
	settle
	expect_once /srv/hot hot0
	expect_unit_mounted /srv/hot
	request hotplug-add 0.0.3005
	sleep 10
	[ -e /sys/bus/ccw/devices/0.0.3005 ] && fail "0.0.3005, hidden and named nowhere, appeared"
	cio_listed 0.0.3005 || fail "list --info does not say that cio_ignore hides 0.0.3005"
	hot_del 0.0.2000
	wait_for 30 not_mounted /srv/hot || fail "/srv/hot still mounted 30 s after its device went"
	request hotplug-del 0.0.3005
	settle
}

# automount-all: with fstab lines too, every share is mounted exactly once:
# fstab's at their place by fstab's units, the others below /run/virtiofs by
# systemd mount units bound to their devices; nothing stacked
scenario_automount_all() {
	expect_once /srv/data share0
	expect_once /srv/one share1
	expect_once /run/virtiofs/share2 share2
	expect_once /run/virtiofs/share3 share3
	# the share whose tag spells 0.0.1a12: its own, below the base
	expect_once /run/virtiofs/0.0.1a12 0.0.1a12
	expect_unit_mounted /srv/data
	expect_unit_mounted /srv/one
	expect_unit_bound /run/virtiofs/share2 0.1.0042
	expect_unit_bound /run/virtiofs/share3 0.0.1b00
	expect_unit_bound /run/virtiofs/0.0.1a12 0.0.1c00
	no_stacking
	# automount = all: the rule has every share's device want its unit
	local v
	v=$(virtio_of 0.1.0042) || fail "0.1.0042 has no virtio device"
	udevadm test --action=add "$v" 2>&1 | grep -q 'SYSTEMD_WANTS=.*virtiofs-ccw-share@0.1.0042.service' ||
		fail "under automount = all the add event of $v does not want virtiofs-ccw-share@0.1.0042.service"
	[ "$(systemctl is-active virtiofs-ccw-share@0.1.0042.service)" = active ] ||
		fail "virtiofs-ccw-share@0.1.0042.service is $(systemctl is-active virtiofs-ccw-share@0.1.0042.service)"
}

# automount-all-hotplug: a hot-added share fstab does not name is mounted
# below /run/virtiofs by a unit bound to its device; its removal stops the
# unit and takes the mount and our directory away; added again, it is live
scenario_automount_all_hotplug() {
	local before
	# our handler asks systemd for the unit: its latency, by the same yardstick as fstab's
	timed_hot_add automount-hotplug 0.0.2000 /run/virtiofs/hot0 hot0
	settle
	expect_once /run/virtiofs/hot0 hot0
	expect_unit_bound /run/virtiofs/hot0 0.0.2000
	no_stacking
	before=$(st_dev /run/virtiofs/hot0)
	hot_del 0.0.2000
	wait_for 30 unmounted_and_gone /run/virtiofs/hot0 ||
		fail "/run/virtiofs/hot0 still there after its device went: '$(mountinfo_at /run/virtiofs/hot0)'"
	settle
	[ "$(systemctl is-active "$(unit_of /run/virtiofs/hot0)")" != active ] ||
		fail "$(unit_of /run/virtiofs/hot0) still active after its device went"
	expect_once /run/virtiofs/share2 share2
	expect_once /srv/data share0
	# removed and added again at once: one live mount, by a new unit
	hot_add 0.0.2000
	wait_for 60 mounted_as /run/virtiofs/hot0 hot0 || fail "hot0 not mounted again after re-add"
	settle
	expect_once /run/virtiofs/hot0 hot0
	expect_unit_bound /run/virtiofs/hot0 0.0.2000
	echo "  st_dev before $before, after $(st_dev /run/virtiofs/hot0)"
	hot_del 0.0.2000
	wait_for 30 unmounted_and_gone /run/virtiofs/hot0 || fail "/run/virtiofs/hot0 stayed after the second removal"
	settle
}

# purge: dpkg --purge leaves no file of ours behind, and systemd knows no unit of ours
scenario_purge() {
	local f left=
	dpkg-query -L virtiofs-ccw | while IFS= read -r f; do
		[ -d "$f" ] || printf '%s\n' "$f"
	done >/tmp/ours
	echo /etc/virtiofs-ccw.conf >>/tmp/ours
	echo "  $(wc -l </tmp/ours) files of the package"
	run dpkg --purge virtiofs-ccw
	expect_rc 0
	while IFS= read -r f; do
		[ -e "$f" ] || [ -L "$f" ] && left+=" $f"
	done </tmp/ours
	[ -z "$left" ] || fail "dpkg --purge left:$left"
	dpkg-query -W -f='${Status}' virtiofs-ccw 2>/dev/null | grep -q 'ok installed' &&
		fail "dpkg still lists virtiofs-ccw as installed"
	[ -z "$(systemctl list-unit-files --no-legend 'virtiofs-ccw*')" ] ||
		fail "systemd still knows: $(systemctl list-unit-files --no-legend 'virtiofs-ccw*' | tr '\n' '|')"
}

# ---- boot 6.1 (no tag export) --------------------------------------------------
# fstab-61: fstab by tag, and by bus-ID through the policy file's tag line
scenario_fstab_61() {
	[ ! -e /sys/fs/virtiofs ] || fail "this kernel exports tags, expected 6.1 without"
	module_loaded virtiofs || fail "virtiofs is not loaded"
	expect_once /srv/tag share1
	expect_once /srv/data share0
	expect_unit_mounted /srv/tag
	expect_unit_mounted /srv/data
	no_stacking
}

# hotplug-61: a hot-added share fstab names by bus-ID, its tag from the
# policy file: mounted there; its removal detaches it
scenario_hotplug_61() {
	expect_no_mount /srv/hot
	hot_add 0.0.2000
	wait_for 60 mounted_as /srv/hot hot0 || fail "/srv/hot was not mounted after the hotplug"
	settle
	expect_once /srv/hot hot0
	expect_unit_mounted /srv/hot
	hot_del 0.0.2000
	wait_for 30 not_mounted /srv/hot || fail "/srv/hot still mounted 30 s after its device went"
}

# ---- boot dracut (early.sh: a dracut initrd, then this root from the disk) ------------
# The journal keeps the initrd's lines: they come before PID 1's "Switching
# root." (the initrd's systemd says "Running in initrd.").
initrd_journal() {
	journalctl -b --no-pager -o short-monotonic | sed '/Switching root\./q'
}

# expect_initrd_mounted DIR TAG: the initrd mounted /sysroot/DIR (systemd's
# unit for it finished), and DIR is still that share, mounted once, not
# mounted again after switch-root
expect_initrd_mounted() {
	local dir=$1 tag=$2 u
	u=$(unit_of "/sysroot$dir")
	initrd_journal >/tmp/initrd.log
	grep -q 'Running in initrd' /tmp/initrd.log ||
		fail "the journal has no initrd phase ('Running in initrd')"
	grep -q "Mounted $u" /tmp/initrd.log ||
		fail "the initrd did not mount /sysroot$dir ($u): $(grep "$u" /tmp/initrd.log | tail -n1)"
	expect_once "$dir" "$tag"
	[ "$(systemctl is-active "$(unit_of "$dir")")" = active ] ||
		fail "$(unit_of "$dir") is $(systemctl is-active "$(unit_of "$dir")") after switch-root"
	journalctl -b --no-pager | sed '1,/Switching root\./d' | grep "Mounting $(unit_of "$dir")" &&
		fail "$dir was mounted again after switch-root"
	return 0
}

# initrd-early: the x-initrd.mount line by bus-ID 0.0.1a12 is share0 (not
# 0.0.1c00, whose tag spells that bus-ID), mounted in the initrd
scenario_initrd_early() {
	expect_initrd_mounted /srv/early share0
}

# initrd-late: 0.1.0042 (fe.1.0042 in fstab) came online late (the test's
# step in the initrd), and the initrd waited for it
scenario_initrd_late() {
	local on mounted
	expect_initrd_mounted /srv/late share2
	on=$(grep -n 'virtiofs-ccw-test: setting 0.1.0042 online' /tmp/initrd.log | head -n1 | cut -d: -f1)
	mounted=$(grep -n "Mounted $(unit_of /sysroot/srv/late)" /tmp/initrd.log | head -n1 | cut -d: -f1)
	[ -n "$on" ] || fail "the initrd's journal does not say 0.1.0042 was set online"
	[ "$on" -lt "$mounted" ] || fail "/sysroot/srv/late was mounted before 0.1.0042 was set online"
}

# initrd-cio: cio_ignore=all hid the shares; the initrd freed the bus-IDs
# fstab names (virtiofs-ccw-cio-free@BUSID) and nothing else
scenario_initrd_cio() {
	initrd_journal >/tmp/initrd.log
	grep -q 'cio_ignore=all' /proc/cmdline || fail "this boot has no cio_ignore=all"
	for b in 0.0.1a12 0.1.0042; do
		grep -q "virtiofs-ccw-cio-free@$b.service" /tmp/initrd.log ||
			fail "the initrd ran no virtiofs-ccw-cio-free@$b.service"
		[ -e "/sys/bus/ccw/devices/$b" ] || fail "$b is not there: still hidden?"
	done
	# share3, which no line names, stays hidden
	[ ! -e /sys/bus/ccw/devices/0.0.1b00 ] || fail "0.0.1b00 was freed from cio_ignore, no line names it"
	show cat /proc/cio_ignore
}
