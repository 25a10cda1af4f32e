#!/usr/bin/env bash
#
# bench/join_bench.sh
#	Bind join benchmark: a local table of outer keys joined to the
#	ROWS-row q table of bench/join_trade.q (5,000,000 by default), for
#	1, 10, 1000 and 100000 outer keys (accounts, about ROWS / 1,000,000
#	rows each: 5 at the default size), with three plans forced in turn:
#	  bind     the bind join (qipc_fdw.enable_bind_join, PostgreSQL's own
#	           join methods off);
#	  nestloop a parameterized nested loop (use_remote_estimate on, the
#	           bind join, hash and merge joins off): one request per outer
#	           row;
#	  hash     a hash join over a full scan of the foreign table;
#	and the plan the planner picks by itself.  Reports the best of RUNS
#	runs (ms), the requests sent to q (qipc_fdw_get_connections()) and the
#	rows shipped from q; then the watch-list aggregate (2 symbols, GROUP
#	BY sym) at default settings: with the bind join on (the aggregate
#	pushed into it: q ships the groups), with the bind join but the
#	aggregate kept local (the same query grouped by the outer key too,
#	which the pushed aggregate does not take: q ships the rows), and off.
#	Exits non-zero if any two plans give different answers.
#
# Run as root:  bench/join_bench.sh    (RUNS=3 ROWS=5000000; NL_TIMEOUT,
# default 120s, bounds each nested-loop run, reported as "timeout")
# Starts a throwaway PostgreSQL 15 cluster (as postgres, port
# PGPORT_BENCH, default 55437) and a q test server; stops both at the end
# (qipc_bench_setup in tools/lib.sh; QIPC_BENCH_DESTDIR=DIR installs into a
# private copy of PostgreSQL at DIR instead, without the machine-wide lock).
#
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
ROWS=${ROWS:-5000000}
NL_TIMEOUT=${NL_TIMEOUT:-120s}

# shellcheck source=tools/lib.sh
. tools/lib.sh
echo "building the $ROWS-row q table ..."
qipc_bench_setup -P "${PGPORT_BENCH:-55437}" -N "$ROWS" bench/join_trade.q

psql -X -q -v ON_ERROR_STOP=1 <<SQL
CREATE FOREIGN TABLE bigtrade (sym text, acct bigint, size bigint,
  price double precision) SERVER kdb OPTIONS (table 'jb_trade');
-- the same table, with remote estimates: parameterized foreign scans
CREATE FOREIGN TABLE bigtrade_re (sym text, acct bigint, size bigint,
  price double precision) SERVER kdb
  OPTIONS (table 'jb_trade', use_remote_estimate 'true');
CREATE TABLE watch (sym text);
INSERT INTO watch VALUES ('AAPL'), ('IBM');
SELECT setseed(0.42);
CREATE TABLE keys_all AS
  SELECT DISTINCT floor(random() * 1000000)::bigint AS acct
  FROM generate_series(1, 120000);
CREATE TABLE keys_1 AS SELECT acct FROM keys_all ORDER BY acct LIMIT 1;
CREATE TABLE keys_10 AS SELECT acct FROM keys_all ORDER BY acct LIMIT 10;
CREATE TABLE keys_1000 AS SELECT acct FROM keys_all ORDER BY acct LIMIT 1000;
CREATE TABLE keys_100000 AS SELECT acct FROM keys_all ORDER BY acct LIMIT 100000;
ANALYZE watch, keys_1, keys_10, keys_1000, keys_100000;
ANALYZE bigtrade;
ANALYZE bigtrade_re;

-- rows shipped from q by the foreign scans of a plan (EXPLAIN ANALYZE):
-- rows returned plus rows removed by a local filter, times loops
CREATE FUNCTION shipped(q text) RETURNS bigint LANGUAGE plpgsql AS \$\$
DECLARE
  plan json;
  n bigint := 0;
  node json;
  todo json[];
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || q INTO plan;
  todo := ARRAY[plan->0->'Plan'];
  WHILE array_length(todo, 1) > 0 LOOP
    node := todo[1];
    todo := todo[2:];
    IF node->>'Node Type' = 'Foreign Scan' THEN
      n := n + ((node->>'Actual Rows')::numeric *
                (node->>'Actual Loops')::numeric)::bigint +
           coalesce((node->>'Rows Removed by Filter')::bigint, 0);
    END IF;
    IF node->'Plans' IS NOT NULL THEN
      SELECT todo || array_agg(p) INTO todo FROM json_array_elements(node->'Plans') p;
    END IF;
  END LOOP;
  RETURN n;
END \$\$;
CREATE FUNCTION requests() RETURNS bigint LANGUAGE sql AS \$\$
  SELECT coalesce(sum(requests), 0)::bigint FROM qipc_fdw_get_connections()
\$\$;
SQL

# settings of each plan (and $EXTRA)
EXTRA=""
plan_settings() {
	echo "$EXTRA"
	case $1 in
		bind) echo "SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_nestloop = off;" ;;
		nestloop) echo "SET qipc_fdw.enable_bind_join = off; SET enable_hashjoin = off; SET enable_mergejoin = off; SET statement_timeout = '$NL_TIMEOUT';" ;;
		hash) echo "SET qipc_fdw.enable_bind_join = off; SET enable_nestloop = off; SET enable_mergejoin = off;" ;;
		planner) echo "" ;;
	esac
}

