#!/usr/bin/env bash
#
# bench/copy_bench.sh
#	FDW core benchmark: COPY (SELECT * FROM trade) TO '/dev/null' over a
#	ROWS-row table (sym, time, price, size, ex; 5,000,000 by default),
#	side by side in one run: from a local heap table holding the same
#	rows, through qipc_fdw paged (fetch_size FETCH, default the FDW's
#	100000) and unpaged (fetch_size 0: one q message), and through
#	postgres_fdw from a loopback PostgreSQL.  Runs are interleaved (RUNS
#	rounds, each COPY in a fresh session); reports best and median times
#	and each backend's peak memory (VmHWM).  Then every contender's rows
#	are summed (count, sums of size, of price in millionths, of a hash of
#	sym, of the epoch of time), with pushdown off so that qipc_fdw scans
#	every row; the script exits 1 when the checksums differ.  A second
#	part does the same for a date-partitioned table (the q test server's
#	stand-in for an HDB table) of PART_ROWS rows in PARTS partitions
#	(5,000,000 in 5 by default; PART_ROWS=0 skips it), paged (partition by
#	partition, .Q.ind slices) against unpaged.  Every checksum line is
#	printed as soon as it is computed, and a contender whose checksum
#	query fails is reported as failed (exit 1) instead of ending the run.
#
# Run as root:  bench/copy_bench.sh      (RUNS=5, ROWS=5000000 by default)
#	ROWS=50000000 RUNS=1 bench/copy_bench.sh   (the large run; UNPAGED=0
#	leaves out the unpaged contender, which needs the whole result in
#	memory, about 2 GB at 50M rows, and over 2 GB cannot be sent at all)
# Starts a throwaway PostgreSQL 15 cluster (as postgres, port PGPORT_BENCH,
# default 55439) and a q test server, and stops both at the end
# (qipc_bench_setup in tools/lib.sh).
#
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/lib.sh
. tools/lib.sh

RUNS=${RUNS:-5}
ROWS=${ROWS:-5000000}
FETCH=${FETCH:-}
UNPAGED=${UNPAGED:-1}
PART_ROWS=${PART_ROWS:-5000000}
PARTS=${PARTS:-5}
PGPORT_BENCH=${PGPORT_BENCH:-55439}

echo "building the $ROWS-row q table ..."
QIPC_PG_OPTS="-c shared_buffers=1GB -c work_mem=64MB" \
	qipc_bench_setup -P "$PGPORT_BENCH" -e postgres_fdw -N "$ROWS" bench/fdw_trade.q
TMP=$QIPC_TMP
echo "q test server ready on port $QPORT"

# shellcheck disable=SC2016  # the quotes are SQL's: $FETCH expands
psql -q -v ON_ERROR_STOP=1 <<SQL
CREATE FOREIGN TABLE trade (sym text, time timestamp, price float8, size bigint, ex "char")
  SERVER kdb OPTIONS (table 'fdw_bench_trade' ${FETCH:+, fetch_size '$FETCH'});
CREATE FOREIGN TABLE trade_unpaged (sym text, time timestamp, price float8, size bigint, ex "char")
  SERVER kdb OPTIONS (table 'fdw_bench_trade', fetch_size '0');
CREATE TABLE trade_local AS SELECT * FROM trade;
VACUUM (FREEZE, ANALYZE) trade_local;
CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$PGHOST', port '$PGPORT', dbname 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER loopback OPTIONS (user 'postgres');
CREATE FOREIGN TABLE trade_pgfdw (sym text, time timestamp, price float8, size bigint, ex "char")
  SERVER loopback OPTIONS (table_name 'trade_local', fetch_size '10000');
SQL
psql -Atq -c "SELECT count(*), count(DISTINCT sym), min(time), max(time) FROM trade_local"

# copy_once TABLE: one COPY in a fresh session; prints "ms kB", the wall
# time and the backend's peak memory (VmHWM of /proc/self/status, read by
# the backend itself after the COPY)
copy_once() {
	local table=$1
	local out="$TMP/copy_$table.txt"
	psql -At >"$out" 2>&1 <<SQL
\\timing on
COPY (SELECT * FROM $table) TO '/dev/null';
\\timing off
SELECT 'HWM ' || substring(pg_read_file('/proc/self/status') from 'VmHWM:\\s*(\\d+)');
SQL
	local ms kb
	ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' "$out")
	kb=$(sed -n 's/^HWM \([0-9]*\)/\1/p' "$out")
	if [ -z "$ms" ]; then cat "$out" >&2; exit 2; fi
	echo "$ms $kb"
}

# the contenders, interleaved so that background load hits them alike
TABLES=(trade_local trade trade_pgfdw)
if [ "$UNPAGED" = 1 ]; then TABLES=(trade_local trade trade_unpaged trade_pgfdw); fi
for t in "${TABLES[@]}"; do : >"$TMP/times_$t"; done
for r in $(seq 1 "$RUNS"); do
	for t in "${TABLES[@]}"; do
		copy_once "$t" >>"$TMP/times_$t"
	done
	echo "round $r done"
