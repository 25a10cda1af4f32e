/*-------------------------------------------------------------------------
 *
 * q_agg.c
 *		Aggregates: sum, prd, min, max, avg, count, med, dev, var and the running forms.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_agg.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Aggregates
 * ----------------------------------------------------------------
 */

static K *agg_list(int a, K *x);

/* double order with NaN (null) first */
static int
cmpd(const void *p, const void *q)
{
	double		a = *(const double *) p,
				b = *(const double *) q;

	if (isnan(a) || isnan(b))
		return isnan(a) ? (isnan(b) ? 0 : -1) : 1;
	return a < b ? -1 : a > b;
}

/*
 * Float sum in kdb+'s order.  The KX Precision page ("Q SIMD sum") gives
 * the l64 sum of floats as {x+y}over{x+y}over 0N 8#x: eight lanes, lane j
 * adding items j, j+8, j+16, ... in row order, then the eight lane totals
 * added left to right.  Without secondary threads (\P 0, this server) that
 * is the whole story.  The page's model is silent on a count that is not a
 * multiple of 8 (0N 8#x then has a short last row, which {x+y} over the
 * rows would reject); here the tail items go to their lanes as if the
 * last row were padded with zeros, which is the natural reading of lanes
 * in a SIMD register.  Nulls are skipped (they add nothing), as sum skips
 * them; *cnt, if given, counts the non-null items (avg).
 */
double
lane_sum(const double *X, int64_t n, int64_t *cnt)
{
	double		L[8] = {0, 0, 0, 0, 0, 0, 0, 0},
				s;
	int64_t		k,
				c = 0;
	int			j;

	for (k = 0; k + 8 <= n; k += 8)
		for (j = 0; j < 8; j++)
			if (!isnan(X[k + j]))
			{
				L[j] += X[k + j];
				c++;
			}
	for (j = 0; k + j < n; j++)
		if (!isnan(X[k + j]))
		{
			L[j] += X[k + j];
			c++;
		}
	s = L[0];
	for (j = 1; j < 8; j++)
		s += L[j];
	if (cnt)
		*cnt = c;
	return s;
}

/* type of sum/prd of a vector of type t (KX sum.md range) */
int
sum_type(int t)
{
	switch (t)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_SHORT:
		case KIPC_T_INT:
			return 6;
		case KIPC_T_LONG:
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
			return t;
		default:
			if (temporal_t(t))
				return t;
			q_err("type");
	}
}

