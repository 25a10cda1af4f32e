--
-- hdb: pushdown on a date-partitioned table (the q test server's stand-in
-- for a kdb+ HDB) and on attributed columns.  kdb+ answers a select on a
-- partitioned table by map-reduce over the partitions its first
-- constraint leaves, combining only built-in aggregates, and its fast
-- paths (partition pruning, s# u# p# g# lookups) work on plain where
-- subphrases.  After each query, .qserver.stats[] (a test-server-only
-- hook, asked on the same connection through qipc_exec) tells which
-- partitions q visited, how many rows of each column it read and which
-- subphrases an attribute answered.
--
\getenv qport QIPC_TEST_PORT

SET client_min_messages = warning;
DROP SERVER IF EXISTS regress_hdb CASCADE;
RESET client_min_messages;
CREATE SERVER regress_hdb FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_hdb;

-- fixture: test/fixtures/hdb.q
CREATE FOREIGN TABLE hdb_trade (date date, sym text, v bigint,
  px double precision)
  SERVER regress_hdb OPTIONS (table 'hdb_trade', partition_column 'date');
CREATE FOREIGN TABLE hdb_mem (id bigint, sym text, v bigint)
  SERVER regress_hdb;

-- the q side: date partitions, p# on sym; s# and g# in memory
SELECT qipc_exec('regress_hdb', '.Q.PV') AS partitions,
       qipc_exec('regress_hdb', 'exec a from meta hdb_trade') AS trade_attrs,
       qipc_exec('regress_hdb', 'exec a from meta hdb_mem') AS mem_attrs;

-- the stats of the last request on this connection
CREATE FUNCTION hdb_stats(OUT parts text, OUT rows text, OUT attrs text)
LANGUAGE sql AS $$
  SELECT qipc_exec('regress_hdb', '.qserver.stats[]`parts'),
         qipc_exec('regress_hdb', '.qserver.stats[]`rows'),
         qipc_exec('regress_hdb', '.qserver.stats[]`attrs')
$$;

-- ===================================================================
-- point query: the partition first, then the p# column; one partition
-- visited, only that sym's rows read
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM hdb_trade WHERE sym = 'AAPL' AND date = '2024-01-03';
SELECT * FROM hdb_trade WHERE sym = 'AAPL' AND date = '2024-01-03';
SELECT * FROM hdb_stats();

-- in and a date range (within on the partition column)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date, sym, v FROM hdb_trade
WHERE date >= '2024-01-02' AND date <= '2024-01-03' AND sym IN ('IBM', 'MSFT')
ORDER BY date, sym, v;
SELECT date, sym, v FROM hdb_trade
WHERE date >= '2024-01-02' AND date <= '2024-01-03' AND sym IN ('IBM', 'MSFT')
ORDER BY date, sym, v;
SELECT * FROM hdb_stats();

-- ===================================================================
-- aggregates: built-ins that kdb+ combines across partitions
-- ===================================================================
-- GROUP BY sym over all five partitions: one row per sym
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym, count(*), count(v), sum(v), min(v), max(px), avg(px)
FROM hdb_trade GROUP BY sym ORDER BY sym;
SELECT sym, count(*), count(v), sum(v), min(v), max(px), avg(px)
FROM hdb_trade GROUP BY sym ORDER BY sym;
SELECT parts FROM hdb_stats();
-- the same computed locally
SET qipc_fdw.enable_pushdown = off;
SELECT sym, count(*), count(v), sum(v), min(v), max(px), avg(px)
FROM hdb_trade GROUP BY sym ORDER BY sym;
RESET qipc_fdw.enable_pushdown;

-- count(*) and sum over several partitions: one row
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*), sum(v) FROM hdb_trade WHERE date >= '2024-01-02';
SELECT count(*), sum(v) FROM hdb_trade WHERE date >= '2024-01-02';
SELECT parts FROM hdb_stats();
SET qipc_fdw.enable_pushdown = off;
SELECT count(*), sum(v) FROM hdb_trade WHERE date >= '2024-01-02';
RESET qipc_fdw.enable_pushdown;

