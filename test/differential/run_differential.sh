#!/usr/bin/env bash
#
# test/differential/run_differential.sh
#	Differential test of the pushdown: random queries run on foreign
#	tables (qipc_fdw.enable_pushdown = on) and on local heap tables holding
#	the same rows, built in SQL from the fixture's arithmetic (not copied
#	through the FDW); the results must be identical.  See
#	test/differential/README.md.
#
# Usage (as root, after make && make install):
#	test/differential/run_differential.sh            # CI: seeds 1-4 x 400 queries
#	test/differential/run_differential.sh --long     # 20 seeds x 1000 queries
#	test/differential/run_differential.sh --seeds "7 8" --queries 500
#	test/differential/run_differential.sh --show SEED K   # print one query
# Environment:
#	DIFF_SEEDS, DIFF_QUERIES   seeds (space separated) and queries per seed
#	DIFF_REQUIRE_PUSHDOWN=0    do not fail when no WHERE clause was pushed
#	DIFF_PARTITIONED=1         table pair 1 is diff_pt, partitioned over
#	                           async foreign partitions (partitioned.sql),
#	                           with partition-wise aggregation; plus the
#	                           fixed partial aggregation queries there
#	DIFF_PGPORT                port of the cluster started here (55435)
#	DIFF_JOBS                  parallel workers (default 2)
#	DIFF_TIMEOUT               statement_timeout of a batch of 25 queries
#	                           (default 300s); a batch that fails is rerun
#	                           query by query and the failing query reported
#	PGHOST, PGPORT, QIPC_TEST_PORT   all three set: use that PostgreSQL
#	                           cluster and q test server (which must have
#	                           loaded test/fixtures/*.q) instead of starting
#	                           new ones
#	QIPC_KEEP_TMP=1            keep the temporary directory
# Prints every mismatch (seed, query, both results, EXPLAIN), the share of
# queries whose WHERE / aggregate / ORDER BY / LIMIT went to q, how many
# matched as the same error on both sides (more than
# DIFF_MAX_SAME_ERROR_PCT, default 2, percent of the matches fails), and
# last "N passed, M failed, 0 skipped" (N = comparisons that matched, a
# prepared statement counting once per EXECUTE, plus the oracle check: a
# plain scan of the foreign table must equal the independently built local
# table).  Fewer query results than planned fail.  Exits non-zero on any
# failure.
#
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

CI_SEEDS="1 2 3 4"
CI_QUERIES=400
LONG_SEEDS=$(seq -s ' ' 101 120)
LONG_QUERIES=1000
BATCH=25
DB=qipc_diff

long=0
show=()
# --long; --show SEED K
diff_option() {
	case $1 in
		--long) long=1; DIFF_SHIFT=1 ;;
		--show) show=("$2" "$3"); DIFF_SHIFT=3 ;;
	esac
}

