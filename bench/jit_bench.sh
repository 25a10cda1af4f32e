#!/usr/bin/env bash
#
# bench/jit_bench.sh
#	What the foreign scan's cost does to JIT.  PostgreSQL compiles a
#	query's expressions with LLVM when the plan's total cost is above
#	jit_above_cost (100000 by default; Debian's PostgreSQL 15 has JIT on),
#	which costs a fresh session 100 ms and more: worth it for a plan that
#	really does that much work, pure loss for a pushed query that q answers
#	with a few rows.  On the q table of the pushdown benchmark
#	(bench/fdw_trade.q, ROWS rows, 5,000,000 by default, plus gid: 100,000
#	ids with the grouped attribute g#), with JIT at its defaults, each
#	query runs in a fresh session (a new psql, so a new backend), RUNS
#	times:
#	  point   SELECT time, price FROM trade WHERE gid = 4242  (g#, ~50 rows)
#	  filter  SELECT * FROM trade WHERE size = 7              (0.1 %)
#	  agg     SELECT sym, count(*), avg(price), sum(size) FROM trade GROUP BY sym
#	  full    SELECT * FROM trade                             (every row)
#	and prints the plan's total cost, whether JIT ran (EXPLAIN ANALYZE
#	shows a "JIT:" section), the best statement time (psql \timing, the
#	query itself, not EXPLAIN) and the best EXPLAIN ANALYZE execution time.
#	BEFORE=<git revision> first builds and measures that revision from a
#	clone in a temporary directory, then this checkout, so that one run
#	prints both (the q table and the cluster are shared).
#
# Run as root:  bench/jit_bench.sh  (RUNS=3, ROWS=5000000, PGPORT_BENCH=55444)
#	or with a "before":  BEFORE=main bench/jit_bench.sh
# Starts a throwaway PostgreSQL cluster (as postgres) and a q test server;
# stops both at the end (qipc_bench_setup in tools/lib.sh).  Exits 1 when a
# query gives different results in the two builds.
#
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
ROWS=${ROWS:-5000000}
TOP=$PWD

# shellcheck source=tools/lib.sh
. tools/lib.sh
echo "building the $ROWS-row q table ..."
qipc_bench_setup -P "${PGPORT_BENCH:-55444}" -N "$ROWS" bench/fdw_trade.q
BEFORE_DIR=""
trap 'qipc_bench_teardown; if [ -n "$BEFORE_DIR" ]; then rm -rf "$BEFORE_DIR"; fi' EXIT

# install the build in directory $1 where qipc_bench_setup installed this
# checkout's; the extension's SQL is the same in both builds, and each
# fresh session loads the shared library installed last
install_build() {
	if [ -n "${QIPC_BENCH_DESTDIR:-}" ]; then
		make -s -C "$1" with_llvm=no install DESTDIR="$QIPC_BENCH_DESTDIR" >/dev/null
	else
		make -s -C "$1" with_llvm=no install >/dev/null
	fi
}

if [ -n "${BEFORE:-}" ]; then
	BEFORE_DIR=$(mktemp -d /tmp/qipc_jit_before.XXXXXX)
	git clone -q --no-checkout "$TOP" "$BEFORE_DIR/src"
	git -C "$BEFORE_DIR/src" checkout -q "$(git rev-parse "$BEFORE")"
	make -s -C "$BEFORE_DIR/src" with_llvm=no >/dev/null
fi

psql -X -q -v ON_ERROR_STOP=1 -f bench/trade_gid.sql
psql -X -At -c "SELECT 'JIT settings: jit=' || current_setting('jit') || ', jit_above_cost=' || current_setting('jit_above_cost') || ', jit_inline_above_cost=' || current_setting('jit_inline_above_cost') || ', jit_optimize_above_cost=' || current_setting('jit_optimize_above_cost')"

declare -A Q=(
	[point]="SELECT time, price FROM trade WHERE gid = 4242"
	[filter]="SELECT * FROM trade WHERE size = 7"
	[agg]="SELECT sym, count(*), avg(price), sum(size) FROM trade GROUP BY sym"
	[full]="SELECT * FROM trade"
)
# the same queries ordered, for comparing the builds' answers
declare -A QCMP=(
	[point]="${Q[point]} ORDER BY time"
	[filter]="SELECT count(*), sum(hashtext(t::text)) FROM (${Q[filter]}) t"
	[agg]="SELECT sym, count(*), to_char(avg(price), 'FM9999.999999999'), sum(size) FROM trade GROUP BY sym ORDER BY sym"
	[full]="SELECT count(*), sum(hashtext(t::text)) FROM (${Q[full]}) t"
)
NAMES="point filter agg full"

# best of a list of numbers
best() { grep -v "^$" | sort -g | head -n 1; }

# measure LABEL: one line per query
measure() {
	local label=$1 name q cost jit plan ex ms
	for name in $NAMES; do
		q=${Q[$name]}
		ms="" ex=""
		for _ in $(seq 1 "$RUNS"); do
			# a fresh session for the statement alone ...
			ms+=$(psql -X -q -At <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1
\\o /dev/null
\\timing on
$q;
SQL
)$'\n'
			# ... and another for EXPLAIN ANALYZE
			plan=$(psql -X -q -At -c "EXPLAIN (ANALYZE, TIMING OFF) $q")
			ex+=$(printf '%s\n' "$plan" | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p')$'\n'
		done
		cost=$(printf '%s\n' "$plan" | head -n 1 | sed -n 's/.*cost=[0-9.]*\.\.\([0-9.]*\) .*/\1/p')
		if printf '%s\n' "$plan" | grep -q '^JIT:'; then jit=yes; else jit=no; fi
		printf '%-8s %-7s %14s %5s %12s %14s\n' "$label" "$name" "$cost" "$jit" \
			"$(printf '%s' "$ms" | best)" "$(printf '%s' "$ex" | best)"
		psql -X -q -At -c "${QCMP[$name]}" | md5sum >"$QIPC_TMP/ans.$label.$name"
	done
}

printf '\n%-8s %-7s %14s %5s %12s %14s\n' build query "total cost" JIT "best ms" "best exec ms"
if [ -n "$BEFORE_DIR" ]; then
	install_build "$BEFORE_DIR/src"
	measure before
	install_build "$TOP"
fi
measure after

status=0
if [ -n "$BEFORE_DIR" ]; then
	for name in $NAMES; do
		if ! cmp -s "$QIPC_TMP/ans.before.$name" "$QIPC_TMP/ans.after.$name"; then
			echo "jit_bench: FAILED: $name gives different results before and after"
			status=1
		fi
	done
	[ "$status" -eq 0 ] && echo "same results before and after for: $NAMES"
fi
exit $status
