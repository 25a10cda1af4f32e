--
-- paging: plain scans of named tables are read page by page (fetch_size
-- rows per request), cut from the row count taken when the scan starts,
-- with the next page requested before the current one is converted.
--
\getenv qport QIPC_TEST_PORT

-- dblink runs a second session (the cancel test); it may exist already
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;

CREATE SERVER regress_paging FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_paging;

-- ===================================================================
-- bounded memory: 20,000,000 rows x 5 columns (about 600 MB on the wire)
-- read with pages of 100,000 rows; the backend's peak memory (VmHWM, read
-- from its own /proc/self/status) stays under 64 MB plus two pages, and
-- the rows read sum to what q computes from its table
-- ===================================================================
CREATE FOREIGN TABLE regress_pg_big (id bigint, qty int, px float8, sym text,
                                     d date)
  SERVER regress_paging OPTIONS (table 'pg_big');
SELECT qipc_exec('regress_paging', '.paging.make[20000000]') AS made;
-- every row crosses the wire: no aggregate or condition is pushed; JIT
-- off (the planner sees 20,000,000 rows, q's count, and would compile the
-- aggregate, whose LLVM memory is no part of what is measured here)
SET qipc_fdw.enable_pushdown = off;
SET jit = off;
CREATE TEMP TABLE regress_pg_sums AS
  SELECT count(*) AS n, sum(id) AS sum_id, sum(qty) AS sum_qty,
         sum(px) AS sum_px, count(*) FILTER (WHERE sym = 'bb') AS n_bb
    FROM regress_pg_big;
RESET qipc_fdw.enable_pushdown;
RESET jit;
SELECT n FROM regress_pg_sums;
SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s*(\d+)')::bigint
         < 64 * 1024 + 2 * 4 * 1024 AS peak_memory_bounded;
-- q's own checksum of the same table
SELECT s.n = (q->>0)::bigint AND s.sum_id = (q->>1)::numeric AND
       s.sum_qty = (q->>2)::bigint AND s.sum_px = (q->>3)::float8 AND
       s.n_bb = (q->>4)::bigint AS checksum_matches
  FROM regress_pg_sums s,
       qipc_exec('regress_paging', '.paging.sums[]') AS q;

-- ===================================================================
-- fetch_size: server and table option, rows per page, 0 = one result
-- ===================================================================
CREATE SERVER regress_paging_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport', fetch_size '-1');                -- ERROR
CREATE SERVER regress_paging_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport', fetch_size 'many');              -- ERROR
CREATE SERVER regress_paging3 FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport', fetch_size '3');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_paging3;

