--
-- bi: the queries BI tools send (time buckets, DISTINCT, grouping keys
-- without aggregates), pushed into q only where q's answer is exactly
-- PostgreSQL's.  Each pushed query is compared with the same query
-- computed locally (qipc_fdw.enable_pushdown off) on a local copy.
--
\getenv qport QIPC_TEST_PORT

SET client_min_messages = warning;
DROP SERVER IF EXISTS regress_bi CASCADE;
RESET client_min_messages;
CREATE SERVER regress_bi FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_bi;

-- fixture: test/fixtures/bi.q
CREATE FOREIGN TABLE bi_trade ("time" timestamp, sym text COLLATE "C",
  price double precision, size bigint)
  SERVER regress_bi OPTIONS (table 'bi_trade');
CREATE FOREIGN TABLE bi_fin ("time" timestamp, sym text COLLATE "C",
  price double precision, size bigint)
  SERVER regress_bi OPTIONS (table 'bi_fin');
CREATE FOREIGN TABLE bi_part (date date, "time" timestamp,
  sym text COLLATE "C", size bigint)
  SERVER regress_bi OPTIONS (table 'bi_part', partition_column 'date');

-- local copies, read with pushdown off, as the reference answers
SET qipc_fdw.enable_pushdown = off;
CREATE TEMP TABLE l_trade AS SELECT * FROM bi_trade;
CREATE TEMP TABLE l_fin AS SELECT * FROM bi_fin;
CREATE TEMP TABLE l_part AS SELECT * FROM bi_part;
RESET qipc_fdw.enable_pushdown;
SELECT count(*), count("time"), count(sym) FROM l_trade;

-- same(q1, q2): the two queries' rows as multisets, both ways
CREATE FUNCTION same(q1 text, q2 text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s)) d',
                 q1, q2, q2, q1) INTO n;
  RETURN n = 0;
END $$;

-- ===================================================================
-- date_trunc in GROUP BY: an xbar bucket; infinities and NULL kept
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_trunc('hour', "time") AS h, count(*) FROM bi_trade
GROUP BY 1 ORDER BY 1;
SELECT date_trunc('hour', "time") AS h, count(*) FROM bi_trade
GROUP BY 1 ORDER BY 1;
SELECT same($$SELECT date_trunc('hour', "time"), count(*), count(sym) FROM bi_trade GROUP BY 1$$,
            $$SELECT date_trunc('hour', "time"), count(*), count(sym) FROM l_trade GROUP BY 1$$);

-- every unit of one width; upper case as PostgreSQL accepts it
SELECT u, same(format($$SELECT date_trunc(%L, "time"), count(*) FROM bi_trade GROUP BY 1$$, u),
               format($$SELECT date_trunc(%L, "time"), count(*) FROM l_trade GROUP BY 1$$, u))
FROM unnest(ARRAY['microseconds', 'milliseconds', 'second', 'minute',
                  'HOUR', 'day', 'us', 'ms', 'secs', 'mins', 'Hours', 'hr',
                  'days']) AS u;
-- date_trunc reads its unit with DecodeUnits, and so does the pushdown:
-- every spelling it accepts is the same bucket
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_trunc('mins', "time") AS m, count(*) FROM bi_trade GROUP BY 1;

-- units of varying width stay local (the aggregate is computed locally)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_trunc('month', "time"), count(*) FROM bi_trade GROUP BY 1;
SELECT same($$SELECT date_trunc('month', "time"), count(*) FROM bi_trade GROUP BY 1$$,
            $$SELECT date_trunc('month', "time"), count(*) FROM l_trade GROUP BY 1$$);

-- with aggregates as BI tools write them: VWAP inputs, float sums
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_trunc('minute', "time") AS m, sym, sum(size), min(price),
  max(price), sum(price), avg(price)
FROM bi_fin GROUP BY 1, 2;
SELECT same($$SELECT date_trunc('minute', "time"), sym, sum(size), min(price), max(price), sum(price), avg(price) FROM bi_fin GROUP BY 1, 2$$,
            $$SELECT date_trunc('minute', "time"), sym, sum(size), min(price), max(price), sum(price), avg(price) FROM l_fin GROUP BY 1, 2$$);

-- with a pushed WHERE and HAVING
SELECT date_trunc('day', "time") AS d, count(*) FROM bi_trade
WHERE sym = 'AAPL' GROUP BY 1 HAVING count(*) > 0 ORDER BY 1;
SELECT same($$SELECT date_trunc('day', "time"), count(*) FROM bi_trade WHERE sym = 'AAPL' GROUP BY 1 HAVING count(*) > 0$$,
            $$SELECT date_trunc('day', "time"), count(*) FROM l_trade WHERE sym = 'AAPL' GROUP BY 1 HAVING count(*) > 0$$);

-- timestamptz follows the session's TimeZone, which a cached plan does
-- not: local
CREATE FOREIGN TABLE bi_tz ("time" timestamptz, sym text)
  SERVER regress_bi OPTIONS (table 'bi_trade');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_trunc('hour', "time"), count(*) FROM bi_tz GROUP BY 1;

