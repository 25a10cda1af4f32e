#!/usr/bin/env bash
# tools/demo.sh -- the demo command (README "Two commands").
#
#   tools/demo.sh          run the demo, then stop everything
#   tools/demo.sh --keep   run the demo and leave PostgreSQL and the q test
#                          server running in the background, for psql
#   tools/demo.sh --stop   stop what --keep left running
#
# On a fresh Debian 12 machine, as root: installs what is missing (apt-get),
# builds and installs qipc_fdw, starts a throwaway PostgreSQL 15 cluster
# (Unix socket only, in a temporary directory) and the q test server loaded
# with sample market data (demo/market.q: trades, quotes, a keyed reference
# table and q API functions), and runs demo/demo.sql, printing each query
# and its result.
#
# --keep records what it started (the q test server's pid, the cluster's
# data directory, the temporary directory) in the state file
# $QIPC_DEMO_STATE (default .demo.state at the top of the checkout) and
# exits, leaving both services up, with or without a terminal; --stop reads
# that file, stops them and removes the temporary directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$QIPC_ROOT"

STATE=${QIPC_DEMO_STATE:-$QIPC_ROOT/.demo.state}

usage() {
	echo "usage: tools/demo.sh [--keep | --stop]" >&2
	exit 2
}

mode=run
case "${1:-}" in
"") ;;
--keep) mode=keep ;;
--stop) mode=stop ;;
-h | --help)
	sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*) usage ;;
esac
[ $# -le 1 ] || usage

# state_get KEY: the value of KEY=VALUE in the state file
state_get() {
	sed -n "s/^$1=//p" "$STATE" | head -n1
}

# qserver_alive PID: PID is a running q test server (not a recycled pid)
qserver_alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null &&
		tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'qserver'
}

# stop_kept: stop the services recorded in the state file, remove it
stop_kept() {
	local qpid pgdata tmp
	qpid=$(state_get qserver_pid)
	pgdata=$(state_get pg_data)
	tmp=$(state_get tmp)
	if qserver_alive "$qpid"; then
		kill "$qpid"
		for _ in $(seq 1 100); do
			qserver_alive "$qpid" || break
			sleep 0.05
		done
		qipc_log "stopped the q test server (pid $qpid)"
	fi
	if [ -n "$pgdata" ] && [ -f "$pgdata/postmaster.pid" ]; then
		qipc_as_pg "$PGBIN/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop >/dev/null
		qipc_log "stopped PostgreSQL ($pgdata)"
	fi
	# only ever a directory this script made with mktemp
	case "$tmp" in
	/tmp/qipc_demo.*) rm -rf "$tmp" ;;
	esac
	rm -f "$STATE"
}

if [ "$mode" = stop ]; then
	if [ ! -f "$STATE" ]; then
		echo "no demo left running by tools/demo.sh --keep (no $STATE)"
		exit 0
	fi
	stop_kept
	echo "demo stopped"
	exit 0
fi

if [ -f "$STATE" ]; then
	if qserver_alive "$(state_get qserver_pid)" ||
		[ -f "$(state_get pg_data)/postmaster.pid" ]; then
		echo "a demo started with --keep is still running (see $STATE);" \
			"stop it first: tools/demo.sh --stop" >&2
		exit 1
	fi
	# left over from a machine restart or a killed run
	stop_kept
fi

QIPC_TMP_PREFIX=qipc_demo
trap qipc_cleanup EXIT

qipc_install_deps
export PATH="$PGBIN:$PATH"
qipc_log "building and installing qipc_fdw"
make -s with_llvm=no >/dev/null
# the q test server and its client (plain make builds only the extension)
make -s qserver >/dev/null
qipc_install_lock
make -s with_llvm=no install >/dev/null

qipc_log "starting PostgreSQL 15 (throwaway cluster) and the q test server"
qipc_pg_start 54330
# a kept q test server must outlive the terminal, as the postmaster does:
# it inherits an ignored SIGHUP (as under nohup; it sets no handler of its
# own for it), and a background job of this script already ignores SIGINT
[ "$mode" = keep ] && trap '' HUP
qipc_qserver_start QIPC_DEMO_PORT demo/market.q
[ "$mode" = keep ] && trap - HUP
qipc_log "q test server with demo/market.q on port $QIPC_DEMO_PORT"

qipc_log "running demo/demo.sql"
psql -X -q -v ON_ERROR_STOP=1 -v qport="$QIPC_DEMO_PORT" -e -f demo/demo.sql

if [ "$mode" = keep ]; then
	{
		echo "qserver_pid=$QIPC_DEMO_PORT_PID"
		echo "qport=$QIPC_DEMO_PORT"
		echo "pg_data=$QIPC_PG_DATA"
		echo "pghost=$PGHOST"
		echo "pgport=$PGPORT"
		echo "tmp=$QIPC_TMP"
	} >"$STATE"
	# hand the services over to --stop: the EXIT trap must leave them alone
	QIPC_PIDS=()
	QIPC_PG_DATA=""
	QIPC_KEEP_TMP=1
	echo
	echo "The demo is still running (state in $STATE):"
	echo "  PostgreSQL:    psql -h $PGHOST -p $PGPORT -U postgres"
	echo "  q test server: 127.0.0.1:$QIPC_DEMO_PORT" \
		"(test/qserver/tests/qclient -p $QIPC_DEMO_PORT 'tables[]')"
	echo "Stop it with:    tools/demo.sh --stop"
fi
