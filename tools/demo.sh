#!/usr/bin/env bash
# tools/demo.sh -- the demo command (README "Quick start").
#
# On a fresh Debian 12 machine, as root: installs what is missing, builds
# and installs qipc_fdw, starts a throwaway PostgreSQL 15 cluster and the q
# test server loaded with sample market data (demo/market.q: trades, quotes,
# a keyed reference table and q API functions), and runs demo/demo.sql,
# printing each query and its result.  Everything is stopped at the end;
# with --keep it stays up until you press Enter, so you can try queries in
# psql yourself.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$QIPC_ROOT"
trap qipc_cleanup EXIT

keep=0
[ "${1:-}" = "--keep" ] && keep=1

qipc_install_deps
export PATH="$PGBIN:$PATH"
qipc_log "building and installing qipc_fdw"
make -s with_llvm=no >/dev/null
make -s qserver >/dev/null
qipc_install_lock
make -s with_llvm=no install >/dev/null

qipc_log "starting PostgreSQL 15 (throwaway cluster) and the q test server"
qipc_pg_start 54330
qipc_qserver_start QIPC_DEMO_PORT demo/market.q
qipc_log "q test server with demo/market.q on port $QIPC_DEMO_PORT"

qipc_log "running demo/demo.sql"
psql -X -q -v ON_ERROR_STOP=1 -v qport="$QIPC_DEMO_PORT" -e -f demo/demo.sql

if [ "$keep" -eq 1 ]; then
	echo
	echo "PostgreSQL:    psql -h $PGHOST -p $PGPORT -U postgres"
	echo "q test server: 127.0.0.1:$QIPC_DEMO_PORT (test/qserver/tests/qclient -p $QIPC_DEMO_PORT 'tables[]')"
	read -r -p "Press Enter to stop everything... " _
fi
