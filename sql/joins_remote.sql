--
-- joins_remote: inner and left equi-joins of two foreign tables of one
-- server computed by q (join pushdown).  jr_check() runs a query with join
-- pushdown on and off and compares the results as multisets; it says
-- whether the plan joined in q ("pushed") or in PostgreSQL.
--
\getenv qport QIPC_TEST_PORT

SET client_min_messages = warning;
DROP SERVER IF EXISTS regress_jr CASCADE;
DROP SERVER IF EXISTS regress_jr2 CASCADE;
RESET client_min_messages;
CREATE SERVER regress_jr FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_jr;
-- a second server on the same q process: joins across servers stay local
CREATE SERVER regress_jr2 FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_jr2;

-- fixture: test/fixtures/joins_remote.q
CREATE FOREIGN TABLE jr_a (id bigint, s text, k bigint, e text, v bigint)
  SERVER regress_jr;
CREATE FOREIGN TABLE jr_b (s text, k bigint, e text, w bigint, bo boolean,
  x smallint, h smallint, i integer, re real, f double precision, c text,
  sy text, st text, d date, p timestamp, g uuid) SERVER regress_jr;
CREATE FOREIGN TABLE jr_u (s text, name text, n bigint) SERVER regress_jr;
CREATE FOREIGN TABLE jr_b2 (s text, k bigint, w bigint)
  SERVER regress_jr2 OPTIONS (table 'jr_b');
CREATE FOREIGN TABLE jr_bq (s text, k bigint, w bigint)
  SERVER regress_jr OPTIONS (query 'select s, k, w from jr_b');
CREATE FOREIGN TABLE jr_p (date date, s text, q bigint)
  SERVER regress_jr OPTIONS (table 'jr_p', partition_column 'date');
-- jr_b again, for self-joins on its float, timestamp and string columns
-- (keys of those types are never joined in q)
CREATE FOREIGN TABLE jr_bf (f double precision, p timestamp, st text, w bigint)
  SERVER regress_jr OPTIONS (table 'jr_b');
CREATE TABLE jr_local (s text, k bigint);
INSERT INTO jr_local VALUES ('a', 1), ('b', 2), (NULL, NULL);

-- the planner asks q for the columns' types over an open connection
SELECT count(*) FROM jr_a;
SELECT count(*) FROM jr_b;

