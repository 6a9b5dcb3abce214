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

# ---- how shares get mounted: THE single place to change ----------------------
# For now the kernel directly, via busybox; later `virtiofs-ccw mount ...` or
# mount(8) with our mount.virtiofs helper.
mount_share() { # TAG DIR
	mount -t virtiofs "$1" "$2"
}
# -------------------------------------------------------------------------------

# check_list_json KIND...: `virtiofs-ccw list --json` shows exactly the shares
# of these kinds, each with the right host ID, tag (null without kernel tag
# export), online state, virtio device (as in sysfs) and no mount points.
check_list_json() {
	local rc n want busid hostid tag obj tagv virtio
	virtiofs-ccw list --json >/tmp/list.json 2>/tmp/list.err
	rc=$?
	echo "\$ virtiofs-ccw list --json   (newlines removed)"
	tr -d '\n' </tmp/list.json
	echo
	[ "$rc" = 0 ] || fail "list --json exited $rc: $(head -n1 /tmp/list.err)"
	json_devices </tmp/list.json >/tmp/list.flat
	expect_shares "$@" >/tmp/expected
	n=$(wc -l </tmp/list.flat)
	want=$(wc -l </tmp/expected)
	[ "$n" = "$want" ] || fail "list --json shows $n devices, expected $want"
	# The default virtio-net device (0.0.0000) must not be listed.
	grep -qF '"busid":"0.0.0000"' /tmp/list.flat && fail "list --json shows the virtio-net device 0.0.0000"
	while IFS=$TAB read -r busid hostid tag; do
		obj=$(grep -F "\"busid\":$(json_str "$busid")" /tmp/list.flat) ||
			fail "list --json lacks $busid"
		json_has "$obj" hostid "$(json_str "$hostid")" ||
			fail "$busid: hostid $(json_get "$obj" hostid), expected $hostid"
		if [ "$E2E_TAGS" = 1 ]; then tagv=$(json_str "$tag"); else tagv=null; fi
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
# bus-IDs; with kernel tag export each line is exactly "BUSID TAG".
check_list_raw() {
	local rc busid hostid tag
	virtiofs-ccw list --raw --noheadings -o BUSID,TAG >/tmp/list.raw 2>/tmp/list.err
	rc=$?
	[ "$rc" = 0 ] || fail "list --raw exited $rc: $(head -n1 /tmp/list.err)"
	expect_shares "$@" >/tmp/expected
	awk '{ print $1 }' /tmp/list.raw | sort >/tmp/got.ids
	cut -f1 /tmp/expected | sort >/tmp/want.ids
	cmp -s /tmp/got.ids /tmp/want.ids ||
		fail "list --raw bus-IDs [$(tr '\n' ' ' </tmp/got.ids)] expected [$(tr '\n' ' ' </tmp/want.ids)]"
	[ "$E2E_TAGS" = 1 ] || return 0
	while IFS=$TAB read -r busid hostid tag; do
		# raw output escapes blanks as \x20
		grep -qxF "$busid $(printf '%s' "$tag" | sed 's/ /\\x20/g')" /tmp/list.raw ||
			fail "list --raw has no line '$busid $tag'"
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
		echo "\$ mount -t virtiofs $tag $dir"
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
		umount "/mnt/e2e$i" || fail "umount /mnt/e2e$i failed"
		[ -z "$(mountinfo_at "/mnt/e2e$i")" ] || fail "/mnt/e2e$i still mounted after umount"
	done
}

# kernel-mount-bad-tag: the kernel refuses a tag no device has.
scenario_kernel_mount_bad_tag() {
	mkdir -p /mnt/bad
	if mount_share e2e-no-such-tag /mnt/bad; then
		umount /mnt/bad
		fail "mounting an unknown tag succeeded"
	fi
	[ -z "$(mountinfo_at /mnt/bad)" ] || fail "/mnt/bad is mounted"
}

hot_present() { [ -e "/sys/bus/ccw/devices/$1" ] && [ -n "$(virtio_of "$1")" ]; }
hot_absent() { [ ! -e "/sys/bus/ccw/devices/$1" ]; }
list_has_tag() { # BUSID TAG
	virtiofs-ccw list --json 2>/dev/null | json_devices |
		grep -F "\"busid\":$(json_str "$1")" | grep -qF "\"tag\":$(json_str "$2")"
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
	check_list_json cold hot
	request hotplug-del "$busid"
	wait_for 60 hot_absent "$busid" || fail "$busid still present 60 s after the removal request"
	echo "  $busid is gone"
	show virtiofs-ccw list
	check_list_json cold
}

# demo: not a test, a tour for `run.sh demo`.
scenario_demo() {
	local busid hostid tag
	show virtiofs-ccw list || fail "virtiofs-ccw list failed"
	echo
	expect_shares cold >/tmp/expected
	while IFS=$TAB read -r busid hostid tag; do
		mkdir -p "/mnt/$busid"
		echo "\$ mount -t virtiofs $tag /mnt/$busid"
		mount_share "$tag" "/mnt/$busid" || fail "mounting $tag failed"
	done </tmp/expected
	echo
	echo '$ grep virtiofs /proc/self/mountinfo'
	grep ' - virtiofs ' /proc/self/mountinfo
	echo
	show virtiofs-ccw list
}
