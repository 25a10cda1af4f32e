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

DROP SERVER regress_hdb CASCADE;
