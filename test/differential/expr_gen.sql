--
-- test/differential/expr_gen.sql
--	Generators for value expressions (loaded after setup.sql, whose
--	diff_atom, diff_agg, diff_gen_agg and diff_gen_distinct call them):
--	random arithmetic over the integer (h, i) and float (f, finf) columns
--	with + - * / and unary minus, constants of both signs, zero and values
--	that overflow, underflow or reach the integer limits, nested in CASE
--	and COALESCE; conditions comparing such expressions (with each other
--	or with constants, under NOT, AND, OR, IS NULL); COALESCE/CASE/upper/
--	lower on text; and the same as grouping keys, DISTINCT keys and
--	aggregate arguments.  Every query's pushed answer (or error) must equal
--	the local one.
--

-- an integer (smallint/integer) expression of at most the given depth
CREATE OR REPLACE FUNCTION diff_expr_int(depth int) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	r float8 := random();
BEGIN
	IF depth <= 0 OR r < 0.3 THEN
		RETURN diff_pick(ARRAY['h', 'i', 'i', 'h', '0', '1', '-1', '2', '7', '-3',
							   '100', '32767', '2147483647', '-2147483647']);
	ELSIF r < 0.75 THEN
		RETURN format('(%s %s %s)', diff_expr_int(depth - 1),
					  diff_pick(ARRAY['+', '-', '*', '/', '+', '-']),
					  diff_expr_int(depth - 1));
	ELSIF r < 0.83 THEN
		RETURN format('(-%s)', diff_expr_int(depth - 1));
	ELSIF r < 0.92 THEN
		RETURN format('(CASE WHEN %s THEN %s ELSE %s END)', diff_expr_cond(depth - 1),
					  diff_expr_int(depth - 1), diff_expr_int(depth - 1));
	ELSE
		RETURN format('COALESCE(%s, %s)', diff_pick(ARRAY['i', 'i + 0', 'h + 0']),
					  diff_expr_int(depth - 1));
	END IF;
END $$;

-- a double precision expression
CREATE OR REPLACE FUNCTION diff_expr_float(depth int) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	r float8 := random();
BEGIN
	IF depth <= 0 OR r < 0.3 THEN
		RETURN diff_pick(ARRAY['f', 'finf', 'f', '0.5', '-2', '0', '1e300', '1e-300',
							   '-1.5', 'i', 'h']);
	ELSIF r < 0.8 THEN
		RETURN format('(%s %s %s)', diff_expr_float(depth - 1),
					  diff_pick(ARRAY['+', '-', '*', '/']), diff_expr_float(depth - 1));
	ELSIF r < 0.87 THEN
		RETURN format('(-%s)', diff_expr_float(depth - 1));
	ELSIF r < 0.94 THEN
		RETURN format('(CASE WHEN %s THEN %s END)', diff_expr_cond(depth - 1),
					  diff_expr_float(depth - 1));
	ELSE
		RETURN format('COALESCE(%s, %s)', diff_pick(ARRAY['f', 'finf']),
					  diff_expr_float(depth - 1));
	END IF;
END $$;

-- a text expression over the symbol column s (and the text column g)
CREATE OR REPLACE FUNCTION diff_expr_text() RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT diff_pick(ARRAY[$q$COALESCE(s, 'none')$q$, 'upper(s)', 'lower(s)',
						   $q$COALESCE(upper(s), 'ABC')$q$,
						   $q$CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' END$q$,
						   $q$CASE s WHEN 'abc' THEN 'x' WHEN 'IBM' THEN 'y' ELSE 'z' END$q$,
						   $q$CASE WHEN f > 1 THEN s ELSE 'small' END$q$,
						   $q$COALESCE(s, '')$q$, $q$upper(s COLLATE "POSIX")$q$]);
$$;

-- a condition over expressions
CREATE OR REPLACE FUNCTION diff_expr_cond(depth int) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	r float8 := random();
BEGIN
	IF r < 0.35 THEN
		RETURN format('%s %s %s', diff_expr_int(depth), diff_cmp_op(),
					  diff_pick(ARRAY['0', '5', '-5', '100', '2147483647', diff_expr_int(depth)]));
	ELSIF r < 0.65 THEN
		RETURN format('%s %s %s', diff_expr_float(depth), diff_cmp_op(),
					  diff_pick(ARRAY['0', '1.5', '-2', '1e300', diff_expr_float(depth)]));
	ELSIF r < 0.85 THEN
		RETURN format('%s %s %s', diff_expr_text(), diff_pick(ARRAY['=', '<>']),
					  diff_pick(ARRAY[$q$'abc'$q$, $q$'ABC'$q$, $q$'none'$q$, $q$'pos'$q$,
									  $q$'z'$q$, $q$'small'$q$, $q$''$q$]));
	ELSIF r < 0.92 THEN
		RETURN format('%s IS %sNULL', diff_pick(ARRAY[diff_expr_int(depth), diff_expr_float(depth),
													  diff_expr_text()]),
					  CASE WHEN diff_chance(0.5) THEN 'NOT ' ELSE '' END);
	ELSIF depth > 0 THEN
		RETURN format('(%s %s %s)', diff_expr_cond(depth - 1), diff_pick(ARRAY['AND', 'OR']),
					  diff_expr_cond(depth - 1));
	ELSE
		RETURN format('NOT (%s)', diff_expr_cond(0));
	END IF;
