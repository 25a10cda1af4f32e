--
-- functions: direct q access from SQL (qipc_exec, qipc_query, qipc_call,
-- qipc_send, qipc_exec_file), connection functions, privileges, and
-- function-backed foreign tables (test/fixtures/functions.q)
--
\getenv qport QIPC_TEST_PORT
\getenv qzipport QIPC_TEST_ZIP_PORT
\set SHOW_CONTEXT never

CREATE SERVER regress_fn FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_fn;

-- ===================================================================
-- PostgreSQL arguments -> q: type and value as q sees them
-- ===================================================================
SELECT qipc_exec('regress_fn', '{(type x; x)}', 7::int2) AS short,
       qipc_exec('regress_fn', '{(type x; x)}', 7::int4) AS int,
       qipc_exec('regress_fn', '{(type x; x)}', 7::int8) AS long;
SELECT qipc_exec('regress_fn', '{(type x; x)}', 1.5::float4) AS real,
       qipc_exec('regress_fn', '{(type x; x)}', 0.1::float8) AS float,
       qipc_exec('regress_fn', '{(type x; x)}', 2.25::numeric) AS numeric;
SELECT qipc_exec('regress_fn', '{(type x; x)}', true) AS bool,
       qipc_exec('regress_fn', '{(type x; x)}', 'abc'::text) AS text,
       qipc_exec('regress_fn', '{(type x; x)}', 'abc') AS unknown_literal,
       qipc_exec('regress_fn', '{(type x; x)}', 'x'::text) AS one_char_text;
-- name sends a symbol
SELECT qipc_exec('regress_fn', '{(type x; x)}', 'AAPL'::name) AS symbol;
SELECT qipc_exec('regress_fn', '{(type x; x)}', date '2024-01-02') AS date,
       qipc_exec('regress_fn', '{(type x; x)}', timestamp '2024-01-02 09:30:00.123456') AS timestamp;
SET timezone = 'America/New_York';
-- timestamptz is sent as UTC
SELECT qipc_exec('regress_fn', '{(type x; x)}', timestamptz '2024-01-02 09:30:00-05') AS timestamptz;
RESET timezone;
SELECT qipc_exec('regress_fn', '{(type x; x)}', time '12:34:56.789') AS time,
       qipc_exec('regress_fn', '{(type x; x)}', interval '1 day 02:00:00.000001') AS interval;
SELECT qipc_exec('regress_fn', '{(type x; x)}', '8c680a01-5a49-5aab-5a65-d4bfddb6a661'::uuid) AS guid,
       qipc_exec('regress_fn', '{(type x; x)}', '\x01ff'::bytea) AS bytes;
-- arrays are vectors; text[] is a list of strings, name[] a symbol vector
SELECT qipc_exec('regress_fn', '{(type x; x)}', ARRAY[1, 2, NULL]) AS int_vector,
       qipc_exec('regress_fn', '{(type x; x)}', ARRAY[1.5, NULL]::float8[]) AS float_vector,
       qipc_exec('regress_fn', '{(type x; x)}', ARRAY['a', 'bc']::text[]) AS strings,
       qipc_exec('regress_fn', '{(type x; x)}', ARRAY['a', 'bc']::name[]) AS symbols;
-- multi-dimensional arrays are nested q lists of the same shape (a matrix)
SELECT qipc_exec('regress_fn', '{(type x; type each x; x ~ (1 2i;3 4i))}', ARRAY[[1, 2], [3, 4]]) AS matrix,
       qipc_exec('regress_fn', '{(count x; count each x; x)}', ARRAY[[1, 2, 3], [4, 5, 6]]::int8[]) AS two_by_three;
