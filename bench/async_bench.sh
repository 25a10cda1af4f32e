#!/usr/bin/env bash
#
# bench/async_bench.sh
#	Asynchronous execution benchmark: a PostgreSQL table partitioned by
#	LIST over 1, 2 and 4 q servers (shards) holding the same total number of
#	rows (ROWS, default 400000, split evenly), read with async_capable on
#	and off:
#	  - undelayed: SELECT count(*), sum(v), sum(w) over all rows (the rows
#	    are shipped: partition-wise aggregation off);
#	  - delayed: each shard answers after DELAY ms (.qserver.sleep in the
#	    partition's query option) with its row count and sums.
#	  - partial aggregation, 4 shards: SELECT sym, count(*), sum(size)
#	    FROM ab_trade GROUP BY sym (sym is not the partition key: every
#	    group spans the shards) with enable_partitionwise_aggregate on (each
#	    shard's q computes its partial aggregates, PostgreSQL finalizes)
#	    and off (all rows shipped, aggregated locally), async on; with the
#	    rows the foreign scans returned and the bytes received from q.
#	Reports the best of RUNS runs (ms).  The answers with async on and off
#	(partition-wise on and off) must be equal, and equal to what q
#	computes; the script exits non-zero when they differ.
#
# Run as root:  bench/async_bench.sh      (RUNS=3 ROWS=400000 DELAY=200)
# Starts a throwaway PostgreSQL 15 cluster (as postgres, port
# PGPORT_BENCH, default 55443) and four q test servers (foreign servers q1
# .. q4); stops them all (qipc_bench_setup in tools/lib.sh).
#
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
ROWS=${ROWS:-400000}
DELAY=${DELAY:-200}

# shellcheck source=tools/lib.sh
. tools/lib.sh
qipc_bench_setup -P "${PGPORT_BENCH:-55443}" -n 4

PSQL=(psql -X -q -At -v ON_ERROR_STOP=1)

# setup K: K shards of ROWS/K rows; shard i (0-based) holds ids
# i*n .. (i+1)*n-1, v = id mod 1000, w = id mod 7
setup() {
	local k=$1 n i
	n=$((ROWS / k))
	"${PSQL[@]}" >/dev/null <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS ab_fast, ab_slow;
CREATE TABLE ab_fast (shard int, id bigint, v bigint, w bigint) PARTITION BY LIST (shard);
CREATE TABLE ab_slow (shard int, n bigint, sumv bigint, sumw bigint) PARTITION BY LIST (shard);
SQL
	for i in $(seq 0 $((k - 1))); do
		"${PSQL[@]}" >/dev/null <<SQL
SELECT qipc_exec('q$((i + 1))', 'ab_t:([] shard:$n#$i; id:$((i * n))+til $n; v:($((i * n))+til $n) mod 1000; w:($((i * n))+til $n) mod 7); count ab_t');
CREATE FOREIGN TABLE ab_fast_$i PARTITION OF ab_fast FOR VALUES IN ($i)
  SERVER q$((i + 1)) OPTIONS (table 'ab_t');
CREATE FOREIGN TABLE ab_slow_$i PARTITION OF ab_slow FOR VALUES IN ($i)
  SERVER q$((i + 1)) OPTIONS (query '.qserver.sleep[$DELAY]; ([] shard:enlist $i; n:enlist count ab_t; sumv:enlist sum ab_t\`v; sumw:enlist sum ab_t\`w)');
SQL
	done
}

# async_set on|off: async_capable of the four servers
async_set() {
	local i
	for i in 1 2 3 4; do
		"${PSQL[@]}" -c "ALTER SERVER q$i OPTIONS (SET async_capable '$1')" >/dev/null 2>&1 ||
			"${PSQL[@]}" -c "ALTER SERVER q$i OPTIONS (ADD async_capable '$1')" >/dev/null
	done
}

# best time in ms of RUNS runs of query $1
best_ms() {
	local best="" t i
	for i in $(seq 1 "$RUNS"); do
		t=$("${PSQL[@]}" <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1
\\o /dev/null
\\timing on
$1;
SQL
)
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
	done
	echo "$best"
}

Q_FAST="SELECT count(*), sum(v), sum(w) FROM ab_fast"
Q_SLOW="SELECT sum(n), sum(sumv), sum(sumw) FROM ab_slow"
# what q says: the same sums, computed on the servers
expected="$ROWS|$(( (ROWS / 1000) * 499500 ))|$(( (ROWS / 7) * 21 + ( (ROWS % 7) * ((ROWS % 7) - 1) / 2 ) ))"

