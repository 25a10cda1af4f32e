#!/usr/bin/env bash
# tools/test.sh -- the project's test command (README "Running the tests").
#
# On a fresh Debian 12 machine, as root: installs what is missing, builds,
# runs the codec unit tests (ASan/UBSan), the q test server's conformance
# and network tests (including the independent node-q client), then starts a
# throwaway PostgreSQL 15 cluster and the q test servers and runs every
# pg_regress suite, then the differential pushdown test.  Stops everything it
# started.  Ends with one line "N passed, M failed"; exits non-zero on any
# failure (printing regression.diffs first).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$QIPC_ROOT"
trap qipc_cleanup EXIT

TOTAL_PASSED=0
TOTAL_FAILED=0
FAILED_SUITES=()

# run_suite NAME CMD...: run a suite whose output ends with "N passed, M failed"
run_suite() {
	local name=$1; shift
	local log="${QIPC_TMP}/suite.$name.log" rc line p f
	qipc_log "suite: $name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([A-Za-z_-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2/')
		f=$(echo "$line" | sed -E 's/^([A-Za-z_-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\3/')
	else
		p=0; f=1
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	TOTAL_PASSED=$((TOTAL_PASSED + p))
	TOTAL_FAILED=$((TOTAL_FAILED + f))
	if [ "$f" -ne 0 ]; then FAILED_SUITES+=("$name"); fi
	qipc_log "$name: $p passed, $f failed (exit $rc)"
}

qipc_install_deps
qipc_tmpdir
export PATH="$PGBIN:$PATH"

qipc_log "build"
if ! make -s with_llvm=no >"$QIPC_TMP/build.log" 2>&1; then
	cat "$QIPC_TMP/build.log"
	echo "0 passed, 1 failed"
	exit 2
fi
make -s qserver >>"$QIPC_TMP/build.log" 2>&1 || { cat "$QIPC_TMP/build.log"; echo "0 passed, 1 failed"; exit 2; }
grep -i 'warning' "$QIPC_TMP/build.log" && qipc_log "build produced warnings (see above)"
qipc_install_lock
make -s with_llvm=no install >"$QIPC_TMP/install.log" 2>&1 || { cat "$QIPC_TMP/install.log"; echo "0 passed, 1 failed"; exit 2; }

run_suite unit make -s unitcheck

if [ -x test/qserver/tests/run_conformance.sh ]; then
	run_suite conformance test/qserver/tests/run_conformance.sh
fi
if [ -x test/qserver/tests/run_conformance_ipc.sh ]; then
	run_suite conformance-ipc test/qserver/tests/run_conformance_ipc.sh
fi
if [ -x test/qserver/tests/run_network_tests.sh ]; then
	run_suite network test/qserver/tests/run_network_tests.sh
fi
if [ -x test/qserver/tests/run_nodeq_tests.sh ]; then
	run_suite node-q test/qserver/tests/run_nodeq_tests.sh
fi

run_suite pg_regress test/run_regress.sh
run_suite reconnect test/reconnect/run_reconnect.sh

if [ -x test/differential/run_differential.sh ]; then
	run_suite differential test/differential/run_differential.sh
fi

if [ "${#FAILED_SUITES[@]}" -gt 0 ]; then
	qipc_log "failed suites: ${FAILED_SUITES[*]}"
fi
echo "${TOTAL_PASSED} passed, ${TOTAL_FAILED} failed"
[ "$TOTAL_FAILED" -eq 0 ]