END $$;

-- WHERE atoms (diff_atom)
CREATE OR REPLACE FUNCTION diff_expr_atom() RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT diff_expr_cond(2);
$$;

-- An expression without division and without the constants that overflow,
-- for keys and aggregate arguments: an error there is raised or not
-- depending on the plan (a LIMIT over sorted groups may stop before the row
-- that fails, a hash aggregate reads them all), locally too.
CREATE OR REPLACE FUNCTION diff_expr_nodiv(e text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT replace(replace(replace(replace(e, ' / ', ' + '), '1e300', '1000'),
						   '2147483647', '2147'), '32767', '327');
$$;

-- grouping and DISTINCT keys (diff_gen_agg, diff_gen_distinct)
CREATE OR REPLACE FUNCTION diff_expr_key() RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT CASE WHEN random() < 0.45 THEN diff_expr_text()
				-- text CASE/COALESCE keys grouped by branch or column and
				-- mapped on the groups (s holds both NULL and 'IBM')
				WHEN random() < 0.3 THEN diff_pick(ARRAY[
					$q$CASE WHEN f > 1 THEN 'big' ELSE 'small' END$q$,
					$q$CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' ELSE 'zero' END$q$,
					$q$CASE WHEN finf > 0 THEN 'up' WHEN finf IS NULL THEN 'none' ELSE 'down' END$q$,
					$q$CASE WHEN h > 0 THEN 'a' WHEN h < 0 THEN 'a' ELSE 'b' END$q$,
					$q$CASE s WHEN 'IBM' THEN 'x' WHEN 'abc' THEN 'y' ELSE 'z' END$q$,
					$q$COALESCE(s, 'IBM')$q$, $q$COALESCE(s, 'zz')$q$, $q$COALESCE(g, 'a')$q$])
				WHEN random() < 0.5 THEN diff_pick(ARRAY['COALESCE(i, 0)', 'COALESCE(h, -1::smallint)',
														 'CASE WHEN f > 0 THEN i END',
														 'CASE WHEN h > 0 THEN 1 ELSE 0 END'])
				ELSE diff_expr_nodiv(diff_expr_int(1)) END;
$$;

-- aggregate calls over expressions (diff_agg); f: float class of the result
CREATE OR REPLACE FUNCTION diff_expr_agg(OUT a text, OUT f text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	r float8 := random();
BEGIN
	IF r < 0.3 THEN
		a := format('sum(%s)', diff_pick(ARRAY['CASE WHEN h > 0 THEN i ELSE 0 END',
											   'COALESCE(i, 0)', 'CASE WHEN s = ''abc'' THEN 1 END',
											   diff_expr_nodiv(diff_expr_int(1))]));
	ELSIF r < 0.5 THEN
		a := format('count(%s)', diff_pick(ARRAY['CASE WHEN f > 1 THEN 1 END', 'COALESCE(s, ''x'')',
												 'upper(s)', diff_expr_nodiv(diff_expr_int(1))]));
	ELSIF r < 0.7 THEN
		a := format('%s(%s)', diff_pick(ARRAY['min', 'max']),
					diff_pick(ARRAY['COALESCE(i, -1)', 'CASE WHEN h > 0 THEN h END',
									'CASE WHEN f > 0 THEN f ELSE 0 END', diff_expr_nodiv(diff_expr_int(1))]));
	ELSIF r < 0.85 THEN
		-- float sums may add in another order (see the checker's float
		-- classes): terms scaled like f itself, so that the tolerance holds
		a := format('%s(%s)', diff_pick(ARRAY['sum', 'avg']),
					diff_pick(ARRAY['CASE WHEN i > 0 THEN f ELSE 0 END', 'COALESCE(f, 0)',
									'f * 2', '-f', 'f + 0.5', '(f - 1) * 0.25',
									'finf * 2', 'finf - f', 'f / 4', 'f / -0.5']));
		f := 'f8';
	ELSE
		-- VWAP-like: a float column times an integer one, checked by group
		-- (infinities, inf * 0 = NaN, +inf with -inf); finf holds +-1,
		-- 0.5 and infinities only, so its products with integers sum
		-- exactly in any order
		a := format('%s(%s)', diff_pick(ARRAY['sum', 'avg', 'sum']),
					diff_pick(ARRAY['finf * i', 'finf * h', 'finf * i * 0.5', '(finf + 1) * h',
									'CASE WHEN h > 0 THEN finf * i END', 'COALESCE(finf * h, 0)',
									'finf * i / 4', '-(finf * h)', 'finf * (h + 1)',
									'CASE WHEN s = ''IBM'' THEN finf ELSE finf * h END']));
		f := 'f8';
	END IF;
END $$;
