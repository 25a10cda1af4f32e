--
-- test/differential/setup.sql
--	Objects of the differential pushdown test, created in a database of its
--	own by run_differential.sh (psql -v qport=PORT -f setup.sql):
--
--	- server diff_q on the q test server, foreign tables on the q tables of
--	  test/fixtures/differential.q, and local heap tables with the same rows,
--	  computed here from the fixture's arithmetic (not read through the FDW,
--	  so that a conversion fault cannot hide in both sides; diff_oracle_diff
--	  holds the rows where a plain foreign scan and the local table differ):
--	    diff_ft    / diff_lt     diff_t, text columns COLLATE "C"
--	    diff_ft_dc / diff_lt_dc  diff_t, default collation (C.UTF-8 in CI)
--	    diff_ft_icu / diff_lt_icu  diff_t, text in ICU collation "en"
--	    diff_fe    / diff_le     diff_empty (no rows)
--	    diff_ft_re / diff_lt     diff_t on server diff_q_re: use_remote_estimate,
--	                             low startup cost (join parameters:
--	                             parameterized paths)
--	    diff_fp    / diff_lp     diff_tp: diff_t's rows date-partitioned (five
--	                             partitions, p# on g), partition_column date
--	    diff_fa    / diff_lt     diff_ta: diff_t with s# on id, g# on s and
--	                             on the timestamps p and pinf
--	- the column catalog of the generator (diff_cols);
--	- the generator (diff_gen), the checker (diff_check, diff_check_prep) and
--	  the driver (diff_run), which fills diff_results.
--
--	Generated queries name their table @T@; the checker runs the query on
--	the foreign table with pushdown on and on the local copy, and compares.
--	Comparison rules (diff_same_row):
--	  - rows as text (record_out), byte-exact, except that output columns
--	    the generator marked as computed floats (sum/avg of real and double
--	    columns) may differ by a relative tolerance: 1e-9 for float8 results,
--	    1e-6 for float4 results (sum(real) accumulates in float4 in
--	    PostgreSQL), or an absolute 1e-12 near zero.  Raw float column
--	    values, min/max and all other types are compared exactly;
--	  - in order when the query has ORDER BY over a total order (the
--	    generator always appends the unique id, or all group keys), as
--	    multisets otherwise;
--	  - an error on one side only is a mismatch; the same SQLSTATE on both
--	    sides is a match.
--

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE EXTENSION IF NOT EXISTS qipc_fdw;

DROP SERVER IF EXISTS diff_q CASCADE;
CREATE SERVER diff_q FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER diff_q;
-- row estimates from q, and cheap enough scans that nested loops with a
-- parameterized foreign scan inside win
DROP SERVER IF EXISTS diff_q_re CASCADE;
CREATE SERVER diff_q_re FOREIGN DATA WRAPPER qipc_fdw
	OPTIONS (port :'qport', use_remote_estimate 'true', fdw_startup_cost '0.5');
CREATE USER MAPPING FOR CURRENT_USER SERVER diff_q_re;

CREATE FOREIGN TABLE diff_ft (
	id bigint,
	g text COLLATE "C",
	b boolean,
	h smallint,
	i integer,
	j bigint,
	e real,
	f double precision,
	finf double precision,
	c "char",
	s text COLLATE "C",
	str text COLLATE "C",
	d date,
	dinf date,
	p timestamp,
	pinf timestamp,
	t time,
	n interval,
	m date
) SERVER diff_q OPTIONS (table 'diff_t');

CREATE FOREIGN TABLE diff_ft_dc (
	id bigint, g text, b boolean, h smallint, i integer, j bigint, e real,
	f double precision, finf double precision, c "char", s text, str text,
	d date, dinf date, p timestamp, pinf timestamp, t time, n interval, m date
) SERVER diff_q OPTIONS (table 'diff_t');

CREATE FOREIGN TABLE diff_ft_re (
	id bigint, g text COLLATE "C", b boolean, h smallint, i integer,
	j bigint, e real, f double precision, finf double precision, c "char",
	s text COLLATE "C", str text COLLATE "C", d date, dinf date,
	p timestamp, pinf timestamp, t time, n interval, m date
) SERVER diff_q_re OPTIONS (table 'diff_t');

-- a linguistic collation (ICU "en" when PostgreSQL has ICU, else the
-- default): text ordering differs from q's byte order ('a' < 'B')
DO $$
DECLARE
	coll text := CASE WHEN EXISTS (SELECT FROM pg_collation WHERE collname = 'en-x-icu')
					  THEN 'COLLATE "en-x-icu"' ELSE '' END;
BEGIN
	EXECUTE format($f$
		CREATE FOREIGN TABLE diff_ft_icu (
			id bigint, g text %1$s, b boolean, h smallint, i integer, j bigint,
			e real, f double precision, finf double precision, c "char",
			s text %1$s, str text %1$s, d date, dinf date, p timestamp,
			pinf timestamp, t time, n interval, m date
		) SERVER diff_q OPTIONS (table 'diff_t')$f$, coll);
END $$;

CREATE FOREIGN TABLE diff_fe (
	id bigint, g text COLLATE "C", b boolean, h smallint, i integer,
	j bigint, e real, f double precision, finf double precision, c "char",
	s text COLLATE "C", str text COLLATE "C", d date, dinf date,
	p timestamp, pinf timestamp, t time, n interval, m date
) SERVER diff_q OPTIONS (table 'diff_empty');

CREATE FOREIGN TABLE diff_fp (
	date date, id bigint, g text COLLATE "C", b boolean, h smallint,
	i integer, j bigint, e real, f double precision, finf double precision,
	c "char", s text COLLATE "C", str text COLLATE "C", d date, dinf date,
	p timestamp, pinf timestamp, t time, n interval, m date
) SERVER diff_q OPTIONS (table 'diff_tp', partition_column 'date');

CREATE FOREIGN TABLE diff_fa (
	id bigint, g text COLLATE "C", b boolean, h smallint, i integer,
	j bigint, e real, f double precision, finf double precision, c "char",
	s text COLLATE "C", str text COLLATE "C", d date, dinf date,
	p timestamp, pinf timestamp, t time, n interval, m date
) SERVER diff_q OPTIONS (table 'diff_ta');