K *
agg(int a, K *x)
{
	int			t;
	int64_t		n,
				k;

	if (x->type == KIPC_T_LIST)
		return agg_list(a, x);
	if (is_dict(x))
		return agg(a, kipc_dict_values(x));	/* keyed table: its value table */
	if (x->type == KIPC_T_TABLE)
	{
		K		   *d = x->v.objs[0];
		K		   *cols = kipc_dict_values(d);
		K		   *vals = mklist(cols->n);

		for (k = 0; k < cols->n; k++)
			vals->v.objs[k] = agg(a, cols->v.objs[k]);
		return q_dict_new(kipc_ref(kipc_dict_keys(d)), q_collapse(vals));
	}
	if (!is_simple(x))
		q_err("type");
	t = absT(x);
	if (x->type < 0)
	{
		/* aggregates of an atom */
		switch (a)
		{
			case A_SUM:
			case A_PRD:
				if (t == KIPC_T_SYMBOL || t == KIPC_T_GUID || t == KIPC_T_CHAR)
					q_err("type");
				return kipc_ref(x);
			case A_MIN:
			case A_MAX:
				return kipc_ref(x);
			case A_AVG:
			case A_MED:
				if (!numeric_t(t))
					q_err("type");
				return kipc_new_float(getF(x, -1));
			default:
				if (!numeric_t(t))
					q_err("type");
				return kipc_new_float(item_null(x, -1) ? NAN : 0.0);
		}
	}
	n = x->n;
	switch (a)
	{
		case A_SUM:
		case A_PRD:
			{
				int			rt = sum_type(t);
				K		   *r = mk(rt, 0, true);

				if (rt == KIPC_T_REAL || rt == KIPC_T_FLOAT || rt == KIPC_T_DATETIME)
				{
					double		s = a == A_SUM ? 0 : 1;

					if (a == A_PRD && temporal_t(t))
						q_err("type");
					if (a == A_SUM)
					{
						double	   *f,
								   *X = load_f(x, 1, &f);

						s = lane_sum(X, n, NULL);
						free(f);
					}
					else
						for (k = 0; k < n; k++)
						{
							double		v = getF(x, k);

							if (!isnan(v))
								s *= v;
						}
					putF(r, -1, s);
				}
				else
				{
					int64_t    *f,
							   *X = load_j(x, 1, &f);
					uint64_t	s = a == A_SUM ? 0 : 1;

					if (a == A_PRD && temporal_t(t))
						q_err("type");
					if (a == A_SUM)
					{
						for (k = 0; k < n; k++)
							if (X[k] != NJ)
								s += (uint64_t) X[k];
					}
					else
						for (k = 0; k < n; k++)
							if (X[k] != NJ)
								s *= (uint64_t) X[k];
					free(f);
					putJ(r, -1, (int64_t) s);
				}
				return r;
			}
		case A_MIN:
		case A_MAX:
			{
				K		   *r;

				if (t == KIPC_T_SYMBOL || t == KIPC_T_GUID)
					q_err("type");
				r = mk(t, 0, true);
				if (t == KIPC_T_REAL || t == KIPC_T_FLOAT || t == KIPC_T_DATETIME)
				{
					double		best = a == A_MIN ? INFINITY : -INFINITY;

					for (k = 0; k < n; k++)
					{
						double		v = getF(x, k);

						if (isnan(v))
							continue;
						if (a == A_MIN ? v < best : v > best)
							best = v;
					}
					putF(r, -1, best);
				}
				else
				{
					int64_t    *f,
							   *X = load_j(x, 1, &f);
					int64_t		best;

					if (t == KIPC_T_BOOLEAN || t == KIPC_T_BYTE || t == KIPC_T_CHAR)
						best = a == A_MIN ? (t == KIPC_T_BOOLEAN ? 1 : 255) : 0;
					else if (t == KIPC_T_SHORT)
						best = a == A_MIN ? KIPC_INF_SHORT : KIPC_NINF_SHORT;
					else if (i32_t(t))
						best = a == A_MIN ? WI : KIPC_NINF_INT;
					else
						best = a == A_MIN ? WJ : -WJ;
					if (a == A_MIN)
					{
						for (k = 0; k < n; k++)
							if (X[k] != NJ && X[k] < best)
								best = X[k];
					}
					else
						for (k = 0; k < n; k++)
							if (X[k] > best)
								best = X[k];
					free(f);
					putJ(r, -1, best);
				}
				return r;
			}
		default:
			break;
	}
	/* float statistics over the non-null items; temporals by their
	 * underlying values (KX avg.md, med.md, var.md ranges: f) */
	if (!numeric_t(t) && !temporal_t(t) && t != KIPC_T_CHAR)
		q_err("type");
	{
		double	   *f,
				   *X = load_f(x, 1, &f);
		double		s = 0,
					res;
		int64_t		cnt = 0;

		if (a == A_MED)
		{
			/*
			 * KX med.md: {avg x (iasc x)@floor .5*-1 0+count x}: nulls sort
			 * first and stay in the count; avg of the middle pair ignores
			 * a null in it
			 */
			double	   *v = xmalloc(sizeof(double) * (n ? n : 1));
			double		lo,
						hi;

			qmemcpy(v, X, sizeof(double) * n);
			qsort(v, n, sizeof(double), cmpd);
			lo = n ? v[(n - 1) / 2] : NAN;
			hi = n ? v[n / 2] : NAN;
			if (isnan(lo))
				res = hi;
			else if (isnan(hi))
				res = lo;
			else
				res = (lo + hi) / 2;
			free(v);
		}
		else
		{
			s = lane_sum(X, n, &cnt);
			if (a == A_AVG)
				res = cnt ? s / cnt : NAN;
			else
			{
				double		mean = cnt ? s / cnt : NAN,
							ss = 0;

				for (k = 0; k < n; k++)
					if (!isnan(X[k]))
						ss += (X[k] - mean) * (X[k] - mean);
				if (a == A_VAR || a == A_DEV)
					res = cnt ? ss / cnt : NAN;
				else
					res = cnt > 1 ? ss / (cnt - 1) : NAN;
				if (a == A_DEV || a == A_SDEV)
					res = sqrt(res);
			}
		}
		free(f);
		return kipc_new_float(res);
	}
}

