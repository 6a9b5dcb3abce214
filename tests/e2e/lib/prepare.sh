# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Fetching s390x packages with a private apt state (never the machine's own
# apt configuration or dpkg architecture list) and unpacking them into the
# cache: guest kernels, busybox-static, util-linux's mount, udev and a
# cross-build sysroot.
#
# Cache layout ($E2E_CACHE):
#   apt/                private apt lists, sources, empty dpkg status
#   debs/               downloaded .deb files (file names carry the version)
#   x/<deb-basename>/   one extracted .deb each (reused while the version is current)
#   sysroot-<key>/      sysroot; key = hash of the exact .deb file names

E2E_SUITE=bookworm
E2E_SUITES="$E2E_SUITE $E2E_SUITE-updates $E2E_SUITE-backports"
E2E_DEFAULT_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
SYSROOT_PKGS=(libudev-dev libmount-dev libkmod-dev libsmartcols-dev libcmocka-dev libc6-dev)
# Lists older than this are refreshed (seconds); E2E_REFRESH=1 forces it.
E2E_LISTS_MAX_AGE=$((24 * 3600))

APT_DIR=
APT_OPTS=()

# Print "URI<TAB>KEYRING" of the machine's Debian archive for $E2E_SUITE, read
# from its deb822 sources (or a one-line sources.list). Nothing is hard-coded.
host_mirror() {
	local f
	for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v suite="$E2E_SUITE" -v defkey="$E2E_DEFAULT_KEYRING" '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uri != "" && !done) {
					printf "%s\t%s\n", uri, (key ~ /^\// ? key : defkey); done = 1
				}
				types = suites = uri = key = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^Types:/      { sub(/^Types:[ \t]*/, "");      types = $0 }
			/^Suites:/     { sub(/^Suites:[ \t]*/, "");     suites = $0 }
			/^URIs:/       { sub(/^URIs:[ \t]*/, "");       split($0, u, /[ \t]+/); uri = u[1] }
			/^Signed-By:/  { sub(/^Signed-By:[ \t]*/, "");  key = $0 }
			END { flush() }
		' "$f" | head -n1 | grep . && return 0
	done
	if [ -r /etc/apt/sources.list ]; then
		# deb [options] URI SUITE COMPONENTS...
		awk -v suite="$E2E_SUITE" -v defkey="$E2E_DEFAULT_KEYRING" '
			$1 == "deb" {
				i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
				if ($(i + 1) == suite) { printf "%s\t%s\n", $i, defkey; exit }
			}' /etc/apt/sources.list | grep . && return 0
	fi
	return 1
}

