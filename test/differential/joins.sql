--
-- test/differential/joins.sql
--	Differential test of the bind join (src/bindjoin.c): random joins
--	between a local table of outer keys and the foreign table jd_ft
--	(test/fixtures/joins.q, 50000 rows), each run with the bind join forced
--	(PostgreSQL's own join methods disabled) and with it turned off; the
--	results must be equal as multisets.  Run by run_join_differential.sh;
--	psql variable qport: the q test server's port.
--
-- Each query is drawn from setseed() of (seed, k) alone, so one failing
-- query can be rerun by itself: SELECT * FROM jd_run(SEED, K, K).
--
SET client_min_messages = warning;
DROP SERVER IF EXISTS jd_server CASCADE;
DROP TABLE IF EXISTS jd_results CASCADE;
DROP FUNCTION IF EXISTS jd_requests(), jd_pick(text[]);
RESET client_min_messages;
CREATE SERVER jd_server FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER jd_server;
CREATE FOREIGN TABLE jd_ft (id bigint, s text, k bigint, e text, v bigint)
  SERVER jd_server OPTIONS (table 'jd_t', bind_join_batch '1000');

CREATE TABLE jd_results (seed int, k int, kind text, nkeys int, batch int,
  sql text, bind_used bool, requests bigint, max_requests bigint,
  nrows bigint, ok bool, detail text);

CREATE FUNCTION jd_requests() RETURNS bigint LANGUAGE sql AS $$
  SELECT coalesce(sum(requests), 0)::bigint FROM qipc_fdw_get_connections()
  WHERE server_name = 'jd_server'
$$;

-- one random element of a text array
CREATE FUNCTION jd_pick(a text[]) RETURNS text LANGUAGE sql AS $$
  SELECT a[1 + floor(random() * array_length(a, 1))::int]
$$;

--
-- jd_run(seed, from, to): run queries from..to of seed, record them in
-- jd_results, return the failures.
--
CREATE FUNCTION jd_run(p_seed int, p_from int, p_to int)
RETURNS SETOF jd_results LANGUAGE plpgsql AS $$
DECLARE
  k int;
  nkeys int;
  batch int;
  kind text;
  keys text;
  keycols text[];
  cond text;
  extra text;
  ftcond text;
  sql text;
  plan text;
  r record;
  r0 bigint;
  reqs bigint;
  maxreq bigint;
  on_n bigint;
  on_h text;
  off_n bigint;
  off_h text;
  used bool;
  res jd_results;
BEGIN
  FOR k IN p_from .. p_to LOOP
    PERFORM setseed(((p_seed * 7919 + k) % 100000) / 100000.0 - 0.5);
    -- the outer side: 0 to 10000 rows, duplicate and NULL keys, keys the
    -- foreign table lacks (k1500.., 700..)
    nkeys := (ARRAY[0, 1, 2, 10, 100, 1000, 3000, 10000])[1 + floor(random() * 8)::int];
    IF random() < 0.3 THEN nkeys := floor(random() * (nkeys + 1))::int; END IF;
    SET LOCAL client_min_messages = warning;
    DROP TABLE IF EXISTS jd_o;
    CREATE TEMP TABLE jd_o (s text, k bigint, e text, x bigint);
    INSERT INTO jd_o
      SELECT CASE WHEN random() < 0.05 THEN NULL ELSE 'k' || floor(random() * 1800)::int END,
             CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 900)::bigint END,
             CASE WHEN random() < 0.05 THEN NULL ELSE jd_pick(ARRAY['a','b','c','d','z']) END,
             floor(random() * 1000)::bigint
      FROM generate_series(1, nkeys);
    ANALYZE jd_o;

    -- the keys: single or composite
    keycols := string_to_array(jd_pick(ARRAY['s', 'k', 's,k', 's,e', 'k,e', 's,k,e']), ',');
    SELECT string_agg(format('t.%1$s = o.%1$s', c), ' AND ') INTO keys
      FROM unnest(keycols) c;
    -- a join qual that is not a key, a condition of the foreign table
    -- (pushed to q, or not)
    extra := jd_pick(ARRAY['', '', ' AND t.v > o.x', ' AND t.v + o.x < 900']);
    ftcond := jd_pick(ARRAY['', '', 't.v < 500', 't.id % 3 = 1', 't.e <> ''b''']);
    cond := keys || extra || CASE WHEN ftcond <> '' THEN ' AND ' || ftcond ELSE '' END;
    kind := jd_pick(ARRAY['inner', 'left', 'semi', 'anti']);
    sql := CASE kind
      WHEN 'inner' THEN 'SELECT o.*, t.id, t.v FROM jd_o o JOIN jd_ft t ON ' || cond
      WHEN 'left' THEN 'SELECT o.*, t.id, t.v FROM jd_o o LEFT JOIN jd_ft t ON ' || cond
      WHEN 'semi' THEN 'SELECT o.* FROM jd_o o WHERE EXISTS (SELECT 1 FROM jd_ft t WHERE ' || cond || ')'
      ELSE 'SELECT o.* FROM jd_o o WHERE NOT EXISTS (SELECT 1 FROM jd_ft t WHERE ' || cond || ')'
    END;
    batch := (ARRAY[1, 7, 100, 1000, 10000])[1 + floor(random() * 5)::int];
    IF batch = 1 AND nkeys > 100 THEN batch := 997; END IF;
    EXECUTE format('ALTER FOREIGN TABLE jd_ft OPTIONS (SET bind_join_batch %L)', batch);

    -- bind join, forced
    PERFORM set_config('qipc_fdw.enable_bind_join', 'on', true);
    PERFORM set_config('enable_hashjoin', 'off', true);
    PERFORM set_config('enable_mergejoin', 'off', true);
    PERFORM set_config('enable_nestloop', 'off', true);
    plan := '';
    FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || sql LOOP
      plan := plan || r."QUERY PLAN" || E'\n';
    END LOOP;
    used := plan ~ 'QipcBindJoin';
    r0 := jd_requests();
    EXECUTE format('SELECT count(*), md5(coalesce(string_agg(x::text, %L ORDER BY x::text), %L)) FROM (%s) x',
                   E'\n', '', sql) INTO on_n, on_h;
    reqs := jd_requests() - r0;
    -- PostgreSQL's own joins
    PERFORM set_config('qipc_fdw.enable_bind_join', 'off', true);
    PERFORM set_config('enable_hashjoin', 'on', true);
    PERFORM set_config('enable_mergejoin', 'on', true);
    PERFORM set_config('enable_nestloop', 'on', true);
    EXECUTE format('SELECT count(*), md5(coalesce(string_agg(x::text, %L ORDER BY x::text), %L)) FROM (%s) x',
                   E'\n', '', sql) INTO off_n, off_h;
    PERFORM set_config('qipc_fdw.enable_bind_join', 'on', true);

    -- requests: a batch ends after bind_join_batch distinct keys, so
    -- every request but the last stands for at least that many outer rows
    maxreq := ceil(nkeys::numeric / batch);

    res := ROW(p_seed, k, kind, nkeys, batch, sql, used, reqs, maxreq, on_n,
               used AND on_n = off_n AND on_h = off_h AND reqs <= maxreq, NULL);
    IF NOT res.ok THEN
      res.detail := format(E'MISMATCH seed %s query %s (%s, %s outer rows, batch %s): %s\n  bind join %s: %s rows (%s), %s requests (at most %s)\n  without: %s rows (%s)\n%s',
        p_seed, k, kind, nkeys, batch, sql, CASE WHEN used THEN 'used' ELSE 'NOT USED' END,
        on_n, on_h, reqs, maxreq, off_n, off_h, plan);
      RETURN NEXT res;
    END IF;
    INSERT INTO jd_results SELECT res.*;
  END LOOP;
END $$;
