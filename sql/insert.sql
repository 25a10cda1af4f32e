--
-- insert: INSERT and COPY FROM into q tables (test/fixtures/insert.q):
-- every mapped type written and read back, nulls, infinities and range
-- edges, nested and untyped columns, batching, keyed upsert, a
-- tickerplant-style function, async batches, errors in the middle of a
-- multi-batch COPY, privileges and user mappings
--
\getenv qport QIPC_TEST_PORT
\getenv qauthport QIPC_TEST_AUTH_PORT
CREATE SERVER regress_ins FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_ins;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
SET extra_float_digits = 0;

-- ===================================================================
-- every scalar q type, from its natural PostgreSQL type
-- ===================================================================
CREATE FOREIGN TABLE ins_types (
  id bigint,
  b boolean,          -- boolean
  g uuid,             -- guid
  x smallint,         -- byte
  h smallint,         -- short
  i integer,          -- int
  j bigint,           -- long
  e real,             -- real
  f double precision, -- float
  c "char",           -- char
  s text,             -- symbol
  p timestamp,        -- timestamp
  m date,             -- month
  d date,             -- date
  z timestamp,        -- datetime
  n interval,         -- timespan
  u time,             -- minute
  v time,             -- second
  t time              -- time
) SERVER regress_ins;

-- the rows to write, kept locally to compare with what reads back:
-- 1 ordinary values, 2 nulls (booleans and bytes have no q null),
-- 3 infinities and the largest values q holds, 4 the smallest values,
-- 5 the last instant of q's timestamp range
CREATE TABLE ins_types_src (LIKE ins_types);
INSERT INTO ins_types_src VALUES
  (1, true, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 255, 12, 34, 56, 1.5, 2.25,
   'a', 'hello world', '2024-01-02 03:04:05.123456', '2024-02-01', '2024-02-29',
   '2024-01-02 03:04:05.678', '1 day 02:03:04.5', '12:34', '12:34:56', '12:34:56.789'),
  (2, false, NULL, 0, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, true, '00000000-0000-0000-0000-000000000001', 1, 32766, 2147483646,
   9223372036854775806, 'infinity', 'infinity', 'z', 'Z', 'infinity',
   'infinity', 'infinity', 'infinity', '106751 days', '23:59', '23:59:59',
   '23:59:59.999'),
  (4, false, 'ffffffff-ffff-ffff-ffff-ffffffffffff', 2, -32766, -2147483646,
   -9223372036854775806, '-infinity', '-infinity', '!', 'a b', '-infinity',
   '-infinity', '-infinity', '-infinity', '-106751 days', '00:00', '00:00:00',
   '00:00:00.001'),
  (5, true, NULL, 3, -1, -1, -1, -0.5, 1e300, '~', 'x', '2292-04-10 23:47:16.854775',
   '1707-10-01', '1707-09-22', '1999-12-31 23:59:59.999', '-00:00:00.000001',
   NULL, NULL, NULL),
  (6, true, NULL, 4, 0, 0, 0, 0, 0, '0', 'y', '1707-09-22 00:12:43.145225',
   '2292-04-01', '2292-04-10', '2000-01-01', '00:00:00', NULL, NULL, NULL);
INSERT INTO ins_types SELECT * FROM ins_types_src;
-- reads back equal: both directions of EXCEPT are empty
SELECT * FROM ins_types_src EXCEPT SELECT * FROM ins_types;
SELECT * FROM ins_types EXCEPT SELECT * FROM ins_types_src;
SELECT id, b, g, x, h, i, j, e, f, c, s FROM ins_types ORDER BY id;
SELECT id, p, m, d, z FROM ins_types ORDER BY id;
SELECT id, n, u, v, t FROM ins_types ORDER BY id;
-- what q holds: the column types (meta) and the values of rows 1 to 3
SELECT qipc_exec('regress_ins', 'exec t from meta ins_types');
SELECT jsonb_pretty(qipc_exec('regress_ins', 'select from ins_types where id within 1 3'));

