# SPDX-License-Identifier: MIT
# Guest-side e2e scenarios, one shell function per scenario: the scenario
# "foo-bar" is scenario_foo_bar. Adding a scenario = adding a function here and
# naming it in a boot's scenario list in run.sh (BOOTS). Helpers: lib.sh.
#
# Environment: E2E_TAGS=1 when the kernel exports virtio-fs tags (6.12), 0
# when it does not (6.1). The expected devices come from /e2e/shares.
#
# File I/O through a share is never asserted: the big-endian guest and the
# little-endian virtiofsd do not understand each other (see README.md).

# ---- the programs ---------------------------------------------------------------
# util-linux's mount(8)/umount(8), by full path: they run our helper
# /sbin/mount.virtiofs for type virtiofs. Busybox's applets are "busybox mount".
UL_MOUNT=/bin/mount
UL_UMOUNT=/bin/umount

# mount_share TAG DIR: the kernel baseline, without any of our code: busybox
# mount(2) by tag (kernel-mount, kernel-mount-bad-tag); -i: busybox would
# otherwise run our mount.virtiofs after a failed mount(2). The scenarios of
# our mount feature call virtiofs-ccw, mount.virtiofs and mount(8) themselves.
mount_share() {
	busybox mount -i -t virtiofs "$1" "$2"
}
# -------------------------------------------------------------------------------

# check_list_json KIND...: `virtiofs-ccw list --json` shows exactly the shares
# of these kinds, each with the right host ID, tag (null without kernel tag
# export; escaped as ESC_AWK's json, lib.sh), online state, virtio device
# (as in sysfs) and no mount points.
check_list_json() {
	local rc n want busid hostid tag disp json rest obj tagv virtio
	virtiofs-ccw list --json >/tmp/list.json 2>/tmp/list.err
	rc=$?
	echo "\$ virtiofs-ccw list --json   (newlines removed)"
	tr -d '\n' </tmp/list.json
	echo
	[ "$rc" = 0 ] || fail "list --json exited $rc: $(head -n1 /tmp/list.err)"
	json_devices </tmp/list.json >/tmp/list.flat
	share_table "$@" >/tmp/expected
	n=$(wc -l </tmp/list.flat)
	want=$(wc -l </tmp/expected)
	[ "$n" = "$want" ] || fail "list --json shows $n devices, expected $want"
	# The default virtio-net device (0.0.0000) must not be listed.
	grep -qF '"busid":"0.0.0000"' /tmp/list.flat && fail "list --json shows the virtio-net device 0.0.0000"
	# (bus-IDs and host IDs need no JSON escaping)
	while IFS=$TAB read -r busid hostid tag disp json rest; do
		obj=$(grep -F "\"busid\":\"$busid\"" /tmp/list.flat) ||
			fail "list --json lacks $busid"
		json_has "$obj" hostid "\"$hostid\"" ||
			fail "$busid: hostid $(json_get "$obj" hostid), expected $hostid"
		if [ "$E2E_TAGS" = 1 ]; then tagv=$json; else tagv=null; fi
		json_has "$obj" tag "$tagv" ||
			fail "$busid: tag $(json_get "$obj" tag), expected $tagv"
		json_has "$obj" online true || fail "$busid: online $(json_get "$obj" online), expected true"
		virtio=$(virtio_of "$busid")
		[ -n "$virtio" ] || fail "$busid has no virtio child in sysfs"
		json_has "$obj" virtio "$(json_str "$virtio")" ||
			fail "$busid: virtio $(json_get "$obj" virtio), sysfs has $virtio"
		json_has "$obj" mountpoints '[]' ||
			fail "$busid: mountpoints $(json_get "$obj" mountpoints), expected []"
	done </tmp/expected
}

# check_list_raw KIND...: `list --raw --noheadings -o BUSID,TAG` shows the same
# bus-IDs; with kernel tag export each line is exactly "BUSID TAG" (the tag
# encoded as raw output does, ESC_AWK in lib.sh: a blank is \x20).
check_list_raw() {
	local rc busid hostid tag disp json raw rest
	virtiofs-ccw list --raw --noheadings -o BUSID,TAG >/tmp/list.raw 2>/tmp/list.err
	rc=$?
	[ "$rc" = 0 ] || fail "list --raw exited $rc: $(head -n1 /tmp/list.err)"
	share_table "$@" >/tmp/expected
	awk '{ print $1 }' /tmp/list.raw | sort >/tmp/got.ids
	cut -f1 /tmp/expected | sort >/tmp/want.ids
	cmp -s /tmp/got.ids /tmp/want.ids ||
		fail "list --raw bus-IDs [$(tr '\n' ' ' </tmp/got.ids)] expected [$(tr '\n' ' ' </tmp/want.ids)]"
	[ "$E2E_TAGS" = 1 ] || return 0
	while IFS=$TAB read -r busid hostid tag disp json raw rest; do
		grep -qxF "$busid $raw" /tmp/list.raw || fail "list --raw has no line '$busid $raw'"
	done </tmp/expected
}

# list: the table, JSON and raw views show the coldplugged shares, right tag
# per bus-ID (6.12) or unknown tags (6.1), and nothing else.
scenario_list() {
	local rc
	echo '$ virtiofs-ccw list'
	virtiofs-ccw list >/tmp/list.txt 2>/tmp/list.err
	rc=$?
	cat /tmp/list.err /tmp/list.txt
	[ "$rc" = 0 ] || fail "virtiofs-ccw list exited $rc"
	head -n1 /tmp/list.txt | grep -q 'BUSID.*HOSTID.*TAG.*ONLINE.*VIRTIO.*MOUNTPOINTS' ||
		fail "table header lacks BUSID HOSTID TAG ONLINE VIRTIO MOUNTPOINTS"
	check_list_json cold
	check_list_raw cold
}

# list-unknown-busid: a bus-ID that does not exist is an error: non-zero exit
# (not a crash) and exactly one line on stderr.
scenario_list_unknown_busid() {
	local rc lines
	echo '$ virtiofs-ccw list 0.0.9999'
	virtiofs-ccw list 0.0.9999 >/tmp/out 2>/tmp/err
	rc=$?
	cat /tmp/out /tmp/err
	echo "(exit status $rc)"
	[ "$rc" != 0 ] || fail "list 0.0.9999 exited 0"
	[ "$rc" -lt 126 ] || fail "list 0.0.9999 exited $rc (crash or exec failure)"
	lines=$(wc -l </tmp/err)
	[ "$lines" = 1 ] || fail "list 0.0.9999 printed $lines lines on stderr, expected 1"
}

# kernel-mount: each coldplugged share mounts by tag and shows in mountinfo
# as "virtiofs TAG" at the target; with kernel tag export (6.12) `list --json`
# then names that target as the device's mount point; unmounting removes it.
scenario_kernel_mount() {
	local i=0 busid hostid tag dir got obj
	expect_shares cold >/tmp/expected
	while IFS=$TAB read -r busid hostid tag; do
		dir=/mnt/e2e$i
		i=$((i + 1))
		mkdir -p "$dir"
		echo "\$ busybox mount -i -t virtiofs $tag $dir"
		mount_share "$tag" "$dir" || fail "mounting tag '$tag' ($busid) on $dir failed"
		got=$(mountinfo_at "$dir")
		echo "  mountinfo: $got"
		[ "$got" = "virtiofs $(mi_escape "$tag")" ] ||
			fail "mountinfo at $dir: '$got', expected 'virtiofs $tag'"
	done </tmp/expected
	show virtiofs-ccw list
	if [ "$E2E_TAGS" = 1 ]; then
		virtiofs-ccw list --json | json_devices >/tmp/list.flat
		i=0
		while IFS=$TAB read -r busid hostid tag; do
			obj=$(grep -F "\"busid\":$(json_str "$busid")" /tmp/list.flat) ||
				fail "list --json lacks $busid"
			json_has "$obj" mountpoints "[$(json_str "/mnt/e2e$i")]" ||
				fail "$busid: mountpoints $(json_get "$obj" mountpoints), expected [\"/mnt/e2e$i\"]"
			i=$((i + 1))
		done </tmp/expected
	fi
	while [ "$i" -gt 0 ]; do
		i=$((i - 1))
		busybox umount "/mnt/e2e$i" || fail "umount /mnt/e2e$i failed"
		[ -z "$(mountinfo_at "/mnt/e2e$i")" ] || fail "/mnt/e2e$i still mounted after umount"
	done
}

# kernel-mount-bad-tag: the kernel refuses a tag no device has.
scenario_kernel_mount_bad_tag() {
	mkdir -p /mnt/bad
	if mount_share e2e-no-such-tag /mnt/bad; then
		busybox umount /mnt/bad
		fail "mounting an unknown tag succeeded"
	fi
	[ -z "$(mountinfo_at /mnt/bad)" ] || fail "/mnt/bad is mounted"
}

hot_present() { [ -e "/sys/bus/ccw/devices/$1" ] && [ -n "$(virtio_of "$1")" ]; }
hot_absent() { [ ! -e "/sys/bus/ccw/devices/$1" ]; }
list_has_tag() { # BUSID TAG
	virtiofs-ccw list --json 2>/dev/null | json_devices |
		grep -F "\"busid\":\"$1\"" | grep -qF "\"tag\":$(esc json "$2")"
}

# hotplug: the host adds a virtio-fs device over QMP; once the guest sees it,
# list shows it (with its tag on 6.12) next to the coldplugged ones; after the
# host removes it, list no longer shows it.
scenario_hotplug() {
	local busid hostid tag
	expect_shares hot >/tmp/hot
	IFS=$TAB read -r busid hostid tag </tmp/hot || fail "no hot share in $SHARES_FILE"
	hot_absent "$busid" || fail "$busid present before hotplug"
	request hotplug-add "$busid"
	wait_for 60 hot_present "$busid" || fail "$busid did not appear within 60 s of the request"
	echo "  $busid appeared ($(virtio_of "$busid"))"
	# The tag appears in sysfs when virtiofs has probed; give it a moment.
	[ "$E2E_TAGS" = 1 ] && { wait_for 10 list_has_tag "$busid" "$tag" || true; }
	show virtiofs-ccw list
	check_list_json cold "$busid"
	request hotplug-del "$busid"
	wait_for 60 hot_absent "$busid" || fail "$busid still present 60 s after the removal request"
	echo "  $busid is gone"
	show virtiofs-ccw list
	check_list_json cold
}

# ---- our mount feature ----------------------------------------------------------
# The devices these scenarios name (SHARES in run.sh): 0.0.1a12 = fe.0.1a12 =
# share0, 0.0.0002 (auto-assigned) = fe.0.0002 = share1, 0.1.0042 = fe.1.0042 =
# share2. Mounting by bus-ID needs the kernel's tag export (E2E_TAGS=1, 6.12);
# on 6.1 it must fail with exit 32 and say why. Every scenario leaves its
# mountpoints unmounted (hotplug's list check, run last, would see leftovers).