-- a float sum over partitions, and HAVING / ORDER BY / LIMIT on the
-- reduced result
SELECT date, sum(px) FROM hdb_trade WHERE sym <> 'GOOG'
GROUP BY date HAVING count(v) > 8 ORDER BY date DESC LIMIT 3;
SET qipc_fdw.enable_pushdown = off;
SELECT date, sum(px) FROM hdb_trade WHERE sym <> 'GOOG'
GROUP BY date HAVING count(v) > 8 ORDER BY date DESC LIMIT 3;
RESET qipc_fdw.enable_pushdown;

-- aggregates kdb+ cannot combine across partitions stay local (the plan's
-- aggregate and remote q only: from PostgreSQL 16 on a sort sits between)
CREATE FUNCTION regress_hdb_plan(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q
	LOOP
		CONTINUE WHEN line !~ '^\s*(->\s*)?(Aggregate|Foreign Scan|Remote q:)';
		RETURN NEXT btrim(regexp_replace(line, '^\s*->\s*', ''));
	END LOOP;
END
$$;
SELECT regress_hdb_plan('SELECT count(DISTINCT sym) FROM hdb_trade');
DROP FUNCTION regress_hdb_plan(text);
SELECT count(DISTINCT sym) FROM hdb_trade;
-- ... unless the partition column pins one partition: kdb+ then answers
-- as for an in-memory table
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(DISTINCT v) FROM hdb_trade WHERE date = '2024-01-02';
SELECT count(DISTINCT v) FROM hdb_trade WHERE date = '2024-01-02';
SELECT parts FROM hdb_stats();

-- ===================================================================
-- attributes in memory: g# and s# answer the first subphrase
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM hdb_mem WHERE v > 100 AND sym = 'IBM';
SELECT count(*) FROM hdb_mem WHERE v > 100 AND sym = 'IBM';
SELECT * FROM hdb_stats();

EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, v FROM hdb_mem WHERE id BETWEEN 10 AND 12;
SELECT id, v FROM hdb_mem WHERE id BETWEEN 10 AND 12;
SELECT * FROM hdb_stats();

-- the same point query without pushdown reads every row
SET qipc_fdw.enable_pushdown = off;
SELECT count(*) FROM hdb_mem WHERE v > 100 AND sym = 'IBM';
RESET qipc_fdw.enable_pushdown;
SELECT rows FROM hdb_stats();

-- ===================================================================
-- prepared statements: the generic plan that the drivers of BI tools
-- get after five executions sends the same plain subphrases as a custom
-- plan (a NULL parameter is caught by the FDW when it binds the
-- parameters: the scan is then empty without asking q), so kdb+ prunes
-- the partitions and uses the attributes as for constants
-- ===================================================================
CREATE FOREIGN TABLE hdb_trade1 (date date, sym text, v bigint,
  px double precision)
  SERVER regress_hdb OPTIONS (table 'hdb_trade', partition_column 'date',
                              fetch_size '0');
SET qipc_fdw.enable_pushdown = off;
CREATE TEMP TABLE hdb_local AS SELECT * FROM hdb_trade1;
RESET qipc_fdw.enable_pushdown;
PREPARE hdb_p(date, date, text) AS
  SELECT date, v FROM hdb_trade1 WHERE date >= $1 AND date <= $2 AND sym = $3;
-- hdb_p's rows, and how many differ from the local copy's (both ways)
CREATE FUNCTION hdb_run(d1 date, d2 date, s text,
                        OUT n bigint, OUT differences bigint)
LANGUAGE plpgsql SET client_min_messages = warning AS $$
BEGIN
	DROP TABLE IF EXISTS hdb_r;
	EXECUTE format('CREATE TEMP TABLE hdb_r AS EXECUTE hdb_p(%L, %L, %L)',
				   d1, d2, s);
	SELECT count(*) INTO n FROM hdb_r;
	SELECT count(*) INTO differences FROM (
	  (TABLE hdb_r EXCEPT ALL
	   SELECT date, v FROM hdb_local
	    WHERE date >= d1 AND date <= d2 AND sym = s)
	  UNION ALL
	  (SELECT date, v FROM hdb_local
	    WHERE date >= d1 AND date <= d2 AND sym = s
	   EXCEPT ALL TABLE hdb_r)) d;
END
$$;
-- requests sent on the connection so far
CREATE FUNCTION hdb_requests() RETURNS bigint
LANGUAGE sql AS $$
  SELECT requests FROM qipc_fdw_get_connections()
   WHERE server_name = 'regress_hdb'
$$;
-- the custom plan, six executions
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_p('2024-01-02', '2024-01-03', 'AAPL');
EXECUTE hdb_p('2024-01-02', '2024-01-03', 'AAPL');
SELECT * FROM hdb_run('2024-01-02', '2024-01-03', 'AAPL');
SELECT * FROM hdb_run('2024-01-02', '2024-01-03', 'AAPL');
SELECT * FROM hdb_run('2024-01-02', '2024-01-03', 'AAPL');
SELECT * FROM hdb_run('2024-01-02', '2024-01-03', 'AAPL');
SELECT * FROM hdb_run('2024-01-02', '2024-01-03', 'AAPL');
SELECT * FROM hdb_stats();
-- the generic plan: the same subphrases, the same partitions and rows
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_p('2024-01-02', '2024-01-03', 'AAPL');
EXECUTE hdb_p('2024-01-02', '2024-01-03', 'AAPL');
SELECT * FROM hdb_stats();
SELECT * FROM hdb_run('2024-01-02', '2024-01-03', 'AAPL');
SELECT * FROM hdb_run('2024-01-04', '2024-01-05', 'IBM');
SELECT parts FROM hdb_stats();
SELECT * FROM hdb_run('2024-01-02', '2024-01-02', 'GOOG');
SELECT parts FROM hdb_stats();
SELECT * FROM hdb_run('2024-01-01', '2024-01-05', 'MSFT');
SELECT parts FROM hdb_stats();
SELECT * FROM hdb_run('2024-01-04', '2024-01-03', 'MSFT');
SELECT parts FROM hdb_stats();
-- a NULL parameter: no row, as locally, and no request
SELECT hdb_requests() AS req0 \gset
SELECT * FROM hdb_run(NULL, '2024-01-03', 'AAPL');
SELECT * FROM hdb_run('2024-01-02', NULL, 'AAPL');
SELECT * FROM hdb_run('2024-01-02', '2024-01-03', NULL);
SELECT hdb_requests() - :req0 AS requests;
SELECT * FROM hdb_run('2024-01-02', '2024-01-03', '');
-- a lone bound, and <, > (plain comparisons on the partition column)
PREPARE hdb_b(date) AS SELECT date, v FROM hdb_trade1
  WHERE date <= $1 AND sym = 'IBM';
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_b('2024-01-02');
EXECUTE hdb_b('2024-01-02');
SELECT parts FROM hdb_stats();
EXECUTE hdb_b(NULL);
PREPARE hdb_lt(date, date) AS SELECT date, v FROM hdb_trade1
  WHERE date > $1 AND date < $2 AND sym = 'IBM';
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_lt('2024-01-02', '2024-01-05');
EXECUTE hdb_lt('2024-01-02', '2024-01-05');
SELECT parts FROM hdb_stats();
-- a parameter inside OR keeps its test in q (its NULL leaves the other arm)
PREPARE hdb_or(date) AS SELECT date, v FROM hdb_trade1
  WHERE (date = $1 OR v = 1) AND sym = 'AAPL';
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_or('2024-01-05');
EXECUTE hdb_or('2024-01-05');
EXECUTE hdb_or(NULL);
SET qipc_fdw.enable_pushdown = off;
SELECT date, v FROM hdb_trade1 WHERE (date = NULL OR v = 1) AND sym = 'AAPL';
RESET qipc_fdw.enable_pushdown;
-- attributes in memory: s# within, g# = and in, in generic plans
PREPARE hdb_s(bigint, bigint) AS SELECT id, v FROM hdb_mem
  WHERE id BETWEEN $1 AND $2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_s(10, 12);
EXECUTE hdb_s(10, 12);
SELECT * FROM hdb_stats();
EXECUTE hdb_s(398, NULL);
PREPARE hdb_g(text) AS SELECT id FROM hdb_mem WHERE sym = $1 AND v < 12;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_g('IBM');
EXECUTE hdb_g('IBM');
SELECT attrs FROM hdb_stats();
EXECUTE hdb_g(NULL);
PREPARE hdb_in(text[]) AS SELECT id FROM hdb_mem
  WHERE sym = ANY($1) AND v < 12;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_in('{IBM,AMZN}');
EXECUTE hdb_in('{IBM,AMZN}');
SELECT attrs FROM hdb_stats();
-- under an Async Append (each scan's request sent when the Append asks):
-- a NULL parameter ends both scans without a request
ALTER FOREIGN TABLE hdb_mem OPTIONS (ADD async_capable 'true');
PREPARE hdb_a(text) AS
  SELECT id FROM hdb_mem WHERE sym = $1 AND v < 12
  UNION ALL
  SELECT id FROM hdb_mem WHERE sym = $1 AND v >= 390;
EXPLAIN (COSTS OFF) EXECUTE hdb_a('IBM');
EXECUTE hdb_a('IBM');
SELECT hdb_requests() AS req0 \gset
EXECUTE hdb_a(NULL);
SELECT hdb_requests() - :req0 AS requests;
ALTER FOREIGN TABLE hdb_mem OPTIONS (DROP async_capable);
RESET plan_cache_mode;
DEALLOCATE ALL;


-- ===================================================================
-- timestamps: a comparison with a parameter (a generic plan) or with an
-- infinity is a plain subphrase, its bound sent as the first or the last
-- nanosecond of the microsecond; =, a range and a lone bound on an s#
-- column are within, which s# answers by binary search
-- ===================================================================
-- fixture: hdb_tick, time s#, 199 rows (null, -0Wp, 196 finite, 0Wp)
CREATE FOREIGN TABLE hdb_tick (time timestamp, v bigint) SERVER regress_hdb;
SET qipc_fdw.enable_pushdown = off;
CREATE TEMP TABLE hdb_tick_local AS SELECT * FROM hdb_tick;
RESET qipc_fdw.enable_pushdown;
SELECT count(*), count(time), min(time), max(time) FROM hdb_tick_local;
SET plan_cache_mode = force_generic_plan;
-- = : one microsecond, two q rows
PREPARE hdb_t_eq(timestamp) AS SELECT time, v FROM hdb_tick WHERE time = $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_t_eq('2024-01-01 09:30:05');
EXECUTE hdb_t_eq('2024-01-01 09:30:05');
SELECT * FROM hdb_stats();
-- a range: within from the first nanosecond of one microsecond to the
-- last of the other
PREPARE hdb_t_range(timestamp, timestamp) AS
  SELECT time, v FROM hdb_tick WHERE time >= $1 AND time <= $2;
EXPLAIN (VERBOSE, COSTS OFF)
  EXECUTE hdb_t_range('2024-01-01 09:30:05', '2024-01-01 09:30:06');
EXECUTE hdb_t_range('2024-01-01 09:30:05', '2024-01-01 09:30:06');
SELECT * FROM hdb_stats();
EXECUTE hdb_t_range('2024-01-01 09:31:36', 'infinity');
SELECT rows, attrs FROM hdb_stats();
EXECUTE hdb_t_range('-infinity', '-infinity');
SELECT rows, attrs FROM hdb_stats();
-- a lone bound (the parameter on the left): within up to 0Wp, from -0Wp
PREPARE hdb_t_ge(timestamp) AS SELECT time, v FROM hdb_tick WHERE $1 <= time;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_t_ge('2024-01-01 09:31:36');
EXECUTE hdb_t_ge('2024-01-01 09:31:36');
SELECT * FROM hdb_stats();
PREPARE hdb_t_le(timestamp) AS SELECT time, v FROM hdb_tick WHERE time <= $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_t_le('2000-01-01');
EXECUTE hdb_t_le('2000-01-01');
SELECT * FROM hdb_stats();
-- strict bounds: from the nanosecond after the parameter's microsecond,
-- up to the one before it (the half-open range of BI tools)
PREPARE hdb_t_half(timestamp, timestamp) AS
  SELECT time, v FROM hdb_tick WHERE time >= $1 AND time < $2;
EXPLAIN (VERBOSE, COSTS OFF)
  EXECUTE hdb_t_half('2024-01-01 09:30:05', '2024-01-01 09:30:07');
EXECUTE hdb_t_half('2024-01-01 09:30:05', '2024-01-01 09:30:07');
SELECT * FROM hdb_stats();
EXECUTE hdb_t_half('2024-01-01 09:31:37', 'infinity');
SELECT rows, attrs FROM hdb_stats();
PREPARE hdb_t_gt(timestamp) AS SELECT time, v FROM hdb_tick WHERE time > $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE hdb_t_gt('2024-01-01 09:31:36');
EXECUTE hdb_t_gt('2024-01-01 09:31:36');
SELECT * FROM hdb_stats();
-- a NULL parameter, and a strict bound beyond an infinity (no timestamp
-- is after +infinity or before -infinity): no row, and no request
SELECT hdb_requests() AS req0 \gset
EXECUTE hdb_t_eq(NULL);
EXECUTE hdb_t_range('2024-01-01 09:30:05', NULL);
EXECUTE hdb_t_ge(NULL);
EXECUTE hdb_t_gt('infinity');
EXECUTE hdb_t_half('-infinity', '-infinity');
EXECUTE hdb_t_half('2024-01-01 09:30:05', NULL);
SELECT hdb_requests() - :req0 AS requests;

-- every operator, both operand orders, against the local copy: the
-- subphrase of each generic plan, then for each value the row count and
-- the rows that differ from the local answer (both ways)
PREPARE hdb_t1(timestamp) AS SELECT v FROM hdb_tick WHERE time = $1;
PREPARE hdb_t2(timestamp) AS SELECT v FROM hdb_tick WHERE time <> $1;
PREPARE hdb_t3(timestamp) AS SELECT v FROM hdb_tick WHERE time < $1;
PREPARE hdb_t4(timestamp) AS SELECT v FROM hdb_tick WHERE time <= $1;
PREPARE hdb_t5(timestamp) AS SELECT v FROM hdb_tick WHERE time > $1;
PREPARE hdb_t6(timestamp) AS SELECT v FROM hdb_tick WHERE time >= $1;
PREPARE hdb_t7(timestamp) AS SELECT v FROM hdb_tick WHERE $1 = time;
PREPARE hdb_t8(timestamp) AS SELECT v FROM hdb_tick WHERE $1 <> time;
PREPARE hdb_t9(timestamp) AS SELECT v FROM hdb_tick WHERE $1 < time;
PREPARE hdb_t10(timestamp) AS SELECT v FROM hdb_tick WHERE $1 <= time;
PREPARE hdb_t11(timestamp) AS SELECT v FROM hdb_tick WHERE $1 > time;
PREPARE hdb_t12(timestamp) AS SELECT v FROM hdb_tick WHERE $1 >= time;
-- NOT (PostgreSQL negates the operator) and OR (where the parameter's
-- NULL is tested in q)
PREPARE hdb_t13(timestamp) AS SELECT v FROM hdb_tick WHERE NOT (time <= $1);
PREPARE hdb_t14(timestamp) AS SELECT v FROM hdb_tick WHERE NOT (time = $1);
PREPARE hdb_t15(timestamp) AS SELECT v FROM hdb_tick
  WHERE time >= $1 OR v = 100;
PREPARE hdb_t16(timestamp) AS SELECT v FROM hdb_tick
  WHERE time = $1 OR v = 100;
PREPARE hdb_t17(timestamp) AS SELECT v FROM hdb_tick
  WHERE NOT (time > $1 OR v = 100);
-- a parameter and a constant bound: within
PREPARE hdb_t18(timestamp) AS SELECT v FROM hdb_tick
  WHERE time > $1 AND time < '2024-01-01 09:31:00';
PREPARE hdb_t19(timestamp) AS SELECT v FROM hdb_tick
  WHERE time >= '2024-01-01 09:30:30' AND time < $1;
PREPARE hdb_t20(timestamp) AS SELECT v FROM hdb_tick
  WHERE $1 < time AND time <= 'infinity';
CREATE FUNCTION hdb_tick_where(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE format('EXPLAIN (VERBOSE, COSTS OFF) EXECUTE %I(NULL)', stmt)
	LOOP
		IF line ~ 'Remote q:' THEN
			RETURN substring(line from '\?\[`hdb_tick;(.*);0b;');
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
CREATE FUNCTION hdb_tick_run(stmt text, cond text,
                             OUT counts text, OUT differences bigint)
LANGUAGE plpgsql SET client_min_messages = warning AS $$
DECLARE
	val timestamp;
	n bigint;
	d bigint;
BEGIN
	counts := '';
	differences := 0;
	FOREACH val IN ARRAY ARRAY[NULL, '-infinity', '1000-01-01',
		'2024-01-01 09:29:59.999999', '2024-01-01 09:30:05',
		'2024-01-01 09:30:05.000001', '2024-01-01 09:31:37', '3000-01-01',
		'infinity']::timestamp[]
	LOOP
		DROP TABLE IF EXISTS hdb_r;
		EXECUTE format('CREATE TEMP TABLE hdb_r AS EXECUTE %I(%L)', stmt, val);
		SELECT count(*) INTO n FROM hdb_r;
		EXECUTE format('SELECT count(*) FROM ('
			'(TABLE hdb_r EXCEPT ALL SELECT v FROM hdb_tick_local WHERE %s)'
			' UNION ALL '
			'(SELECT v FROM hdb_tick_local WHERE %s EXCEPT ALL TABLE hdb_r)) d',
			cond, cond) INTO d USING val;
		counts := counts || CASE WHEN counts = '' THEN '' ELSE ' ' END || n;
		differences := differences + d;
	END LOOP;
END
$$;
SELECT s.stmt, s.cond, hdb_tick_where(s.stmt) AS q_where, r.*
FROM (VALUES ('hdb_t1', 'time = $1'), ('hdb_t2', 'time <> $1'),
             ('hdb_t3', 'time < $1'), ('hdb_t4', 'time <= $1'),
             ('hdb_t5', 'time > $1'), ('hdb_t6', 'time >= $1'),
             ('hdb_t7', '$1 = time'), ('hdb_t8', '$1 <> time'),
             ('hdb_t9', '$1 < time'), ('hdb_t10', '$1 <= time'),
             ('hdb_t11', '$1 > time'), ('hdb_t12', '$1 >= time'),
             ('hdb_t13', 'NOT (time <= $1)'), ('hdb_t14', 'NOT (time = $1)'),
             ('hdb_t15', 'time >= $1 OR v = 100'),
             ('hdb_t16', 'time = $1 OR v = 100'),
             ('hdb_t17', 'NOT (time > $1 OR v = 100)'),
             ('hdb_t18', 'time > $1 AND time < ''2024-01-01 09:31:00'''),
             ('hdb_t19', 'time >= ''2024-01-01 09:30:30'' AND time < $1'),
             ('hdb_t20', '$1 < time AND time <= ''infinity''')) s(stmt, cond),
     LATERAL hdb_tick_run(s.stmt, s.cond) r;
-- constants, infinite ones included, take the same forms; a strict
-- bound beyond an infinity stays a plain comparison
EXPLAIN (VERBOSE, COSTS OFF)
SELECT v FROM hdb_tick WHERE time <= 'infinity' AND time > '-infinity';
SELECT count(*) FROM hdb_tick WHERE time <= 'infinity' AND time > '-infinity';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT v FROM hdb_tick WHERE time > 'infinity';
SELECT count(*) FROM hdb_tick WHERE time > 'infinity';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT v FROM hdb_tick WHERE time < '-infinity' AND time >= '2024-01-01';
SELECT count(*) FROM hdb_tick WHERE time < '-infinity' AND time >= '2024-01-01';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT v FROM hdb_tick WHERE time = '2024-01-01 09:30:05';
RESET plan_cache_mode;
DEALLOCATE ALL;
DROP FUNCTION hdb_tick_where(text);
DROP FUNCTION hdb_tick_run(text, text);

DROP SERVER regress_hdb CASCADE;
