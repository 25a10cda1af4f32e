--
-- bi_expr: value expressions (arithmetic, COALESCE, CASE, upper/lower)
-- in WHERE, GROUP BY, DISTINCT and aggregate arguments, pushed into q only
-- where q's answer is exactly PostgreSQL's.  Each pushed query is compared
-- with the same query computed locally on a local copy; errors must carry
-- the SQLSTATE PostgreSQL raises locally.
--
\getenv qport QIPC_TEST_PORT

SET client_min_messages = warning;
DROP SERVER IF EXISTS regress_expr CASCADE;
RESET client_min_messages;
CREATE SERVER regress_expr FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_expr;

-- fixture: test/fixtures/bi_expr.q
CREATE FOREIGN TABLE ex_trade (sym text COLLATE "C", side text COLLATE "C",
  price double precision, size integer, qty smallint, lot integer)
  SERVER regress_expr OPTIONS (table 'ex_trade');
CREATE FOREIGN TABLE ex_float (k bigint, a double precision, b double precision)
  SERVER regress_expr OPTIONS (table 'ex_float');
CREATE FOREIGN TABLE ex_part (date date, sym text COLLATE "C",
  side text COLLATE "C", price double precision, size integer)
  SERVER regress_expr OPTIONS (table 'ex_part', partition_column 'date');

SET qipc_fdw.enable_pushdown = off;
CREATE TEMP TABLE l_trade AS SELECT * FROM ex_trade;
CREATE TEMP TABLE l_float AS SELECT * FROM ex_float;
CREATE TEMP TABLE l_part AS SELECT * FROM ex_part;
RESET qipc_fdw.enable_pushdown;

CREATE FUNCTION ex_same(q1 text, q2 text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s)) d',
                 q1, q2, q2, q1) INTO n;
  RETURN n = 0;
END $$;

-- ===================================================================
-- WHERE over arithmetic
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym, price, size FROM ex_trade WHERE price * size > 1000;
SELECT sym, price, size FROM ex_trade WHERE price * size > 1000 ORDER BY 1, 2;
SELECT ex_same($$SELECT * FROM ex_trade WHERE price * size > 1000$$,
            $$SELECT * FROM l_trade WHERE price * size > 1000$$);
SELECT ex_same($$SELECT * FROM ex_trade WHERE NOT (price * size > 1000)$$,
            $$SELECT * FROM l_trade WHERE NOT (price * size > 1000)$$);
SELECT ex_same($$SELECT * FROM ex_trade WHERE price * size > 1000 OR -price >= 12$$,
            $$SELECT * FROM l_trade WHERE price * size > 1000 OR -price >= 12$$);
SELECT ex_same($$SELECT * FROM ex_trade WHERE price * size IS NULL$$,
            $$SELECT * FROM l_trade WHERE price * size IS NULL$$);
SELECT ex_same($$SELECT * FROM ex_trade WHERE price / 2 + 1 <= 6.25$$,
            $$SELECT * FROM l_trade WHERE price / 2 + 1 <= 6.25$$);

-- integers are computed in q floats (exact below 2^53) with PostgreSQL's
-- range checks; division truncates toward zero, both signs
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym, size, lot FROM ex_trade WHERE lot <> 0 AND size / lot > 80;
SELECT sym, size, lot, size / lot FROM ex_trade WHERE lot <> 0 AND size / lot > 80 ORDER BY 1, 2;
SELECT ex_same($$SELECT * FROM ex_trade WHERE lot <> 0 AND size / lot = -85$$,
            $$SELECT * FROM l_trade WHERE lot <> 0 AND size / lot = -85$$);
SELECT ex_same($$SELECT * FROM ex_trade WHERE lot <> 0 AND -7 / lot = -2$$,
            $$SELECT * FROM l_trade WHERE lot <> 0 AND -7 / lot = -2$$);
SELECT ex_same($$SELECT * FROM ex_trade WHERE qty + lot > 5 AND qty - lot < 100$$,
            $$SELECT * FROM l_trade WHERE qty + lot > 5 AND qty - lot < 100$$);
SELECT ex_same($$SELECT * FROM ex_trade WHERE size + 1 > 0$$,
            $$SELECT * FROM l_trade WHERE size + 1 > 0$$);