# tags_exported: does this kernel export virtio-fs tags (6.9+)?
tags_exported() { [ "$E2E_TAGS" = 1 ]; }

# expect_no_tag_export: the last run failed as it must without tag export
expect_no_tag_export() {
	expect_rc 32
	expect_err "does not export"
	expect_err_lines 1
}

# modload: on a kernel with virtiofs as a module (6.1), nothing has loaded it
# before the scenarios start, `virtiofs-ccw list` notes the unbound devices,
# `mount -f` loads nothing, and the first real `virtiofs-ccw mount` loads it
# through libkmod (the kernel's own autoloading goes to a refusing trap, see
# /init). With virtiofs built in (6.12) the same command mounts and loads
# nothing. Runs first in every boot (on 6.1 after fault-modload, which must
# find virtiofs unloaded and leaves it so).
scenario_modload() {
	local kver busid hostid tag
	kver=$(uname -r)
	mkdir -p /mnt/m
	if grep -q '/virtiofs\.ko' "/lib/modules/$kver/modules.builtin" 2>/dev/null; then
		echo "  virtiofs is built into $kver"
		fs_registered virtiofs || fail "virtiofs is built in but not in /proc/filesystems"
		run virtiofs-ccw -v mount share0 /mnt/m
		expect_rc 0
		grep -q 'loading module' /tmp/err && fail "tried to load a module for built-in virtiofs"
		module_loaded virtiofs && fail "/proc/modules lists virtiofs, which is built in"
	else
		echo "  virtiofs is a module of $kver"
		fs_registered virtiofs && fail "virtiofs in /proc/filesystems before any mount command"
		module_loaded virtiofs && fail "virtiofs in /proc/modules before any mount command"
		run virtiofs-ccw list
		expect_rc 0
		expect_shares cold >/tmp/expected
		while IFS=$TAB read -r busid hostid tag; do
			expect_err "device $busid is online but not bound to the virtiofs driver"
		done </tmp/expected
		# Pretending changes nothing, modules included.
		run virtiofs-ccw mount -f share0 /mnt/m
		expect_rc 0
		fs_registered virtiofs && fail "'$RUN_CMD' loaded virtiofs"
		expect_no_mount /mnt/m
		run virtiofs-ccw -v mount share0 /mnt/m
		expect_rc 0
		expect_err "loading module virtiofs"
		fs_registered virtiofs || fail "virtiofs not in /proc/filesystems after '$RUN_CMD'"
		module_loaded virtiofs || fail "virtiofs not in /proc/modules after '$RUN_CMD'"
		module_loaded fuse || fail "fuse (virtiofs needs it) not in /proc/modules"
		show lsmod
		lsmod | grep -q '^virtiofs ' || fail "lsmod does not show virtiofs"
		run virtiofs-ccw list
		expect_rc 0
		grep -q 'not bound' /tmp/err && fail "'$RUN_CMD' still notes unbound devices"
	fi
	expect_mount /mnt/m share0
	if [ -s /run/e2e-modprobe.log ]; then
		echo "  the kernel asked for modules: $(tr '\n' ' ' </run/e2e-modprobe.log)"
		grep -q virtiofs /run/e2e-modprobe.log &&
			fail "the kernel asked for virtiofs itself (request_module): our code did not load it"
	fi
	run virtiofs-ccw umount /mnt/m
	expect_rc 0
	expect_no_mount /mnt/m
}

# mount-by-tag (both kernels): `virtiofs-ccw mount TAG DIR` mounts, a second
# identical call exits 0 and adds no mount, `umount DIR` removes it.
scenario_mount_by_tag() {
	local n
	mkdir -p /mnt/a
	run virtiofs-ccw mount share0 /mnt/a
	expect_rc 0
	expect_mount /mnt/a share0
	n=$(wc -l </proc/self/mountinfo)
	run virtiofs-ccw mount share0 /mnt/a
	expect_rc 0
	expect_mount /mnt/a share0
	run virtiofs-ccw mount -v share0 /mnt/a
	expect_rc 0
	expect_out "tag 'share0' is already mounted on /mnt/a"
	[ "$(wc -l </proc/self/mountinfo)" = "$n" ] || fail "mounting share0 again changed mountinfo"
	run virtiofs-ccw umount /mnt/a
	expect_rc 0
	expect_no_mount /mnt/a
}

# mount-by-busid: 6.12: `virtiofs-ccw mount 0.0.1a12 DIR` mounts share0, the
# short form 1a12 finds it mounted, `umount 0.0.1a12` removes it. 6.1: exit 32,
# "does not export", nothing mounted.
scenario_mount_by_busid() {
	mkdir -p /mnt/b
	run virtiofs-ccw mount 0.0.1a12 /mnt/b
	if ! tags_exported; then
		expect_no_tag_export
		expect_no_mount /mnt/b
		return 0
	fi
	expect_rc 0
	expect_mount /mnt/b share0
	run virtiofs-ccw mount -v 1a12 /mnt/b
	expect_rc 0
	expect_out "already mounted"
	expect_mount /mnt/b share0
	run virtiofs-ccw umount 0.0.1a12
	expect_rc 0
	expect_no_mount /mnt/b
}

# mount-by-hostid: 6.12: the host's ID as libvirt shows it, fe.1.0042, mounts
# share2; `umount fe.1.0042` removes it. 6.1: exit 32, "does not export".
scenario_mount_by_hostid() {
	mkdir -p /mnt/c
	run virtiofs-ccw mount fe.1.0042 /mnt/c
	if ! tags_exported; then
		expect_no_tag_export
		expect_no_mount /mnt/c
		return 0
	fi
	expect_rc 0
	expect_mount /mnt/c share2
	run virtiofs-ccw umount fe.1.0042
	expect_rc 0
	expect_no_mount /mnt/c
}

# mount-helper: util-linux mount(8) runs /sbin/mount.virtiofs. 6.12: by
# bus-ID 0.0.0002 -> share1; 6.1: exit 32 "does not export". Both: a plain
# tag passes through the helper (-v shows it ran). 6.12: -f -v names the tag
# it would mount and mounts nothing.
scenario_mount_helper() {
	local n
	run "$UL_MOUNT" -V
	expect_rc 0
	expect_out util-linux
	mkdir -p /mnt/d /mnt/e /mnt/f
	run "$UL_MOUNT" -t virtiofs 0.0.0002 /mnt/d
	if tags_exported; then
		expect_rc 0
		expect_mount /mnt/d share1
	else
		expect_no_tag_export
		expect_err "mount.virtiofs"
		expect_no_mount /mnt/d
	fi
	run "$UL_MOUNT" -v -t virtiofs share2 /mnt/e
	expect_rc 0
	expect_out "mount.virtiofs: mounted tag 'share2' on /mnt/e"
	expect_mount /mnt/e share2
	if tags_exported; then
		n=$(virtiofs_mounts)
		run "$UL_MOUNT" -f -v -t virtiofs fe.0.1a12 /mnt/f
		expect_rc 0
		expect_out "would mount tag 'share0' on /mnt/f"
		expect_no_mount /mnt/f
		[ "$(virtiofs_mounts)" = "$n" ] || fail "'$RUN_CMD' changed the virtiofs mounts"
		run "$UL_UMOUNT" /mnt/d
		expect_rc 0
		expect_no_mount /mnt/d
	fi
	run "$UL_UMOUNT" /mnt/e
	expect_rc 0
	expect_no_mount /mnt/e
}

# fstab: a bus-ID line (nofail) and a tag line. 6.12: util-linux `mount DIR`
# and `mount -a -t virtiofs` mount both (no duplicates); so does `virtiofs-ccw
# mount --all`, twice with the same result; `virtiofs-ccw mount share0` finds
# the bus-ID line's mountpoint. 6.1: `virtiofs-ccw mount --all` exits 0, notes
# the failed nofail line and mounts the tag line; util-linux `mount -a -t
# virtiofs` mounts the tag line and exits 64 (its nofail does not cover a
# helper's failure).
scenario_fstab() {
	mkdir -p /mnt/g /mnt/h
	printf '%s\n' '# e2e fstab' \
		'0.0.1a12 /mnt/g virtiofs defaults,nofail 0 0' \
		'share2   /mnt/h virtiofs defaults 0 0' >/etc/fstab
	show cat /etc/fstab
	if ! tags_exported; then
		run virtiofs-ccw mount --all
		expect_rc 0
		expect_err "note: /mnt/g (nofail): "
		expect_err "does not export"
		expect_no_mount /mnt/g
		expect_mount /mnt/h share2
		run virtiofs-ccw umount /mnt/h
		expect_rc 0
		expect_no_mount /mnt/h
		# mount(8) passes the helper's failure on; nofail does not cover
		# a helper's exit status: 64, some mounted.
		run "$UL_MOUNT" -a -t virtiofs
		expect_rc 64
		expect_err "mount.virtiofs: '0.0.1a12': "
		expect_err "does not export"
		expect_no_mount /mnt/g
		expect_mount /mnt/h share2
		run "$UL_UMOUNT" /mnt/h
		expect_rc 0
		expect_no_mount /mnt/h
		rm -f /etc/fstab
		return 0
	fi
	run "$UL_MOUNT" /mnt/g
	expect_rc 0
	expect_mount /mnt/g share0
	run "$UL_MOUNT" -a -t virtiofs
	expect_rc 0
	expect_mount /mnt/g share0
	expect_mount /mnt/h share2
	run "$UL_UMOUNT" /mnt/g /mnt/h
	expect_rc 0
	expect_no_mount /mnt/g
	expect_no_mount /mnt/h
	run virtiofs-ccw mount --all
	expect_rc 0
	expect_mount /mnt/g share0
	expect_mount /mnt/h share2
	run virtiofs-ccw mount --all
	expect_rc 0
	expect_mount /mnt/g share0
	expect_mount /mnt/h share2
	run virtiofs-ccw umount /mnt/g
	expect_rc 0
	expect_no_mount /mnt/g
	run virtiofs-ccw mount share0
	expect_rc 0
	expect_mount /mnt/g share0
	run virtiofs-ccw umount /mnt/g /mnt/h
	expect_rc 0
	expect_no_mount /mnt/g
	expect_no_mount /mnt/h
	rm -f /etc/fstab
}