SELECT qipc_exec('regress_fn', '{(type x; type each x; type each raze x; x)}',
                 ARRAY[[[1, 2], [3, 4]], [[5, 6], [7, NULL]]]::int2[]) AS cube,
       qipc_exec('regress_fn', '{(type x; type each x; x)}', ARRAY[['a', 'b'], ['c', 'd']]::name[]) AS symbols,
       qipc_exec('regress_fn', '{(type x; type each x; type each raze x; x)}', ARRAY[['a', 'bc'], ['', NULL]]::text[]) AS strings;
SELECT qipc_call('regress_fn', 'flip', ARRAY[[1, 2], [3, 4]]) AS transposed;
-- a domain is sent as its base type
CREATE DOMAIN regress_fn_price AS float8 CHECK (VALUE > 0);
SELECT qipc_exec('regress_fn', '{(type x; x)}', 9.5::regress_fn_price) AS domain;
-- NULL is the q null of the type; an untyped NULL is the generic null ::
SELECT qipc_exec('regress_fn', '{(type x; null x)}', NULL::int8) AS long_null,
       qipc_exec('regress_fn', '{(type x; null x)}', NULL::float8) AS float_null,
       qipc_exec('regress_fn', '{(type x; null x)}', NULL::date) AS date_null,
       qipc_exec('regress_fn', '{(type x; null x)}', NULL::name) AS symbol_null,
       qipc_exec('regress_fn', '{(type x; null x)}', NULL::uuid) AS guid_null;
SELECT qipc_exec('regress_fn', '{(type x; x)}', NULL::text) AS text_null,
       qipc_exec('regress_fn', '{type x}', NULL) AS untyped_null;
-- infinities
SELECT qipc_exec('regress_fn', '{x}', 'infinity'::float8) AS inf,
       qipc_exec('regress_fn', '{x}', '-infinity'::date) AS neg_inf_date;
-- several arguments, and the explicit VARIADIC form
SELECT qipc_exec('regress_fn', '{x+y+z}', 1, 2, 3);
SELECT qipc_exec('regress_fn', '{x,y}', 'AAPL'::name, 'MSFT'::name);
SELECT qipc_exec('regress_fn', '{x+y}', VARIADIC ARRAY[1, 2]);
SELECT qipc_exec('regress_fn', '{x+y}', VARIADIC NULL::int[]);   -- no arguments
-- values that cannot be sent
SELECT qipc_exec('regress_fn', '{x}', point '(1,2)');            -- ERROR
SELECT qipc_exec('regress_fn', '{x}', interval '1 month');       -- ERROR
-- strict-like: a NULL server or query gives NULL
SELECT qipc_exec(NULL, '1+1') IS NULL, qipc_exec('regress_fn', NULL) IS NULL;

-- ===================================================================
-- q -> jsonb
-- ===================================================================
-- booleans and numbers
SELECT qipc_exec('regress_fn', '0b') AS b0, qipc_exec('regress_fn', '1b') AS b1,
       qipc_exec('regress_fn', '0x2a') AS byte, qipc_exec('regress_fn', '42h') AS short,
       qipc_exec('regress_fn', '42i') AS int, qipc_exec('regress_fn', '-42') AS long;
SELECT qipc_exec('regress_fn', '1.5e') AS real, qipc_exec('regress_fn', '0.1') AS float,
       qipc_exec('regress_fn', '1e300') AS big, qipc_exec('regress_fn', '0.1+0.2') AS inexact;
-- nulls and infinities
SELECT qipc_exec('regress_fn', '0N') AS long_null, qipc_exec('regress_fn', '0Nh') AS short_null,
       qipc_exec('regress_fn', '0n') AS float_null, qipc_exec('regress_fn', '0Ne') AS real_null,
       qipc_exec('regress_fn', '0w') AS inf, qipc_exec('regress_fn', '-0w') AS neg_inf,
       qipc_exec('regress_fn', '0W') AS long_inf;