-- errors: the rows where PostgreSQL raises are sent back and checked
-- again locally, so the error and its SQLSTATE are PostgreSQL's
\set VERBOSITY sqlstate
SELECT count(*) FROM ex_trade WHERE size / lot > 0;
SELECT count(*) FROM ex_trade WHERE qty * qty > 10;
SELECT count(*) FROM ex_trade WHERE size * 2 > 10;
SELECT count(*) FROM ex_trade WHERE -size > 10;
SELECT count(*) FROM ex_trade WHERE -qty > 10;
SELECT count(*) FROM ex_float WHERE a * b > 0;
SELECT count(*) FROM ex_float WHERE a / b > 0;
SET qipc_fdw.enable_pushdown = off;
SELECT count(*) FROM ex_trade WHERE size / lot > 0;
SELECT count(*) FROM ex_trade WHERE qty * qty > 10;
SELECT count(*) FROM ex_trade WHERE size * 2 > 10;
SELECT count(*) FROM ex_float WHERE a * b > 0;
SELECT count(*) FROM ex_float WHERE a / b > 0;
RESET qipc_fdw.enable_pushdown;
\set VERBOSITY default

-- NaN from infinities (q's null) and infinities themselves
SELECT ex_same($$SELECT * FROM ex_float WHERE a - b > 0$$,
            $$SELECT * FROM l_float WHERE a - b > 0$$);
SELECT ex_same($$SELECT * FROM ex_float WHERE a + b = b + a$$,
            $$SELECT * FROM l_float WHERE a + b = b + a$$);
SELECT ex_same($$SELECT * FROM ex_float WHERE k > 4 AND a * b < 1$$,
            $$SELECT * FROM l_float WHERE k > 4 AND a * b < 1$$);

-- ===================================================================
-- COALESCE, CASE, upper/lower in WHERE
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym FROM ex_trade WHERE COALESCE(sym, 'none') = 'none';
SELECT ex_same($$SELECT * FROM ex_trade WHERE COALESCE(sym, 'none') = 'none'$$,
            $$SELECT * FROM l_trade WHERE COALESCE(sym, 'none') = 'none'$$);
SELECT ex_same($$SELECT * FROM ex_trade WHERE COALESCE(size, lot, 0) > 5$$,
            $$SELECT * FROM l_trade WHERE COALESCE(size, lot, 0) > 5$$);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym FROM ex_trade WHERE CASE WHEN side = 'B' THEN size ELSE -size END > 0;
SELECT ex_same($$SELECT * FROM ex_trade WHERE CASE WHEN side = 'B' THEN size ELSE -size END > 0$$,
            $$SELECT * FROM l_trade WHERE CASE WHEN side = 'B' THEN size ELSE -size END > 0$$);
SELECT ex_same($$SELECT * FROM ex_trade WHERE CASE side WHEN 'B' THEN 'buy' WHEN 'S' THEN 'sell' END = 'sell'$$,
            $$SELECT * FROM l_trade WHERE CASE side WHEN 'B' THEN 'buy' WHEN 'S' THEN 'sell' END = 'sell'$$);
SELECT ex_same($$SELECT * FROM ex_trade WHERE CASE WHEN price > 20 THEN 1 WHEN price IS NULL THEN NULL ELSE 0 END = 0$$,
            $$SELECT * FROM l_trade WHERE CASE WHEN price > 20 THEN 1 WHEN price IS NULL THEN NULL ELSE 0 END = 0$$);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym FROM ex_trade WHERE upper(sym) = 'AAPL';
SELECT sym, count(*) FROM ex_trade WHERE upper(sym) = 'AAPL' GROUP BY 1 ORDER BY 1;
SELECT ex_same($$SELECT * FROM ex_trade WHERE lower(sym) <> 'ibm'$$,
            $$SELECT * FROM l_trade WHERE lower(sym) <> 'ibm'$$);
-- an empty text constant is not q's null symbol: local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym FROM ex_trade WHERE COALESCE(sym, '') = '';

-- ===================================================================
-- prepared statements as JDBC and ODBC send them: the sixth execution
-- uses the generic plan, whose parameter is a typed argument
-- ===================================================================
PREPARE p1(int) AS SELECT sym, lot FROM ex_trade WHERE lot * 2 > $1 ORDER BY 1, 2;
EXECUTE p1(4);
EXECUTE p1(4);
EXECUTE p1(4);
EXECUTE p1(4);
EXECUTE p1(4);
EXECUTE p1(-100);
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE p1(-100);
DEALLOCATE p1;

-- ===================================================================
-- GROUP BY and DISTINCT keys, aggregate arguments
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT CASE WHEN price > 20 THEN 'high' ELSE 'low' END AS band, count(*), sum(size)
FROM ex_trade GROUP BY 1;
SELECT ex_same($$SELECT CASE WHEN price > 20 THEN 'high' ELSE 'low' END, count(*), sum(size), max(price) FROM ex_trade GROUP BY 1$$,
            $$SELECT CASE WHEN price > 20 THEN 'high' ELSE 'low' END, count(*), sum(size), max(price) FROM l_trade GROUP BY 1$$);
EXPLAIN (VERBOSE, COSTS OFF)
SELECT COALESCE(sym, 'none') AS s, count(*) FROM ex_trade GROUP BY 1 ORDER BY 1;
SELECT COALESCE(sym, 'none') AS s, count(*) FROM ex_trade GROUP BY 1 ORDER BY 1;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT DISTINCT upper(sym) FROM ex_trade;
SELECT ex_same($$SELECT DISTINCT upper(sym) FROM ex_trade$$,
            $$SELECT DISTINCT upper(sym) FROM l_trade$$);
SELECT ex_same($$SELECT DISTINCT COALESCE(size, lot) FROM ex_trade$$,
            $$SELECT DISTINCT COALESCE(size, lot) FROM l_trade$$);

-- a CASE of distinct text constants is grouped by the branch taken and
-- COALESCE(column, 'text') by the column, then mapped on the groups; where
-- the column holds both NULL and the constant (two groups, one key), q
-- groups by the keys' own trees again
EXPLAIN (VERBOSE, COSTS OFF)
SELECT CASE WHEN price > 20 THEN 'high' ELSE 'low' END, COALESCE(sym, '?'), count(*)
FROM ex_trade GROUP BY 1, 2;
SELECT CASE WHEN price > 20 THEN 'high' ELSE 'low' END AS band, COALESCE(sym, '?') AS s, count(*), sum(size)
FROM ex_trade GROUP BY 1, 2 ORDER BY 1, 2;
SELECT COALESCE(sym, 'IBM') AS s, count(*), sum(size) FROM ex_trade GROUP BY 1 ORDER BY 1;
SELECT q, ex_same(q, replace(q, 'ex_trade', 'l_trade')) FROM (VALUES
 ('SELECT COALESCE(sym, ''IBM''), count(*), sum(qty) FROM ex_trade GROUP BY 1'),
 ('SELECT COALESCE(sym, ''IBM''), side, count(*) FROM ex_trade GROUP BY 1, 2'),
 ('SELECT DISTINCT COALESCE(side, ''B'') FROM ex_trade'),
 ('SELECT CASE WHEN price > 20 THEN ''a'' WHEN price > 10 THEN ''b'' WHEN price IS NULL THEN ''n'' ELSE ''c'' END, count(*) FROM ex_trade GROUP BY 1'),
 ('SELECT CASE side WHEN ''B'' THEN ''buy'' WHEN ''S'' THEN ''sell'' ELSE ''none'' END, sum(size) FROM ex_trade GROUP BY 1'),
 ('SELECT CASE WHEN price > 20 THEN ''x'' WHEN size > 0 THEN ''x'' ELSE ''y'' END, count(*) FROM ex_trade GROUP BY 1'),
 ('SELECT CASE WHEN qty > 5 THEN ''big'' ELSE ''small'' END, COALESCE(side, ''?''), max(price) FROM ex_trade GROUP BY 1, 2')
) v(q);

-- smallint/integer arithmetic keys: computed in q floats, cast back by the
-- by phrase; the max and min of the columns read bound each group's keys,
-- and only when a bound leaves the type's range are the rows tested: one
-- row out of range raises 22003 for the query, as PostgreSQL evaluates the
-- key on every row
EXPLAIN (VERBOSE, COSTS OFF)
SELECT size / 100 AS bucket, count(*) FROM ex_trade GROUP BY 1;
SELECT size / 100 AS bucket, count(*), sum(qty) FROM ex_trade GROUP BY 1 ORDER BY 1;
SELECT q, ex_same(q, replace(q, 'ex_trade', 'l_trade')) FROM (VALUES
 ('SELECT size / 100, count(*), sum(qty) FROM ex_trade GROUP BY 1'),
 ('SELECT size / -7, lot * 3 - 1, count(*) FROM ex_trade GROUP BY 1, 2'),
 ('SELECT -size, max(price) FROM ex_trade GROUP BY 1'),
 ('SELECT size + 1, qty / 2 FROM ex_trade GROUP BY 1, 2'),
 ('SELECT DISTINCT qty + lot FROM ex_trade'),
 ('SELECT sym, size * 2, count(*) FROM ex_trade WHERE size BETWEEN -10000 AND 10000 GROUP BY 1, 2'),
 ('SELECT CASE WHEN side = ''B'' THEN lot * 10 ELSE lot END, count(*) FROM ex_trade GROUP BY 1')
) v(q);
SELECT size * 2 AS b, count(*) FROM ex_trade GROUP BY 1;
\set VERBOSITY sqlstate
SELECT qty + qty AS b, count(*) FROM ex_trade GROUP BY 1 ORDER BY 1 LIMIT 1;
SELECT DISTINCT size + 2 FROM ex_trade;
SET qipc_fdw.enable_pushdown = off;
SELECT size * 2 AS b, count(*) FROM ex_trade GROUP BY 1;
SELECT qty + qty AS b, count(*) FROM ex_trade GROUP BY 1 ORDER BY 1 LIMIT 1;
SELECT DISTINCT size + 2 FROM ex_trade;
RESET qipc_fdw.enable_pushdown;
\set VERBOSITY default

-- buy volume per symbol: sum over a CASE (integer, bigint result)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym, sum(CASE WHEN side = 'B' THEN size ELSE 0 END) AS buys,
  count(CASE WHEN side = 'S' THEN 1 END) AS sells
FROM ex_trade GROUP BY sym;
SELECT ex_same($$SELECT sym, sum(CASE WHEN side = 'B' THEN size ELSE 0 END), count(CASE WHEN side = 'S' THEN 1 END), min(COALESCE(lot, qty)), max(CASE WHEN side = 'B' THEN lot END) FROM ex_trade GROUP BY sym$$,
            $$SELECT sym, sum(CASE WHEN side = 'B' THEN size ELSE 0 END), count(CASE WHEN side = 'S' THEN 1 END), min(COALESCE(lot, qty)), max(CASE WHEN side = 'B' THEN lot END) FROM l_trade GROUP BY sym$$);
-- float sums over a CASE: the float sum's checks apply to the expression
SELECT ex_same($$SELECT side, sum(CASE WHEN price > 0 THEN price ELSE 0 END), avg(COALESCE(price, 0)) FROM ex_trade GROUP BY side$$,
            $$SELECT side, sum(CASE WHEN price > 0 THEN price ELSE 0 END), avg(COALESCE(price, 0)) FROM l_trade GROUP BY side$$);

-- VWAP: a float sum over arithmetic; max of the hazard trees tells the
-- groups where PostgreSQL raises an error (22003) or sums a NaN
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym, sum(price * size) / sum(size) AS vwap FROM ex_trade GROUP BY sym;
SELECT sym, round((sum(price * size) / sum(size))::numeric, 6) AS vwap
FROM ex_trade GROUP BY sym ORDER BY 1;
SELECT ex_same($$SELECT sym, sum(price * size) / sum(size), avg(price * lot) FROM ex_trade GROUP BY sym$$,
            $$SELECT sym, sum(price * size) / sum(size), avg(price * lot) FROM l_trade GROUP BY sym$$);
SELECT ex_same($$SELECT k > 3, sum(a - b), sum(-a) FROM ex_float WHERE k > 1 GROUP BY 1$$,
            $$SELECT k > 3, sum(a - b), sum(-a) FROM l_float WHERE k > 1 GROUP BY 1$$);
SELECT k > 3 AS big, sum(a - b) FROM ex_float WHERE k > 1 GROUP BY 1 ORDER BY 1;
\set VERBOSITY sqlstate
SELECT sum(a * b) FROM ex_float;
SELECT k > 3, sum(a * b) FROM ex_float GROUP BY 1 HAVING count(*) > 100 LIMIT 1;
SELECT sum(price * qty * qty) FROM ex_trade;
SET qipc_fdw.enable_pushdown = off;
SELECT sum(a * b) FROM ex_float;
SELECT k > 3, sum(a * b) FROM ex_float GROUP BY 1 HAVING count(*) > 100 LIMIT 1;
SELECT sum(price * qty * qty) FROM ex_trade;
RESET qipc_fdw.enable_pushdown;
\set VERBOSITY default
-- division may raise 22012, whose order against 22003 is the rows' order:
-- local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sum(price / lot) FROM ex_trade;

-- checked by group: the max and min of each column read (pK_i, qK_i) bound
-- the argument on the group; only a group that may hold an infinite
-- operand or a value beyond the bounds is evaluated again row by row.
-- Division by a constant is pushed; its underflow test stays per row
-- unless the dividend is an integer and the divisor at most 1 in magnitude.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym, sum(price / 4), avg(price * 0.5) FROM ex_trade GROUP BY sym;
SELECT ex_same($$SELECT sym, sum(price / 4), avg(price * 0.5), sum(price * size / 2), sum(size / 2 * price) FROM ex_trade GROUP BY sym$$,
            $$SELECT sym, sum(price / 4), avg(price * 0.5), sum(price * size / 2), sum(size / 2 * price) FROM l_trade GROUP BY sym$$);
-- one group per row of ex_float: infinities, NaN (inf * 0), overflow and
-- underflow each in its own group, and the same groups summed together
SELECT ex_same($$SELECT k, sum(a * k), sum(b * 2), avg(a + b) FROM ex_float WHERE k >= 2 GROUP BY k$$,
            $$SELECT k, sum(a * k), sum(b * 2), avg(a + b) FROM l_float WHERE k >= 2 GROUP BY k$$);
SELECT k, sum(a * b), avg(a * b) FROM ex_float WHERE k >= 2 GROUP BY k ORDER BY k;
SELECT ex_same($$SELECT k, sum(a * b), avg(a * b) FROM ex_float WHERE k >= 2 GROUP BY k$$,
            $$SELECT k, sum(a * b), avg(a * b) FROM l_float WHERE k >= 2 GROUP BY k$$);
SELECT k > 4 AS big, sum(a * b), sum(-a * k) FROM ex_float WHERE k >= 2 GROUP BY 1 ORDER BY 1;
SELECT ex_same($$SELECT k > 4, sum(a * b), sum(-a * k), avg(b / 2) FROM ex_float WHERE k >= 2 GROUP BY 1$$,
            $$SELECT k > 4, sum(a * b), sum(-a * k), avg(b / 2) FROM l_float WHERE k >= 2 GROUP BY 1$$);
SELECT ex_same($$SELECT k, sum(CASE WHEN k > 3 THEN a * b ELSE 0 END) FROM ex_float WHERE k >= 2 GROUP BY k$$,
            $$SELECT k, sum(CASE WHEN k > 3 THEN a * b ELSE 0 END) FROM l_float WHERE k >= 2 GROUP BY k$$);
\set VERBOSITY sqlstate
-- overflow (1e200 * 1e200), underflow (1e-200 * 1e-200, 1e-200 / 1e300),
-- an integer out of range inside a float sum
EXPLAIN (VERBOSE, COSTS OFF)
SELECT k, sum(a * b) FROM ex_float WHERE k = 1 GROUP BY k;
SELECT k, sum(a * b) FROM ex_float WHERE k = 0 GROUP BY k;
SELECT k, sum(a * b) FROM ex_float WHERE k = 1 GROUP BY k;
SELECT k, sum(a / 1e300) FROM ex_float WHERE k = 1 GROUP BY k;
SELECT sym, sum(price * (size * 2)) FROM ex_trade GROUP BY sym;
SELECT sym, sum(price * (qty + qty)) FROM ex_trade GROUP BY sym;
SET qipc_fdw.enable_pushdown = off;
SELECT k, sum(a * b) FROM ex_float WHERE k = 0 GROUP BY k;
SELECT k, sum(a * b) FROM ex_float WHERE k = 1 GROUP BY k;
SELECT k, sum(a / 1e300) FROM ex_float WHERE k = 1 GROUP BY k;
SELECT sym, sum(price * (size * 2)) FROM ex_trade GROUP BY sym;
SELECT sym, sum(price * (qty + qty)) FROM ex_trade GROUP BY sym;
RESET qipc_fdw.enable_pushdown;
\set VERBOSITY default
-- without the rows that raise, the same groups' sums are PostgreSQL's
SELECT ex_same($$SELECT sym, sum(price * (size * 2)), sum(price * (qty + qty)) FROM ex_trade WHERE size BETWEEN -1000000 AND 1000000 AND qty BETWEEN -1000 AND 1000 GROUP BY sym$$,
            $$SELECT sym, sum(price * (size * 2)), sum(price * (qty + qty)) FROM l_trade WHERE size BETWEEN -1000000 AND 1000000 AND qty BETWEEN -1000 AND 1000 GROUP BY sym$$);

-- a partitioned table: per-row expressions are evaluated in each
-- partition, built-in aggregates combined by kdb+
EXPLAIN (VERBOSE, COSTS OFF)
SELECT COALESCE(sym, '?') AS s, sum(CASE WHEN side = 'B' THEN size ELSE 0 END), count(*)
FROM ex_part GROUP BY 1;
SELECT ex_same($$SELECT COALESCE(sym, '?'), sum(CASE WHEN side = 'B' THEN size ELSE 0 END), count(*) FROM ex_part GROUP BY 1$$,
            $$SELECT COALESCE(sym, '?'), sum(CASE WHEN side = 'B' THEN size ELSE 0 END), count(*) FROM l_part GROUP BY 1$$);
SELECT ex_same($$SELECT * FROM ex_part WHERE price * size > 50$$,
            $$SELECT * FROM l_part WHERE price * size > 50$$);
-- the partition column is never inside an expression
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM ex_part WHERE COALESCE(date, '2024-01-01') = '2024-01-02';

PREPARE p2(int) AS SELECT sym, sum(CASE WHEN size > $1 THEN 1 ELSE 0 END) FROM ex_trade GROUP BY 1 ORDER BY 1;
EXECUTE p2(100);
EXECUTE p2(100);
EXECUTE p2(100);
EXECUTE p2(100);
EXECUTE p2(100);
EXECUTE p2(0);
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE p2(0);
DEALLOCATE p2;

-- an aggregate over a constant is one q atom, not a value per row: local
SELECT ex_same($$SELECT sym, sum(2), sum(-2147) FROM ex_trade GROUP BY sym$$,
               $$SELECT sym, sum(2), sum(-2147) FROM l_trade GROUP BY sym$$);

-- ===================================================================
-- ILIKE: pushed as (like;(lower;`x);pattern) only under the C collation,
-- where PostgreSQL folds ASCII letters only, as q's lower does
-- ===================================================================
CREATE FOREIGN TABLE ex_text (id bigint, s text COLLATE "C", t text COLLATE "C")
  SERVER regress_expr OPTIONS (table 'ex_text');
CREATE FOREIGN TABLE ex_text_d (id bigint, s text, t text)
  SERVER regress_expr OPTIONS (table 'ex_text');
SET qipc_fdw.enable_pushdown = off;
CREATE TEMP TABLE l_text AS SELECT * FROM ex_text;
RESET qipc_fdw.enable_pushdown;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ex_text WHERE s ILIKE 'a%B';
SELECT id, s FROM ex_text WHERE s ILIKE 'a%B' ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ex_text WHERE t NOT ILIKE 'APP%';
SELECT id, t FROM ex_text WHERE t NOT ILIKE 'APP%' ORDER BY id;
-- the default collation (not C) folds more than ASCII: local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ex_text_d WHERE s ILIKE 'a%B';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ex_text WHERE s COLLATE "default" ILIKE 'a%B';
-- non-ASCII patterns stay local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM ex_text WHERE s ILIKE 'é%';
SELECT q, ex_same(q, replace(q, 'ex_text', 'l_text')) FROM (VALUES
 ('SELECT id FROM ex_text WHERE s ILIKE ''apple'''), ('SELECT id FROM ex_text WHERE t ILIKE ''APPLE'''),
 ('SELECT id FROM ex_text WHERE s NOT ILIKE ''apple'''), ('SELECT id FROM ex_text WHERE t NOT ILIKE ''a%'''),
 ('SELECT id FROM ex_text WHERE s ILIKE ''A\_B'''), ('SELECT id FROM ex_text WHERE t ILIKE ''a\%b'''),
 ('SELECT id FROM ex_text WHERE s ILIKE ''a_b'''), ('SELECT id FROM ex_text WHERE t ILIKE ''_b'''),
 ('SELECT id FROM ex_text WHERE s ILIKE ''%c'''), ('SELECT id FROM ex_text WHERE t ILIKE ''a*%'''),
 ('SELECT id FROM ex_text WHERE s ILIKE ''[a]'''), ('SELECT id FROM ex_text WHERE t ILIKE ''[A%'''),
 ('SELECT id FROM ex_text WHERE s ILIKE ''%'''), ('SELECT id FROM ex_text WHERE t ILIKE '''''),
 ('SELECT id FROM ex_text WHERE s NOT ILIKE ''%'''), ('SELECT id FROM ex_text WHERE s ILIKE ''X y'''),
 ('SELECT id FROM ex_text WHERE t ILIKE ''%%p%%'''), ('SELECT id FROM ex_text WHERE NOT (s ILIKE ''ab%'')'),
 ('SELECT id FROM ex_text WHERE s ILIKE ''\A%'''), ('SELECT id FROM ex_text WHERE s ILIKE ''a%'' OR t ILIKE ''x%''')
) v(q);