# fstab-helper: 6.12: `virtiofs-ccw fstab` prints exactly one line per share,
# "TAG /mnt/virtiofs/TAG virtiofs defaults,nofail,X-mount.mkdir 0 0", --by-busid the same
# with the bus-ID; that output (with X-mount.mkdir) in /etc/fstab is mounted
# by `virtiofs-ccw mount --all`. 6.1: no lines, one comment per share saying
# the kernel does not export tags.
scenario_fstab_helper() {
	local busid hostid tag n
	expect_shares cold >/tmp/expected
	n=$(wc -l </tmp/expected)
	run virtiofs-ccw fstab
	expect_rc 0
	if ! tags_exported; then
		grep -qv '^#' /tmp/out && fail "fstab printed a line without tags to go by"
		[ "$(wc -l </tmp/out)" = "$n" ] || fail "fstab printed $(wc -l </tmp/out) lines, expected $n comments"
		while IFS=$TAB read -r busid hostid tag; do
			expect_out "# $busid: tag unknown (this kernel does not export tags): no line"
		done </tmp/expected
		return 0
	fi
	[ "$(wc -l </tmp/out)" = "$n" ] || fail "fstab printed $(wc -l </tmp/out) lines, expected $n"
	while IFS=$TAB read -r busid hostid tag; do
		grep -qxF "$tag /mnt/virtiofs/$tag virtiofs defaults,nofail,X-mount.mkdir 0 0" /tmp/out ||
			fail "fstab lacks '$tag /mnt/virtiofs/$tag virtiofs defaults,nofail,X-mount.mkdir 0 0'"
	done </tmp/expected
	run virtiofs-ccw fstab --by-busid
	expect_rc 0
	[ "$(wc -l </tmp/out)" = "$n" ] || fail "fstab --by-busid printed $(wc -l </tmp/out) lines, expected $n"
	while IFS=$TAB read -r busid hostid tag; do
		grep -qxF "$busid /mnt/virtiofs/$tag virtiofs defaults,nofail,X-mount.mkdir 0 0" /tmp/out ||
			fail "fstab --by-busid lacks '$busid /mnt/virtiofs/$tag virtiofs defaults,nofail,X-mount.mkdir 0 0'"
	done </tmp/expected
	# What it prints is what mount --all takes.
	run virtiofs-ccw fstab --by-busid -o defaults,nofail,X-mount.mkdir
	expect_rc 0
	cp /tmp/out /etc/fstab
	run virtiofs-ccw mount --all
	expect_rc 0
	while IFS=$TAB read -r busid hostid tag; do
		expect_mount "/mnt/virtiofs/$tag" "$tag"
	done </tmp/expected
	# shellcheck disable=SC2046 # one word per tag: these tags have no blanks
	run virtiofs-ccw umount $(cut -f3 /tmp/expected)
	expect_rc 0
	while IFS=$TAB read -r busid hostid tag; do
		expect_no_mount "/mnt/virtiofs/$tag"
	done </tmp/expected
	rm -f /etc/fstab
}

# mount-errors: exit 32 and one line saying what is wrong, nothing mounted,
# for an unknown tag, an absent bus-ID, a missing mountpoint (not created),
# and an offline device (naming chzdev). Then the boot-time wait: with -w 5
# the mount waits for the device to come online (1 s later) and mounts it
# (6.12), or reports the real reason after it came (6.1: "does not export").
scenario_mount_errors() {
	local online=/sys/bus/ccw/devices/0.0.0002/online t0 t1
	mkdir -p /mnt/x
	cat /proc/self/mountinfo >/tmp/mi.before
	run virtiofs-ccw mount nosuch /mnt/x -w 0
	expect_rc 32
	expect_err_lines 1
	expect_err "'nosuch'"
	cmp -s /proc/self/mountinfo /tmp/mi.before || fail "'$RUN_CMD' changed mountinfo"

	run virtiofs-ccw mount 0.0.9999 /mnt/x -w 0
	expect_rc 32
	expect_err_lines 1
	expect_err "no CCW device"
	cmp -s /proc/self/mountinfo /tmp/mi.before || fail "'$RUN_CMD' changed mountinfo"

	[ -e /mnt/missing ] && fail "/mnt/missing exists before the test"
	run virtiofs-ccw mount share0 /mnt/missing
	expect_rc 32
	expect_err_lines 1
	expect_err "does not exist"
	[ -e /mnt/missing ] && fail "'$RUN_CMD' created /mnt/missing"
	cmp -s /proc/self/mountinfo /tmp/mi.before || fail "'$RUN_CMD' changed mountinfo"

	# Offline: whatever happens, the device goes back online.
	trap 'echo 1 >'"$online"' 2>/dev/null' EXIT
	echo "\$ echo 0 > $online"
	echo 0 >"$online" || fail "cannot set 0.0.0002 offline"
	wait_for 10 ccw_offline 0.0.0002 || fail "0.0.0002 still online 10 s after 'echo 0'"
	run virtiofs-ccw mount 0.0.0002 /mnt/x -w 0
	expect_rc 32
	expect_err_lines 1
	expect_err "chzdev -e 0.0.0002"
	cmp -s /proc/self/mountinfo /tmp/mi.before || fail "'$RUN_CMD' changed mountinfo"

	# t0 before the sleep starts: the device cannot be online before t0 + 1 s.
	t0=$(uptime_cs)
	echo "\$ (sleep 1; echo 1 > $online) &"
	(sleep 1; echo 1 >"$online") &
	run virtiofs-ccw mount 0.0.0002 /mnt/x -w 5
	t1=$(uptime_cs)
	wait
	echo "  (returned after $(((t1 - t0) * 10)) ms)"
	[ $((t1 - t0)) -ge 99 ] || fail "'$RUN_CMD' returned after $(((t1 - t0) * 10)) ms: it did not wait for the device"
	ccw_online 0.0.0002 || fail "0.0.0002 is not online again"
	if tags_exported; then
		expect_rc 0
		expect_mount /mnt/x share1
		run virtiofs-ccw umount /mnt/x
		expect_rc 0
		expect_no_mount /mnt/x
	else
		expect_no_tag_export
		expect_no_mount /mnt/x
	fi
	wait_for 10 virtiofs_bound 0.0.0002 || fail "0.0.0002 not bound to virtiofs again"
	trap - EXIT
}

# ---- hotplug auto-mount ------------------------------------------------------------
# `virtiofs-ccw automount` and udev/: the real systemd-udevd (Debian's) runs the
# real rule (udev/90-virtiofs-ccw.rules) as shipped; without systemd its RUN+=
# runs the handler (virtiofs-ccw automount --udev) itself, and udevd's debug
# log tells each run's end (handler_runs in lib.sh). udevd runs only inside
# these scenarios (udevd_start/udevd_stop), so the others see no handler.
# Hot devices (SHARES in run.sh): 0.0.2000 tag hot0, 0.0.2001 tag "../x y".
AUTO_CONF=/etc/virtiofs-ccw.conf
AUTO_BASE=/run/virtiofs
HOT0=0.0.2000
HOT1=0.0.2001
# Handler runs (handler_runs): of the virtiofs export's events (N, 6.9+) or
# of the virtio device's (virtioN)
U_ADD_FS='add:[0-9]+'
U_ADD_VIRTIO='add:virtio[0-9]+'
U_DEL_FS='remove:[0-9]+'
U_DEL_VIRTIO='remove:virtio[0-9]+'
# the cold device automount-coldplug sets offline (share1)
OFFLINE_DEV=/sys/bus/ccw/devices/0.0.0002

# auto_conf LINE...: the policy file
auto_conf() {
	printf '%s\n' "$@" >"$AUTO_CONF"
	show cat "$AUTO_CONF"
}

# hot_add BUSID...: ask the host to add them (all at once), wait for each
hot_add() {
	local b
	for b in "$@"; do
		hot_absent "$b" || fail "$b present before its hot-add"
		request hotplug-add "$b"
	done
	for b in "$@"; do
		wait_for 60 hot_present "$b" || fail "$b did not appear within 60 s of the request"
		echo "  $b appeared ($(virtio_of "$b"))"
	done
}

# hot_del BUSID...: ask the host to remove them (all at once), wait for each
hot_del() {
	local b
	for b in "$@"; do
		request hotplug-del "$b"
	done
	for b in "$@"; do
		wait_for 60 hot_absent "$b" || fail "$b still present 60 s after the removal request"
		echo "  $b is gone"
	done
}

# auto_traps: auto_cleanup on any exit, also when /init's timeout ends the
# scenario (SIGTERM)
auto_traps() {
	trap auto_cleanup EXIT
	trap 'exit 143' TERM
}

