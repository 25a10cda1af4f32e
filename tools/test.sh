#!/usr/bin/env bash
# tools/test.sh -- the project's test command (README "Running the tests").
#
# On a fresh Debian 12 machine, as root: installs what is missing, builds,
# runs the codec unit tests (ASan/UBSan), the q test server's conformance
# and network tests (including the independent node-q client), then starts a
# throwaway PostgreSQL 15 cluster and the q test servers and runs every
# pg_regress suite, the reconnect test and the differential tests of the
# pushdown, of the bind join and of the join pushdown.
# Stops everything it started.
#
# Usage: tools/test.sh [--pg N] [SUITE...]   (default: every suite, in this order:
#	unit conformance conformance-ipc network node-q pg_regress reconnect
#	differential differential-partitioned differential-joins
#	differential-joinpush)
#
# Every suite is a script whose last count line is
#	N passed, M failed, K skipped
# counting test cases (a unit test function or vectors row, a conformance
# row per path, a pg_regress file, a network test, a differential query),
# not checks or setup steps.  A missing suite script, a suite that exits
# non-zero, or one that prints no count line is a failure.  A skip is only
# for a test that cannot run on this machine; every skip is listed by name.
# Prints one line per suite and ends with one line
#	N passed, M failed, K skipped
# exiting non-zero on any failure.
set -uo pipefail

