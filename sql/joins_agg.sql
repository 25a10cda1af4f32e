--
-- joins_agg: aggregates pushed into bind joins, and join keys of two
-- integer widths.  GROUP BY on the foreign table's join key lets q
-- aggregate each batch's rows and ship only the groups; count and sum are
-- scaled by how often each outer key occurs.  ja_check() runs a query with
-- the bind join on and off and compares the results (as multisets); it
-- also says which bind join the plan used and how many requests it sent.
--
\getenv qport QIPC_TEST_PORT

SET client_min_messages = warning;
DROP SERVER IF EXISTS regress_ja CASCADE;
RESET client_min_messages;
CREATE SERVER regress_ja FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_ja;

-- fixture: test/fixtures/joins.q
CREATE FOREIGN TABLE jn_trade (id bigint, sym text, ex text, size bigint,
  d date, k bigint, g uuid) SERVER regress_ja;
CREATE FOREIGN TABLE jn_big (id bigint, sym text, v bigint) SERVER regress_ja;
CREATE FOREIGN TABLE jn_ints (id bigint, h smallint, i integer, l bigint,
  sym text) SERVER regress_ja;
CREATE FOREIGN TABLE jn_trade_vc (id bigint, sym varchar(8), size bigint)
  SERVER regress_ja OPTIONS (table 'jn_trade');

-- local tables: duplicate keys (IBM twice), a NULL key, a key q lacks
CREATE TABLE ja_watch (sym text, note text);
INSERT INTO ja_watch VALUES ('AAPL', 'a'), ('IBM', 'i'), ('IBM', 'i2'),
  (NULL, 'null'), ('NONE', 'none'), ('x y', 'space');
CREATE TABLE ja_uwatch (sym text PRIMARY KEY);
INSERT INTO ja_uwatch VALUES ('AAPL'), ('IBM'), ('NONE');
CREATE TABLE ja_pair (sym text, ex text);
INSERT INTO ja_pair VALUES ('AAPL', 'N'), ('AAPL', 'N'), ('IBM', 'L'),
  ('IBM', NULL), (NULL, 'N'), ('GOOG', 'N'), ('AAPL', 'L');
CREATE TABLE ja_nums (n4 integer, n2 smallint, n8 bigint);
INSERT INTO ja_nums VALUES (1, 1, 1), (2, 2, 2), (2, 2, 2), (NULL, NULL, NULL),
  (2147483647, 32767, 4294967298), (-5, -5, -5), (300, 300, 70000),
  (70000, 7, 9223372036854775807);
CREATE TABLE ja_keys (sym text);
INSERT INTO ja_keys SELECT 's' || (i % 700) FROM generate_series(0, 1399) i;
ANALYZE ja_watch, ja_uwatch, ja_pair, ja_nums, ja_keys;

CREATE FUNCTION ja_requests() RETURNS bigint LANGUAGE sql AS $$
  SELECT coalesce(sum(requests), 0)::bigint FROM qipc_fdw_get_connections()
  WHERE server_name = 'regress_ja'
$$;

