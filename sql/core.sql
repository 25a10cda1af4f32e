--
-- core: FDW objects, options and validator, simple scans, EXPLAIN
--
\getenv qport QIPC_TEST_PORT
SET qipc_fdw.enable_pushdown = off;

-- ===================================================================
-- validator: options and their values
-- ===================================================================
-- unknown options get a closest-match hint
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (hots 'localhost', port '5000');              -- ERROR
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '5000', reconect_attempts '3');         -- ERROR
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '5000', nothing_like_it '1');           -- ERROR
ALTER FOREIGN DATA WRAPPER qipc_fdw OPTIONS (host 'x'); -- ERROR
-- port is required and checked
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost');                           -- ERROR
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '0');                                   -- ERROR
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port 'abc');                                 -- ERROR
-- values of each kind
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '5000', host '');                       -- ERROR
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '5000', connect_timeout '-1');          -- ERROR
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '5000', reconnect_attempts '-1');       -- ERROR
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '5000', reconnect_backoff '0.5');       -- ERROR
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '5000', keep_connections 'maybe');      -- ERROR
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '5000', fdw_tuple_cost 'cheap');        -- ERROR
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '5000', max_message_size '1');          -- ERROR
CREATE SERVER regress_core_bad FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (port '5000', sslmode 'prefer');              -- ERROR
-- every server option, valid
CREATE SERVER regress_core_all FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port '5000', connect_timeout '2.5',
           reconnect_attempts '3', reconnect_delay '0.25', reconnect_backoff '1.5',
           keep_connections 'off', fdw_startup_cost '10', fdw_tuple_cost '0.1',
           max_message_size '64MB', use_remote_estimate 'false',
           sslmode 'disable', sslrootcert '/nonexistent/ca.pem');
ALTER SERVER regress_core_all OPTIONS (DROP port);      -- ERROR
ALTER SERVER regress_core_all OPTIONS (SET port '5001');

-- user mappings
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_core_all
  OPTIONS (usr 'x');                                    -- ERROR
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_core_all
  OPTIONS (user 'u', password 'p', password_required 'false');
DROP USER MAPPING FOR CURRENT_USER SERVER regress_core_all;

-- privileged user mapping options
DROP ROLE IF EXISTS regress_core_user;
CREATE ROLE regress_core_user;
GRANT USAGE ON FOREIGN SERVER regress_core_all TO regress_core_user;
SET ROLE regress_core_user;
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_core_all
  OPTIONS (user 'u', password_required 'false');        -- ERROR
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_core_all
  OPTIONS (user 'u', sslcert '/tmp/x.pem');             -- ERROR
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_core_all
  OPTIONS (user 'u', password 'p');
DROP USER MAPPING FOR CURRENT_USER SERVER regress_core_all;
RESET ROLE;

-- foreign table and column options
CREATE FOREIGN TABLE regress_core_ft (a int) SERVER regress_core_all
  OPTIONS (tabel 'x');                                  -- ERROR
CREATE FOREIGN TABLE regress_core_ft (a int) SERVER regress_core_all
  OPTIONS (table 'x', query 'select from x');           -- ERROR
CREATE FOREIGN TABLE regress_core_ft (a int) SERVER regress_core_all
  OPTIONS (function 'not a name');                      -- ERROR
-- q names are ASCII: a letter outside ASCII is not part of one
CREATE FOREIGN TABLE regress_core_ft (a int) SERVER regress_core_all
  OPTIONS (function U&'caf\00E9');                      -- ERROR
CREATE FOREIGN TABLE regress_core_ft (a int) SERVER regress_core_all
  OPTIONS (query '([] a:1 2)', partition_column 'date'); -- ERROR
CREATE FOREIGN TABLE regress_core_ft (a int OPTIONS (column_nam 'b'))
  SERVER regress_core_all;                              -- ERROR
CREATE FOREIGN TABLE regress_core_ft (a int OPTIONS (param '9'))
  SERVER regress_core_all OPTIONS (function '.api.get'); -- ERROR
CREATE FOREIGN TABLE regress_core_ft (a int OPTIONS (param '1'), b text)
  SERVER regress_core_all OPTIONS (function '.api.getTrades');
