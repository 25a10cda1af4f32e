-- demo/scaleout.sql: one PostgreSQL partitioned table spanning an RDB
-- (today, demo/rdb.q) and an HDB (history, demo/hdb.q).  Run by
-- tools/demo.sh (psql variables rdbport and hdbport).  See
-- docs/scaling-out.md.

-- one foreign server per q process; async_capable lets an Append wait for
-- both at once
CREATE SERVER rdb FOREIGN DATA WRAPPER qipc_fdw
    OPTIONS (port :'rdbport', async_capable 'true');
CREATE SERVER hdb FOREIGN DATA WRAPPER qipc_fdw
    OPTIONS (port :'hdbport', async_capable 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER rdb;
CREATE USER MAPPING FOR CURRENT_USER SERVER hdb;

-- history up to yesterday in the HDB, today in the RDB
CREATE TABLE trades (date date, sym text, time timestamp, price float8,
                     size bigint) PARTITION BY RANGE (date);
CREATE FOREIGN TABLE trades_hdb PARTITION OF trades
    FOR VALUES FROM (MINVALUE) TO ('2024-01-04') SERVER hdb
    OPTIONS (table 'trade', partition_column 'date');
CREATE FOREIGN TABLE trades_rdb PARTITION OF trades
    FOR VALUES FROM ('2024-01-04') TO (MAXVALUE) SERVER rdb
    OPTIONS (table 'trade');

-- both servers are asked at once (Async Foreign Scan under the Append)
EXPLAIN (COSTS OFF) SELECT count(*) FROM trades;

-- partition pruning: only the RDB for today, only the HDB for history
EXPLAIN (COSTS OFF) SELECT * FROM trades WHERE date = '2024-01-04';
EXPLAIN (COSTS OFF) SELECT * FROM trades WHERE date < '2024-01-03';

-- a daily summary over both: grouped by the partition key, each server
-- aggregates its own days (partition-wise aggregation, pushed to q)
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF)
SELECT date, count(*) FROM trades GROUP BY date ORDER BY date;
SELECT date, count(*) FROM trades GROUP BY date ORDER BY date;
RESET enable_partitionwise_aggregate;

-- per symbol over all days: the scans run concurrently
SELECT sym, count(*), round(avg(price)::numeric, 2) AS avg_price
FROM trades GROUP BY sym ORDER BY sym;
