-- demo/demo.sql: qipc_fdw against the q test server loaded with
-- demo/market.q.  Run by tools/demo.sh (psql variable qport = the q port).

\pset null '(null)'
-- EXPLAIN's "Remote q:" line holds the whole q query on one line: let psql
-- wrap long values at 100 columns (a "." at the end of a line and at the
-- start of the next marks a wrap)
\pset format wrapped
\pset columns 100
CREATE EXTENSION qipc_fdw;

-- a q server and who we are on it
CREATE SERVER kdb FOREIGN DATA WRAPPER qipc_fdw
    OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER kdb
    OPTIONS (user 'demo', password 'demo');

-- every table of the q root namespace becomes a foreign table
CREATE SCHEMA market;
IMPORT FOREIGN SCHEMA "." FROM SERVER kdb INTO market;
\det+ market.*
\d market.trade

-- plain scans: q columns are decoded straight into tuples
SELECT * FROM market.trade ORDER BY time LIMIT 5;
SELECT * FROM market.ref ORDER BY sym;

-- filters, aggregates and limits are pushed down as q
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym, count(*), min(price) AS low, max(price) AS high
FROM market.trade GROUP BY sym ORDER BY sym;
SELECT sym, count(*), min(price) AS low, max(price) AS high
FROM market.trade GROUP BY sym ORDER BY sym;

EXPLAIN (VERBOSE, COSTS OFF)
SELECT time, price, size FROM market.trade
WHERE sym = 'AAPL' AND price > 199.5 ORDER BY time LIMIT 5;
SELECT time, price, size FROM market.trade
WHERE sym = 'AAPL' AND price > 199.5 ORDER BY time LIMIT 5;

-- averages and sums too, with PostgreSQL's result types
SELECT sym, round(avg(price)::numeric, 2) AS avg_price, sum(size)
FROM market.trade GROUP BY sym ORDER BY sym;

-- a q API function as a foreign table: .api.getTrades[sym;from;to]; the
-- columns marked "param" are its arguments, given by equality conditions
CREATE FOREIGN TABLE market.trades_api (
    sym       text      OPTIONS (param '1'),
    from_time timestamp OPTIONS (param '2'),
    to_time   timestamp OPTIONS (param '3'),
    time      timestamp,
    price     float8,
    size      bigint
) SERVER kdb OPTIONS (function '.api.getTrades');
SELECT time, price, size FROM market.trades_api
WHERE sym = 'AAPL'
  AND from_time = '2024-01-02 12:00' AND to_time = '2024-01-02 12:01'
ORDER BY time LIMIT 5;

-- joining PostgreSQL data with kdb+ data in one query
CREATE TABLE portfolio (sym text PRIMARY KEY, qty int);
INSERT INTO portfolio VALUES ('AAPL', 100), ('NVDA', 50), ('IBM', 10);
SELECT p.sym, r.name, p.qty, max(t.price) AS high, p.qty * max(t.price) AS value_at_high
FROM portfolio p
JOIN market.ref r ON r.sym = p.sym
JOIN market.trade t ON t.sym = p.sym
GROUP BY p.sym, r.name, p.qty ORDER BY p.sym;

-- run q directly, call q API functions with typed arguments
SELECT qipc_exec('kdb', '1+1');
SELECT qipc_exec('kdb', '{x+y+z}', 1, 2, 3);
SELECT qipc_exec('kdb', 'exec count i by sym from trade');
SELECT qipc_call('kdb', '.api.vwap', 'AAPL'::name);
SELECT * FROM qipc_query('kdb', 'select[3] time, price from trade where sym=`MSFT')
    AS t(time timestamp, price float8);

-- the connection cache
SELECT server_name, requests, reconnects FROM qipc_fdw_get_connections();
