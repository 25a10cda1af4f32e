/*-------------------------------------------------------------------------
 *
 * q_within.c
 *		like, within, xbar and fill.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_within.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * like, within, xbar, fill
 * ----------------------------------------------------------------
 */

/* q pattern match: ? * [abc] [^abc] [a-z]; case sensitive */
bool
like_match(const char *s, size_t n, const char *p, size_t m)
{
	size_t		si = 0,
				pi = 0,
				star_p = (size_t) -1,
				star_s = 0;

	while (si < n)
	{
		if (pi < m && p[pi] == '*')
		{
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < m)
		{
			bool		ok = false;
			size_t		adv = 1;

			if (p[pi] == '?')
				ok = true;
			else if (p[pi] == '[')
			{
				size_t		j = pi + 1;
				bool		neg = false,
							hit = false;

				if (j < m && p[j] == '^')
				{
					neg = true;
					j++;
				}
				/* a ']' right after '[' or '[^' is a literal */
				if (j < m && p[j] == ']')
				{
					if (s[si] == ']')
						hit = true;
					j++;
				}
				while (j < m && p[j] != ']')
				{
					if (j + 2 < m && p[j + 1] == '-' && p[j + 2] != ']')
					{
						if ((unsigned char) s[si] >= (unsigned char) p[j] &&
							(unsigned char) s[si] <= (unsigned char) p[j + 2])
							hit = true;
						j += 3;
					}
					else
					{
						if (s[si] == p[j])
							hit = true;
						j++;
					}
				}
				if (j >= m)
					ok = s[si] == '[';	/* unterminated: literal '[' */
				else
				{
					ok = hit != neg;
					adv = j - pi + 1;
				}
			}
			else
				ok = s[si] == p[pi];
			if (ok)
			{
				si++;
				pi += adv;
				continue;
			}
		}
		if (star_p != (size_t) -1)
		{
			pi = star_p;
			si = ++star_s;
			continue;
		}
		return false;
	}
	while (pi < m && p[pi] == '*')
		pi++;
	return pi == m;
}

K *
like(K *x, K *y)
{
	const char *p;
	size_t		m,
				i;
	int64_t		k;
	int			stars = 0,
				middle = 0;

	if (y->type == KIPC_T_CHAR)
	{
		p = (const char *) y->v.items;
		m = (size_t) y->n;
	}
	else if (y->type == -KIPC_T_CHAR)
	{
		p = (const char *) &y->a.g;
		m = 1;
	}
	else if (y->type == -KIPC_T_SYMBOL)
	{
		p = y->a.s;
		m = strlen(p);
	}
	else
		q_err("type");
	/*
	 * Which patterns with several * kdb+ refuses (KX basics/regex.md,
	 * "Arbitrary sequence"): "*the*" matches, "*321-[0-9]*" matches (both
	 * * at the ends), one * anywhere matches ("br*wn", "br?*wn"), but
	 * "*the*the" and "*the*the*" are 'nyi.  The rule applied: 'nyi when
	 * the pattern holds two or more * (outside [..] lists) and one of them
	 * is neither its first nor its last character.  So "**" alone is
	 * accepted, while "** off" or "a**" are 'nyi: KX documents no pattern
	 * with adjacent stars, so they are not treated as one * (a guess
	 * could give a wrong value).  The rule depends on the pattern only and
	 * is checked before x is looked at, so an atom, a vector, a list of
	 * strings, a dictionary and an empty list all behave the same.
	 */
	for (i = 0; i < m; i++)
	{
		if (p[i] == '[')
		{
			size_t		e = i + 1;

			if (e < m && p[e] == '^')
				e++;
			if (e < m && p[e] == ']')
				e++;
			while (e < m && p[e] != ']')
				e++;
			if (e < m)
				i = e;
			continue;
		}
		if (p[i] == '*')
		{
			stars++;
			if (i != 0 && i != m - 1)
				middle++;
		}
	}
	if (middle > 0 && stars > 1)
		q_err("nyi");
	switch (x->type)
	{
		case -KIPC_T_SYMBOL:
			return kipc_new_bool(like_match(x->a.s, strlen(x->a.s), p, m));
		case KIPC_T_CHAR:
			return kipc_new_bool(like_match((const char *) x->v.items, (size_t) x->n, p, m));
		case -KIPC_T_CHAR:
			return kipc_new_bool(like_match((const char *) &x->a.g, 1, p, m));
		case KIPC_T_SYMBOL:
			{
				K		   *r = mk(KIPC_T_BOOLEAN, x->n, false);
				uint8_t    *R = r->v.items;

				for (k = 0; k < x->n; k++)
					R[k] = like_match(x->v.syms[k], strlen(x->v.syms[k]), p, m);
				return r;
			}
		case KIPC_T_LIST:
			{
				K		   *r = mklist(x->n);

				for (k = 0; k < x->n; k++)
					r->v.objs[k] = like(x->v.objs[k], y);
				return q_collapse(r);
			}
	}
	if (is_dict(x))
		return q_dict_new(kipc_ref(kipc_dict_keys(x)), like(kipc_dict_values(x), y));
	q_err("type");
}