-- local copies, built independently of the FDW: the rows of diff_t are
-- computed here from the same arithmetic as test/fixtures/differential.q
-- (row r = 0..599, k = r mod 10, the value lists below index 0 = null),
-- with each q value written as the PostgreSQL value the documented type
-- mapping gives: q nulls are NULL (q's blank char and empty symbol too;
-- strings have no null), infinities are +-infinity, nanoseconds are
-- truncated toward minus infinity to microseconds, a timespan is an
-- interval of microseconds, a month is its first day; q's `$"a b " is
-- `a b (a string cast to a symbol loses its leading and trailing blanks).  A conversion fault
-- in the FDW therefore shows up as a mismatch instead of being copied into
-- the oracle; the check after the load compares a plain foreign scan with
-- this table row by row.  Keep both generators in step.
DROP TABLE IF EXISTS diff_lt, diff_lt_dc, diff_lt_icu, diff_le, diff_lp;
CREATE TABLE diff_lt (
	id bigint, g text COLLATE "C", b boolean, h smallint, i integer,
	j bigint, e real, f double precision, finf double precision, c "char",
	s text COLLATE "C", str text COLLATE "C", d date, dinf date,
	p timestamp, pinf timestamp, t time, n interval, m date
);
INSERT INTO diff_lt
WITH v AS (
	SELECT
		ARRAY[NULL, 'a', 'b', 'c', 'A', 'b c', 'a', 'b', 'a', 'zz']::text[] AS gv,
		ARRAY[NULL, 0, 1, -1, 2, 7, NULL, 100, -5, 32766, -32766]::smallint[] AS hv,
		ARRAY[NULL, 0, 1, -1, 42, 2147483646, -2147483646, 100, -100, 7, NULL, 13]::integer[] AS iv,
		ARRAY[NULL, 0, 1, -1, 1000000, 4611686018427387904, -4611686018427387904, 123456789012,
			  9223372036854775806, -9223372036854775806, NULL, 5]::bigint[] AS jv,
		ARRAY[NULL, 0, 1.5, -2.25, 0.1, 100, -7.5, 33.25, 1000.5, NULL, 0.5]::real[] AS ev,
		ARRAY[NULL, 0, 0.1, 0.2, 0.3, -1.5, 2.5, 123456.789, -0.001, 1e10, NULL, 0.25, -3]::float8[] AS fv,
		ARRAY[NULL, 'Infinity', '-Infinity', 1, -1, 0.5, NULL]::float8[] AS finfv,
		ARRAY[NULL, 'a', 'A', 'z', '*', '?', '%', '_', '''', '\', NULL]::"char"[] AS cv,
		ARRAY[NULL, 'a', 'A', 'abc', 'ABC', 'Abc', 'hello world', 'it''s', 'a"b', '50%', 'a_b', 'x*y',
			  'q?', '[br]', 'back\slash', 'IBM', 'ibm', 'a b', 'xzy', 'b', 'qq', U&'caf\00e9', NULL]::text[] AS sv,
		ARRAY['', 'a', 'hello world', 'it''s', '50% off', 'a_b', 'x*y?', '[x]', 'AbC', 'abc', 'a"b',
			  'back\slash', '  ', 'multi word string', '', '%', 'xay!', 'x', U&'caf\00e9', U&'\00e9t\00e9']::text[] AS strv,
		ARRAY[NULL, '2024-01-01', '2024-02-29', '1999-12-31', '2000-01-01', '1970-01-01', '2038-01-19',
			  '2024-01-02', NULL]::date[] AS dv,
		ARRAY[NULL, 'infinity', '-infinity', '2024-01-01', '2000-01-01']::date[] AS dinfv,
		ARRAY[NULL, '2024-01-02 09:30:00', '2024-01-02 09:30:00', '2024-01-02 09:30:00.000001',
			  '1999-12-31 23:59:59.999999', '2000-01-01 00:00:00', '2024-01-02 00:00:00',
			  '1970-01-01 00:00:00', '2024-01-02 16:00:00.123456', NULL]::timestamp[] AS pv,
		ARRAY[NULL, 'infinity', '-infinity', '2024-01-02 09:30:00', '2000-01-01 00:00:00']::timestamp[] AS pinfv,
		ARRAY[NULL, '09:30:00', '23:59:59.999', '00:00:00', '12:00:00.001', '16:00:00', NULL]::time[] AS tv,
		ARRAY[NULL, '01:00:00', '00:00:00', '00:00:00.000001', '23:59:59.999999', '-00:00:01',
			  '24:00:00', NULL]::interval[] AS nv,
		ARRAY[NULL, '2024-01-01', '2024-02-01', '1999-12-01', '2000-01-01', NULL]::date[] AS mv
), r AS (
	SELECT r, r % 10 AS k, r / 10 AS r10 FROM generate_series(0, 599) r
)
SELECT 1 + r,
	   gv[1 + k],
	   k = 9 OR (ARRAY[false, true, true, false, true, false, true])[1 + r % 7],
	   hv[CASE WHEN k = 9 THEN 1 ELSE 2 + ((7 * r) + 0 + r10) % 10 END],
	   iv[CASE WHEN k = 9 THEN 1 ELSE 2 + ((5 * r) + 3 + r10) % 11 END],
	   jv[1 + ((r * 7) + r10) % 12],
	   ev[CASE WHEN k = 9 THEN 1 ELSE 2 + ((3 * r) + 1 + r10) % 10 END],
	   fv[CASE WHEN k = 9 THEN 1 ELSE 2 + ((11 * r) + 2 + r10) % 12 END],
	   finfv[1 + ((r * 5) + r10) % 7],
	   cv[CASE WHEN k = 9 THEN 1 ELSE 2 + ((13 * r) + 4 + r10) % 10 END],
	   sv[CASE WHEN k = 9 THEN 1 ELSE 2 + ((3 * r) + 5 + r10) % 22 END],
	   strv[1 + ((r * 11) + r10) % 20],
	   dv[CASE WHEN k = 9 THEN 1 ELSE 2 + ((7 * r) + 6 + r10) % 8 END],
	   dinfv[1 + ((r * 3) + r10) % 5],
	   pv[CASE WHEN k = 9 THEN 1 ELSE 2 + ((13 * r) + 1 + r10) % 9 END],
	   pinfv[1 + ((r * 2) + r10) % 5],
	   tv[CASE WHEN k = 9 THEN 1 ELSE 2 + ((5 * r) + 2 + r10) % 6 END],
	   nv[CASE WHEN k = 9 THEN 1 ELSE 2 + ((3 * r) + 4 + r10) % 7 END],
	   mv[CASE WHEN k = 9 THEN 1 ELSE 2 + ((7 * r) + 3 + r10) % 5 END]
FROM r, v
ORDER BY r;

-- the same rows with the other collations, and the empty table
DO $$
DECLARE
	coll text := CASE WHEN EXISTS (SELECT FROM pg_collation WHERE collname = 'en-x-icu')
					  THEN 'COLLATE "en-x-icu"' ELSE '' END;
BEGIN
	EXECUTE format($f$
		CREATE TABLE diff_lt_icu (
			id bigint, g text %1$s, b boolean, h smallint, i integer, j bigint,
			e real, f double precision, finf double precision, c "char",
			s text %1$s, str text %1$s, d date, dinf date, p timestamp,
			pinf timestamp, t time, n interval, m date
		)$f$, coll);
END $$;
CREATE TABLE diff_lt_dc (
	id bigint, g text, b boolean, h smallint, i integer, j bigint, e real,
	f double precision, finf double precision, c "char", s text, str text,
	d date, dinf date, p timestamp, pinf timestamp, t time, n interval, m date
);
INSERT INTO diff_lt_dc SELECT * FROM diff_lt ORDER BY id;
INSERT INTO diff_lt_icu SELECT * FROM diff_lt ORDER BY id;
CREATE TABLE diff_le (LIKE diff_lt);
-- diff_tp's partition column: 2024.01.01 + r mod 5 (the fixture's rule)
CREATE TABLE diff_lp AS
	SELECT date '2024-01-01' + ((id - 1) % 5)::int AS date, * FROM diff_lt;

-- the oracle check: a plain foreign scan (pushdown off) must give exactly
-- the rows built above, as text; run_differential.sh counts the rows of
-- diff_oracle_diff (each a failure) before any query runs
SET qipc_fdw.enable_pushdown = off;
DROP TABLE IF EXISTS diff_oracle_diff;
CREATE TABLE diff_oracle_diff AS
	SELECT 'foreign only' AS side, t AS row_text
	FROM (SELECT x::text FROM diff_ft x EXCEPT ALL SELECT x::text FROM diff_lt x) y(t)
	UNION ALL
	SELECT 'local only', t
	FROM (SELECT x::text FROM diff_lt x EXCEPT ALL SELECT x::text FROM diff_ft x) y(t)
	UNION ALL
	SELECT 'foreign only (empty table)', x::text FROM diff_fe x
	UNION ALL
	SELECT 'foreign only (partitioned)', t
	FROM (SELECT x::text FROM diff_fp x EXCEPT ALL SELECT x::text FROM diff_lp x) y(t)
	UNION ALL
	SELECT 'local only (partitioned)', t
	FROM (SELECT x::text FROM diff_lp x EXCEPT ALL SELECT x::text FROM diff_fp x) y(t)
	UNION ALL
	SELECT 'foreign only (attributed)', t
	FROM (SELECT x::text FROM diff_fa x EXCEPT ALL SELECT x::text FROM diff_lt x) y(t);
RESET qipc_fdw.enable_pushdown;
ANALYZE diff_lt;
ANALYZE diff_lt_dc;
ANALYZE diff_lt_icu;
ANALYZE diff_le;
ANALYZE diff_lp;

-- table pairs (remote, local) the generator may use
DROP TABLE IF EXISTS diff_tables CASCADE;
CREATE TABLE diff_tables (k int PRIMARY KEY, remote text, local text);
INSERT INTO diff_tables VALUES
	(1, 'diff_ft', 'diff_lt'),
	(2, 'diff_ft_dc', 'diff_lt_dc'),
	(3, 'diff_fe', 'diff_le'),
	(4, 'diff_ft_re', 'diff_lt'),
	(5, 'diff_ft_icu', 'diff_lt_icu'),
	(6, 'diff_fp', 'diff_lp'),
	(7, 'diff_fa', 'diff_lt');

-- ===================================================================
-- column catalog
-- ===================================================================
--	cat     comparison family (cross-column comparisons within a family)
--	typ     SQL type (prepared statement parameters)
--	consts  SQL constants compared with the column: values in the data,
--	        boundaries, values of other types, NULL (no name constants: name
--	        has collation "C", which conflicts with a non-C text column; the
--	        heap table's statistics raise that error at planning time, the
--	        foreign table's only when the row is evaluated)
--	pvals   parameter values for EXECUTE (coerced to typ)
--	grp     usable as a GROUP BY key; num: sum/avg apply
--	sumf/avgf  float class of sum()/avg() results ('f4', 'f8' or NULL)
DROP TABLE IF EXISTS diff_cols CASCADE;
CREATE TABLE diff_cols (
	name text PRIMARY KEY,
	cat text NOT NULL,
	typ text NOT NULL,
	consts text[] NOT NULL,
	pvals text[] NOT NULL,
	grp bool NOT NULL,
	num bool NOT NULL,
	sumf text,
	avgf text
);

INSERT INTO diff_cols VALUES
('id', 'int', 'bigint',
 ARRAY['1', '300', '600', '0', '601', '-1', '9223372036854775807', '42::smallint',
	   '300.5', 'NULL::bigint'],
 ARRAY['1', '300', '600', '0', 'NULL', '-9223372036854775808'],
 false, true, NULL, NULL),
('g', 'text', 'text',
 ARRAY[$$'a'$$, $$'b'$$, $$'A'$$, $$'b c'$$, $$'zz'$$, $$''$$, $$'c'$$, $$'B'$$,
	   $$'nonexistent'$$, $$'a '$$, 'NULL::text'],
 ARRAY[$$'a'$$, $$'b c'$$, $$''$$, $$'zz'$$, 'NULL', $$'B'$$],
 true, false, NULL, NULL),
('b', 'bool', 'boolean',
 ARRAY['true', 'false', $$'t'::boolean$$, 'NULL::boolean'],
 ARRAY['true', 'false', 'NULL'],
 true, false, NULL, NULL),
('h', 'int', 'smallint',
 ARRAY['0', '1', '-1', '2', '7', '100', '-5', '32766', '-32766', '32767',
	   '-32768', '-32767', '3', $$'7'::smallint$$, '7.5', '100000',
	   '-32768::smallint', 'NULL::smallint'],
 ARRAY['0', '1', '-1', '7', '32766', '-32766', '32767', '-32768', '-32767', 'NULL', '100'],
 true, true, NULL, NULL),
('i', 'int', 'integer',
 ARRAY['0', '1', '-1', '42', '2147483646', '-2147483646', '2147483647',
	   '-2147483648', '-2147483647', '100', '-100', '13', '5000000000', '42.0',
	   '7::smallint', 'NULL::integer'],
 ARRAY['0', '1', '-1', '42', '2147483646', '2147483647', '-2147483648', '-2147483647',
	   '13', 'NULL'],
 true, true, NULL, NULL),
('j', 'int', 'bigint',
 ARRAY['0', '1', '-1', '1000000', '4611686018427387904', '-4611686018427387904',
	   '123456789012', '9223372036854775806', '9223372036854775807',
	   '-9223372036854775808', '-9223372036854775807', '5', '1e6',
	   '99999999999999999999', '5::integer', 'NULL::bigint'],
 ARRAY['0', '1', '-1', '1000000', '4611686018427387904', '9223372036854775807',
	   '-9223372036854775808', '-9223372036854775807', '5', 'NULL'],
 false, true, NULL, NULL),
('e', 'float', 'real',
 ARRAY['0', '1.5', '-2.25', '0.1', $$'0.1'::real$$, '100', '-7.5', '33.25',
	   '1000.5', '0.5', $$'NaN'::real$$, $$'Infinity'::real$$,
	   $$'-Infinity'::real$$, $$'0.1'::float8$$, '-0.0::real', 'NULL::real'],
 ARRAY['0', '1.5', '-2.25', '0.1', '100', $$'NaN'$$, $$'Infinity'$$,
	   $$'-Infinity'$$, 'NULL', '1000.5'],
 true, true, 'f4', 'f8'),
('f', 'float', 'double precision',
 ARRAY['0', '0.1', '0.2', '0.3', $$'0.30000000000000004'::float8$$, '-1.5',
	   '2.5', '123456.789', '-0.001', '1e10', '0.25', '-3',
	   $$'NaN'::float8$$, $$'Infinity'::float8$$, $$'-Infinity'::float8$$,
	   $$'0.1'::real$$, '1e308', '-0.0::float8', '1', $$'5e-324'::float8$$,
	   '1e-300', 'NULL::float8'],
 ARRAY['0', '0.1', '0.3', '0.30000000000000004', '-1.5', '1e10', $$'NaN'$$,
	   $$'Infinity'$$, $$'-Infinity'$$, 'NULL'],
 true, true, 'f8', 'f8'),
('finf', 'float', 'double precision',
 ARRAY[$$'Infinity'::float8$$, $$'-Infinity'::float8$$, $$'NaN'::float8$$,
	   '1', '-1', '0.5', '0', '1e308', 'NULL::float8'],
 ARRAY[$$'Infinity'$$, $$'-Infinity'$$, $$'NaN'$$, '1', '0.5', 'NULL'],
 true, true, 'f8', 'f8'),
('c', 'char', '"char"',
 ARRAY[$$'a'::"char"$$, $$'A'::"char"$$, $$' '::"char"$$, $$'*'::"char"$$,
	   $$'?'::"char"$$, $$'%'::"char"$$, $$'_'::"char"$$, $$''''::"char"$$,
	   $$'\'::"char"$$, $$'z'::"char"$$, $$'b'::"char"$$, 'NULL::"char"'],
 ARRAY[$$'a'$$, $$'A'$$, $$' '$$, $$'*'$$, $$''''$$, $$'\'$$, 'NULL'],
 true, false, NULL, NULL),
('s', 'text', 'text',
 ARRAY[$$'a'$$, $$'A'$$, $$'abc'$$, $$'ABC'$$, $$'Abc'$$, $$'hello world'$$,
	   $$'it''s'$$, $$'a"b'$$, $$'50%'$$, $$'a_b'$$, $$'x*y'$$, $$'q?'$$,
	   $$'[br]'$$, $$'back\slash'$$, $$'IBM'$$, $$'ibm'$$, $$'a b '$$,
	   $$'a b'$$, $$''$$, $$'zzz'$$, $$E'a\nb'$$, $$'`a`b'$$, $$'";0N;"'$$,
	   $$'x;y'$$, $$'a'::varchar$$, $$'a'::bpchar$$, $$'café'$$,
	   'NULL::text'],
 ARRAY[$$'a'$$, $$'abc'$$, $$'it''s'$$, $$'a"b'$$, $$'back\slash'$$, $$''$$,
	   $$'a b '$$, $$'`a`b'$$, 'NULL', $$'x*y'$$, $$'[br]'$$, $$'q?'$$],
 true, false, NULL, NULL),
('str', 'text', 'text',
 ARRAY[$$''$$, $$'a'$$, $$'hello world'$$, $$'it''s'$$, $$'50% off'$$, $$'a_b'$$,
	   $$'x*y?'$$, $$'[x]'$$, $$'AbC'$$, $$'abc'$$, $$'a"b'$$, $$'back\slash'$$,
	   $$'  '$$, $$' '$$, $$'multi word string'$$, $$'%'$$, $$'ab'$$,
	   $$'b'$$, $$E'\t'$$, $$'"'$$, $$'café'$$, $$'été'$$, $$'cafe'$$, 'NULL::text'],
 ARRAY[$$''$$, $$'a'$$, $$'it''s'$$, $$'50% off'$$, $$'  '$$, $$'a"b'$$,
	   $$'back\slash'$$, 'NULL', $$'%'$$, $$'x*y?'$$, $$'[x]'$$],
 true, false, NULL, NULL),
('d', 'date', 'date',
 ARRAY[$$'2024-01-01'::date$$, $$'2024-02-29'::date$$, $$'1999-12-31'::date$$,
	   $$'2000-01-01'::date$$, $$'1970-01-01'::date$$, $$'2038-01-19'::date$$,
	   $$'2024-01-02'::date$$, $$'infinity'::date$$, $$'-infinity'::date$$,
	   $$'0001-01-01'::date$$, $$'9999-12-31'::date$$,
	   $$'2024-01-01 12:00'::timestamp$$, $$'2024-01-02'::timestamp$$,
	   $$'2024-01-01'$$, $$'5874897-12-31'::date$$, $$'4713-01-01 BC'::date$$,
	   'NULL::date'],
 ARRAY[$$'2024-01-01'$$, $$'2024-02-29'$$, $$'1999-12-31'$$, $$'2000-01-01'$$,
	   $$'infinity'$$, $$'-infinity'$$, $$'0001-01-01'$$, 'NULL'],
 true, false, NULL, NULL),
('dinf', 'date', 'date',
 ARRAY[$$'infinity'::date$$, $$'-infinity'::date$$, $$'2024-01-01'::date$$,
	   $$'2000-01-01'::date$$, $$'1999-12-31'::date$$,
	   $$'infinity'::timestamp$$, 'NULL::date'],
 ARRAY[$$'infinity'$$, $$'-infinity'$$, $$'2024-01-01'$$, 'NULL'],
 true, false, NULL, NULL),
('p', 'ts', 'timestamp',
 ARRAY[$$'2024-01-02 09:30:00'::timestamp$$,
	   $$'2024-01-02 09:30:00.000001'::timestamp$$,
	   $$'2024-01-02 09:30:00.000002'::timestamp$$,
	   $$'1999-12-31 23:59:59.999999'::timestamp$$,
	   $$'2000-01-01 00:00:00'::timestamp$$,
	   $$'2024-01-02 16:00:00.123456'::timestamp$$,
	   $$'2024-01-02 16:00:00.123457'::timestamp$$,
	   $$'1970-01-01'::timestamp$$, $$'infinity'::timestamp$$,
	   $$'-infinity'::timestamp$$, $$'1500-01-01'::timestamp$$,
	   $$'2300-01-01'::timestamp$$, $$'2024-01-02'::date$$,
	   $$'2024-01-02 09:30:00'$$, $$'294276-12-31 23:59:59.999999'::timestamp$$,
	   $$'4713-01-01 BC'::timestamp$$, $$'2262-04-11 23:47:16.854775'::timestamp$$,
	   $$'1677-09-21 00:12:43.145225'::timestamp$$, 'NULL::timestamp'],
 ARRAY[$$'2024-01-02 09:30:00'$$, $$'2024-01-02 09:30:00.000001'$$,
	   $$'1999-12-31 23:59:59.999999'$$, $$'2000-01-01'$$,
	   $$'2024-01-02 16:00:00.123456'$$, $$'infinity'$$, $$'-infinity'$$,
	   $$'1500-01-01'$$, 'NULL'],
 true, false, NULL, NULL),
('pinf', 'ts', 'timestamp',
 ARRAY[$$'infinity'::timestamp$$, $$'-infinity'::timestamp$$,
	   $$'2024-01-02 09:30:00'::timestamp$$, $$'2000-01-01'::timestamp$$,
	   $$'2262-04-11 23:47:16.854775'::timestamp$$, 'NULL::timestamp'],
 ARRAY[$$'infinity'$$, $$'-infinity'$$, $$'2024-01-02 09:30:00'$$, 'NULL'],
 true, false, NULL, NULL),
('t', 'time', 'time',
 ARRAY[$$'09:30:00'::time$$, $$'23:59:59.999'::time$$, $$'00:00:00'::time$$,
	   $$'12:00:00.001'::time$$, $$'12:00:00.0005'::time$$,
	   $$'16:00:00'::time$$, $$'24:00:00'::time$$,
	   $$'12:00:00.000999'::time$$, $$'12:00:00'$$, 'NULL::time'],
 ARRAY[$$'09:30:00'$$, $$'23:59:59.999'$$, $$'12:00:00.0005'$$,
	   $$'24:00:00'$$, $$'00:00:00'$$, 'NULL'],
 true, false, NULL, NULL),
('n', 'interval', 'interval',
 ARRAY[$$'1 hour'::interval$$, $$'0'::interval$$,
	   $$'00:00:00.000001'::interval$$, $$'00:00:00.000002'::interval$$,
	   $$'23:59:59.999999'::interval$$, $$'-1 second'::interval$$,
	   $$'1 day'::interval$$, $$'24 hours'::interval$$,
	   $$'1 mon'::interval$$, $$'-00:00:00.000001'::interval$$,
	   $$'200000 days'::interval$$, $$'-200000 days'::interval$$,
	   'NULL::interval'],
 ARRAY[$$'1 hour'$$, $$'0'$$, $$'00:00:00.000001'$$, $$'1 day'$$,
	   $$'24 hours'$$, $$'1 mon'$$, $$'-1 second'$$, 'NULL'],
 true, false, NULL, NULL),
('m', 'date', 'date',
 ARRAY[$$'2024-01-01'::date$$, $$'2024-02-01'::date$$, $$'2024-01-15'::date$$,
	   $$'1999-12-01'::date$$, $$'2000-01-01'::date$$, $$'2000-01-31'::date$$,
	   $$'infinity'::date$$, $$'2024-01-01 00:00:01'::timestamp$$,
	   'NULL::date'],
 ARRAY[$$'2024-01-01'$$, $$'2024-01-15'$$, $$'1999-12-01'$$, $$'infinity'$$,
	   'NULL'],
 true, false, NULL, NULL);

-- LIKE patterns: SQL specials % _ \, q specials * ? [ ], quotes.  No
-- pattern ends with the escape character: PostgreSQL raises 22025 for it
-- only when it evaluates the LIKE, and which quals it evaluates first
-- differs between the foreign scan and the heap scan (not a pushdown bug)
DROP TABLE IF EXISTS diff_like CASCADE;
CREATE TABLE diff_like (pats text[]);
INSERT INTO diff_like VALUES (ARRAY[
	$$'a%'$$, $$'%b%'$$, $$'A_c'$$, $$'%'$$, $$'_'$$, $$''$$, $$'50\%%'$$,
	$$'%*%'$$, $$'%?%'$$, $$'[br]'$$, $$'[%'$$, $$'x*y'$$, $$'%\_%'$$,
	$$'hello%world'$$, $$'%\\%'$$, $$'abc'$$, $$'%''%'$$, $$'%s'$$,
	$$'_b_'$$, $$'a b_'$$, $$'%r]'$$, $$'%"%'$$, $$'%c'$$, $$'[x]'$$,
	$$'x*y?'$$, $$'%^%'$$, $$'%% off'$$, $$'IBM'$$, $$'i%'$$, $$'% %'$$,
	$$'___'$$, $$'__'$$, $$'%[a-z]%'$$, $$'a\b'$$, $$'%\\'$$, $$'back\\%'$$,
	$$'_%_'$$, $$'%a%b%'$$, $$'*'$$, $$'?'$$, $$'%x%'$$, $$'caf_'$$, $$'%é'$$,
	$$'_t_'$$, $$'%é%'$$, $$'caf%'$$
]);

-- ===================================================================
-- random helpers (random() after setseed(): deterministic per seed)
-- ===================================================================
CREATE OR REPLACE FUNCTION diff_rnd(n int) RETURNS int
LANGUAGE sql VOLATILE AS $$ SELECT floor(random() * n)::int $$;

CREATE OR REPLACE FUNCTION diff_pick(a text[]) RETURNS text
LANGUAGE sql VOLATILE AS $$ SELECT a[1 + floor(random() * cardinality(a))::int] $$;

CREATE OR REPLACE FUNCTION diff_chance(p float8) RETURNS bool
LANGUAGE sql VOLATILE AS $$ SELECT random() < p $$;

CREATE OR REPLACE FUNCTION diff_col(name text) RETURNS diff_cols
LANGUAGE sql STABLE AS $$ SELECT * FROM diff_cols WHERE diff_cols.name = $1 $$;

CREATE OR REPLACE FUNCTION diff_all_cols() RETURNS text[]
LANGUAGE sql STABLE AS $$ SELECT array_agg(name ORDER BY name) FROM diff_cols $$;

-- a random subset of n distinct names of a (in random order)
CREATE OR REPLACE FUNCTION diff_subset(a text[], n int) RETURNS text[]
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	pool text[] := a;
	res text[] := '{}';
	k int;
BEGIN
	FOR x IN 1 .. least(n, cardinality(a)) LOOP
		k := 1 + diff_rnd(cardinality(pool));
		res := res || pool[k];
		pool := pool[1:k - 1] || pool[k + 1:];
	END LOOP;
	RETURN res;
END $$;

-- ===================================================================
-- predicates
-- ===================================================================
CREATE OR REPLACE FUNCTION diff_cmp_op() RETURNS text
LANGUAGE sql VOLATILE AS
$$ SELECT diff_pick(ARRAY['=', '<>', '<', '<=', '>', '>=', '!=', '=', '<', '>', '=', '<>', '<', '<=',
						  '>', '>=', 'IS DISTINCT FROM', 'IS NOT DISTINCT FROM']) $$;

-- columns of the same comparison family as c (c itself included)
CREATE OR REPLACE FUNCTION diff_partner(c diff_cols) RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT diff_pick(array_agg(name ORDER BY name)) FROM diff_cols WHERE cat = c.cat
$$;

-- a list of k constants of column c, with NULL when withnull
CREATE OR REPLACE FUNCTION diff_const_list(c diff_cols, k int, withnull bool) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	l text[] := '{}';
BEGIN
	FOR x IN 1 .. k LOOP
		l := l || diff_pick(c.consts);
	END LOOP;
	IF withnull THEN
		l := l || ('NULL::' || c.typ);
	END IF;
	RETURN array_to_string(l, ', ');
END $$;

-- an expression over column c that q cannot be expected to evaluate
-- (tests the split between remote and local conditions)
CREATE OR REPLACE FUNCTION diff_local_atom(c diff_cols) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	RETURN CASE c.cat
		WHEN 'int' THEN diff_pick(ARRAY[
			format('abs(%s) > 5', c.name), format('(%s %% 7) = 3', c.name),
			format('%s::numeric + 1 > 0', c.name),
			format('coalesce(%s, 0) = 0', c.name),
			format('nullif(%s, 0) IS NULL', c.name)])
		WHEN 'float' THEN diff_pick(ARRAY[
			format('%s * 2 > 1', c.name), format('coalesce(%s, 0) = 0', c.name),
			format('abs(%s) < 1', c.name)])
		WHEN 'text' THEN diff_pick(ARRAY[
			format('lower(%s) = %L', c.name, 'abc'),
			format('length(%s) > 3', c.name),
			format('%s || %L = %L', c.name, 'x', 'ax'),
			format('%s ~ %L', c.name, '^a'),
			format('%s ILIKE %L', c.name, 'abc%'),
			format('%s SIMILAR TO %L', c.name, 'a%'),
			format('upper(%s) LIKE %L', c.name, 'A%'),
			format('coalesce(%s, %L) = %L', c.name, '', '')])
		WHEN 'date' THEN diff_pick(ARRAY[
			format('%s + 1 > %L::date', c.name, '2024-01-01'),
			format('extract(year from %s) = 2024', c.name)])
		WHEN 'ts' THEN diff_pick(ARRAY[
			format('%s::date = %L', c.name, '2024-01-02'),
			format('date_trunc(%L, %s) = %L::timestamp', 'second', c.name, '2024-01-02 09:30:00')])
		WHEN 'time' THEN format('extract(hour from %s) > 10', c.name)
		WHEN 'interval' THEN format('%s * 2 > %L::interval', c.name, '1 hour')
		WHEN 'char' THEN format('%s::text = %L', c.name, 'a')
		ELSE format('%s IS DISTINCT FROM true', c.name)
	END;
END $$;

-- one atomic condition
CREATE OR REPLACE FUNCTION diff_atom() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	c diff_cols := diff_col(diff_pick(diff_all_cols()));
	r float8 := random();
	x text;
BEGIN
	IF r < 0.34 THEN
		x := diff_pick(c.consts);
		IF diff_chance(0.15) THEN
			RETURN format('%s %s %s', x, diff_cmp_op(), c.name);
		END IF;
		RETURN format('%s %s %s', c.name, diff_cmp_op(), x);
	ELSIF r < 0.41 THEN
		RETURN format('%s %s %s', c.name, diff_cmp_op(), diff_partner(c));
	ELSIF r < 0.54 THEN
		RETURN format('%s %s (%s)', c.name,
					  CASE WHEN diff_chance(0.4) THEN 'NOT IN' ELSE 'IN' END,
					  diff_const_list(c, 1 + diff_rnd(4), diff_chance(0.3)));
	ELSIF r < 0.62 THEN
		-- typed arrays half of the time (else the constants' common type)
		RETURN format('%s %s (ARRAY[%s]%s)', c.name,
					  diff_pick(ARRAY['= ANY', '<> ALL', '= ANY', '<> ALL', '< ANY', '>= ALL', '= ALL', '<> ANY']),
					  diff_const_list(c, 1 + diff_rnd(4), diff_chance(0.3)),
					  CASE WHEN diff_chance(0.5) THEN '::' || c.typ || '[]' ELSE '' END);
	ELSIF r < 0.69 THEN
		RETURN format('%s IS %sNULL', c.name, CASE WHEN diff_chance(0.5) THEN 'NOT ' ELSE '' END);
	ELSIF r < 0.77 THEN
		RETURN format('%s %sBETWEEN %s%s AND %s', c.name,
					  CASE WHEN diff_chance(0.3) THEN 'NOT ' ELSE '' END,
					  CASE WHEN diff_chance(0.1) THEN 'SYMMETRIC ' ELSE '' END,
					  diff_pick(c.consts), diff_pick(c.consts));
	ELSIF r < 0.90 THEN
		-- LIKE on a text column
		c := diff_col(diff_pick(ARRAY['g', 's', 'str', 's', 'str']));
		x := diff_pick((SELECT pats FROM diff_like));
		IF diff_chance(0.1) THEN
			RETURN format('%s %sLIKE %s ESCAPE %s', c.name,
						  CASE WHEN diff_chance(0.3) THEN 'NOT ' ELSE '' END,
						  replace(x, '\', '!'), diff_pick(ARRAY[$q$'!'$q$, $q$''$q$]));
		END IF;
		RETURN format('%s %s %s', c.name,
					  diff_pick(ARRAY['LIKE', 'LIKE', 'LIKE', 'NOT LIKE', '~~', '!~~']), x);
	ELSIF r < 0.95 THEN
		RETURN diff_pick(ARRAY['b', 'NOT b', 'b = true', 'b <> false', 'b IS TRUE',
							   'b IS NOT FALSE', 'NOT (b = false)', 'b = (h > 0)']);
	ELSIF r < 0.965 THEN
		RETURN diff_expr_atom();	-- expr_gen.sql
	ELSIF r < 0.98 THEN
		RETURN diff_time_atom();	-- bi_gen.sql
	ELSE
		RETURN diff_local_atom(c);
	END IF;
END $$;

-- a condition: atoms combined with AND / OR / NOT up to depth 3
CREATE OR REPLACE FUNCTION diff_pred(depth int) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	r float8 := random();
	parts text[] := '{}';
	op text;
BEGIN
	IF depth >= 3 OR r >= 0.38 - 0.1 * depth THEN
		IF diff_chance(0.05) THEN
			RETURN format('(%s) IS %s', diff_atom(),
						  diff_pick(ARRAY['TRUE', 'NOT TRUE', 'FALSE', 'NOT FALSE', 'UNKNOWN', 'NOT UNKNOWN']));
		END IF;
		RETURN diff_atom();
	END IF;
	IF r < 0.08 THEN
		RETURN format('NOT (%s)', diff_pred(depth + 1));
	END IF;
	op := CASE WHEN diff_chance(0.55) THEN ' AND ' ELSE ' OR ' END;
	FOR x IN 1 .. 2 + diff_rnd(2) LOOP
		parts := parts || ('(' || diff_pred(depth + 1) || ')');
	END LOOP;
	RETURN array_to_string(parts, op);
END $$;

-- ORDER BY item for an expression
CREATE OR REPLACE FUNCTION diff_order_item(e text) RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT e || diff_pick(ARRAY['', ' ASC', ' DESC', ' DESC'])
			 || diff_pick(ARRAY['', '', ' NULLS FIRST', ' NULLS LAST'])
$$;

CREATE OR REPLACE FUNCTION diff_limit() RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT CASE WHEN diff_chance(0.7)
				THEN ' LIMIT ' || diff_pick(ARRAY['0', '1', '3', '10', '50', '100', '700', 'ALL', 'NULL'])
				ELSE '' END
		|| CASE WHEN diff_chance(0.35)
				THEN ' OFFSET ' || diff_pick(ARRAY['0', '1', '5', '100', '599', '600', '1000'])
				ELSE '' END
$$;

-- ===================================================================
-- queries
-- ===================================================================
-- A generated query.  sql names its table @T@ (a diff_tables pair);
-- ordered: compare in order; f4/f8: output columns compared with a float
-- tolerance; has_where/is_agg/has_order/has_limit: what it asks q to do;
-- prepared: sql has parameters $1..$n of types ptypes, executed once per
-- element of pvals (each a comma-separated argument list).
DROP TYPE IF EXISTS diff_query CASCADE;
CREATE TYPE diff_query AS (
	seed int,
	k int,
	kind text,
	tab int,
	sql text,
	ordered bool,
	f4 text[],
	f8 text[],
	has_where bool,
	is_agg bool,
	has_order bool,
	has_limit bool,
	ptypes text[],
	pvals text[],
	gucs text[]				-- name=value settings for this query
);

-- row query: SELECT cols FROM t [WHERE] [ORDER BY ... , id [LIMIT/OFFSET]]
CREATE OR REPLACE FUNCTION diff_gen_rows(q INOUT diff_query) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	r float8;
	cols text[];
	ord text[] := '{}';
	lim text;
BEGIN
	q.kind := 'rows';
	r := random();
	IF r < 0.04 THEN
		-- no column of the table in the target list
		q.sql := 'SELECT 1 AS one FROM @T@';
	ELSIF r < 0.08 THEN
		-- whole-row reference
		q.sql := 'SELECT x FROM @T@ x';
	ELSIF r < 0.24 THEN
		q.sql := 'SELECT * FROM @T@';
	ELSE
		cols := diff_subset(diff_all_cols(), 1 + diff_rnd(5));
		q.sql := 'SELECT ' || array_to_string(cols, ', ') || ' FROM @T@';
	END IF;
	IF diff_chance(0.8) THEN
		q.sql := q.sql || ' WHERE ' || diff_pred(0);
		q.has_where := true;
	END IF;
	IF diff_chance(0.55) THEN
		FOREACH lim IN ARRAY diff_subset(diff_all_cols(), diff_rnd(4)) LOOP
			ord := ord || diff_order_item(lim);
		END LOOP;
		ord := ord || diff_order_item('id');
		q.sql := q.sql || ' ORDER BY ' || array_to_string(ord, ', ');
		q.ordered := true;
		q.has_order := true;
		lim := diff_limit();
		q.sql := q.sql || lim;
		q.has_limit := lim <> '';
	END IF;
	RETURN;
END $$;

-- an aggregate call; sets f (float class of the result) and ordok (safe
-- as an ORDER BY key: exact result)
CREATE OR REPLACE FUNCTION diff_agg(OUT a text, OUT f text, OUT ordok bool)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	r float8 := random();
	c diff_cols := diff_col(diff_pick(diff_all_cols()));
	n diff_cols := diff_col(diff_pick(ARRAY['h', 'i', 'j', 'e', 'f', 'finf', 'id', 'h', 'i', 'f']));
BEGIN
	ordok := true;
	IF r < 0.14 THEN
		a := 'count(*)';
	ELSIF r < 0.24 THEN
		a := format('count(%s)', c.name);
	ELSIF r < 0.32 THEN
		a := format('count(DISTINCT %s)', c.name);
	ELSIF r < 0.47 THEN
		IF diff_chance(0.08) THEN
			a := 'sum(n)';
		ELSE
			a := format('sum(%s)', n.name);
			f := n.sumf;
		END IF;
	ELSIF r < 0.60 THEN
		IF diff_chance(0.08) THEN
			a := 'avg(n)';
		ELSE
			a := format('avg(%s)', n.name);
			f := n.avgf;
		END IF;
	ELSIF r < 0.74 THEN
		a := format('min(%s)', CASE WHEN c.name = 'b' THEN 'h' ELSE c.name END);
	ELSIF r < 0.88 THEN
		a := format('max(%s)', CASE WHEN c.name = 'b' THEN 'i' ELSE c.name END);
	ELSIF r < 0.94 THEN
		a := 'bool_and(b)';
	ELSE
		a := 'bool_or(b)';
	END IF;
	-- variants an aggregate pushdown must translate exactly or keep local
	r := random();
	IF r < 0.06 THEN
		a := a || format(' FILTER (WHERE %s)', diff_atom());
	ELSIF r < 0.10 AND a ~ '^(sum|avg)\(' THEN
		a := regexp_replace(a, '^(sum|avg)\(', '\1(DISTINCT ');
	ELSIF r < 0.13 THEN
		a := format('(%s) IS NULL', a);
		f := NULL;
	ELSIF r < 0.17 THEN
		a := diff_pick(ARRAY['sum(h::int8 + 1)', 'max(i - 1)', 'count(h * 2)', 'min(-j)',
							 'sum(CASE WHEN b THEN 1 ELSE 0 END)', 'count(1)',
							 'count(NULL::int)', 'max(d + 1)', 'min(lower(s))',
							 'avg(h)::numeric(20,3)', 'count(*) + 1', '-sum(i)',
							 'sum(h) FILTER (WHERE h > 0)', 'count(DISTINCT (h, i))']);
		f := NULL;
	ELSIF r < 0.23 THEN
		SELECT x.a, x.f INTO a, f FROM diff_expr_agg() x;	-- expr_gen.sql
	END IF;
	IF f IS NOT NULL THEN
		ordok := false;
	END IF;
END $$;

-- HAVING condition
CREATE OR REPLACE FUNCTION diff_having(depth int) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	r float8 := random();
BEGIN
	IF depth < 2 AND r < 0.25 THEN
		RETURN format('(%s) %s (%s)', diff_having(depth + 1),
					  diff_pick(ARRAY['AND', 'OR']), diff_having(depth + 1));
	END IF;
	IF r < 0.3 THEN
		RETURN format('NOT (%s)', diff_having(2));
	END IF;
	RETURN diff_pick(ARRAY[
		format('count(*) %s %s', diff_cmp_op(), diff_pick(ARRAY['0', '1', '5', '20', '60', '100'])),
		format('sum(h) %s %s', diff_cmp_op(), diff_pick(ARRAY['0', '100', '-5', 'NULL'])),
		format('sum(i) %s %s', diff_cmp_op(), diff_pick(ARRAY['0', '2147483647', '100'])),
		format('min(s) %s %s', diff_cmp_op(), diff_pick(ARRAY[$q$'b'$q$, $q$'A'$q$, $q$''$q$])),
		format('max(d) %s %s', diff_cmp_op(), $q$'2024-01-01'::date$q$),
		format('avg(f) %s %s', diff_cmp_op(), diff_pick(ARRAY['0', '1000'])),
		format('max(p) %s %s', diff_cmp_op(), $q$'2024-01-02 09:30:00'::timestamp$q$),
		'bool_or(b)', 'NOT bool_and(b)',
		format('count(DISTINCT s) %s %s', diff_cmp_op(), diff_pick(ARRAY['1', '3', '10'])),
		format('count(h) %s count(*)', diff_cmp_op()),
		'min(h) IS NULL', 'max(e) IS NOT NULL', 'sum(j) IS NULL',
		format('avg(i) %s %s', diff_cmp_op(), diff_pick(ARRAY['0', '42', '100000000']))]);
END $$;

-- aggregate query:
--   SELECT keys, aggs FROM t [WHERE] [GROUP BY keys] [HAVING] [ORDER BY [LIMIT]]
CREATE OR REPLACE FUNCTION diff_gen_agg(q INOUT diff_query) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	nk int;
	keys text[];
	sel text[] := '{}';
	ordaggs text[] := '{}';
	ord text[] := '{}';
	ag record;
	lim text;
	x int := 0;
BEGIN
	q.kind := 'agg';
	q.is_agg := true;
	nk := diff_pick(ARRAY['0', '1', '1', '1', '2', '2'])::int;
	SELECT array_agg(name ORDER BY name) INTO keys FROM diff_cols WHERE grp;
	keys := diff_subset(keys, nk);
	FOR x IN 1 .. coalesce(cardinality(keys), 0) LOOP
		-- an expression key, sometimes
		IF diff_chance(0.05) THEN
			keys[x] := diff_time_key();	-- bi_gen.sql
		ELSIF diff_chance(0.06) THEN
			keys[x] := diff_expr_key();	-- expr_gen.sql
		ELSIF diff_chance(0.1) THEN
			keys[x] := diff_pick(ARRAY['h % 3', 'lower(s)', $q$date_trunc('month', p)$q$,
									   '(i > 0)', 'length(str)', 'd + 0',
									   $q$coalesce(g, '?')$q$, 'p::date', '-h']);
		END IF;
		sel := sel || format('%s AS k%s', keys[x], x);
	END LOOP;
	FOR x IN 1 .. 1 + diff_rnd(4) LOOP
		SELECT * INTO ag FROM diff_agg();
		sel := sel || format('%s AS a%s', ag.a, x);
		IF ag.f = 'f4' THEN
			q.f4 := q.f4 || ('a' || x);
		ELSIF ag.f = 'f8' THEN
			q.f8 := q.f8 || ('a' || x);
		END IF;
		IF ag.ordok THEN
			ordaggs := ordaggs || ('a' || x);
		END IF;
	END LOOP;
	q.sql := 'SELECT ' || array_to_string(sel, ', ') || ' FROM @T@';
	IF diff_chance(0.6) THEN
		q.sql := q.sql || ' WHERE ' || diff_pred(1);
		q.has_where := true;
	END IF;
	IF nk > 0 THEN
		q.sql := q.sql || ' GROUP BY ' || array_to_string(keys, ', ');
	END IF;
	IF diff_chance(0.3) THEN
		q.sql := q.sql || ' HAVING ' || diff_having(0);
	END IF;
	IF nk > 0 AND diff_chance(0.6) THEN
		-- an exact aggregate first, sometimes; then every key: a total order
		IF cardinality(ordaggs) > 0 AND diff_chance(0.4) THEN
			ord := ord || diff_order_item(diff_pick(ordaggs));
		END IF;
		FOR x IN 1 .. nk LOOP
			ord := ord || diff_order_item('k' || x);
		END LOOP;
		q.sql := q.sql || ' ORDER BY ' || array_to_string(ord, ', ');
		q.ordered := true;
		q.has_order := true;
		lim := diff_limit();
		q.sql := q.sql || lim;
		q.has_limit := lim <> '';
	END IF;
	RETURN;
END $$;

-- SELECT DISTINCT cols FROM t [WHERE]
CREATE OR REPLACE FUNCTION diff_gen_distinct(q INOUT diff_query) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	keys text[];
BEGIN
	q.kind := 'distinct';
	q.is_agg := true;
	SELECT array_agg(name ORDER BY name) INTO keys FROM diff_cols WHERE grp;
	keys := diff_subset(keys, 1 + diff_rnd(2));
	IF diff_chance(0.15) THEN
		keys[1] := diff_time_key();	-- bi_gen.sql
	ELSIF diff_chance(0.1) THEN
		keys[1] := diff_expr_key();	-- expr_gen.sql
	END IF;
	q.sql := 'SELECT DISTINCT ' || array_to_string(keys, ', ') || ' FROM @T@';
	IF diff_chance(0.6) THEN
		q.sql := q.sql || ' WHERE ' || diff_pred(1);
		q.has_where := true;
	END IF;
	RETURN;
END $$;

-- a condition with parameters $n, $n+1 on a random column: the condition,
-- the types of its parameters and, per parameter, the column whose values
-- feed it ('@like' for LIKE patterns)
CREATE OR REPLACE FUNCTION diff_param_atom(n int, OUT cond text, OUT ptypes text[], OUT pcols text[])
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	c diff_cols := diff_col(diff_pick(diff_all_cols()));
	r float8 := random();
BEGIN
	IF r < 0.15 THEN
		-- the parameter on the left (r decides, so that the random
		-- sequence, and the other queries of a seed, stay as they were)
		cond := format('$%s %s %s', n, diff_cmp_op(), c.name);
		ptypes := ARRAY[c.typ];
		pcols := ARRAY[c.name];
	ELSIF r < 0.5 THEN
		cond := format('%s %s $%s', c.name, diff_cmp_op(), n);
		ptypes := ARRAY[c.typ];
		pcols := ARRAY[c.name];
	ELSIF r < 0.65 THEN
		cond := format('%s %sIN ($%s, %s)', c.name,
					   CASE WHEN diff_chance(0.3) THEN 'NOT ' ELSE '' END,
					   n, diff_pick(c.consts));
		ptypes := ARRAY[c.typ];
		pcols := ARRAY[c.name];
	ELSIF r < 0.8 THEN
		cond := format('%s BETWEEN $%s AND $%s', c.name, n, n + 1);
		ptypes := ARRAY[c.typ, c.typ];
		pcols := ARRAY[c.name, c.name];
	ELSIF r < 0.92 THEN
		c := diff_col(diff_pick(ARRAY['g', 's', 'str']));
		cond := format('%s %sLIKE $%s', c.name,
					   CASE WHEN diff_chance(0.3) THEN 'NOT ' ELSE '' END, n);
		ptypes := ARRAY['text'];
		pcols := ARRAY['@like'];
	ELSE
		cond := format('($%s IS NULL OR %s = $%s)', n, c.name, n);
		ptypes := ARRAY[c.typ];
		pcols := ARRAY[c.name];
	END IF;
END $$;

-- prepared statement: a row or aggregate query whose WHERE has parameters
CREATE OR REPLACE FUNCTION diff_gen_prep(q INOUT diff_query) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	a record;
	w text;
	pcols text[];
	args text[];
	pos int;
	rest text;
	cut int;
	kw text;
BEGIN
	IF diff_chance(0.6) THEN
		q := diff_gen_rows(q);
	ELSE
		q := diff_gen_agg(q);
	END IF;
	q.kind := 'prep-' || q.kind;
	SELECT * INTO a FROM diff_param_atom(1);
	w := a.cond;
	q.ptypes := a.ptypes;
	pcols := a.pcols;
	IF diff_chance(0.5) THEN
		SELECT * INTO a FROM diff_param_atom(cardinality(q.ptypes) + 1);
		q.ptypes := q.ptypes || a.ptypes;
		pcols := pcols || a.pcols;
		w := format('(%s) %s (%s)', w, diff_pick(ARRAY['AND', 'OR', 'AND NOT']), a.cond);
	END IF;
	-- the parameter condition goes before any GROUP BY / HAVING / ORDER BY
	pos := position(' WHERE ' IN q.sql);
	IF pos > 0 THEN
		rest := substr(q.sql, pos + 7);
		cut := length(rest) + 1;
		FOREACH kw IN ARRAY ARRAY[' GROUP BY ', ' HAVING ', ' ORDER BY '] LOOP
			IF position(kw IN rest) > 0 THEN
				cut := least(cut, position(kw IN rest));
			END IF;
		END LOOP;
		q.sql := substr(q.sql, 1, pos - 1) || ' WHERE (' || w || ') AND ('
			|| substr(rest, 1, cut - 1) || ')' || substr(rest, cut);
	ELSE
		q.sql := replace(q.sql, ' FROM @T@', ' FROM @T@ WHERE ' || w);
	END IF;
	q.has_where := true;
	-- 8 executions: enough for the plan cache to try the generic plan
	q.pvals := '{}';
	FOR x IN 1 .. 8 LOOP
		args := '{}';
		FOR y IN 1 .. cardinality(pcols) LOOP
			IF pcols[y] = '@like' THEN
				args := args || diff_pick((SELECT pats FROM diff_like));
			ELSE
				args := args || diff_pick((diff_col(pcols[y])).pvals);
			END IF;
		END LOOP;
		q.pvals := q.pvals || array_to_string(args, ', ');
	END LOOP;
	RETURN;
END $$;

-- join with a VALUES list on a column (nested loop: join parameters go to
-- q on the use_remote_estimate table):
--   SELECT v.x, f.cols FROM (VALUES ...) v(x) [LEFT] JOIN t f ON f.col op v.x
--   [WHERE] [ORDER BY vx, f.id]
CREATE OR REPLACE FUNCTION diff_gen_join(q INOUT diff_query) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	c diff_cols := diff_col(diff_pick(diff_all_cols()));
	vals text[] := '{}';
	cols text[];
BEGIN
	q.kind := 'join';
	IF q.tab <> 3 THEN
		q.tab := CASE WHEN diff_chance(0.7) THEN 4 ELSE 1 END;
	END IF;
	FOR x IN 1 .. 1 + diff_rnd(4) LOOP
		vals := vals || format('(%s::%s)', diff_pick(c.pvals), c.typ);
	END LOOP;
	SELECT array_agg('f.' || x) INTO cols FROM unnest(diff_subset(diff_all_cols(), 1 + diff_rnd(3))) x;
	q.sql := format('SELECT v.x AS vx, %s FROM (VALUES %s) v(x) %sJOIN @T@ f ON f.%s %s v.x',
					array_to_string(cols, ', '), array_to_string(vals, ', '),
					CASE WHEN diff_chance(0.25) THEN 'LEFT ' ELSE '' END,
					c.name, diff_pick(ARRAY['=', '=', '=', '<', '>=', '<>']));
	q.has_where := true;
	IF diff_chance(0.5) THEN
		q.sql := q.sql || ' WHERE ' || diff_pred(1);
	END IF;
	IF diff_chance(0.4) THEN
		q.sql := q.sql || ' ORDER BY vx, f.id NULLS FIRST';
		IF NOT (cols @> ARRAY['f.id']) THEN
			q.sql := replace(q.sql, 'SELECT v.x AS vx, ', 'SELECT v.x AS vx, f.id AS fid, ');
		END IF;
		q.ordered := true;
	END IF;
	IF diff_chance(0.8) THEN
		q.gucs := ARRAY['enable_hashjoin=off', 'enable_mergejoin=off'];
	END IF;
	RETURN;
END $$;

-- query number k of seed: deterministic (setseed from seed and k)
CREATE OR REPLACE FUNCTION diff_gen(p_seed int, p_k int) RETURNS diff_query
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	q diff_query;
	r float8;
BEGIN
	PERFORM setseed(((hashint8(p_seed::int8 * 100003 + p_k) & 2147483647)::float8 / 2147483648.0) * 2 - 1);
	q.seed := p_seed;
	q.k := p_k;
	q.f4 := '{}';
	q.f8 := '{}';
	q.ordered := false;
	q.has_where := false;
	q.is_agg := false;
	q.has_order := false;
	q.has_limit := false;
	r := random();
	q.tab := CASE WHEN r < 0.72 THEN 1 WHEN r < 0.78 THEN 2 WHEN r < 0.88 THEN 5
				  WHEN r < 0.94 THEN 3 ELSE 4 END;
	-- a third of diff_ft's queries go to the partitioned and the
	-- attributed copies (by query number: the random sequence is kept)
	IF q.tab = 1 AND p_k % 6 = 1 THEN
		q.tab := 6;
	ELSIF q.tab = 1 AND p_k % 6 = 4 THEN
		q.tab := 7;
	END IF;
	q.gucs := '{}';
	r := random();
	IF r < 0.40 THEN
		q := diff_gen_rows(q);
	ELSIF r < 0.74 THEN
		q := diff_gen_agg(q);
	ELSIF r < 0.80 THEN
		q := diff_gen_distinct(q);
	ELSIF r < 0.89 THEN
		q := diff_gen_join(q);
	ELSE
		q := diff_gen_prep(q);
	END IF;
	RETURN q;
END $$;

-- ===================================================================
-- execution and comparison
-- ===================================================================
DROP TYPE IF EXISTS diff_rs CASCADE;
CREATE TYPE diff_rs AS (rows text[], js jsonb[], err text, state text);

-- run sql; rows as text and jsonb, or the error
CREATE OR REPLACE FUNCTION diff_fetch(p_sql text) RETURNS diff_rs
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	r record;
	res diff_rs;
BEGIN
	res.rows := '{}';
	res.js := '{}';
	BEGIN
		FOR r IN EXECUTE p_sql LOOP
			res.rows := res.rows || (r::text);
			res.js := res.js || to_jsonb(r);
		END LOOP;
	EXCEPTION WHEN OTHERS THEN
		res.rows := NULL;
		res.js := NULL;
		res.err := SQLERRM;
		res.state := SQLSTATE;
	END;
	RETURN res;
END $$;

-- rows sorted by their text (multiset comparison)
CREATE OR REPLACE FUNCTION diff_sorted(rs diff_rs) RETURNS diff_rs
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(array_agg(t ORDER BY t COLLATE "C"), '{}'),
		   coalesce(array_agg(j ORDER BY t COLLATE "C"), '{}'), rs.err, rs.state
	FROM unnest(rs.rows, rs.js) AS u(t, j)
$$;

-- float tolerance (see the header)
CREATE OR REPLACE FUNCTION diff_close(a jsonb, b jsonb, tol float8) RETURNS bool
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	x float8;
	y float8;
BEGIN
	IF a = b THEN
		RETURN true;
	END IF;
	IF jsonb_typeof(a) <> 'number' OR jsonb_typeof(b) <> 'number' THEN
		RETURN false;
	END IF;
	x := a::float8;
	y := b::float8;
	RETURN abs(x - y) <= tol * greatest(abs(x), abs(y)) OR abs(x - y) <= 1e-12;
END $$;

CREATE OR REPLACE FUNCTION diff_same_row(ta text, tb text, ja jsonb, jb jsonb,
										 f4 text[], f8 text[]) RETURNS bool
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	key text;
BEGIN
	IF ta = tb THEN
		RETURN true;
	END IF;
	IF cardinality(f4) + cardinality(f8) = 0 THEN
		RETURN false;
	END IF;
	FOR key IN SELECT jsonb_object_keys(ja) LOOP
		IF NOT jb ? key THEN
			RETURN false;
		END IF;
		IF ja -> key = jb -> key THEN
			CONTINUE;
		END IF;
		IF key = ANY (f8) AND diff_close(ja -> key, jb -> key, 1e-9) THEN
			CONTINUE;
		END IF;
		IF key = ANY (f4) AND diff_close(ja -> key, jb -> key, 1e-6) THEN
			CONTINUE;
		END IF;
		RETURN false;
	END LOOP;
	RETURN true;
END $$;

-- NULL when remote and local agree, else a description
CREATE OR REPLACE FUNCTION diff_compare(rem diff_rs, loc diff_rs, ordered bool,
										f4 text[], f8 text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	a diff_rs := rem;
	b diff_rs := loc;
BEGIN
	IF a.err IS NOT NULL OR b.err IS NOT NULL THEN
		IF a.state IS NOT DISTINCT FROM b.state THEN
			RETURN NULL;
		END IF;
		RETURN format('error: remote %s, local %s',
					  coalesce(a.state || ' ' || a.err, 'none'),
					  coalesce(b.state || ' ' || b.err, 'none'));
	END IF;
	IF cardinality(a.rows) <> cardinality(b.rows) THEN
		RETURN format('row count: remote %s, local %s', cardinality(a.rows), cardinality(b.rows));
	END IF;
	IF NOT ordered THEN
		a := diff_sorted(a);
		b := diff_sorted(b);
	END IF;
	FOR x IN 1 .. cardinality(a.rows) LOOP
		IF NOT diff_same_row(a.rows[x], b.rows[x], a.js[x], b.js[x], f4, f8) THEN
			RETURN format('row %s%s: remote %s, local %s', x,
						  CASE WHEN ordered THEN '' ELSE ' (sorted)' END,
						  a.rows[x], b.rows[x]);
		END IF;
	END LOOP;
	RETURN NULL;
END $$;

-- result set, at most 30 rows, for reports
CREATE OR REPLACE FUNCTION diff_show(rs diff_rs) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN rs.err IS NOT NULL THEN 'ERROR ' || rs.state || ': ' || rs.err
		ELSE format('%s rows', cardinality(rs.rows))
			 || coalesce(E'\n    ' || array_to_string(rs.rows[1:12], E'\n    '), '')
			 || CASE WHEN cardinality(rs.rows) > 12 THEN E'\n    ...' ELSE '' END
	END
$$;

-- EXPLAIN (VERBOSE, COSTS OFF) text, with pushdown on or off
CREATE OR REPLACE FUNCTION diff_explain(p_sql text, pushdown bool) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	l text;
	res text[] := '{}';
BEGIN
	PERFORM set_config('qipc_fdw.enable_pushdown', CASE WHEN pushdown THEN 'on' ELSE 'off' END, true);
	BEGIN
		FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || p_sql LOOP
			res := res || l;
		END LOOP;
	EXCEPTION WHEN OTHERS THEN
		res := res || ('EXPLAIN failed: ' || SQLERRM);
	END;
	PERFORM set_config('qipc_fdw.enable_pushdown', 'on', true);
	RETURN array_to_string(res, E'\n');
END $$;

-- what the plan leaves to PostgreSQL
DROP TYPE IF EXISTS diff_plan CASCADE;
CREATE TYPE diff_plan AS (remote_q text, scan_filter text, agg_node bool,
						  sort_node bool, limit_node bool);

CREATE OR REPLACE FUNCTION diff_plan_of(explain text) RETURNS diff_plan
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	l text;
	in_scan bool := false;
	res diff_plan;
BEGIN
	res.agg_node := false;
	res.sort_node := false;
	res.limit_node := false;
	FOREACH l IN ARRAY string_to_array(explain, E'\n') LOOP
		IF l ~ '^\s*(->\s+)?Foreign Scan' THEN
			in_scan := true;
		ELSIF l ~ '->' OR l ~ '^\S' THEN
			in_scan := false;
		END IF;
		IF l ~ '^\s*(->\s+)?((Finalize|Partial) )?(Hash|Group|Mixed)?Aggregate\M'
			OR l ~ '^\s*(->\s+)?(Unique|Group|HashSetOp)\M' THEN
			res.agg_node := true;
		END IF;
		IF l ~ '^\s*(->\s+)?(Incremental )?Sort\M' THEN
			res.sort_node := true;
		END IF;
		IF l ~ '^\s*(->\s+)?Limit\M' THEN
			res.limit_node := true;
		END IF;
		IF in_scan AND l ~ '^\s*Filter: ' THEN
			res.scan_filter := coalesce(res.scan_filter || ' ', '') || btrim(l);
		END IF;
		IF l ~ '^\s*Remote q: ' THEN
			res.remote_q := coalesce(res.remote_q || ' ', '') || regexp_replace(l, '^\s*Remote q: ', '');
		END IF;
	END LOOP;
	RETURN res;
END $$;

DROP TABLE IF EXISTS diff_results CASCADE;
CREATE TABLE diff_results (
	seed int,
	k int,
	sub int,				-- execution number of a prepared statement, else 0
	kind text,
	sql text,				-- on the foreign table
	ok bool,
	has_where bool,
	where_any bool,			-- the scan's local Filter shrank: something pushed
	where_full bool,		-- no local Filter left on the scan
	is_agg bool,
	agg_pushed bool,		-- no Aggregate/Unique node left
	has_order bool,
	sort_pushed bool,		-- no Sort node left
	has_limit bool,
	limit_pushed bool,		-- the remote q applies the limit (sublist)
	both_err bool,			-- matched because both sides failed alike
	param_pushed bool,		-- the remote q takes parameters ($n, join values)
	remote_q text,
	detail text,			-- the mismatch report
	nrows int,				-- rows of the local result (NULL: error)
	ms float8				-- time of both executions
);

-- classify the plan of sql (pushdown on vs off) into r: a step counts as
-- pushed when the plan without pushdown has its node and the plan with
-- pushdown does not; an aggregate pushed to q has its WHERE pushed too
CREATE OR REPLACE FUNCTION diff_classify(r INOUT diff_results, p_sql text, explain_on text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	on_p diff_plan := diff_plan_of(explain_on);
	off_p diff_plan := diff_plan_of(diff_explain(p_sql, false));
BEGIN
	r.remote_q := on_p.remote_q;
	r.param_pushed := on_p.remote_q ~ '[[;(]\$([0-9]|outer)';
	r.is_agg := r.is_agg AND off_p.agg_node;
	r.has_order := r.has_order AND off_p.sort_node;
	r.has_limit := r.has_limit AND off_p.limit_node;
	r.agg_pushed := r.is_agg AND NOT on_p.agg_node;
	r.sort_pushed := r.has_order AND NOT on_p.sort_node;
	-- PostgreSQL keeps its Limit node above a scan that applied the limit
	-- (it is cheap and harmless), so the node does not tell; the remote q
	-- does: a pushed LIMIT/OFFSET becomes "n sublist i" there
	r.limit_pushed := r.has_limit AND coalesce(on_p.remote_q ~ '\msublist\M', false);
	IF r.agg_pushed THEN
		r.where_any := r.has_where;
		r.where_full := r.has_where;
	ELSE
		r.where_any := r.has_where AND on_p.remote_q IS NOT NULL
			AND on_p.scan_filter IS DISTINCT FROM off_p.scan_filter
			AND (on_p.scan_filter IS NULL OR off_p.scan_filter IS NULL
				 OR length(on_p.scan_filter) < length(off_p.scan_filter));
		r.where_full := r.has_where AND on_p.remote_q IS NOT NULL AND on_p.scan_filter IS NULL;
	END IF;
END $$;

-- rows of a that are not in b (multiset difference on the row text)
CREATE OR REPLACE FUNCTION diff_minus(a diff_rs, b diff_rs) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT format('%s rows', count(*))
		|| coalesce(E'\n    ' || string_agg(t, E'\n    ' ORDER BY t COLLATE "C") FILTER (WHERE n <= 20), '')
		|| CASE WHEN count(*) > 20 THEN E'\n    ...' ELSE '' END
	FROM (SELECT t, row_number() OVER (ORDER BY t COLLATE "C") AS n
		  FROM (SELECT unnest(a.rows) EXCEPT ALL SELECT unnest(b.rows)) x(t)) y
$$;

CREATE OR REPLACE FUNCTION diff_report(q diff_query, rsql text, lsql text, why text,
									   rem diff_rs, loc diff_rs, explain text,
									   sub int, args text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT format(E'MISMATCH seed %s query %s%s (%s): %s\n  remote: %s\n  local:  %s\n%s  foreign table result: %s\n  local table result:   %s\n%s  EXPLAIN (VERBOSE, COSTS OFF):\n    %s',
				  q.seed, q.k,
				  CASE WHEN sub > 0 THEN format(' execution %s', sub) ELSE '' END,
				  q.kind, why, rsql, lsql,
				  CASE WHEN args IS NOT NULL THEN format(E'  EXECUTE (%s)\n', args) ELSE '' END,
				  diff_show(rem), diff_show(loc),
				  CASE WHEN rem.err IS NULL AND loc.err IS NULL THEN
					  format(E'  only in the foreign table result: %s\n  only in the local table result:   %s\n',
							 diff_minus(rem, loc), diff_minus(loc, rem))
				  ELSE '' END,
				  replace(explain, E'\n', E'\n    '))
$$;

CREATE OR REPLACE FUNCTION diff_new_result(q diff_query, rsql text, sub int) RETURNS diff_results
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	r diff_results;
BEGIN
	r.seed := q.seed;
	r.k := q.k;
	r.sub := sub;
	r.kind := q.kind;
	r.sql := rsql;
	r.has_where := q.has_where;
	r.is_agg := q.is_agg;
	r.has_order := q.has_order;
	r.has_limit := q.has_limit;
	RETURN r;
END $$;

-- check one plain query
CREATE OR REPLACE FUNCTION diff_check(q diff_query) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	rsql text;
	lsql text;
	rem diff_rs;
	loc diff_rs;
	why text;
	explain text;
	r diff_results;
	t0 timestamptz;
	g text;
BEGIN
	SELECT replace(q.sql, '@T@', remote), replace(q.sql, '@T@', local)
		INTO rsql, lsql FROM diff_tables WHERE diff_tables.k = q.tab;
	r := diff_new_result(q, rsql, 0);
	FOREACH g IN ARRAY coalesce(q.gucs, '{}') LOOP
		PERFORM set_config(split_part(g, '=', 1), split_part(g, '=', 2), true);
	END LOOP;
	explain := diff_explain(rsql, true);
	r := diff_classify(r, rsql, explain);
	t0 := clock_timestamp();
	rem := diff_fetch(rsql);
	loc := diff_fetch(lsql);
	r.ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
	FOREACH g IN ARRAY coalesce(q.gucs, '{}') LOOP
		PERFORM set_config(split_part(g, '=', 1), 'on', true);
	END LOOP;
	why := diff_compare(rem, loc, q.ordered, q.f4, q.f8);
	r.ok := why IS NULL;
	r.both_err := r.ok AND rem.err IS NOT NULL;
	r.nrows := cardinality(loc.rows);
	IF NOT r.ok THEN
		r.detail := diff_report(q, rsql, lsql, why, rem, loc, explain, 0, NULL)
			|| CASE WHEN cardinality(q.gucs) > 0
				THEN E'\n  (with ' || array_to_string(q.gucs, ', ') || ')' ELSE '' END;
	END IF;
	INSERT INTO diff_results SELECT r.*;
END $$;

-- fetch the result of EXECUTE name(args) (CREATE TABLE AS keeps the order)
CREATE OR REPLACE FUNCTION diff_fetch_execute(name text, args text) RETURNS diff_rs
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	res diff_rs;
BEGIN
	BEGIN
		EXECUTE format('CREATE TEMP TABLE diff_exec_out AS EXECUTE %I(%s)', name, args);
	EXCEPTION WHEN OTHERS THEN
		res.err := SQLERRM;
		res.state := SQLSTATE;
		RETURN res;
	END;
	res := diff_fetch('SELECT * FROM diff_exec_out');
	DROP TABLE diff_exec_out;
	RETURN res;
END $$;

-- check a prepared statement: 6 executions with the default plan cache
-- mode (the generic plan is considered from the 6th on), 2 more with the
-- generic plan forced
CREATE OR REPLACE FUNCTION diff_check_prep(q diff_query) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	rsql text;
	lsql text;
	rem diff_rs;
	loc diff_rs;
	why text;
	explain text;
	r diff_results;
	t0 timestamptz;
	sub int := 0;
	args text;
	ptypes text := array_to_string(q.ptypes, ', ');
BEGIN
	SELECT replace(q.sql, '@T@', remote), replace(q.sql, '@T@', local)
		INTO rsql, lsql FROM diff_tables WHERE diff_tables.k = q.tab;
	EXECUTE 'DEALLOCATE ALL';
	-- a statement PostgreSQL rejects (e.g. an array of unknown literals
	-- compared with a time column) must be rejected the same way on both
	BEGIN
		EXECUTE format('PREPARE diff_pl(%s) AS %s', ptypes, lsql);
	EXCEPTION WHEN OTHERS THEN
		loc.err := SQLERRM;
		loc.state := SQLSTATE;
	END;
	BEGIN
		EXECUTE format('PREPARE diff_pr(%s) AS %s', ptypes, rsql);
		EXECUTE format('PREPARE diff_po(%s) AS %s', ptypes, rsql);
	EXCEPTION WHEN OTHERS THEN
		rem.err := SQLERRM;
		rem.state := SQLSTATE;
	END;
	IF rem.err IS NOT NULL OR loc.err IS NOT NULL THEN
		r := diff_new_result(q, rsql, 1);
		r.ok := rem.state IS NOT DISTINCT FROM loc.state;
		r.both_err := r.ok;
		IF NOT r.ok THEN
			r.detail := format(E'MISMATCH seed %s query %s (%s): PREPARE: remote %s, local %s\n  %s', q.seed, q.k,
							   q.kind, coalesce(rem.err, 'ok'), coalesce(loc.err, 'ok'), rsql);
		END IF;
		INSERT INTO diff_results SELECT r.*;
		EXECUTE 'DEALLOCATE ALL';
		RETURN;
	END IF;
	FOREACH args IN ARRAY q.pvals LOOP
		sub := sub + 1;
		IF sub = 7 THEN
			PERFORM set_config('plan_cache_mode', 'force_generic_plan', true);
		END IF;
		r := diff_new_result(q, rsql, sub);
		r.sql := format('PREPARE diff_pr(%s) AS %s; EXECUTE diff_pr(%s)', ptypes, rsql, args);
		explain := diff_explain(format('EXECUTE diff_pr(%s)', args), true);
		r := diff_classify(r, format('EXECUTE diff_po(%s)', args), explain);
		t0 := clock_timestamp();
		rem := diff_fetch_execute('diff_pr', args);
		loc := diff_fetch_execute('diff_pl', args);
		r.ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
		why := diff_compare(rem, loc, q.ordered, q.f4, q.f8);
		r.ok := why IS NULL;
		r.both_err := r.ok AND rem.err IS NOT NULL;
		r.nrows := cardinality(loc.rows);
		IF NOT r.ok THEN
			r.detail := diff_report(q, format('PREPARE diff_pr(%s) AS %s', ptypes, rsql),
									format('PREPARE diff_pl(%s) AS %s', ptypes, lsql),
									why, rem, loc, explain, sub, args)
				|| CASE WHEN sub >= 7 THEN E'\n  (plan_cache_mode = force_generic_plan)' ELSE '' END;
		END IF;
		INSERT INTO diff_results SELECT r.*;
	END LOOP;
	PERFORM set_config('plan_cache_mode', 'auto', true);
	EXECUTE 'DEALLOCATE ALL';
END $$;

-- run queries k_from .. k_to of seed
CREATE OR REPLACE FUNCTION diff_run(p_seed int, k_from int, k_to int) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	q diff_query;
BEGIN
	PERFORM set_config('qipc_fdw.enable_pushdown', 'on', true);
	FOR k IN k_from .. k_to LOOP
		q := diff_gen(p_seed, k);
		IF q.ptypes IS NOT NULL THEN
			PERFORM diff_check_prep(q);
		ELSE
			PERFORM diff_check(q);
		END IF;
	END LOOP;
END $$;