CREATE FUNCTION jr_check(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  diff bigint;
  n bigint;
  plan text := '';
  r record;
BEGIN
  PERFORM set_config('qipc_fdw.enable_join_pushdown', 'on', true);
  FOR r IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    plan := plan || r."QUERY PLAN" || E'\n';
  END LOOP;
  EXECUTE 'CREATE TEMP TABLE jr_on AS ' || q;
  PERFORM set_config('qipc_fdw.enable_join_pushdown', 'off', true);
  EXECUTE 'CREATE TEMP TABLE jr_off AS ' || q;
  PERFORM set_config('qipc_fdw.enable_join_pushdown', 'on', true);
  SELECT count(*) INTO diff FROM ((TABLE jr_on EXCEPT ALL TABLE jr_off)
    UNION ALL (TABLE jr_off EXCEPT ALL TABLE jr_on)) x;
  SELECT count(*) INTO n FROM jr_on;
  DROP TABLE jr_on, jr_off;
  RETURN CASE WHEN diff = 0 THEN 'same' ELSE 'DIFFERENT' END || ', ' || n ||
    ' rows, ' ||
    CASE WHEN plan ~ 'Relations: .* JOIN' THEN 'pushed' ||
      CASE WHEN plan ~ 'Filter:' THEN ' (local filter)' ELSE '' END
    ELSE 'local' END;
END $$;

-- ===================================================================
-- inner join on one key: duplicate keys on both sides (many-to-many),
-- NULL keys on both sides never match
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s;
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s ORDER BY 1, 2;
SELECT jr_check('SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.k = b.k;
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.k = b.k ORDER BY 1, 2;
SELECT jr_check('SELECT a.id, b.w FROM jr_a a JOIN jr_b b USING (k)');
-- the key columns themselves, and the same column name on both sides
SELECT jr_check('SELECT a.s AS as_, b.s AS bs, a.e AS ae, b.e AS be FROM jr_a a JOIN jr_b b ON a.s = b.s');
-- no column at all (count(*) over the join: the aggregate stays local)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM jr_a a JOIN jr_b b ON a.s = b.s;
SELECT count(*) FROM jr_a a JOIN jr_b b ON a.s = b.s;

-- ===================================================================
-- composite keys
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s AND a.e = b.e;
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s AND a.e = b.e ORDER BY 1, 2;
SELECT jr_check('SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s AND a.e = b.e');
SELECT jr_check('SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s AND a.k = b.k AND a.e = b.e');
SELECT jr_check('SELECT a.id, b.w, b.k FROM jr_a a LEFT JOIN jr_b b ON a.s = b.s AND a.k = b.k');

-- ===================================================================
-- conditions on both sides go into each side's select; other join
-- conditions of an inner join are checked locally on the joined rows
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s
WHERE a.v > 15 AND b.w < 450 AND b.e = 'x';
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s
WHERE a.v > 15 AND b.w < 450 AND b.e = 'x' ORDER BY 1, 2;
SELECT jr_check('SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s WHERE a.v > 15 AND b.w < 450 AND b.e = ''x''');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s AND a.v * 10 < b.w;
SELECT jr_check('SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s AND a.v * 10 < b.w');
-- a local condition of one table (q cannot evaluate md5)
SELECT jr_check('SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s WHERE md5(b.st) <> ''x''');
-- parameters of a generic plan travel as arguments of the lambda
PREPARE jr_p1(bigint, text) AS
  SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.k = b.k WHERE a.v > $1 AND b.e = $2;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE jr_p1(15, 'x');
EXECUTE jr_p1(15, 'x');
RESET plan_cache_mode;
DEALLOCATE jr_p1;

-- ===================================================================
-- left joins: unmatched rows and rows with a NULL key come back with the
-- right side NULL, for every type class (q fills a boolean with 0b, a
-- byte with 0x00, a string with "": the match flag tells the scan)
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT a.id, b.bo, b.x, b.h, b.i, b.w, b.re, b.f, b.c, b.sy, b.st, b.d, b.p, b.g
FROM jr_a a LEFT JOIN jr_b b ON a.s = b.s;
SELECT a.id, a.s, b.bo, b.x, b.h, b.i, b.w, b.re, b.f, b.c, b.sy, b.st, b.d, b.p, b.g
FROM jr_a a LEFT JOIN jr_b b ON a.s = b.s ORDER BY a.id, b.w;
SELECT jr_check('SELECT a.id, b.bo, b.x, b.h, b.i, b.w, b.re, b.f, b.c, b.sy, b.st, b.d, b.p, b.g FROM jr_a a LEFT JOIN jr_b b ON a.s = b.s');
-- IS NULL on the right side above the join: a filter on the joined rows
SELECT jr_check('SELECT a.id FROM jr_a a LEFT JOIN jr_b b ON a.k = b.k WHERE b.bo IS NULL');
SELECT jr_check('SELECT a.id, b.st FROM jr_a a LEFT JOIN jr_b b ON a.k = b.k WHERE b.w IS NULL OR b.w > 150');
-- conditions of the preserved side and of the right side
SELECT jr_check('SELECT a.id, b.w FROM jr_a a LEFT JOIN jr_b b ON a.s = b.s AND b.w > 150 WHERE a.v < 75');
-- a right side whose key is unique (a u# column): the same plain form
EXPLAIN (VERBOSE, COSTS OFF)
SELECT a.id, u.name FROM jr_a a LEFT JOIN jr_u u ON a.s = u.s;
SELECT a.id, u.name, u.n FROM jr_a a LEFT JOIN jr_u u ON a.s = u.s ORDER BY a.id;
SELECT jr_check('SELECT a.id, u.name, u.n FROM jr_a a JOIN jr_u u ON a.s = u.s');

-- ===================================================================
-- not pushed
-- ===================================================================
-- a left join with a non-key join condition
SELECT jr_check('SELECT a.id, b.w FROM jr_a a LEFT JOIN jr_b b ON a.s = b.s AND a.v * 10 < b.w');
-- a left join whose nullable side has a condition q cannot evaluate
SELECT jr_check('SELECT a.id, b.w FROM jr_a a LEFT JOIN jr_b b ON a.s = b.s AND md5(b.st) <> ''x''');
-- a right join is the left join of the other side first: pushed
SELECT jr_check('SELECT a.id, b.w FROM jr_a a RIGHT JOIN jr_b b ON a.s = b.s');
-- full, semi and anti joins
SELECT jr_check('SELECT a.id, b.w FROM jr_a a FULL JOIN jr_b b ON a.s = b.s');
SELECT jr_check('SELECT a.id FROM jr_a a WHERE EXISTS (SELECT 1 FROM jr_b b WHERE b.s = a.s)');
SELECT jr_check('SELECT a.id FROM jr_a a WHERE NOT EXISTS (SELECT 1 FROM jr_b b WHERE b.s = a.s)');
-- no equality: a cross join, an inequality join
SELECT jr_check('SELECT a.id, b.w FROM jr_a a, jr_b b');
SELECT jr_check('SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.k < b.k');
-- key types q does not compare as PostgreSQL: floats, timestamps, strings
SELECT jr_check('SELECT b.w AS bw, f.w AS fw FROM jr_b b JOIN jr_bf f ON b.f = f.f');
SELECT jr_check('SELECT b.w AS bw, f.w AS fw FROM jr_b b JOIN jr_bf f ON b.p = f.p');
SELECT jr_check('SELECT b.w AS bw, f.w AS fw FROM jr_b b JOIN jr_bf f ON b.st = f.st');
-- a key of different types (bigint = integer)
SELECT jr_check('SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.k = b.i');
-- another server, a query table, a partitioned table, a local table
SELECT jr_check('SELECT a.id, b.w FROM jr_a a JOIN jr_b2 b ON a.s = b.s');
SELECT jr_check('SELECT a.id, b.w FROM jr_a a JOIN jr_bq b ON a.s = b.s');
SELECT jr_check('SELECT a.id, p.q FROM jr_a a JOIN jr_p p ON a.s = p.s WHERE p.date = ''2024-01-01''');
SELECT jr_check('SELECT a.id, l.k FROM jr_a a JOIN jr_local l ON a.s = l.s');
-- three tables: the first two joined in q, the third joined locally
SELECT jr_check('SELECT a.id, b.w, u.n FROM jr_a a JOIN jr_b b ON a.s = b.s JOIN jr_u u ON u.s = a.s');
-- a whole-row reference
SELECT jr_check('SELECT a, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s');
-- FOR UPDATE
EXPLAIN (COSTS OFF)
SELECT a.id FROM jr_a a JOIN jr_b b ON a.s = b.s FOR UPDATE OF a;

-- turned off: the bind join or PostgreSQL's own join
SET qipc_fdw.enable_join_pushdown = off;
EXPLAIN (COSTS OFF)
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s;
RESET qipc_fdw.enable_join_pushdown;
SET qipc_fdw.enable_pushdown = off;
EXPLAIN (COSTS OFF)
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s;
RESET qipc_fdw.enable_pushdown;

-- EXPLAIN ANALYZE: one request
EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT a.id, b.w FROM jr_a a JOIN jr_b b ON a.s = b.s WHERE b.w > 150;

DROP TABLE jr_local;
DROP FUNCTION jr_check(text);
SET client_min_messages = warning;
DROP SERVER regress_jr CASCADE;
DROP SERVER regress_jr2 CASCADE;
