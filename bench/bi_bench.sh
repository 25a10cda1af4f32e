#!/usr/bin/env bash
#
# bench/bi_bench.sh
#	BI benchmark: the grouping queries BI tools send (time buckets,
#	timestamp::date, DISTINCT, GROUP BY without aggregates, VWAP, CASE and
#	COALESCE keys) on a
#	ROWS-row q table (bench/fdw_trade.q, 5,000,000 rows by default, its
#	times spread over one day here: 86,400 s / ROWS apart, 17.28 ms at the
#	default size), each with qipc_fdw.enable_pushdown on and
#	off.  Reports the best of RUNS runs (ms), the rows shipped from q (rows
#	the foreign scan returned, from EXPLAIN ANALYZE) and the result's rows,
#	and the planner's row estimate of the table (the cached remote count,
#	without use_remote_estimate).
#	Exits 1 when pushdown on and off give different answers, when a pushed
#	query ships more rows than its result has, or when one is not at least
#	MIN_SPEEDUP (5) times faster with pushdown.
#
# Run as root:  bench/bi_bench.sh      (RUNS=3 ROWS=5000000 MIN_SPEEDUP=5)
# Starts a throwaway PostgreSQL cluster (as postgres, port PGPORT_BENCH,
# default 55435) and a q test server; stops both at the end
# (qipc_bench_setup in tools/lib.sh).
#
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
ROWS=${ROWS:-5000000}
MIN_SPEEDUP=${MIN_SPEEDUP:-5}

# shellcheck source=tools/lib.sh
. tools/lib.sh
echo "building the $ROWS-row q table ..."
qipc_bench_setup -P "${PGPORT_BENCH:-55435}" -N "$ROWS" bench/fdw_trade.q

psql -X -q -v ON_ERROR_STOP=1 <<SQL
\\o /dev/null
SELECT qipc_exec('kdb', 'fdw_bench_trade:update time:2024.01.02D00:00:00.000000000+(86400000000000 div count i)*til count i from fdw_bench_trade; count fdw_bench_trade');
\\o
CREATE FOREIGN TABLE trade (sym text COLLATE "C", time timestamp,
  price double precision, size bigint, ex text)
  SERVER kdb OPTIONS (table 'fdw_bench_trade');
SQL

QUERIES=(
	"SELECT date_trunc('hour', time), count(*), sum(size) FROM trade GROUP BY 1"
	"SELECT date_trunc('minute', time), sym, count(*), min(price), max(price) FROM trade GROUP BY 1, 2"
	"SELECT time::date, count(*) FROM trade GROUP BY 1"
	"SELECT DISTINCT sym FROM trade"
	"SELECT sym, date_trunc('hour', time) FROM trade GROUP BY 1, 2"
	"SELECT extract(hour FROM time), count(*), sum(size) FROM trade GROUP BY 1"
	"SELECT date_bin('15 minutes', time, TIMESTAMP '2024-01-01 00:05'), sym, count(*), max(price) FROM trade GROUP BY 1, 2"
	"SELECT sym, round(stddev(price)::numeric, 8), count(*) FROM trade WHERE extract(hour FROM time) BETWEEN 9 AND 16 GROUP BY 1"
	"SELECT sym, round((sum(price * size) / sum(size))::numeric, 6) AS vwap FROM trade GROUP BY sym"
	"SELECT CASE WHEN price > 100 THEN 'high' ELSE 'low' END, COALESCE(sym, '?'), count(*), sum(size) FROM trade GROUP BY 1, 2"
)

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

# rows shipped from q: rows the foreign scan returned (EXPLAIN ANALYZE)
shipped() {
	psql -X -q -At <<SQL | awk '/Foreign Scan/ && !done { if (match($0, /rows=[0-9]+/)) n = substr($0, RSTART + 5, RLENGTH - 5) + 0; done = 1 } END { print n }'
SET qipc_fdw.enable_pushdown = $1;
EXPLAIN (ANALYZE, COSTS OFF) $2;
SQL
}

status=0
printf '%-4s %-9s %10s %10s %8s %8s\n' query pushdown "best ms" shipped result speedup
n=0
for q in "${QUERIES[@]}"; do
	n=$((n + 1))
	a=$(psql -X -q -At -c "SET qipc_fdw.enable_pushdown = on" -c "$q ORDER BY 1" | sort | md5sum)
	b=$(psql -X -q -At -c "SET qipc_fdw.enable_pushdown = off" -c "$q ORDER BY 1" | sort | md5sum)
	result=$(psql -X -q -At -c "SELECT count(*) FROM ($q) r")
	on_ms=$(best_ms on "$q")
	off_ms=$(best_ms off "$q")
	on_rows=$(shipped on "$q")
	off_rows=$(shipped off "$q")
	speedup=$(awk "BEGIN{printf \"%.1f\", $off_ms / $on_ms}")
	echo "Q$n: $q"
	printf '%-4s %-9s %10s %10s %8s\n' "Q$n" off "$off_ms" "$off_rows" "$result"
	printf '%-4s %-9s %10s %10s %8s %7sx\n' "Q$n" on "$on_ms" "$on_rows" "$result" "$speedup"
	if [ "$a" != "$b" ]; then
		echo "bi_bench: FAILED: Q$n gives different results with pushdown on and off"
		status=1
	fi
	if [ "$on_rows" -gt "$result" ]; then
		echo "bi_bench: FAILED: Q$n ships $on_rows rows for $result result rows"
		status=1
	fi
	if ! awk "BEGIN{exit !($speedup >= $MIN_SPEEDUP)}"; then
		echo "bi_bench: FAILED: Q$n is only ${speedup}x faster with pushdown"
		status=1
	fi
done

# the planner's estimate of the table: the remote count, not ~1,000 rows
echo
# (the first plan of a fresh session: the planner connects to ask)
est=$(psql -X -q -At -c "EXPLAIN SELECT * FROM trade" | sed -n 's/.*rows=\([0-9]*\).*/\1/p' | head -n 1)
echo "planner estimate for SELECT * FROM trade in a fresh session: $est rows"
if [ "$est" != "$ROWS" ]; then
	echo "bi_bench: FAILED: the planner estimates $est rows, not $ROWS"
	status=1
fi
exit $status
