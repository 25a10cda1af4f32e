--
-- paging_hdb: scans of date-partitioned tables (partition_column; the q
-- test server's stand-in for a kdb+ HDB) are read page by page: first the
-- row count of each partition (count i by date, all partitions for the
-- absolute row numbers and the pushed partition conditions for the ones
-- that qualify), then each qualifying partition whole when it fits into
-- a page, else in slices of absolute row numbers through .Q.ind.
--
\getenv qport QIPC_TEST_PORT

SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;

CREATE SERVER regress_pgh FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport', fetch_size '4');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_pgh;

-- fixture: test/fixtures/paging_hdb.q.  pgh_small has partitions of 2, 7,
-- 4 and 10 rows (2024-01-01, -02, -04, -05); -03 is empty for it
CREATE FOREIGN TABLE pgh_small (date date, id bigint, v bigint, sym text,
                                s text)
  SERVER regress_pgh OPTIONS (table 'pgh_small', partition_column 'date');
CREATE FOREIGN TABLE pgh_small0 (date date, id bigint, v bigint, sym text,
                                 s text)
  SERVER regress_pgh OPTIONS (table 'pgh_small', partition_column 'date',
                              fetch_size '0');

-- the stats of the last request on this connection
CREATE FUNCTION pgh_stats(OUT parts text, OUT rows text)
LANGUAGE sql AS $$
  SELECT qipc_exec('regress_pgh', '.qserver.stats[]`parts'),
         qipc_exec('regress_pgh', '.qserver.stats[]`rows')
$$;
-- EXPLAIN ANALYZE with what differs between PostgreSQL versions masked
CREATE FUNCTION pgh_explain(q text) RETURNS SETOF text
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
-- requests sent on the connection since :req0
CREATE FUNCTION pgh_requests() RETURNS bigint
LANGUAGE sql AS $$
  SELECT requests FROM qipc_fdw_get_connections()
   WHERE server_name = 'regress_pgh'
$$;

-- ===================================================================
-- the plan: Paging names the partition-by-partition reading; fetch_size
-- 0 is one result
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM pgh_small;
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM pgh_small0;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id, s FROM pgh_small WHERE date >= '2024-01-02' AND v > 30;

-- every row, in partition order, as the one-result scan returns them
SELECT * FROM pgh_small;
SELECT count(*) AS differences FROM (
  (SELECT * FROM pgh_small EXCEPT ALL SELECT * FROM pgh_small0)
  UNION ALL
  (SELECT * FROM pgh_small0 EXCEPT ALL SELECT * FROM pgh_small)) d;
SELECT array_agg(id) = (SELECT array_agg(id) FROM pgh_small0) AS same_order
  FROM pgh_small;

-- pages: 2 (whole) + 7 (4 + 3 by .Q.ind) + 4 (whole) + 10 (4 + 4 + 2)
SELECT pgh_explain('SELECT id FROM pgh_small');
-- the last page is rows 21..22 of 2024-01-05 through .Q.ind: two rows of
-- each column read, one partition visited
SELECT * FROM pgh_stats();

-- ===================================================================
-- pruning: the partition conditions pick the partitions; only those are
-- counted into pages and visited
-- ===================================================================
SELECT pgh_explain('SELECT id, v FROM pgh_small WHERE date = ''2024-01-04''');
SELECT * FROM pgh_stats();
SELECT id, v, s FROM pgh_small
 WHERE date >= '2024-01-02' AND date <= '2024-01-04' AND v > 30;
SELECT pgh_explain('SELECT id FROM pgh_small WHERE date >= ''2024-01-02'' AND date <= ''2024-01-04'' AND v > 30');
-- an empty partition, a date with no partition: no page at all
SELECT pgh_explain('SELECT id FROM pgh_small WHERE date = ''2024-01-03''');
SELECT pgh_explain('SELECT id FROM pgh_small WHERE date > ''2024-01-05''');
-- conditions on other columns only: every partition; pages the
-- conditions empty are skipped
SELECT id, sym FROM pgh_small WHERE sym = 'b' AND v >= 100;
-- a parameter in the partition condition (generic plan)
PREPARE pgh_p(date) AS SELECT id FROM pgh_small WHERE date >= $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pgh_p('2024-01-04');
EXECUTE pgh_p('2024-01-04');
EXECUTE pgh_p('2024-01-05');
-- the plain (within;`date;(a0;0Wd)) of a custom plan: only the
-- qualifying partitions are paged (4 rows of 2024-01-04 and 10 of -05)
SELECT pgh_explain('EXECUTE pgh_p(''2024-01-04'')');
SELECT * FROM pgh_stats();
EXECUTE pgh_p('2024-01-06');
-- NULL: no row, as locally, and no request (the FDW knows it when it
-- binds the parameters)
SELECT pgh_requests() AS req0 \gset
EXECUTE pgh_p(NULL);
SELECT pgh_requests() - :req0 AS requests;
SELECT count(*) FROM pgh_small0 WHERE date >= NULL;
RESET plan_cache_mode;
DEALLOCATE pgh_p;

-- one request for the partition counts, then one per page
SELECT pgh_requests() AS req0 \gset
SELECT sum(id) FROM (SELECT id FROM pgh_small
                       WHERE date >= '2024-01-04' OFFSET 0) s;
SELECT pgh_requests() - :req0 AS requests;

-- ===================================================================
-- cursors, LIMIT above the scan, rescans
-- ===================================================================
BEGIN;
DECLARE pgh_c CURSOR FOR SELECT id FROM pgh_small;
FETCH 3 FROM pgh_c;
FETCH 9 FROM pgh_c;
FETCH ALL FROM pgh_c;
CLOSE pgh_c;
DECLARE pgh_s SCROLL CURSOR FOR SELECT id, date FROM pgh_small;
FETCH 6 FROM pgh_s;
FETCH BACKWARD 3 FROM pgh_s;
FETCH ABSOLUTE 20 FROM pgh_s;
COMMIT;

-- a scan ended early drops the page in flight; the connection stays
SELECT connected_since AS since0, reconnects AS rec0
  FROM qipc_fdw_get_connections() WHERE server_name = 'regress_pgh' \gset
SELECT id FROM (SELECT id FROM pgh_small OFFSET 0) s LIMIT 5;
BEGIN;
DECLARE pgh_e CURSOR FOR SELECT id FROM pgh_small;
FETCH 1 FROM pgh_e;
CLOSE pgh_e;
COMMIT;
SELECT count(*) FROM pgh_small;
SELECT connected_since = :'since0' AS same_connection,
       reconnects = :rec0 AS no_reconnect
  FROM qipc_fdw_get_connections() WHERE server_name = 'regress_pgh';

-- rescans: the inner scan of a nested loop starts again from the counts
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_material = off;
SET qipc_fdw.enable_bind_join = off;
SELECT a.id, b.id FROM pgh_small a JOIN pgh_small b ON b.id = a.id * 10
 WHERE a.date = '2024-01-01' ORDER BY 1;
SELECT x, (SELECT count(*) FROM pgh_small WHERE v > x) AS n
  FROM generate_series(0, 200, 50) AS x;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_material;
RESET qipc_fdw.enable_bind_join;

-- async Append: two paged scans of the table take turns on the connection
CREATE FOREIGN TABLE pgh_small_async (date date, id bigint, v bigint,
                                      sym text, s text)
  SERVER regress_pgh OPTIONS (table 'pgh_small', partition_column 'date',
                              async_capable 'true');
EXPLAIN (COSTS OFF)
  SELECT id FROM pgh_small_async WHERE date <= '2024-01-02'
  UNION ALL
  SELECT id FROM pgh_small_async WHERE date >= '2024-01-04';
SELECT count(id), sum(id) FROM (
  SELECT id FROM pgh_small_async WHERE date <= '2024-01-02'
  UNION ALL
  SELECT id FROM pgh_small_async WHERE date >= '2024-01-04') u;

-- ===================================================================
-- fetch_bytes: wide rows (about 1 KB) under a 150 kB max_message_size.
-- The partition of 500 rows is sliced by .Q.ind while the page size is
-- being learnt (first page 100 rows), then pages of about 100 rows
-- ===================================================================
SELECT qipc_exec('regress_pgh', '.pgh.wide[]') AS made;
CREATE SERVER regress_pgh_wide FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport', max_message_size '150kB');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_pgh_wide;
CREATE FOREIGN TABLE pgh_wide (date date, id bigint, s text)
  SERVER regress_pgh_wide OPTIONS (table 'pgh_wide', partition_column 'date');
SET qipc_fdw.enable_pushdown = off;
SELECT count(s) FROM pgh_wide;                           -- ERROR
ALTER FOREIGN TABLE pgh_wide OPTIONS (ADD fetch_bytes '100kB');
SELECT pgh_explain('SELECT date, id, s FROM pgh_wide');
SELECT date, count(s), sum(id), sum(length(s)) FROM pgh_wide GROUP BY date
 ORDER BY date;
RESET qipc_fdw.enable_pushdown;
SELECT qipc_exec('regress_pgh', 'pgh_wide::0#pgh_wide; 1b') AS dropped;
DROP SERVER regress_pgh_wide CASCADE;

-- ===================================================================
-- bounded memory: 5,000,000 rows in 5 partitions read with pages of
-- 100,000 rows (a partition of 1,000,000 rows is 10 .Q.ind slices); the
-- backend's peak memory (VmHWM) stays under 64 MB plus two pages, and the
-- rows sum to what q computes from its table
-- ===================================================================
CREATE FOREIGN TABLE pgh_big (date date, id bigint, qty int, px float8,
                              sym text)
  SERVER regress_pgh OPTIONS (table 'pgh_big', partition_column 'date',
                              fetch_size '100000');
SELECT qipc_exec('regress_pgh', '.pgh.make[5000000;5]') AS made;
SET qipc_fdw.enable_pushdown = off;
SET jit = off;
CREATE TEMP TABLE pgh_sums AS
  SELECT count(*) AS n, sum(id) AS sum_id, sum(qty) AS sum_qty,
         sum(px) AS sum_px, count(*) FILTER (WHERE sym = 'bb') AS n_bb
    FROM pgh_big;
RESET qipc_fdw.enable_pushdown;
SELECT n FROM pgh_sums;
SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s*(\d+)')::bigint
         < 64 * 1024 + 2 * 4 * 1024 AS peak_memory_bounded;
-- pushed partition condition: 3 partitions of 1,000,000 rows
CREATE TEMP TABLE pgh_sums2 AS
  SELECT count(*) AS n, sum(id) AS sum_id FROM pgh_big
   WHERE date >= '2024-01-03';
RESET jit;
SELECT s.n = (q->>0)::bigint AND s.sum_id = (q->>1)::numeric AND
       s.sum_qty = (q->>2)::bigint AND s.sum_px = (q->>3)::float8 AND
       s.n_bb = (q->>4)::bigint AND
       s2.n = (q->>5)::bigint AND s2.sum_id = (q->>6)::numeric
         AS checksum_matches
  FROM pgh_sums s, pgh_sums2 s2,
       qipc_exec('regress_pgh', '.pgh.sums[]') AS q;
-- a partition of 1,000,000 rows is 10 pages; the last one read 100,000
-- rows of each column (.Q.ind), and of date twice (the Where phrase)
SELECT pgh_explain('SELECT id FROM pgh_big WHERE date = ''2024-01-05''');
SELECT * FROM pgh_stats();

-- ===================================================================
-- statement_timeout and pg_cancel_backend in the middle of a paged scan
-- end it; the next query works
-- ===================================================================
SET qipc_fdw.enable_pushdown = off;
SET client_min_messages = warning;   -- the NOTICE depends on the moment
SET statement_timeout = '100ms';
SELECT count(sym), sum(id + qty), sum(px) FROM pgh_big;  -- ERROR
RESET statement_timeout;
RESET client_min_messages;
SELECT count(*) FROM pgh_small;

SELECT format('host=%s port=%s dbname=%s user=%s',
              split_part(current_setting('unix_socket_directories'), ',', 1),
              current_setting('port'), current_database(), current_user)
  AS connstr \gset
SELECT dblink_connect('pgh_victim', :'connstr');
SELECT pid AS victim_pid
  FROM dblink('pgh_victim', 'SELECT pg_backend_pid()') AS t(pid int) \gset
SELECT * FROM dblink('pgh_victim',
  'SET qipc_fdw.enable_pushdown = off') AS t(s text);
-- the victim scans pgh_big again and again (for at most 60 s), so the
-- cancel lands in a scan however fast one scan is
CREATE FUNCTION pgh_big_scans(OUT n bigint, OUT s numeric, OUT p float8)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  WHILE clock_timestamp() < t0 + interval '60 s' LOOP
    SELECT count(sym), sum(id + qty), sum(px) INTO n, s, p FROM pgh_big;
  END LOOP;
END $$;
SELECT dblink_send_query('pgh_victim', 'SELECT * FROM pgh_big_scans()');
CREATE FUNCTION pgh_cancel_scan(conn text, target int, OUT running bool,
                                OUT code text)
LANGUAGE plpgsql AS $$
BEGIN
  -- wait (up to 30 s) until the victim runs its scans, then give it 0.3 s
  -- to be in the middle of one
  FOR i IN 1..300 LOOP
    PERFORM pg_stat_clear_snapshot();
    running := EXISTS (SELECT 1 FROM pg_stat_activity
                        WHERE pid = target AND state = 'active'
                          AND query LIKE '%pgh_big%');
    EXIT WHEN running;
    PERFORM pg_sleep(0.1);
  END LOOP;
  PERFORM pg_sleep(0.3);
  PERFORM pg_cancel_backend(target);
  BEGIN
    PERFORM * FROM dblink_get_result(conn) AS t(n bigint, s numeric, p float8);
    code := '00000';
  EXCEPTION WHEN query_canceled OR others THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE;
  END;
END $$;
SELECT * FROM pgh_cancel_scan('pgh_victim', :victim_pid);
SELECT * FROM dblink_get_result('pgh_victim')
  AS t(n bigint, s numeric, p float8);
SELECT * FROM dblink('pgh_victim',
                     'SELECT count(*) FROM pgh_small') AS t(n bigint);
SELECT dblink_disconnect('pgh_victim');
RESET qipc_fdw.enable_pushdown;

SELECT qipc_exec('regress_pgh', '.pgh.drop[]') AS dropped;
DROP FUNCTION pgh_cancel_scan(text, int);
DROP FUNCTION pgh_big_scans();
DROP FUNCTION pgh_stats();
DROP FUNCTION pgh_explain(text);
DROP FUNCTION pgh_requests();
DROP EXTENSION dblink;
DROP SERVER regress_pgh CASCADE;
