# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared helpers for the e2e harness: logging, timing, process and temp-dir
# bookkeeping. Sourced by run.sh; expects `set -euo pipefail`.

E2E_T0=$(date +%s.%N)

log()  { printf '%s\n' "e2e: $*" >&2; }
warn() { printf '%s\n' "e2e: warning: $*" >&2; }
die()  { printf '%s\n' "e2e: error: $*" >&2; exit 2; }

now() { date +%s.%N; }

# elapsed START -> seconds with one decimal since START
elapsed() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

# Timings are collected as "label seconds" lines and printed at the end.
E2E_TIMINGS=()
timed() {
	local label=$1 t rc=0
	shift
	t=$(now)
	"$@" || rc=$?
	E2E_TIMINGS+=("$label $(elapsed "$t")")
	return "$rc"
}

print_timings() {
	local line
	printf 'timings:'
	for line in "${E2E_TIMINGS[@]}"; do
		printf ' %s=%ss' "${line% *}" "${line##* }"
	done
	printf ' total=%ss\n' "$(elapsed "$E2E_T0")"
}

# --- work directory and processes -------------------------------------------
# Everything a run creates lives in one mktemp dir; every process we start is
# recorded here and killed by PID on exit (never by name).
E2E_WORK=
E2E_PIDS=()

work_init() {
	E2E_WORK=$(mktemp -d "${TMPDIR:-/tmp}/virtiofs-ccw-e2e.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

track_pid() { E2E_PIDS+=("$1"); }

# untrack_pids PID...: processes known to be gone (their PIDs may be reused)
untrack_pids() {
	local keep=() p q gone
	for p in "${E2E_PIDS[@]}"; do
		gone=
		for q in "$@"; do [ "$p" = "$q" ] && gone=1; done
		[ -n "$gone" ] || keep+=("$p")
	done
	E2E_PIDS=("${keep[@]}")
}

cleanup() {
	local rc=$? pid
	set +e
	for pid in "${E2E_PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && kill "$pid" 2>/dev/null
	done
	# give them a moment, then insist
	for pid in "${E2E_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	done
	if [ -n "$E2E_WORK" ] && [ -d "$E2E_WORK" ]; then
		if [ "${E2E_KEEP:-0}" = 1 ]; then
			log "kept work directory $E2E_WORK"
		else
			rm -rf -- "$E2E_WORK"
		fi
	fi
	return "$rc"
}

# --- host packages ------------------------------------------------------------
# DEPS (set by the suite): "command-or-path package" lines.
missing_packages() {
	local line what pkg
	for line in "${DEPS[@]}"; do
		read -r what pkg <<<"$line"
		case $what in
		/*) [ -x "$what" ] && continue ;;
		*) command -v "$what" >/dev/null 2>&1 && continue ;;
		esac
		printf '%s\n' "$pkg"
	done | sort -u
}

# install_missing SUITE-COMMAND: install what DEPS lacks (as root), or say how
install_missing() {
	local missing
	mapfile -t missing < <(missing_packages)
	if [ "${#missing[@]}" = 0 ]; then
		log "host packages: all present"
		return 0
	fi
	[ "$(id -u)" = 0 ] ||
		die "missing host packages: ${missing[*]} (as root: $1 deps, or apt-get install ${missing[*]})"
	log "installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
	mapfile -t missing < <(missing_packages)
	[ "${#missing[@]}" = 0 ] || die "still missing after install: ${missing[*]}"
}

# require_packages SUITE-COMMAND: fail unless DEPS are all there
require_packages() {
	local missing
	mapfile -t missing < <(missing_packages)
	[ "${#missing[@]}" = 0 ] || die "missing host packages: ${missing[*]} (run: $1 deps)"
}
