--
-- test/differential/bi_time_gen.sql
--	Generators for extract/date_part fields and date_bin buckets (loaded
--	after bi_gen.sql, whose diff_time_atom and diff_time_key it extends):
--	fields of timestamp and date columns (with infinities, nulls, times
--	before 2000) compared with integral constants (and some a fraction,
--	kept local), and date_bin with strides and origins on both sides of
--	the values, as conditions and as GROUP BY and DISTINCT keys; some
--	forms are kept local (second, epoch, week, a stride beyond 366 days).
--	No stride of months: date_bin raises an error for it, which a plan
--	that stops early (bool_or as a LIMIT 1 scan) may never reach, so
--	whether the query fails depends on the plan, not on pushdown.
--

ALTER FUNCTION diff_time_atom() RENAME TO diff_time_atom_trunc;
ALTER FUNCTION diff_time_key() RENAME TO diff_time_key_trunc;

-- extract(field FROM x) or date_part('field', x) of p, pinf, d or dinf
CREATE FUNCTION diff_time_field() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	col text := diff_pick(ARRAY['p', 'pinf', 'd', 'dinf']);
	f text;
BEGIN
	IF col IN ('p', 'pinf') THEN
		f := diff_pick(ARRAY['year', 'month', 'day', 'hour', 'minute', 'dow',
							 'isodow', 'doy', 'quarter', 'microseconds',
							 'second', 'epoch', 'week']);
	ELSE
		f := diff_pick(ARRAY['year', 'month', 'day', 'dow', 'isodow', 'doy',
							 'quarter', 'week']);
	END IF;
	IF diff_chance(0.5) THEN
		RETURN format('extract(%s FROM %s)', f, col);
	END IF;
	RETURN format('date_part(%L, %s)', f, col);
END $$;

-- date_bin of p or pinf with a stride and an origin
CREATE FUNCTION diff_time_bin() RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT format('date_bin(%L, %s, TIMESTAMP %L)',
				  diff_pick(ARRAY['1 microsecond', '7 microseconds', '1 second',
								  '90 seconds', '15 minutes', '1 hour',
								  '1 day 3 hours', '7 days', '400 days']),
				  diff_pick(ARRAY['p', 'p', 'pinf']),
				  diff_pick(ARRAY['2000-01-01', '2024-01-02 09:05',
								  '1970-01-01 00:00:00.000007', '2200-06-30 12:00']))
$$;

CREATE FUNCTION diff_time_atom() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	x float8 := random();
	op text := diff_cmp_op();
	l text;
	r text;
BEGIN
	IF x < 0.4 THEN
		RETURN diff_time_atom_trunc();
	ELSIF x < 0.75 THEN
		l := diff_time_field();
		r := diff_pick(ARRAY['0', '1', '3', '7', '9', '12', '23', '59', '366',
							 '1999', '2000', '2024', '59999999', '7.5']);
	ELSE
		l := diff_time_bin();
		r := format('TIMESTAMP %L', diff_pick(ARRAY['2024-01-02 09:30:00',
			'2024-01-02 09:05:00', '2024-01-02 00:00:00', '1999-12-31 23:59:59.999999',
			'2000-01-01 00:00:00', '2024-01-02 09:20:00.000001', 'infinity']));
	END IF;
	IF diff_chance(0.2) THEN
		RETURN format('%s %s %s', r, op, l);
	END IF;
	RETURN format('%s %s %s', l, op, r);
END $$;

CREATE FUNCTION diff_time_key() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	x float8 := random();
BEGIN
	IF x < 0.4 THEN
		RETURN diff_time_key_trunc();
	ELSIF x < 0.75 THEN
		RETURN diff_time_field();
	END IF;
	RETURN diff_time_bin();
END $$;
