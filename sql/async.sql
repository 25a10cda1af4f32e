--
-- async: asynchronous execution (Async Append) of foreign partitions on
-- several q servers.  Three q test servers (the plain one and two more that
-- test/run_regress.sh starts for this suite) each hold three shards
-- (test/fixtures/async.q) and say which server they are (at_server).
--
-- Elapsed times: each server delays its answer by 1000 ms; concurrently the
-- three take about 1000 ms, one after another 3000 ms or more.  The bound
-- checked (2000 ms) leaves 1000 ms for the rest of the query; the sequential
-- run can only be slower than 3000 ms.
--
\getenv qport1 QIPC_TEST_PORT
\getenv qport2 QIPC_TEST_ASYNC2_PORT
\getenv qport3 QIPC_TEST_ASYNC3_PORT

CREATE SERVER regress_async1 FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport1', async_capable 'true');
CREATE SERVER regress_async2 FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport2', async_capable 'true');
CREATE SERVER regress_async3 FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport3', async_capable 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_async1;
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_async2;
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_async3;

-- option validation
CREATE SERVER regress_async_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (async_capable 'maybe');

-- which server answers: 1, 2, 3
CREATE FOREIGN TABLE regress_async_who1 (server bigint) SERVER regress_async1
  OPTIONS (query '([] server:enlist at_server)');
CREATE FOREIGN TABLE regress_async_who2 (server bigint) SERVER regress_async2
  OPTIONS (query '([] server:enlist at_server)');
CREATE FOREIGN TABLE regress_async_who3 (server bigint) SERVER regress_async3
  OPTIONS (query '([] server:enlist at_server)');
SELECT * FROM regress_async_who1 UNION ALL SELECT * FROM regress_async_who2
  UNION ALL SELECT * FROM regress_async_who3 ORDER BY 1;

-- a table sharded by sym over the three servers (list partitions)
CREATE TABLE regress_async_trade (d date, sym text, qty bigint, px float8)
  PARTITION BY LIST (sym);
CREATE FOREIGN TABLE regress_async_s1 PARTITION OF regress_async_trade
  FOR VALUES IN ('aa', 'ab', 'ac') SERVER regress_async1
  OPTIONS (table 'at_shard1');
CREATE FOREIGN TABLE regress_async_s2 PARTITION OF regress_async_trade
  FOR VALUES IN ('ba', 'bb', 'bc') SERVER regress_async2
  OPTIONS (table 'at_shard2');
CREATE FOREIGN TABLE regress_async_s3 PARTITION OF regress_async_trade
  FOR VALUES IN ('ca', 'cb', 'cc') SERVER regress_async3
  OPTIONS (table 'at_shard3');

-- the same rows in a local table, to compare with
CREATE TABLE regress_async_local AS SELECT * FROM regress_async_trade;
SELECT count(*), sum(qty), sum(px) FROM regress_async_local;

EXPLAIN (COSTS OFF) SELECT * FROM regress_async_trade;
-- conditions are pushed to every partition (no Filter line)
EXPLAIN (COSTS OFF)
  SELECT sym, qty FROM regress_async_trade WHERE qty > 250 AND d = '2024-01-02';

-- the same answers as the local copy: all rows, pushed conditions, and
-- partition pruning (one partition: no Append at all)
SELECT (SELECT count(*) FROM (SELECT * FROM regress_async_trade
          EXCEPT ALL SELECT * FROM regress_async_local) x) AS missing_locally,
       (SELECT count(*) FROM (SELECT * FROM regress_async_local
          EXCEPT ALL SELECT * FROM regress_async_trade) x) AS missing_remotely;
SELECT sym, qty FROM regress_async_trade
  WHERE qty > 250 AND d = '2024-01-02' ORDER BY sym, qty;
SELECT sym, qty FROM regress_async_local
  WHERE qty > 250 AND d = '2024-01-02' ORDER BY sym, qty;
EXPLAIN (COSTS OFF)
  SELECT * FROM regress_async_trade WHERE sym IN ('ba', 'ca');
EXPLAIN (COSTS OFF) SELECT * FROM regress_async_trade WHERE sym = 'bb';
SELECT sym, count(*), sum(qty) FROM regress_async_trade
  WHERE sym IN ('ab', 'bb', 'cb') GROUP BY sym ORDER BY sym;

