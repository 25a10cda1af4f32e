#!/usr/bin/env bash
#
# bench/cancel_bench.sh
#	How quickly a paged scan ends on a cancel: pg_cancel_backend sent to a
#	session in the middle of SELECT count(*) over a ROWS-row foreign table
#	(20,000,000 by default, pushdown off so that every page is shipped),
#	CANCELS times at delays spread over the scan, and the same against a
#	local heap table holding the same rows as the baseline (PostgreSQL's
#	own interrupt granularity).  The latency is measured inside PostgreSQL,
#	from just before pg_cancel_backend to the moment the victim's error
#	arrives (through dblink, whose round trip is included for both
#	contenders).  After every cancel the victim runs a small query on the
#	same connection, so a connection left unusable fails the run.
#
# Run as root:  bench/cancel_bench.sh     (ROWS=20000000 CANCELS=10)
# Starts a throwaway PostgreSQL 15 cluster (as postgres, port PGPORT_BENCH,
# default 55441) and a q test server, and stops both at the end
# (qipc_bench_setup in tools/lib.sh).
#
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/lib.sh
. tools/lib.sh

ROWS=${ROWS:-20000000}
CANCELS=${CANCELS:-10}
PGPORT_BENCH=${PGPORT_BENCH:-55441}

QIPC_PG_OPTS="-c shared_buffers=1GB" \
	qipc_bench_setup -P "$PGPORT_BENCH" -e dblink -N "$ROWS" bench/fdw_trade.q
TMP=$QIPC_TMP

psql -q -v ON_ERROR_STOP=1 <<SQL
CREATE FOREIGN TABLE trade (sym text, time timestamp, price float8, size bigint, ex "char")
  SERVER kdb OPTIONS (table 'fdw_bench_trade');
CREATE TABLE trade_local AS SELECT * FROM trade;
VACUUM (FREEZE, ANALYZE) trade_local;

-- one cancel: start the scan in the victim session, wait until it runs,
-- give it delay_s more, cancel it; returns the latency in ms, the SQLSTATE
-- the victim got and whether its connection answers the next query
CREATE FUNCTION cancel_once(tab text, delay_s float8,
                            OUT ms float8, OUT code text, OUT usable bool)
LANGUAGE plpgsql AS \$\$
DECLARE
  target int;
  t0 timestamptz;
BEGIN
  SELECT pid INTO target
    FROM dblink('victim', 'SELECT pg_backend_pid()') AS t(pid int);
  PERFORM dblink_send_query('victim', format('SELECT count(*) FROM %I', tab));
  FOR i IN 1..300 LOOP
    PERFORM pg_stat_clear_snapshot();
    EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity
                       WHERE pid = target AND state = 'active'
                         AND query LIKE '%count(*) FROM%');
    PERFORM pg_sleep(0.01);
  END LOOP;
  PERFORM pg_sleep(delay_s);
  t0 := clock_timestamp();
  PERFORM pg_cancel_backend(target);
  BEGIN
    PERFORM * FROM dblink_get_result('victim') AS t(n bigint);
    code := '00000';
  EXCEPTION WHEN query_canceled OR others THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE;
  END;
  ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
  PERFORM * FROM dblink_get_result('victim') AS t(n bigint);
  usable := (SELECT n = 1 FROM dblink('victim', 'SELECT 1') AS t(n int));
END \$\$;
SQL

# the scan time of each contender, so that the cancel delays fall inside it
scan_ms() {
	psql -At <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
SET qipc_fdw.enable_pushdown = off;
\\timing on
SELECT count(*) FROM $1;
SQL
}

status=0
printf '%-12s %10s %10s %10s %10s %s\n' table "scan ms" "min ms" "median ms" "max ms" "(latency of $CANCELS cancels)"
for t in trade_local trade; do
	full=$(scan_ms "$t")
	lat=$(psql -At -v ON_ERROR_STOP=1 <<SQL
SELECT dblink_connect('victim', format('host=%s port=%s dbname=postgres user=postgres',
                                       '$PGHOST', '$PGPORT'));
SELECT * FROM dblink('victim', 'SET qipc_fdw.enable_pushdown = off') AS t(s text);
SELECT string_agg(format('%s %s %s', round(c.ms::numeric, 2), c.code, c.usable), E'\n')
  FROM generate_series(1, $CANCELS) AS g(k),
       LATERAL cancel_once('$t', $full / 1000.0 * (0.05 + 0.45 * (g.k - 1) / greatest($CANCELS - 1, 1))) c;
SQL
)
	lat=$(echo "$lat" | grep -E '^[0-9.]+ ')
	# a scan that ended before the cancel arrived (00000) is not counted
	late=$(echo "$lat" | awk '$2 == "00000"' | wc -l)
	if [ "$late" -gt 0 ]; then echo "$t: $late scans ended before their cancel (not counted)"; fi
	lat=$(echo "$lat" | awk '$2 != "00000"')
	if echo "$lat" | awk '$2 != "57014" || $3 != "t" { bad = 1 } END { exit !bad }'; then
		echo "cancel_bench: FAILED: $t: a cancel did not give 57014 or left the connection unusable:"
		echo "$lat"
		status=1
	fi
	echo "$lat" | awk '{ print $1 }' | sort -n >"$TMP/lat_$t"
	n=$(wc -l <"$TMP/lat_$t")
	printf '%-12s %10.1f %10.2f %10.2f %10.2f\n' "$t" "$full" \
		"$(head -n 1 "$TMP/lat_$t")" \
		"$(sed -n "$(( (n + 1) / 2 ))p" "$TMP/lat_$t")" \
		"$(tail -n 1 "$TMP/lat_$t")"
done
exit $status
