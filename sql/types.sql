--
-- types: the q -> PostgreSQL type mapping, nulls, infinities, edge cases
--
\getenv qport QIPC_TEST_PORT
SET qipc_fdw.enable_pushdown = off;
CREATE SERVER regress_types FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_types;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
SET extra_float_digits = 0;

-- ===================================================================
-- every scalar q type in its natural PostgreSQL type:
-- row 1 a value, row 2 the q null, row 3 an edge value
-- ===================================================================
CREATE FOREIGN TABLE fdw_types (
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
) SERVER regress_types;
SELECT id, b, g, x, h, i, j, e, f, c, s FROM fdw_types ORDER BY id;
SELECT id, p, m, d, z FROM fdw_types ORDER BY id;
SELECT id, n, u, v, t FROM fdw_types ORDER BY id;
-- which values are SQL NULL
SELECT id, b IS NULL AS b, g IS NULL AS g, x IS NULL AS x, h IS NULL AS h,
       i IS NULL AS i, j IS NULL AS j, e IS NULL AS e, f IS NULL AS f,
       c IS NULL AS c, s IS NULL AS s, p IS NULL AS p, m IS NULL AS m,
       d IS NULL AS d, z IS NULL AS z, n IS NULL AS n, u IS NULL AS u,
       v IS NULL AS v, t IS NULL AS t
  FROM fdw_types ORDER BY id;

-- ===================================================================
-- other declarations the mapping allows
-- ===================================================================
CREATE FOREIGN TABLE regress_types_alt (
  id int,
  b int,              -- boolean as integer
  x bigint,           -- byte as bigint
  h int,              -- short as integer
  i bigint,           -- int as bigint
  j numeric,          -- long as numeric
  e double precision, -- real as float8
  f numeric,          -- float as numeric
  c text,             -- char as text
  s varchar(20),      -- symbol as varchar
  p timestamptz,      -- timestamp read as UTC
  d timestamp,        -- date as timestamp
  z timestamptz,      -- datetime as timestamptz
  n time,             -- timespan as time of day
  u interval,         -- minute as interval
  v interval,         -- second as interval
  t interval          -- time as interval
) SERVER regress_types OPTIONS (table 'fdw_types');
SELECT * FROM regress_types_alt ORDER BY id;
-- symbol into name and bpchar
CREATE FOREIGN TABLE regress_types_names (id int, s name, c char(12))
  SERVER regress_types OPTIONS (query 'select id, s, c:s from fdw_types');
SELECT id, s, c, length(c) FROM regress_types_names ORDER BY id;
-- a symbol too long for varchar(5)
CREATE FOREIGN TABLE regress_types_short (s varchar(5))
  SERVER regress_types OPTIONS (table 'fdw_types');
SELECT * FROM regress_types_short;                      -- ERROR
-- any scalar as text: q display form
CREATE FOREIGN TABLE regress_types_text (id text, g text, p text, f text)
  SERVER regress_types OPTIONS (table 'fdw_types');
SELECT * FROM regress_types_text ORDER BY id;

-- incompatible declarations name the column
CREATE FOREIGN TABLE regress_types_wrong1 (s int) SERVER regress_types
  OPTIONS (table 'fdw_types');
SELECT * FROM regress_types_wrong1;                     -- ERROR
CREATE FOREIGN TABLE regress_types_wrong2 (p date, g text, b boolean, f bigint)
  SERVER regress_types OPTIONS (table 'fdw_types');
SELECT f FROM regress_types_wrong2;                     -- ERROR
SELECT b FROM regress_types_wrong2;
CREATE FOREIGN TABLE regress_types_wrong3 (b uuid) SERVER regress_types
  OPTIONS (table 'fdw_types');
SELECT * FROM regress_types_wrong3;                     -- ERROR

-- ===================================================================
-- infinities: +inf in row 1, -inf in row 2
-- ===================================================================
CREATE FOREIGN TABLE fdw_infs (
  id int, e real, f double precision, p timestamp, m date, d date, z timestamp
) SERVER regress_types;
SELECT * FROM fdw_infs ORDER BY id;
-- into numeric
CREATE FOREIGN TABLE regress_types_infnum (id int, j numeric, f numeric)
  SERVER regress_types OPTIONS (table 'fdw_infs');
SELECT * FROM regress_types_infnum ORDER BY id;
-- types without infinity: an error naming the column, never a wrong value
CREATE FOREIGN TABLE regress_types_infh (h smallint) SERVER regress_types
  OPTIONS (table 'fdw_infs');
SELECT * FROM regress_types_infh;                       -- ERROR
CREATE FOREIGN TABLE regress_types_infi (i int) SERVER regress_types
  OPTIONS (table 'fdw_infs');