-- paged scans under Async Append: 7 rows a page, pages of all three
-- servers interleave
ALTER SERVER regress_async1 OPTIONS (ADD fetch_size '7');
ALTER SERVER regress_async2 OPTIONS (ADD fetch_size '7');
ALTER SERVER regress_async3 OPTIONS (ADD fetch_size '7');
SELECT count(*), sum(qty), sum(px), count(DISTINCT sym) FROM regress_async_trade;
SELECT count(*), sum(qty) FROM regress_async_trade WHERE px > 10;
SELECT count(*), sum(qty) FROM regress_async_local WHERE px > 10;
-- LIMIT ends the scans early: their outstanding pages are read and dropped,
-- and the connections carry the next query
SELECT count(*) FROM (SELECT * FROM regress_async_trade LIMIT 5) x;
SELECT count(*) FROM regress_async_trade;

-- two partitions on one server share its connection and take turns: a
-- UNION ALL of the table with itself is one Append of six async scans,
-- two per connection, paged
SELECT count(*), sum(qty) FROM
  (SELECT qty FROM regress_async_trade UNION ALL
   SELECT qty FROM regress_async_trade) x;
-- and two Appends over the same connections, read in turns (nested loop)
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT count(*) FROM regress_async_trade a JOIN regress_async_trade b
  ON a.sym = b.sym AND a.qty = b.qty;
RESET enable_hashjoin;
RESET enable_mergejoin;
ALTER SERVER regress_async1 OPTIONS (DROP fetch_size);
ALTER SERVER regress_async2 OPTIONS (DROP fetch_size);
ALTER SERVER regress_async3 OPTIONS (DROP fetch_size);

-- each server delays its answer by 1000 ms
CREATE TABLE regress_async_slow (who bigint, n bigint) PARTITION BY LIST (who);
CREATE FOREIGN TABLE regress_async_slow1 PARTITION OF regress_async_slow
  FOR VALUES IN (1) SERVER regress_async1
  OPTIONS (query '.qserver.sleep[1000]; ([] who:enlist at_server; n:enlist count at_shard1)');
CREATE FOREIGN TABLE regress_async_slow2 PARTITION OF regress_async_slow
  FOR VALUES IN (2) SERVER regress_async2
  OPTIONS (query '.qserver.sleep[1000]; ([] who:enlist at_server; n:enlist count at_shard2)');
CREATE FOREIGN TABLE regress_async_slow3 PARTITION OF regress_async_slow
  FOR VALUES IN (3) SERVER regress_async3
  OPTIONS (query '.qserver.sleep[1000]; ([] who:enlist at_server; n:enlist count at_shard3)');
EXPLAIN (COSTS OFF) SELECT * FROM regress_async_slow;
-- connections are open already (the queries above): only the requests count
SELECT clock_timestamp() AS t0 \gset
SELECT * FROM regress_async_slow ORDER BY who;
SELECT clock_timestamp() - :'t0'::timestamptz < interval '2000 ms' AS "elapsed < 2000ms";