# --- PostgreSQL version (--pg N) -------------------------------------------
# Without --pg the host's PostgreSQL 15 is used.  "--pg N [SUITE...]" runs
# this script again inside a Debian chroot that has PostgreSQL N
# (tools/pgchroot.sh: 15 = bookworm's point release, 17 = trixie,
# 18 = sid), on a copy of the work tree; by default only the suites that
# involve PostgreSQL (the q test server's own suites do not depend on it
# and run on the host).
if [ "${1:-}" = --pg ]; then
	case ${2:-} in
	[0-9]*) ;;
	*) echo "usage: $0 [--pg N] [SUITE...]" >&2; exit 2 ;;
	esac
	if [ -z "${QIPC_IN_CHROOT:-}" ]; then
		# a stale alternative expected file would fail pg_regress there
		bash "$(dirname "$0")/alt-expected.sh" --check || true
		exec bash "$(dirname "$0")/pgchroot.sh" test "$2" "${@:3}"
	fi
	export QIPC_PG_VERSION=$2
	shift 2
	[ $# -gt 0 ] || set -- unit pg_regress reconnect differential differential-partitioned
fi
# ---------------------------------------------------------------------------

. "$(dirname "$0")/lib.sh"
cd "$QIPC_ROOT"
trap qipc_cleanup EXIT

ALL_SUITES=(unit conformance conformance-ipc network node-q pg_regress reconnect differential differential-partitioned differential-joins differential-joinpush)
TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
SUMMARY=()
SKIPS=()
FAILED_SUITES=()

# run_script NAME PATH ARGS...: run a suite script; a missing one fails
# with a count line of its own
run_script() {
	local name=$1 path=$2
	shift 2
	if [ ! -f "$path" ]; then
		echo "not ok - suite $name: script $path is missing"
		echo "0 passed, 1 failed, 0 skipped"
		return 1
	fi
	if [ ! -x "$path" ]; then
		echo "not ok - suite $name: script $path is not executable"
		echo "0 passed, 1 failed, 0 skipped"
		return 1
	fi
	"$path" "$@"
}

# one function per suite
suite_unit()            { make -s unitcheck; }
suite_conformance()     { run_script conformance test/qserver/tests/run_conformance.sh; }
suite_conformance-ipc() { run_script conformance-ipc test/qserver/tests/run_conformance_ipc.sh; }
suite_network()         { run_script network test/qserver/tests/run_network_tests.sh; }
suite_node-q()          { run_script node-q test/qserver/tests/run_nodeq_tests.sh; }
suite_pg_regress()      { run_script pg_regress test/run_regress.sh; }
suite_reconnect()       { run_script reconnect test/reconnect/run_reconnect.sh; }
suite_differential()    { run_script differential test/differential/run_differential.sh; }
# the same generator over a table partitioned across async foreign
# partitions with partition-wise aggregation (full and partial), other
# seeds, plus its fixed partial aggregation queries
suite_differential-partitioned() {
	DIFF_PARTITIONED=1 DIFF_SEEDS=${DIFF_PARTITIONED_SEEDS:-11 12 13 14} \
		run_script differential-partitioned test/differential/run_differential.sh
}
suite_differential-joins() { run_script differential-joins test/differential/run_join_differential.sh; }
suite_differential-joinpush() { run_script differential-joinpush test/differential/run_joinpush_differential.sh; }

# count_line LOG: the suite's last "N passed, M failed[, K skipped]" line
# (a "name: " prefix allowed), as "N M K"; nothing if there is none
count_line() {
	grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$1" | tail -n1 |
		sed -E 's/^([A-Za-z_-]+: )?([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$/\2 \3 \5/'
}

# run_suite NAME: run suite_NAME, add its counts to the totals
run_suite() {
	local name=$1
	local log="${QIPC_TMP}/suite.$name.log" rc p f s counts line named
	qipc_log "suite: $name"
	"suite_$name" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	counts=$(count_line "$log")
	if [ -n "$counts" ]; then
		read -r p f s <<<"$counts"
		s=${s:-0}
	else
		echo "not ok - suite $name printed no 'N passed, M failed, K skipped' line"
		p=0; f=1; s=0
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - suite $name exited with status $rc"
		f=1
	fi
	if [ "$rc" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - suite $name ran no test"
		f=1
	fi
	# every skip must be named: "# skip ..." (TAP style) or "skip - ..."
	named=0
	while IFS= read -r line; do
		SKIPS+=("$name: $line")
		named=$((named + 1))
	done < <(grep -E '^(# skip |skip - )' "$log" | sed -E 's/^(# skip |skip - )//')
	if [ "$named" -ne "$s" ]; then
		echo "not ok - suite $name counts $s skipped but names $named"
		f=$((f + 1))
	fi
	TOTAL_PASSED=$((TOTAL_PASSED + p))
	TOTAL_FAILED=$((TOTAL_FAILED + f))
	TOTAL_SKIPPED=$((TOTAL_SKIPPED + s))
	if [ "$f" -ne 0 ]; then FAILED_SUITES+=("$name"); fi
	SUMMARY+=("$(printf '%-16s %5d passed, %d failed, %d skipped (exit %d)' "$name:" "$p" "$f" "$s" "$rc")")
	qipc_log "$name: $p passed, $f failed, $s skipped (exit $rc)"
}

# build, and install when a suite needs the installed extension (the
# suites' own scripts rebuild as they need)
build_and_install() {
	qipc_log "build"
	if ! make -s with_llvm=no >"$QIPC_TMP/build.log" 2>&1 ||
		! make -s qserver >>"$QIPC_TMP/build.log" 2>&1; then
		cat "$QIPC_TMP/build.log"
		echo "0 passed, 1 failed, 0 skipped"
		exit 2
	fi
	# a compiler warning fails the run (counted as a failure of "build")
	if grep -i 'warning' "$QIPC_TMP/build.log"; then
		echo "not ok - build: compiler warnings (above)"
		TOTAL_FAILED=$((TOTAL_FAILED + 1))
		FAILED_SUITES+=(build)
		SUMMARY+=("$(printf '%-16s %5d passed, %d failed, %d skipped' "build:" 0 1 0)")
	fi
	[ "$1" = 1 ] || return 0
	qipc_install_lock
	if ! make -s with_llvm=no install >"$QIPC_TMP/install.log" 2>&1; then
		cat "$QIPC_TMP/install.log"
		echo "0 passed, 1 failed, 0 skipped"
		exit 2
	fi
}

main() {
	local suites=() s known need_install
	while [ $# -gt 0 ]; do
		case $1 in
			-h|--help)
				sed -n '2,/^set -uo/p' "$0" | sed '$d'
				exit 0 ;;
			-*)
				echo "tools/test.sh: unknown option $1" >&2
				exit 2 ;;
			*)
				known=0
				for s in "${ALL_SUITES[@]}"; do [ "$s" = "$1" ] && known=1; done
				if [ "$known" = 0 ]; then
					echo "tools/test.sh: unknown suite $1 (one of: ${ALL_SUITES[*]})" >&2
					exit 2
				fi
				suites+=("$1") ;;
		esac
		shift
	done
	[ "${#suites[@]}" -gt 0 ] || suites=("${ALL_SUITES[@]}")

	qipc_install_deps
	qipc_tmpdir
	export PATH="$PGBIN:$PATH"
	need_install=0
	for s in "${suites[@]}"; do
		case $s in pg_regress|reconnect|differential|differential-partitioned|differential-joins|differential-joinpush) need_install=1 ;; esac
	done
	build_and_install "$need_install"

	for s in "${suites[@]}"; do
		run_suite "$s"
	done

	echo
	printf '%s\n' "${SUMMARY[@]}"
	if [ "${#SKIPS[@]}" -gt 0 ]; then
		echo "skipped (cannot run on this machine):"
		printf '  %s\n' "${SKIPS[@]}"
	fi
	if [ "${#FAILED_SUITES[@]}" -gt 0 ]; then
		qipc_log "failed suites: ${FAILED_SUITES[*]}"
	fi
	echo "${TOTAL_PASSED} passed, ${TOTAL_FAILED} failed, ${TOTAL_SKIPPED} skipped"
	[ "$TOTAL_FAILED" -eq 0 ]
}

main "$@"