-- ===================================================================
-- values q cannot hold: a 22xxx error naming the column, and nothing of
-- that batch is sent (row 1 of each INSERT is fine)
-- ===================================================================
SELECT count(*) FROM ins_types;
INSERT INTO ins_types (id, b, x, h) VALUES (10, true, 1, 1), (11, true, 1, 32767);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x, j) VALUES (10, true, 1, 1), (11, true, 1, -9223372036854775807);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x) VALUES (10, true, 1), (11, true, 256);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x) VALUES (10, true, 1), (11, NULL, 1);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x, p) VALUES (10, true, 1, '2024-01-01'), (11, true, 1, '2292-04-10 23:47:16.854776');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x, p) VALUES (10, true, 1, '2024-01-01'), (11, true, 1, '1707-09-22 00:12:43.145224');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x, f) VALUES (10, true, 1, 1), (11, true, 1, 'NaN');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x, e) VALUES (10, true, 1, 1), (11, true, 1, 'NaN');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x, m) VALUES (10, true, 1, '2024-01-01'), (11, true, 1, '2024-01-15');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x, n) VALUES (10, true, 1, '1 day'), (11, true, 1, '1 month');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x, n) VALUES (10, true, 1, '1 day'), (11, true, 1, '106752 days');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x, v) VALUES (10, true, 1, '00:00:01'), (11, true, 1, '00:00:01.5');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types (id, b, x, u) VALUES (10, true, 1, '00:01'), (11, true, 1, '00:01:30');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM ins_types;

-- other PostgreSQL types into q columns: exact integers from numeric and
-- floats, timestamptz as UTC, dates into timestamps
CREATE FOREIGN TABLE ins_types_alt (id numeric, j float8, f numeric, p timestamptz,
                                    d timestamp, s varchar(10), z timestamptz,
                                    b boolean, x int8)
  SERVER regress_ins OPTIONS (table 'ins_types');
INSERT INTO ins_types_alt (id, j, f, p, d, s, z, b, x) VALUES
  (20, 42, 1.25, '2024-06-01 12:00:00+02', '2024-06-01', 'varchar', '2024-06-01 12:00:00+02', true, 7);
SELECT id, j, f, p, d, s, z FROM ins_types WHERE id = 20;
INSERT INTO ins_types_alt (id, j, b, x) VALUES (21, 1.5, true, 7);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_types_alt (id, d, b, x) VALUES (21, '2024-06-01 00:00:01', true, 7);
\echo :LAST_ERROR_SQLSTATE

-- a declared type that cannot be written into the q column: refused when
-- the statement starts (HV004), before anything is sent
CREATE FOREIGN TABLE ins_types_bad (id bigint, p text) SERVER regress_ins
  OPTIONS (table 'ins_types');
INSERT INTO ins_types_bad VALUES (30, '2024-01-01');
\echo :LAST_ERROR_SQLSTATE
-- a column the q table does not have (HV005)
CREATE FOREIGN TABLE ins_types_missing (id bigint, nosuch int) SERVER regress_ins
  OPTIONS (table 'ins_types');
INSERT INTO ins_types_missing VALUES (30, 1);
\echo :LAST_ERROR_SQLSTATE

-- a q table that does not exist: q's error, nothing sent
CREATE FOREIGN TABLE ins_nosuch (id bigint) SERVER regress_ins;
INSERT INTO ins_nosuch VALUES (1);
\echo :LAST_ERROR_SQLSTATE

-- ===================================================================
-- nested columns: strings, byte lists and vectors (PostgreSQL arrays)
-- ===================================================================
CREATE FOREIGN TABLE ins_nested (id bigint, str text, bytes bytea, longs bigint[],
                                 syms text[], floats float8[])
  SERVER regress_ins;
INSERT INTO ins_nested VALUES
  (1, 'hello', '\x0102', '{1,2,3}', '{a,b}', '{1.5,NULL,Infinity}'),
  (2, '', '\x', '{}', '{}', '{}'),
  (3, 'x', '\xff', '{4}', '{c}', '{2.5}'),
  (4, NULL, NULL, NULL, NULL, NULL),
  (5, 'café', '\x000102', '{NULL,5}', '{d,NULL}', '{-Infinity}');
