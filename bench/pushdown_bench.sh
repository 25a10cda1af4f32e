#!/usr/bin/env bash
#
# bench/pushdown_bench.sh
#	Pushdown benchmark: on the ROWS-row q table of the core benchmark
#	(bench/fdw_trade.q, 5,000,000 rows by default: sym, time, price, size,
#	ex; here with one more
#	column, gid: 100,000 distinct ids with the grouped attribute g#), side
#	by side in one run with qipc_fdw.enable_pushdown on and off:
#	  - SELECT sym, count(*), avg(price), sum(size) FROM trade GROUP BY sym
#	  - a filter selecting 0.1% of the rows (size = 7: size is n?1000)
#	  - a point query on the g# column (gid = 4242, about 50 rows)
#	Reports the best of RUNS runs (ms), the rows shipped from q (rows the
#	foreign scan returned, from EXPLAIN ANALYZE) and, for the point query,
#	the rows q read per column (.qserver.stats[], a test-server hook);
#	for the grouped aggregate with pushdown, also q's own time for the
#	request and the foreign scan's share of the execution.
#	Exits 1 when pushdown on and off give different answers (float
#	averages compared to 1e-9 relative: q may add in another order, as
#	PostgreSQL's parallel aggregation may); the speed-up of the grouped
#	aggregate is printed next to its target (10x), not asserted.  With
#	pushdown off the scan is paged (fetch_size), so .qserver.stats[] then
#	shows the last page's request only.
#
# Run as root:  bench/pushdown_bench.sh      (RUNS=3 ROWS=5000000)
# Starts a throwaway PostgreSQL cluster (as postgres, port PGPORT_BENCH,
# default 55434) and a q test server; stops both at the end
# (qipc_bench_setup in tools/lib.sh).
#
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
ROWS=${ROWS:-5000000}

# shellcheck source=tools/lib.sh
. tools/lib.sh
echo "building the $ROWS-row q table ..."
qipc_bench_setup -P "${PGPORT_BENCH:-55434}" -N "$ROWS" bench/fdw_trade.q

psql -X -q -v ON_ERROR_STOP=1 -f bench/trade_gid.sql

Q_AGG="SELECT sym, count(*), avg(price), sum(size) FROM trade GROUP BY sym"
Q_FILTER="SELECT * FROM trade WHERE size = 7"
Q_POINT="SELECT time, price FROM trade WHERE gid = 4242"

# best time in ms of RUNS runs of query $2 with pushdown $1
best_ms() {
	local best="" t i
	for i in $(seq 1 "$RUNS"); do
		t=$(psql -X -q -At <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1
SET qipc_fdw.enable_pushdown = $1;
\\o /dev/null
\\timing on
$2;
SQL
)
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
	done
	echo "$best"
}

# rows shipped from q: rows the foreign scan returned plus the rows its
# local filter removed (EXPLAIN ANALYZE)
shipped() {
	psql -X -q -At <<SQL | awk '
		/Foreign Scan/ && !done { if (match($0, /rows=[0-9]+/)) { n = substr($0, RSTART + 5, RLENGTH - 5) + 0 }; infs = 1; next }
		infs && /Rows Removed by Filter/ { match($0, /[0-9]+/); n += substr($0, RSTART, RLENGTH) + 0 }
		infs && /->/ { infs = 0; done = 1 }
		END { print n }'
SET qipc_fdw.enable_pushdown = $1;
EXPLAIN (ANALYZE, COSTS OFF) $2;
SQL
}

# results must agree: a pushed-down query returns exactly what PostgreSQL
# returns locally (float averages to 1e-9 relative), so a difference fails
# the benchmark (its exit status is 1 after the timings are printed)
differ=0
Q_AGG_CMP="SELECT sym, count(*), to_char(avg(price), 'FM9999.999999999'), sum(size) FROM trade GROUP BY sym ORDER BY sym"
for q in "$Q_AGG_CMP" "$Q_FILTER ORDER BY time" "$Q_POINT ORDER BY time"; do
	a=$(psql -X -q -At -c "SET qipc_fdw.enable_pushdown = on" -c "$q" | md5sum)
	b=$(psql -X -q -At -c "SET qipc_fdw.enable_pushdown = off" -c "$q" | md5sum)
	if [ "$a" = "$b" ]; then
		echo "same result on/off: $q"
	else
		echo "RESULTS DIFFER between pushdown on and off: $q"
		differ=1
	fi