CREATE FUNCTION ja_check(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  diff bigint;
  n bigint;
  r0 bigint;
  reqs bigint;
  plan text := '';
  r record;
BEGIN
  -- the bind join run: PostgreSQL's own join methods disabled
  PERFORM set_config('qipc_fdw.enable_bind_join', 'on', true);
  PERFORM set_config('enable_hashjoin', 'off', true);
  PERFORM set_config('enable_mergejoin', 'off', true);
  PERFORM set_config('enable_nestloop', 'off', true);
  FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    plan := plan || r."QUERY PLAN" || E'\n';
  END LOOP;
  r0 := ja_requests();
  EXECUTE 'CREATE TEMP TABLE ja_on AS ' || q;
  reqs := ja_requests() - r0;
  -- the reference: PostgreSQL's own joins and aggregation
  PERFORM set_config('qipc_fdw.enable_bind_join', 'off', true);
  PERFORM set_config('enable_hashjoin', 'on', true);
  PERFORM set_config('enable_mergejoin', 'on', true);
  PERFORM set_config('enable_nestloop', 'on', true);
  EXECUTE 'CREATE TEMP TABLE ja_off AS ' || q;
  PERFORM set_config('qipc_fdw.enable_bind_join', 'on', true);
  SELECT count(*) INTO diff FROM ((TABLE ja_on EXCEPT ALL TABLE ja_off)
    UNION ALL (TABLE ja_off EXCEPT ALL TABLE ja_on)) x;
  SELECT count(*) INTO n FROM ja_on;
  DROP TABLE ja_on, ja_off;
  RETURN CASE WHEN diff = 0 THEN 'same' ELSE 'DIFFERENT' END || ', ' || n ||
    ' rows, ' ||
    CASE WHEN plan ~ 'QipcBindJoinAggregate' THEN 'aggregate pushed, '
    WHEN plan ~ 'QipcBindJoin' THEN 'bind join, '
    ELSE 'no bind join, ' END || reqs || ' requests';
END $$;

-- EXPLAIN ANALYZE with the bind join forced: only the bind join's own
-- lines
CREATE FUNCTION ja_analyze(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  PERFORM set_config('enable_hashjoin', 'off', true);
  PERFORM set_config('enable_mergejoin', 'off', true);
  PERFORM set_config('enable_nestloop', 'off', true);
  FOR r IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) ' || q LOOP
    IF r."QUERY PLAN" ~ '^ *(->  )?(Custom Scan|Join Type|Batch Size|Requests|Keys Sent|Groups Fetched|Rows Fetched)' THEN
      RETURN NEXT regexp_replace(ltrim(r."QUERY PLAN"), ' \(actual.*', '');
    END IF;
  END LOOP;
END $$;

-- ===================================================================
-- the watch-list aggregate: q aggregates the keys' rows, only groups
-- come back; IBM is twice on the watch list, so its count and sum double
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT t.sym, count(*), sum(t.size) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym
GROUP BY 1;
SELECT t.sym, count(*), sum(t.size) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym
GROUP BY 1 ORDER BY 1;
SELECT ja_analyze('SELECT t.sym, count(*), sum(t.size) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1');
SELECT ja_check('SELECT t.sym, count(*) AS n, sum(t.size) AS s, count(t.k) AS nk, min(t.d), max(t.size), count(DISTINCT t.k) AS dk FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1');
-- the group key need not be selected; more group keys than join keys
SELECT ja_check('SELECT count(*), sum(t.k) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY t.sym');
SELECT ja_check('SELECT t.sym, t.ex, count(*), sum(t.size), min(t.id) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1, 2');
-- conditions of the foreign table go to q with the keys
SELECT ja_check('SELECT t.sym, count(*), sum(t.size) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym WHERE t.size > 250 AND w.note <> ''i2'' GROUP BY 1');

-- ===================================================================
-- avg and float sums do not scale: pushed only when the outer keys are
-- unique (primary key, DISTINCT, GROUP BY, IN)
-- ===================================================================
EXPLAIN (COSTS OFF)
SELECT t.sym, avg(t.size) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1;
SELECT ja_check('SELECT t.sym, avg(t.size) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1');
EXPLAIN (COSTS OFF)
SELECT t.sym, avg(t.size) FROM jn_trade t JOIN ja_uwatch u ON u.sym = t.sym GROUP BY 1;
SELECT ja_check('SELECT t.sym, avg(t.size), count(*) FROM jn_trade t JOIN ja_uwatch u ON u.sym = t.sym GROUP BY 1');
SELECT ja_check('SELECT t.sym, avg(t.size), sum(t.k) FROM jn_trade t JOIN (SELECT DISTINCT sym FROM ja_watch) w ON w.sym = t.sym GROUP BY 1');
SELECT ja_check('SELECT t.sym, avg(t.size), sum(t.k) FROM jn_trade t JOIN (SELECT sym FROM ja_watch GROUP BY sym) w ON w.sym = t.sym GROUP BY 1');
EXPLAIN (COSTS OFF)
SELECT t.sym, t.ex, avg(t.size) FROM jn_trade t WHERE t.sym IN (SELECT sym FROM ja_watch) GROUP BY 1, 2;
SELECT ja_check('SELECT t.sym, t.ex, avg(t.size), count(*) FROM jn_trade t WHERE t.sym IN (SELECT sym FROM ja_watch) GROUP BY 1, 2');
-- the same IN without aggregate: a bind join over the unique keys
SELECT ja_check('SELECT t.id, t.sym FROM jn_trade t WHERE t.sym IN (SELECT sym FROM ja_watch)');
SELECT ja_check('SELECT t.id FROM jn_trade t WHERE (t.sym, t.ex) IN (SELECT sym, ex FROM ja_pair)');

-- ===================================================================
-- left joins: the outer rows without a foreign row (NULL keys, keys q
-- lacks) form one group with NULL keys: count(*) counts them, count(x) is
-- 0, the other aggregates are NULL
-- ===================================================================
EXPLAIN (COSTS OFF)
SELECT t.sym, count(*), count(t.size), sum(t.size) FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1;
SELECT t.sym, count(*), count(t.size), sum(t.size), min(t.d), max(t.k), count(DISTINCT t.k)
FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1 ORDER BY 1;
SELECT ja_check('SELECT t.sym, count(*) AS n, count(t.size) AS ns, sum(t.size), min(t.d), max(t.k), count(DISTINCT t.k) AS dk FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1');
SELECT ja_check('SELECT t.sym, t.ex, count(*), sum(t.size) FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1, 2');
-- a key whose rows q's condition removes has no group: it is unmatched
SELECT ja_check('SELECT t.sym, count(*) AS n, count(t.id) AS ni, sum(t.size) FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym AND t.size < 250 GROUP BY 1');
-- every outer key matches: no unmatched group
SELECT ja_check('SELECT t.sym, count(*) FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym WHERE w.sym IN (''AAPL'', ''IBM'') GROUP BY 1');
-- only NULL keys: no request, one group
SELECT ja_check('SELECT t.sym, count(*), sum(t.size) FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym WHERE w.sym IS NULL GROUP BY 1');
-- no outer rows: no request, no group
SELECT ja_check('SELECT t.sym, count(*) FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym WHERE w.note = ''nothing'' GROUP BY 1');
SELECT ja_check('SELECT t.sym, count(*) FROM ja_watch w JOIN jn_trade t ON t.sym = w.sym WHERE w.note = ''nothing'' GROUP BY 1');
-- count(x) of a column and count(*) differ only in the unmatched group
SELECT ja_check('SELECT t.sym, count(t.sym) AS ns, count(*) FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1');
-- a strict expression is NULL on the null-extended rows too (a float sum:
-- the outer keys are unique)
SELECT ja_check('SELECT t.sym, sum(t.size::float8 * 2) AS s2, count(*) FROM ja_uwatch u LEFT JOIN jn_trade t ON t.sym = u.sym GROUP BY 1');
-- not pushed: an argument that is not NULL on the null-extended rows
-- (the unmatched group would count or sum them wrongly)
SELECT ja_check('SELECT t.sym, count(coalesce(t.size, 0)) AS c FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1');
SELECT ja_check('SELECT t.sym, sum(coalesce(t.size, 1)) AS c FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1');
SELECT ja_check('SELECT t.sym, sum(CASE WHEN t.size > 250 THEN t.size ELSE 0 END) AS c FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1');
SELECT ja_check('SELECT t.sym, count(*) FILTER (WHERE t.size IS NULL) AS c FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1');
-- the node's output under a sort on an aggregate and under another join
EXPLAIN (COSTS OFF)
SELECT t.sym, count(*), sum(t.size) FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1 ORDER BY 3 DESC, 1;
SELECT t.sym, count(*), sum(t.size) FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1 ORDER BY 3 DESC, 1;
SELECT ja_check('SELECT s.*, x.note FROM (SELECT t.sym, count(*) AS n, sum(t.size) AS s FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1) s LEFT JOIN ja_watch x ON x.sym = s.sym');

-- ===================================================================
-- composite keys, sums beyond 64 bits, batches
-- ===================================================================
SELECT ja_check('SELECT t.sym, t.ex, count(*), sum(t.size) FROM ja_pair p JOIN jn_trade t ON t.sym = p.sym AND t.ex = p.ex GROUP BY 1, 2');
SELECT ja_check('SELECT t.sym, t.ex, count(*), sum(t.size) FROM ja_pair p LEFT JOIN jn_trade t ON t.sym = p.sym AND t.ex = p.ex GROUP BY 1, 2');
-- two keys per request: q filters each column by the batch's values, so
-- the first request also answers for (AAPL, L), a key of the second batch
-- (taken from the second answer only) and for (IBM, N), no outer row's
ALTER FOREIGN TABLE jn_trade OPTIONS (ADD bind_join_batch '2');
SELECT ja_analyze('SELECT t.sym, t.ex, count(*) FROM ja_pair p JOIN jn_trade t ON t.sym = p.sym AND t.ex = p.ex GROUP BY 1, 2');
SELECT ja_check('SELECT t.sym, t.ex, count(*), sum(t.size) FROM ja_pair p JOIN jn_trade t ON t.sym = p.sym AND t.ex = p.ex GROUP BY 1, 2');
SELECT ja_check('SELECT t.sym, t.ex, count(*), sum(t.size) FROM ja_pair p LEFT JOIN jn_trade t ON t.sym = p.sym AND t.ex = p.ex GROUP BY 1, 2');
ALTER FOREIGN TABLE jn_trade OPTIONS (DROP bind_join_batch);
-- sum(bigint) is numeric: 2 * 9e18 per row, times the two IBM rows
SELECT t.sym, sum(t.l), count(*) FROM jn_ints t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1 ORDER BY 1;
SELECT ja_check('SELECT t.sym, sum(t.l) AS sl, sum(t.i) AS si, sum(t.h) AS sh, count(t.l), max(t.l) FROM jn_ints t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1');
ALTER FOREIGN TABLE jn_big OPTIONS (ADD bind_join_batch '300');
-- 700 distinct keys, each twice: 3 requests, each key sent once
SELECT ja_analyze('SELECT b.sym, count(*), sum(b.v) FROM ja_keys k JOIN jn_big b ON b.sym = k.sym GROUP BY 1');
SELECT ja_check('SELECT b.sym, count(*), sum(b.v), min(b.id) FROM ja_keys k JOIN jn_big b ON b.sym = k.sym GROUP BY 1');
SELECT ja_check('SELECT b.sym, count(*), sum(b.v) FROM ja_keys k LEFT JOIN jn_big b ON b.sym = k.sym GROUP BY 1');
ALTER FOREIGN TABLE jn_big OPTIONS (DROP bind_join_batch);
-- a correlated subquery: its parameters are assigned while the outer
-- query is prepared, before the bind join's own could be declared to it,
-- so no bind join there
SELECT n, (SELECT sum(c) FROM (SELECT t.sym, count(*) AS c FROM jn_trade t
  JOIN ja_watch w ON w.sym = t.sym WHERE w.note <> n GROUP BY 1) s)
FROM (VALUES ('a'), ('i'), ('zzz')) v(n) ORDER BY 1;

-- a lateral subquery: the aggregate is rescanned with a new parameter
SELECT ja_check('SELECT n, s.* FROM (VALUES (''a''), (''i''), (''zzz'')) v(n), LATERAL (SELECT t.sym, count(*), sum(t.size) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym WHERE w.note <> v.n GROUP BY 1) s');
SELECT ja_check('SELECT n, s.* FROM (VALUES (''a''), (''i''), (''zzz'')) v(n) LEFT JOIN LATERAL (SELECT t.sym, count(*), sum(t.size) FROM ja_watch w LEFT JOIN jn_trade t ON w.sym = t.sym WHERE w.note <> v.n GROUP BY 1) s ON true');

-- ===================================================================
-- not pushed: other shapes (the bind join and PostgreSQL's aggregation)
-- ===================================================================
-- the join key is not a group key
SELECT ja_check('SELECT t.ex, count(*) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1');
-- an outer column grouped or aggregated
SELECT ja_check('SELECT t.sym, w.note, count(*) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1, 2');
SELECT ja_check('SELECT t.sym, max(w.note) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1');
-- HAVING, an expression over an aggregate, a join qual that is no key
SELECT ja_check('SELECT t.sym, count(*) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1 HAVING count(*) > 2');
SELECT ja_check('SELECT t.sym, count(*) + 1 FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1');
SELECT ja_check('SELECT t.sym, count(*) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym AND t.size > length(w.note) GROUP BY 1');
-- a left join under LIMIT (q might stop before the unmatched keys' groups)
SELECT ja_check('SELECT t.sym, count(*) FROM ja_watch w LEFT JOIN jn_trade t ON t.sym = w.sym GROUP BY 1 LIMIT 10');
SELECT ja_check('SELECT t.sym, count(*) FROM ja_watch w JOIN jn_trade t ON t.sym = w.sym GROUP BY 1 LIMIT 10');
SET qipc_fdw.enable_bind_join = off;
EXPLAIN (COSTS OFF)
SELECT t.sym, count(*), sum(t.size) FROM jn_trade t JOIN ja_watch w ON w.sym = t.sym GROUP BY 1;
RESET qipc_fdw.enable_bind_join;

-- ===================================================================
-- keys of two integer widths: sent in the foreign column's type; an outer
-- value outside its range matches nothing (no error, not sent)
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT t.id, n.n4 FROM ja_nums n JOIN jn_trade t ON t.k = n.n4;
SELECT ja_check('SELECT t.id, n.n4 FROM ja_nums n JOIN jn_trade t ON t.k = n.n4');
SELECT ja_check('SELECT t.id, n.n2 FROM ja_nums n JOIN jn_trade t ON t.k = n.n2');
SELECT ja_check('SELECT t.id, n.n8 FROM ja_nums n JOIN jn_ints t ON t.i = n.n8');
SELECT ja_check('SELECT t.id, n.n8 FROM ja_nums n JOIN jn_ints t ON t.h = n.n8');
SELECT ja_check('SELECT t.id, n.n4 FROM ja_nums n JOIN jn_ints t ON t.h = n.n4');
SELECT ja_check('SELECT t.id, n.* FROM ja_nums n LEFT JOIN jn_ints t ON t.i = n.n8');
SELECT ja_check('SELECT n.* FROM ja_nums n WHERE EXISTS (SELECT 1 FROM jn_ints t WHERE t.i = n.n8)');
SELECT ja_check('SELECT n.* FROM ja_nums n WHERE NOT EXISTS (SELECT 1 FROM jn_ints t WHERE t.h = n.n8)');
SELECT ja_check('SELECT t.id, n.* FROM ja_nums n JOIN jn_ints t ON t.i = n.n8 AND t.h = n.n4');
-- aggregates over them: out-of-range keys are unmatched
SELECT ja_check('SELECT t.k, count(*), sum(t.size) FROM ja_nums n JOIN jn_trade t ON t.k = n.n4 GROUP BY 1');
SELECT ja_check('SELECT t.i, count(*) AS n, sum(t.l), count(t.h) AS nh FROM ja_nums n LEFT JOIN jn_ints t ON t.i = n.n8 GROUP BY 1');
SELECT t.i, count(*), sum(t.l), count(t.h) FROM ja_nums n LEFT JOIN jn_ints t ON t.i = n.n8 GROUP BY 1 ORDER BY 1;
-- text and varchar
SELECT ja_check('SELECT t.id, w.note FROM ja_watch w JOIN jn_trade_vc t ON t.sym = w.sym');
SELECT ja_check('SELECT t.sym, count(*), sum(t.size) FROM ja_watch w JOIN jn_trade_vc t ON t.sym = w.sym GROUP BY 1');

DROP TABLE ja_watch, ja_uwatch, ja_pair, ja_nums, ja_keys;
DROP FUNCTION ja_check(text);
DROP FUNCTION ja_analyze(text);
DROP FUNCTION ja_requests();
DROP SERVER regress_ja CASCADE;