SELECT * FROM ins_nested ORDER BY id;
SELECT qipc_exec('regress_ins', '(exec t from meta ins_nested; type each ins_nested`str; ins_nested`longs)');
INSERT INTO ins_nested (id, longs) VALUES (6, '{{1,2},{3,4}}');
\echo :LAST_ERROR_SQLSTATE

-- untyped (empty general list) q columns take the natural q type
CREATE FOREIGN TABLE ins_untyped (id bigint, str text, longs bigint[], syms text[])
  SERVER regress_ins;
INSERT INTO ins_untyped VALUES (1, 'one', '{1}', '{a}'), (2, 'two', '{2,3}', '{b,c}');
SELECT * FROM ins_untyped ORDER BY id;
SELECT qipc_exec('regress_ins', 'exec t from meta ins_untyped');

-- a q column the foreign table leaves out receives nulls; column_name
-- maps a local name to the q column
CREATE FOREIGN TABLE ins_partial (id bigint, quantity int OPTIONS (column_name 'qty'))
  SERVER regress_ins;
INSERT INTO ins_partial VALUES (1, 10), (2, NULL);
SELECT qipc_exec('regress_ins', 'ins_partial');

-- ===================================================================
-- keyed tables are written with upsert: existing keys are replaced
-- ===================================================================
CREATE FOREIGN TABLE ins_keyed (id bigint, v float8, s text) SERVER regress_ins;
INSERT INTO ins_keyed VALUES (1, 1.5, 'a'), (2, 2.5, 'b');
INSERT INTO ins_keyed VALUES (2, 20.5, 'B'), (3, 3.5, 'c');
SELECT * FROM ins_keyed ORDER BY id;
SELECT qipc_exec('regress_ins', 'ins_keyed');
-- UPDATE and DELETE identify the rows of a keyed table by their key: an
-- update upserts the new row (after deleting the old key's row when the
-- key changes), a delete is q's functional delete of the key
UPDATE ins_keyed SET v = v * 10 WHERE id >= 2 RETURNING *;
UPDATE ins_keyed SET id = 30, s = 'C' WHERE id = 3;
DELETE FROM ins_keyed WHERE s = 'a' RETURNING *;
SELECT * FROM ins_keyed ORDER BY id;
SELECT qipc_exec('regress_ins', 'ins_keyed');
EXPLAIN (VERBOSE, COSTS OFF) DELETE FROM ins_keyed WHERE id = 2;
-- a key of several columns, one of them a symbol
CREATE FOREIGN TABLE ins_keyed2 (sym text, d date, v float8) SERVER regress_ins;
INSERT INTO ins_keyed2 VALUES ('a', '2024-01-01', 1), ('a', '2024-01-02', 2), ('b', '2024-01-01', 3);
DELETE FROM ins_keyed2 WHERE v = 2;
UPDATE ins_keyed2 SET v = 30 WHERE sym = 'b';
SELECT * FROM ins_keyed2 ORDER BY sym, d;