apt_setup() {
	local mirror uri keyring
	APT_DIR=$E2E_CACHE/apt
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/archives/partial" "$APT_DIR/cache" \
		"$APT_DIR/sources.list.d" "$APT_DIR/preferences.d"
	[ -e "$APT_DIR/status" ] || : >"$APT_DIR/status"
	[ -s "$APT_DIR/status" ] && die "$APT_DIR/status must stay empty"
	mirror=$(host_mirror) || die "no '$E2E_SUITE' deb source found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
	uri=${mirror%%$'\t'*}
	keyring=${mirror#*$'\t'}
	printf '%s\n' "Types: deb" "URIs: $uri" "Suites: $E2E_SUITES" "Components: main" \
		"Architectures: s390x" "Signed-By: $keyring" >"$APT_DIR/sources.list.d/e2e.sources.new"
	if ! cmp -s "$APT_DIR/sources.list.d/e2e.sources.new" "$APT_DIR/sources.list.d/e2e.sources"; then
		mv "$APT_DIR/sources.list.d/e2e.sources.new" "$APT_DIR/sources.list.d/e2e.sources"
		rm -f "$APT_DIR/lists.stamp"   # mirror changed: lists are stale
	else
		rm -f "$APT_DIR/sources.list.d/e2e.sources.new"
	fi
	# Debug::NoLocking: apt would otherwise take the machine's dpkg lock; our
	# own flock on the cache serialises concurrent harness runs instead.
	APT_OPTS=(
		-o "APT::Architecture=s390x" -o "APT::Architectures=s390x"
		-o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::State::status=$APT_DIR/status"
		-o "Dir::Cache=$APT_DIR/cache" -o "Dir::Cache::archives=$APT_DIR/archives"
		-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d"
		-o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$APT_DIR/preferences.d"
		-o "APT::Sandbox::User=root" -o "Acquire::Languages=none" -o "Debug::NoLocking=1"
		-o "APT::Install-Recommends=false"
	)
}

apt_update() {
	local stamp=$APT_DIR/lists.stamp age
	if [ -e "$stamp" ] && [ "${E2E_REFRESH:-0}" != 1 ]; then
		age=$(($(date +%s) - $(stat -c %Y "$stamp")))
		[ "$age" -lt "$E2E_LISTS_MAX_AGE" ] && return 0
	fi
	log "refreshing private s390x package lists ($E2E_SUITES)"
	if apt-get "${APT_OPTS[@]}" -qq update >"$APT_DIR/update.log" 2>&1; then
		touch "$stamp"
	elif [ -e "$stamp" ]; then
		warn "apt-get update failed, using the lists from $(date -r "$stamp")"
	else
		cat "$APT_DIR/update.log" >&2
		die "apt-get update (private s390x state) failed"
	fi
}

# newest_pkg ERE -> the highest-versioned package name matching ERE
newest_pkg() {
	apt-cache "${APT_OPTS[@]}" pkgnames linux-image- | grep -E -- "$1" | sort -V | tail -n1
}

# fetch_debs PKG... -> prints the cached .deb paths, downloading missing ones.
# The file names (pkg_version_arch.deb) are the cache key.
fetch_debs() {
	local uris name missing=() line file
	mkdir -p "$E2E_CACHE/debs"
	uris=$(apt-get "${APT_OPTS[@]}" -qq --print-uris download "$@") ||
		die "cannot resolve packages: $*"
	while read -r line; do
		file=$(printf '%s\n' "$line" | awk '{print $2}')
		[ -s "$E2E_CACHE/debs/$file" ] || missing+=("$file")
	done <<<"$uris"
	if [ "${#missing[@]}" -gt 0 ]; then
		log "downloading: ${missing[*]}"
		(cd "$E2E_CACHE/debs" && apt-get "${APT_OPTS[@]}" -qq download "$@") >&2 ||
			die "download failed: $*"
	fi
	while read -r line; do
		name=$(printf '%s\n' "$line" | awk '{print $2}')
		printf '%s\n' "$E2E_CACHE/debs/$name"
	done <<<"$uris"
}

# extract_deb DEB -> prints the directory it is unpacked in (cached)
extract_deb() {
	local deb=$1 dir
	dir=$E2E_CACHE/x/$(basename "$deb" .deb)
	if [ ! -e "$dir/.done" ]; then
		rm -rf -- "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		dpkg -x "$deb" "$dir.tmp"
		touch "$dir.tmp/.done"
		mv "$dir.tmp" "$dir"
	fi
	printf '%s\n' "$dir"
}

# Absolute symlinks in a sysroot point out of it (the linker would follow
# them into the host's /lib); make them relative.
relativize_symlinks() {
	local root=$1 link target rel
	while IFS= read -r -d '' link; do
		target=$(readlink "$link")
		case $target in
		/*)
			rel=$(realpath -m -s --relative-to="$(dirname "$link")" "$root$target")
			ln -sfn -- "$rel" "$link"
			;;
		esac
	done < <(find "$root" -type l -print0)
}

# prepare_sysroot -> sets SYSROOT
prepare_sysroot() {
	local files key deb
	# The closure as apt would install it on an empty system ("Inst NAME
	# (VERSION ... [ARCH])"), turned into the archive's file names.
	files=$(apt-get "${APT_OPTS[@]}" -s install "${SYSROOT_PKGS[@]}" |
		sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*\[\([a-z0-9]*\)\]).*/\1_\2_\3.deb/p' |
		sed 's/:/%3a/g' | sort) || die "cannot resolve sysroot packages"
	[ -n "$files" ] || die "sysroot closure is empty?"
	key=$(printf '%s\n' "$files" | sha256sum | cut -c1-12)
	SYSROOT=$E2E_CACHE/sysroot-$key
	[ -e "$SYSROOT/.done" ] && return 0
	log "building sysroot ($(printf '%s\n' "$files" | wc -l) packages)"
	apt-get "${APT_OPTS[@]}" -qq install --download-only "${SYSROOT_PKGS[@]}" >&2 ||
		die "sysroot download failed"
	rm -rf -- "$SYSROOT" "$SYSROOT.tmp"
	mkdir -p "$SYSROOT.tmp"
	while IFS= read -r deb; do
		[ -e "$APT_DIR/archives/$deb" ] || die "expected $deb in $APT_DIR/archives"
		dpkg -x "$APT_DIR/archives/$deb" "$SYSROOT.tmp"
	done <<<"$files"
	relativize_symlinks "$SYSROOT.tmp"
	touch "$SYSROOT.tmp/.done"
	mv "$SYSROOT.tmp" "$SYSROOT"
	# Older sysroots are superseded (a new package version changed the key).
	find "$E2E_CACHE" -maxdepth 1 -name 'sysroot-*' ! -path "$SYSROOT" -exec rm -rf -- {} +
}

