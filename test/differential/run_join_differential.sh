#!/usr/bin/env bash
#
# test/differential/run_join_differential.sh
#	Differential test of the bind join: random inner, left, semi and anti
#	joins and GROUP BY queries over inner, left and IN joins (agg, leftagg,
#	inagg: aggregates pushed into the bind join where the shape allows)
#	(duplicate and NULL keys, 0 to 10000 outer rows, one to three key
#	columns, keys of two integer widths, join quals that are not keys,
#	conditions of the foreign table pushed to q or not, bind_join_batch
#	from 1 to 10000) between a
#	local table and a foreign table over the q test server, each run with
#	the bind join forced and with it off; the results must be equal, the
#	forced run must use the bind join, and it must send at most one request
#	per bind_join_batch outer rows.  The queries: test/differential/joins.sql.
#
# Usage (as root, after make && make install):
#	test/differential/run_join_differential.sh                 # seeds 1 2, 100 queries each
#	test/differential/run_join_differential.sh --seeds "5 6" --queries 300
# Environment:
#	JDIFF_SEEDS, JDIFF_QUERIES  seeds and queries per seed
#	JDIFF_PGPORT                port of the cluster started here (55436)
#	PGHOST, PGPORT, QIPC_TEST_PORT   all three set: use that PostgreSQL
#	                            cluster and q test server (which must have
#	                            loaded test/fixtures/joins.q)
# Prints every mismatch (seed, query, both results' row counts and
# digests, requests, the plan), a summary per join type, and last
# "N passed, M failed, 0 skipped".  Exits non-zero on any failure.
#
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

DB=qipc_jdiff
DIFF_LABEL="join differential"
DIFF_DB=$DB
DIFF_PGPORT=${JDIFF_PGPORT:-55436}
DIFF_QSERVER_ARGS=("$QIPC_ROOT"/test/fixtures/joins.q)
diff_start "$@"
SEEDS=${OPT_SEEDS:-${JDIFF_SEEDS:-"1 2"}}
QUERIES=${OPT_QUERIES:-${JDIFF_QUERIES:-100}}
# the planner's cached remote row count (qipc_fdw.row_count_ttl) would add
# a request of its own to the first query after each ALTER of the table,
# which the per-batch request bound below does not allow for
export PGOPTIONS="${PGOPTIONS:-} -c qipc_fdw.row_count_ttl=0"

"${PSQL[@]}" -c "CREATE EXTENSION IF NOT EXISTS qipc_fdw" || fail_setup "CREATE EXTENSION failed"
timeout 120 "${PSQL[@]}" -v qport="$QIPC_TEST_PORT" -f "$HERE/joins.sql" ||
	fail_setup "joins.sql failed"
n=$(timeout 60 "${PSQL[@]}" -At -c "SELECT count(*) FROM jd_ft") ||
	fail_setup "cannot scan the foreign table jd_ft"
[ "$n" -eq 50000 ] || fail_setup "jd_ft has $n rows, not 50000: is test/fixtures/joins.q loaded?"

start=$(date +%s)
qipc_log "join differential: seeds $SEEDS, $QUERIES queries each"
errors=0
for seed in $SEEDS; do
	if ! out=$(timeout 1800 "${PSQL[@]}" -At -c "SELECT detail FROM jd_run($seed, 0, $((QUERIES - 1)))" 2>&1); then
		echo "not ok - seed $seed: the run failed: $out"
		errors=$((errors + 1))
		continue
	fi
	[ -n "$out" ] && printf '%s\n' "$out"
done
elapsed=$(($(date +%s) - start))

"${PSQL[@]}" -P footer=off <<-'EOF'
	\echo 'join differential by join type:'
	SELECT kind AS "join", count(*) AS queries, count(*) FILTER (WHERE ok) AS matched,
	       count(*) FILTER (WHERE bind_used) AS "bind join used",
	       count(*) FILTER (WHERE agg_pushed) AS "aggregate pushed",
	       count(*) FILTER (WHERE nrows > 0) AS "non-empty",
	       max(nkeys) AS "max outer rows", sum(requests) AS requests,
	       max(requests) AS "max requests"
	FROM jd_results GROUP BY ROLLUP (kind) ORDER BY kind NULLS LAST;
	EOF
passed=$(timeout 60 "${PSQL[@]}" -At -c "SELECT count(*) FROM jd_results WHERE ok") || passed=0
failed=$(timeout 60 "${PSQL[@]}" -At -c "SELECT count(*) FROM jd_results WHERE NOT ok") || failed=1
total=$((passed + failed))
expected=$(( $(wc -w <<<"$SEEDS") * QUERIES ))
if [ "$total" -lt "$expected" ]; then
	echo "not ok - only $total of $expected queries were recorded"
	failed=$((failed + expected - total))
fi
failed=$((failed + errors))
echo "join differential: ${elapsed}s"
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