K *
within(K *x, K *y)
{
	K		   *lo,
			   *hi,
			   *a,
			   *b,
			   *r;

	if (q_count(y) != 2 || q_is_atom(y))
		q_err("length");
	lo = q_item(y, 0);
	hi = q_item(y, 1);
	if (x->type == KIPC_T_LIST && q_is_atom(lo) && q_is_atom(hi))
	{
		int64_t		k;

		r = mklist(x->n);
		for (k = 0; k < x->n; k++)
			r->v.objs[k] = within(x->v.objs[k], y);
		kipc_unref(lo);
		kipc_unref(hi);
		return q_collapse(r);
	}
	a = q_binary(B_GE, x, lo);
	b = q_binary(B_LE, x, hi);
	r = q_binary(B_AND, a, b);
	kipc_unref(lo);
	kipc_unref(hi);
	kipc_unref(a);
	kipc_unref(b);
	return r;
}

/* x xbar y: y rounded down to a multiple of x */
K *
xbar(K *x, K *y)
{
	int			tx,
				ty;
	int64_t		n,
				k;

	if (!is_simple(x) || !is_simple(y))
		return atomic2(B_XBAR, x, y);
	tx = absT(x);
	ty = absT(y);
	if (tx == KIPC_T_SYMBOL || ty == KIPC_T_SYMBOL || tx == KIPC_T_GUID || ty == KIPC_T_GUID || ty == KIPC_T_CHAR)
		q_err("type");
	if ((tx == KIPC_T_REAL || tx == KIPC_T_FLOAT) || ((ty == KIPC_T_REAL || ty == KIPC_T_FLOAT) && !temporal_t(tx)))
	{
		/* floats: x * floor y % x */
		K		   *d = q_binary(B_DIVIDE, y, x);
		K		   *f = q_unary(U_FLOOR, d);
		K		   *r = q_binary(B_TIMES, x, f);

		kipc_unref(d);
		kipc_unref(f);
		if (ty == KIPC_T_REAL || ty == KIPC_T_FLOAT)
		{
			K		   *c = cast_simple(ty, r);

			kipc_unref(r);
			r = c;
		}
		return r;
	}
	if (ty == KIPC_T_DATETIME || tx == KIPC_T_DATETIME)
		q_err("nyi");
	{
		int			rt;
		int64_t		cx = 1,
					cy = 1;
		int64_t    *fx,
				   *fy,
				   *X,
				   *Y;
		int64_t		len = pair_len(x, y);
		bool		atom = len < 0;
		int			sx = x->type < 0 ? 0 : 1,
					sy = y->type < 0 ? 0 : 1;
		K		   *r;

		if (temporal_t(ty))
		{
			rt = ty;
			if (temporal_t(tx) && tx != ty)
			{
				if (!span_t(tx) || ty == KIPC_T_MONTH || (ty == KIPC_T_DATE && tx != KIPC_T_TIMESPAN))
					q_err("nyi");
				/* a span bucket over another temporal unit: x in y's unit */
				if (ns_unit(tx) % ns_unit(ty) == 0)
					cx = ns_unit(tx) / ns_unit(ty);
				else
					cx = -(ns_unit(ty) / ns_unit(tx));	/* divide, below */
			}
		}
		else if (temporal_t(tx))
			q_err("nyi");
		else
		{
			Plan		p;

			if (!plan_arith(OP_ADD, tx, ty, &p))
				q_err("type");
			rt = p.rt;
		}
		n = atom ? 1 : len;
		X = load_j(x, cx > 0 ? cx : 1, &fx);
		if (cx < 0)
		{
			/* x is a finer span: it must be a whole number of y's units */
			int64_t		nx = x->type < 0 ? 1 : x->n,
						d = -cx;

			if (!fx)
			{
				fx = xmalloc(sizeof(int64_t) * nx);
				qmemcpy(fx, X, sizeof(int64_t) * nx);
				X = fx;
			}
			for (k = 0; k < nx; k++)
				if (X[k] != NJ)
				{
					if (X[k] % d != 0)
						q_err("nyi");
					X[k] /= d;
				}
		}
		Y = load_j(y, cy, &fy);
		r = mk(rt, n, atom);
		{
			int64_t    *R = xmalloc(sizeof(int64_t) * n);

			if (!sx && X[0] >= 1024)
			{
				/*
				 * one bucket width (time buckets): the quotient from a
				 * double division, then made exact -- the remainder is
				 * moved into [0,a) by whole widths.  With a >= 1024 and
				 * |b| < 2^62 the double quotient is off by at most a few.
				 */
				int64_t		a = X[0];
				double		inv = 1.0 / (double) a;

				for (k = 0; k < n; k++)
				{
					int64_t		b = Y[k * sy],
								q,
								m;

					if (b == NJ)
					{
						R[k] = NJ;
						continue;
					}
					if (b > (INT64_C(1) << 62) || b < -(INT64_C(1) << 62))
					{
						R[k] = b - floormod(b, a);
						continue;
					}
					q = (int64_t) floor((double) b * inv);
					m = b - q * a;
					while (m < 0)
						m += a;
					while (m >= a)
						m -= a;
					R[k] = b - m;
				}
			}
			else
				for (k = 0; k < n; k++)
				{
					int64_t		a = X[k * sx],
								b = Y[k * sy];

					R[k] = (a == NJ || b == NJ || a == 0) ? (a == 0 && b != NJ ? b : NJ) : b - floormod(b, a);
				}
			store_j(r, R, n);
			free(R);
		}
		free(fx);
		free(fy);
		return r;
	}
}