-- async_capable off (the table option overrides the server's): one after
-- another
ALTER FOREIGN TABLE regress_async_slow1 OPTIONS (ADD async_capable 'false');
ALTER FOREIGN TABLE regress_async_slow2 OPTIONS (ADD async_capable 'false');
ALTER FOREIGN TABLE regress_async_slow3 OPTIONS (ADD async_capable 'false');
EXPLAIN (COSTS OFF) SELECT * FROM regress_async_slow;
SELECT clock_timestamp() AS t0 \gset
SELECT * FROM regress_async_slow ORDER BY who;
SELECT clock_timestamp() - :'t0'::timestamptz >= interval '3000 ms' AS "elapsed >= 3000ms";
ALTER FOREIGN TABLE regress_async_slow1 OPTIONS (DROP async_capable);
ALTER FOREIGN TABLE regress_async_slow2 OPTIONS (DROP async_capable);
ALTER FOREIGN TABLE regress_async_slow3 OPTIONS (DROP async_capable);

-- statement_timeout ends the wait of an Async Append; the interrupted
-- connections are closed (q has no cancel message) with the NOTICE a
-- synchronous request gives, one per server, and the next query reconnects
SET statement_timeout = '100ms';
SELECT * FROM regress_async_slow;
RESET statement_timeout;
SELECT * FROM regress_async_slow ORDER BY who;
-- a cancel of a query waiting in an Async Append (another session, through
-- dblink, is the victim): the same
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;
SELECT format('host=%s port=%s dbname=%s user=%s',
              split_part(current_setting('unix_socket_directories'), ',', 1),
              current_setting('port'), current_database(), current_user)
  AS connstr \gset
SELECT dblink_connect('regress_async_victim', :'connstr');
SELECT pid AS victim FROM dblink('regress_async_victim',
  'SELECT pg_backend_pid()') AS t(pid int) \gset
SET regress.victim = :'victim';
-- servers 2 and 3 answer after 5 s: the cancel certainly comes first
CREATE TABLE regress_async_sleepy (who bigint) PARTITION BY LIST (who);
CREATE FOREIGN TABLE regress_async_sleepy2 PARTITION OF regress_async_sleepy
  FOR VALUES IN (2) SERVER regress_async2
  OPTIONS (query '.qserver.sleep[5000]; ([] who:enlist at_server)');
CREATE FOREIGN TABLE regress_async_sleepy3 PARTITION OF regress_async_sleepy
  FOR VALUES IN (3) SERVER regress_async3
  OPTIONS (query '.qserver.sleep[5000]; ([] who:enlist at_server)');
SELECT dblink_send_query('regress_async_victim',
  'SELECT * FROM regress_async_sleepy');
-- wait (10 s at most) until the victim waits in the Append
DO $$
BEGIN
  FOR i IN 1..1000 LOOP
    PERFORM pg_stat_clear_snapshot();
    PERFORM 1 FROM pg_stat_activity
      WHERE pid = current_setting('regress.victim')::int
        AND wait_event = 'AppendReady';
    EXIT WHEN FOUND;
    PERFORM pg_sleep(0.01);
  END LOOP;
END $$;
SELECT wait_event FROM pg_stat_activity WHERE pid = :victim;
SELECT pg_cancel_backend(:victim);
SELECT * FROM dblink_get_result('regress_async_victim') AS t(who bigint);
-- (the end of the cancelled query's results)
SELECT * FROM dblink_get_result('regress_async_victim') AS t(who bigint);
-- the victim's next query reconnects (and waits for the q servers to
-- finish sleeping)
SELECT * FROM dblink('regress_async_victim',
  'SELECT * FROM regress_async_slow ORDER BY who') AS t(who bigint, n bigint);
DROP TABLE regress_async_sleepy;
SELECT dblink_disconnect('regress_async_victim');
RESET regress.victim;

-- one server down: a clear 08001 naming it; the others stay usable
CREATE SERVER regress_async_down FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '1', async_capable 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_async_down;
CREATE FOREIGN TABLE regress_async_s4 PARTITION OF regress_async_trade
  FOR VALUES IN ('da') SERVER regress_async_down OPTIONS (table 'at_shard1');
\set VERBOSITY sqlstate
SELECT count(*) FROM regress_async_trade;
\set VERBOSITY default
SELECT count(*) FROM regress_async_trade;
SELECT count(*) FROM regress_async_trade WHERE sym <> 'da';
DROP FOREIGN TABLE regress_async_s4;
SELECT count(*), sum(qty) FROM regress_async_trade;

-- partition-wise aggregation: with a GROUP BY on the partition key each
-- partition's aggregate is computed by its own server, concurrently
CREATE TABLE regress_async_hist (d date, sym text, qty bigint, px float8)
  PARTITION BY RANGE (d);
CREATE FOREIGN TABLE regress_async_hdb PARTITION OF regress_async_hist
  FOR VALUES FROM (MINVALUE) TO ('2024-01-05') SERVER regress_async2
  OPTIONS (table 'at_hist');
CREATE FOREIGN TABLE regress_async_rdb PARTITION OF regress_async_hist
  FOR VALUES FROM ('2024-01-05') TO (MAXVALUE) SERVER regress_async1
  OPTIONS (table 'at_today');
SET enable_partitionwise_aggregate = on;
-- each partition's Foreign Scan is its pushed aggregate (no local Agg)
EXPLAIN (COSTS OFF)
  SELECT d, count(*), sum(qty), min(px), max(px) FROM regress_async_hist
  GROUP BY d ORDER BY d;
SELECT d, count(*), sum(qty), min(px), max(px) FROM regress_async_hist
  GROUP BY d ORDER BY d;
SELECT d, count(*), sum(qty), min(px), max(px) FROM regress_async_local
  GROUP BY d ORDER BY d;
EXPLAIN (COSTS OFF)
  SELECT sym, count(*), sum(qty) FROM regress_async_trade GROUP BY sym;
SELECT sym, count(*), sum(qty) FROM regress_async_trade GROUP BY sym
  ORDER BY sym;
SELECT sym, count(*), sum(qty) FROM regress_async_local GROUP BY sym
  ORDER BY sym;
-- today's partition only (pruned): RDB
EXPLAIN (COSTS OFF)
  SELECT d, count(*) FROM regress_async_hist WHERE d >= '2024-01-05' GROUP BY d;
RESET enable_partitionwise_aggregate;

DROP TABLE regress_async_hist;
DROP TABLE regress_async_slow;
DROP TABLE regress_async_trade;
DROP TABLE regress_async_local;
DROP SERVER regress_async1 CASCADE;
DROP SERVER regress_async2 CASCADE;
DROP SERVER regress_async3 CASCADE;
DROP SERVER regress_async_down CASCADE;
DROP EXTENSION dblink;
