--
-- partial_agg: partial partition-wise aggregation pushed to q.  With
-- enable_partitionwise_aggregate and a GROUP BY without the partition key
-- (or no GROUP BY), PostgreSQL plans a Finalize Aggregate over an Append of
-- one partial aggregation per partition; each foreign partition's partial
-- aggregation is computed by its q server, which returns every aggregate's
-- transition state, and PostgreSQL combines them.  Three q servers (as in
-- sql/async.sql), one shard each; the third shard is a date-partitioned q
-- table (test/fixtures/partial.q).  Every answer is compared with the same
-- query over a local copy of the rows.
--
\getenv qport1 QIPC_TEST_PORT
\getenv qport2 QIPC_TEST_ASYNC2_PORT
\getenv qport3 QIPC_TEST_ASYNC3_PORT

CREATE SERVER regress_pa1 FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport1', async_capable 'true');
CREATE SERVER regress_pa2 FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport2', async_capable 'true');
CREATE SERVER regress_pa3 FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port :'qport3', async_capable 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_pa1;
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_pa2;
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_pa3;

CREATE TABLE regress_pa (date date, sym text, g text, h smallint, i integer,
  j bigint, f float8, b boolean) PARTITION BY LIST (sym);
CREATE FOREIGN TABLE regress_pa_s1 PARTITION OF regress_pa
  FOR VALUES IN ('a1', 'a2') SERVER regress_pa1 OPTIONS (table 'pa_shard1');
CREATE FOREIGN TABLE regress_pa_s2 PARTITION OF regress_pa
  FOR VALUES IN ('b1', 'b2') SERVER regress_pa2 OPTIONS (table 'pa_shard2');
CREATE FOREIGN TABLE regress_pa_s3 PARTITION OF regress_pa
  FOR VALUES IN ('c1', 'c2') SERVER regress_pa3
  OPTIONS (table 'pa_shard3', partition_column 'date');
CREATE TABLE regress_pa_local AS SELECT * FROM regress_pa;
SELECT count(*), count(i), count(f), count(h) FROM regress_pa_local;

SET enable_partitionwise_aggregate = on;

-- no GROUP BY: each partition's states, combined by the Finalize Aggregate
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT count(*), sum(i), avg(i), min(f), max(date) FROM regress_pa;
SELECT count(*), sum(i), avg(i), min(f), max(date) FROM regress_pa;
SELECT count(*), sum(i), avg(i), min(f), max(date) FROM regress_pa_local;

-- GROUP BY a column that is not the partition key: every group spans the
-- three partitions; in partition 1 group w has no non-null i (its sum
-- state is NULL, its avg state {0,0})
EXPLAIN (COSTS OFF)
  SELECT g, count(*), sum(h), sum(i), avg(h), avg(i) FROM regress_pa
  GROUP BY g ORDER BY g;
SELECT g, count(*), count(i), sum(h), sum(i), avg(h), avg(i), min(i), max(h),
  sum(f), min(f), max(date), bool_and(b), bool_or(b)
  FROM regress_pa GROUP BY g ORDER BY g;
SELECT g, count(*), count(i), sum(h), sum(i), avg(h), avg(i), min(i), max(h),
  sum(f), min(f), max(date), bool_and(b), bool_or(b)
  FROM regress_pa_local GROUP BY g ORDER BY g;
-- the states themselves, as q delivers them for partition 1
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT g, avg(i) FROM regress_pa GROUP BY g;

-- HAVING, ORDER BY and LIMIT apply to the finalized groups (locally)
SELECT g, sum(i), avg(i) FROM regress_pa GROUP BY g
  HAVING sum(i) > 20000 AND avg(h) > 20 ORDER BY sum(i) DESC LIMIT 2;
SELECT g, sum(i), avg(i) FROM regress_pa_local GROUP BY g
  HAVING sum(i) > 20000 AND avg(h) > 20 ORDER BY sum(i) DESC LIMIT 2;
-- two grouping columns, a pushed condition
SELECT g, date, count(*), sum(i) FROM regress_pa WHERE h > 10
  GROUP BY g, date ORDER BY g, date;
SELECT g, date, count(*), sum(i) FROM regress_pa_local WHERE h > 10
  GROUP BY g, date ORDER BY g, date;
-- no row left: count 0, the others NULL
SELECT count(*), sum(i), avg(i), min(f) FROM regress_pa WHERE j < 0;
SELECT g, count(*) FROM regress_pa WHERE j < 0 GROUP BY g;

-- states PostgreSQL keeps internal (sum and avg of bigint, serialized
-- between partial and final aggregation) and float8[3] states (avg of
-- float8): the partial aggregation stays local, over the scans
EXPLAIN (COSTS OFF) SELECT g, sum(j) FROM regress_pa GROUP BY g;
EXPLAIN (COSTS OFF) SELECT avg(f) FROM regress_pa;
SELECT g, sum(j), avg(j), avg(f) FROM regress_pa GROUP BY g ORDER BY g;
SELECT g, sum(j), avg(j), avg(f) FROM regress_pa_local GROUP BY g ORDER BY g;

-- a q integer infinity among the values: error 22003, as a scan reading
-- it.  The erring queries keep to server 1's two partitions (which take
-- turns on its connection): with another server's reply still awaited, the
-- error would also close that connection, with a NOTICE, depending on which
-- server answers first
CREATE FOREIGN TABLE regress_pa_inf PARTITION OF regress_pa
  FOR VALUES IN ('z1') SERVER regress_pa1 OPTIONS (table 'pa_inf');
SELECT g, count(*) FROM regress_pa GROUP BY g ORDER BY g;
EXPLAIN (COSTS OFF)
  SELECT g, avg(i) FROM regress_pa WHERE sym IN ('a1', 'z1') GROUP BY g;
SELECT g, avg(i) FROM regress_pa WHERE sym IN ('a1', 'z1') GROUP BY g;
SELECT sum(i) FROM regress_pa WHERE sym IN ('a1', 'z1');
DROP FOREIGN TABLE regress_pa_inf;
-- a partition without rows
CREATE FOREIGN TABLE regress_pa_none PARTITION OF regress_pa
  FOR VALUES IN ('z2') SERVER regress_pa2 OPTIONS (table 'pa_none');
SELECT g, count(*), sum(i), avg(i) FROM regress_pa GROUP BY g ORDER BY g;
SELECT count(*), sum(i), avg(i) FROM regress_pa;
DROP FOREIGN TABLE regress_pa_none;

-- partition-wise aggregation off: one Aggregate over the scans of all rows
RESET enable_partitionwise_aggregate;
EXPLAIN (COSTS OFF)
  SELECT g, count(*), sum(i) FROM regress_pa GROUP BY g ORDER BY g;
SELECT g, count(*), sum(i), avg(i) FROM regress_pa GROUP BY g ORDER BY g;

DROP TABLE regress_pa;
DROP TABLE regress_pa_local;
DROP SERVER regress_pa1 CASCADE;
DROP SERVER regress_pa2 CASCADE;
DROP SERVER regress_pa3 CASCADE;
