#!/usr/bin/env bash
# bench/qserver_bench.sh -- q test server benchmark.
#
# 1. Builds the ROWS-row table trade (sym, time, price, size, ex; 5,000,000
#    rows by default) with a q expression and reports how long q took
#    (measured inside q with .z.p).
# 2. Sends `select from trade` to a client over loopback TCP and over the
#    abstract Unix socket RUNS times each (after one warm-up) and reports
#    MB/s as measured by the client (request sent -> whole reply received).
# 3. Adds two columns holding the same 100,000 distinct ids, gid with the
#    grouped attribute and pid without, and shows with .qserver.stats[]
#    that a point query gid=4242 reads only that group's rows (and what it
#    costs in q) next to the same query on the plain column pid.
#
# Run as root or any user:  bench/qserver_bench.sh   (RUNS=5 ROWS=5000000)
# Starts a q test server and stops it at the end (qipc_bench_setup in
# tools/lib.sh, without PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/lib.sh
. tools/lib.sh
RUNS=${RUNS:-5}
ROWS=${ROWS:-5000000}
# shellcheck disable=SC2119  # no q script: the table is built below
qipc_bench_setup
QBENCH_PORT=$QPORT
QC=test/qserver/tests/qclient

# shellcheck disable=SC2016  # q text: backquotes are q symbols
build='st:.z.p; n:'$ROWS'; trade:([] sym:n?`AAPL`MSFT`GOOG`IBM`AMZN`TSLA`NVDA`META; time:2024.01.02D09:30:00.000000000+asc n?23400000000000; price:100+0.01*n?10000; size:100*1+n?50; ex:n?"NQAB"); (.z.p-st)%1000000'
ms=$($QC -p "$QBENCH_PORT" -t 120 "$build")
rows=$($QC -p "$QBENCH_PORT" 'count trade')
printf 'build trade (%s rows) in q: %.0f ms   (target < 5000 ms)\n' "$rows" "$ms"

run() {
	local label=$1 host=$2 i
	local -a q=()
	for i in $(seq 0 "$RUNS"); do q+=("select from trade"); done
	$QC -h "$host" -p "$QBENCH_PORT" -q --bench -t 120 "${q[@]}" | grep '^#' | tail -n "$RUNS" |
		awk '{ print $2, $(NF-1) }' | sort -k2 -g |
		awk -v l="$label" '{ mb[NR]=$2; bytes=$1 }
			END { printf "%-24s %6.1f MB reply: median %6.1f MB/s, best %6.1f MB/s (%d runs)\n", l, bytes/1e6, mb[int((NR+1)/2)], mb[NR], NR }'
}
run "select from trade, TCP" 127.0.0.1
run "select from trade, UDS" unix
echo "target: >= 500 MB/s on loopback"

# point queries: a g# column versus the same values without an attribute
# (100,000 distinct ids, about 50 rows each; time inside q, 10 runs after
# one that builds the index)
point() {
	local label=$1 where=$2 ms st
	$QC -p "$QBENCH_PORT" -t 120 "count select from trade where $where" >/dev/null
	ms=$($QC -p "$QBENCH_PORT" -t 120 "{st:.z.p; do[10; select from trade where $where]; (.z.p-st)%10000000}[]")
	$QC -p "$QBENCH_PORT" -t 120 "count select from trade where $where" >/dev/null
	st=$($QC -p "$QBENCH_PORT" '.qserver.stats[]`rows')
	printf '%-22s %8.2f ms in q; rows read per column: %s\n' "$label" "$ms" "$st"
}
$QC -p "$QBENCH_PORT" -t 120 'k:(count trade)?100000; trade:update pid:k, gid:`g#k from trade; k:(); count trade' >/dev/null
point "pid=4242 (plain)" 'pid=4242'
point "gid=4242 (g#)" 'gid=4242'