-- chars, strings, symbols, guids
SELECT qipc_exec('regress_fn', '"a"') AS char, qipc_exec('regress_fn', '" "') AS char_null,
       qipc_exec('regress_fn', '"hello world"') AS string, qipc_exec('regress_fn', '""') AS empty,
       qipc_exec('regress_fn', '`AAPL') AS symbol, qipc_exec('regress_fn', '`') AS symbol_null;
SELECT qipc_exec('regress_fn', '"caf\303\251"') AS utf8,
       qipc_exec('regress_fn', '"say \"hi\""') AS quotes;
SELECT qipc_exec('regress_fn', '"\377"');                          -- ERROR
SELECT qipc_exec('regress_fn', '"G"$"8c680a01-5a49-5aab-5a65-d4bfddb6a661"') AS guid,
       qipc_exec('regress_fn', '0Ng') AS guid_null;
-- temporal values at full precision
SELECT qipc_exec('regress_fn', '2024.01.02D09:30:00.123456789') AS timestamp,
       qipc_exec('regress_fn', '1999.12.31D23:59:59.999999999') AS pre2000,
       qipc_exec('regress_fn', '0Np') AS ts_null,
       qipc_exec('regress_fn', '0Wp') AS ts_inf;
SELECT qipc_exec('regress_fn', '2024.02m') AS month, qipc_exec('regress_fn', '2024.01.02') AS date,
       qipc_exec('regress_fn', '1969.07.20') AS date_1969, qipc_exec('regress_fn', '-0Wd') AS date_neg_inf,
       qipc_exec('regress_fn', '2024.01.02T03:04:05.678') AS datetime;
SELECT qipc_exec('regress_fn', '0D12:00:00.000000000') AS timespan,
       qipc_exec('regress_fn', '2D03:00:00.000000001') AS timespan_days,
       qipc_exec('regress_fn', 'neg 0D01:00:00') AS timespan_neg,
       qipc_exec('regress_fn', '12:34') AS minute, qipc_exec('regress_fn', '12:34:56') AS second,
       qipc_exec('regress_fn', '12:34:56.789') AS time, qipc_exec('regress_fn', 'neg 00:00:01.000') AS time_neg;
-- vectors, lists, dictionaries, tables
SELECT qipc_exec('regress_fn', '1 2 0N') AS longs, qipc_exec('regress_fn', '101b') AS bools,
       qipc_exec('regress_fn', '`a`b`') AS syms, qipc_exec('regress_fn', '(1;`a;"str";2.5)') AS mixed,
       qipc_exec('regress_fn', '(1 2;3 4)') AS nested, qipc_exec('regress_fn', '()') AS empty_list;
SELECT qipc_exec('regress_fn', '`a`b!1 2') AS dict,
       qipc_exec('regress_fn', '1 2!`x`y') AS long_keys,
       qipc_exec('regress_fn', '("k1";"k2")!(1.5;`v)') AS string_keys;
SELECT qipc_exec('regress_fn', '([] a:1 2; b:`x`y; c:("s1";"s2"))') AS table;
SELECT qipc_exec('regress_fn', '([k:1 2] v:`a`b)') AS keyed_table,
       qipc_exec('regress_fn', '0#([] a:1 2)') AS empty_table;
-- the generic null, functions
SELECT qipc_exec('regress_fn', '::') AS identity, qipc_exec('regress_fn', '{x+y}') AS lambda;
-- q errors
SELECT qipc_exec('regress_fn', '1+`a');                            -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT qipc_exec('regress_fn', '{x+y}', 1, 'a'::name);             -- ERROR

-- ===================================================================
-- qipc_query: rows with the conversions of a scan
-- ===================================================================
SELECT * FROM qipc_query('regress_fn', '([] a:1 2 3; b:`x`y`; c:1.5 0n 2.5; d:("s1";"";"s3"))')
  AS t(a bigint, b text, c float8, d text);
SELECT * FROM qipc_query('regress_fn', '{([] n:til x; t:2024.01.02D00:00:00+0D01:00:00*til x)}', 3)
  AS t(n int, t timestamp);