-- ===================================================================
-- timestamp::date in GROUP BY
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT "time"::date, count(*) FROM bi_trade GROUP BY 1;
SELECT "time"::date AS d, count(*) FROM bi_trade GROUP BY 1 ORDER BY 1;
SELECT same($$SELECT "time"::date, count(*), sum(size) FROM bi_trade GROUP BY 1$$,
            $$SELECT "time"::date, count(*), sum(size) FROM l_trade GROUP BY 1$$);

-- ===================================================================
-- WHERE through a date or a bucket: bounds on the column itself
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM bi_trade WHERE "time" >= DATE '2024-03-10';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM bi_trade WHERE "time"::date = DATE '2024-03-10';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM bi_trade
WHERE date_trunc('hour', "time") > TIMESTAMP '2024-03-10 07:30';
-- every comparison, both sides, through each form
CREATE TEMP TABLE cond(c text);
INSERT INTO cond SELECT format('%s %s %s', l, op, r)
FROM unnest(ARRAY['<', '<=', '=', '<>', '>', '>=']) AS op,
     (VALUES ('"time"', $$DATE '2024-03-10'$$),
             ('"time"', $$DATE '1999-12-31'$$),
             ('"time"', $$DATE 'infinity'$$),
             ('"time"::date', $$DATE '2024-03-10'$$),
             ('"time"::date', $$DATE '1999-12-31'$$),
             ($$date_trunc('hour', "time")$$, $$TIMESTAMP '2024-03-10 07:00'$$),
             ($$date_trunc('hour', "time")$$, $$TIMESTAMP '2024-03-10 07:30'$$),
             ($$date_trunc('minute', "time")$$, $$TIMESTAMP '1999-12-31 23:59'$$),
             ($$date_trunc('day', "time")$$, $$TIMESTAMP '2024-03-11'$$),
             ($$date_trunc('hours', "time")$$, $$TIMESTAMP '2024-03-10 07:30'$$)) AS v(l, r);
INSERT INTO cond SELECT format('%s %s %s', r, op, l)
FROM unnest(ARRAY['<', '=', '>=']) AS op,
     (VALUES ('"time"', $$DATE '2024-03-10'$$),
             ('"time"::date', $$DATE '2024-03-10'$$),
             ($$date_trunc('hour', "time")$$, $$TIMESTAMP '2024-03-10 07:00'$$)) AS v(l, r);
SELECT c, count(*) AS n FROM cond
WHERE NOT same(format('SELECT * FROM bi_trade WHERE %s', c),
               format('SELECT * FROM l_trade WHERE %s', c))
   OR NOT same(format('SELECT * FROM bi_trade WHERE NOT (%s)', c),
               format('SELECT * FROM l_trade WHERE NOT (%s)', c))
