--
-- pushdown: WHERE, ORDER BY / LIMIT and aggregates computed by q, with
-- exactly the SQL answer.  Each query is shown with its Remote q
-- (EXPLAIN VERBOSE) and its result; pd_check() runs a query with pushdown
-- on and off and compares the two results (as multisets).
--
\getenv qport QIPC_TEST_PORT

SET client_min_messages = warning;
DROP SERVER IF EXISTS regress_pd CASCADE;
RESET client_min_messages;
CREATE SERVER regress_pd FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_pd;

-- fixture: test/fixtures/pushdown.q
CREATE FOREIGN TABLE pd_t (id bigint, s text, h smallint, i integer,
  j bigint, e real, f double precision, d date, p timestamp, b boolean,
  g uuid, str text, c text)
  SERVER regress_pd OPTIONS (table 'pd_t');
-- the same with "C" collation on the text columns
CREATE FOREIGN TABLE pd_tc (id bigint, s text COLLATE "C", str text COLLATE "C")
  SERVER regress_pd OPTIONS (table 'pd_t');
CREATE FOREIGN TABLE pd_like (id bigint, s text) SERVER regress_pd;
CREATE FOREIGN TABLE pd_agg (k text, n bigint, v double precision, w bigint,
  flag boolean, d date) SERVER regress_pd;
CREATE FOREIGN TABLE pd_aggc (k text COLLATE "C", n bigint, v double precision)
  SERVER regress_pd OPTIONS (table 'pd_agg');

