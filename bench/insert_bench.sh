#!/usr/bin/env bash
#
# bench/insert_bench.sh
#	Write benchmark: COPY FROM a CSV file into a qipc_fdw foreign table on
#	the q test server (id bigint, sym text -> symbol, px float8, qty bigint,
#	ts timestamp), for batch sizes 1, 100, 10,000 and 100,000, with sync
#	batches (one request per batch, each answer checked) and async batches
#	(confirmed by one sync request at the end).  Reports rows per second,
#	best of RUNS, and checks after every COPY that the q table holds
#	exactly the rows copied: the script exits 1 when it does not.
#
#	Row counts: ROWS rows (1,000,000 by default) for batch sizes 10,000
#	and 100,000; fewer for the small batches, whose cost is per request:
#	ROWS / 50 (20,000) for batch size 1 and ROWS / 10 (100,000) for batch
#	size 100.  The q test server appends
#	a batch by copying the whole column (real kdb+ appends in place), so its
#	cost per batch grows with the table: with small batches on a large
#	table that copying, not qipc_fdw, would be measured.
#
# Run as root:  bench/insert_bench.sh      (RUNS=3 ROWS=1000000)
# Starts a throwaway PostgreSQL 15 cluster (as postgres, port PGPORT_BENCH,
# default 55442) and a q test server, and stops both at the end
# (qipc_bench_setup in tools/lib.sh).
#
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/lib.sh
. tools/lib.sh

RUNS=${RUNS:-3}
ROWS=${ROWS:-1000000}
PGPORT_BENCH=${PGPORT_BENCH:-55442}

QIPC_PG_OPTS="-c shared_buffers=256MB" qipc_bench_setup -P "$PGPORT_BENCH"
TMP=$QIPC_TMP

psql -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
SELECT qipc_exec('kdb', 'bench_ins:([] id:\`long\$(); sym:\`symbol\$(); px:\`float\$(); qty:\`long\$(); ts:\`timestamp\$())');
CREATE FOREIGN TABLE bench_ins (id bigint, sym text, px float8, qty bigint, ts timestamp)
  SERVER kdb;
SQL

# csv_file ROWS: a CSV file of ROWS rows in the cluster's directory (the
# server writes it)
csv_file() {
	local rows=$1 f="$PGHOST/rows_$1.csv"
	if [ ! -f "$f" ]; then
		psql -q -v ON_ERROR_STOP=1 -c "COPY (SELECT g, 's' || (g % 500), g * 0.25, g % 1000,
			timestamp '2024-01-02 09:30' + g * interval '1 ms'
			FROM generate_series(1, $rows) g) TO '$f' WITH (FORMAT csv)"
	fi
	echo "$f"
}

# cpu ticks (user + system) of process PID
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

# copy_once ROWS BATCH ASYNC: empty the q table, COPY ROWS rows, check the
# q count; prints the COPY's wall time in ms and the CPU ticks that the
# backend and the q server spent on it (the machine may be shared: CPU
# time does not depend on the load, wall time does)
copy_once() {
	local rows=$1 batch=$2 async=$3 f out ms count q0 q1 bticks
	f=$(csv_file "$rows")
	out="$TMP/copy.out"
	q0=$(ticks "$QPORT_PID")
	psql -At -v ON_ERROR_STOP=1 >"$out" 2>&1 <<SQL || { cat "$out" >&2; exit 2; }
SELECT qipc_exec('kdb', 'delete from \`bench_ins');
ALTER FOREIGN TABLE bench_ins OPTIONS (SET batch_size '$batch', SET insert_async '$async');
SELECT split_part(pg_read_file('/proc/self/stat'), ' ', 14)::bigint +
       split_part(pg_read_file('/proc/self/stat'), ' ', 15)::bigint AS c0 \gset
\\timing on
COPY bench_ins FROM '$f' WITH (FORMAT csv);
\\timing off
SELECT 'TICKS ' || (split_part(pg_read_file('/proc/self/stat'), ' ', 14)::bigint +
       split_part(pg_read_file('/proc/self/stat'), ' ', 15)::bigint - :c0);
SELECT 'COUNT ' || qipc_exec('kdb', 'count bench_ins')::text;
SQL
	q1=$(ticks "$QPORT_PID")
	ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' "$out")
	bticks=$(sed -n 's/^TICKS \([0-9]*\)$/\1/p' "$out")
	count=$(sed -n 's/^COUNT \([0-9]*\)$/\1/p' "$out")
	if [ "$count" != "$rows" ]; then
		echo "FAILED: the q table holds ${count:-?} rows after a COPY of $rows rows (batch_size $batch, async $async)" >&2
		cat "$out" >&2
		exit 1
	fi
	echo "$ms $bticks $((q1 - q0))"
}

# baseline: the same ROWS-row COPY into a local unlogged heap table
# (PostgreSQL's own cost of reading and parsing the file)
psql -q -c "CREATE UNLOGGED TABLE bench_heap (id bigint, sym text, px float8, qty bigint, ts timestamp)"
heap_best=""
for _ in $(seq 1 "$RUNS"); do
	f=$(csv_file "$ROWS")
	ms=$(psql -At -c "TRUNCATE bench_heap" -c '\timing on' -c "COPY bench_heap FROM '$f' WITH (FORMAT csv)" |
		sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
	if [ -z "$heap_best" ] || [ "$(echo "$ms < $heap_best" | bc)" = 1 ]; then heap_best=$ms; fi
done

psql -q -c "ALTER FOREIGN TABLE bench_ins OPTIONS (ADD batch_size '1', ADD insert_async 'false')"

printf "%-8s %-6s %8s %10s %10s %14s %14s\n" "batch" "mode" "rows" "best ms" "rows/s" "backend cpu s" "q server cpu s"
best_rate=0
for spec in "1 $((ROWS / 50))" "100 $((ROWS / 10))" "10000 $ROWS" "100000 $ROWS"; do
	read -r batch rows <<<"$spec"
	for async in false true; do
		best=""
		for _ in $(seq 1 "$RUNS"); do
			read -r ms bt qt <<<"$(copy_once "$rows" "$batch" "$async")"
			if [ -z "$best" ] || [ "$(echo "$ms < $best" | bc)" = 1 ]; then
				best=$ms
				best_bt=$bt
				best_qt=$qt
			fi
		done
		rate=$(echo "$rows * 1000 / $best" | bc)
		mode=sync
		[ "$async" = true ] && mode=async
		printf "%-8s %-6s %8s %10.1f %10s %14.2f %14.2f\n" "$batch" "$mode" "$rows" "$best" "$rate" \
			"$(echo "$best_bt / $HZ" | bc -l)" "$(echo "$best_qt / $HZ" | bc -l)"
		if [ "$rate" -gt "$best_rate" ]; then best_rate=$rate; fi
	done
done
echo
printf "local unlogged heap table, same %s-row file: best %.1f ms (%s rows/s)\n" \
	"$ROWS" "$heap_best" "$(echo "$ROWS * 1000 / $heap_best" | bc)"
echo "best through qipc_fdw: $best_rate rows/s (target >= 500000)"