done

echo
echo "COPY (SELECT * FROM <table>) TO '/dev/null', $ROWS rows, best and median of $RUNS:"
for t in "${TABLES[@]}"; do
	best=$(sort -n "$TMP/times_$t" | head -n 1 | cut -d' ' -f1)
	median=$(sort -n "$TMP/times_$t" | cut -d' ' -f1 | sed -n "$(( (RUNS + 1) / 2 ))p")
	hwm=$(sort -k2 -n "$TMP/times_$t" | tail -n 1 | cut -d' ' -f2)
	printf "%-20s best %8.1f ms  median %8.1f ms  backend peak memory (VmHWM) %8s kB\n" \
		"$t" "$best" "$median" "$hwm"
	echo "$best" >"$TMP/best_$t"
done
heap=$(cat "$TMP/best_trade_local")
fdw=$(cat "$TMP/best_trade")
pgfdw=$(cat "$TMP/best_trade_pgfdw")
echo
printf "qipc_fdw paged / local heap   = %.2fx (target <= 1.2x)\n" "$(echo "$fdw / $heap" | bc -l)"
printf "postgres_fdw / qipc_fdw paged = %.2fx (target >= 3x)\n" "$(echo "$pgfdw / $fdw" | bc -l)"

# checksums: every contender must deliver the same rows.  Each line is
# printed as soon as it is known; a failed checksum query is reported and
# counts as a mismatch, and the others still run.
rc=0
checksums() {
	local ref="" t sum
	echo "checksums (count, sum size, sum price in millionths, sum hashtext(sym), sum epoch(time)):"
	for t in "$@"; do
		if ! sum=$(psql -Atq -v ON_ERROR_STOP=1 -c "SET qipc_fdw.enable_pushdown = off" -c "SELECT count(*), sum(size), sum(round(price * 1e6)::bigint), sum(hashtext(sym)::bigint), sum(extract(epoch FROM time)) FROM $t" 2>&1); then
			printf "%-20s FAILED: %s\n" "$t" "$(echo "$sum" | tr '\n' ' ')"
			rc=1
			continue
		fi
		printf "%-20s %s\n" "$t" "$sum"
		if [ -z "$ref" ]; then ref=$sum; elif [ "$sum" != "$ref" ]; then rc=1; fi
	done
}
echo
checksums "${TABLES[@]}"

# a date-partitioned table: paged partition by partition, and unpaged
if [ "$PART_ROWS" -gt 0 ]; then
	echo
	echo "building the $PART_ROWS-row partitioned q table ($PARTS partitions) ..."
	# shellcheck disable=SC2016  # the quotes are SQL's: $FETCH expands
	psql -q -v ON_ERROR_STOP=1 <<SQL
SELECT qipc_exec('kdb', '.bench.part[$PART_ROWS;$PARTS]');
CREATE FOREIGN TABLE trade_part (date date, sym text, time timestamp, price float8, size bigint, ex "char")
  SERVER kdb OPTIONS (table 'fdw_bench_part', partition_column 'date' ${FETCH:+, fetch_size '$FETCH'});
CREATE FOREIGN TABLE trade_part_unpaged (date date, sym text, time timestamp, price float8, size bigint, ex "char")
  SERVER kdb OPTIONS (table 'fdw_bench_part', partition_column 'date', fetch_size '0');
SQL
	PTABLES=(trade_part trade_part_unpaged)
	for t in "${PTABLES[@]}"; do : >"$TMP/times_$t"; done
	for r in $(seq 1 "$RUNS"); do
		for t in "${PTABLES[@]}"; do
			copy_once "$t" >>"$TMP/times_$t"
		done
		echo "round $r done"
	done
	echo
	echo "COPY (SELECT * FROM <table>) TO '/dev/null', partitioned, $PART_ROWS rows in $PARTS partitions, best and median of $RUNS:"
	for t in "${PTABLES[@]}"; do
		best=$(sort -n "$TMP/times_$t" | head -n 1 | cut -d' ' -f1)
		median=$(sort -n "$TMP/times_$t" | cut -d' ' -f1 | sed -n "$(( (RUNS + 1) / 2 ))p")
		hwm=$(sort -k2 -n "$TMP/times_$t" | tail -n 1 | cut -d' ' -f2)
		printf "%-20s best %8.1f ms  median %8.1f ms  backend peak memory (VmHWM) %8s kB\n" \
			"$t" "$best" "$median" "$hwm"
	done
	pages=$(psql -Atq -c "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM trade_part" | sed -n 's/^ *Pages: //p')
	echo "trade_part: $pages pages"
	echo
	checksums "${PTABLES[@]}"
fi

if [ "$rc" != 0 ]; then echo "CHECKSUMS DIFFER OR FAILED" >&2; fi
exit "$rc"