SELECT * FROM qipc_query('regress_fn', '([k:1 2] v:`a`b)') AS t(k int, v text);
-- a dictionary is one row, a list one column, an atom one value, :: no rows
SELECT * FROM qipc_query('regress_fn', '`a`b`c!(1;`x;2024.01.02)') AS t(a int, b text, c date);
SELECT * FROM qipc_query('regress_fn', 'til 3') AS t(n bigint);
SELECT * FROM qipc_query('regress_fn', '"one string"') AS t(s text);
SELECT * FROM qipc_query('regress_fn', '42') AS t(n numeric);
SELECT * FROM qipc_query('regress_fn', '::') AS t(n int);
-- mismatches
SELECT * FROM qipc_query('regress_fn', '([] a:1 2; b:3 4)') AS t(a int);               -- ERROR
SELECT * FROM qipc_query('regress_fn', '([] a:`x`y)') AS t(a int);                     -- ERROR
SELECT * FROM qipc_query('regress_fn', '([] a:0W 1)') AS t(a int);                     -- ERROR
SELECT * FROM qipc_query('regress_fn', '([] a:1 2)');                                  -- ERROR
SELECT * FROM qipc_query('regress_fn', '{x}') AS t(a text);                            -- ERROR

-- large results, compressed by the server (q test server -C always)
CREATE SERVER regress_fn_zip FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qzipport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_fn_zip;
SELECT jsonb_array_length(qipc_exec('regress_fn_zip', 'til 100000')) AS n,
       qipc_exec('regress_fn_zip', 'til 100000') -> 99999 AS last;
SELECT count(*), sum(a), count(DISTINCT b)
  FROM qipc_query('regress_fn_zip', '([] a:til 100000; b:100000#`x`y`z)') AS t(a bigint, b text);

-- ===================================================================
-- qipc_call: named functions, checked first
-- ===================================================================
SELECT qipc_exec('regress_fn', '.fntest.add:{x+y}; .fntest.ns.sub:{x-y}; .fntest.niladic:{[] 42}; .fntest.var:7;');
SELECT qipc_call('regress_fn', '.fntest.add', 4, 2) AS add,
       qipc_call('regress_fn', '.fntest.ns.sub', 4, 2) AS sub,
       qipc_call('regress_fn', '.fntest.niladic') AS niladic,
       qipc_call('regress_fn', 'neg', 5) AS builtin;
SELECT qipc_call('regress_fn', '.fntest.missing', 1);              -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT qipc_call('regress_fn', '.nosuchns.f');                     -- ERROR
SELECT qipc_call('regress_fn', '.fntest.var');                     -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT qipc_call('regress_fn', '{x}');                             -- ERROR
SELECT qipc_call('regress_fn', U&'\00E9');                         -- ERROR
SELECT qipc_call('regress_fn', '.fntest.add', 1, 'a'::name);       -- ERROR
-- text is sent as a q string: a function that wants a symbol says 'type,
-- and the hint points at ::name
SELECT qipc_exec('regress_fn', '.fntest.pos:{`a`b`c?x}; 1b');
SELECT qipc_call('regress_fn', '.fntest.pos', 'b');                -- ERROR
SELECT qipc_call('regress_fn', '.fntest.pos', 'b'::name);
SELECT qipc_exec('regress_fn', '{`a`b`c?x}', 'c'::text);           -- ERROR
SELECT qipc_exec('regress_fn', '{`a`b`c?x}', 'c'::name);

-- ===================================================================
-- qipc_send: async, no response
-- ===================================================================
SELECT qipc_send('regress_fn', 'fntest_sent:42');
SELECT qipc_exec('regress_fn', 'fntest_sent');
SELECT qipc_send('regress_fn', '{fntest_sent::x,y}', 'a'::name, 'b'::name);
SELECT qipc_exec('regress_fn', 'fntest_sent');
-- an error in an async message is not reported (q sends nothing back)
SELECT qipc_send('regress_fn', '1+`a');
SELECT qipc_exec('regress_fn', '1+1');

