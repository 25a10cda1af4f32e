--
-- joins: bind joins.  An equi-join between any relation and a qipc_fdw
-- table can send q the keys of the other side, in batches, and join the
-- reply here.  jn_check() runs a query with the bind join forced (the other
-- join methods disabled) and with it turned off, and compares the results
-- (as multisets); it also says whether the plan used the bind join and
-- how many requests the bind join run sent.
--
\getenv qport QIPC_TEST_PORT

SET client_min_messages = warning;
DROP SERVER IF EXISTS regress_jn CASCADE;
RESET client_min_messages;
CREATE SERVER regress_jn FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_jn;

-- fixture: test/fixtures/joins.q
CREATE FOREIGN TABLE jn_trade (id bigint, sym text, ex text, size bigint,
  d date, k bigint, g uuid) SERVER regress_jn;
CREATE FOREIGN TABLE jn_big (id bigint, sym text, v bigint) SERVER regress_jn;

-- local tables: duplicate keys, NULL keys, keys q does not have
CREATE TABLE jn_watch (sym text, note text);
INSERT INTO jn_watch VALUES ('AAPL', 'a'), ('IBM', 'i'), ('IBM', 'i2'),
  (NULL, 'null'), ('NONE', 'none'), ('x y', 'space');
CREATE TABLE jn_pair (sym text, ex text, k bigint, d date);
INSERT INTO jn_pair VALUES ('AAPL', 'N', 1, '2024-01-01'), ('AAPL', 'L', 1, '2024-01-02'),
  ('IBM', 'L', 2, NULL), ('IBM', NULL, 2, '2024-01-05'), (NULL, 'N', NULL, '2024-01-03'),
  ('GOOG', 'N', 4, '2024-01-03'), ('GOOG', 'L', 9, '2024-01-09');
CREATE TABLE jn_keys (sym text);
INSERT INTO jn_keys SELECT 's' || i FROM generate_series(0, 2999, 3) i;
ANALYZE jn_watch, jn_pair, jn_keys;

CREATE FUNCTION jn_requests() RETURNS bigint LANGUAGE sql AS $$
  SELECT coalesce(sum(requests), 0)::bigint FROM qipc_fdw_get_connections()
  WHERE server_name = 'regress_jn'
$$;