CREATE FOREIGN TABLE regress_core_ft2 (a int OPTIONS (column_name 'b'))
  SERVER regress_core_all OPTIONS (table '.sim.trade', partition_column 'date',
                                   use_remote_estimate 'true');
DROP FOREIGN TABLE regress_core_ft, regress_core_ft2;
DROP SERVER regress_core_all;
DROP ROLE regress_core_user;

-- ===================================================================
-- a server on the q test server
-- ===================================================================
CREATE SERVER regress_core FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_core;

CREATE FOREIGN TABLE fdw_trade (
  sym text,
  time timestamp,
  price double precision,
  size bigint,
  ex "char"
) SERVER regress_core;

-- ===================================================================
-- simple queries
-- ===================================================================
SELECT * FROM fdw_trade;
SELECT sym, price FROM fdw_trade WHERE size > 100;
SELECT count(*) FROM fdw_trade;
SELECT t FROM fdw_trade t WHERE sym = 'IBM';
SELECT sym, sum(size) FROM fdw_trade GROUP BY sym ORDER BY sym;

-- only the referenced columns are fetched; constants stay local for now
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM fdw_trade;
EXPLAIN (VERBOSE, COSTS OFF) SELECT sym, price FROM fdw_trade WHERE size > 100;
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM fdw_trade;
-- EXPLAIN without ANALYZE never connects (port 1: nothing listens there)
-- when the planner is not to ask q for the row count
CREATE SERVER regress_core_nowhere FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port '1');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_core_nowhere;
CREATE FOREIGN TABLE regress_core_nowhere (sym text)
  SERVER regress_core_nowhere OPTIONS (table 'fdw_trade');
SET qipc_fdw.row_count_connect = off;
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM regress_core_nowhere;
RESET qipc_fdw.row_count_connect;
DROP SERVER regress_core_nowhere CASCADE;

-- the table option and column_name
CREATE FOREIGN TABLE regress_core_renamed (
  ticker text OPTIONS (column_name 'sym'),
  qty int OPTIONS (column_name 'size')
) SERVER regress_core OPTIONS (table 'fdw_trade');
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM regress_core_renamed;
SELECT * FROM regress_core_renamed ORDER BY ticker, qty;

-- names that need quoting in q
CREATE FOREIGN TABLE fdw_weird ("my col" bigint, b bigint, "x-y" bigint)
  SERVER regress_core;
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM fdw_weird;
SELECT * FROM fdw_weird;

-- keyed table: key columns, then value columns
CREATE FOREIGN TABLE fdw_keyed (id bigint, name text, val float8)
  SERVER regress_core;
SELECT * FROM fdw_keyed;
SELECT val, id FROM fdw_keyed WHERE name <> 'two';

-- the query option: any q expression returning a table
CREATE FOREIGN TABLE regress_core_query (sym text, total bigint)
  SERVER regress_core
  OPTIONS (query 'select total:sum size by sym from fdw_trade');
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM regress_core_query;
SELECT * FROM regress_core_query ORDER BY sym;
SELECT total FROM regress_core_query ORDER BY total;

-- empty results, typed and untyped (general list) columns
CREATE FOREIGN TABLE regress_core_empty (a bigint, b text) SERVER regress_core
  OPTIONS (query '([] a:(); b:`symbol$())');
SELECT * FROM regress_core_empty;
SELECT count(*) FROM regress_core_empty;

-- joins and rescans
CREATE TEMP TABLE local_syms (sym text);
INSERT INTO local_syms VALUES ('AAPL'), ('IBM'), ('NONE');
SET enable_hashjoin = off;
SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT l.sym, t.size FROM local_syms l JOIN fdw_trade t ON l.sym = t.sym;
SELECT l.sym, t.size FROM local_syms l JOIN fdw_trade t ON l.sym = t.sym ORDER BY 1, 2;
RESET enable_hashjoin;
RESET enable_mergejoin;
SELECT (SELECT count(*) FROM fdw_trade t WHERE t.sym = l.sym) FROM local_syms l ORDER BY 1;