K *
q_fill_value(K *x, K *y)
{
	int64_t		n,
				k;
	K		   *r,
			   *xx;

	if (is_dict(x) && is_dict(y) && !kipc_is_keyed_table(x) && !kipc_is_keyed_table(y))
	{
		/* null and missing values of y filled from x (KX fill.md) */
		K		   *xv = q_dict_index(x, kipc_dict_keys(y));
		K		   *fv = q_fill_value(xv, kipc_dict_values(y));
		K		   *yd = q_dict_new(kipc_ref(kipc_dict_keys(y)), fv);
		K		   *r = dict_join(x, yd);

		kipc_unref(xv);
		kipc_unref(yd);
		return r;
	}
	if (!is_simple(x) || !is_simple(y))
	{
		if (is_simple(x) && x->type < 0 && y->type == KIPC_T_LIST)
			return atomic2(B_FILL, x, y);
		if (is_dict(y) || y->type == KIPC_T_TABLE || x->type == KIPC_T_LIST || y->type == KIPC_T_LIST)
			return atomic2(B_FILL, x, y);
		q_err("type");
	}
	if (absT(x) != absT(y))
	{
		/* the wider numeric type wins; a temporal y keeps its type (KX
		 * fill.md range table) */
		int			tx = absT(x),
					ty = absT(y),
					rt;

		if (numeric_t(tx) && numeric_t(ty))
			rt = tx > ty ? tx : ty;
		else if (temporal_t(ty) && (numeric_t(tx) || tx == KIPC_T_CHAR))
			rt = ty;
		else if (tx == KIPC_T_SYMBOL || ty == KIPC_T_SYMBOL || tx == KIPC_T_GUID || ty == KIPC_T_GUID)
			q_err("type");
		else
			q_err("nyi");
		if (rt != ty)
		{
			K		   *yy = cast_simple(rt, y),
					   *r;

			xx = cast_simple(rt, x);
			r = q_fill_value(xx, yy);
			kipc_unref(xx);
			kipc_unref(yy);
			return r;
		}
		xx = cast_simple(rt, x);
	}
	else
		xx = kipc_ref(x);
	n = pair_len(xx, y);
	if (n < 0)
	{
		r = item_null(y, -1) ? kipc_ref(xx) : kipc_ref(y);
		kipc_unref(xx);
		return r;
	}
	if (y->type < 0)
	{
		/* vector x, atom y: y everywhere, x where y is null */
		if (!item_null(y, -1))
			r = q_take(n, y);
		else
			r = kipc_ref(xx);
		kipc_unref(xx);
		return r;
	}
	r = kipc_copy(y);
	if (!r)
		q_err("wsfull");
	r->attr = 0;
	for (k = 0; k < n; k++)
		if (item_null(y, k))
			copy_item(r, k, xx, xx->type < 0 ? -1 : k);
	kipc_unref(xx);
	return r;
}
