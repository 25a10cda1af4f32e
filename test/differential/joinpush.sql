--
-- test/differential/joinpush.sql
--	Differential test of join pushdown (src/joinrel.c): random inner and
--	left equi-joins between two foreign tables of one server, each run
--	with the join computed by q (qipc_fdw.enable_join_pushdown on) and by
--	PostgreSQL over two plain scans (join pushdown and bind joins off);
--	the results must be equal as multisets and the first run must have
--	joined in q.  Run by run_joinpush_differential.sh; psql variable
--	qport: the q test server's port.
--
-- Each query makes its own two q tables first (qipc_exec; 0 to 10000 rows
-- each, duplicate keys, NULL keys every p-th row, keys one side lacks),
-- all drawn from setseed() of (seed, k) alone, so one failing query can be
-- rerun by itself: SELECT * FROM jp_run(SEED, K, K).
--
SET client_min_messages = warning;
DROP SERVER IF EXISTS jp_server CASCADE;
DROP TABLE IF EXISTS jp_results CASCADE;
DROP FUNCTION IF EXISTS jp_pick(text[]), jp_table(text, int, int, int, int, int);
RESET client_min_messages;
CREATE SERVER jp_server FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER jp_server;
CREATE FOREIGN TABLE jp_l (id bigint, k1 bigint, k2 text, k3 date, v bigint)
  SERVER jp_server;
CREATE FOREIGN TABLE jp_r (id bigint, k1 bigint, k2 text, k3 date, w bigint,
  bo boolean, f double precision, st text, h smallint) SERVER jp_server;

CREATE TABLE jp_results (seed int, k int, kind text, nkeys int, lrows int,
  rrows int, sql text, pushed bool, nrows bigint, ok bool, detail text);

-- one random element of a text array
CREATE FUNCTION jp_pick(a text[]) RETURNS text LANGUAGE sql AS $$
  SELECT a[1 + floor(random() * array_length(a, 1))::int]
$$;

--
-- jp_table(name, n, m, p, a, b): the q of a table of n rows whose key k1
-- (long) takes m distinct values spread by a and b, k2 (symbol) and k3
-- (date) up to 7 and 3 values that depend on k1's (so that composite keys
-- match often), a null every p-th row (shifted per column); with value
-- columns of several types for the fill of a left join's unmatched rows.
--
CREATE FUNCTION jp_table(name text, n int, m int, p int, a int, b int)
RETURNS text LANGUAGE sql AS $$
  SELECT format('%1$s:%2$s#([] id:til 1|%2$s; '
    'k1:?[0=(til 1|%2$s) mod %4$s;0N;(%6$s+%5$s*til 1|%2$s) mod %3$s]; '
    'k2:?[0=(1+til 1|%2$s) mod %4$s;`;`$"s",/:string ((%6$s+%5$s*til 1|%2$s) mod %3$s) mod 7]; '
    'k3:?[0=(2+til 1|%2$s) mod %4$s;0Nd;2024.01.01+((%6$s+%5$s*til 1|%2$s) mod %3$s) mod 3]; '
    'v:((til 1|%2$s)*7) mod 1000; w:((til 1|%2$s)*13) mod 1000; '
    'bo:0=(%6$s+til 1|%2$s) mod 3; '
    'f:?[0=(til 1|%2$s) mod 5;0n;0.5*til 1|%2$s]; '
    'st:string (til 1|%2$s) mod 17; h:"h"$(til 1|%2$s) mod 300)',
    name, n, m, p, a, b)
$$;

--
-- jp_run(seed, from, to): run queries from..to of seed, record them in
-- jp_results, return the failures.
--
CREATE FUNCTION jp_run(p_seed int, p_from int, p_to int)
RETURNS SETOF jp_results LANGUAGE plpgsql AS $$
DECLARE
  k int;
  kind text;
  keycols text[];
  c text;
  nk int;
  lrows int;
  rrows int;
  cond text;
  sql text;
  plan text;
  r record;
  on_n bigint;
  off_n bigint;
  diff bigint;
  pushed bool;
  sizes int[] := ARRAY[0, 1, 2, 7, 50, 300, 1000, 4000, 10000];