/* aggregate of a general list: fold the verb over the items (nulls kept) */
static K *
agg_list(int a, K *x)
{
	int64_t		k;
	K		   *acc;
	int			verb;

	if (x->n == 0)
	{
		if (a == A_SUM)
			return kipc_new_long(0);
		if (a == A_PRD)
			return kipc_new_long(1);
		if (a == A_AVG || a == A_MED || a >= A_VAR)
			return kipc_new_float(NAN);
		q_err("nyi");
	}
	switch (a)
	{
		case A_SUM: verb = B_PLUS; break;
		case A_PRD: verb = B_TIMES; break;
		case A_MIN: verb = B_AND; break;
		case A_MAX: verb = B_OR; break;
		case A_AVG:
			{
				K		   *s = agg_list(A_SUM, x);
				K		   *c = kipc_new_long(x->n);
				K		   *r = q_binary(B_DIVIDE, s, c);

				kipc_unref(s);
				kipc_unref(c);
				return r;
			}
		default:
			{
				/*
				 * med var dev of a list of equal-length vectors: per position
				 * (KX var.md "can also traverse ... nested lists", med.md)
				 */
				int64_t		m = -1;
				K		   *fl,
						   *r;

				for (k = 0; k < x->n; k++)
				{
					K		   *it = x->v.objs[k];

					if (!is_vec(it) || (m >= 0 && it->n != m))
						q_err("nyi");
					m = it->n;
				}
				fl = mklist(m);
				for (k = 0; k < m; k++)
				{
					K		   *col = mklist(x->n);
					K		   *c;
					int64_t		j;

					for (j = 0; j < x->n; j++)
						col->v.objs[j] = vec_item(x->v.objs[j], k);
					c = q_collapse(col);
					fl->v.objs[k] = agg(a, c);
					kipc_unref(c);
				}
				r = q_collapse(fl);
				return r;
			}
	}
	acc = kipc_ref(x->v.objs[0]);
	for (k = 1; k < x->n; k++)
	{
		K		   *nx = q_binary(verb, acc, x->v.objs[k]);

		kipc_unref(acc);
		acc = nx;
	}
	return acc;
}

/* sums prds maxs mins deltas ratios fills */