-- ===================================================================
-- insert_function: a tickerplant-style .u.upd[`name; batch]
-- ===================================================================
CREATE FOREIGN TABLE ins_tick (sym text, px float8, qty bigint) SERVER regress_ins
  OPTIONS (insert_function '.u.upd', batch_size '2');
INSERT INTO ins_tick VALUES ('a', 1, 10), ('b', 2, 20), ('c', 3, NULL);
SELECT * FROM ins_tick;
-- one call per batch of two rows
SELECT qipc_exec('regress_ins', '.ins.calls');
EXPLAIN (VERBOSE, COSTS OFF) INSERT INTO ins_tick VALUES ('a', 1, 10);
-- RETURNING sends the rows one at a time
INSERT INTO ins_tick VALUES ('d', 4, 40), ('e', 5, 50) RETURNING *;
SELECT qipc_exec('regress_ins', '.ins.calls');

-- ===================================================================
-- COPY FROM of 1,000,000 rows, from a file written with COPY TO (in the
-- throwaway cluster's data directory)
-- ===================================================================
SELECT current_setting('data_directory') || '/qipc_fdw_insert_big.csv' AS bigfile,
       current_setting('data_directory') || '/qipc_fdw_insert_fill.csv' AS fillfile
\gset
CREATE FOREIGN TABLE ins_big (id bigint, sym text, px float8, ts timestamp)
  SERVER regress_ins;
COPY (SELECT g, 's' || (g % 100), g * 0.5,
             timestamp '2024-01-01' + g * interval '1 ms'
        FROM generate_series(1, 1000000) g)
  TO :'bigfile' WITH (FORMAT csv);
COPY ins_big FROM :'bigfile' WITH (FORMAT csv);
SELECT count(*), sum(id), count(DISTINCT sym), sum(px), min(ts), max(ts) FROM ins_big;
SELECT qipc_exec('regress_ins', '(count ins_big; sum ins_big`id; count distinct ins_big`sym)');
-- again with async batches, confirmed at the end of the statement
ALTER FOREIGN TABLE ins_big OPTIONS (ADD insert_async 'true', ADD batch_size '50000');
COPY ins_big FROM :'bigfile' WITH (FORMAT csv);
SELECT count(*), sum(id) FROM ins_big;
-- the confirmation removed the statement's entry
SELECT qipc_exec('regress_ins', 'count @[get;`.qipc_fdw.w;()!()]');
SELECT qipc_exec('regress_ins', 'delete from `ins_big');

-- ===================================================================
-- a q error in the middle of a multi-batch COPY: the error says how many
-- rows q accepted, and those stay (q has no transactions).  .ins.fill
-- fails once the table holds 2500 rows: batches of 1000 rows
-- ===================================================================
CREATE FOREIGN TABLE ins_fill (id bigint, v float8) SERVER regress_ins
  OPTIONS (insert_function '.ins.fill', batch_size '1000');
COPY (SELECT g, g * 0.5 FROM generate_series(1, 5000) g)
  TO :'fillfile' WITH (FORMAT csv);
COPY ins_fill FROM :'fillfile' WITH (FORMAT csv);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*), max(id) FROM ins_fill;
-- ROLLBACK cannot take them back
BEGIN;
SELECT qipc_exec('regress_ins', 'delete from `ins_fill');
COPY ins_fill FROM :'fillfile' WITH (FORMAT csv);
ROLLBACK;
SELECT count(*) FROM ins_fill;
-- async: the failure is recorded by q and reported by the confirmation
SELECT qipc_exec('regress_ins', 'delete from `ins_fill');
ALTER FOREIGN TABLE ins_fill OPTIONS (ADD insert_async 'true');
COPY ins_fill FROM :'fillfile' WITH (FORMAT csv);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*), max(id) FROM ins_fill;
SELECT qipc_exec('regress_ins', 'count @[get;`.qipc_fdw.w;()!()]');
-- a conversion error after async batches: confirmed before it is raised
SELECT qipc_exec('regress_ins', 'delete from `ins_fill');
INSERT INTO ins_fill SELECT g, CASE WHEN g = 1500 THEN 'NaN'::float8 ELSE g END
  FROM generate_series(1, 2000) g;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM ins_fill;