# auto_cleanup: the EXIT trap of the auto-mount scenarios. After a pass it
# finds nothing to do; after a failure it leaves the next scenarios a guest
# without udevd, policy file, fstab, hot devices or auto-mounts.
auto_cleanup() {
	local b mp
	udevd_stop
	rm -f "$AUTO_CONF" /etc/fstab
	ccw_offline 0.0.0002 && echo 1 >"$OFFLINE_DEV/online"
	for b in $HOT0 $HOT1; do
		if ! hot_absent "$b"; then
			request hotplug-del "$b"
			wait_for 30 hot_absent "$b"
		fi
	done
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "virtiofs") print $5; break } }' \
		/proc/self/mountinfo >/tmp/auto.left
	while read -r mp; do
		mp=$(printf '%b' "$(printf '%s' "$mp" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')")
		case $mp in
		"$AUTO_BASE"/* | /mnt/manual | /mnt/hotfstab)
			echo "  cleanup: umount -l $mp"
			busybox umount -l "$mp"
			;;
		esac
	done </tmp/auto.left
}

# fs_snapshot: every path of the guest's own file systems, except the kernel's
# (/proc, /sys, /dev), scratch (/tmp), what udevd, libmount and the harness
# keep in /run, and the mount base (listed on its own: a mounted share cannot
# be read here)
fs_snapshot() {
	find / \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /run/udev \
		-o -path /run/mount -o -path '/run/e2e-*' -o -path "$AUTO_BASE" \) -prune -o -print | sort
}

# automount-dry-run (both kernels): with automount = all, `automount
# --dry-run` prints one "mount TAG /run/virtiofs/TAG nosuid,nodev,MARK" line
# per share and changes nothing: mountinfo, utab and the mount base stay as
# they were. On 6.1 the tags come from the policy file (tag BUSID = TAG).
# Without a policy file (default: fstab, and no fstab) it plans nothing.
scenario_automount_dry_run() {
	local busid hostid tag
	auto_traps
	expect_shares cold >/tmp/expected
	: >/tmp/want
	: >/tmp/tags.conf
	while IFS=$TAB read -r busid hostid tag; do
		printf 'mount %s %s/%s nosuid,nodev\n' "$tag" "$AUTO_BASE" "$tag" >>/tmp/want
		printf 'tag %s = %s\n' "$busid" "$tag" >>/tmp/tags.conf
	done </tmp/expected
	if tags_exported; then
		auto_conf 'automount = all'
	else
		auto_conf 'automount = all' "$(cat /tmp/tags.conf)"
	fi
	cp /proc/self/mountinfo /tmp/mi.before
	cat "$UTAB" >/tmp/utab.before 2>/dev/null
	{ [ -d "$AUTO_BASE" ] && echo "$AUTO_BASE exists"; dir_entries "$AUTO_BASE"; } >/tmp/base.before
	run virtiofs-ccw automount --dry-run
	expect_rc 0
	sort /tmp/out >/tmp/got.sorted
	sort /tmp/want >/tmp/want.sorted
	cmp -s /tmp/got.sorted /tmp/want.sorted ||
		fail "'$RUN_CMD' printed [$(tr '\n' '|' </tmp/out)], expected [$(tr '\n' '|' </tmp/want.sorted)]"
	cmp -s /proc/self/mountinfo /tmp/mi.before || fail "'$RUN_CMD' changed mountinfo"
	cat "$UTAB" >/tmp/utab.now 2>/dev/null
	cmp -s /tmp/utab.now /tmp/utab.before || fail "'$RUN_CMD' changed $UTAB"
	{ [ -d "$AUTO_BASE" ] && echo "$AUTO_BASE exists"; dir_entries "$AUTO_BASE"; } >/tmp/base.after
	cmp -s /tmp/base.after /tmp/base.before ||
		fail "'$RUN_CMD' changed $AUTO_BASE: [$(tr '\n' '|' </tmp/base.before)] -> [$(tr '\n' '|' </tmp/base.after)]"
	rm -f "$AUTO_CONF"
	run virtiofs-ccw automount --dry-run
	expect_rc 0
	[ -s /tmp/out ] && fail "'$RUN_CMD' without a policy file or fstab planned: $(head -n1 /tmp/out)"
	cmp -s /proc/self/mountinfo /tmp/mi.before || fail "'$RUN_CMD' changed mountinfo"
}

# automount-coldplug (6.12): with automount = all, `virtiofs-ccw automount`
# (no arguments, as at boot) mounts every share at /run/virtiofs/TAG, each
# marked in utab as the auto-mount of its bus-ID; a second run changes
# nothing. Unmounting them removes their utab entries. Then the same through
# udevd and the rule, as systemd boots: `udevadm trigger --action=add` for the
# virtio devices runs the handler once per share (add:virtioN; none for the NIC),
# and they mount the same. With udevd running, setting 0.0.0002 offline
# detaches share1 and removes its directory (the others stay); online again
# mounts it again.
scenario_automount_coldplug() {
	local busid hostid tag
	auto_traps
	expect_shares cold >/tmp/expected
	auto_conf 'automount = all'
	run virtiofs-ccw automount
	expect_rc 0
	while IFS=$TAB read -r busid hostid tag; do
		expect_mount "$AUTO_BASE/$tag" "$tag"
		expect_mark "$AUTO_BASE/$tag" "$busid"
	done </tmp/expected
	[ "$(virtiofs_mounts)" = "$(wc -l </tmp/expected)" ] ||
		fail "$(virtiofs_mounts) virtiofs mounts, expected $(wc -l </tmp/expected)"
	cp /proc/self/mountinfo /tmp/mi.before
	cp "$UTAB" /tmp/utab.before
	run virtiofs-ccw automount -v
	expect_rc 0
	grep -q '^mounted' /tmp/out && fail "'$RUN_CMD' mounted again: $(head -n1 /tmp/out)"
	cmp -s /proc/self/mountinfo /tmp/mi.before || fail "'$RUN_CMD' changed mountinfo"
	cmp -s "$UTAB" /tmp/utab.before || fail "'$RUN_CMD' changed $UTAB"
	while IFS=$TAB read -r busid hostid tag; do
		run virtiofs-ccw umount "$AUTO_BASE/$tag"
		expect_rc 0
		expect_no_mount "$AUTO_BASE/$tag"
		expect_no_utab "$AUTO_BASE/$tag"
		rmdir "$AUTO_BASE/$tag" || fail "cannot remove $AUTO_BASE/$tag"
	done </tmp/expected
	[ "$(utab_marks)" = 0 ] || fail "utab keeps marks: $(grep auto= "$UTAB" | head -n1)"
	# The boot path with systemd: systemd-udev-trigger replays "add" for
	# every device; the virtio devices bound to virtiofs match the rule.
	udevd_start
	run udevadm trigger --action=add --subsystem-match=virtio
	expect_rc 0
	wait_runs 30 "$U_ADD_VIRTIO" "$(wc -l </tmp/expected)"
	expect_runs_ok
	[ "$(runs_count '.*')" = "$(wc -l </tmp/expected)" ] ||
		fail "udevadm trigger ran the handler $(runs_count '.*') times, expected $(wc -l </tmp/expected): $(handler_runs | tr '\n' '|')"
	show_runs
	while IFS=$TAB read -r busid hostid tag; do
		expect_mount "$AUTO_BASE/$tag" "$tag"
		expect_mark "$AUTO_BASE/$tag" "$busid"
	done </tmp/expected
	# A device set offline (still there, as chzdev -d leaves it) loses its
	# auto-mount and directory; online again, it gets them back.
	echo "\$ echo 0 > $OFFLINE_DEV/online"
	echo 0 >"$OFFLINE_DEV/online" || fail "cannot set 0.0.0002 offline"
	wait_for 30 unmounted_and_gone "$AUTO_BASE/share1" ||
		fail "$AUTO_BASE/share1 still mounted or present 30 s after 0.0.0002 went offline"
	wait_runs 30 "$U_DEL_FS" 1
	wait_runs 30 "$U_DEL_VIRTIO" 1
	expect_runs_ok
	expect_mount "$AUTO_BASE/share0" share0
	expect_mount "$AUTO_BASE/share2" share2
	echo "\$ echo 1 > $OFFLINE_DEV/online"
	echo 1 >"$OFFLINE_DEV/online" || fail "cannot set 0.0.0002 online"
	wait_for 30 mounted_as "$AUTO_BASE/share1" share1 ||
		fail "share1 not mounted at $AUTO_BASE/share1 30 s after 0.0.0002 came back online"
	# both events again: the export's add (it comes back) and the bind
	wait_runs 30 "$U_ADD_FS" 1
	wait_runs 30 "$U_ADD_VIRTIO" "$(($(wc -l </tmp/expected) + 1))"
	expect_runs_ok
	[ "$(mounts_of share1)" = 1 ] || fail "$(mounts_of share1) mounts of share1, expected 1"
	show_runs
	while IFS=$TAB read -r busid hostid tag; do
		expect_mount "$AUTO_BASE/$tag" "$tag"
		expect_mark "$AUTO_BASE/$tag" "$busid"
		run virtiofs-ccw umount "$AUTO_BASE/$tag"
		expect_rc 0
		rmdir "$AUTO_BASE/$tag" || fail "cannot remove $AUTO_BASE/$tag"
	done </tmp/expected
	udevd_stop
	rm -f "$AUTO_CONF"
}

# automount-hotplug (6.12): automount = all, wait = 5. Hot-adding hot0 sends
# two events the rule acts on (virtiofs add -> add:N, virtio bind ->
# add:virtioN); both handler runs exit 0, and there is exactly one
# mount, at /run/virtiofs/hot0, marked x-virtiofs-ccw.auto=0.0.2000 in utab.
# A manual mount of hot0 elsewhere is no auto-mount: after the hot removal
# (remove:N, remove:virtioN) the marked mount and its directory are gone, the
# manual one stays (then umount -l, the device is gone).
scenario_automount_hotplug() {
	local tag dir=$AUTO_BASE/hot0
	auto_traps
	tag=$(share_tag $HOT0) || fail "no share $HOT0 in $SHARES_FILE"
	auto_conf 'automount = all' 'wait = 5'
	mkdir -p /mnt/manual
	udevd_start
	hot_add $HOT0
	wait_for 30 mounted_as "$dir" "$tag" || fail "$tag not mounted at $dir within 30 s of the hot-add"
	wait_runs 30 "$U_ADD_FS" 1
	wait_runs 30 "$U_ADD_VIRTIO" 1
	expect_runs_ok
	show_runs
	expect_mount "$dir" "$tag"
	[ "$(mounts_of "$tag")" = 1 ] || fail "$(mounts_of "$tag") mounts of $tag after two handler runs, expected 1"
	expect_mark "$dir" $HOT0
	run virtiofs-ccw mount "$tag" /mnt/manual
	expect_rc 0
	expect_mount /mnt/manual "$tag"
	hot_del $HOT0
	wait_for 30 unmounted_and_gone "$dir" || fail "$dir still mounted or present 30 s after the removal"
	wait_runs 30 "$U_DEL_FS" 1
	wait_runs 30 "$U_DEL_VIRTIO" 1
	expect_runs_ok
	show_runs
	expect_no_utab "$dir"
	expect_mount /mnt/manual "$tag"
	run "$UL_UMOUNT" -l /mnt/manual
	expect_rc 0
	expect_no_mount /mnt/manual
	udevd_stop
	rm -f "$AUTO_CONF"
}

# automount-fstab (6.12): the default policy (no policy file: automount =
# fstab). fstab names hot0 by host ID (fe.0.2000 /mnt/hotfstab); hot-adding
# hot0 mounts it there (marked), hot-adding 0.0.2001, which fstab does not
# name, mounts nothing anywhere (`automount --dry-run` with automount = all
# shows where it would go, fstab-escaped: \134x2e...). On removal the fstab mount is detached too (it
# is marked); /mnt/hotfstab, not the handler's directory, stays.
scenario_automount_fstab() {
	local tag0 tag1 want
	auto_traps
	tag0=$(share_tag $HOT0) || fail "no share $HOT0 in $SHARES_FILE"
	tag1=$(share_tag $HOT1) || fail "no share $HOT1 in $SHARES_FILE"
	rm -f "$AUTO_CONF"
	mkdir -p /mnt/hotfstab
	echo 'fe.0.2000 /mnt/hotfstab virtiofs defaults,nofail 0 0' >/etc/fstab
	show cat /etc/fstab
	[ "$(virtiofs_mounts)" = 0 ] || fail "$(virtiofs_mounts) virtiofs mounts before the test, expected 0"
	udevd_start
	hot_add $HOT0 $HOT1
	wait_for 30 mounted_as /mnt/hotfstab "$tag0" || fail "$tag0 not mounted at /mnt/hotfstab within 30 s"
	wait_runs 30 "$U_ADD_FS" 2
	wait_runs 30 "$U_ADD_VIRTIO" 2
	expect_runs_ok
	show_runs
	expect_mount /mnt/hotfstab "$tag0"
	expect_mark /mnt/hotfstab $HOT0
	[ "$(mounts_of "$tag1")" = 0 ] || fail "'$tag1' ($HOT1, not in fstab) was mounted"
	[ "$(virtiofs_mounts)" = 1 ] || fail "$(virtiofs_mounts) virtiofs mounts, expected 1 (/mnt/hotfstab)"
	[ -z "$(dir_entries "$AUTO_BASE")" ] ||
		fail "$AUTO_BASE has entries: $(dir_entries "$AUTO_BASE" | tr '\n' ' ')"
	# What automount = all would do with it, escaped as in fstab (\040 space, \134 backslash)
	echo 'automount = all' >/tmp/all.conf
	run virtiofs-ccw automount --dry-run --config /tmp/all.conf $HOT1
	expect_rc 0
	want='mount ../x\040y /run/virtiofs/\134x2e.\134x2fx\134x20y nosuid,nodev'
	[ "$(cat /tmp/out)" = "$want" ] || fail "'$RUN_CMD' printed [$(tr '\n' '|' </tmp/out)], expected [$want]"
	[ "$(virtiofs_mounts)" = 1 ] || fail "'$RUN_CMD' mounted something"
	hot_del $HOT0 $HOT1
	wait_for 30 not_mounted /mnt/hotfstab || fail "/mnt/hotfstab still mounted 30 s after the removal"
	wait_runs 30 "$U_DEL_FS" 2
	wait_runs 30 "$U_DEL_VIRTIO" 2
	expect_runs_ok
	expect_no_utab /mnt/hotfstab
	[ -d /mnt/hotfstab ] || fail "the handler removed /mnt/hotfstab, which it did not make"
	udevd_stop
	rm -f /etc/fstab
}

# automount-hostile (6.12): a share whose tag is "../x y" (the host's free
# text) is auto-mounted (automount = all) below the base under an escaped
# name, /run/virtiofs/\x2e.\x2fx\x20y (literal backslashes), next to hot0
# (added with it), and nothing else appears anywhere. Removing hot0 runs the
# detach handlers, which must leave "../x y" alone (its device is still there:
# the tag read back from the mount table has to match the device's); removing
# it then takes mount and directory away.
scenario_automount_hostile() {
	local tag tag0 dir dir0 name='\x2e.\x2fx\x20y'
	auto_traps
	tag=$(share_tag $HOT1) || fail "no share $HOT1 in $SHARES_FILE"
	tag0=$(share_tag $HOT0) || fail "no share $HOT0 in $SHARES_FILE"
	dir=$AUTO_BASE/$name
	dir0=$AUTO_BASE/$tag0
	auto_conf 'automount = all'
	udevd_start
	fs_snapshot >/tmp/fs.before
	hot_add $HOT1 $HOT0
	wait_for 30 mounted_as "$dir" "$tag" || fail "'$tag' not mounted at $dir within 30 s of the hot-add"
	wait_runs 30 "$U_ADD_FS" 2
	wait_runs 30 "$U_ADD_VIRTIO" 2
	expect_runs_ok
	expect_mount "$dir" "$tag"
	expect_mark "$dir" $HOT1
	expect_mount "$dir0" "$tag0"
	[ "$(virtiofs_mounts)" = 2 ] || fail "$(virtiofs_mounts) virtiofs mounts, expected 2"
	[ "$(dir_entries "$AUTO_BASE" | tr '\n' '|')" = "$name|$tag0|" ] ||
		fail "$AUTO_BASE holds [$(dir_entries "$AUTO_BASE" | tr '\n' '|')], expected [$name|$tag0|]"
	fs_snapshot >/tmp/fs.after
	diff /tmp/fs.before /tmp/fs.after >/tmp/fs.diff || fail "outside $AUTO_BASE: $(tr '\n' ' ' </tmp/fs.diff)"
	[ ! -e "/run/x y" ] || fail "/run/x y exists"
	hot_del $HOT0
	wait_for 30 unmounted_and_gone "$dir0" || fail "$dir0 still mounted or present 30 s after the removal"
	wait_runs 30 "$U_DEL_FS" 1
	wait_runs 30 "$U_DEL_VIRTIO" 1
	expect_runs_ok
	expect_mount "$dir" "$tag"
	expect_mark "$dir" $HOT1
	hot_del $HOT1
	wait_for 30 unmounted_and_gone "$dir" || fail "$dir still mounted or present 30 s after the removal"
	wait_runs 30 "$U_DEL_FS" 2
	wait_runs 30 "$U_DEL_VIRTIO" 2
	expect_runs_ok
	expect_no_utab "$dir"
	udevd_stop
	rm -f "$AUTO_CONF"
}

# automount-61 (6.1): no virtiofs events and no tag export; the policy file
# names the tag (tag 0.0.2000 = hot0). The virtio bind event alone
# (add:virtioN) mounts hot0 at /run/virtiofs/hot0, marked; the virtio
# remove event (remove:virtioN) detaches it and removes the directory.
scenario_automount_61() {
	local tag dir=$AUTO_BASE/hot0
	auto_traps
	tag=$(share_tag $HOT0) || fail "no share $HOT0 in $SHARES_FILE"
	auto_conf 'automount = all' "tag $HOT0 = $tag"
	udevd_start
	hot_add $HOT0
	wait_for 30 mounted_as "$dir" "$tag" || fail "$tag not mounted at $dir within 30 s of the hot-add"
	wait_runs 30 "$U_ADD_VIRTIO" 1
	expect_runs_ok
	show_runs
	[ "$(runs_count "$U_ADD_FS")" = 0 ] || fail "a virtiofs event ran the handler ($U_ADD_FS) on a kernel without them"
	expect_mount "$dir" "$tag"
	[ "$(mounts_of "$tag")" = 1 ] || fail "$(mounts_of "$tag") mounts of $tag, expected 1"
	expect_mark "$dir" $HOT0
	hot_del $HOT0
	wait_for 30 unmounted_and_gone "$dir" || fail "$dir still mounted or present 30 s after the removal"
	wait_runs 30 "$U_DEL_VIRTIO" 1
	expect_runs_ok
	show_runs
	expect_no_utab "$dir"
	udevd_stop
	rm -f "$AUTO_CONF"
}

# ---- faults ----------------------------------------------------------------------
# Each fault must end in one line on stderr that names what is wrong, the
# exit status the man page gives (1 usage, 2 system error, 32 failure), and no
# half-made state: no new directory, no mount, no utab entry. state_save and
# expect_state_kept compare mountinfo and utab before and after.

# state_save: remember mountinfo and utab
state_save() {
	cp /proc/self/mountinfo /run/e2e-state.mi
	cat "$UTAB" >/run/e2e-state.utab 2>/dev/null || : >/run/e2e-state.utab
}

# expect_state_kept: mountinfo and utab are as state_save found them
expect_state_kept() {
	cmp -s /proc/self/mountinfo /run/e2e-state.mi ||
		fail "'$RUN_CMD' changed mountinfo: $(diff /run/e2e-state.mi /proc/self/mountinfo | grep '^[-+][^-+]' | tr '\n' '|')"
	cat "$UTAB" >/run/e2e-state.utab.now 2>/dev/null || : >/run/e2e-state.utab.now
	cmp -s /run/e2e-state.utab.now /run/e2e-state.utab ||
		fail "'$RUN_CMD' changed $UTAB: $(diff /run/e2e-state.utab /run/e2e-state.utab.now | grep '^[-+][^-+]' | tr '\n' '|')"
}

# expect_fault RC TEXT...: the last run exited RC with exactly one line on
# stderr holding every TEXT, and changed neither mountinfo nor utab
expect_fault() {
	local rc="$1" t
	shift
	expect_rc "$rc"
	expect_err_lines 1
	for t in "$@"; do
		expect_err "$t"
	done
	expect_state_kept
}

# auto_umount_all TAG...: unmount the auto-mounts of these plain tags (on
# BASE/TAG) with one command and remove their directories
auto_umount_all() {
	local tag dirs=''
	for tag in "$@"; do
		dirs="$dirs $AUTO_BASE/$tag"
	done
	# shellcheck disable=SC2086 # plain tags: one word each
	run virtiofs-ccw umount $dirs
	expect_rc 0
	for tag in "$@"; do
		expect_no_mount "$AUTO_BASE/$tag"
		expect_no_utab "$AUTO_BASE/$tag"
		rmdir "$AUTO_BASE/$tag" || fail "cannot remove $AUTO_BASE/$tag"
	done
}

# fault-symlink (6.12): automount = all, and in the mount base share0's
# mountpoint is already taken by a symbolic link to /tmp/elsewhere. The
# handler refuses that one (exit 32, "exists and is not a directory"), follows
# no link, and still mounts the others; the link and its target stay as they
# were, empty and unmounted.
scenario_fault_symlink() {
	local link=$AUTO_BASE/share0
	trap 'auto_cleanup; rm -f '"$link"'; rmdir /tmp/elsewhere 2>/dev/null' EXIT
	trap 'exit 143' TERM
	auto_conf 'automount = all'
	mkdir -p "$AUTO_BASE" /tmp/elsewhere
	ln -s /tmp/elsewhere "$link" || fail "cannot make the link $link"
	state_save
	run virtiofs-ccw automount
	expect_rc 32
	expect_err_lines 1
	expect_err "mountpoint $link: exists and is not a directory"
	if ! [ -L "$link" ] || [ "$(readlink "$link")" != /tmp/elsewhere ]; then
		fail "$link is no longer the link to /tmp/elsewhere"
	fi
	[ -z "$(dir_entries /tmp/elsewhere)" ] || fail "/tmp/elsewhere holds $(dir_entries /tmp/elsewhere | tr '\n' ' ')"
	expect_no_mount /tmp/elsewhere
	expect_no_mount "$link"
	[ "$(mounts_of share0)" = 0 ] || fail "share0 was mounted ($(mounts_of share0) mounts)"
	expect_no_utab "$link"
	expect_no_utab /tmp/elsewhere
	expect_mount "$AUTO_BASE/share1" share1
	expect_mark "$AUTO_BASE/share1" 0.0.0002
	expect_mount "$AUTO_BASE/share2" share2
	expect_mark "$AUTO_BASE/share2" 0.1.0042
	[ "$(dir_entries "$AUTO_BASE" | tr '\n' ' ')" = "share0 share1 share2 " ] ||
		fail "$AUTO_BASE holds [$(dir_entries "$AUTO_BASE" | tr '\n' ' ')], expected [share0 share1 share2]"
	auto_umount_all share1 share2
	rm -f "$link"
	rmdir /tmp/elsewhere
	rm -f "$AUTO_CONF"
}

# fault-notdir (6.12): the mountpoint is a regular file. libmount refuses it:
# exit 32 and one line that says "not a directory" and names the file, from
# virtiofs-ccw mount and from mount(8) through mount.virtiofs; the file stays
# a file, nothing is mounted, utab untouched.
scenario_fault_notdir() {
	local f=/tmp/afile
	: >"$f"
	state_save
	run virtiofs-ccw mount share0 "$f"
	expect_fault 32 "not a directory"
	cp /tmp/err /run/e2e-notdir.ccw
	run "$UL_MOUNT" -t virtiofs share0 "$f"
	expect_fault 32 "not a directory" "mount.virtiofs"
	cp /tmp/err /run/e2e-notdir.helper
	if ! [ -f "$f" ] || [ -s "$f" ]; then
		fail "$f is no longer an empty regular file"
	fi
	rm -f "$f"
	# last, so that the checks above run whatever the wording
	grep -qF "$f" /run/e2e-notdir.ccw ||
		fail "virtiofs-ccw mount does not name the mountpoint $f: $(cat /run/e2e-notdir.ccw)"
	grep -qF "$f" /run/e2e-notdir.helper ||
		fail "mount.virtiofs does not name the mountpoint $f: $(cat /run/e2e-notdir.helper)"
}

# fault-robase (6.12): the mount base cannot be made, it would be on a
# read-only file system (a tmpfs mounted ro at /run/robase, mount-base =
# /run/robase/v): automount fails with one line naming the base, exit 2 (the
# man page: "the mount base cannot be locked" is a system error), mounts
# nothing, makes nothing. The base exists but is read-only (mount-base =
# /run/robase): the mountpoint cannot be made, exit 32, one line naming it.
scenario_fault_robase() {
	local ro=/run/robase
	trap 'busybox umount '"$ro"' 2>/dev/null; rmdir '"$ro"' 2>/dev/null; rm -f '"$AUTO_CONF" EXIT
	mkdir -p "$ro"
	busybox mount -t tmpfs -o ro,size=64k,mode=0755 e2e-robase "$ro" || fail "cannot mount a read-only tmpfs at $ro"
	auto_conf 'automount = all' "mount-base = $ro/v"
	state_save
	run virtiofs-ccw automount
	expect_fault 2 "$ro/v" "Read-only file system"
	[ -z "$(dir_entries "$ro")" ] || fail "$ro holds $(dir_entries "$ro" | tr '\n' ' ')"
	auto_conf 'automount = all' "mount-base = $ro"
	run virtiofs-ccw automount share0
	expect_fault 32 "$ro/share0" "Read-only file system"
	[ -z "$(dir_entries "$ro")" ] || fail "$ro holds $(dir_entries "$ro" | tr '\n' ' ')"
}

# fault-lock (6.12): without systemd every tool that mounts takes the one
# lock, /run/virtiofs-ccw.lock, around its mount: while another holds it
# (e2e-holdlock, 3 s), `virtiofs-ccw mount`, util-linux mount(8) -> mount.virtiofs and
# the hotplug handler each wait, then mount; nothing is mounted before the
# lock is free. A dry run or -f takes no lock.
scenario_fault_lock() {
	local lock=/run/virtiofs-ccw.lock t0 t1 pid
	trap 'auto_cleanup; for d in /mnt/l1 /mnt/l2; do busybox umount "$d" 2>/dev/null; rmdir "$d" 2>/dev/null; done; rm -f /run/e2e-lock.ready' EXIT
	trap 'exit 143' TERM
	mkdir -p /mnt/l1 /mnt/l2
	for tool in cli helper handler; do
		rm -f /run/e2e-lock.ready
		/e2e/holdlock "$lock" /run/e2e-lock.ready 3 &
		pid=$!
		wait_for 10 test -e /run/e2e-lock.ready || fail "holdlock did not take $lock"
		read -r t0 _ </proc/uptime
		case $tool in
		cli) run virtiofs-ccw mount share0 /mnt/l1 ;;
		helper) run "$UL_MOUNT" -t virtiofs share1 /mnt/l2 ;;
		handler)
			auto_conf 'automount = all'
			run virtiofs-ccw automount share2
			;;
		esac
		read -r t1 _ </proc/uptime
		wait "$pid"
		expect_rc 0
		awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 2.5) }' ||
			fail "$tool: '$RUN_CMD' returned after $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s, before the lock was free (3 s)"
		echo "  $tool waited $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s for the lock"
	done
	expect_mount /mnt/l1 share0
	expect_mount /mnt/l2 share1
	expect_mount "$AUTO_BASE/share2" share2
	# pretending changes nothing: no lock to wait for
	/e2e/holdlock "$lock" /run/e2e-lock.ready 30 &
	pid=$!
	run timeout 10 virtiofs-ccw automount --dry-run share0
	expect_rc 0
	kill "$pid"
	wait "$pid" 2>/dev/null
	busybox umount /mnt/l1 /mnt/l2
	auto_umount_all share2
}

# fault-race (6.12): two handlers for one share at the same moment
# (automount = all; both wait for one signal, then run `virtiofs-ccw
# automount share1`): both exit 0 and print nothing, and there is exactly one
# mount of share1, at /run/virtiofs/share1, with exactly one utab entry.
scenario_fault_race() {
	local i dir=$AUTO_BASE/share1
	auto_traps
	auto_conf 'automount = all'
	rm -f /run/e2e-race.go
	for i in 1 2; do
		(
			while [ ! -e /run/e2e-race.go ]; do :; done
			virtiofs-ccw automount share1 >/run/e2e-race.$i.out 2>&1
			echo $? >/run/e2e-race.$i.rc
		) &
	done
	echo '$ virtiofs-ccw automount share1 & virtiofs-ccw automount share1'
	touch /run/e2e-race.go
	wait
	for i in 1 2; do
		sed "s/^/  [$i] /" /run/e2e-race.$i.out
		[ "$(cat /run/e2e-race.$i.rc)" = 0 ] ||
			fail "handler $i exited $(cat /run/e2e-race.$i.rc): $(head -n1 /run/e2e-race.$i.out)"
		[ ! -s /run/e2e-race.$i.out ] || fail "handler $i printed: $(head -n1 /run/e2e-race.$i.out)"
	done
	[ "$(mounts_of share1)" = 1 ] || fail "$(mounts_of share1) mounts of share1, expected 1"
	expect_mount "$dir" share1
	expect_mark "$dir" 0.0.0002
	[ "$(utab_marks)" = 1 ] || fail "$(utab_marks) marked utab entries, expected 1"
	auto_umount_all share1
	rm -f "$AUTO_CONF"
}

# fault-vanish (6.12): the device goes away between the lookup of its tag and
# the mount(2) (guest/vanish.c, LD_PRELOAD, sets 0.0.0002 offline just before
# the mount system call). `mount -w 0 0.0.0002 DIR`: exit 32, one line that
# names 0.0.0002, nothing mounted, utab untouched. With -w 5, and the device
# online again 0.3 s after the injection, the mount tries again (its mount(2)
# failed with EINVAL: no such tag any more) and mounts share1.
scenario_fault_vanish() {
	local online=$OFFLINE_DEV/online t0 t1
	trap 'wait; ccw_offline 0.0.0002 && echo 1 >'"$online"'; busybox umount /mnt/v 2>/dev/null' EXIT
	mkdir -p /mnt/v
	rm -f /run/e2e-vanish.done
	state_save
	run env LD_PRELOAD=/e2e/vanish.so E2E_VANISH_ONLINE="$online" virtiofs-ccw mount -w 0 0.0.0002 /mnt/v
	[ -e /run/e2e-vanish.done ] || fail "the fault was not injected (no /run/e2e-vanish.done)"
	ccw_offline 0.0.0002 || fail "0.0.0002 is not offline after the injection"
	expect_fault 32 "0.0.0002"
	echo 1 >"$online" || fail "cannot set 0.0.0002 online"
	wait_for 10 virtiofs_bound 0.0.0002 || fail "0.0.0002 not bound to virtiofs again"
	# Online again 0.3 s after the injection (whenever that comes)
	rm -f /run/e2e-vanish.done /run/e2e-vanish.back
	echo "\$ (after the injection: sleep 0.3; echo 1 > $online) &"
	(
		wait_for 10 test -e /run/e2e-vanish.done && sleep 0.3
		uptime_cs >/run/e2e-vanish.back
		echo 1 >"$online"
	) &
	run env LD_PRELOAD=/e2e/vanish.so E2E_VANISH_ONLINE="$online" virtiofs-ccw mount -w 5 0.0.0002 /mnt/v
	t1=$(uptime_cs)
	wait
	[ -e /run/e2e-vanish.done ] || fail "the fault was not injected (no /run/e2e-vanish.done)"
	t0=$(cat /run/e2e-vanish.back)
	echo "  (returned $(((t1 - t0) * 10)) ms after the device was set online again)"
	[ "$t1" -ge "$t0" ] || fail "'$RUN_CMD' returned before the device was back"
	expect_rc 0
	expect_mount /mnt/v share1
	run virtiofs-ccw umount /mnt/v
	expect_rc 0
	expect_no_mount /mnt/v
	wait_for 10 virtiofs_bound 0.0.0002 || fail "0.0.0002 not bound to virtiofs again"
}

MODLOAD_BL=/etc/modprobe.d/blacklist-virtiofs.conf
MODLOAD_AWAY=/run/e2e-virtiofs.ko
# modload_restore: the EXIT trap of fault-modload: blacklist gone, modules
# directory uncovered, module file back
modload_restore() {
	rm -f "$MODLOAD_BL"
	[ -z "$MODLOAD_MADE" ] || rmdir /etc/modprobe.d 2>/dev/null
	busybox umount "$MODLOAD_DIR" 2>/dev/null
	[ ! -e "$MODLOAD_AWAY" ] || mv "$MODLOAD_AWAY" "$MODLOAD_KO"
}

# fault-modload (6.1, first in the boot: virtiofs is a module and nobody has
# loaded it yet). Blacklisted in /etc/modprobe.d: `virtiofs-ccw mount share0
# DIR` exits 32 with one line saying so, loads nothing, mounts nothing. A
# modules directory without it (an empty tmpfs over /lib/modules/RELEASE, as a
# kernel built without virtiofs) and then its module file moved away (the
# index still names it): exit 32, "no module virtiofs". Everything is put back,
# so modload, next, finds virtiofs unloaded and loads it. (With the file gone,
# libkmod has loaded fuse, the dependency, before it finds that: shown, not
# failed; modprobe does the same.)
scenario_fault_modload() {
	MODLOAD_DIR=/lib/modules/$(uname -r)
	MODLOAD_KO=$(find "$MODLOAD_DIR" -name 'virtiofs.ko*' | head -n1)
	MODLOAD_MADE=
	[ -n "$MODLOAD_KO" ] || fail "virtiofs is no module of $(uname -r) (built in?): this scenario needs one"
	fs_registered virtiofs && fail "virtiofs is registered already: fault-modload must run before modload"
	module_loaded virtiofs && fail "virtiofs is loaded already: fault-modload must run before modload"
	[ -d /etc/modprobe.d ] || MODLOAD_MADE=1
	trap modload_restore EXIT
	mkdir -p /etc/modprobe.d /mnt/x
	echo 'blacklist virtiofs' >"$MODLOAD_BL"
	show cat "$MODLOAD_BL"
	state_save
	run virtiofs-ccw mount share0 /mnt/x
	expect_fault 32 "module virtiofs is blacklisted"
	module_loaded virtiofs && fail "'$RUN_CMD' loaded virtiofs"
	module_loaded fuse && fail "'$RUN_CMD' loaded fuse"
	rm -f "$MODLOAD_BL"
	[ -z "$MODLOAD_MADE" ] || rmdir /etc/modprobe.d

	echo "\$ mount -t tmpfs e2e-nomods $MODLOAD_DIR   # a kernel without the module"
	busybox mount -t tmpfs e2e-nomods "$MODLOAD_DIR" || fail "cannot mount a tmpfs on $MODLOAD_DIR"
	state_save
	run virtiofs-ccw mount share0 /mnt/x
	expect_fault 32 "no module virtiofs"
	busybox umount "$MODLOAD_DIR" || fail "cannot unmount the tmpfs from $MODLOAD_DIR"
	module_loaded fuse && fail "'$RUN_CMD' loaded fuse"

	echo "\$ mv $MODLOAD_KO $MODLOAD_AWAY   # the index still names it"
	mv "$MODLOAD_KO" "$MODLOAD_AWAY" || fail "cannot move $MODLOAD_KO away"
	state_save
	run virtiofs-ccw mount share0 /mnt/x
	expect_fault 32 "no module virtiofs"
	mv "$MODLOAD_AWAY" "$MODLOAD_KO" || fail "cannot move $MODLOAD_KO back"
	module_loaded virtiofs && fail "'$RUN_CMD' loaded virtiofs"
	fs_registered virtiofs && fail "virtiofs is registered after '$RUN_CMD'"
	module_loaded fuse && echo "  (fuse, virtiofs's dependency, is loaded now, as modprobe would leave it)"
	if grep -q virtiofs /run/e2e-modprobe.log 2>/dev/null; then
		fail "the kernel asked for virtiofs itself: $(tr '\n' ' ' </run/e2e-modprobe.log)"
	fi
}

# ---- hostile tags ------------------------------------------------------------------
# The hidden shares (SHARES in run.sh; cio_ignore= hides them at boot, so the
# scenarios before see the usual three) carry tags a hostile host could
# choose: "-rf", "$(touch /tmp/pwn1);`touch /tmp/pwn2`" (36 bytes),
# "/../../tmp/escape" and "a\b\x41,c#d" with a byte 0xff. hostile-list frees
# them (/proc/cio_ignore), hostile-hide takes them away again (offline,
# purge); between them every command meets them with real mounts. Nothing may
# reach a shell (/tmp/pwn1, /tmp/pwn2 never appear) or a path (/tmp/escape
# never appears). What each output must show is computed by share_table
# (lib.sh, ESC_AWK), in one awk run per table.
HOSTILE_DIR=/mnt/hostile

# no_pwn: none of the files the tags would make exists
no_pwn() {
	local f
	for f in /tmp/pwn1 /tmp/pwn2 /tmp/escape /pwn1 /pwn2 /escape; do
		[ ! -e "$f" ] || fail "$f exists: a tag reached a shell or a path"
	done
}

# hostile_cleanup: the EXIT trap of the hostile-* scenarios: unmount (lazily)
# whatever virtiofs mount a failed step left, drop fstab and policy file and
# the fstab mountpoints of the hidden shares
hostile_cleanup() {
	local mp busid hostid tag disp json raw fstab dname rest
	rm -f /etc/fstab "$AUTO_CONF"
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "virtiofs") print $5; break } }' \
		/proc/self/mountinfo >/run/e2e-hostile.left
	while read -r mp; do
		mp=$(printf '%b' "$(printf '%s' "$mp" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')")
		echo "  cleanup: umount -l $mp"
		busybox umount -l "$mp"
	done </run/e2e-hostile.left
	share_table hidden >/run/e2e-hostile.table
	# shellcheck disable=SC2034 # fields before the dirname, read to get to it
	while IFS=$TAB read -r busid hostid tag disp json raw fstab dname rest; do
		rmdir "/mnt/virtiofs/$dname" 2>/dev/null
	done </run/e2e-hostile.table
	return 0
}

# fail_collected FILE: if FILE holds problems (one a line; collected so that
# one share's failure does not hide the others'), show them all and fail with
# the first
fail_collected() {
	[ -s "$1" ] || return 0
	sed 's/^/  problem: /' "$1"
	fail "$(head -n1 "$1")$([ "$(wc -l <"$1")" = 1 ] || echo " (and $(($(wc -l <"$1") - 1)) more, see the console)")"
}

# sysfs_tag_is BUSID TAG: the virtiofs export of BUSID holds exactly TAG
sysfs_tag_is() {
	local v d
	v=$(virtio_of "$1")
	[ -n "$v" ] || return 1
	for d in "/sys/fs/virtiofs/${v#virtio}" /sys/fs/virtiofs/*; do
		case $(readlink "$d/device" 2>/dev/null) in
		*/"$1/$v")
			[ "$(cat "$d/tag")" = "$2" ]
			return
			;;
		esac
	done
	return 1
}