GROUP BY c;
SELECT count(*) AS conditions FROM cond;
-- the ones left to PostgreSQL: a bucket equal or unequal to a time that
-- starts no bucket is never (always) true, and stays local
CREATE FUNCTION pushed(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    IF l LIKE '%Filter:%' THEN RETURN false; END IF;
  END LOOP;
  RETURN true;
END $$;
SELECT c AS local FROM cond
WHERE NOT pushed(format('SELECT * FROM bi_trade WHERE %s', c)) ORDER BY c;

-- timestamp (without time zone) does not follow TimeZone: the same rows
-- across the America/New_York DST change
SET TimeZone = 'America/New_York';
SELECT date_trunc('hour', "time") AS h, count(*) FROM bi_trade
WHERE "time" >= DATE '2024-03-10' AND "time" < DATE '2024-03-11'
GROUP BY 1 ORDER BY 1;
SELECT same($$SELECT date_trunc('hour', "time"), count(*) FROM bi_trade WHERE "time"::date = DATE '2024-03-10' GROUP BY 1$$,
            $$SELECT date_trunc('hour', "time"), count(*) FROM l_trade WHERE "time"::date = DATE '2024-03-10' GROUP BY 1$$);
RESET TimeZone;

-- ===================================================================
-- DISTINCT and GROUP BY without aggregates: only the keys are shipped
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT DISTINCT sym FROM bi_trade;
SELECT DISTINCT sym FROM bi_trade ORDER BY 1;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym FROM bi_trade GROUP BY sym;
SELECT same($$SELECT sym FROM bi_trade GROUP BY sym$$,
            $$SELECT sym FROM l_trade GROUP BY sym$$);
SELECT same($$SELECT DISTINCT sym, date_trunc('hour', "time") FROM bi_trade WHERE size > 0$$,
            $$SELECT DISTINCT sym, date_trunc('hour', "time") FROM l_trade WHERE size > 0$$);
-- DISTINCT ON and DISTINCT over an expression q cannot group: local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT DISTINCT ON (sym) sym, size FROM bi_trade;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT DISTINCT price FROM bi_trade;

-- ===================================================================
-- avg of integers: numeric, the exact sum over the count (numeric_div)
-- ===================================================================
CREATE FOREIGN TABLE bi_int (k text, t timestamp, h smallint, i integer,
  j bigint)
  SERVER regress_bi OPTIONS (table 'bi_int');
CREATE FOREIGN TABLE bi_intf (k text, t timestamp, h smallint,
  i integer, j bigint)
  SERVER regress_bi OPTIONS (table 'bi_intf');
SET qipc_fdw.enable_pushdown = off;
CREATE TEMP TABLE l_int AS SELECT * FROM bi_intf;
RESET qipc_fdw.enable_pushdown;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT k, avg(h), avg(i), avg(j) FROM bi_intf GROUP BY k;
SELECT k, avg(h), avg(i), avg(j) FROM bi_intf
GROUP BY k ORDER BY k;
SELECT same($$SELECT k, avg(h), avg(i), avg(j) FROM bi_intf GROUP BY k$$,
            $$SELECT k, avg(h), avg(i), avg(j) FROM l_int GROUP BY k$$);
SELECT avg(h), avg(i), avg(j) FROM bi_intf;
SELECT avg(h), avg(i), avg(j) FROM l_int;
-- VWAP inputs by time bucket, avg(size) on bigint
SELECT same($$SELECT date_trunc('hour', "time"), avg(size), sum(size), count(*) FROM bi_fin GROUP BY 1$$,
            $$SELECT date_trunc('hour', "time"), avg(size), sum(size), count(*) FROM l_fin GROUP BY 1$$);
-- bigint sums beyond 64 bits by time bucket: summed again in q from the
-- bucket's rows (the bucket is the key of the recomputation)
SELECT date_trunc('hour', t) AS h, sum(j), avg(j) FROM bi_intf
GROUP BY 1 ORDER BY 1;
SELECT same($$SELECT date_trunc('hour', t), sum(j), avg(j) FROM bi_intf GROUP BY 1$$,
            $$SELECT date_trunc('hour', t), sum(j), avg(j) FROM l_int GROUP BY 1$$);
-- an average over a q infinity: error 22003, as a plain scan of it
SELECT avg(j) FROM bi_int WHERE k = 'inf';

-- ===================================================================
-- a partitioned table: buckets and DISTINCT by map-reduce
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_trunc('hour', "time"), count(*), sum(size) FROM bi_part GROUP BY 1;
SELECT same($$SELECT date_trunc('hour', "time"), count(*), sum(size) FROM bi_part GROUP BY 1$$,
            $$SELECT date_trunc('hour', "time"), count(*), sum(size) FROM l_part GROUP BY 1$$);
SELECT same($$SELECT DISTINCT sym FROM bi_part$$, $$SELECT DISTINCT sym FROM l_part$$);

-- ===================================================================
-- row estimates without use_remote_estimate: q's count of the table,
-- kept per backend for qipc_fdw.row_count_ttl seconds and forgotten when
-- the foreign table changes
-- ===================================================================
CREATE FOREIGN TABLE bi_big (x bigint) SERVER regress_bi
  OPTIONS (table 'bi_big');
CREATE FUNCTION est(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN ' || q LOOP
    RETURN (regexp_match(l, 'rows=([0-9]+)'))[1]::bigint;
  END LOOP;
END $$;
SELECT est('SELECT * FROM bi_big') AS big,
       est('SELECT * FROM bi_big WHERE x < 0') < 100000 AS filtered;
-- the count is cached: q's table grows, the estimate stays
SELECT qipc_exec('regress_bi', 'bi_big:([] x:til 300000); count bi_big');
SELECT est('SELECT * FROM bi_big') AS cached;
-- a change of the foreign table forgets it
ALTER FOREIGN TABLE bi_big OPTIONS (SET table 'bi_big');
SELECT est('SELECT * FROM bi_big') AS recounted;
-- 0: never asked (the planner's default for a table never analyzed)
SET qipc_fdw.row_count_ttl = 0;
SELECT est('SELECT * FROM bi_big') < 100000 AS default_estimate;
RESET qipc_fdw.row_count_ttl;
-- a small table keeps the planner's larger default (see qipc_fdw.c)
SELECT est('SELECT * FROM bi_trade') > 12 AS small_default;

-- ===================================================================
-- server-side prepared statements, as pgjdbc and psqlODBC send them: the
-- sixth execution may use a generic plan (plan_cache_mode default)
-- ===================================================================
PREPARE bi_q(text) AS
  SELECT date_trunc('hour', "time") AS h, count(*), sum(size)
  FROM bi_fin WHERE sym = $1 GROUP BY 1 ORDER BY 1;
EXECUTE bi_q('AAPL');
EXECUTE bi_q('AAPL');
EXECUTE bi_q('AAPL');
EXECUTE bi_q('AAPL');
EXECUTE bi_q('AAPL');
EXECUTE bi_q('AAPL');
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE bi_q('AAPL');
DEALLOCATE bi_q;

SELECT qipc_exec('regress_bi', 'bi_big:([] x:til 100000); count bi_big');
DROP SERVER regress_bi CASCADE;
