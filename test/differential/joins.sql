--
-- test/differential/joins.sql
--	Differential test of the bind join (src/bindjoin.c): random joins
--	between a local table of outer keys and the foreign table jd_ft
--	(test/fixtures/joins.q, 50000 rows), and GROUP BY queries over such
--	joins (inner and left: the aggregate pushed into the bind join where
--	the shape allows), with keys of the same type or of two integer
--	widths, each run with the bind join forced (PostgreSQL's own join
--	methods disabled) and with it turned off; the results must be equal as
--	multisets.  Run by run_join_differential.sh; psql variable qport: the
--	q test server's port.
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
CREATE FOREIGN TABLE jd_ft (id bigint, s text, k bigint, e text, v bigint,
  i integer)
  SERVER jd_server OPTIONS (table 'jd_t', bind_join_batch '1000');

CREATE TABLE jd_results (seed int, k int, kind text, nkeys int, batch int,
  sql text, bind_used bool, requests bigint, max_requests bigint,
  nrows bigint, ok bool, detail text, agg_pushed bool);

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
  groupcols text;
  outercols text;
  tcols text;
  aggs text;
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
  aggpushed bool;
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
    -- k4 and k2: keys of narrower types than the foreign k; some k beyond
    -- the range of the foreign integer i
    CREATE TEMP TABLE jd_o (s text, k bigint, e text, x bigint, k4 integer,
      k2 smallint);
    INSERT INTO jd_o
      SELECT CASE WHEN random() < 0.05 THEN NULL ELSE 'k' || floor(random() * 1800)::int END,
             CASE WHEN random() < 0.05 THEN NULL
                  WHEN random() < 0.03 THEN 4294967296 + floor(random() * 900)::bigint
                  ELSE floor(random() * 900)::bigint END,
             CASE WHEN random() < 0.05 THEN NULL ELSE jd_pick(ARRAY['a','b','c','d','z']) END,
             floor(random() * 1000)::bigint,
             CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 900)::int END,
             CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 900)::smallint END
      FROM generate_series(1, nkeys);
    ANALYZE jd_o;

    -- the keys: single or composite
    -- k4, k2: t.k = o.k4, t.k = o.k2; i: t.i = o.k (integer = bigint)
    keycols := string_to_array(jd_pick(ARRAY['s', 'k', 's,k', 's,e', 'k,e', 's,k,e',
                                             'k4', 'k2', 'i', 's,k4', 'i,e']), ',');
    SELECT string_agg(CASE c WHEN 'k4' THEN 't.k = o.k4' WHEN 'k2' THEN 't.k = o.k2'
                             WHEN 'i' THEN 't.i = o.k'
                             ELSE format('t.%1$s = o.%1$s', c) END, ' AND '),
           string_agg(CASE WHEN c IN ('k4', 'k2') THEN 't.k' ELSE 't.' || c END, ', '),
           string_agg(CASE c WHEN 'k4' THEN 'o.k4' WHEN 'k2' THEN 'o.k2' WHEN 'i' THEN 'o.k'
                             ELSE 'o.' || c END, ', ')
      INTO keys, groupcols, outercols
      FROM unnest(keycols) c;
    -- a join qual that is not a key, a condition of the foreign table
    -- (pushed to q, or not)
    extra := jd_pick(ARRAY['', '', ' AND t.v > o.x', ' AND t.v + o.x < 900']);
    ftcond := jd_pick(ARRAY['', '', 't.v < 500', 't.id % 3 = 1', 't.e <> ''b''']);
    cond := keys || extra || CASE WHEN ftcond <> '' THEN ' AND ' || ftcond ELSE '' END;
    kind := jd_pick(ARRAY['inner', 'left', 'semi', 'anti', 'agg', 'leftagg', 'inagg']);
    -- mostly keys alone for the aggregates (other quals keep them local)
    IF kind LIKE '%agg' AND random() < 0.7 THEN
      cond := keys || CASE WHEN ftcond <> '' THEN ' AND ' || ftcond ELSE '' END;
    END IF;
    tcols := groupcols;
    -- GROUP BY: the foreign key columns (maybe another column too), and
    -- aggregates of the foreign table (avg does not scale by a key's
    -- multiplicity: pushed only for unique outer keys)
    IF random() < 0.3 AND groupcols NOT LIKE '%t.e%' THEN
      groupcols := groupcols || ', t.e';
    END IF;
    SELECT string_agg(a, ', ') INTO aggs FROM unnest(ARRAY[
      'count(*) AS n', 'count(t.v) AS nv', 'sum(t.v) AS sv', 'min(t.id) AS mi',
      'max(t.v) AS xv', 'sum(t.i) AS si', 'count(DISTINCT t.e) AS de',
      'avg(t.v) AS av']) a WHERE random() < 0.4;
    -- max of text is computed locally: no pushed aggregate
    IF random() < 0.1 THEN aggs := aggs || ', max(t.s) AS xs'; END IF;
    aggs := coalesce(aggs || ', ', '') || 'count(*) AS n0';

    sql := CASE kind
      WHEN 'inner' THEN 'SELECT o.*, t.id, t.v FROM jd_o o JOIN jd_ft t ON ' || cond
      WHEN 'left' THEN 'SELECT o.*, t.id, t.v FROM jd_o o LEFT JOIN jd_ft t ON ' || cond
      WHEN 'semi' THEN 'SELECT o.* FROM jd_o o WHERE EXISTS (SELECT 1 FROM jd_ft t WHERE ' || cond || ')'
      WHEN 'agg' THEN 'SELECT ' || groupcols || ', ' || aggs || ' FROM jd_o o JOIN jd_ft t ON ' || cond || ' GROUP BY ' || groupcols
      WHEN 'leftagg' THEN 'SELECT ' || groupcols || ', ' || aggs || ' FROM jd_o o LEFT JOIN jd_ft t ON ' || cond || ' GROUP BY ' || groupcols
      -- the outer keys made unique (IN): avg is pushed too
      WHEN 'inagg' THEN 'SELECT ' || groupcols || ', ' || aggs || ' FROM jd_ft t WHERE (' || tcols || ') IN (SELECT ' || outercols || ' FROM jd_o o)' || CASE WHEN ftcond <> '' THEN ' AND ' || ftcond ELSE '' END || ' GROUP BY ' || groupcols
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
    aggpushed := plan ~ 'QipcBindJoinAggregate';
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
               used AND on_n = off_n AND on_h = off_h AND reqs <= maxreq, NULL,
               aggpushed);
    IF NOT res.ok THEN
      res.detail := format(E'MISMATCH seed %s query %s (%s, %s outer rows, batch %s): %s\n  bind join %s: %s rows (%s), %s requests (at most %s)\n  without: %s rows (%s)\n%s',
        p_seed, k, kind, nkeys, batch, sql, CASE WHEN used THEN 'used' ELSE 'NOT USED' END,
        on_n, on_h, reqs, maxreq, off_n, off_h, plan);
      RETURN NEXT res;
    END IF;
    INSERT INTO jd_results SELECT res.*;
  END LOOP;
END $$;
