#!/usr/bin/env bash
#
# test/differential/run_joinpush_differential.sh
#	Differential test of join pushdown: random inner and left equi-joins
#	(one to three key columns of three types, duplicate and NULL keys on
#	both sides, 0 to 10000 rows per side, conditions of either table, a
#	join condition that is not a key, a filter above a left join) between
#	two foreign tables of one server, each run with the join done by q and
#	with it done by PostgreSQL (qipc_fdw.enable_join_pushdown off); the
#	results must be equal and the first run must have joined in q.  The
#	queries: test/differential/joinpush.sql.
#
# Usage (as root, after make && make install):
#	test/differential/run_joinpush_differential.sh               # seeds 1 2, 60 queries each
#	test/differential/run_joinpush_differential.sh --seeds "5 6" --queries 300
# Environment:
#	JPDIFF_SEEDS, JPDIFF_QUERIES  seeds and queries per seed
#	JPDIFF_PGPORT                 port of the cluster started here (55437)
#	PGHOST, PGPORT, QIPC_TEST_PORT   all three set: use that PostgreSQL
#	                              cluster and q test server
# Prints every mismatch (seed, query, both results' row counts, the plan),
# a summary per join type, and last "N passed, M failed, 0 skipped".
# Exits non-zero on any failure.
#
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

DB=qipc_jpdiff
DIFF_LABEL="join pushdown differential"
DIFF_DB=$DB
DIFF_PGPORT=${JPDIFF_PGPORT:-55437}
# the tables are made by each query (qipc_exec): no fixture
DIFF_QSERVER_ARGS=()
diff_start "$@"
SEEDS=${OPT_SEEDS:-${JPDIFF_SEEDS:-"1 2"}}
QUERIES=${OPT_QUERIES:-${JPDIFF_QUERIES:-60}}
# every query remakes the tables: no cached row count between them
export PGOPTIONS="${PGOPTIONS:-} -c qipc_fdw.row_count_ttl=0"

"${PSQL[@]}" -c "CREATE EXTENSION IF NOT EXISTS qipc_fdw" || fail_setup "CREATE EXTENSION failed"
timeout 120 "${PSQL[@]}" -v qport="$QIPC_TEST_PORT" -f "$HERE/joinpush.sql" ||
	fail_setup "joinpush.sql failed"

start=$(date +%s)
qipc_log "join pushdown differential: seeds $SEEDS, $QUERIES queries each"
errors=0
for seed in $SEEDS; do
	if ! out=$(timeout 1800 "${PSQL[@]}" -At -c "SELECT detail FROM jp_run($seed, 0, $((QUERIES - 1)))" 2>&1); then
		echo "not ok - seed $seed: the run failed: $out"
		errors=$((errors + 1))
		continue
	fi
	[ -n "$out" ] && printf '%s\n' "$out"
done
elapsed=$(($(date +%s) - start))

"${PSQL[@]}" -P footer=off <<-'EOF'
	\echo 'join pushdown differential by join type and number of keys:'
	SELECT kind AS "join", nkeys AS keys, count(*) AS queries,
	       count(*) FILTER (WHERE ok) AS matched,
	       count(*) FILTER (WHERE pushed) AS pushed,
	       count(*) FILTER (WHERE nrows > 0) AS "non-empty",
	       max(greatest(lrows, rrows)) AS "max rows per side",
	       max(nrows) AS "max result rows"
	FROM jp_results GROUP BY ROLLUP (kind, nkeys) ORDER BY kind NULLS LAST, nkeys NULLS LAST;
	EOF
passed=$(timeout 60 "${PSQL[@]}" -At -c "SELECT count(*) FROM jp_results WHERE ok") || passed=0
failed=$(timeout 60 "${PSQL[@]}" -At -c "SELECT count(*) FROM jp_results WHERE NOT ok") || failed=1
total=$((passed + failed))
expected=$(( $(wc -w <<<"$SEEDS") * QUERIES ))
if [ "$total" -lt "$expected" ]; then
	echo "not ok - only $total of $expected queries were recorded"
	failed=$((failed + expected - total))
fi
failed=$((failed + errors))
echo "join pushdown differential: ${elapsed}s"
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