# run PLAN QUERY: prints "best_ms requests shipped answer_md5 plan_top";
# requests: those of one execution, after a plain EXPLAIN has cached the
# table's description (one request per session); shipped: exact for the
# bind join and the hash join, per-loop average times loops (rounded) for
# the nested loop
run() {
	local plan=$1 q=$2 best="" t i out reqs ship md5 top runs=$RUNS
	# the nested loop is the slow baseline: one run
	[ "$plan" = nestloop ] && runs=1
	for i in $(seq 1 "$runs"); do
		out=$(psql -X -q -At -v ON_ERROR_STOP=1 2>&1 <<SQL
$(plan_settings "$plan")
\\o /dev/null
\\timing on
$q;
SQL
) || { echo "timeout - - - -"; return; }
		t=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n 1)
		if [ -z "$t" ]; then echo "timeout - - - -"; return; fi
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
	done
	# requests and rows shipped of one EXPLAIN ANALYZE run
	read -r reqs ship <<<"$(psql -X -q -At <<SQL | tail -n 1
$(plan_settings "$plan")
\\o /dev/null
EXPLAIN $q;
\\o
SELECT requests() AS r0 \\gset
SELECT shipped(\$q\$$q\$q\$) AS s \\gset
SELECT (requests() - :r0) || ' ' || :s;
SQL
)"
	md5=$(psql -X -q -At -c "$(plan_settings "$plan")" -c "$q ORDER BY 1" | md5sum | cut -c1-12)
	top=$(psql -X -q -At -c "$(plan_settings "$plan")" -c "EXPLAIN (COSTS OFF) $q" |
		grep -E -m1 'Custom Scan|Hash Join|Nested Loop|Merge Join' | sed 's/^ *//; s/->  //; s/ (QipcBindJoin)//')
	echo "$best $reqs $ship $md5 ${top// /_}"
}

differ=0
printf '\n%-8s %-9s %10s %9s %11s  %s\n' keys plan "best ms" requests "rows shipped" "planner's plan / answer"
for n in 1 10 1000 100000; do
	declare -A md=()
	for plan in bind nestloop hash planner; do
		tab=bigtrade
		[ $plan = nestloop ] && tab=bigtrade_re
		q="SELECT count(*), sum(t.size) FROM $tab t JOIN keys_$n k ON t.acct = k.acct"
		read -r ms reqs ship md5 top <<<"$(run $plan "$q")"
		printf '%-8s %-9s %10s %9s %11s  %s\n' "$n" "$plan" "$ms" "$reqs" "$ship" \
			"$([ $plan = planner ] && echo "${top//_/ } " )$md5"
		if [ "$md5" != "-" ]; then md[$md5]=1; fi
	done
	if [ "${#md[@]}" -ne 1 ]; then
		echo "ANSWERS DIFFER for $n keys"
		differ=1
	fi
	unset md
done

echo
echo "bind_join_batch with 100000 outer keys (forced bind join):"
printf '%-8s %10s %9s %11s\n' batch "best ms" requests "rows shipped"
for b in 1000 10000 100000; do
	psql -X -q -c "ALTER FOREIGN TABLE bigtrade OPTIONS (ADD bind_join_batch '$b')"
	read -r ms reqs ship md5 top <<<"$(run bind "SELECT count(*), sum(t.size) FROM bigtrade t JOIN keys_100000 k ON t.acct = k.acct")"
	printf '%-8s %10s %9s %11s\n' "$b" "$ms" "$reqs" "$ship"
	psql -X -q -c "ALTER FOREIGN TABLE bigtrade OPTIONS (DROP bind_join_batch)"
done

echo
echo "watch list: SELECT t.sym, count(*), sum(t.size) FROM bigtrade t JOIN watch w ON w.sym = t.sym GROUP BY 1"
Q_WATCH="SELECT t.sym, count(*), sum(t.size) FROM bigtrade t JOIN watch w ON w.sym = t.sym GROUP BY 1"
# the same answer (w.sym = t.sym), but a group key of the outer side: the
# aggregate stays in PostgreSQL, over the bind join's rows
Q_WATCH_LOCAL="SELECT t.sym, count(*), sum(t.size) FROM bigtrade t JOIN watch w ON w.sym = t.sym GROUP BY 1, w.sym"
declare -A md=()
printf '%-22s %10s %9s %11s  %s\n' "bind join" "best ms" requests "rows shipped" plan
for setting in on local off; do
	# default settings otherwise: the planner chooses
	q=$Q_WATCH
	case $setting in
		local) q=$Q_WATCH_LOCAL; EXTRA="SET qipc_fdw.enable_bind_join = on;" ;;
		*) EXTRA="SET qipc_fdw.enable_bind_join = $setting;" ;;
	esac
	read -r ms reqs ship md5 top <<<"$(run planner "$q")"
	EXTRA=""
	label=$setting
	[ "$setting" = on ] && label="on (aggregate pushed)"
	[ "$setting" = local ] && label="on (aggregate local)"
	printf '%-22s %10s %9s %11s  %s\n' "$label" "$ms" "$reqs" "$ship" "${top//_/ } $md5"
	md[$md5]=1
	eval "watch_ms_$setting=$ms"
done
if [ "${#md[@]}" -ne 1 ]; then
	echo "ANSWERS DIFFER for the watch list"
	differ=1
fi
# shellcheck disable=SC2154
awk -v on="$watch_ms_on" -v loc="$watch_ms_local" -v off="$watch_ms_off" 'BEGIN {
	printf "watch list speed-up with the bind join: %.1fx with the aggregate pushed, %.1fx with it local\n", off / on, off / loc }'

if [ "$differ" -ne 0 ]; then
	echo "join_bench: FAILED: plans gave different answers (see above)"
	exit 1
fi