-- ===================================================================
-- qipc_exec_file: a script, statement by statement
-- ===================================================================
-- write the script where the database server can read it (CSV with
-- delimiter and quote characters that never occur: the lines as they are)
SELECT current_setting('data_directory') || '/qipc_functions_script.q' AS qfile \gset
COPY (SELECT line FROM (VALUES
  (1, '/ a comment line'),
  (2, 'fntest_script:1;  / a trailing comment'),
  (3, 'fntest_f:{[x;y]'),
  (4, '  x+y}'),
  (5, '/'),
  (6, 'fntest_script:999;  this is a block comment'),
  (7, '\'),
  (8, NULL),
  (9, 'fntest_s:"a / not a comment"'),
  (10, 'fntest_f[fntest_script;41]'),
  (11, '\'),
  (12, 'fntest_script:666;  after a lone backslash: ignored')) v(n, line) ORDER BY n)
  TO :'qfile' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02');
SELECT qipc_exec_file('regress_fn', :'qfile');
SELECT qipc_exec('regress_fn', '(fntest_script; fntest_s)');
-- the first q error stops the script and says where
SELECT current_setting('data_directory') || '/qipc_functions_bad.q' AS qbad \gset
COPY (VALUES ('fntest_script:2'), ('1+`a'), ('fntest_script:3')) TO :'qbad';
\set SHOW_CONTEXT errors
SELECT qipc_exec_file('regress_fn', 'qipc_functions_bad.q');      -- ERROR
\set SHOW_CONTEXT never
SELECT qipc_exec('regress_fn', 'fntest_script');
SELECT qipc_exec_file('regress_fn', 'no_such_file.q');             -- ERROR
COPY (SELECT '/ only a comment') TO :'qbad';
SELECT qipc_exec_file('regress_fn', :'qbad');

-- ===================================================================
-- servers that cannot be used
-- ===================================================================
SELECT qipc_exec('regress_fn_nosuch', '1');                        -- ERROR
CREATE FOREIGN DATA WRAPPER regress_fn_other_fdw;
CREATE SERVER regress_fn_other FOREIGN DATA WRAPPER regress_fn_other_fdw;
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_fn_other;
SELECT qipc_exec('regress_fn_other', '1');                         -- ERROR

-- ===================================================================
-- connection functions
-- ===================================================================
SELECT server_name, user_name = current_user AS user_ok,
       address ~ '^localhost:[0-9]+$' AS address_ok,
       connected_since IS NOT NULL AS connected, requests > 10 AS requests_ok,
       bytes_in > 0 AS bytes_in_ok, bytes_out > 0 AS bytes_out_ok, reconnects,
       last_error
  FROM qipc_fdw_get_connections() ORDER BY 1;
SELECT qipc_fdw_disconnect('regress_fn');
SELECT qipc_fdw_disconnect('regress_fn');
SELECT server_name, connected_since IS NOT NULL AS connected
  FROM qipc_fdw_get_connections() ORDER BY 1;
SELECT qipc_exec('regress_fn', '1+1');
SELECT qipc_fdw_disconnect_all();
SELECT qipc_fdw_disconnect_all();
SELECT qipc_fdw_disconnect('regress_fn_nosuch');                   -- ERROR

-- ===================================================================
-- privileges: EXECUTE is revoked from PUBLIC
-- ===================================================================
DROP ROLE IF EXISTS regress_fn_user;
CREATE ROLE regress_fn_user;
SELECT p.oid::regprocedure AS function,
       has_function_privilege('regress_fn_user', p.oid, 'EXECUTE') AS can_execute
  FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
  JOIN pg_extension e ON d.refobjid = e.oid AND d.refclassid = 'pg_extension'::regclass
 WHERE e.extname = 'qipc_fdw' AND p.proname NOT IN ('qipc_fdw_handler', 'qipc_fdw_validator')
 ORDER BY 1::text;
SET ROLE regress_fn_user;
SELECT qipc_exec('regress_fn', '1+1');                             -- ERROR
SELECT qipc_fdw_get_connections();                                 -- ERROR
RESET ROLE;
GRANT EXECUTE ON FUNCTION qipc_exec(name, text), qipc_exec_file(name, text)
  TO regress_fn_user;
SET ROLE regress_fn_user;
SELECT qipc_exec('regress_fn', '1+1');                             -- ERROR (no USAGE)
RESET ROLE;
GRANT USAGE ON FOREIGN SERVER regress_fn TO regress_fn_user;
SET ROLE regress_fn_user;
SELECT qipc_exec('regress_fn', '1+1');                             -- ERROR (no mapping)
RESET ROLE;
CREATE USER MAPPING FOR regress_fn_user SERVER regress_fn
  OPTIONS (password_required 'false');
SET ROLE regress_fn_user;
SELECT qipc_exec('regress_fn', '1+1');
-- the variadic form is a separate function, not granted
SELECT qipc_exec('regress_fn', '{x}', 1);                          -- ERROR
-- reading server files needs pg_read_server_files
SELECT qipc_exec_file('regress_fn', :'qfile');                     -- ERROR
RESET ROLE;
GRANT pg_read_server_files TO regress_fn_user;
SET ROLE regress_fn_user;
SELECT qipc_exec_file('regress_fn', :'qfile');
RESET ROLE;

-- ===================================================================
-- function-backed foreign tables
-- ===================================================================
CREATE FOREIGN TABLE trades_api (
  sym text OPTIONS (param '1'),
  day date OPTIONS (param '2'),
  time timestamp,
  price float8,
  size bigint
) SERVER regress_fn OPTIONS (function '.api.getTrades');

-- .api.getTrades[`AAPL;2024.01.02]
SELECT * FROM trades_api WHERE sym = 'AAPL' AND day = '2024-01-02' ORDER BY time;
SELECT * FROM trades_api WHERE day = '2024-01-03' AND 'MSFT' = sym;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM trades_api WHERE sym = 'AAPL' AND day = '2024-01-02';
-- other conditions apply locally
SELECT time, price FROM trades_api
 WHERE sym = 'AAPL' AND day = '2024-01-02' AND price > 190;
SELECT count(*) FROM trades_api WHERE sym = 'AAPL' AND day = '2024-01-02';
-- no rows
SELECT * FROM trades_api WHERE sym = 'IBM' AND day = '2024-01-02';
-- every argument needs a "column = value" condition
SELECT * FROM trades_api WHERE sym = 'AAPL';                      -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM trades_api WHERE sym IN ('AAPL', 'MSFT') AND day = '2024-01-02';  -- ERROR
SELECT * FROM trades_api WHERE sym = 'AAPL' AND day > '2024-01-01';             -- ERROR
EXPLAIN (COSTS OFF) SELECT * FROM trades_api;                                   -- ERROR
-- arguments from prepared statement parameters, evaluated at execution
PREPARE trades_q(text, date) AS
  SELECT sym, day, price FROM trades_api WHERE sym = $1 AND day = $2 ORDER BY time;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE trades_q('AAPL', '2024-01-02');
EXECUTE trades_q('AAPL', '2024-01-02');
EXECUTE trades_q('MSFT', '2024-01-03');
RESET plan_cache_mode;
DEALLOCATE trades_q;
-- stable expressions are arguments too, evaluated at execution
EXPLAIN (VERBOSE, COSTS OFF)
SELECT price FROM trades_api WHERE sym = upper('aapl') AND day = to_date('2024-01-03', 'YYYY-MM-DD');
SELECT price FROM trades_api WHERE sym = upper('aapl') AND day = to_date('2024-01-03', 'YYYY-MM-DD');
-- symbols are case sensitive
SELECT price FROM trades_api WHERE sym = 'aapl' AND day = '2024-01-03';
-- in a join, the arguments come from constants of the query
SELECT v.label, t.price
  FROM (VALUES ('first', 189.5::float8), ('second', 190.25)) v(label, p)
  JOIN trades_api t ON t.price = v.p
 WHERE t.sym = 'AAPL' AND t.day = '2024-01-02'
 ORDER BY v.label;

-- a function that does not return its argument columns: they are added
CREATE FOREIGN TABLE prices_api (
  sym varchar(8) OPTIONS (param '1'),
  day date OPTIONS (param '2'),
  time timestamp,
  price float8
) SERVER regress_fn OPTIONS (function '.api.getPrices');
SELECT * FROM prices_api WHERE sym = 'MSFT' AND day = '2024-01-03';

-- a keyed table result, with a column_name option
CREATE FOREIGN TABLE counts_api (
  day date OPTIONS (param '1'),
  symbol text OPTIONS (column_name 'sym'),
  n bigint
) SERVER regress_fn OPTIONS (function '.api.countBySym');
SELECT * FROM counts_api WHERE day = '2024-01-02' ORDER BY symbol;

-- typed arguments: text -> symbol, date -> date, bigint -> long
CREATE FOREIGN TABLE argtypes_api (
  a text OPTIONS (param '1'),
  b date OPTIONS (param '2'),
  c bigint OPTIONS (param '3'),
  ta smallint, tb smallint, tc smallint
) SERVER regress_fn OPTIONS (function '.api.argTypes');
SELECT * FROM argtypes_api WHERE c = 5 AND b = '2024-01-02' AND a = 'x';

-- a function without parameters
CREATE FOREIGN TABLE all_trades (sym text, day date, size bigint)
  SERVER regress_fn OPTIONS (function '.api.allTrades');
SELECT * FROM all_trades ORDER BY size;
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM all_trades;

-- errors
CREATE FOREIGN TABLE bad_api (s text OPTIONS (param '1'), x bigint)
  SERVER regress_fn OPTIONS (function '.api.notATable');
SELECT * FROM bad_api WHERE s = 'a';                               -- ERROR
ALTER FOREIGN TABLE bad_api ALTER COLUMN x OPTIONS (ADD param '3');
SELECT * FROM bad_api WHERE s = 'a' AND x = 1;                     -- ERROR
ALTER FOREIGN TABLE bad_api ALTER COLUMN x OPTIONS (SET param '1');
SELECT * FROM bad_api WHERE s = 'a' AND x = 1;                     -- ERROR
ALTER FOREIGN TABLE bad_api ALTER COLUMN x OPTIONS (SET param '9'); -- ERROR
ALTER FOREIGN TABLE bad_api OPTIONS (SET function 'api getTrades'); -- ERROR
ALTER FOREIGN TABLE bad_api OPTIONS (SET function U&'.api.\00E9t\00E9'); -- ERROR
ALTER FOREIGN TABLE bad_api OPTIONS (SET function '.api.noSuchFunction');
ALTER FOREIGN TABLE bad_api ALTER COLUMN x OPTIONS (DROP param);
SELECT * FROM bad_api WHERE s = 'a';                               -- ERROR

-- clean up
DROP FOREIGN TABLE trades_api, prices_api, counts_api, argtypes_api,
  all_trades, bad_api;
DROP DOMAIN regress_fn_price;
SET client_min_messages = warning;
DROP SERVER regress_fn, regress_fn_zip, regress_fn_other CASCADE;
RESET client_min_messages;
DROP FOREIGN DATA WRAPPER regress_fn_other_fdw;
REVOKE EXECUTE ON FUNCTION qipc_exec(name, text), qipc_exec_file(name, text)
  FROM regress_fn_user;
DROP ROLE regress_fn_user;