done

printf '\n%-12s %-10s %12s %14s\n' query pushdown "best ms" "rows shipped"
declare -A ms
for name in agg filter point; do
	case $name in
		agg) q=$Q_AGG ;;
		filter) q=$Q_FILTER ;;
		point) q=$Q_POINT ;;
	esac
	for pd in on off; do
		ms[$name.$pd]=$(best_ms $pd "$q")
		printf '%-12s %-10s %12s %14s\n' "$name" "$pd" "${ms[$name.$pd]}" "$(shipped $pd "$q")"
	done
done
speedup=$(awk "BEGIN{printf \"%.1f\", ${ms[agg.off]} / ${ms[agg.on]}}")
echo "GROUP BY sym, count/avg/sum over $ROWS rows: ${speedup}x faster with pushdown (target >= 10x)"

# where the pushed aggregate's time goes, in one warm session: q's own time
# for the request the FDW sends (timed in q: .z.p around value of its text,
# best of RUNS), the foreign scan (request sent to last result row, EXPLAIN
# ANALYZE) and the whole statement
remote=$(psql -X -q -At -c "EXPLAIN (VERBOSE, COSTS OFF) $Q_AGG" | sed -n 's/^ *Remote q: //p')
qtext=$(printf '%s' "$remote" | sed 's/\\/\\\\/g; s/"/\\"/g')
psql -X -q -At -v qtext="$qtext" <<SQL | sed -n 's/^BREAKDOWN //p'
\o /dev/null
$Q_AGG;
\o
SELECT 'BREAKDOWN ' || format('agg, pushdown on: q time of the request %s ms', round(min(ms)::numeric, 1))
FROM (SELECT qipc_exec('kdb', '{s:.z.p; value x; (.z.p-s)%1e6}"' || :'qtext' || '"')::float8 AS ms
      FROM generate_series(1, $RUNS)) r;
CREATE FUNCTION pg_temp.scan_ms(q text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE l text; scan text; total text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF) ' || q LOOP
    IF scan IS NULL AND l ~ 'Foreign Scan' THEN
      scan := (regexp_match(l, 'actual time=[0-9.]+\.\.([0-9.]+)'))[1];
    END IF;
    IF l ~ 'Execution Time' THEN total := (regexp_match(l, '([0-9.]+) ms'))[1]; END IF;
  END LOOP;
  RETURN format('foreign scan %s ms of %s ms execution (EXPLAIN ANALYZE)', scan, total);
END \$\$;
SELECT 'BREAKDOWN agg, pushdown on: ' || pg_temp.scan_ms('$Q_AGG');
SQL

# rows q reads for the point query on the g# column, without and with
# pushdown (the last request's .qserver.stats[] on the same connection)
echo
for pd in off on; do
	st=$(psql -X -q -At <<SQL | tail -n 1
SET qipc_fdw.enable_pushdown = $pd;
\\o /dev/null
$Q_POINT;
\\o
SELECT qipc_exec('kdb', '.qserver.stats[]\`rows');
SQL
)
	printf 'point query gid = 4242, pushdown %-3s: rows q read per column: %s\n' "$pd" "$st"
done

# ANALYZE: q draws the sample (30,000 rows at the default statistics target)
echo
psql -X -q <<SQL 2>&1 | grep -E "rows in sample|Time:"
\timing on
ANALYZE VERBOSE trade;
SQL

status=0
if [ "$differ" -ne 0 ]; then
	echo "pushdown_bench: FAILED: pushdown on and off gave different results (see above)"
	status=1
fi
exit $status