# hostile-list (6.12): a hidden share does not exist for Linux, and list says
# how to free it (exit 32, "cio_ignore -r BUSID"). Freed, each is bound to
# virtiofs, its tag in /sys/fs/virtiofs byte for byte; `list --json` shows all
# seven shares with the right tags (escaped: "a\\x5cb\\x5cx41,c#d\\xff"),
# and `list -r` one line of five fields per device, the tag as raw output
# encodes it (a\x5cb\x5cx41,c#d\xff, $(touch\x20/tmp/pwn1);...).
scenario_hostile_list() {
	local busid hostid tag disp json raw rest n
	trap hostile_cleanup EXIT
	share_table hidden >/run/e2e-hidden
	[ -s /run/e2e-hidden ] || fail "no hidden shares in $SHARES_FILE"
	show cat /proc/cio_ignore
	IFS=$TAB read -r busid rest </run/e2e-hidden
	run virtiofs-ccw list "$busid"
	expect_rc 32
	expect_err_lines 1
	expect_err "hidden by cio_ignore"
	expect_err "cio_ignore -r $busid"
	while IFS=$TAB read -r busid rest; do
		hot_absent "$busid" || fail "$busid is there before it was freed from cio_ignore"
		echo "\$ echo free $busid > /proc/cio_ignore"
		echo "free $busid" >/proc/cio_ignore || fail "cannot free $busid"
	done </run/e2e-hidden
	while IFS=$TAB read -r busid hostid tag rest; do
		wait_for 30 sysfs_tag_is "$busid" "$tag" ||
			fail "$busid: no export of its tag in /sys/fs/virtiofs 30 s after it was freed"
	done </run/e2e-hidden
	check_list_json cold hidden
	# -r: a header and one line per device, five fields (MOUNTPOINTS is
	# empty), the tag in the third as raw output encodes it
	run virtiofs-ccw list -r
	expect_rc 0
	share_table cold hidden >/run/e2e-all
	n=$(wc -l </run/e2e-all)
	[ "$(wc -l </tmp/out)" = $((n + 1)) ] ||
		fail "list -r printed $(wc -l </tmp/out) lines, expected $((n + 1)) (a header and $n devices)"
	awk 'NR > 1 && NF != 5 { print; bad = 1 } END { exit bad }' /tmp/out >/run/e2e-hostile.bad ||
		fail "list -r lines without exactly 5 fields: $(head -n1 /run/e2e-hostile.bad)"
	while IFS=$TAB read -r busid hostid tag disp json raw rest; do
		grep -qF -- "$busid $hostid $raw yes virtio" /tmp/out ||
			fail "list -r has no line '$busid $hostid $raw yes virtioN'"
	done </run/e2e-all
	no_pwn
}

