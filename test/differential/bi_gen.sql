--
-- test/differential/bi_gen.sql
--	Generators for the conditions and grouping keys BI tools write on
--	timestamps (loaded after setup.sql, whose diff_atom and diff_gen_agg
--	call them): a timestamp compared with a date, timestamp::date and
--	date_trunc buckets compared with dates and timestamps (both sides,
--	constants on and off bucket boundaries, infinities, times before
--	2000), and date_trunc buckets as GROUP BY and DISTINCT keys, for the
--	units pushed to q and some kept local (week, month).
--

-- a condition on p or pinf through a date or a bucket
CREATE OR REPLACE FUNCTION diff_time_atom() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	col text := diff_pick(ARRAY['p', 'p', 'pinf']);
	d text := format('DATE %L', diff_pick(ARRAY['2024-01-02', '2024-01-01', '1999-12-31',
												 '2000-01-01', '1970-01-01', 'infinity',
												 '-infinity']));
	ts text := format('TIMESTAMP %L', diff_pick(ARRAY['2024-01-02 09:30:00', '2024-01-02 09:00:00',
													   '2024-01-02 00:00:00', '1999-12-31 23:59:59.999999',
													   '2000-01-01 00:00:00', '2024-01-02 09:30:00.000001',
													   '2024-01-02 16:00:00.123', '1970-01-01 00:00:00',
													   'infinity']));
	unit text := diff_pick(ARRAY['microseconds', 'milliseconds', 'second', 'minute',
								 'hour', 'day', 'HOUR', 'week', 'month']);
	op text := diff_cmp_op();
	l text;
	r text;
	x float8 := random();
BEGIN
	IF x < 0.35 THEN
		l := col;
		r := d;
	ELSIF x < 0.6 THEN
		l := col || '::date';
		r := d;
	ELSE
		l := format('date_trunc(%L, %s)', unit, col);
		r := ts;
	END IF;
	IF diff_chance(0.2) THEN
		RETURN format('%s %s %s', r, op, l);
	END IF;
	RETURN format('%s %s %s', l, op, r);
END $$;

-- a time bucket of p or pinf as a grouping key
CREATE OR REPLACE FUNCTION diff_time_key() RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT format('date_trunc(%L, %s)',
				  diff_pick(ARRAY['second', 'minute', 'hour', 'day', 'day', 'week']),
				  diff_pick(ARRAY['p', 'p', 'pinf']))
$$;
