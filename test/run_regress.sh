#!/usr/bin/env bash
#
# test/run_regress.sh
#	Run the pg_regress suites (test/regress_schedule) against a throwaway
#	PostgreSQL 15 cluster and q test servers, all started and stopped here.
#
# Run as root from anywhere:  test/run_regress.sh
# It builds and installs the extension (make && make install), starts
#	- a PostgreSQL cluster as user postgres (private socket dir, TCP off);
#	- three q test servers loading test/fixtures/*.q, on free ports:
#	    QIPC_TEST_PORT       plain
#	    QIPC_TEST_AUTH_PORT  -U users file with regress_user:secret
#	    QIPC_TEST_ZIP_PORT   -C always (compressed responses)
# then runs the suites with pg_regress (as make installcheck does, but with
# its output in the temp dir; RESULTS_DIR=dir keeps a copy) and stops
# everything it started.
# Environment: PGPORT_REGRESS (default 55432), REGRESS (suites to run,
# default: all of test/regress_schedule), QIPC_FIXTURES (q scripts to
# load, default test/fixtures/*.q), KEEP=1 to keep the temp dir.
# Last line: "pg_regress: N passed, M failed".  Exit status: 0 when all pass.
#
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PATH="$PGBIN:$PATH"
export PG_CONFIG=${PG_CONFIG:-$PGBIN/pg_config}
PGPORT_REGRESS=${PGPORT_REGRESS:-55432}

make -s >/dev/null
make -s install >/dev/null

TMP=$(mktemp -d /tmp/qipc_regress.XXXXXX)
chmod 755 "$TMP"
chown postgres: "$TMP"
QPIDS=()

as_pg() { (cd / && runuser -u postgres -- "$@"); }

cleanup() {
	local pid
	for pid in "${QPIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${QPIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [ -f "$TMP/data/postmaster.pid" ]; then
		as_pg pg_ctl -D "$TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ "${KEEP:-0}" != 1 ]; then
		rm -rf "$TMP"
	else
		echo "kept $TMP"
	fi
}
trap cleanup EXIT

# start_qserver NAME ARGS...: start a q test server on a free port, set
# QPORT_<NAME> to its port.
start_qserver() {
	local name=$1
	shift
	local log="$TMP/qserver_$name.log"
	local port=""
	local i
	test/qserver/qserver -p 0 "$@" >"$log" 2>&1 &
	QPIDS+=("$!")
	for i in $(seq 1 100); do
		port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
		[ -n "$port" ] && break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		echo "q test server $name did not start:" >&2
		cat "$log" >&2
		exit 2
	fi
	printf -v "QPORT_$name" '%s' "$port"
}

# QIPC_FIXTURES: override the q scripts loaded (default test/fixtures/*.q)
if [ -n "${QIPC_FIXTURES:-}" ]; then
	# shellcheck disable=SC2206
	FIXTURES=($QIPC_FIXTURES)
else
	FIXTURES=(test/fixtures/*.q)
fi
printf 'regress_user:secret\n' >"$TMP/users"
start_qserver plain "${FIXTURES[@]}"
start_qserver auth -U "$TMP/users" "${FIXTURES[@]}"
start_qserver zip -C always "${FIXTURES[@]}"
# PyKX's server.py example with its .z.pg/.z.ps hooks, on its own server:
# the walkthrough restarts it and its hooks must not sit in front of the
# other suites
start_qserver pykx test/fixtures/pykx/server.q
export QIPC_TEST_PYKX_PORT=$QPORT_pykx
export QIPC_TEST_PORT=$QPORT_plain
export QIPC_TEST_AUTH_PORT=$QPORT_auth
export QIPC_TEST_ZIP_PORT=$QPORT_zip

as_pg initdb -D "$TMP/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >"$TMP/initdb.log"
as_pg pg_ctl -D "$TMP/data" -l "$TMP/server.log" -w -t 60 \
	-o "-p $PGPORT_REGRESS -k $TMP -c listen_addresses=''" start >/dev/null
export PGHOST=$TMP PGPORT=$PGPORT_REGRESS PGUSER=postgres

# pg_regress directly (what make installcheck runs), with its output in
# the temp dir so that concurrent runs in the same tree cannot collide
PG_REGRESS="$($PG_CONFIG --pkglibdir)/pgxs/src/test/regress/pg_regress"
if [ -n "${REGRESS:-}" ]; then
	read -r -a SUITES <<<"$REGRESS"
else
	mapfile -t SUITES < <(grep -v '^[[:space:]]*$' test/regress_schedule)
fi
mkdir -p "$TMP/out"
set +e
"$PG_REGRESS" --inputdir="$ROOT" --outputdir="$TMP/out" --bindir="$PGBIN" \
	--load-extension=qipc_fdw --dbname=contrib_regression "${SUITES[@]}" 2>&1 |
	tee "$TMP/regress.log"
status=${PIPESTATUS[0]}
set -e

if [ "$status" -ne 0 ]; then
	[ -f "$TMP/out/regression.diffs" ] && { echo "--- regression.diffs ---"; cat "$TMP/out/regression.diffs"; }
	echo "--- server.log (tail) ---"
	tail -n 30 "$TMP/server.log"
fi
if [ -n "${RESULTS_DIR:-}" ]; then
	rm -rf "$RESULTS_DIR"
	cp -r "$TMP/out" "$RESULTS_DIR"
fi
passed=$(grep -cE '^(test | +)?[[:alnum:]_-]+ +\.\.\. ok' "$TMP/regress.log" || true)
failed=$(grep -cE '\.\.\. FAILED' "$TMP/regress.log" || true)
echo "pg_regress: ${passed} passed, ${failed} failed"
exit "$status"
