--
-- bi_time: extract/date_part fields and date_bin buckets of timestamp and
-- date columns (GROUP BY keys, WHERE), and the planner's first row count,
-- pushed into q only where q's answer is exactly PostgreSQL's.  Each
-- pushed query is compared with the same query computed locally
-- (qipc_fdw.enable_pushdown off) on a local copy.
--
\getenv qport QIPC_TEST_PORT

SET client_min_messages = warning;
DROP SERVER IF EXISTS regress_bt CASCADE;
RESET client_min_messages;
CREATE SERVER regress_bt FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_bt;

-- fixture: test/fixtures/bi_time.q
CREATE FOREIGN TABLE bt_trade ("time" timestamp, d date,
  sym text COLLATE "C", price double precision, size bigint)
  SERVER regress_bt OPTIONS (table 'bt_trade');
CREATE FOREIGN TABLE bt_tz ("time" timestamptz, d date,
  sym text COLLATE "C", price double precision, size bigint)
  SERVER regress_bt OPTIONS (table 'bt_trade');
CREATE FOREIGN TABLE bt_fin ("time" timestamp, d date,
  sym text COLLATE "C", price double precision, size bigint)
  SERVER regress_bt OPTIONS (table 'bt_fin');
CREATE FOREIGN TABLE bt_part (date date, "time" timestamp,
  sym text COLLATE "C", price double precision, size bigint)
  SERVER regress_bt OPTIONS (table 'bt_part', partition_column 'date');

-- local copies, read with pushdown off, as the reference answers
SET qipc_fdw.enable_pushdown = off;
CREATE TEMP TABLE l_trade AS SELECT * FROM bt_trade;
CREATE TEMP TABLE l_tz AS SELECT * FROM bt_tz;
CREATE TEMP TABLE l_fin AS SELECT * FROM bt_fin;
CREATE TEMP TABLE l_part AS SELECT * FROM bt_part;
RESET qipc_fdw.enable_pushdown;
SELECT count(*), count("time"), count(d) FROM l_trade;

-- bt_same(q1, q2): the two queries' rows as multisets, both ways
CREATE FUNCTION bt_same(q1 text, q2 text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s)) d',
                 q1, q2, q2, q1) INTO n;
  RETURN n = 0;
END $$;
-- bt_same_text(q1, q2): likewise, as text (numeric display scale included)
CREATE FUNCTION bt_same_text(q1 text, q2 text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM ((SELECT x::text FROM (%s) x EXCEPT ALL SELECT x::text FROM (%s) x) UNION ALL (SELECT x::text FROM (%s) x EXCEPT ALL SELECT x::text FROM (%s) x)) d',
                 q1, q2, q2, q1) INTO n;
  RETURN n = 0;