K *
running(int m, K *x)
{
	int			t;
	int64_t		n,
				k;
	K		   *r;

	if (is_dict(x))
		return q_dict_new(kipc_ref(kipc_dict_keys(x)), running(m, kipc_dict_values(x)));
	if (x->type == KIPC_T_TABLE)
	{
		K		   *d = x->v.objs[0];
		K		   *cols = kipc_dict_values(d);
		K		   *nc = mklist(cols->n);

		for (k = 0; k < cols->n; k++)
			nc->v.objs[k] = running(m, cols->v.objs[k]);
		return q_table_new(kipc_ref(kipc_dict_keys(d)), nc);
	}
	if (q_is_atom(x))
	{
		if (m == R_RATIOS)
			return kipc_new_float(getF(x, -1));
		return kipc_ref(x);
	}
	if (x->type == KIPC_T_LIST)
	{
		/* general list: scan with the verb */
		int			verb = m == R_SUMS ? B_PLUS : m == R_PRDS ? B_TIMES :
			m == R_MAXS ? B_OR : m == R_MINS ? B_AND : -1;
		K		   *acc;

		if (verb < 0)
			q_err("nyi");
		r = mklist(x->n);
		if (x->n == 0)
			return r;
		acc = kipc_ref(x->v.objs[0]);
		r->v.objs[0] = kipc_ref(acc);
		for (k = 1; k < x->n; k++)
		{
			K		   *nx = q_binary(verb, acc, x->v.objs[k]);

			kipc_unref(acc);
			acc = nx;
			r->v.objs[k] = kipc_ref(acc);
		}
		kipc_unref(acc);
		return q_collapse(r);
	}
	t = x->type;
	n = x->n;
	if (m == R_FILLS)
	{
		r = mk(t, n, false);
		if (t == KIPC_T_LIST)
			q_err("nyi");
		for (k = 0; k < n; k++)
		{
			if (k > 0 && item_null(x, k))
				copy_item(r, k, r, k - 1);
			else
				copy_item(r, k, x, k);
		}
		return r;
	}
	if (t == KIPC_T_SYMBOL || t == KIPC_T_GUID || (t == KIPC_T_CHAR && m != R_MAXS && m != R_MINS))
		q_err("type");
	if (m == R_DELTAS || m == R_RATIOS)
	{
		/* x - prev x, first item kept (x0 - 0) */
		K		   *prev,
				   *res;

		if (n == 0)
			return m == R_RATIOS ? mk(KIPC_T_FLOAT, 0, false) : kipc_ref(x);
		prev = mk(t, n, false);
		for (k = 1; k < n; k++)
			copy_item(prev, k, x, k - 1);
		if (m == R_DELTAS)
		{
			/* first item: x0 - 0 */
			int			sz = kipc_type_size(t);

			qmemset(prev->v.items, 0, sz);
			res = q_binary(B_MINUS, x, prev);
		}
		else
		{
			/* first item: x0 % 1 */
			if (!numeric_t(t))
				q_err("nyi");
			if (t == KIPC_T_REAL || t == KIPC_T_FLOAT)
				putF(prev, 0, 1.0);
			else
				putJ(prev, 0, 1);
			res = q_binary(B_DIVIDE, x, prev);
		}
		kipc_unref(prev);
		return res;
	}
	if (m == R_SUMS || m == R_PRDS)
	{
		int			rt = sum_type(t);

		r = mk(rt, n, false);
		if (rt == KIPC_T_REAL || rt == KIPC_T_FLOAT || rt == KIPC_T_DATETIME)
		{
			double		s = m == R_SUMS ? 0 : 1;

			for (k = 0; k < n; k++)
			{
				double		v = getF(x, k);

				if (!isnan(v))
					s = m == R_SUMS ? s + v : s * v;
				putF(r, k, s);
			}
		}
		else
		{
			int64_t    *f,
					   *X = load_j(x, 1, &f);
			int64_t    *R = xmalloc(sizeof(int64_t) * (n ? n : 1));
			uint64_t	s = m == R_SUMS ? 0 : 1;

			for (k = 0; k < n; k++)
			{
				if (X[k] != NJ)
					s = m == R_SUMS ? s + (uint64_t) X[k] : s * (uint64_t) X[k];
				R[k] = (int64_t) s;
			}
			store_j(r, R, n);
			free(R);
			free(f);
		}
		return r;
	}
	/*
	 * maxs / mins: nulls are ignored, initial nulls give -0W / 0W (KX
	 * max.md, min.md)
	 */
	r = mk(t, n, false);
	if (t == KIPC_T_REAL || t == KIPC_T_FLOAT || t == KIPC_T_DATETIME)
	{
		double		acc = m == R_MAXS ? -INFINITY : INFINITY;

		for (k = 0; k < n; k++)
		{
			double		v = getF(x, k);

			if (!isnan(v) && (m == R_MAXS ? v > acc : v < acc))
				acc = v;
			putF(r, k, acc);
		}
	}
	else
	{
		int64_t		acc;

		if (t == KIPC_T_BOOLEAN || t == KIPC_T_BYTE)
			acc = m == R_MAXS ? 0 : (t == KIPC_T_BOOLEAN ? 1 : 255);
		else
			acc = inf_of(t, m == R_MAXS);
		for (k = 0; k < n; k++)
		{
			int64_t		v = getJ(x, k);

			if (v != NJ && (m == R_MAXS ? v > acc : v < acc))
				acc = v;
			putJ(r, k, acc);
		}
	}
	return r;
}
