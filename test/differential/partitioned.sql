--
-- test/differential/partitioned.sql
--	The partitioned table of the differential test (run by
--	run_differential.sh after setup.sql when DIFF_PARTITIONED=1, psql -v
--	qport=PORT): the generated queries of table pair 1 then read diff_pt, a
--	PostgreSQL table partitioned by LIST on g whose three partitions are
--	foreign tables on three q tables that split diff_t by g, compared with
--	diff_lt (the local copy of diff_t).  The partitions run as an Async
--	Append (async_capable) and all share one connection (one q server), so
--	every query also checks that scans sharing a connection take turns
--	correctly; with enable_partitionwise_aggregate, a GROUP BY holding g is
--	aggregated by q per partition.
--

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

DROP SERVER IF EXISTS diff_q_async CASCADE;
CREATE SERVER diff_q_async FOREIGN DATA WRAPPER qipc_fdw
	OPTIONS (port :'qport', async_capable 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER diff_q_async;

-- the q side: diff_t cut by g (null and other symbols in the third)
SELECT qipc_exec('diff_q_async', 'diff_tp1:select from diff_t where g in `a`A; count diff_tp1');
SELECT qipc_exec('diff_q_async', 'diff_tp2:select from diff_t where g in (`b;`$"b c"); count diff_tp2');
SELECT qipc_exec('diff_q_async', 'diff_tp3:select from diff_t where not g in (`a;`A;`b;`$"b c"); count diff_tp3');

DROP TABLE IF EXISTS diff_pt;
CREATE TABLE diff_pt (
	id bigint, g text COLLATE "C", b boolean, h smallint, i integer,
	j bigint, e real, f double precision, finf double precision, c "char",
	s text COLLATE "C", str text COLLATE "C", d date, dinf date,
	p timestamp, pinf timestamp, t time, n interval, m date
) PARTITION BY LIST (g);
CREATE FOREIGN TABLE diff_pt1 PARTITION OF diff_pt FOR VALUES IN ('a', 'A')
	SERVER diff_q_async OPTIONS (table 'diff_tp1');
CREATE FOREIGN TABLE diff_pt2 PARTITION OF diff_pt FOR VALUES IN ('b', 'b c')
	SERVER diff_q_async OPTIONS (table 'diff_tp2');
CREATE FOREIGN TABLE diff_pt3 PARTITION OF diff_pt DEFAULT
	SERVER diff_q_async OPTIONS (table 'diff_tp3');

-- the partitions hold exactly diff_t's rows
DO $$
BEGIN
	IF (SELECT count(*) FROM diff_pt) <> (SELECT count(*) FROM diff_lt) THEN
		RAISE EXCEPTION 'diff_pt has % rows, diff_lt %',
			(SELECT count(*) FROM diff_pt), (SELECT count(*) FROM diff_lt);
	END IF;
END $$;

-- partition-wise aggregation for every query of this database
SELECT format('ALTER DATABASE %I SET enable_partitionwise_aggregate = on',
			  current_database()) \gexec

-- pair 1 (the generator's most frequent) reads the partitioned table
UPDATE diff_tables SET remote = 'diff_pt' WHERE k = 1;

-- Partial partition-wise aggregation: a GROUP BY without g (or none) is
-- aggregated partially per partition and finalized by PostgreSQL.  The
-- generated aggregate queries of pair 1 include such queries at random;
-- these fixed ones (run once by run_differential.sh, diff_run_partial)
-- make sure every kind is there: no GROUP BY, GROUP BY other columns,
-- HAVING, ORDER BY and LIMIT over the finalized groups, empty input, float
-- states, infinities, and aggregates whose state stays local.  Each is
-- compared like a generated query; when push is true its plan must also
-- show each partition's partial aggregation computed by q (a Finalize
-- Aggregate and no Partial Aggregate node: the partial aggregates are the
-- foreign scans).
DROP TABLE IF EXISTS diff_partial_queries;
CREATE TABLE diff_partial_queries (k int PRIMARY KEY, sql text, push bool,
	ordered bool, f8 text[], pushed bool);
INSERT INTO diff_partial_queries VALUES
 (1, 'SELECT count(*) AS a1, count(i) AS a2, sum(i) AS a3, avg(i) AS a4, min(f) AS a5, max(d) AS a6 FROM @T@', true, false, '{}', NULL),
 (2, 'SELECT s AS k1, count(*) AS a1, sum(h) AS a2, avg(h) AS a3, min(p) AS a4, max(i) AS a5 FROM @T@ GROUP BY s', true, false, '{}', NULL),
 (3, 'SELECT b AS k1, count(i) AS a1, sum(i) AS a2, sum(f) AS a3 FROM @T@ GROUP BY b HAVING count(*) > 5', true, false, '{a3}', NULL),
 (4, 'SELECT d AS k1, count(*) AS a1, sum(i) AS a2 FROM @T@ WHERE i > 0 GROUP BY d HAVING sum(i) > 100', true, false, '{}', NULL),
 (5, 'SELECT h AS k1, avg(i) AS a1, count(*) AS a2 FROM @T@ GROUP BY h ORDER BY h NULLS FIRST LIMIT 5', true, true, '{}', NULL),
 (6, 'SELECT s AS k1, d AS k2, min(h) AS a1, max(f) AS a2, sum(f) AS a3 FROM @T@ GROUP BY s, d ORDER BY avg(i) DESC NULLS LAST, s, d LIMIT 7', true, true, '{a3}', NULL),
 (7, 'SELECT count(*) AS a1, sum(h) AS a2, sum(i) AS a3, avg(i) AS a4 FROM @T@ WHERE j < -9000000000000000000', true, false, '{}', NULL),
 (8, 'SELECT b AS k1, count(*) AS a1, sum(finf) AS a2, min(finf) AS a3, max(finf) AS a4 FROM @T@ GROUP BY b', true, false, '{a2}', NULL),
 (9, 'SELECT min(dinf) AS a1, max(pinf) AS a2, min(e) AS a3, max(t) AS a4 FROM @T@', false, false, '{}', NULL),
 (10, 'SELECT s AS k1, sum(j) AS a1, avg(j) AS a2, avg(f) AS a3 FROM @T@ GROUP BY s', false, false, '{a3}', NULL),
 (11, 'SELECT i > 0 AS k1, count(*) AS a1, sum(h) AS a2 FROM @T@ GROUP BY i > 0', false, false, '{}', NULL),
 (12, 'SELECT count(*) AS a1 FROM @T@ HAVING count(*) > 0', true, false, '{}', NULL);

CREATE OR REPLACE FUNCTION diff_run_partial() RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	pq diff_partial_queries;
	q diff_query;
	explain text;
	is_pushed bool;
BEGIN
	PERFORM set_config('qipc_fdw.enable_pushdown', 'on', true);
	FOR pq IN SELECT * FROM diff_partial_queries ORDER BY k LOOP
		q.seed := 0;
		q.k := pq.k;
		q.kind := 'partial-agg';
		q.tab := 1;
		q.sql := pq.sql;
		q.ordered := pq.ordered;
		q.f4 := '{}';
		q.f8 := pq.f8;
		q.has_where := pq.sql ~ ' WHERE ';
		q.is_agg := true;
		q.has_order := pq.sql ~ ' ORDER BY ';
		q.has_limit := pq.sql ~ ' LIMIT ';
		q.gucs := '{}';
		PERFORM diff_check(q);
		explain := diff_explain(replace(pq.sql, '@T@', 'diff_pt'), true);
		is_pushed := explain ~ 'Finalize (Hash|Group)?Aggregate'
			AND explain !~ 'Partial (Hash|Group)?Aggregate';
		UPDATE diff_partial_queries SET pushed = is_pushed
		WHERE k = pq.k;
		IF pq.push AND NOT is_pushed THEN
			UPDATE diff_results
			SET ok = false,
				detail = format(E'MISMATCH seed 0 query %s (partial-agg): the partial aggregation was not pushed to q\n  %s\n  EXPLAIN (VERBOSE, COSTS OFF):\n    %s',
								pq.k, replace(pq.sql, '@T@', 'diff_pt'),
								replace(explain, E'\n', E'\n    '))
			WHERE seed = 0 AND k = pq.k AND kind = 'partial-agg';
		END IF;
	END LOOP;
END $$;