END $$;
-- bt_pushed(q): no Filter and no local Aggregate in the plan
CREATE FUNCTION bt_pushed(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    IF l LIKE '%Filter:%' OR l LIKE '%Aggregate%' THEN RETURN false; END IF;
  END LOOP;
  RETURN true;
END $$;

-- ===================================================================
-- extract and date_part in GROUP BY: q casts and day arithmetic
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT extract(hour FROM "time") AS h, count(*) FROM bt_trade
GROUP BY 1 ORDER BY 1;
SELECT extract(hour FROM "time") AS h, count(*) FROM bt_trade
GROUP BY 1 ORDER BY 1;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_part('dow', d), sum(size) FROM bt_trade GROUP BY 1;
SELECT date_part('dow', d) AS dow, sum(size) FROM bt_trade
GROUP BY 1 ORDER BY 1;
-- year: +-Infinity for the infinities, as numeric and as double
SELECT extract(year FROM "time") AS y, date_part('year', "time") AS yd,
  count(*) FROM bt_trade GROUP BY 1, 2 ORDER BY 1;
SELECT extract(year FROM d) AS y, count(*) FROM bt_trade GROUP BY 1 ORDER BY 1;

-- every field pushed, extract and date_part, timestamp and date columns,
-- compared as text (extract's numeric scale included)
CREATE TEMP TABLE fld(f text, col text);
INSERT INTO fld SELECT f, '"time"' FROM unnest(ARRAY['year', 'month', 'day',
  'hour', 'minute', 'dow', 'isodow', 'doy', 'quarter', 'microseconds',
  'HOURS', 'mon', 'us']) AS f;
INSERT INTO fld SELECT f, 'd' FROM unnest(ARRAY['year', 'month', 'day',
  'dow', 'isodow', 'doy', 'quarter']) AS f;
SELECT f, col,
  bt_same_text(format('SELECT extract(%s FROM %s), count(*), sum(size) FROM bt_trade GROUP BY 1', f, col),
            format('SELECT extract(%s FROM %s), count(*), sum(size) FROM l_trade GROUP BY 1', f, col)) AS extract,
  bt_same_text(format('SELECT date_part(%L, %s), count(*) FROM bt_trade GROUP BY 1', f, col),
            format('SELECT date_part(%L, %s), count(*) FROM l_trade GROUP BY 1', f, col)) AS date_part,
  bt_pushed(format('SELECT extract(%s FROM %s), count(*) FROM bt_trade GROUP BY 1', f, col)) AS pushed
FROM fld ORDER BY col, f;

-- fields left to PostgreSQL: fractions (second, milliseconds, epoch),
-- week-based fields, clock fields of a date, timestamptz (TimeZone)
SELECT f, bt_pushed(format('SELECT extract(%s FROM "time"), count(*) FROM bt_trade GROUP BY 1', f)) AS pushed,
  bt_same_text(format('SELECT extract(%s FROM "time"), count(*) FROM bt_trade GROUP BY 1', f),
            format('SELECT extract(%s FROM "time"), count(*) FROM l_trade GROUP BY 1', f)) AS same
FROM unnest(ARRAY['second', 'milliseconds', 'epoch', 'week', 'isoyear', 'decade']) AS f
ORDER BY f;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_part('hour', d), count(*) FROM bt_trade GROUP BY 1;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT extract(hour FROM "time"), count(*) FROM bt_tz GROUP BY 1;

-- several keys with aggregates, as BI tools write them
EXPLAIN (VERBOSE, COSTS OFF)
SELECT extract(year FROM "time") AS y, extract(quarter FROM "time") AS q,
  sym, count(*), sum(size), min(price), max(price)
FROM bt_fin GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SELECT bt_same($$SELECT extract(year FROM "time"), extract(quarter FROM "time"), sym, count(*), sum(size), min(price), max(price) FROM bt_fin GROUP BY 1, 2, 3$$,
            $$SELECT extract(year FROM "time"), extract(quarter FROM "time"), sym, count(*), sum(size), min(price), max(price) FROM l_fin GROUP BY 1, 2, 3$$);
-- DISTINCT over a field
SELECT bt_same($$SELECT DISTINCT extract(isodow FROM d) FROM bt_trade$$,
            $$SELECT DISTINCT extract(isodow FROM d) FROM l_trade$$);

-- ===================================================================
-- extract and date_part in WHERE: an integral constant as a long argument
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM bt_trade WHERE extract(hour FROM "time") = 7;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT "time", size FROM bt_trade
WHERE extract(hour FROM "time") BETWEEN 7 AND 16 AND sym = 'IBM';
SELECT "time", size FROM bt_trade
WHERE extract(hour FROM "time") BETWEEN 7 AND 16 AND sym = 'IBM' ORDER BY 1;
CREATE TEMP TABLE cond(c text);
INSERT INTO cond SELECT format('%s %s %s', l, op, r)
FROM unnest(ARRAY['<', '<=', '=', '<>', '>', '>=']) AS op,
     (VALUES ('extract(hour FROM "time")', '7'),
             ('extract(hour FROM "time")', '23'),
             ($$date_part('minute', "time")$$, '59'),
             ('extract(year FROM "time")', '2024'),
             ('extract(year FROM "time")', '1999'),
             ($$date_part('year', "time")$$, '3000'),
             ('extract(dow FROM "time")', '0'),
             ('extract(isodow FROM d)', '7'),
             ('extract(doy FROM d)', '366'),
             ('extract(month FROM d)', '3'),
             ('extract(quarter FROM "time")', '4'),
             ('extract(microseconds FROM "time")', '59999999'),
             ('extract(day FROM d)', '31')) AS v(l, r);
INSERT INTO cond SELECT format('%s %s %s', r, op, l)
FROM unnest(ARRAY['<', '=', '>=']) AS op,
     (VALUES ('extract(hour FROM "time")', '7'),
             ('extract(year FROM d)', '2000')) AS v(l, r);
SELECT c FROM cond
WHERE NOT bt_same(format('SELECT * FROM bt_trade WHERE %s', c),
               format('SELECT * FROM l_trade WHERE %s', c))
   OR NOT bt_same(format('SELECT * FROM bt_trade WHERE NOT (%s)', c),
               format('SELECT * FROM l_trade WHERE NOT (%s)', c));
SELECT count(*) AS conditions,
  count(*) FILTER (WHERE bt_pushed(format('SELECT * FROM bt_trade WHERE %s', c))) AS pushed
FROM cond;
-- a fraction, NaN or an infinity stays local (and is still right)
CREATE TEMP TABLE lcond(c text);
INSERT INTO lcond VALUES ('extract(hour FROM "time") < 7.5'),
  ($$date_part('hour', "time") = 'NaN'$$),
  ($$extract(year FROM "time") < 'Infinity'$$),
  ('extract(second FROM "time") = 0'),
  ('extract(hour FROM "time") = NULL');
SELECT c, bt_pushed(format('SELECT * FROM bt_trade WHERE %s', c)) AS pushed,
  bt_same(format('SELECT * FROM bt_trade WHERE %s', c),
       format('SELECT * FROM l_trade WHERE %s', c)) AS same
FROM lcond ORDER BY c;

-- ===================================================================
-- date_bin: an xbar bucket moved by the origin
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_bin('15 minutes', "time", TIMESTAMP '2000-01-01 00:05') AS b,
  count(*) FROM bt_trade GROUP BY 1 ORDER BY 1;
SELECT date_bin('15 minutes', "time", TIMESTAMP '2000-01-01 00:05') AS b,
  count(*) FROM bt_trade GROUP BY 1 ORDER BY 1;
-- strides and origins, before and after the values, both signs
CREATE TEMP TABLE bins(s text, o text);
INSERT INTO bins SELECT s, o
FROM unnest(ARRAY['1 microsecond', '7 microseconds', '1 second',
                  '90 seconds', '15 minutes', '1 hour', '1 day',
                  '1 day 3 hours', '7 days', '366 days']) AS s,
     unnest(ARRAY['2000-01-01', '2001-01-01 00:00:00.000001',
                  '1970-01-01 00:07', '2024-03-10 07:00:00.5',
                  '1492-10-12 09:00', '2290-01-01 00:00:01']) AS o;
SELECT s, o FROM bins
WHERE NOT bt_same(format('SELECT date_bin(%L, "time", TIMESTAMP %L), count(*), sum(size) FROM bt_trade GROUP BY 1', s, o),
               format('SELECT date_bin(%L, "time", TIMESTAMP %L), count(*), sum(size) FROM l_trade GROUP BY 1', s, o))
   OR NOT bt_pushed(format('SELECT date_bin(%L, "time", TIMESTAMP %L), count(*) FROM bt_trade GROUP BY 1', s, o));
SELECT count(*) AS bins FROM bins;
-- months, a zero or negative stride, an infinite origin: PostgreSQL's
-- errors (local)
SELECT date_bin('1 month', "time", TIMESTAMP '2000-01-01'), count(*)
FROM bt_trade GROUP BY 1;
SELECT date_bin('0 seconds', "time", TIMESTAMP '2000-01-01'), count(*)
FROM bt_trade GROUP BY 1;
SELECT date_bin('-1 hour', "time", TIMESTAMP '2000-01-01'), count(*)
FROM bt_trade GROUP BY 1;
SELECT date_bin('1 hour', "time", TIMESTAMP 'infinity'), count(*)
FROM bt_trade GROUP BY 1;
-- a stride beyond 366 days stays local
SELECT bt_pushed($$SELECT date_bin('400 days', "time", TIMESTAMP '2000-01-01'), count(*) FROM bt_trade GROUP BY 1$$) AS pushed,
  bt_same($$SELECT date_bin('400 days', "time", TIMESTAMP '2000-01-01'), count(*) FROM bt_fin GROUP BY 1$$,
       $$SELECT date_bin('400 days', "time", TIMESTAMP '2000-01-01'), count(*) FROM l_fin GROUP BY 1$$) AS same;

-- timestamptz: date_bin works on the absolute time, whatever TimeZone
-- says; across the America/New_York DST change (2024-03-10 07:00 UTC)
SET TimeZone = 'America/New_York';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_bin('1 hour', "time", TIMESTAMPTZ '2024-03-10 00:30'), count(*)
FROM bt_tz GROUP BY 1 ORDER BY 1;
SELECT date_bin('1 hour', "time", TIMESTAMPTZ '2024-03-10 00:30') AS b,
  count(*) FROM bt_tz
WHERE "time" >= TIMESTAMPTZ '2024-03-10' AND "time" < TIMESTAMPTZ '2024-03-12'
GROUP BY 1 ORDER BY 1;
SELECT s, bt_same(format($$SELECT date_bin(%L, "time", TIMESTAMPTZ '2024-03-10 00:30'), count(*) FROM bt_tz GROUP BY 1$$, s),
               format($$SELECT date_bin(%L, "time", TIMESTAMPTZ '2024-03-10 00:30'), count(*) FROM l_tz GROUP BY 1$$, s)) AS same
FROM unnest(ARRAY['20 minutes', '1 hour', '1 day']) AS s;
-- the same as UTC sees it
SET TimeZone = 'UTC';
SELECT date_bin('1 hour', "time", TIMESTAMPTZ '2024-03-10 05:30') AS b,
  count(*) FROM bt_tz
WHERE "time" >= TIMESTAMPTZ '2024-03-10 05:00' AND "time" < TIMESTAMPTZ '2024-03-12 05:00'
GROUP BY 1 ORDER BY 1;
RESET TimeZone;

-- date_bin in WHERE: bounds on the column, as for date_trunc
EXPLAIN (VERBOSE, COSTS OFF)
SELECT count(*) FROM bt_trade
WHERE date_bin('15 minutes', "time", TIMESTAMP '2000-01-01 00:05') = TIMESTAMP '2024-03-10 06:50';
DELETE FROM cond;
INSERT INTO cond SELECT format($$date_bin(%L, "time", TIMESTAMP %L) %s TIMESTAMP %L$$, s, o, op, c)
FROM unnest(ARRAY['<', '<=', '=', '<>', '>', '>=']) AS op,
     (VALUES ('15 minutes', '2000-01-01 00:05', '2024-03-10 06:50'),
             ('15 minutes', '2000-01-01 00:05', '2024-03-10 07:00'),
             ('1 hour', '1970-01-01 00:30', '1999-12-31 23:30'),
             ('1 day', '2024-03-10 07:00', '2024-03-10 07:00'),
             ('7 microseconds', '2000-01-01', '2024-03-10 06:59:59.999997')) AS v(s, o, c);
SELECT c FROM cond
WHERE NOT bt_same(format('SELECT * FROM bt_trade WHERE %s', c),
               format('SELECT * FROM l_trade WHERE %s', c))
   OR NOT bt_same(format('SELECT * FROM bt_trade WHERE NOT (%s)', c),
               format('SELECT * FROM l_trade WHERE NOT (%s)', c));
SELECT count(*) AS conditions,
  count(*) FILTER (WHERE bt_pushed(format('SELECT * FROM bt_trade WHERE %s', c))) AS pushed
FROM cond;
-- timestamptz in WHERE, in New York
SET TimeZone = 'America/New_York';
SELECT bt_same($$SELECT * FROM bt_tz WHERE date_bin('1 hour', "time", TIMESTAMPTZ '2024-03-10 00:30') >= TIMESTAMPTZ '2024-03-10 01:30'$$,
            $$SELECT * FROM l_tz WHERE date_bin('1 hour', "time", TIMESTAMPTZ '2024-03-10 00:30') >= TIMESTAMPTZ '2024-03-10 01:30'$$) AS same,
  bt_pushed($$SELECT * FROM bt_tz WHERE date_bin('1 hour', "time", TIMESTAMPTZ '2024-03-10 00:30') >= TIMESTAMPTZ '2024-03-10 01:30'$$) AS pushed;
RESET TimeZone;

-- ===================================================================
-- a partitioned table: per-row keys, combined by map-reduce
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT extract(hour FROM "time"), count(*), sum(size) FROM bt_part
WHERE extract(dow FROM date) <> 6 GROUP BY 1;
SELECT bt_same($$SELECT extract(hour FROM "time"), count(*), sum(size) FROM bt_part WHERE extract(dow FROM date) <> 6 GROUP BY 1$$,
            $$SELECT extract(hour FROM "time"), count(*), sum(size) FROM l_part WHERE extract(dow FROM date) <> 6 GROUP BY 1$$);
SELECT bt_same($$SELECT date_bin('6 hours', "time", TIMESTAMP '2024-01-01 03:00'), count(*), min(price) FROM bt_part GROUP BY 1$$,
            $$SELECT date_bin('6 hours', "time", TIMESTAMP '2024-01-01 03:00'), count(*), min(price) FROM l_part GROUP BY 1$$);

-- ===================================================================
-- variances: the sum of squared deviations from the group's mean
-- ===================================================================
CREATE FOREIGN TABLE bt_var (k text COLLATE "C", t timestamp,
  v double precision, r real)
  SERVER regress_bt OPTIONS (table 'bt_var');
CREATE FOREIGN TABLE bt_varo (k text COLLATE "C", v double precision)
  SERVER regress_bt OPTIONS (table 'bt_varo');
SET qipc_fdw.enable_pushdown = off;
CREATE TEMP TABLE l_var AS SELECT * FROM bt_var;
RESET qipc_fdw.enable_pushdown;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT k, stddev(v), var_pop(v) FROM bt_var GROUP BY k;
-- bt_kx(q): the rows (k, x) of a query
CREATE FUNCTION bt_kx(q text) RETURNS TABLE(k text, x float8) LANGUAGE plpgsql AS
  $$BEGIN RETURN QUERY EXECUTE q; END$$;
-- bt_close(a, b, c): equal, or within 1e-12 * (1 + c) relative, c the
-- data's condition number mean^2/variance: the last bits of a float sum
-- differ with the order of the additions, and PostgreSQL's running
-- (Youngs-Cramer) Sxx carries a rounding error of about n * eps * c, which
-- the two-pass sum in q does not (see the group g below)
CREATE FUNCTION bt_close(a float8, b float8, c float8 DEFAULT 0)
  RETURNS boolean LANGUAGE sql AS
  $$SELECT a IS NOT DISTINCT FROM b OR abs(a - b) <= 1e-12 * abs(b) * (1 + coalesce(c, 0))$$;
CREATE TEMP VIEW l_cond AS
  SELECT k, CASE WHEN var_pop(v) > 0 THEN avg(v) ^ 2 / var_pop(v) END AS c,
    CASE WHEN var_pop(r) > 0 THEN avg(r) ^ 2 / var_pop(r) END AS cr
  FROM l_var GROUP BY k;
SELECT f, col,
  bool_and(bt_close(r.x, l.x, CASE col WHEN 'v' THEN c.c ELSE c.cr END)) AS close,
  bool_and(r.x IS NOT DISTINCT FROM l.x) AS same_bits,
  bt_pushed(format('SELECT k, %s(%s) FROM bt_var GROUP BY k', f, col)) AS pushed
FROM unnest(ARRAY['stddev', 'stddev_samp', 'stddev_pop', 'variance',
                  'var_samp', 'var_pop']) AS f,
     unnest(ARRAY['v', 'r']) AS col,
     LATERAL (SELECT * FROM bt_kx(
       format('SELECT k, %s(%s) FROM bt_var GROUP BY k', f, col))) r(k, x)
     JOIN LATERAL (SELECT * FROM bt_kx(
       format('SELECT k, %s(%s) FROM l_var GROUP BY k', f, col))) l(k, x)
       ON l.k = r.k
     JOIN l_cond c ON c.k = r.k
GROUP BY f, col ORDER BY f, col;
-- a: several values, b: one, c: none, d: an infinity (NaN), e: 1e150
-- (accumulated again in row order), f: both infinities, g: a large mean
-- with a small spread (condition 1e20: the true sample variance is
-- 0.00999999284744509; PostgreSQL's Youngs-Cramer gives 0.0099999571),
-- h: both signs
SELECT k, stddev(v), var_samp(v), var_pop(v), stddev_pop(r)
FROM bt_var GROUP BY k ORDER BY k;
SELECT k, stddev(v), var_samp(v), var_pop(v), stddev_pop(r)
FROM l_var GROUP BY k ORDER BY k;
-- no GROUP BY, and with time buckets
SELECT bt_close((SELECT variance(v) FROM bt_var WHERE k IN ('a', 'b', 'h')),
                (SELECT variance(v) FROM l_var WHERE k IN ('a', 'b', 'h')));
SELECT bool_and(bt_close(r.s, l.s, l.c)) AS close
FROM (SELECT date_trunc('hour', t) AS h, stddev(v) AS s FROM bt_var GROUP BY 1) r
JOIN (SELECT date_trunc('hour', t) AS h, stddev(v) AS s,
        CASE WHEN var_pop(v) > 0 THEN avg(v) ^ 2 / var_pop(v) END AS c
      FROM l_var GROUP BY 1) l
  ON l.h = r.h;
-- Sxx beyond the double range: the overflow error, as PostgreSQL raises it
SELECT k, var_pop(v) FROM bt_varo GROUP BY k;
SET qipc_fdw.enable_pushdown = off;
SELECT k, var_pop(v) FROM bt_varo GROUP BY k;
RESET qipc_fdw.enable_pushdown;
-- a partitioned table: local (kdb+ cannot combine the two passes), unless
-- one partition is pinned
SELECT bt_pushed('SELECT stddev(price) FROM bt_part') AS pushed,
  bt_pushed($$SELECT stddev(price) FROM bt_part WHERE date = '2024-01-02'$$) AS pinned,
  bt_close((SELECT stddev(price) FROM bt_part WHERE date = '2024-01-02'),
           (SELECT stddev(price) FROM l_part WHERE date = '2024-01-02')) AS close;

-- ===================================================================
-- Q8 of bench/bi_bench.sh: a standard deviation per symbol over the rows
-- of some hours (one cast per row, one guard for null and infinite times)
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym, round(stddev(price)::numeric, 8), count(*) FROM bt_fin
WHERE extract(hour FROM "time") BETWEEN 7 AND 16 GROUP BY 1;
SELECT bt_same($$SELECT sym, round(stddev(price)::numeric, 8), count(*) FROM bt_fin WHERE extract(hour FROM "time") BETWEEN 7 AND 16 GROUP BY 1$$,
            $$SELECT sym, round(stddev(price)::numeric, 8), count(*) FROM l_fin WHERE extract(hour FROM "time") BETWEEN 7 AND 16 GROUP BY 1$$) AS same,
  bt_pushed($$SELECT sym, round(stddev(price)::numeric, 8), count(*) FROM bt_fin WHERE extract(hour FROM "time") BETWEEN 7 AND 16 GROUP BY 1$$) AS pushed;
-- the rows of null and infinite times (NULL hours) are in no range
SELECT h, bt_same(format('SELECT sym, stddev(price), count(*) FROM bt_trade WHERE extract(hour FROM "time") %s GROUP BY 1', h),
               format('SELECT sym, stddev(price), count(*) FROM l_trade WHERE extract(hour FROM "time") %s GROUP BY 1', h)) AS same
FROM unnest(ARRAY['BETWEEN 0 AND 23', 'NOT BETWEEN 7 AND 16', '< 1', '<> 23']) AS h;

-- ===================================================================
-- ORDER BY an expression: q sorts by the expression's values (a hidden
-- column of the select, dropped after the sort), with PostgreSQL's
-- places for NULL and NaN; the rows where PostgreSQL raises an error
-- computing the key come first, so that PostgreSQL raises it
-- ===================================================================
EXPLAIN (VERBOSE, COSTS OFF)
SELECT sym, price * size FROM bt_fin ORDER BY price * size DESC LIMIT 5;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT "time", size FROM bt_trade ORDER BY extract(hour FROM "time") NULLS FIRST, size LIMIT 4;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT "time", size FROM bt_trade ORDER BY date_trunc('hour', "time") DESC LIMIT 4;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT k, v FROM bt_var ORDER BY v * 2 - v LIMIT 3;
-- bt_ord(q1, q2): the same rows in the same order
CREATE FUNCTION bt_ord(q1 text, q2 text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE a text[] := '{}'; b text[] := '{}'; r record;
BEGIN
  FOR r IN EXECUTE q1 LOOP a := a || r::text; END LOOP;
  FOR r IN EXECUTE q2 LOOP b := b || r::text; END LOOP;
  RETURN a = b;
END $$;
-- keys: both signs, NULLs, ties, infinities, NaN; every direction and
-- null placement; the key's values in order (ties may come in any order)
CREATE TEMP TABLE okeys(t text, e text);
INSERT INTO okeys VALUES ('fin', 'price * size'), ('fin', '-price'),
  ('fin', 'price / 4'), ('trade', 'price + 1'), ('trade', 'extract(hour FROM "time")'),
  ('trade', 'extract(dow FROM d)'), ('trade', 'extract(year FROM "time")'),
  ('trade', 'date_bin(''15 minutes'', "time", TIMESTAMP ''2000-01-01 00:05'')'),
  ('trade', 'date_part(''minute'', "time")'), ('trade', 'date_trunc(''hour'', "time")'),
  ('trade', '"time"::date'), ('var', 'v * 2 - v'), ('var', 'v * 2'),
  ('var', 'CASE WHEN v > 0 THEN v ELSE -v END');
CREATE TEMP TABLE odirs(o text);
INSERT INTO odirs VALUES (''), (' DESC'), (' NULLS FIRST'), (' DESC NULLS LAST');
-- bt_qsorted(q): sorted by q (no Sort node, no local filter)
CREATE FUNCTION bt_qsorted(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    IF l LIKE '%Sort%' OR l LIKE '%Filter:%' THEN RETURN false; END IF;
  END LOOP;
  RETURN true;
END $$;
SELECT t, e, bool_and(bt_ord(format('SELECT %s FROM bt_%s ORDER BY %s%s LIMIT %s', e, t, e, o, n),
                             format('SELECT %s FROM l_%s ORDER BY %s%s LIMIT %s', e, t, e, o, n))) AS same,
  bool_and(bt_qsorted(format('SELECT %s FROM bt_%s ORDER BY %s%s LIMIT %s', e, t, e, o, n))) AS qsorted
FROM okeys, odirs, (VALUES (3), (100)) AS n(n)
GROUP BY t, e ORDER BY t, e;
-- not sorted by q: a bigint product (not computed in q), a sum with a
-- real, and NaN rows that cannot be told from NULL ones (under COALESCE)
SELECT bt_qsorted('SELECT size FROM bt_fin ORDER BY size * 2 LIMIT 3') AS bigint_product,
  bt_qsorted('SELECT r FROM bt_var ORDER BY r + 1 LIMIT 3') AS real_sum,
  bt_qsorted('SELECT price FROM bt_trade ORDER BY COALESCE(price, 0) * 2 LIMIT 3') AS coalesce_product,
  bt_ord('SELECT COALESCE(price, 0) * 2 FROM bt_trade ORDER BY 1 LIMIT 30',
         'SELECT COALESCE(price, 0) * 2 FROM l_trade ORDER BY 1 LIMIT 30') AS same;
-- with a second key, the rows themselves are in the same order
SELECT bt_ord($$SELECT sym, "time", price FROM bt_fin ORDER BY extract(hour FROM "time") DESC, price * 2 NULLS FIRST LIMIT 8$$,
              $$SELECT sym, "time", price FROM l_fin ORDER BY extract(hour FROM "time") DESC, price * 2 NULLS FIRST LIMIT 8$$) AS same;
-- the key's own errors: overflow, division by zero (the first row in the
-- table's order that raises one), also past the LIMIT
SELECT price FROM bt_fin ORDER BY price * 1e300 LIMIT 1;
SELECT price FROM l_fin ORDER BY price * 1e300 LIMIT 1;
SELECT price FROM bt_fin ORDER BY 1 / (price - 10.5) DESC LIMIT 1;
SELECT price FROM l_fin ORDER BY 1 / (price - 10.5) DESC LIMIT 1;
-- no error where the row is filtered out
SELECT price FROM bt_fin WHERE price <> 10.5 ORDER BY 1 / (price - 10.5) DESC LIMIT 2;
SELECT price FROM l_fin WHERE price <> 10.5 ORDER BY 1 / (price - 10.5) DESC LIMIT 2;
-- text keys: only under the C collation
SELECT bt_qsorted($$SELECT sym FROM bt_trade ORDER BY COALESCE(sym, 'ZZ') LIMIT 3$$) AS c_sorted,
  bt_qsorted($$SELECT sym FROM bt_trade ORDER BY COALESCE(sym, 'ZZ') COLLATE "en-x-icu" LIMIT 3$$) AS en_sorted,
  bt_ord($$SELECT sym FROM bt_trade ORDER BY COALESCE(sym, 'ZZ') DESC LIMIT 20$$,
         $$SELECT sym FROM l_trade ORDER BY COALESCE(sym, 'ZZ') DESC LIMIT 20$$) AS same;
-- ORDER BY a grouping expression of a pushed aggregate
EXPLAIN (VERBOSE, COSTS OFF)
SELECT extract(hour FROM "time"), count(*) FROM bt_trade GROUP BY 1 ORDER BY 1 DESC NULLS LAST;
SELECT extract(hour FROM "time"), count(*) FROM bt_trade GROUP BY 1 ORDER BY 1 DESC NULLS LAST;
SELECT o, bt_qsorted(format('SELECT date_trunc(''hour'', "time"), count(*) FROM bt_trade GROUP BY 1 ORDER BY 1%s', o)) AS qsorted,
  bt_ord(format('SELECT date_trunc(''hour'', "time"), count(*) FROM bt_trade GROUP BY 1 ORDER BY 1%s', o),
                 format('SELECT date_trunc(''hour'', "time"), count(*) FROM l_trade GROUP BY 1 ORDER BY 1%s', o)) AS trunc,
  bt_ord(format('SELECT extract(dow FROM d), sum(size) FROM bt_trade GROUP BY 1 ORDER BY 1%s', o),
         format('SELECT extract(dow FROM d), sum(size) FROM l_trade GROUP BY 1 ORDER BY 1%s', o)) AS dow
FROM odirs;

-- ===================================================================
-- ORDER BY several keys with LIMIT: q sorts by every key, one stable pass
-- per key from the last to the first.  A timestamp column followed by
-- another key is sorted on its microsecond (q would order nanoseconds
-- that PostgreSQL reads as equal, and the next key would not order those
-- ties); buckets and fields are whole microseconds already.
-- date_part(text, date) casts the date to timestamp, an error for a date
-- past 294276: those rows come first, so that the error is raised.
-- Fixture bt_ord: timestamps equal in microseconds, NULLs, infinities and
-- ties in every column; bt_far: dates around the end of the timestamp
-- range.
-- ===================================================================
CREATE FOREIGN TABLE bt_ord (id bigint, "time" timestamp, d date,
  sym text COLLATE "C", price double precision, size bigint)
  SERVER regress_bt OPTIONS (table 'bt_ord');
CREATE FOREIGN TABLE bt_far (id bigint, d date)
  SERVER regress_bt OPTIONS (table 'bt_far');
SET qipc_fdw.enable_pushdown = off;
CREATE TEMP TABLE l_ord AS SELECT * FROM bt_ord;
CREATE TEMP TABLE l_far AS SELECT * FROM bt_far;
RESET qipc_fdw.enable_pushdown;
SELECT * FROM l_ord ORDER BY id;
SELECT * FROM l_far ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT "time", size FROM bt_ord ORDER BY date_trunc('hour', "time") DESC, size LIMIT 4;
SELECT "time", size FROM bt_ord ORDER BY date_trunc('hour', "time") DESC, size LIMIT 4;
SELECT "time", size FROM l_ord ORDER BY date_trunc('hour', "time") DESC, size LIMIT 4;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT "time", size FROM bt_ord ORDER BY "time", size DESC LIMIT 6;
SELECT "time", size FROM bt_ord ORDER BY "time", size DESC LIMIT 6;
SELECT "time", size FROM l_ord ORDER BY "time", size DESC LIMIT 6;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT d, id FROM bt_ord ORDER BY date_part('dow', d) DESC, id LIMIT 6;
SELECT d, id FROM bt_ord ORDER BY date_part('dow', d) DESC, id LIMIT 6;
SELECT d, id FROM l_ord ORDER BY date_part('dow', d) DESC, id LIMIT 6;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT "time", id FROM bt_ord ORDER BY date_part('isodow', "time") NULLS FIRST, "time"::date DESC, id LIMIT 3;
-- pairs of keys, every direction and null placement of each, a LIMIT
-- within the rows and one past them: the same rows in the same order, and
-- sorted by q
CREATE TEMP TABLE okeys2(k1 text, k2 text);
INSERT INTO okeys2 VALUES
  ('date_trunc(''hour'', "time")', 'size'),
  ('date_trunc(''day'', "time")', 'price'),
  ('"time"::date', 'size'),
  ('"time"', 'size'),
  ('"time"', 'price * 2'),
  ('date_part(''dow'', d)', '"time"'),
  ('date_part(''isodow'', d)', 'sym'),
  ('date_part(''isodow'', "time")', 'size'),
  ('extract(dow FROM "time")', 'date_trunc(''minute'', "time")'),
  ('date_bin(''15 minutes'', "time", TIMESTAMP ''2000-01-01'')', 'size'),
  ('size', '"time"'),
  ('sym', 'date_trunc(''hour'', "time")');
SELECT k1, k2,
  bool_and(bt_ord(format('SELECT %s, %s FROM bt_ord ORDER BY %s%s, %s%s LIMIT %s', k1, k2, k1, o1.o, k2, o2.o, n),
                  format('SELECT %s, %s FROM l_ord ORDER BY %s%s, %s%s LIMIT %s', k1, k2, k1, o1.o, k2, o2.o, n))) AS same,
  bool_and(bt_qsorted(format('SELECT %s, %s FROM bt_ord ORDER BY %s%s, %s%s LIMIT %s', k1, k2, k1, o1.o, k2, o2.o, n))) AS qsorted
FROM okeys2, odirs o1, odirs o2, (VALUES (3), (16)) AS n(n)
GROUP BY k1, k2 ORDER BY k1, k2;
-- whole rows, three keys and the id
SELECT o, bt_ord(format('SELECT * FROM bt_ord ORDER BY "time"%s, date_part(''dow'', d)%s, size%s, id LIMIT 12', o, o, o),
                 format('SELECT * FROM l_ord ORDER BY "time"%s, date_part(''dow'', d)%s, size%s, id LIMIT 12', o, o, o)) AS same,
  bt_qsorted(format('SELECT * FROM bt_ord ORDER BY "time"%s, date_part(''dow'', d)%s, size%s, id LIMIT 12', o, o, o)) AS qsorted
FROM odirs;
-- dates past the timestamp range: the cast's error, pushed as locally;
-- none where they are filtered out
SELECT d, id FROM bt_far ORDER BY date_part('dow', d) DESC, id LIMIT 2;
SELECT d, id FROM l_far ORDER BY date_part('dow', d) DESC, id LIMIT 2;
SELECT d, id FROM bt_far WHERE id <> 3 AND id <> 5 ORDER BY date_part('isodow', d) NULLS FIRST, id LIMIT 3;
SELECT d, id FROM l_far WHERE id <> 3 AND id <> 5 ORDER BY date_part('isodow', d) NULLS FIRST, id LIMIT 3;
SELECT bt_qsorted('SELECT d, id FROM bt_far WHERE id <> 3 AND id <> 5 ORDER BY date_part(''isodow'', d) NULLS FIRST, id LIMIT 3') AS qsorted;
-- grouped: a bucket group key before another key is sorted by q; a
-- timestamp aggregate is not (its nanoseconds)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT date_trunc('hour', "time"), sym, count(*) FROM bt_ord GROUP BY 1, 2 ORDER BY 1 DESC, 2 LIMIT 5;
SELECT o.o, bt_qsorted(format('SELECT date_trunc(''hour'', "time"), sym, count(*) FROM bt_ord GROUP BY 1, 2 ORDER BY 1%s, 2%s LIMIT 5', o.o, o.o)) AS qsorted,
  bt_ord(format('SELECT date_trunc(''hour'', "time"), sym, count(*) FROM bt_ord GROUP BY 1, 2 ORDER BY 1%s, 2%s LIMIT 5', o.o, o.o),
         format('SELECT date_trunc(''hour'', "time"), sym, count(*) FROM l_ord GROUP BY 1, 2 ORDER BY 1%s, 2%s LIMIT 5', o.o, o.o)) AS same
FROM odirs o;
SELECT bt_qsorted('SELECT sym, max("time") FROM bt_ord GROUP BY 1 ORDER BY 2, 1 LIMIT 3') AS max_first,
  bt_ord('SELECT sym, max("time") FROM bt_ord GROUP BY 1 ORDER BY 2, 1 LIMIT 3',
         'SELECT sym, max("time") FROM l_ord GROUP BY 1 ORDER BY 2, 1 LIMIT 3') AS same;

-- ===================================================================
-- server-side prepared statements, as pgjdbc and psqlODBC send them: the
-- sixth execution may use a generic plan
-- ===================================================================
PREPARE bt_q(text) AS
  SELECT extract(hour FROM "time") AS h,
    date_bin('30 minutes', "time", TIMESTAMP '2000-01-01 00:10') AS b,
    count(*), sum(size)
  FROM bt_fin WHERE sym = $1 AND extract(year FROM "time") >= 2000
  GROUP BY 1, 2 ORDER BY 1, 2;
EXECUTE bt_q('AAPL');
EXECUTE bt_q('AAPL');
EXECUTE bt_q('AAPL');
EXECUTE bt_q('AAPL');
EXECUTE bt_q('AAPL');
EXECUTE bt_q('AAPL');
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE bt_q('AAPL');
DEALLOCATE bt_q;

-- ===================================================================
-- the first plan of a session sees q's row count: the planner connects
-- to ask it (qipc_fdw.row_count_connect)
-- ===================================================================
SELECT qipc_exec('regress_bt', 'bt_big:([] x:til 5000000); count bt_big');
CREATE FOREIGN TABLE bt_big (x bigint) SERVER regress_bt
  OPTIONS (table 'bt_big');
CREATE FUNCTION bt_est(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN ' || q LOOP
    RETURN (regexp_match(l, 'rows=([0-9]+)'))[1]::bigint;
  END LOOP;
END $$;
\c
-- a fresh backend: no connection yet
SELECT count(*) AS connections FROM qipc_fdw_get_connections();
SELECT bt_est('SELECT * FROM bt_big') AS first_estimate;
SELECT count(*) AS connections FROM qipc_fdw_get_connections();
\c
-- off: the first plan keeps the planner's default
SET qipc_fdw.row_count_connect = off;
SELECT bt_est('SELECT * FROM bt_big') < 100000 AS default_estimate;
RESET qipc_fdw.row_count_connect;
-- a server that cannot be reached fails the plan with the connection
-- error (as the scan would); with qipc_fdw.row_count_connect off the plan
-- does not connect
CREATE SERVER regress_bt_down FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port '1');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_bt_down;
CREATE FOREIGN TABLE bt_down (x bigint) SERVER regress_bt_down
  OPTIONS (table 'bt_big');
\set VERBOSITY sqlstate
SELECT bt_est('SELECT * FROM bt_down') AS estimate;
\set VERBOSITY default
SET qipc_fdw.row_count_connect = off;
SELECT bt_est('SELECT * FROM bt_down') < 100000 AS default_estimate;
RESET qipc_fdw.row_count_connect;
DROP SERVER regress_bt_down CASCADE;

SELECT qipc_exec('regress_bt', 'bt_big:([] x:til 1); 0');
DROP SERVER regress_bt CASCADE;