-- INSERT batches (PostgreSQL's batching) report the same way
SELECT qipc_exec('regress_ins', 'delete from `ins_fill');
ALTER FOREIGN TABLE ins_fill OPTIONS (DROP insert_async);
INSERT INTO ins_fill SELECT g, g FROM generate_series(1, 5000) g;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM ins_fill;

-- partition routing: rows of a partitioned table reach the foreign partition
SELECT qipc_exec('regress_ins', 'delete from `ins_fill');
CREATE TABLE ins_parted (id bigint, v float8) PARTITION BY RANGE (id);
CREATE TABLE ins_parted_local PARTITION OF ins_parted FOR VALUES FROM (0) TO (100);
CREATE FOREIGN TABLE ins_parted_q PARTITION OF ins_parted FOR VALUES FROM (100) TO (1000)
  SERVER regress_ins OPTIONS (table 'ins_fill');
INSERT INTO ins_parted SELECT g * 50, g FROM generate_series(1, 10) g;
SELECT tableoid::regclass, count(*) FROM ins_parted GROUP BY 1 ORDER BY 1;
COPY ins_parted FROM STDIN WITH (FORMAT csv);
5,0.5
500,5.5
\.
SELECT qipc_exec('regress_ins', 'ins_fill');

-- ===================================================================
-- what is refused
-- ===================================================================
-- UPDATE and DELETE need a key to identify the rows
UPDATE ins_fill SET v = 0;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM ins_fill;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_keyed VALUES (9, 9, 'z') ON CONFLICT DO NOTHING;
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE ins_keyed OPTIONS (ADD updatable 'false');
INSERT INTO ins_keyed VALUES (9, 9, 'z');
\echo :LAST_ERROR_SQLSTATE
ALTER FOREIGN TABLE ins_keyed OPTIONS (SET updatable 'true');
-- the server's updatable is the default, the table's wins
ALTER SERVER regress_ins OPTIONS (ADD updatable 'false');
INSERT INTO ins_keyed VALUES (9, 9, 'z');
SELECT count(*) FROM ins_keyed;
ALTER FOREIGN TABLE ins_keyed OPTIONS (DROP updatable);
INSERT INTO ins_keyed VALUES (9, 9, 'z');
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER regress_ins OPTIONS (DROP updatable);
CREATE FOREIGN TABLE ins_query (id bigint) SERVER regress_ins
  OPTIONS (query 'select id from ins_keyed');
INSERT INTO ins_query VALUES (1);
\echo :LAST_ERROR_SQLSTATE
-- option values
ALTER FOREIGN TABLE ins_keyed OPTIONS (ADD batch_size '0');
ALTER FOREIGN TABLE ins_keyed OPTIONS (ADD insert_function 'not a name');
ALTER FOREIGN TABLE ins_keyed OPTIONS (ADD insert_async 'maybe');
ALTER SERVER regress_ins OPTIONS (ADD batch_sise '10');

-- ===================================================================
-- privileges: INSERT privilege as usual; the user mapping of the
-- inserting role is used, with its credentials
-- ===================================================================
CREATE ROLE regress_ins_user;
CREATE ROLE regress_ins_nomap;
CREATE SERVER regress_ins_auth FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port :'qauthport');
CREATE FOREIGN TABLE ins_priv (id bigint) SERVER regress_ins_auth;
GRANT SELECT, INSERT ON ins_priv TO regress_ins_user, regress_ins_nomap;
CREATE USER MAPPING FOR regress_ins_user SERVER regress_ins_auth
  OPTIONS (user 'regress_user', password 'secret');
SET ROLE regress_ins_user;
INSERT INTO ins_priv VALUES (1), (2);
SELECT * FROM ins_priv ORDER BY id;
RESET ROLE;
-- a role without a user mapping
SET ROLE regress_ins_nomap;
INSERT INTO ins_priv VALUES (3);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- wrong credentials in the mapping: q refuses the connection
CREATE USER MAPPING FOR regress_ins_nomap SERVER regress_ins_auth
  OPTIONS (user 'regress_user', password 'wrong');
SET ROLE regress_ins_nomap;
\set VERBOSITY terse
INSERT INTO ins_priv VALUES (3);
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- INSERT revoked: PostgreSQL refuses before anything reaches q
REVOKE INSERT ON ins_priv FROM regress_ins_user;
SET ROLE regress_ins_user;
INSERT INTO ins_priv VALUES (4);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ins_priv ORDER BY id;
RESET ROLE;

-- ===================================================================
-- clean up
-- ===================================================================
DROP USER MAPPING FOR regress_ins_user SERVER regress_ins_auth;
DROP USER MAPPING FOR regress_ins_nomap SERVER regress_ins_auth;
DROP SERVER regress_ins_auth CASCADE;
DROP ROLE regress_ins_user;
DROP ROLE regress_ins_nomap;
DROP TABLE ins_parted;
DROP TABLE ins_types_src;
DROP SERVER regress_ins CASCADE;