# prune_versions ERE KEEP: drop cached .debs and unpacked trees of packages
# whose name matches ERE, except the file KEEP (basename without .deb): a
# newer version superseded them.
prune_versions() {
	local ere=$1 keep=$2 f base
	for f in "$E2E_CACHE"/debs/*.deb "$E2E_CACHE"/x/*; do
		[ -e "$f" ] || continue
		base=$(basename "$f" .deb)
		[ "$base" = "$keep" ] && continue
		if printf '%s\n' "${base%%_*}" | grep -qE -- "$ere"; then
			log "pruning superseded $base"
			rm -rf -- "$f"
		fi
	done
}

# prepare_kernel KEY ERE -> sets KERNEL_DIR_<KEY>, KERNEL_VER_<KEY>, KERNEL_PKG_<KEY>
# via the associative arrays below. Also generates the full tree's module
# indexes once, so modprobe --show-depends can resolve dependencies.
declare -A KERNEL_DIR KERNEL_VER KERNEL_PKG
prepare_kernel() {
	local key=$1 ere=$2 pkg deb dir kver
	pkg=$(newest_pkg "$ere")
	[ -n "$pkg" ] || die "no package matches /$ere/ in $E2E_SUITES (s390x)"
	deb=$(fetch_debs "$pkg")
	dir=$(extract_deb "$deb")
	kver=$(find "$dir/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | head -n1)
	if [ -z "$kver" ] || [ ! -e "$dir/boot/vmlinuz-$kver" ]; then
		die "unexpected layout in $deb"
	fi
	if [ ! -e "$dir/lib/modules/$kver/modules.dep.bin" ]; then
		"$DEPMOD" -b "$dir" "$kver"
	fi
	KERNEL_PKG[$key]=$(basename "$deb" .deb)
	prune_versions "$ere" "${KERNEL_PKG[$key]}"
	KERNEL_DIR[$key]=$dir
	KERNEL_VER[$key]=$kver
}

# util-linux's mount(8)/umount(8) (Debian package "mount"): the guest runs the
# real mount(8), which execs our /sbin/mount.virtiofs for type virtiofs.
prepare_util_linux() {
	local deb dir
	deb=$(fetch_debs mount)
	dir=$(extract_deb "$deb")
	prune_versions '^mount$' "$(basename "$deb" .deb)"
	UL_MOUNT=$dir/bin/mount
	UL_UMOUNT=$dir/bin/umount
	[ -x "$UL_MOUNT" ] && [ -x "$UL_UMOUNT" ] || die "no bin/mount, bin/umount in $deb"
}

prepare_busybox() {
	local deb dir
	deb=$(fetch_debs busybox-static)
	dir=$(extract_deb "$deb")
	prune_versions '^busybox-static$' "$(basename "$deb" .deb)"
	BUSYBOX=$dir/bin/busybox
	[ -x "$BUSYBOX" ] || die "no bin/busybox in $deb"
}

# Debian's udev (systemd-udevd, udevadm): the hotplug scenarios run the real
# udevd with the project's real rule. Its binary needs two libraries the build
# sysroot lacks (libacl, libcap); copy_libs finds them in UDEV_LIBROOTS and
# fails loudly should a newer udev need more.
UDEV_EXTRA_PKGS=(libacl1 libcap2)
UDEV_LIBROOTS=()
prepare_udev() {
	local deb dir pkg
	UDEV_LIBROOTS=()
	while IFS= read -r deb; do
		dir=$(extract_deb "$deb")
		pkg=$(basename "$deb" .deb)
		prune_versions "^${pkg%%_*}\$" "$pkg"
		case $pkg in
		udev_*) UDEVADM=$dir/bin/udevadm ;;
		*) UDEV_LIBROOTS+=("$dir") ;;
		esac
	done < <(fetch_debs udev "${UDEV_EXTRA_PKGS[@]}")
	[ -x "${UDEVADM:-}" ] || die "no bin/udevadm in the udev package"
}

# prepare KERNEL_KEY... : everything downloaded/unpacked, under a cache lock
prepare() {
	local k lockfd
	mkdir -p "$E2E_CACHE"
	exec {lockfd}>"$E2E_CACHE/.lock"
	flock "$lockfd"
	apt_setup
	apt_update
	prepare_sysroot
	prepare_busybox
	prepare_util_linux
	prepare_udev
	for k in "$@"; do
		prepare_kernel "$k" "${KERNEL_ERE[$k]}"
		log "kernel $k: ${KERNEL_PKG[$k]}"
	done
	flock -u "$lockfd"
	exec {lockfd}>&-
}