status=0
printf '%-7s %-10s %-6s %10s\n' shards query async "best ms"
for k in 1 2 4; do
	setup "$k"
	for q in fast slow; do
		if [ $q = fast ]; then sql=$Q_FAST; else sql=$Q_SLOW; fi
		answers=()
		for a in on off; do
			async_set "$a"
			ans=$("${PSQL[@]}" -c "$sql")
			answers+=("$ans")
			printf '%-7s %-10s %-6s %10s\n' "$k" "$q" "$a" "$(best_ms "$sql")"
		done
		if [ "${answers[0]}" != "${answers[1]}" ] || [ "${answers[0]}" != "$expected" ]; then
			echo "ANSWERS DIFFER: $k shards, $q: async on ${answers[0]}, off ${answers[1]}, expected $expected"
			status=1
		fi
	done
done

# partial aggregation over 4 shards: shard i holds ids i*n .. (i+1)*n-1,
# sym = one of 16 symbols (id mod 16), size = id mod 500 (a q int: sum of
# an integer column has an int8 state that q can deliver)
n=$((ROWS / 4))
"${PSQL[@]}" >/dev/null <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS ab_trade;
CREATE TABLE ab_trade (shard int, sym text, size integer) PARTITION BY LIST (shard);
SQL
for i in 0 1 2 3; do
	"${PSQL[@]}" >/dev/null <<SQL
SELECT qipc_exec('q$((i + 1))', 'ab_tr:([] shard:$n#$i; sym:\`\$"s",/:string ($((i * n))+til $n) mod 16; size:"i"\$($((i * n))+til $n) mod 500); count ab_tr');
CREATE FOREIGN TABLE ab_trade_$i PARTITION OF ab_trade FOR VALUES IN ($i)
  SERVER q$((i + 1)) OPTIONS (table 'ab_tr');
SQL
done
async_set on
Q_PART="SELECT sym, count(*), sum(size) FROM ab_trade GROUP BY sym ORDER BY sym"
printf '\n%-7s %-24s %10s %10s %12s\n' shards "partial aggregation" "best ms" "rows" "bytes in"
answers=()
for pw in on off; do
	ans=$("${PSQL[@]}" -c "SET enable_partitionwise_aggregate = $pw" -c "$Q_PART" | tr '\n' ' ')
	answers+=("$ans")
	ms=$(best_ms "SET enable_partitionwise_aggregate = $pw; $Q_PART")
	plan=$("${PSQL[@]}" -c "SET enable_partitionwise_aggregate = $pw" \
		-c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) $Q_PART")
	rows=$(printf '%s\n' "$plan" | sed -n 's/.*Append (actual rows=\([0-9]*\) loops=1).*/\1/p' | head -n 1)
	bytes=$("${PSQL[@]}" <<SQL | tail -n 1
CREATE TEMP TABLE b0 AS SELECT coalesce(sum(bytes_in), 0)::bigint AS b FROM qipc_fdw_get_connections();
SET enable_partitionwise_aggregate = $pw;
\o /dev/null
$Q_PART;
\o
SELECT (SELECT coalesce(sum(bytes_in), 0) FROM qipc_fdw_get_connections()) - b FROM b0;
SQL
)
	printf '%-7s %-24s %10s %10s %12s\n' 4 "partitionwise $pw" "$ms" "${rows:-?}" "$bytes"
	if [ "$pw" = on ] && ! printf '%s\n' "$plan" | grep -q 'Finalize'; then
		echo "PARTIAL AGGREGATION NOT PLANNED:"; printf '%s\n' "$plan"; status=1
	fi
done
# the same counts and sums from the arithmetic that made the rows
expected_part=$("${PSQL[@]}" -c "SELECT string_agg(format('%s|%s|%s', sym, n, s), ' ' ORDER BY sym) || ' '
	  FROM (SELECT 's' || (id % 16) AS sym, count(*) AS n, sum(id % 500) AS s
	        FROM generate_series(0, $((4 * n - 1))) id GROUP BY 1) x")
if [ "${answers[0]}" != "${answers[1]}" ] || [ "${answers[0]}" != "$expected_part" ]; then
	echo "ANSWERS DIFFER: partial aggregation: partitionwise on ${answers[0]}"
	echo "  off ${answers[1]}"
	echo "  expected $expected_part"
	status=1
fi

[ "$status" -eq 0 ] && echo "all answers equal (async on = async off = partition-wise on = off = the sums)"
exit "$status"