-- pg_small has 10 rows: pages of 3 rows (the server's fetch_size)
CREATE FOREIGN TABLE regress_pg_small (id bigint, v bigint, s text)
  SERVER regress_paging3 OPTIONS (table 'pg_small');
CREATE FOREIGN TABLE regress_pg_small4 (id bigint, v bigint, s text)
  SERVER regress_paging3 OPTIONS (table 'pg_small', fetch_size '4');
CREATE FOREIGN TABLE regress_pg_small0 (id bigint, v bigint, s text)
  SERVER regress_paging3 OPTIONS (table 'pg_small', fetch_size '0');
CREATE FOREIGN TABLE regress_pg_keyed (k bigint, v text)
  SERVER regress_paging3 OPTIONS (table 'pg_keyed');
CREATE FOREIGN TABLE regress_pg_query (id bigint, v bigint)
  SERVER regress_paging3 OPTIONS (query 'select id, v from pg_small');

EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM regress_pg_small;
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM regress_pg_small4;
-- one result: fetch_size 0, the query option
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM regress_pg_small0;
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM regress_pg_query;
-- conditions are applied inside each page; the columns they read are
-- taken along (C#t) but not returned
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM regress_pg_small WHERE v > 25 AND s = 'a';

SELECT * FROM regress_pg_small;
SELECT * FROM regress_pg_small4 WHERE v > 25;
SELECT id FROM regress_pg_small WHERE v > 25 AND s = 'a';
SELECT * FROM regress_pg_small0;
SELECT * FROM regress_pg_keyed;
-- EXPLAIN ANALYZE with what differs between PostgreSQL versions masked
-- (18 prints "actual rows=10.00" and planning buffers); rows stay checked
CREATE FUNCTION regress_pg_explain(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q
	LOOP
		CONTINUE WHEN line ~ '^\s*(Planning:|Buffers:)';
		RETURN NEXT regexp_replace(line, 'rows=([0-9]+)\.00', 'rows=\1');
	END LOOP;
END
$$;
SELECT regress_pg_explain('SELECT * FROM regress_pg_small');
-- a page the conditions empty is skipped
SELECT regress_pg_explain('SELECT id FROM regress_pg_small WHERE id IN (0, 9)');
SELECT id FROM regress_pg_small WHERE id IN (0, 9);

-- ===================================================================
-- ORDER BY: without LIMIT on a table larger than a page, PostgreSQL sorts
-- (q would need the whole result in one message); with LIMIT q sorts
-- ===================================================================
ALTER FOREIGN TABLE regress_pg_small OPTIONS (ADD use_remote_estimate 'true');
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM regress_pg_small ORDER BY v DESC;
SELECT * FROM regress_pg_small ORDER BY v DESC;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT * FROM regress_pg_small ORDER BY v DESC LIMIT 2;
SELECT * FROM regress_pg_small ORDER BY v DESC LIMIT 2;
ALTER FOREIGN TABLE regress_pg_small OPTIONS (DROP use_remote_estimate);

-- ===================================================================
-- a consistent snapshot: rows appended during the scan are not seen
-- ===================================================================
BEGIN;
DECLARE regress_c CURSOR FOR SELECT id FROM regress_pg_small;
FETCH 4 FROM regress_c;
SELECT qipc_exec('regress_paging',
                 '`pg_small insert (10 11;100 110;`d`e); count pg_small') AS rows_now;
FETCH ALL FROM regress_c;
CLOSE regress_c;
COMMIT;
SELECT count(*) FROM regress_pg_small;
SELECT qipc_exec('regress_paging', 'pg_small::10#pg_small; count pg_small') AS rows_now;

-- ===================================================================
-- cursors: SCROLL (PostgreSQL materializes backward fetches), WITH HOLD
-- ===================================================================
BEGIN;
DECLARE regress_s SCROLL CURSOR FOR SELECT id FROM regress_pg_small;
FETCH 5 FROM regress_s;
FETCH BACKWARD 2 FROM regress_s;
FETCH ABSOLUTE 9 FROM regress_s;
FETCH FIRST FROM regress_s;
COMMIT;
BEGIN;
DECLARE regress_h CURSOR WITH HOLD FOR SELECT id, s FROM regress_pg_small;
FETCH 2 FROM regress_h;
COMMIT;
FETCH ALL FROM regress_h;
CLOSE regress_h;

-- ===================================================================
-- a scan ended early (LIMIT above it, a cursor closed) drops the page in
-- flight and leaves the connection usable: no reconnection follows
-- ===================================================================
SELECT connected_since AS since0, reconnects AS rec0, requests AS req0
  FROM qipc_fdw_get_connections() WHERE server_name = 'regress_paging3' \gset
SELECT id FROM (SELECT id FROM regress_pg_small OFFSET 0) s LIMIT 4;
BEGIN;
DECLARE regress_e CURSOR FOR SELECT id FROM regress_pg_small;
FETCH 1 FROM regress_e;
CLOSE regress_e;
COMMIT;
SELECT count(*) FROM regress_pg_small;
SELECT connected_since = :'since0' AS same_connection,
       reconnects = :rec0 AS no_reconnect,
       requests - :req0 AS requests
  FROM qipc_fdw_get_connections() WHERE server_name = 'regress_paging3';

-- ===================================================================
-- rescans and two paged scans on one connection: the outer scan's page
-- in flight is kept for it while the inner scan runs
-- ===================================================================
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_material = off;
SET qipc_fdw.enable_bind_join = off;  -- a nested loop, not a bind join
EXPLAIN (COSTS OFF)
  SELECT a.id, b.id FROM regress_pg_small a JOIN regress_pg_small4 b
    ON a.id = b.id + 1;
SELECT a.id, b.id FROM regress_pg_small a JOIN regress_pg_small4 b
  ON a.id = b.id + 1 ORDER BY 1;
SELECT x, (SELECT count(*) FROM regress_pg_small WHERE v > x) AS n
  FROM generate_series(0, 90, 30) AS x;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_material;
RESET qipc_fdw.enable_bind_join;

-- parameterized: a generic plan sends the parameter with every page
PREPARE regress_p(bigint) AS SELECT id FROM regress_pg_small WHERE v > $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE regress_p(45);
EXECUTE regress_p(45);
EXECUTE regress_p(-1);
RESET plan_cache_mode;
DEALLOCATE regress_p;

-- ===================================================================
-- max_message_size applies to each page: a page over it is 54000, with a
-- hint to lower fetch_size
-- ===================================================================
CREATE SERVER regress_paging_small FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport', max_message_size '150');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_paging_small;
CREATE FOREIGN TABLE regress_pg_limit (id bigint, v bigint, s text)
  SERVER regress_paging_small OPTIONS (table 'pg_small');
\set VERBOSITY default
SELECT id, s FROM regress_pg_limit;                      -- ERROR
ALTER FOREIGN TABLE regress_pg_limit OPTIONS (ADD fetch_size '2');
SELECT id, s FROM regress_pg_limit;

-- ===================================================================
-- fetch_bytes: pages sized in bytes for wide rows.  The first page asks
-- for at most 100 rows, each next one for as many rows as fit into
-- fetch_bytes at the bytes per row of the page before (at most
-- fetch_size).  2000 rows of about 1 KB: over a 150 kB max_message_size
-- a page of fetch_size rows fails; with fetch_bytes 100kB pages of 100
-- rows pass
-- ===================================================================
SELECT qipc_exec('regress_paging', '.paging.wide[]') AS made;
CREATE SERVER regress_paging_wide FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport', max_message_size '150kB');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_paging_wide;
CREATE FOREIGN TABLE regress_pg_wide (id bigint, s text)
  SERVER regress_paging_wide OPTIONS (table 'pg_wide');
SET qipc_fdw.enable_pushdown = off;
SELECT count(s) FROM regress_pg_wide;                    -- ERROR
ALTER FOREIGN TABLE regress_pg_wide OPTIONS (ADD fetch_bytes '100kB');
SELECT regress_pg_explain('SELECT id, s FROM regress_pg_wide');
SELECT count(s), sum(id), sum(length(s)) FROM regress_pg_wide;
RESET qipc_fdw.enable_pushdown;
-- bytes are a bound on top of fetch_size: pages of the id column alone
-- are small, so fetch_size (30 rows) is the bound
ALTER FOREIGN TABLE regress_pg_wide OPTIONS (ADD fetch_size '30');
SELECT regress_pg_explain('SELECT id FROM regress_pg_wide WHERE id < 100');
CREATE SERVER regress_paging_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport', fetch_bytes '8');                -- ERROR
SELECT qipc_exec('regress_paging', 'pg_wide::0#pg_wide; 1b') AS dropped;
DROP SERVER regress_paging_wide CASCADE;

-- ===================================================================
-- statement_timeout between or inside pages ends the scan; the next
-- query works (a connection left in the middle of a request is replaced)
-- ===================================================================
SET qipc_fdw.enable_pushdown = off;
SET client_min_messages = warning;   -- the NOTICE depends on the moment
SET statement_timeout = '300ms';
SELECT count(*) FROM regress_pg_big;                     -- ERROR
RESET statement_timeout;
RESET client_min_messages;
SELECT count(*) FROM regress_pg_small;

-- pg_cancel_backend of a session in the middle of a paged scan
SELECT format('host=%s port=%s dbname=%s user=%s',
              split_part(current_setting('unix_socket_directories'), ',', 1),
              current_setting('port'), current_database(), current_user)
  AS connstr \gset
SELECT dblink_connect('regress_victim', :'connstr');
SELECT pid AS victim_pid
  FROM dblink('regress_victim', 'SELECT pg_backend_pid()') AS t(pid int) \gset
SELECT * FROM dblink('regress_victim',
  'SET qipc_fdw.enable_pushdown = off') AS t(s text);
-- the victim scans regress_pg_big again and again (for at most 60 s), so
-- the cancel lands in a scan however fast one scan is
CREATE FUNCTION regress_pg_big_scans(OUT n bigint)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  WHILE clock_timestamp() < t0 + interval '60 s' LOOP
    SELECT count(*) INTO n FROM regress_pg_big;
  END LOOP;
END $$;
SELECT dblink_send_query('regress_victim', 'SELECT * FROM regress_pg_big_scans()');
CREATE FUNCTION regress_cancel_scan(conn text, target int,
                                    OUT running bool, OUT code text,
                                    OUT prompt bool)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
BEGIN
  -- wait (up to 30 s) until the victim runs its scans, then give it 0.3 s
  -- to be in the middle of one: a cancel sent before the query starts
  -- would be lost
  FOR i IN 1..300 LOOP
    PERFORM pg_stat_clear_snapshot();
    running := EXISTS (SELECT 1 FROM pg_stat_activity
                        WHERE pid = target AND state = 'active'
                          AND query LIKE '%regress_pg_big%');
    EXIT WHEN running;
    PERFORM pg_sleep(0.1);
  END LOOP;
  PERFORM pg_sleep(0.3);
  t0 := clock_timestamp();
  PERFORM pg_cancel_backend(target);
  BEGIN
    PERFORM * FROM dblink_get_result(conn) AS t(n bigint);
    code := '00000';
  EXCEPTION WHEN query_canceled OR others THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE;
  END;
  prompt := clock_timestamp() - t0 < interval '2 s';
END $$;
SELECT * FROM regress_cancel_scan('regress_victim', :victim_pid);
SELECT * FROM dblink_get_result('regress_victim') AS t(n bigint);
SELECT * FROM dblink('regress_victim',
                     'SELECT count(*) FROM regress_pg_small') AS t(n bigint);
SELECT dblink_disconnect('regress_victim');
RESET qipc_fdw.enable_pushdown;

SELECT qipc_exec('regress_paging', '.paging.drop[]') AS dropped;
DROP FUNCTION regress_cancel_scan(text, int);
DROP FUNCTION regress_pg_big_scans();
DROP EXTENSION dblink;
DROP SERVER regress_paging CASCADE;
DROP SERVER regress_paging3 CASCADE;
DROP SERVER regress_paging_small CASCADE;
DROP FUNCTION regress_pg_explain(text);