# hostile-mount (6.12): each hidden share, by bus-ID: `virtiofs-ccw mount -v
# BUSID /mnt/hostile/BUSID` mounts its tag there (mountinfo: exactly these
# mounts, sources as the kernel escapes them) and says "tag 'DISPLAY' mounted
# on DIR"; then one `virtiofs-ccw umount -v -- TAG...` finds them all by their
# tags in the mount table and unmounts them ("DISPLAY: unmounted" each).
scenario_hostile_mount() {
	local busid hostid tag disp rest dir
	trap hostile_cleanup EXIT
	share_table hidden >/run/e2e-hidden
	: >/run/e2e-bad
	set --
	while IFS=$TAB read -r busid hostid tag disp rest; do
		dir=$HOSTILE_DIR/$busid
		mkdir -p "$dir"
		run virtiofs-ccw mount -v "$busid" "$dir" </dev/null
		[ "$RC" = 0 ] && [ "$(cat /tmp/out)" = "tag '$disp' mounted on $dir" ] ||
			echo "'$RUN_CMD' exited $RC and said [$(cat /tmp/out /tmp/err)], expected 0 and [tag '$disp' mounted on $dir]" >>/run/e2e-bad
		set -- "$@" "$tag"
	done </run/e2e-hidden
	fail_collected /run/e2e-bad
	awk -F "$TAB" -v d="$HOSTILE_DIR" '{ print d "/" $1 " " $9 }' /run/e2e-hidden | sort >/run/e2e-want
	virtiofs_mount_list >/run/e2e-got
	cmp -s /run/e2e-got /run/e2e-want ||
		fail "virtiofs mounts [$(tr '\n' '|' </run/e2e-got)], expected [$(tr '\n' '|' </run/e2e-want)]"
	run virtiofs-ccw umount -v -- "$@"
	expect_rc 0
	cut -f4 /run/e2e-hidden | sed 's/$/: unmounted/' | sort >/run/e2e-want
	sort /tmp/out >/run/e2e-got
	cmp -s /run/e2e-got /run/e2e-want ||
		fail "'$RUN_CMD' said [$(tr '\n' '|' </tmp/out)], expected [$(tr '\n' '|' </run/e2e-want)]"
	[ "$(virtiofs_mounts)" = 0 ] || fail "$(virtiofs_mounts) virtiofs mounts left"
	[ -z "$(utab_list)" ] || fail "utab keeps entries: $(utab_list | tr '\n' '|')"
	while IFS=$TAB read -r busid rest; do
		rmdir "$HOSTILE_DIR/$busid"
	done </run/e2e-hidden
	rmdir "$HOSTILE_DIR"
	no_pwn
}

