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
#	Reports the best of RUNS runs (ms).  The answers with async on and off
#	must be equal, and equal to what q computes; the script exits non-zero
#	when they differ.
#
# Run as root:  bench/async_bench.sh      (RUNS=3 ROWS=400000 DELAY=200)
# Starts a throwaway PostgreSQL 15 cluster (as postgres, port
# PGPORT_BENCH, default 55436) and four q test servers; stops them all.
#
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
ROWS=${ROWS:-400000}
DELAY=${DELAY:-200}

# shellcheck source=tools/lib.sh disable=SC1091
. tools/lib.sh
make -s >/dev/null
make -s qserver >/dev/null
qipc_install_lock
make -s install >/dev/null

trap qipc_cleanup EXIT
for i in 1 2 3 4; do qipc_qserver_start "QPORT$i"; done
qipc_pg_start "${PGPORT_BENCH:-55436}"

PSQL=(psql -X -q -At -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE EXTENSION qipc_fdw" >/dev/null
for i in 1 2 3 4; do
	port_var="QPORT$i"
	"${PSQL[@]}" >/dev/null <<SQL
CREATE SERVER q$i FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port '${!port_var}');
CREATE USER MAPPING FOR CURRENT_USER SERVER q$i;
SQL
done

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
[ "$status" -eq 0 ] && echo "all answers equal (async on = async off = q's sums)"
exit "$status"