SELECT * FROM regress_types_infi;                       -- ERROR
CREATE FOREIGN TABLE regress_types_infj (j bigint) SERVER regress_types
  OPTIONS (table 'fdw_infs');
SELECT * FROM regress_types_infj;                       -- ERROR
CREATE FOREIGN TABLE regress_types_infn (n interval) SERVER regress_types
  OPTIONS (table 'fdw_infs');
SELECT * FROM regress_types_infn;                       -- ERROR
CREATE FOREIGN TABLE regress_types_inft (t time) SERVER regress_types
  OPTIONS (table 'fdw_infs');
SELECT * FROM regress_types_inft;                       -- ERROR

-- ===================================================================
-- nested columns: strings, byte lists, vectors as arrays
-- ===================================================================
CREATE FOREIGN TABLE fdw_nested (
  id int, str text, bytes bytea, longs bigint[], syms text[], floats float8[]
) SERVER regress_types;
SELECT * FROM fdw_nested ORDER BY id;
SELECT id, length(str), octet_length(str), length(bytes), cardinality(longs)
  FROM fdw_nested ORDER BY id;
-- a string column into varchar and bytea
CREATE FOREIGN TABLE regress_types_str (id int, str varchar, bytes bytea,
                                        s2 bytea OPTIONS (column_name 'str'))
  SERVER regress_types OPTIONS (table 'fdw_nested');
SELECT * FROM regress_types_str ORDER BY id;
-- a vector column into a scalar type is an error
CREATE FOREIGN TABLE regress_types_notarray (longs bigint) SERVER regress_types
  OPTIONS (table 'fdw_nested');
SELECT * FROM regress_types_notarray;                   -- ERROR

-- ===================================================================
-- edge cases: nanoseconds (truncated toward minus infinity), pre-2000,
-- negative time spans
-- ===================================================================
CREATE FOREIGN TABLE fdw_edge (id int, p timestamp, n interval)
  SERVER regress_types;
SELECT * FROM fdw_edge ORDER BY id;
CREATE FOREIGN TABLE regress_types_edge_time (id int, n time)
  SERVER regress_types OPTIONS (table 'fdw_edge');
SELECT * FROM regress_types_edge_time;                  -- ERROR

-- negative time and 24:00 into time: an error; into interval: fine
CREATE FOREIGN TABLE regress_types_badtime (id int, t time) SERVER regress_types
  OPTIONS (table 'fdw_bad');
SELECT * FROM regress_types_badtime;                    -- ERROR
CREATE FOREIGN TABLE regress_types_badtime2 (id int, t interval) SERVER regress_types
  OPTIONS (table 'fdw_bad');
SELECT * FROM regress_types_badtime2 ORDER BY id;

-- bytes that are not valid in the database encoding
CREATE FOREIGN TABLE regress_types_badsym (id int, s text) SERVER regress_types
  OPTIONS (table 'fdw_bad');
SELECT * FROM regress_types_badsym;                     -- ERROR
CREATE FOREIGN TABLE regress_types_badstr (id int, str text) SERVER regress_types
  OPTIONS (table 'fdw_bad');
SELECT * FROM regress_types_badstr;                     -- ERROR
CREATE FOREIGN TABLE regress_types_badbytes (id int, str bytea) SERVER regress_types
  OPTIONS (table 'fdw_bad');
SELECT * FROM regress_types_badbytes ORDER BY id;

-- dates beyond what PostgreSQL can represent
CREATE FOREIGN TABLE regress_types_farfuture_d (d date)
  SERVER regress_types OPTIONS (query '([] d:enlist `date$2146000000)');
SELECT * FROM regress_types_farfuture_d;                -- ERROR
CREATE FOREIGN TABLE regress_types_farfuture_ts (d timestamp)
  SERVER regress_types OPTIONS (query '([] d:enlist `date$200000000)');
SELECT * FROM regress_types_farfuture_ts;               -- ERROR
CREATE FOREIGN TABLE regress_types_farfuture_ok (d date)
  SERVER regress_types OPTIONS (query '([] d:enlist `date$200000000)');
SELECT * FROM regress_types_farfuture_ok;

-- a value over 1 GB is a program limit (54000), checked before allocating;
-- 1073741820 bytes is one more than a varlena holds (text and bytea share
-- the check; one 1 GB transfer is enough)
CREATE FOREIGN TABLE regress_types_huge (id int, s text)
  SERVER regress_types OPTIONS (query '([] id:enlist 1; s:enlist 1073741820#"a")');
SELECT id, length(s) FROM regress_types_huge;           -- ERROR
\echo :LAST_ERROR_SQLSTATE
-- jsonb: a list with more elements than a jsonb array can be built with
SELECT qipc_exec('regress_types', '16777217#0b');        -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT jsonb_array_length(qipc_exec('regress_types', '100000#0b'));

DROP SERVER regress_types CASCADE;