# hostile-fstab (6.12): `virtiofs-ccw fstab BUSID...` prints for each exactly
# "TAG /mnt/virtiofs/DIRNAME virtiofs defaults,nofail,X-mount.mkdir 0 0", fields escaped as
# fstab reads them (\040, \134, \043, \377). Those lines, unchanged, are
# /etc/fstab, and util-linux's `mount DIR` (by the mountpoint; mount(8) runs
# mount.virtiofs SOURCE DIR -o ...) mounts exactly that tag there (mountinfo:
# exactly these mounts); `umount DIR...` unmounts them. The mountpoints are
# made here and removed afterwards.
scenario_hostile_fstab() {
	local busid hostid tag disp json raw fst dname rest
	trap hostile_cleanup EXIT
	share_table hidden >/run/e2e-hidden
	# shellcheck disable=SC2046 # bus-IDs are single words
	run virtiofs-ccw fstab $(cut -f1 /run/e2e-hidden)
	expect_rc 0
	# a tag that reads as a path is named by its bus-ID, with a comment naming the tag
	awk -F "$TAB" '{
		src = $7
		if (substr($3, 1, 1) == "/") {
			print "# " $1 ": tag '\''" $4 "'\'' reads as a path in fstab: named by its bus-ID"
			src = $1
		}
		print src " /mnt/virtiofs/" $11 " virtiofs defaults,nofail,X-mount.mkdir 0 0"
	}' /run/e2e-hidden | sort >/run/e2e-want
	sort /tmp/out >/run/e2e-got
	cmp -s /run/e2e-got /run/e2e-want ||
		fail "fstab printed [$(tr '\n' '|' </tmp/out)], expected [$(tr '\n' '|' </run/e2e-want)]"
	cp /tmp/out /etc/fstab
	: >/run/e2e-bad
	set --
	# shellcheck disable=SC2034 # fields before the dirname, read to get to it
	while IFS=$TAB read -r busid hostid tag disp json raw fst dname rest; do
		mkdir -p "/mnt/virtiofs/$dname"
		run "$UL_MOUNT" "/mnt/virtiofs/$dname" </dev/null
		[ "$RC" = 0 ] || echo "$busid: '$RUN_CMD' exited $RC: $(head -n1 /tmp/err)" >>/run/e2e-bad
		set -- "$@" "/mnt/virtiofs/$dname"
	done </run/e2e-hidden
	awk -F "$TAB" '{ print "/mnt/virtiofs/" $10 " " $9 }' /run/e2e-hidden | sort >/run/e2e-want
	virtiofs_mount_list >/run/e2e-got
	cmp -s /run/e2e-got /run/e2e-want ||
		echo "virtiofs mounts [$(tr '\n' '|' </run/e2e-got)], expected [$(tr '\n' '|' </run/e2e-want)]" >>/run/e2e-bad
	fail_collected /run/e2e-bad
	run "$UL_UMOUNT" "$@"
	expect_rc 0
	[ "$(virtiofs_mounts)" = 0 ] || fail "$(virtiofs_mounts) virtiofs mounts left"
	rmdir "$@"
	rm -f /etc/fstab
	no_pwn
}