BEGIN
  FOR k IN p_from .. p_to LOOP
    PERFORM setseed(((p_seed * 7919 + k) % 1000003) / 1000003.0);

    -- the two tables
    lrows := sizes[1 + floor(random() * array_length(sizes, 1))::int];
    rrows := sizes[1 + floor(random() * array_length(sizes, 1))::int];
    -- at least n/20 key values: duplicates, but results of at most a few
    -- hundred thousand rows
    PERFORM qipc_exec('jp_server', jp_table('jp_l', lrows,
      1 + floor(random() * 60)::int + lrows / 20, 2 + floor(random() * 15)::int,
      1 + floor(random() * 9)::int, floor(random() * 20)::int));
    PERFORM qipc_exec('jp_server', jp_table('jp_r', rrows,
      1 + floor(random() * 60)::int + rrows / 20, 2 + floor(random() * 15)::int,
      1 + floor(random() * 9)::int, floor(random() * 20)::int));

    -- the join: keys, kind, conditions
    kind := jp_pick(ARRAY['inner', 'left']);
    keycols := ARRAY[]::text[];
    FOREACH c IN ARRAY ARRAY['k1', 'k2', 'k3'] LOOP
      IF random() < 0.45 THEN
        keycols := keycols || c;
      END IF;
    END LOOP;
    IF cardinality(keycols) = 0 THEN
      keycols := ARRAY[jp_pick(ARRAY['k1', 'k2', 'k3'])];
    END IF;
    nk := cardinality(keycols);
    cond := (SELECT string_agg(format('l.%1$s = r.%1$s', x), ' AND ')
             FROM unnest(keycols) x);
    IF kind = 'inner' AND random() < 0.3 THEN
      cond := cond || ' AND l.v < r.w';
    END IF;
    sql := format('SELECT l.id AS lid, l.k1 AS lk1, l.k2 AS lk2, r.id AS rid, '
      'r.k3 AS rk3, r.w, r.bo, r.f, r.st, r.h FROM jp_l l %s JOIN jp_r r ON %s',
      CASE kind WHEN 'inner' THEN '' ELSE 'LEFT' END, cond);
    IF random() < 0.4 THEN
      sql := sql || format(' WHERE l.v < %s', floor(random() * 1000)::int);
      IF random() < 0.5 THEN
        IF kind = 'inner' THEN
          sql := sql || format(' AND r.w > %s', floor(random() * 1000)::int);
        ELSE
          sql := replace(sql, ' WHERE ', format(' AND r.w > %s WHERE ',
                                               floor(random() * 1000)::int));
        END IF;
      END IF;
    END IF;
    IF kind = 'left' AND random() < 0.2 THEN
      sql := sql || CASE WHEN sql ~ ' WHERE ' THEN ' AND' ELSE ' WHERE' END ||
        ' r.id IS NULL';
    END IF;

    -- pushed
    PERFORM set_config('qipc_fdw.enable_join_pushdown', 'on', true);
    PERFORM set_config('qipc_fdw.enable_bind_join', 'off', true);
    plan := '';
    FOR r IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || sql LOOP
      plan := plan || r."QUERY PLAN" || E'\n';
    END LOOP;
    pushed := plan ~ 'Relations: \(l\) (INNER|LEFT) JOIN \(r\)';
    EXECUTE 'CREATE TEMP TABLE jp_on AS ' || sql;
    -- PostgreSQL's join of two scans
    PERFORM set_config('qipc_fdw.enable_join_pushdown', 'off', true);
    EXECUTE 'CREATE TEMP TABLE jp_off AS ' || sql;
    PERFORM set_config('qipc_fdw.enable_join_pushdown', 'on', true);
    PERFORM set_config('qipc_fdw.enable_bind_join', 'on', true);

    SELECT count(*) INTO on_n FROM jp_on;
    SELECT count(*) INTO off_n FROM jp_off;
    SELECT count(*) INTO diff FROM ((TABLE jp_on EXCEPT ALL TABLE jp_off)
      UNION ALL (TABLE jp_off EXCEPT ALL TABLE jp_on)) x;
    DROP TABLE jp_on, jp_off;

    INSERT INTO jp_results VALUES (p_seed, k, kind, nk, lrows, rrows, sql,
      pushed, on_n, diff = 0 AND pushed,
      CASE WHEN diff = 0 AND pushed THEN NULL ELSE
        format('not ok - seed %s query %s (%s, %s keys, %s x %s rows): %s; '
               'pushed %s %s rows, local %s rows, %s rows differ; plan: %s',
               p_seed, k, kind, nk, lrows, rrows, sql, pushed, on_n, off_n,
               diff, plan) END);
  END LOOP;
  RETURN QUERY SELECT * FROM jp_results
    WHERE seed = p_seed AND jp_results.k BETWEEN p_from AND p_to AND NOT ok;
END $$;
