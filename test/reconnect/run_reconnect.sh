#!/usr/bin/env bash
# test/reconnect/run_reconnect.sh -- the q server process is really killed
# (SIGKILL) and started again while one PostgreSQL session keeps its cached
# connection: the next query must reconnect transparently; with the server
# still down for a while, reconnect_attempts must carry the query through;
# with it gone for good, the query must fail with a clear error.
#
# pg_regress cannot kill processes, so this drives one psql session whose
# \! meta-commands kill and restart the q test server between queries.
# Uses tools/lib.sh; ends with "N passed, M failed".
set -uo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/../../tools/lib.sh"
qipc_install_lock
cd "$QIPC_ROOT" || exit 2
trap 'kill "$(cat "$QIPC_TMP/qs.pid" 2>/dev/null)" 2>/dev/null; qipc_cleanup' EXIT
export PATH="$PGBIN:$PATH"

qipc_tmpdir
qipc_pg_start 54331 >/dev/null
# the first server is started by hand so that it can be killed and the
# next one bound to the same port
# a script, not a function: psql's \! runs /bin/sh
cat >"$QIPC_TMP/startq.sh" <<EOS
#!/bin/sh
# startq.sh PORT: start a q test server on PORT, wait until it listens
"$QIPC_ROOT/test/qserver/qserver" -p "\$1" >"$QIPC_TMP/qs.log" 2>&1 &
echo \$! >"$QIPC_TMP/qs.pid"
i=0
while [ \$i -lt 100 ]; do
	grep -q listening "$QIPC_TMP/qs.log" && exit 0
	sleep 0.05; i=\$((i + 1))
done
exit 1
EOS
# killq.sh: SIGKILL the q server and wait until it is gone (kill returns
# before the process has closed its listening socket)
cat >"$QIPC_TMP/killq.sh" <<EOS
#!/bin/sh
pid=\$(cat "$QIPC_TMP/qs.pid")
kill -9 "\$pid"
while kill -0 "\$pid" 2>/dev/null; do sleep 0.01; done
exit 0
EOS
chmod +x "$QIPC_TMP/startq.sh" "$QIPC_TMP/killq.sh"
port=$((20000 + RANDOM % 20000))
for _ in 1 2 3 4 5; do "$QIPC_TMP/startq.sh" "$port" && break; port=$((port + 1)); done
export QIPC_TMP port

out=$(psql -X -q -At -d postgres -v qport="$port" 2>&1 <<'SQL'
CREATE EXTENSION IF NOT EXISTS qipc_fdw;
CREATE SERVER rk FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port :'qport');
CREATE SERVER rk5 FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport', reconnect_attempts '5', reconnect_delay '0.5', reconnect_backoff '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER rk;
CREATE USER MAPPING FOR CURRENT_USER SERVER rk5;
SELECT 'first:' || qipc_exec('rk', '1+1')::text;
SELECT 'first5:' || qipc_exec('rk5', '1+1')::text;
\! "$QIPC_TMP/killq.sh"; "$QIPC_TMP/startq.sh" "$port"
SELECT 'after-restart:' || qipc_exec('rk', '2+2')::text;
SELECT 'reconnects:' || reconnects FROM qipc_fdw_get_connections() WHERE server_name = 'rk';
\! "$QIPC_TMP/killq.sh"; (sleep 1.2; "$QIPC_TMP/startq.sh" "$port") >/dev/null 2>&1 &
SELECT 'after-outage:' || qipc_exec('rk5', '3+3')::text;
\! "$QIPC_TMP/killq.sh"
\set VERBOSITY sqlstate
SELECT 'down:' || qipc_exec('rk', '4+4')::text;
\set VERBOSITY default
DROP SERVER rk CASCADE;
DROP SERVER rk5 CASCADE;
SQL
)
echo "$out"

passed=0; failed=0
check() {	# check LABEL PATTERN: the psql output must contain a line matching
	if grep -qE "$2" <<<"$out"; then
		echo "ok - $1"; passed=$((passed + 1))
	else
		echo "not ok - $1"; failed=$((failed + 1))
	fi
}
check "query before the kill" '^first:2$'
check "transparent reconnect after kill -9 and restart" '^after-restart:4$'
check "the reconnect is counted" '^reconnects:1$'
check "reconnect_attempts carries a query over a 1.2 s outage" '^after-outage:6$'
check "each attempt is announced" 'WARNING:  connection to q server "rk5" lost, reconnecting in 0\.5 s \(attempt 1 of 5\)'
check "a server that stays down is a clear connection error" '^ERROR:  08001$'
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