# hostile_snapshot: every path of the guest's own file systems, /tmp and /mnt
# included, except the kernel's (/proc, /sys, /dev), udevd's and libmount's
# (/run/udev, /run/mount), the harness's (/run/e2e-*) and the mount base
hostile_snapshot() {
	find / \( -path /proc -o -path /sys -o -path /dev -o -path /run/udev -o -path /run/mount \
		-o -path '/run/e2e-*' -o -path "$AUTO_BASE" \) -prune -o -print | sort
}

# hostile-automount (6.12): automount = all. `automount --dry-run` plans one
# mount per share (the cold ones too), exactly as share_table predicts, each
# on a directory directly below /run/virtiofs (the planned path, decoded, is
# checked as such). The real `virtiofs-ccw automount` mounts each there, and
# only there (mountinfo's virtiofs mounts, utab's entries with their marks,
# the base's names: each exactly the expected set), and nothing else changes
# anywhere (a find of /, /run, /tmp, /mnt before and after). Run again, it
# changes nothing (the tags read back from the mount table match), and
# `automount --remove` detaches nothing (all devices are there, same tags).
# Then one `virtiofs-ccw umount DIR...` unmounts them all.
scenario_hostile_automount() {
	local planned
	trap hostile_cleanup EXIT
	share_table cold hidden >/run/e2e-all
	auto_conf 'automount = all'
	awk -F "$TAB" -v base="$AUTO_BASE" '{ print "mount " $7 " " base "/" $11 " nosuid,nodev" }' \
		/run/e2e-all | sort >/run/e2e-want
	run virtiofs-ccw automount --dry-run
	expect_rc 0
	sort /tmp/out >/run/e2e-got
	cmp -s /run/e2e-got /run/e2e-want ||
		fail "'$RUN_CMD' printed [$(tr '\n' '|' </tmp/out)], expected [$(tr '\n' '|' </run/e2e-want)]"
	# The planned directories themselves, decoded from the fstab escapes
	while read -r _ _ planned _; do
		planned=$(printf '%b' "$(printf '%s' "$planned" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')")
		case ${planned#"$AUTO_BASE"/} in
		"$planned" | */* | . | .. | '') fail "planned mountpoint $planned is not directly below $AUTO_BASE" ;;
		esac
	done </tmp/out
	hostile_snapshot >/run/e2e-fs.before
	run virtiofs-ccw automount
	expect_rc 0
	[ ! -s /tmp/err ] || fail "'$RUN_CMD' printed: $(head -n1 /tmp/err)"
	awk -F "$TAB" -v base="$AUTO_BASE" '{ print base "/" $10 " " $9 }' /run/e2e-all | sort >/run/e2e-want
	virtiofs_mount_list >/run/e2e-got
	cmp -s /run/e2e-got /run/e2e-want ||
		fail "virtiofs mounts [$(tr '\n' '|' </run/e2e-got)], expected [$(tr '\n' '|' </run/e2e-want)]"
	awk -F "$TAB" -v base="$AUTO_BASE" '{ print base "/" $10 " x-virtiofs-ccw.auto=" $1 }' /run/e2e-all |
		sort >/run/e2e-want
	utab_list >/run/e2e-got
	cmp -s /run/e2e-got /run/e2e-want ||
		fail "utab [$(tr '\n' '|' </run/e2e-got)], expected [$(tr '\n' '|' </run/e2e-want)]"
	cut -f8 /run/e2e-all | sort >/run/e2e-want
	dir_entries "$AUTO_BASE" >/run/e2e-got
	cmp -s /run/e2e-got /run/e2e-want ||
		fail "$AUTO_BASE holds [$(tr '\n' '|' </run/e2e-got)], expected [$(tr '\n' '|' </run/e2e-want)]"
	hostile_snapshot >/run/e2e-fs.after
	diff /run/e2e-fs.before /run/e2e-fs.after >/run/e2e-fs.diff ||
		fail "outside $AUTO_BASE: $(tr '\n' ' ' </run/e2e-fs.diff)"
	no_pwn
	state_save
	run virtiofs-ccw automount
	expect_rc 0
	expect_state_kept
	run virtiofs-ccw automount --remove
	expect_rc 0
	expect_state_kept
	# shellcheck disable=SC2046 # directory names hold no blank or glob character
	run virtiofs-ccw umount $(awk -F "$TAB" -v base="$AUTO_BASE" '{ print base "/" $8 }' /run/e2e-all)
	expect_rc 0
	[ "$(virtiofs_mounts)" = 0 ] || fail "$(virtiofs_mounts) virtiofs mounts after '$RUN_CMD'"
	[ -z "$(utab_list)" ] || fail "utab keeps entries: $(utab_list | tr '\n' '|')"
	while read -r planned; do
		rmdir "$AUTO_BASE/$planned" || fail "cannot remove $AUTO_BASE/$planned"
	done </run/e2e-want
	rm -f "$AUTO_CONF"
	no_pwn
}

# hostile-hide (6.12): the hidden shares go as an administrator would take
# them away: on the cio_ignore list, offline, purged. They leave sysfs, and
# `list --json` shows the three cold shares only, none mounted; no file a tag
# names exists anywhere.
scenario_hostile_hide() {
	local busid hostid tag rest
	trap hostile_cleanup EXIT
	share_table hidden >/run/e2e-hidden
	while IFS=$TAB read -r busid hostid tag rest; do
		[ -e "/sys/bus/ccw/devices/$busid" ] || continue
		[ "$(mounts_of "$tag")" = 0 ] || fail "$busid is still mounted"
		echo "\$ echo add $busid > /proc/cio_ignore; echo 0 > /sys/bus/ccw/devices/$busid/online"
		echo "add $busid" >/proc/cio_ignore || fail "cannot add $busid to cio_ignore"
		echo 0 >"/sys/bus/ccw/devices/$busid/online" || fail "cannot set $busid offline"
	done </run/e2e-hidden
	echo '$ echo purge > /proc/cio_ignore'
	echo purge >/proc/cio_ignore || fail "cio_ignore purge failed"
	while IFS=$TAB read -r busid rest; do
		wait_for 30 hot_absent "$busid" || fail "$busid still in sysfs 30 s after the purge"
	done </run/e2e-hidden
	check_list_json cold
	no_pwn
	find / \( -path /proc -o -path /sys -o -path /dev \) -prune -o \( -name 'pwn[12]' -o -name escape \) -print \
		>/run/e2e-pwn
	[ ! -s /run/e2e-pwn ] || fail "found $(tr '\n' ' ' </run/e2e-pwn)"
}

# demo: not a test, a tour for `run.sh demo`: mount each share by the host ID
# the administrator sees in libvirt, then list and fstab.
scenario_demo() {
	local busid hostid tag
	show virtiofs-ccw list || fail "virtiofs-ccw list failed"
	echo
	expect_shares cold >/tmp/expected
	while IFS=$TAB read -r busid hostid tag; do
		mkdir -p "/mnt/$tag"
		show virtiofs-ccw mount -v "$hostid" "/mnt/$tag" || fail "mounting $hostid failed"
	done </tmp/expected
	echo
	show virtiofs-ccw list || fail "virtiofs-ccw list failed"
	echo
	echo '$ grep virtiofs /proc/self/mountinfo'
	grep ' - virtiofs ' /proc/self/mountinfo
	echo
	echo "# fstab lines, by tag or (with mount.virtiofs) by bus-ID:"
	show virtiofs-ccw fstab || fail "virtiofs-ccw fstab failed"
	show virtiofs-ccw fstab --by-busid || fail "virtiofs-ccw fstab --by-busid failed"
}