-- result with pushdown on = result with pushdown off; and was it pushed?
CREATE FUNCTION pd_check(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  diff bigint;
  n bigint;
  plan text := '';
  r record;
BEGIN
  PERFORM set_config('qipc_fdw.enable_pushdown', 'on', true);
  FOR r IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    plan := plan || r."QUERY PLAN" || E'\n';
  END LOOP;
  EXECUTE 'CREATE TEMP TABLE pd_on AS ' || q;
  PERFORM set_config('qipc_fdw.enable_pushdown', 'off', true);
  EXECUTE 'CREATE TEMP TABLE pd_off AS ' || q;
  PERFORM set_config('qipc_fdw.enable_pushdown', 'on', true);
  SELECT count(*) INTO diff FROM ((TABLE pd_on EXCEPT ALL TABLE pd_off)
    UNION ALL (TABLE pd_off EXCEPT ALL TABLE pd_on)) x;
  SELECT count(*) INTO n FROM pd_on;
  DROP TABLE pd_on, pd_off;
  RETURN CASE WHEN diff = 0 THEN 'same' ELSE 'DIFFERENT' END || ', ' || n ||
    ' rows, ' ||
    CASE WHEN plan ~ '(Filter:|Aggregate|Sort|Hash|Join|Nested)' THEN
      'local: ' || substring(plan from '(Filter:|Aggregate|Sort|Hash|Join|Nested)')
    ELSE 'pushed' END;
END $$;

-- the same, comparing rows in order (for ORDER BY queries)
CREATE FUNCTION pd_check_ordered(q text) RETURNS text LANGUAGE sql AS $$
  SELECT pd_check('SELECT row_number() OVER () AS pd_rn, pd_x.* FROM (' || q || ') pd_x')
$$;

-- ===================================================================
-- WHERE: comparisons on every type, with the null guards
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, h FROM pd_t WHERE h < 3;
SELECT id, h FROM pd_t WHERE h < 3 ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE NOT (h = 2);
SELECT id FROM pd_t WHERE NOT (h = 2) ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE s = 'a' OR NOT (h > 4);
SELECT id FROM pd_t WHERE s = 'a' OR NOT (h > 4) ORDER BY id;
-- floats: the sign of x-c (q's = < > are tolerant)
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, f FROM pd_t WHERE f <= 0.1;
SELECT id, f FROM pd_t WHERE f <= 0.1 ORDER BY id;
-- timestamps: nanosecond bounds of the microsecond constant
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, p FROM pd_t WHERE p = '2024-01-01';
SELECT id, p FROM pd_t WHERE p = '2024-01-01' ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE p <= '2024-01-01 00:00:00.000001';
-- IN / NOT IN in the column's q type, BETWEEN
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE i NOT IN (10, 40, 99);
SELECT id FROM pd_t WHERE i NOT IN (10, 40, 99) ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE s IN ('a', 'c', '');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE d BETWEEN '2024-01-01' AND '2024-01-31';
-- IS NULL (symbols: x=`$"", since null is 0b on enumerated symbols)
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE s IS NULL AND h IS NOT NULL;
-- string columns: equality through an escaped like pattern
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE str = 'a*c';
SELECT id, str FROM pd_t WHERE str = 'a[b]c' OR str = 'a?c' ORDER BY id;

SELECT q, pd_check(q) FROM (VALUES
 ('SELECT id FROM pd_t WHERE h = 2'), ('SELECT id FROM pd_t WHERE h <> 2'),
 ('SELECT id FROM pd_t WHERE h < 2'), ('SELECT id FROM pd_t WHERE h <= 2'),
 ('SELECT id FROM pd_t WHERE h > 2'), ('SELECT id FROM pd_t WHERE h >= 2'),
 ('SELECT id FROM pd_t WHERE 2 > h'), ('SELECT id FROM pd_t WHERE 2 <> h'),
 ('SELECT id FROM pd_t WHERE NOT (h = 2)'), ('SELECT id FROM pd_t WHERE NOT (h < 2)'),
 ('SELECT id FROM pd_t WHERE NOT (h <= 2)'), ('SELECT id FROM pd_t WHERE NOT (h >= 2 OR i < 0)'),
 ('SELECT id FROM pd_t WHERE i = 40::bigint'), ('SELECT id FROM pd_t WHERE i < 5000000000'),
 ('SELECT id FROM pd_t WHERE h > -40000'), ('SELECT id FROM pd_t WHERE j <> -9223372036854775808'),
 ('SELECT id FROM pd_t WHERE j > -9223372036854775808'), ('SELECT id FROM pd_t WHERE j < 9223372036854775807'),
 ('SELECT id FROM pd_t WHERE j BETWEEN 100 AND 500'), ('SELECT id FROM pd_t WHERE j NOT BETWEEN 100 AND 500'),
 ('SELECT id FROM pd_t WHERE i IN (10, 40, 99)'), ('SELECT id FROM pd_t WHERE i NOT IN (10, 40, 99)'),
 ('SELECT id FROM pd_t WHERE NOT (i IN (10, 40))'), ('SELECT id FROM pd_t WHERE NOT (i NOT IN (10, 40))'),
 ('SELECT id FROM pd_t WHERE i IN (10, NULL)'), ('SELECT id FROM pd_t WHERE i NOT IN (10, NULL)'),
 ('SELECT id FROM pd_t WHERE h IN (1, 100000)'), ('SELECT id FROM pd_t WHERE j = ANY (''{}'')'),
 ('SELECT id FROM pd_t WHERE s = ''a'''), ('SELECT id FROM pd_t WHERE s <> ''a'''),
 ('SELECT id FROM pd_t WHERE s = '''''), ('SELECT id FROM pd_t WHERE s <> '''''),
 ('SELECT id FROM pd_t WHERE NOT (s = ''a'')'), ('SELECT id FROM pd_t WHERE s < ''b'''),
 ('SELECT id FROM pd_t WHERE s IN (''a'', ''c'', '''')'), ('SELECT id FROM pd_t WHERE s NOT IN (''a'', ''c'')'),
 ('SELECT id FROM pd_t WHERE s NOT IN (''a'', '''')'), ('SELECT id FROM pd_t WHERE s IS NULL'),
 ('SELECT id FROM pd_t WHERE s IS NOT NULL'), ('SELECT id FROM pd_t WHERE h IS NULL'),
 ('SELECT id FROM pd_t WHERE NOT (h IS NULL)'), ('SELECT id FROM pd_t WHERE e IS NULL OR f IS NULL'),
 ('SELECT id FROM pd_t WHERE f = 1.5'), ('SELECT id FROM pd_t WHERE f <> 1.5'),
 ('SELECT id FROM pd_t WHERE f < 0.1'), ('SELECT id FROM pd_t WHERE f <= 0.1'),
 ('SELECT id FROM pd_t WHERE f > 0.1'), ('SELECT id FROM pd_t WHERE f >= 0.1'),
 ('SELECT id FROM pd_t WHERE NOT (f > 0.1)'), ('SELECT id FROM pd_t WHERE NOT (f <> 1.5)'),
 ('SELECT id FROM pd_t WHERE f = 1e-300'), ('SELECT id FROM pd_t WHERE f > 1e-300'),
 ('SELECT id FROM pd_t WHERE f > 1.0000000000001'), ('SELECT id FROM pd_t WHERE f < 1.4999999999999'),
 ('SELECT id FROM pd_t WHERE f < ''NaN'''), ('SELECT id FROM pd_t WHERE f = ''NaN'''),
 ('SELECT id FROM pd_t WHERE f > ''-Infinity'''), ('SELECT id FROM pd_t WHERE f = ''Infinity'''),
 ('SELECT id FROM pd_t WHERE f = 0'), ('SELECT id FROM pd_t WHERE f = -0.0'),
 ('SELECT id FROM pd_t WHERE f > 0'), ('SELECT id FROM pd_t WHERE f <= 0'),
 ('SELECT id FROM pd_t WHERE e = 1.5'), ('SELECT id FROM pd_t WHERE e < 1'),
 ('SELECT id FROM pd_t WHERE e >= 0.25::real'), ('SELECT id FROM pd_t WHERE NOT (e > 2)'),
 ('SELECT id FROM pd_t WHERE e = 0.1'), ('SELECT id FROM pd_t WHERE e = 0.1::real'),
 ('SELECT id FROM pd_t WHERE d = ''2024-01-01'''), ('SELECT id FROM pd_t WHERE d < ''2024-01-01'''),
 ('SELECT id FROM pd_t WHERE d <> ''2024-01-01'''), ('SELECT id FROM pd_t WHERE d >= ''infinity'''),
 ('SELECT id FROM pd_t WHERE d > ''-infinity'''), ('SELECT id FROM pd_t WHERE d IN (''2024-01-01'', ''2000-01-01'')'),
 ('SELECT id FROM pd_t WHERE d NOT IN (''2024-01-01'', ''2000-01-01'')'), ('SELECT id FROM pd_t WHERE d BETWEEN ''2000-01-01'' AND ''2024-01-01'''),
 ('SELECT id FROM pd_t WHERE p = ''2024-01-01'''), ('SELECT id FROM pd_t WHERE p <> ''2024-01-01'''),
 ('SELECT id FROM pd_t WHERE p < ''2024-01-01 00:00:00.000001'''), ('SELECT id FROM pd_t WHERE p <= ''2024-01-01 00:00:00.000001'''),
 ('SELECT id FROM pd_t WHERE p > ''2024-01-01'''), ('SELECT id FROM pd_t WHERE p >= ''1999-12-31 23:59:59.999999'''),
 ('SELECT id FROM pd_t WHERE p < ''1999-12-31 23:59:59.999999'''), ('SELECT id FROM pd_t WHERE p = ''1999-12-31 23:59:59.999999'''),
 ('SELECT id FROM pd_t WHERE p = ''2024-01-01 12:00:00'''), ('SELECT id FROM pd_t WHERE NOT (p > ''2024-01-01 12:00:00'')'),
 ('SELECT id FROM pd_t WHERE p > ''-infinity'''), ('SELECT id FROM pd_t WHERE p < ''infinity'''),
 ('SELECT id FROM pd_t WHERE p <= ''infinity'''), ('SELECT id FROM pd_t WHERE p = ''-infinity'''),
 ('SELECT id FROM pd_t WHERE p < ''3000-01-01'''), ('SELECT id FROM pd_t WHERE p > ''1500-01-01'''),
 ('SELECT id FROM pd_t WHERE p BETWEEN ''2024-01-01'' AND ''2024-01-01 00:00:00.000001'''),
 ('SELECT id FROM pd_t WHERE b'), ('SELECT id FROM pd_t WHERE NOT b'),
 ('SELECT id FROM pd_t WHERE b = false'), ('SELECT id FROM pd_t WHERE b <> true'),
 ('SELECT id FROM pd_t WHERE b IS NULL'), ('SELECT id FROM pd_t WHERE b AND h > 1'),
 ('SELECT id FROM pd_t WHERE g = ''00000000-0000-0000-0000-000000000001'''),
 ('SELECT id FROM pd_t WHERE g <> ''00000000-0000-0000-0000-000000000001'''),
 ('SELECT id FROM pd_t WHERE g = ''00000000-0000-0000-0000-000000000000'''),
 ('SELECT id FROM pd_t WHERE g <> ''00000000-0000-0000-0000-000000000000'''),
 ('SELECT id FROM pd_t WHERE g IN (''00000000-0000-0000-0000-000000000000'', ''00000000-0000-0000-0000-000000000002'')'),
 ('SELECT id FROM pd_t WHERE g IS NULL'), ('SELECT id FROM pd_t WHERE g < ''00000000-0000-0000-0000-000000000003'''),
 ('SELECT id FROM pd_t WHERE str = ''a*c'''), ('SELECT id FROM pd_t WHERE str <> ''a*c'''),
 ('SELECT id FROM pd_t WHERE str = ''a[b]c'''), ('SELECT id FROM pd_t WHERE str = '''''),
 ('SELECT id FROM pd_t WHERE str = ''ab"c'''), ('SELECT id FROM pd_t WHERE str IS NULL'),
 ('SELECT id FROM pd_t WHERE c = ''a'''), ('SELECT id FROM pd_t WHERE c IS NULL'),
 ('SELECT id FROM pd_t WHERE c IS NOT NULL'),
 ('SELECT id FROM pd_t WHERE (h > 1 AND s = ''b'') OR NOT (f < 2 AND d IS NOT NULL)'),
 ('SELECT id FROM pd_t WHERE NOT (h > 1 OR s IS NULL)'),
 ('SELECT id FROM pd_t WHERE NOT (NOT (h > 1) AND NOT (p < ''2024-01-01''))'),
 ('SELECT id FROM pd_t WHERE (h < 3 OR h IS NULL) AND NOT (b OR e > 1)'),
 ('SELECT id FROM pd_t WHERE h + 1 > 3'), ('SELECT id FROM pd_t WHERE h > i'),
 ('SELECT id FROM pd_t WHERE lower(s) = ''a''')
) v(q);

-- ===================================================================
-- text: ordering only under "C"; LIKE with q's specials escaped
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE s < 'b';
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_tc WHERE s < 'b';
SELECT id, s FROM pd_tc WHERE s < 'b' ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, s FROM pd_like WHERE s LIKE 'a*%';
SELECT q, pd_check(q) FROM (VALUES
 ('SELECT id FROM pd_tc WHERE s < ''b'''), ('SELECT id FROM pd_tc WHERE s >= ''it'''),
 ('SELECT id FROM pd_tc WHERE s > '''''), ('SELECT id FROM pd_tc WHERE NOT (s <= ''c'')'),
 ('SELECT id FROM pd_tc WHERE s BETWEEN ''a'' AND ''b'''), ('SELECT id FROM pd_tc WHERE str < ''b'''),
 ('SELECT id FROM pd_t WHERE s < ''b'' COLLATE "C"'),
 ('SELECT id FROM pd_like WHERE s LIKE ''a*c'''), ('SELECT id FROM pd_like WHERE s LIKE ''a?c'''),
 ('SELECT id FROM pd_like WHERE s LIKE ''a[b]c'''), ('SELECT id FROM pd_like WHERE s LIKE ''a[%'''),
 ('SELECT id FROM pd_like WHERE s LIKE ''%]%'''), ('SELECT id FROM pd_like WHERE s LIKE ''a\_c'''),
 ('SELECT id FROM pd_like WHERE s LIKE ''a\%c'''), ('SELECT id FROM pd_like WHERE s LIKE ''a\\c'''),
 ('SELECT id FROM pd_like WHERE s LIKE ''a_c'''), ('SELECT id FROM pd_like WHERE s LIKE ''%'''),
 ('SELECT id FROM pd_like WHERE s NOT LIKE ''a%c'''), ('SELECT id FROM pd_like WHERE s LIKE ''A%'''),
 ('SELECT id FROM pd_like WHERE s ILIKE ''A%'''), ('SELECT id FROM pd_like WHERE s LIKE ''a%'' ESCAPE ''#'''),
 ('SELECT id FROM pd_t WHERE str LIKE ''a%'''), ('SELECT id FROM pd_t WHERE str LIKE ''%\%'''),
 ('SELECT id FROM pd_t WHERE str NOT LIKE ''a*%''')
) v(q);
-- a pattern ending in the escape character is an error, as locally
SELECT id FROM pd_like WHERE s LIKE 'a\';
-- a run of % is one * (q's like rejects **); an escaped % stays literal;
-- q's like cannot combine a * inside the pattern with another (*a*c*):
-- those patterns, and patterns given as parameters, stay local
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE str LIKE '%%\%%%';
SELECT id, str FROM pd_t WHERE str LIKE '%%\%%%';
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE str LIKE '%a%c%';
SELECT q, pd_check(q) FROM (VALUES
 ('SELECT id FROM pd_t WHERE str LIKE ''%%c'''), ('SELECT id FROM pd_t WHERE str LIKE ''%\%%'''),
 ('SELECT id FROM pd_t WHERE str LIKE ''a%%%'''), ('SELECT id FROM pd_t WHERE str NOT LIKE ''%%%'''),
 ('SELECT id FROM pd_t WHERE str LIKE ''%%b%%'''), ('SELECT id FROM pd_t WHERE str LIKE ''a%%c'''),
 ('SELECT id FROM pd_t WHERE str LIKE ''%a%c%'''), ('SELECT id FROM pd_t WHERE str LIKE ''a%b%'''),
 ('SELECT id FROM pd_t WHERE str LIKE ''%\%%\%%''')
) v(q);
PREPARE pd_like1(text) AS SELECT id FROM pd_t WHERE str LIKE $1 ORDER BY id;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pd_like1('%a%c%');
EXECUTE pd_like1('%a%c%');
RESET plan_cache_mode;
EXECUTE pd_like1('%%c');
DEALLOCATE pd_like1;

-- ===================================================================
-- char columns (q type c): =, <> and IN are exact whatever text-like type
-- declares them (text, varchar, char(n), "char"); the space is q's null,
-- and a value that is not one byte equals no item
-- ===================================================================
CREATE FOREIGN TABLE pd_char (id bigint, c text, k text) SERVER regress_pd;
CREATE FOREIGN TABLE pd_char_v (id bigint, c varchar(1), k text)
  SERVER regress_pd OPTIONS (table 'pd_char');
CREATE FOREIGN TABLE pd_char_b (id bigint, c char(1), k text)
  SERVER regress_pd OPTIONS (table 'pd_char');
CREATE FOREIGN TABLE pd_char_b3 (id bigint, c char(3), k text)
  SERVER regress_pd OPTIONS (table 'pd_char');
CREATE FOREIGN TABLE pd_char_q (id bigint, c "char", k text)
  SERVER regress_pd OPTIONS (table 'pd_char');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_char WHERE c = 'a';
SELECT id, c FROM pd_char WHERE c = 'a' ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_char_b WHERE c IN ('a', '*', 'xy');
EXPLAIN (VERBOSE, COSTS OFF) SELECT c, count(*) FROM pd_char GROUP BY c;
SELECT c, count(*) FROM pd_char GROUP BY c ORDER BY c COLLATE "C";
SELECT c, count(*) FROM pd_char_q GROUP BY c ORDER BY c;
SELECT q, pd_check(q) FROM (VALUES
 ('SELECT id FROM pd_char WHERE c = ''a'''), ('SELECT id FROM pd_char WHERE c <> ''a'''),
 ('SELECT id FROM pd_char WHERE NOT (c = ''a'')'), ('SELECT id FROM pd_char WHERE NOT (c <> ''a'')'),
 ('SELECT id FROM pd_char WHERE c = ''ab'''), ('SELECT id FROM pd_char WHERE c <> ''ab'''),
 ('SELECT id FROM pd_char WHERE c = '' '''), ('SELECT id FROM pd_char WHERE c <> '' '''),
 ('SELECT id FROM pd_char WHERE c = '''''), ('SELECT id FROM pd_char WHERE c <> '''''),
 ('SELECT id FROM pd_char WHERE c = ''"'''), ('SELECT id FROM pd_char WHERE c = ''\'''),
 ('SELECT id FROM pd_char WHERE c = ''*'''), ('SELECT id FROM pd_char WHERE c = ''A'''),
 ('SELECT id FROM pd_char WHERE c = ''é'''), ('SELECT id FROM pd_char WHERE c <> ''é'''),
 ('SELECT id FROM pd_char WHERE c IN (''a'', ''*'', ''xy'', '''')'),
 ('SELECT id FROM pd_char WHERE c NOT IN (''a'', ''*'', ''xy'')'),
 ('SELECT id FROM pd_char WHERE c IN (''a'', NULL)'), ('SELECT id FROM pd_char WHERE c IN (''b'')'),
 ('SELECT id FROM pd_char WHERE c IS NULL OR c = ''b'''),
 ('SELECT id FROM pd_char_v WHERE c = ''a'''), ('SELECT id FROM pd_char_v WHERE c NOT IN (''a'', ''b'')'),
 ('SELECT id FROM pd_char_b WHERE c = ''a'''), ('SELECT id FROM pd_char_b WHERE c = ''a  '''),
 ('SELECT id FROM pd_char_b WHERE c = '''''), ('SELECT id FROM pd_char_b WHERE c <> '''''),
 ('SELECT id FROM pd_char_b WHERE c IN (''a'', ''*'', ''xy'')'),
 ('SELECT id FROM pd_char_b3 WHERE c = ''a'''), ('SELECT id FROM pd_char_b3 WHERE c = ''a  '''),
 ('SELECT id FROM pd_char_b3 WHERE c <> ''ab'''),
 ('SELECT id FROM pd_char_q WHERE c = ''a'''), ('SELECT id FROM pd_char_q WHERE c <> ''a'''),
 ('SELECT id FROM pd_char_q WHERE c = '' '''), ('SELECT id FROM pd_char_q WHERE c IN (''a'', ''\'')'),
 ('SELECT c, count(*) FROM pd_char GROUP BY c'), ('SELECT c, count(*) FROM pd_char_b GROUP BY c'),
 ('SELECT c, count(*) FROM pd_char_q GROUP BY c'), ('SELECT c, k, count(*) FROM pd_char GROUP BY c, k'),
 ('SELECT c, count(*) FROM pd_char GROUP BY c HAVING c <> ''a'''),
 ('SELECT c, count(*) FROM pd_char WHERE k = ''z'' GROUP BY c'),
 ('SELECT id FROM pd_char WHERE c < ''b''')
) v(q);
-- parameters: the argument is the char, or the space when it is not one byte
PREPARE pd_c1(text) AS SELECT id FROM pd_char WHERE c = $1 ORDER BY id;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pd_c1('a');
EXECUTE pd_c1('a');
EXECUTE pd_c1('ab');
EXECUTE pd_c1(' ');
EXECUTE pd_c1(NULL);
RESET plan_cache_mode;
DEALLOCATE pd_c1;
-- = ANY flattens a multi-dimensional array, which q would get nested: local
SELECT pd_check('SELECT id FROM pd_t WHERE i = ANY (''{{10,40},{99,1}}''::int[])');

-- ===================================================================
-- hostile strings never change the query: they are typed arguments
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM pd_t WHERE s = 'x"; .qserver.exit[]; "' OR str = E'\\"`;\n0N!1';
SELECT id FROM pd_t WHERE s = 'x"; .qserver.exit[]; "' OR str = E'\\"`;\n0N!1';
SELECT id, s FROM pd_t WHERE s IN ('it''s', '`a', 'a;b', E'\n', '{x}') ORDER BY id;
SELECT id FROM pd_like WHERE s LIKE E'%"]; exit 0; ["%';
SELECT id, str FROM pd_t WHERE str = 'ab"c';
SELECT count(*) FROM pd_t;   -- the server is still there
-- column names that need quoting (fixture fdw_core.q)
CREATE FOREIGN TABLE pd_weird ("my col" bigint, b bigint, "x-y" bigint)
  SERVER regress_pd OPTIONS (table 'fdw_weird');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT "x-y" FROM pd_weird WHERE "my col" > 1 ORDER BY "x-y" DESC;
SELECT "x-y" FROM pd_weird WHERE "my col" > 1 ORDER BY "x-y" DESC;
SELECT "my col", sum(b) FROM pd_weird GROUP BY "my col" ORDER BY 1;

-- ===================================================================
-- prepared statements: parameters are arguments; generic plans too
-- ===================================================================
PREPARE pd_q1(int, text) AS SELECT id FROM pd_t WHERE i > $1 AND s <> $2 ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pd_q1(15, 'b');
EXECUTE pd_q1(15, 'b');
EXECUTE pd_q1(15, 'b');
EXECUTE pd_q1(15, 'b');
EXECUTE pd_q1(15, 'b');
EXECUTE pd_q1(15, 'b');
EXECUTE pd_q1(15, 'b');
-- the generic plan: parameters and their null tests travel as arguments
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pd_q1(15, 'b');
EXECUTE pd_q1(NULL, 'b');
EXECUTE pd_q1(0, NULL);
EXECUTE pd_q1(0, '');
PREPARE pd_q2(timestamp) AS SELECT id FROM pd_t WHERE p <= $1 ORDER BY id;
EXECUTE pd_q2('2024-01-01');
EXECUTE pd_q2('2024-01-01');
EXECUTE pd_q2('2024-01-01');
EXECUTE pd_q2('2024-01-01');
EXECUTE pd_q2('2024-01-01');
EXECUTE pd_q2('2024-01-01');
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pd_q2('2024-01-01');
EXECUTE pd_q2('infinity');
EXECUTE pd_q2('-infinity');
EXECUTE pd_q2('3000-01-01');
EXECUTE pd_q2(NULL);
PREPARE pd_q3(float8) AS SELECT id FROM pd_t WHERE f > $1 ORDER BY id;
EXECUTE pd_q3(1);
EXECUTE pd_q3(1);
EXECUTE pd_q3(1);
EXECUTE pd_q3(1);
EXECUTE pd_q3(1);
EXECUTE pd_q3(1);
-- float parameters: q branches on NaN (above every value for PostgreSQL)
-- and on infinities (x-a would be NaN)
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pd_q3(1);
EXECUTE pd_q3('NaN');
EXECUTE pd_q3('-Infinity');
EXECUTE pd_q3('Infinity');
EXECUTE pd_q3(NULL);
PREPARE pd_q4(float8) AS SELECT id FROM pd_t WHERE NOT (e >= $1) ORDER BY id;
EXECUTE pd_q4(0.25);
EXECUTE pd_q4(0.25);
EXECUTE pd_q4(0.25);
EXECUTE pd_q4(0.25);
EXECUTE pd_q4(0.25);
EXECUTE pd_q4(0.25);
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pd_q4(0.25);
EXECUTE pd_q4('NaN');
EXECUTE pd_q4('Infinity');
EXECUTE pd_q4('-Infinity');
-- timestamp infinities (0Wp, -0Wp) against constants and parameters
CREATE FOREIGN TABLE pd_ts (id bigint, p timestamp) SERVER regress_pd;
SELECT q, pd_check(q) FROM (SELECT 'SELECT id FROM pd_ts WHERE p ' || o || ' ' || v
  FROM (VALUES ('='), ('<>'), ('<'), ('<='), ('>'), ('>=')) o(o),
       (VALUES ('''infinity'''), ('''-infinity'''), ('''2024-01-01'''),
               ('''3000-01-01'''), ('''1000-01-01''')) v(v)) x(q);
SET plan_cache_mode = force_generic_plan;
PREPARE pd_q6(timestamp) AS SELECT id FROM pd_ts WHERE p <= $1 ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pd_q6('infinity');
EXECUTE pd_q6('infinity');
EXECUTE pd_q6('-infinity');
EXECUTE pd_q6('2024-01-01');
PREPARE pd_q7(timestamp) AS SELECT id FROM pd_ts WHERE p > $1 OR p = $1 ORDER BY id;
EXECUTE pd_q7('infinity');
EXECUTE pd_q7('-infinity');
EXECUTE pd_q7('2262-04-11 23:47:16.854775');
PREPARE pd_q8(timestamp) AS SELECT id FROM pd_ts WHERE NOT (p <> $1) ORDER BY id;
EXECUTE pd_q8('infinity');
EXECUTE pd_q8('2024-01-01');
RESET plan_cache_mode;
DEALLOCATE ALL;

-- ===================================================================
-- ORDER BY (NULLS FIRST/LAST) and LIMIT (q sublist)
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, h FROM pd_t ORDER BY h;
SELECT id, h FROM pd_t ORDER BY h;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, h FROM pd_t ORDER BY h DESC LIMIT 3;
SELECT id, h FROM pd_t ORDER BY h DESC LIMIT 3;
SELECT id, d FROM pd_t ORDER BY d NULLS FIRST, id DESC;
SELECT id, s FROM pd_tc ORDER BY s DESC NULLS LAST, id LIMIT 4 OFFSET 1;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, s FROM pd_t ORDER BY s;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t WHERE h > 1 LIMIT 2;
SELECT count(*) FROM (SELECT id FROM pd_t WHERE h > 1 LIMIT 2) x;
SELECT q, pd_check_ordered(q) FROM (VALUES
 ('SELECT id, h FROM pd_t ORDER BY h, id'), ('SELECT id, h FROM pd_t ORDER BY h DESC, id'),
 ('SELECT id, h FROM pd_t ORDER BY h NULLS FIRST, id'), ('SELECT id, h FROM pd_t ORDER BY h DESC NULLS LAST, id'),
 ('SELECT id, f FROM pd_t ORDER BY f, id LIMIT 5'), ('SELECT id, p FROM pd_t ORDER BY p DESC, id LIMIT 3 OFFSET 2'),
 ('SELECT id, s FROM pd_tc ORDER BY s, id'), ('SELECT id, b FROM pd_t ORDER BY b DESC, id LIMIT 4'),
 ('SELECT id, e FROM pd_t WHERE e > 0 ORDER BY e DESC NULLS LAST, id LIMIT 2'),
 ('SELECT id FROM pd_t ORDER BY id LIMIT 0'), ('SELECT id FROM pd_t ORDER BY id LIMIT 100'),
 ('SELECT id FROM pd_t ORDER BY id OFFSET 6'), ('SELECT 1 FROM pd_t LIMIT 3')
) v(q);

-- ===================================================================
-- aggregates: GROUP BY with null keys, empty and all-null groups
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT k, count(*), count(n), sum(n), avg(v), min(d), max(d) FROM pd_agg GROUP BY k;
SELECT k, count(*), count(n), sum(n), avg(v), min(d), max(d) FROM pd_agg GROUP BY k ORDER BY k;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*), count(n), sum(n), avg(v), min(v), max(n) FROM pd_agg WHERE n > 100;
SELECT count(*), count(n), sum(n), avg(v), min(v), max(n) FROM pd_agg WHERE n > 100;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT k, count(DISTINCT n), bool_and(flag), bool_or(flag) FROM pd_agg GROUP BY k HAVING count(*) > 1;
SELECT k, count(DISTINCT n), bool_and(flag), bool_or(flag) FROM pd_agg GROUP BY k HAVING count(*) > 1 ORDER BY k;
-- HAVING: translated like WHERE over the groups; sum(bigint) is numeric
-- and a float average may be NaN (q's null), so those conditions stay local
EXPLAIN (VERBOSE, COSTS OFF)
SELECT k, sum(n) FROM pd_agg GROUP BY k HAVING count(*) > 1 AND sum(n) > 2 AND NOT (min(d) < '2024-01-02');
SELECT k, sum(n) FROM pd_agg GROUP BY k HAVING count(*) > 1 AND sum(n) > 2 AND NOT (min(d) < '2024-01-02');
SELECT q, pd_check(q) FROM (VALUES
 ('SELECT k FROM pd_agg GROUP BY k HAVING min(d) >= ''2024-01-02'' OR avg(v) IS NULL'),
 ('SELECT k FROM pd_agg GROUP BY k HAVING NOT (max(n) < 3)'),
 ('SELECT k FROM pd_agg GROUP BY k HAVING avg(v) > 2.5'),
 ('SELECT k FROM pd_agg GROUP BY k HAVING k IS NULL OR count(n) = 0'),
 ('SELECT k FROM pd_agg GROUP BY k HAVING bool_or(flag) AND count(DISTINCT n) < 2'),
 ('SELECT k FROM pd_agg GROUP BY k HAVING sum(n) > 2')
) v(q);

-- ORDER BY and LIMIT over the groups
EXPLAIN (VERBOSE, COSTS OFF)
SELECT k, count(*), sum(n) FROM pd_aggc GROUP BY k ORDER BY sum(n) DESC, k LIMIT 2;
SELECT k, count(*), sum(n) FROM pd_aggc GROUP BY k ORDER BY sum(n) DESC, k LIMIT 2;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT k, avg(v) FROM pd_aggc GROUP BY k ORDER BY k DESC;
SELECT k, avg(v) FROM pd_aggc GROUP BY k ORDER BY k DESC;
SELECT q, pd_check_ordered(q) FROM (VALUES
 ('SELECT k, count(*) FROM pd_aggc GROUP BY k ORDER BY count(*), k'),
 ('SELECT k, sum(n) s FROM pd_aggc GROUP BY k ORDER BY s NULLS FIRST, k LIMIT 3'),
 ('SELECT k, sum(n) s FROM pd_aggc GROUP BY k ORDER BY s DESC NULLS LAST, k LIMIT 3 OFFSET 1'),
 ('SELECT k, sum(n) s FROM pd_aggc GROUP BY k ORDER BY s DESC, k DESC LIMIT 2'),
 ('SELECT k, sum(n) s FROM pd_agg GROUP BY k ORDER BY s, k LIMIT 2'),
 ('SELECT d, min(v) m FROM pd_agg GROUP BY d ORDER BY d DESC LIMIT 2'),
 ('SELECT flag, max(d) m FROM pd_agg GROUP BY flag ORDER BY m, flag'),
 ('SELECT k, count(*) FROM pd_agg GROUP BY k HAVING count(*) > 1 ORDER BY 2, 1 LIMIT 1')
) v(q);

-- sum(bigint) is numeric: q sums the high and low 32-bit parts apart
-- (hidden column f0) and the scan computes high * 2^32 + low, exactly
SELECT sum(w) FROM pd_agg WHERE k = 'x';
SELECT sum(w) FROM pd_agg;   -- beyond 64 bits
SET qipc_fdw.enable_pushdown = off;
SELECT sum(w) FROM pd_agg;
RESET qipc_fdw.enable_pushdown;
CREATE FOREIGN TABLE pd_big (k text COLLATE "C", j bigint) SERVER regress_pd;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT k, sum(j) s FROM pd_big GROUP BY k ORDER BY s DESC LIMIT 2;
SELECT k, sum(j) s FROM pd_big GROUP BY k ORDER BY s DESC LIMIT 2;
SELECT q, pd_check_ordered(q) FROM (VALUES
 ('SELECT k, sum(j) s FROM pd_big GROUP BY k ORDER BY s, k'),
 ('SELECT k, sum(j) s FROM pd_big GROUP BY k ORDER BY s DESC NULLS LAST LIMIT 2'),
 ('SELECT sum(j), count(j), min(j) FROM pd_big'),
 ('SELECT sum(j) FROM pd_big WHERE j < 0'),
 ('SELECT sum(j) FROM pd_big WHERE j > 0'),
 ('SELECT k, sum(w) s FROM pd_agg GROUP BY k ORDER BY s DESC')
) v(q);
-- +infinity plus -infinity is NaN in PostgreSQL; q's NaN is its null, so a
-- hidden boolean column (f0) flags it and the scan returns NaN
SELECT avg(f) FROM pd_t WHERE f < 'Infinity';
EXPLAIN (VERBOSE, COSTS OFF) SELECT avg(f) FROM pd_t;
SELECT avg(f) FROM pd_t;
SET qipc_fdw.enable_pushdown = off;
SELECT avg(f) FROM pd_t;
RESET qipc_fdw.enable_pushdown;
SELECT q, pd_check(q) FROM (VALUES
 ('SELECT sum(f), avg(f) a, avg(e) b, count(*) FROM pd_t'),
 ('SELECT b, sum(f), avg(f) a, avg(e) b2 FROM pd_t GROUP BY b'),
 ('SELECT b, sum(f) FROM pd_t WHERE f > 0 GROUP BY b'),
 ('SELECT b FROM pd_t GROUP BY b HAVING avg(f) > 0'),
 ('SELECT b FROM pd_t GROUP BY b HAVING sum(f) IS NULL OR avg(e) < 1'),
 ('SELECT sum(f), avg(e) FROM pd_t WHERE id > 100'),
 ('SELECT h, sum(f) FROM pd_t GROUP BY h')
) v(q);
SELECT b, sum(f), avg(f), avg(e) FROM pd_t GROUP BY b ORDER BY b;
-- a q integer infinity is error 22003, as when a plain scan reads it
-- (never 2^63-1)
CREATE FOREIGN TABLE pd_inf (k text, j bigint, i integer) SERVER regress_pd;
SELECT sum(j), sum(i) FROM pd_inf WHERE k = 'b';
\set VERBOSITY sqlstate
SELECT sum(j) FROM pd_inf;   -- ERROR
SELECT k, sum(i) FROM pd_inf GROUP BY k;   -- ERROR
SET qipc_fdw.enable_pushdown = off;
SELECT sum(j) FROM pd_inf;   -- ERROR
SELECT k, sum(i) FROM pd_inf GROUP BY k;   -- ERROR
RESET qipc_fdw.enable_pushdown;
\set VERBOSITY default
SELECT sum(j) FROM pd_inf;   -- ERROR
-- finite floats overflowing: the same error as PostgreSQL's own sum/avg
-- (running sum for both, avg's sum of squared deviations too), and the
-- same values where nothing overflows
-- pd_try(query, pushdown): the query's single value as text, or its error
CREATE FUNCTION pd_try(q text, push bool) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
  PERFORM set_config('qipc_fdw.enable_pushdown', CASE WHEN push THEN 'on' ELSE 'off' END, true);
  EXECUTE q INTO r;
  RETURN r;
EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE FOREIGN TABLE pd_fbig (k text COLLATE "C", v float8) SERVER regress_pd;
EXPLAIN (VERBOSE, COSTS OFF) SELECT avg(v) FROM pd_fbig WHERE k = 'b';
SELECT k, on_sum, off_sum, on_avg, off_avg
FROM (VALUES ('a'), ('b'), ('c'), ('d'), ('e')) g(k),
LATERAL (SELECT
  (SELECT pd_try(format('SELECT sum(v) FROM pd_fbig WHERE k = %L', g.k), true)) on_sum,
  (SELECT pd_try(format('SELECT sum(v) FROM pd_fbig WHERE k = %L', g.k), false)) off_sum,
  (SELECT pd_try(format('SELECT avg(v) FROM pd_fbig WHERE k = %L', g.k), true)) on_avg,
  (SELECT pd_try(format('SELECT avg(v) FROM pd_fbig WHERE k = %L', g.k), false)) off_avg) r
ORDER BY k;
SELECT q, pd_check(q) FROM (VALUES
 ('SELECT k, count(*) FROM pd_agg GROUP BY k'), ('SELECT k, count(n), sum(n) FROM pd_agg GROUP BY k'),
 ('SELECT k, avg(v), sum(v) FROM pd_agg GROUP BY k'), ('SELECT k, min(n) a, max(v) b, min(d) c FROM pd_agg GROUP BY k'),
 ('SELECT count(*), sum(n), avg(v) FROM pd_agg WHERE k IS NULL'),
 ('SELECT count(*), sum(n), avg(v), min(d), max(n) FROM pd_agg WHERE n < 0'),
 ('SELECT d, count(*) FROM pd_agg GROUP BY d'), ('SELECT flag, k, count(*) FROM pd_agg GROUP BY flag, k'),
 ('SELECT k, count(*) FROM pd_agg GROUP BY k HAVING sum(n) > 2'),
 ('SELECT k, count(*) * 2 + 1 a, sum(n) / 2 b FROM pd_agg GROUP BY k'),
 ('SELECT k, count(DISTINCT n) FROM pd_agg GROUP BY k'), ('SELECT count(DISTINCT k) FROM pd_agg'),
 ('SELECT bool_and(flag) FROM pd_agg'), ('SELECT k, avg(n) FROM pd_agg GROUP BY k'),
 ('SELECT k, max(k) FROM pd_agg GROUP BY k'), ('SELECT h, sum(h) a, sum(i) b, min(e) c, max(p) m FROM pd_t GROUP BY h'),
 ('SELECT s, count(*) FROM pd_t WHERE f > 0 GROUP BY s'), ('SELECT s, count(*) FROM pd_t WHERE f > 0 OR h + 1 > 0 GROUP BY s')
) v(q);

-- ===================================================================
-- joins: with use_remote_estimate, parameterized scans for nested loops
-- ===================================================================
CREATE TEMP TABLE pd_local (lid int, lsym text);
INSERT INTO pd_local VALUES (10, 'a'), (40, 'c'), (99, 'zz'), (NULL, NULL);
ANALYZE pd_local;
CREATE FOREIGN TABLE pd_t_est (id bigint, s text, i integer)
  SERVER regress_pd OPTIONS (table 'pd_t', use_remote_estimate 'true');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pd_t_est WHERE i > 20;
ALTER SERVER regress_pd OPTIONS (ADD fdw_startup_cost '0.01');
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_material = off;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT l.lid, t.id FROM pd_local l JOIN pd_t_est t ON t.i = l.lid;
SELECT l.lid, t.id FROM pd_local l JOIN pd_t_est t ON t.i = l.lid ORDER BY 1, 2;
SELECT l.lsym, t.id FROM pd_local l JOIN pd_t_est t ON t.s = l.lsym ORDER BY 1, 2;
-- a generic plan: a parameter has no value at plan time, so q counts only
-- the conditions without parameters for the estimate
SET plan_cache_mode = force_generic_plan;
PREPARE pd_est(int) AS SELECT id FROM pd_t_est WHERE i = $1 AND id > 1 ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pd_est(20);
EXECUTE pd_est(20);
EXECUTE pd_est(NULL);
PREPARE pd_est2(text, int) AS SELECT count(*) FROM pd_t_est WHERE s = $1 OR i > $2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pd_est2('a', 40);
EXECUTE pd_est2('a', 40);
DEALLOCATE pd_est;
DEALLOCATE pd_est2;
RESET plan_cache_mode;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_material;
ALTER SERVER regress_pd OPTIONS (DROP fdw_startup_cost);

-- ===================================================================
-- partitioned tables: the partition condition is the first subphrase
-- ===================================================================
CREATE FOREIGN TABLE pd_part (date date, sym text, v bigint)
  SERVER regress_pd OPTIONS (table 'pd_part', partition_column 'date');
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym, v FROM pd_part WHERE v > 1 AND sym <> 'c' AND date >= '2024-01-02';
SELECT sym, v FROM pd_part WHERE v > 1 AND sym <> 'c' AND date >= '2024-01-02';

-- ===================================================================
-- ANALYZE: q draws the sample ((neg n)?count t), here the whole table
-- ===================================================================
ANALYZE pd_t;
SELECT reltuples FROM pg_class WHERE relname = 'pd_t';
SELECT attname, null_frac, n_distinct FROM pg_stats
  WHERE tablename = 'pd_t' AND attname IN ('s', 'h', 'g', 'str') ORDER BY attname;

-- ===================================================================
-- costs: a query that q answers with a few rows of a large table costs
-- less than jit_above_cost, so PostgreSQL does not spend a JIT compilation
-- on it; a scan that ships the whole table costs more.  5,000,000 rows:
-- id sorted (s#), v without an attribute.  Only planned, never run.
-- ===================================================================
\o /dev/null
SELECT qipc_exec('regress_pd', 'pd_huge:([] id:`s#til 5000000; v:5000000#til 1000); count pd_huge');
\o
CREATE FOREIGN TABLE pd_huge (id bigint, v bigint) SERVER regress_pd;
CREATE FUNCTION pd_cost(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  plan json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO plan;
  RETURN (plan -> 0 -> 'Plan' ->> 'Total Cost')::float8;
END $$;
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM pd_huge WHERE id = 4242;
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM pd_huge WHERE v = 7;
EXPLAIN (COSTS OFF) SELECT v, count(*) FROM pd_huge WHERE id < 100000 GROUP BY v;
SELECT pd_cost('SELECT * FROM pd_huge WHERE id = 4242')
         < current_setting('jit_above_cost')::float8 AS attr_point_below_jit,
       pd_cost('SELECT * FROM pd_huge WHERE v = 7')
         < current_setting('jit_above_cost')::float8 AS point_below_jit,
       pd_cost('SELECT v, count(*) FROM pd_huge WHERE id < 100000 GROUP BY v')
         < current_setting('jit_above_cost')::float8 AS agg_below_jit,
       pd_cost('SELECT * FROM pd_huge')
         > current_setting('jit_above_cost')::float8 AS full_scan_above_jit;
-- the same point query not pushed ships every row
SET qipc_fdw.enable_pushdown = off;
SELECT pd_cost('SELECT * FROM pd_huge WHERE v = 7')
         > current_setting('jit_above_cost')::float8 AS unpushed_above_jit;
RESET qipc_fdw.enable_pushdown;
DROP FUNCTION pd_cost(text);
DROP FOREIGN TABLE pd_huge;
\o /dev/null
SELECT qipc_exec('regress_pd', 'pd_huge:(); 0');
\o

-- ===================================================================
-- the setting turns pushdown off
-- ===================================================================
SET qipc_fdw.enable_pushdown = off;
EXPLAIN (VERBOSE, COSTS OFF) SELECT k, count(*) FROM pd_agg WHERE n > 1 GROUP BY k;
RESET qipc_fdw.enable_pushdown;

DROP FUNCTION pd_check_ordered(text);
DROP FUNCTION pd_check(text);
DROP FUNCTION pd_try(text, bool);
DROP SERVER regress_pd CASCADE;