CREATE FUNCTION jn_check(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  diff bigint;
  n bigint;
  r0 bigint;
  reqs bigint;
  plan text := '';
  r record;
BEGIN
  -- the bind join run: other join methods disabled
  PERFORM set_config('qipc_fdw.enable_bind_join', 'on', true);
  PERFORM set_config('enable_hashjoin', 'off', true);
  PERFORM set_config('enable_mergejoin', 'off', true);
  PERFORM set_config('enable_nestloop', 'off', true);
  FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    plan := plan || r."QUERY PLAN" || E'\n';
  END LOOP;
  r0 := jn_requests();
  EXECUTE 'CREATE TEMP TABLE jn_on AS ' || q;
  reqs := jn_requests() - r0;
  -- the reference run: no bind join, PostgreSQL's own joins
  PERFORM set_config('qipc_fdw.enable_bind_join', 'off', true);
  PERFORM set_config('enable_hashjoin', 'on', true);
  PERFORM set_config('enable_mergejoin', 'on', true);
  PERFORM set_config('enable_nestloop', 'on', true);
  EXECUTE 'CREATE TEMP TABLE jn_off AS ' || q;
  PERFORM set_config('qipc_fdw.enable_bind_join', 'on', true);
  SELECT count(*) INTO diff FROM ((TABLE jn_on EXCEPT ALL TABLE jn_off)
    UNION ALL (TABLE jn_off EXCEPT ALL TABLE jn_on)) x;
  SELECT count(*) INTO n FROM jn_on;
  DROP TABLE jn_on, jn_off;
  RETURN CASE WHEN diff = 0 THEN 'same' ELSE 'DIFFERENT' END || ', ' || n ||
    ' rows, ' ||
    CASE WHEN plan ~ 'QipcBindJoin' THEN 'bind join, ' || reqs || ' requests'
    ELSE 'no bind join' END;
END $$;

-- ===================================================================
-- the plan: the keys go to q as a typed vector beside the table's own
-- pushed conditions
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT t.id, t.sym, w.note FROM jn_trade t JOIN jn_watch w ON w.sym = t.sym
WHERE t.size > 150;
SELECT t.id, t.sym, w.note FROM jn_trade t JOIN jn_watch w ON w.sym = t.sym
WHERE t.size > 150 ORDER BY 1, 3;

-- the watch-list aggregate: q aggregates the matching rows, only groups come
-- back (sql/joins_agg.sql)
EXPLAIN (COSTS OFF)
SELECT t.sym, count(*), sum(t.size) FROM jn_trade t JOIN jn_watch w ON w.sym = t.sym
GROUP BY 1;
SELECT t.sym, count(*), sum(t.size) FROM jn_trade t JOIN jn_watch w ON w.sym = t.sym
GROUP BY 1 ORDER BY 1;

-- EXPLAIN ANALYZE counts requests, keys sent and rows fetched (only those
-- lines: the form of the row counts differs between PostgreSQL versions)
CREATE FUNCTION jn_analyze(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) ' || q LOOP
    IF r."QUERY PLAN" ~ '^ *(Custom Scan|Join Type|Batch Size|Requests|Keys Sent|Rows Fetched)' THEN
      RETURN NEXT regexp_replace(ltrim(r."QUERY PLAN"), ' \(actual.*', '');
    END IF;
  END LOOP;
END $$;
SELECT jn_analyze('SELECT t.sym FROM jn_trade t JOIN jn_watch w ON w.sym = t.sym');

-- ===================================================================
-- join types: results equal to PostgreSQL's own joins
-- ===================================================================
SELECT jn_check('SELECT t.id, t.sym AS tsym, t.ex, t.size, t.d, t.k, t.g, w.sym AS wsym, w.note FROM jn_trade t JOIN jn_watch w ON w.sym = t.sym');
SELECT jn_check('SELECT t.id, t.sym AS tsym, t.ex, t.size, t.d, t.k, t.g, w.sym AS wsym, w.note FROM jn_watch w LEFT JOIN jn_trade t ON w.sym = t.sym');
SELECT jn_check('SELECT t.id, t.sym AS tsym, t.ex, t.size, t.d, t.k, t.g, w.sym AS wsym, w.note FROM jn_watch w LEFT JOIN jn_trade t ON w.sym = t.sym AND t.size > 250');
SELECT jn_check('SELECT t.id, t.sym AS tsym, t.ex, t.size, t.d, t.k, t.g, w.sym AS wsym, w.note FROM jn_watch w LEFT JOIN jn_trade t ON w.sym = t.sym WHERE t.id IS NULL OR t.size < 700');
SELECT jn_check('SELECT w.* FROM jn_watch w WHERE w.sym IN (SELECT sym FROM jn_trade)');
SELECT jn_check('SELECT w.* FROM jn_watch w WHERE EXISTS (SELECT 1 FROM jn_trade t WHERE t.sym = w.sym AND t.ex = ''L'')');
SELECT jn_check('SELECT w.* FROM jn_watch w WHERE NOT EXISTS (SELECT 1 FROM jn_trade t WHERE t.sym = w.sym)');
-- a join qual that is not a key, and a local condition of the foreign table
SELECT jn_check('SELECT t.id, p.* FROM jn_pair p JOIN jn_trade t ON t.sym = p.sym AND t.size > p.k * 150');
SELECT jn_check('SELECT t.id, p.* FROM jn_pair p JOIN jn_trade t ON t.sym = p.sym WHERE t.sym || t.ex <> ''AAPLL''');
-- composite keys: a superset per column, the exact match here
SELECT jn_check('SELECT t.id, p.* FROM jn_pair p JOIN jn_trade t ON t.sym = p.sym AND t.ex = p.ex');
SELECT jn_check('SELECT t.id, p.* FROM jn_pair p JOIN jn_trade t ON t.sym = p.sym AND t.k = p.k AND t.d = p.d');
SELECT jn_check('SELECT t.id, p.* FROM jn_pair p LEFT JOIN jn_trade t ON t.sym = p.sym AND t.ex = p.ex');
-- integer, date and uuid keys
SELECT jn_check('SELECT t.id, p.k FROM jn_pair p JOIN jn_trade t ON t.k = p.k');
SELECT jn_check('SELECT t.id, p.d FROM jn_pair p JOIN jn_trade t ON t.d = p.d');
SELECT jn_check('SELECT t.id, u.g FROM (VALUES (''00000000-0000-0000-0000-000000000002''::uuid), (NULL), (''00000000-0000-0000-0000-000000000009'')) u(g) JOIN jn_trade t ON t.g = u.g');
-- integer keys that are q nulls or infinities match nothing (and are not sent)
SELECT jn_check('SELECT t.id, v.k FROM (VALUES (9223372036854775807::bigint), (-9223372036854775807), (-9223372036854775808), (NULL), (2)) v(k) JOIN jn_trade t ON t.k = v.k');
-- an expression on the outer side
SELECT jn_check('SELECT t.id, w.note FROM jn_watch w JOIN jn_trade t ON t.sym = upper(lower(w.sym))');
-- no outer rows; only NULL keys
SELECT jn_check('SELECT t.id FROM jn_watch w JOIN jn_trade t ON t.sym = w.sym WHERE w.note = ''nothing''');
SELECT jn_check('SELECT t.id, w.note FROM jn_watch w LEFT JOIN jn_trade t ON t.sym = w.sym WHERE w.sym IS NULL');

-- ===================================================================
-- batches: bind_join_batch keys per request
-- ===================================================================
ALTER FOREIGN TABLE jn_big OPTIONS (ADD bind_join_batch '300');
SELECT jn_check('SELECT b.id, b.v FROM jn_keys k JOIN jn_big b ON b.sym = k.sym');
SELECT jn_check('SELECT k.sym FROM jn_keys k WHERE EXISTS (SELECT 1 FROM jn_big b WHERE b.sym = k.sym AND b.v > 10000)');
ALTER FOREIGN TABLE jn_big OPTIONS (SET bind_join_batch '1');
SELECT jn_check('SELECT b.id, w.note FROM jn_watch w JOIN jn_big b ON b.sym = w.sym OR b.sym IS NULL');
SELECT jn_check('SELECT t.id, w.note FROM jn_watch w JOIN jn_trade t ON t.sym = w.sym AND t.size > 0');
-- 0: never bind-joined
ALTER FOREIGN TABLE jn_big OPTIONS (SET bind_join_batch '0');
SELECT jn_check('SELECT b.id FROM jn_watch w JOIN jn_big b ON b.sym = w.sym');
ALTER FOREIGN TABLE jn_big OPTIONS (DROP bind_join_batch);
ALTER FOREIGN TABLE jn_big OPTIONS (ADD bind_join_batch '-1');
ALTER SERVER regress_jn OPTIONS (ADD bind_join_batch 'many');

-- ===================================================================
-- the planner's choice: few outer keys and a big foreign table
-- ===================================================================
SET qipc_fdw.enable_bind_join = on;
EXPLAIN (COSTS OFF)
SELECT b.v FROM jn_big b JOIN jn_watch w ON w.sym = b.sym;
SET qipc_fdw.enable_bind_join = off;
EXPLAIN (COSTS OFF)
SELECT b.v FROM jn_big b JOIN jn_watch w ON w.sym = b.sym;
RESET qipc_fdw.enable_bind_join;
-- not when the outer side has more keys than the (analyzed) foreign table
-- has rows
ANALYZE jn_trade;
EXPLAIN (COSTS OFF)
SELECT t.id FROM jn_keys k JOIN jn_trade t ON t.sym = k.sym;
-- row locks are rechecked by PostgreSQL's own joins
EXPLAIN (COSTS OFF)
SELECT w.note FROM jn_watch w JOIN jn_trade t ON t.sym = w.sym FOR UPDATE OF w;

-- ===================================================================
-- x = ANY(array known at execution): pushed as "in" with a typed vector
-- ===================================================================
-- (the Remote q and whether a local filter is left; how EXPLAIN shows the
-- initplan differs between PostgreSQL versions)
CREATE FUNCTION jn_remote_q(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    IF r."QUERY PLAN" ~ '^ *Remote q:' THEN
      RETURN NEXT ltrim(r."QUERY PLAN");
    ELSIF r."QUERY PLAN" ~ '^ *Filter:' THEN
      RETURN NEXT 'local filter';
    END IF;
  END LOOP;
END $$;
SELECT jn_remote_q('SELECT id FROM jn_trade WHERE sym = ANY(ARRAY(SELECT sym FROM jn_watch))');
SELECT id FROM jn_trade WHERE sym = ANY(ARRAY(SELECT sym FROM jn_watch)) ORDER BY id;
PREPARE jn_any(text[], bigint[]) AS
  SELECT id FROM jn_trade WHERE sym = ANY($1) AND k = ANY($2) ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE jn_any('{AAPL,IBM}', '{1,2}');
EXECUTE jn_any('{AAPL,IBM}', '{1,2}');
EXECUTE jn_any('{AAPL,NULL}', '{1,NULL}');
EXECUTE jn_any(NULL, '{1}');
EXECUTE jn_any('{}', '{1}');
EXECUTE jn_any('{AAPL,IBM}', '{9223372036854775807,-9223372036854775808,2}');
-- not pushed: the negation (NOT IN must know about NULL elements)
SELECT jn_remote_q('SELECT id FROM jn_trade WHERE NOT (sym = ANY(ARRAY(SELECT sym FROM jn_watch)))');
SELECT id FROM jn_trade WHERE NOT (sym = ANY(ARRAY(SELECT sym FROM jn_watch WHERE sym IS NOT NULL))) ORDER BY id;
DEALLOCATE jn_any;

DROP TABLE jn_watch, jn_pair, jn_keys;
DROP FUNCTION jn_check(text);
DROP FUNCTION jn_remote_q(text);
DROP FUNCTION jn_analyze(text);
DROP FUNCTION jn_requests();
DROP SERVER regress_jn CASCADE;