-- ===================================================================
-- errors
-- ===================================================================
-- a q error: the remote table does not exist
CREATE FOREIGN TABLE regress_core_missing (a bigint) SERVER regress_core
  OPTIONS (table 'no_such_table');
SELECT * FROM regress_core_missing;                     -- ERROR
-- a column the result does not have
CREATE FOREIGN TABLE regress_core_nocol (sym text, nope bigint) SERVER regress_core
  OPTIONS (table 'fdw_trade');
SELECT * FROM regress_core_nocol;                       -- ERROR
SELECT sym FROM regress_core_nocol LIMIT 1;
-- the hint names the column_name option when it is that which is wrong
CREATE FOREIGN TABLE regress_core_badcolname (sym text, px float8 OPTIONS (column_name 'prise'))
  SERVER regress_core OPTIONS (table 'fdw_trade');
SELECT sym, px FROM regress_core_badcolname;            -- ERROR
-- with the column types unknown, nothing is pushed; the scan gets the hints
SELECT count(*) FROM regress_core_missing WHERE a > 1;  -- ERROR
-- a pushed-down aggregate whose column, then table, went away on the q side
SELECT qipc_exec('regress_core', 'core_gone:([] a:1 2 3); 1b');
CREATE FOREIGN TABLE regress_core_gone (a bigint) SERVER regress_core
  OPTIONS (table 'core_gone');
SET qipc_fdw.enable_pushdown = on;
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM regress_core_gone GROUP BY a;
SELECT count(*) FROM regress_core_gone GROUP BY a ORDER BY a;
SELECT qipc_exec('regress_core', 'core_gone:([] b:1 2 3); 1b');
SELECT count(*) FROM regress_core_gone GROUP BY a;      -- ERROR
SELECT qipc_exec('regress_core', 'core_gone:42; 1b');
SELECT count(*) FROM regress_core_gone GROUP BY a;      -- ERROR
SET qipc_fdw.enable_pushdown = off;
-- a result that is not a table
CREATE FOREIGN TABLE regress_core_notable (a bigint) SERVER regress_core
  OPTIONS (query '1 2 3');
SELECT * FROM regress_core_notable;                     -- ERROR
-- the connection is still fine after those
SELECT count(*) FROM fdw_trade;
-- a column missing from a query option's result
CREATE FOREIGN TABLE regress_core_qnocol (a bigint, b bigint) SERVER regress_core
  OPTIONS (query '([] a:1 2 3)');
SELECT a FROM regress_core_qnocol;
SELECT * FROM regress_core_qnocol;                      -- ERROR

-- ===================================================================
-- no backend memory growth across 10,000 queries
-- ===================================================================
CREATE FUNCTION pg_temp.used_bytes() RETURNS bigint LANGUAGE sql
  AS $$ SELECT sum(total_bytes - free_bytes) FROM pg_backend_memory_contexts $$;
CREATE FUNCTION pg_temp.rss_kb() RETURNS bigint LANGUAGE sql
  AS $$ SELECT substring(pg_read_file('/proc/self/status') FROM 'VmRSS:\s*(\d+)')::bigint $$;
-- (measured between the 2nd and 3rd round, so that every statement of the
-- block has been planned once)
DO $$
DECLARE
  used bigint[] := '{}';
  rss bigint[] := '{}';
  k int;
  i int;
BEGIN
  FOR k IN 1..3 LOOP
    used := used || pg_temp.used_bytes();
    rss := rss || pg_temp.rss_kb();
    FOR i IN 1..10000 LOOP
      PERFORM sym, time, price, size, ex FROM fdw_trade;
    END LOOP;
  END LOOP;
  used := used || pg_temp.used_bytes();
  rss := rss || pg_temp.rss_kb();
  RAISE NOTICE 'context memory growth over 10000 queries under 16 kB: %',
    used[3] - used[2] < 16384;
  RAISE NOTICE 'resident memory growth over 10000 queries under 1 MB: %',
    rss[3] - rss[2] < 1024;
END $$;

-- ===================================================================
-- cleanup
-- ===================================================================
DROP SERVER regress_core CASCADE;
