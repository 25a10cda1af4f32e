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

-- ORDER BY expressions: row queries sorted by a value expression, an
-- extract/date_part field or a date_bin bucket (one or two of them, in
-- every direction and null placement), then by id, so that the order is
-- total, with a LIMIT (and sometimes an OFFSET).  The expressions cover
-- NULLs, both signs, ties, infinities and NaN; now and then one divides
-- and may raise an error, which both sides must raise.  Some get one more
-- key, first or second (diff_time_sort_key): a date_trunc bucket, a
-- timestamp cast to date, or a timestamp column, whose values equal in
-- microseconds but not in nanoseconds (p) the later keys must order.
ALTER FUNCTION diff_gen_rows(diff_query) RENAME TO diff_gen_rows_plain;

CREATE FUNCTION diff_sort_expr() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	r float8 := random();
	e text;
BEGIN
	-- (integer arithmetic over i, which holds 2147483647, mostly fails: the
	-- integer columns come in as floats here)
	IF r < 0.4 THEN
		e := diff_expr_float(1 + diff_rnd(2));
	ELSIF r < 0.65 THEN
		RETURN diff_time_field();
	ELSIF r < 0.8 THEN
		RETURN diff_time_bin();
	ELSE
		RETURN diff_expr_text();
	END IF;
	-- a key without a column is dropped by the planner: another one
	IF e !~ '\m(h|i|f|finf)\M' THEN
		RETURN diff_sort_expr();
	END IF;
	-- errors (both sides) prove little: rarely a division, an overflow or
	-- an underflow
	IF diff_chance(0.99) THEN
		e := replace(diff_expr_nodiv(e), '1e-300', '0.001');
	END IF;
	RETURN e;
END $$;

-- a time key that raises no error, in some direction and null placement,
-- chosen by h (a hash of the query drawn so far: no random() draw, so that
-- whatever the callers draw after the query is drawn as without it)
CREATE FUNCTION diff_time_sort_key(h bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT (ARRAY['date_trunc(''second'', p)', 'date_trunc(''minute'', pinf)',
				  'date_trunc(''hour'', p)', 'date_trunc(''day'', pinf)',
				  'date_trunc(''week'', p)', 'p::date', 'pinf::date', 'p', 'p',
				  'pinf'])[1 + h % 10]
		|| (ARRAY['', ' ASC', ' DESC', ' DESC'])[1 + h / 10 % 4]
		|| (ARRAY['', '', ' NULLS FIRST', ' NULLS LAST'])[1 + h / 40 % 4]
$$;

CREATE FUNCTION diff_gen_rows(q INOUT diff_query) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	ord text[] := '{}';
	lim text;
	h bigint;
BEGIN
	IF diff_chance(0.8) THEN
		q := diff_gen_rows_plain(q);
		RETURN;
	END IF;
	q.kind := 'rows';
	q.sql := 'SELECT ' || array_to_string(diff_subset(diff_all_cols(), 1 + diff_rnd(4)), ', ')
		|| ' FROM @T@';
	-- (a WHERE of diff_pred raises errors now and then: seldom here)
	IF diff_chance(0.05) THEN
		q.sql := q.sql || ' WHERE ' || diff_pred(0);
		q.has_where := true;
	END IF;
	ord := ord || diff_order_item(diff_sort_expr());
	IF diff_chance(0.3) THEN
		ord := ord || diff_order_item(diff_sort_expr());
	END IF;
	ord := ord || diff_order_item('id');
	lim := ' LIMIT ' || diff_pick(ARRAY['1', '3', '10', '50'])
		|| CASE WHEN diff_chance(0.3) THEN ' OFFSET ' || diff_pick(ARRAY['1', '5', '100']) ELSE '' END;
	-- four in ten get a time key first or second, chosen by a hash
	h := abs(hashtext(q.sql || array_to_string(ord, ', ') || lim)::bigint);
	IF h % 10 < 4 THEN
		IF h % 2 = 0 THEN
			ord := diff_time_sort_key(h / 10) || ord;
		ELSE
			ord := ord[1:1] || diff_time_sort_key(h / 10) || ord[2:];
		END IF;
	END IF;
	q.sql := q.sql || ' ORDER BY ' || array_to_string(ord, ', ') || lim;
	q.ordered := true;
	q.has_order := true;
	q.has_limit := true;
	RETURN;
END $$;