# ---------------------------------------------------------------------------
# services
# ---------------------------------------------------------------------------
DIFF_LABEL=differential
DIFF_DB=$DB
DIFF_PGPORT=${DIFF_PGPORT:-55435}
DIFF_QSERVER_ARGS=("$QIPC_ROOT"/test/fixtures/*.q)
DIFF_USAGE_ON_ERROR=1
diff_start "$@"
DIFF_SEEDS=${OPT_SEEDS:-${DIFF_SEEDS:-}}
DIFF_QUERIES=${OPT_QUERIES:-${DIFF_QUERIES:-}}
if [ "$long" = 1 ]; then
	SEEDS=${DIFF_SEEDS:-$LONG_SEEDS}
	QUERIES=${DIFF_QUERIES:-$LONG_QUERIES}
else
	SEEDS=${DIFF_SEEDS:-$CI_SEEDS}
	QUERIES=${DIFF_QUERIES:-$CI_QUERIES}
fi
JOBS=${DIFF_JOBS:-2}
# setup.sql holds UTF-8 text; the database is UTF-8 too
export PGCLIENTENCODING=UTF8

# psql_at SQL: run SQL, unaligned tuples only
psql_at() { timeout 120 "${PSQL[@]}" -At -c "$1"; }

timeout 300 "${PSQL[@]}" -v qport="$QIPC_TEST_PORT" -f "$HERE/setup.sql" ||
	fail_setup "setup.sql failed"
timeout 60 "${PSQL[@]}" -f "$HERE/bi_gen.sql" || fail_setup "bi_gen.sql failed"
timeout 60 "${PSQL[@]}" -f "$HERE/bi_time_gen.sql" || fail_setup "bi_time_gen.sql failed"
timeout 60 "${PSQL[@]}" -f "$HERE/expr_gen.sql" || fail_setup "expr_gen.sql failed"
# DIFF_PARTITIONED=1: table pair 1 becomes a partitioned table of async
# foreign partitions (partitioned.sql)
if [ "${DIFF_PARTITIONED:-0}" = 1 ]; then
	timeout 300 "${PSQL[@]}" -v qport="$QIPC_TEST_PORT" -f "$HERE/partitioned.sql" ||
		fail_setup "partitioned.sql failed"
fi
nrows=$(psql_at "SET qipc_fdw.enable_pushdown = off; SELECT count(*) FROM diff_ft") ||
	fail_setup "cannot scan the foreign table diff_ft"
[ "$nrows" -gt 0 ] || fail_setup "diff_ft is empty: is test/fixtures/differential.q loaded?"
# the oracle: setup.sql builds the local tables from the fixture's
# arithmetic, not through the FDW; a plain foreign scan must match them
oracle_bad=$(psql_at "SELECT count(*) FROM diff_oracle_diff") ||
	fail_setup "cannot read diff_oracle_diff"
if [ "$oracle_bad" -eq 0 ]; then
	oracle_ok=1
	echo "ok - oracle: a plain scan of diff_ft gives exactly the $nrows rows built locally"
else
	oracle_ok=0
	echo "not ok - oracle: a plain scan of diff_ft and the locally built diff_lt differ in $oracle_bad rows:"
	psql_at "SELECT format('    %s: %s', side, row_text) FROM diff_oracle_diff ORDER BY row_text, side LIMIT 40"
fi
if [ "${#show[@]}" -gt 0 ]; then
	psql_at "SELECT format(E'%s\\n-- kind %s, table pair %s (@T@ = %s), ordered %s, float columns %s %s, parameter types %s, EXECUTE arguments %s',
	                         q.sql, q.kind, q.tab, t.remote, q.ordered, q.f4, q.f8, q.ptypes, q.pvals)
	         FROM diff_gen(${show[0]}, ${show[1]}) q JOIN diff_tables t ON t.k = q.tab"
	exit $?
fi

# ---------------------------------------------------------------------------
# run: batches of queries per seed, JOBS workers
# ---------------------------------------------------------------------------
# record_crash SEED K MESSAGE: a query whose run aborted the batch
record_crash() {
	"${PSQL[@]}" -v seed="$1" -v k="$2" -v msg="$3" <<-'EOF'
		INSERT INTO diff_results (seed, k, sub, kind, sql, ok, detail)
		SELECT :seed, :k, 0, q.kind, q.sql, false,
		       format(E'MISMATCH seed %s query %s (%s): the run aborted: %s\n  %s\n  (table pair %s: @T@ = %s)',
		              :seed, :k, q.kind, :'msg', q.sql, q.tab,
		              (SELECT remote FROM diff_tables t WHERE t.k = q.tab))
		FROM diff_gen(:seed, :k) q;
	EOF
}

wait_pg() {
	local _
	for _ in $(seq 1 60); do
		pg_isready -q -d "$DB" && psql_at "SELECT 1" >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}

# run_batch SEED FROM TO
run_batch() {
	local seed=$1 from=$2 to=$3 k out
	if out=$(timeout 600 "${PSQL[@]}" -c "SET statement_timeout = '${DIFF_TIMEOUT:-300s}'" \
		-c "SELECT diff_run($seed, $from, $to)" 2>&1); then
		return 0
	fi
	[ "$from" -eq "$to" ] && { wait_pg; record_crash "$seed" "$from" "$out"; return 0; }
	# find the query that aborted the batch
	wait_pg
	for k in $(seq "$from" "$to"); do
		run_batch "$seed" "$k" "$k"
	done
}

worker() {
	local w=$1 n=0 seed from to
	for seed in $SEEDS; do
		for ((from = 0; from < QUERIES; from += BATCH)); do
			to=$((from + BATCH - 1))
			[ "$to" -ge "$QUERIES" ] && to=$((QUERIES - 1))
			if [ $((n % JOBS)) -eq "$w" ]; then
				run_batch "$seed" "$from" "$to"
			fi
			n=$((n + 1))
		done
	done
}

start=$(date +%s)
qipc_log "differential: seeds $SEEDS, $QUERIES queries each, $JOBS workers"
pids=()
for ((w = 0; w < JOBS; w++)); do
	worker "$w" &
	pids+=("$!")
done
for pid in "${pids[@]}"; do
	wait "$pid"
done
# DIFF_PARTITIONED=1: the fixed partial aggregation queries (seed 0)
if [ "${DIFF_PARTITIONED:-0}" = 1 ]; then
	timeout 600 "${PSQL[@]}" -c "SELECT diff_run_partial()" >/dev/null ||
		record_crash 0 0 "diff_run_partial() failed"
fi
elapsed=$(($(date +%s) - start))

# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------
psql_at "SELECT detail || E'\n' FROM diff_results WHERE NOT ok ORDER BY seed, k, sub"

"${PSQL[@]}" -P footer=off <<-'EOF'
	\echo 'mismatches by first line (one example each):'
	SELECT count(*) AS n, reason, min(format('seed %s query %s', seed, k)) AS example
	FROM (SELECT seed, k, left(regexp_replace(split_part(detail, E'\n', 1),
	                           '^MISMATCH seed \d+ query \d+( execution \d+)? \([a-z-]+\): (row \d+( \(sorted\))?: )?', ''), 100) AS reason
	      FROM diff_results WHERE NOT ok) x
	GROUP BY reason ORDER BY n DESC, reason LIMIT 40;
EOF

"${PSQL[@]}" -P footer=off <<-'EOF'
	\echo 'pushdown (share of the queries that ask for it):'
	SELECT kind AS "query kind", count(*) AS queries,
	       count(*) FILTER (WHERE ok) AS matched,
	       format('%s/%s', count(*) FILTER (WHERE where_any), count(*) FILTER (WHERE has_where)) AS "WHERE pushed (some)",
	       format('%s/%s', count(*) FILTER (WHERE where_full), count(*) FILTER (WHERE has_where)) AS "WHERE pushed (all)",
	       format('%s/%s', count(*) FILTER (WHERE agg_pushed), count(*) FILTER (WHERE is_agg)) AS "aggregate pushed",
	       format('%s/%s', count(*) FILTER (WHERE sort_pushed), count(*) FILTER (WHERE has_order)) AS "ORDER BY pushed",
	       format('%s/%s', count(*) FILTER (WHERE limit_pushed), count(*) FILTER (WHERE has_limit)) AS "LIMIT pushed",
	       format('%s/%s', count(*) FILTER (WHERE param_pushed),
	              count(*) FILTER (WHERE kind = 'join' OR kind LIKE 'prep%')) AS "parameters pushed",
	       format('%s/%s', count(*) FILTER (WHERE nrows > 0), count(*)) AS "non-empty results",
	       round(avg(ms)::numeric, 1) AS "avg ms"
	FROM diff_results GROUP BY ROLLUP (kind) ORDER BY kind NULLS LAST;
EOF

passed=$(psql_at "SELECT count(*) FROM diff_results WHERE ok") || passed=0
failed=$(psql_at "SELECT count(*) FROM diff_results WHERE NOT ok") || failed=1
passed=$((passed + oracle_ok))
failed=$((failed + 1 - oracle_ok))
# a match where both sides fail alike proves little: it must stay rare
both_err=$(psql_at "SELECT count(*) FROM diff_results WHERE both_err") || both_err=0
recorded_ok=$(psql_at "SELECT count(*) FROM diff_results WHERE ok") || recorded_ok=0
max_err_pct=${DIFF_MAX_SAME_ERROR_PCT:-2}
echo "differential: $both_err of $recorded_ok matching results matched as the same error on both sides"
if [ "$recorded_ok" -gt 0 ] && [ $((both_err * 100)) -gt $((recorded_ok * max_err_pct)) ]; then
	echo "differential: FAILED: more than ${max_err_pct}% of the matches are errors on both sides:"
	psql_at "SELECT format('    %s x %s', count(*), stem)
	         FROM (SELECT left(split_part(sql, ' WHERE', 1), 60) AS stem
	                 FROM diff_results WHERE both_err) e
	         GROUP BY stem ORDER BY count(*) DESC LIMIT 10"
	failed=$((failed + 1))
fi
expected=$(psql_at "SELECT sum(CASE WHEN q.ptypes IS NULL THEN 1 ELSE cardinality(q.pvals) END)
                    FROM unnest(string_to_array('$SEEDS', ' ')::int[]) s, generate_series(0, $QUERIES - 1) k,
                         LATERAL diff_gen(s, k) q") || expected=0
recorded=$(psql_at "SELECT count(*) FROM diff_results") || recorded=0
nqueries=$(psql_at "SELECT count(*) FROM (SELECT DISTINCT seed, k FROM diff_results) x") || nqueries=0
if [ "$recorded" -lt "$expected" ]; then
	echo "differential: $recorded results for $expected comparisons planned ($nqueries queries recorded;"
	echo "  a prepared statement that cannot be prepared, or whose run aborted, counts once)"
fi
# every generated query must have left a result
planned=$(($(echo "$SEEDS" | wc -w) * QUERIES))
if [ "$nqueries" -lt "$planned" ]; then
	echo "differential: FAILED: only $nqueries of $planned queries have a result"
	failed=$((failed + planned - nqueries))
fi
# and every fixed partial aggregation query (DIFF_PARTITIONED=1)
if [ "${DIFF_PARTITIONED:-0}" = 1 ]; then
	npartial=$(psql_at "SELECT count(*) FROM diff_partial_queries") || npartial=1
	rpartial=$(psql_at "SELECT count(*) FROM diff_results WHERE seed = 0 AND kind = 'partial-agg'") || rpartial=0
	echo "differential: $rpartial of $npartial fixed partial aggregation queries have a result;" \
		"partial aggregates pushed to q in queries" \
		"$(psql_at "SELECT coalesce(string_agg(k::text, ' ' ORDER BY k), 'none') FROM diff_partial_queries WHERE pushed")"
	[ "$rpartial" -lt "$npartial" ] && failed=$((failed + npartial - rpartial))
fi
pushed=$(psql_at "SELECT count(*) FROM diff_results WHERE where_any OR agg_pushed OR sort_pushed OR limit_pushed")
if [ "${DIFF_REQUIRE_PUSHDOWN:-1}" != 0 ] && [ "${pushed:-0}" -eq 0 ]; then
	echo "differential: FAILED: no query pushed anything to q (WHERE, aggregate, ORDER BY or LIMIT);"
	echo "  the comparison proves nothing.  DIFF_REQUIRE_PUSHDOWN=0 skips this check."
	failed=$((failed + 1))
fi
qipc_log "differential: $recorded comparisons in ${elapsed}s; $pushed pushed something to q"
echo "${passed} passed, ${failed} failed, 0 skipped"
[ "$failed" -eq 0 ]
