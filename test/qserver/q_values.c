/*-------------------------------------------------------------------------
 *
 * q_values.c
 *		Small value helpers, nulls, item access, counts, calendar arithmetic and the loading of operands into int64/double arrays.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_values.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Small helpers
 * ----------------------------------------------------------------
 */

/* atom or vector of a simple type */

bool
q_is_atom(const K *x)
{
	return x->type < 0 || x->type >= KIPC_T_LAMBDA;
}

/* new atom (atom) or vector of type t; never NULL */
K *
mk(int t, int64_t n, bool atom)
{
	K		   *r;

	if (n < 0 || n > (INT64_C(1) << 36))
		q_err(n < 0 ? "domain" : "wsfull");
	r = atom ? kipc_new_atom(-t) : kipc_new_vector(t, n);
	if (!r)
		q_err("wsfull");
	return r;
}

K *
mklist(int64_t n)
{
	K		   *r;

	if (n < 0 || n > (INT64_C(1) << 36))
		q_err(n < 0 ? "domain" : "wsfull");
	r = kipc_new_list(n);
	if (!r)
		q_err("wsfull");
	return r;
}

/* memcpy/memset that accept a NULL pointer with a zero length (empty
 * vectors have no item buffer) */

void *
xmalloc(size_t n)
{
	void	   *p;

	if (n > (UINT64_C(1) << 40))
		q_err("wsfull");
	p = malloc(n ? n : 1);
	if (!p)
		q_err("wsfull");
	return p;
}

void
set_sym(K *v, int64_t k, const char *s)
{
	if (s[0] == 0)
		return;					/* new vectors are filled with `` already */
	if (kipc_set_symbol(v, k, s) != KIPC_OK)
		q_err("wsfull");
}

/*
 * item i of symbol vector (or atom, i < 0) src into item k of symbol
 * vector dst: an interned string is shared as it is (kdb+ copies the
 * pointer), otherwise interned or copied by kipc_set_symbol
 */
void
set_sym_from(K *dst, int64_t k, const K *src, int64_t i)
{
	const char *s = i < 0 ? src->a.s : src->v.syms[i];

	if (q_sym_interned(dst) && q_sym_interned(src))
		dst->v.syms[k] = s;
	else
		set_sym(dst, k, s);
}

int
q_sym_cmp(const char *a, const char *b)
{
	return strcmp(a, b);		/* strcmp compares as unsigned char */
}

/* item k (k < 0: the atom itself) widened to int64; nulls -> NJ */
int64_t
getJ(const K *x, int64_t k)
{
	switch (absT(x))
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_CHAR:
			return k < 0 ? x->a.g : kipc_get_g(x, k);
		case KIPC_T_SHORT:
			{
				int16_t		v = k < 0 ? x->a.h : kipc_get_h(x, k);

				return v == NH ? NJ : v;
			}
		case KIPC_T_INT:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			{
				int32_t		v = k < 0 ? x->a.i : kipc_get_i(x, k);

				return v == NI ? NJ : v;
			}
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			return k < 0 ? x->a.j : kipc_get_j(x, k);
		default:
			q_err("type");
	}
}

/* item k as double; nulls -> NaN */
double
getF(const K *x, int64_t k)
{
	int			t = absT(x);

	if (t == KIPC_T_REAL)
		return k < 0 ? x->a.e : kipc_get_e(x, k);
	if (t == KIPC_T_FLOAT || t == KIPC_T_DATETIME)
		return k < 0 ? x->a.f : kipc_get_f(x, k);
	{
		int64_t		j = getJ(x, k);

		return j == NJ ? NAN : (double) j;
	}
}

/* store int64 v (NJ = null) as item k of r (k < 0: atom) */
void
putJ(K *r, int64_t k, int64_t v)
{
	switch (absT(r))
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_CHAR:
			if (k < 0)
				r->a.g = (uint8_t) v;
			else
				((uint8_t *) r->v.items)[k] = (uint8_t) v;
			break;
		case KIPC_T_SHORT:
			{
				int16_t		h = v == NJ ? NH : (int16_t) v;

				if (k < 0)
					r->a.h = h;
				else
					kipc_set_h(r, k, h);
				break;
			}
		case KIPC_T_INT:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			{
				int32_t		i = v == NJ ? NI : (int32_t) v;

				if (k < 0)
					r->a.i = i;
				else
					kipc_set_i(r, k, i);
				break;
			}
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			if (k < 0)
				r->a.j = v;
			else
				kipc_set_j(r, k, v);
			break;
		case KIPC_T_REAL:
			{
				float		e = v == NJ ? NAN : (float) v;

				if (k < 0)
					r->a.e = e;
				else
					kipc_set_e(r, k, e);
				break;
			}
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			{
				double		f = v == NJ ? NAN : (double) v;

				if (k < 0)
					r->a.f = f;
				else
					kipc_set_f(r, k, f);
				break;
			}
		default:
			q_err("type");
	}
}

void
putF(K *r, int64_t k, double v)
{
	switch (absT(r))
	{
		case KIPC_T_REAL:
			if (k < 0)
				r->a.e = (float) v;
			else
				kipc_set_e(r, k, (float) v);
			break;
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			if (k < 0)
				r->a.f = v;
			else
				kipc_set_f(r, k, v);
			break;
		default:
			putJ(r, k, isnan(v) ? NJ : (int64_t) v);
	}
}

/* ----------------------------------------------------------------
 * Nulls, items, counts
 * ----------------------------------------------------------------
 */
K *
q_null_atom(int type)
{
	int			t = type < 0 ? -type : type;
	K		   *r;

	if (t == KIPC_T_LIST || t > KIPC_T_TIME)
		return kipc_new_list(0);
	r = mk(t, 0, true);
	switch (t)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
			r->a.g = 0;
			break;
		case KIPC_T_CHAR:
			r->a.g = ' ';
			break;
		case KIPC_T_GUID:
			qmemset(r->a.guid, 0, 16);
			break;
		case KIPC_T_SYMBOL:
			break;				/* `` */
		case KIPC_T_REAL:
			r->a.e = NAN;
			break;
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			r->a.f = NAN;
			break;
		default:
			putJ(r, -1, NJ);
	}
	return r;
}

/* is item k (k < 0: atom) of simple x null? */
bool
item_null(const K *x, int64_t k)
{
	switch (absT(x))
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
			return false;
		case KIPC_T_GUID:
			{
				const uint8_t *g = k < 0 ? x->a.guid : kipc_get_guid(x, k);
				int			i;

				for (i = 0; i < 16; i++)
					if (g[i])
						return false;
				return true;
			}
		case KIPC_T_CHAR:
			return (k < 0 ? x->a.g : kipc_get_g(x, k)) == ' ';
		case KIPC_T_SYMBOL:
			return (k < 0 ? x->a.s : x->v.syms[k])[0] == 0;
		case KIPC_T_REAL:
			return isnan(k < 0 ? x->a.e : kipc_get_e(x, k));
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			return isnan(k < 0 ? x->a.f : kipc_get_f(x, k));
		default:
			return getJ(x, k) == NJ;
	}
}

int64_t
q_count(const K *x)
{
	if (x->type == KIPC_T_TABLE)
		return kipc_table_nrows(x);
	if (is_dict(x))
	{
		K		   *k = kipc_dict_keys(x);

		return k->type == KIPC_T_TABLE ? kipc_table_nrows(k) : q_count(k);
	}
	if (q_is_atom(x))
		return 1;
	return x->n;
}

/* item k of simple vector x as an atom */
K *
vec_item(const K *x, int64_t k)
{
	int			t = x->type;
	K		   *r = mk(t, 0, true);

	switch (t)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_CHAR:
			r->a.g = kipc_get_g(x, k);
			break;
		case KIPC_T_GUID:
			qmemcpy(r->a.guid, kipc_get_guid(x, k), 16);
			break;
		case KIPC_T_SHORT:
			r->a.h = kipc_get_h(x, k);
			break;
		case KIPC_T_REAL:
			r->a.e = kipc_get_e(x, k);
			break;
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			r->a.f = kipc_get_f(x, k);
			break;
		case KIPC_T_SYMBOL:
			kipc_unref(r);
			r = kipc_new_symbol(x->v.syms[k]);
			if (!r)
				q_err("wsfull");
			break;
		default:
			if (i32_t(t))
				r->a.i = kipc_get_i(x, k);
			else
				r->a.j = kipc_get_j(x, k);
	}
	return r;
}

/* the prototype of an empty or out-of-range position of x */
K *
proto_of(const K *x)
{
	if (is_vec(x))
		return q_null_atom(x->type);
	if (x->type == KIPC_T_LIST && x->n > 0)
	{
		K		   *f = x->v.objs[0];

		if (is_simple(f) && f->type < 0)
			return q_null_atom(f->type);
		if (is_vec(f))
			return q_empty_of(f->type);
	}
	q_err("nyi");
}

K *
q_item(const K *x, int64_t i)
{
	if (q_is_atom(x))
		return kipc_ref((K *) x);
	if (x->type == KIPC_T_TABLE)
	{
		K		   *ix = kipc_new_long(i);
		K		   *r = q_table_index((K *) x, ix);

		kipc_unref(ix);
		return r;
	}
	if (is_dict(x))
		return q_item(kipc_dict_values(x), i);	/* by position */
	if (i < 0 || i >= x->n)
		return proto_of(x);
	if (x->type == KIPC_T_LIST)
		return kipc_ref(x->v.objs[i]);
	return vec_item(x, i);
}

K *
q_empty_of(int type)
{
	int			t = type < 0 ? -type : type;

	if (t >= KIPC_T_BOOLEAN && t <= KIPC_T_TIME)
		return mk(t, 0, false);
	return mklist(0);
}

/* copy item i of simple vector (or atom) src into item k of vector dst
 * of the same type */
void
copy_item(K *dst, int64_t k, const K *src, int64_t i)
{
	int			t = dst->type;
	int			sz;

	if (t == KIPC_T_SYMBOL)
	{
		set_sym_from(dst, k, src, i);
		return;
	}
	sz = kipc_type_size(t);
	if (i >= 0)
		qmemcpy((char *) dst->v.items + k * sz, (const char *) src->v.items + i * sz, sz);
	else if (t == KIPC_T_GUID)
		qmemcpy((char *) dst->v.items + k * 16, src->a.guid, 16);
	else
		qmemcpy((char *) dst->v.items + k * sz, &src->a, sz);
}

K *
q_vec_from_items(K **items, int64_t n)
{
	int64_t		k;
	int			t;
	K		   *r;

	if (n == 0)
		return mklist(0);
	t = items[0]->type;
	if (t == KIPC_T_DICT && kipc_dict_keys(items[0])->type == KIPC_T_SYMBOL)
	{
		/* a list of dicts with the same symbol keys is a table */
		K		   *keys = kipc_dict_keys(items[0]);
		K		   *cols;
		int64_t		c;

		for (k = 1; k < n; k++)
			if (items[k]->type != KIPC_T_DICT || !kipc_equal(kipc_dict_keys(items[k]), keys))
				break;
		if (k == n && kipc_dict_values(items[0])->n == keys->n)
		{
			cols = mklist(keys->n);
			for (c = 0; c < keys->n; c++)
			{
				K		   *col = mklist(n);

				for (k = 0; k < n; k++)
					col->v.objs[k] = q_item(kipc_dict_values(items[k]), c);
				cols->v.objs[c] = q_collapse(col);
			}
			return q_table_new(kipc_ref(keys), cols);
		}
	}
	for (k = 0; k < n; k++)
		if (items[k]->type != t || t >= 0 || t < -KIPC_T_TIME)
			break;
	if (k < n)
	{
		r = mklist(n);
		for (k = 0; k < n; k++)
			r->v.objs[k] = kipc_ref(items[k]);
		return r;
	}
	r = mk(-t, n, false);
	for (k = 0; k < n; k++)
		copy_item(r, k, items[k], -1);
	return r;
}

K *
q_collapse(K *list)
{
	K		   *r;

	if (list->type != KIPC_T_LIST || list->n == 0)
		return list;
	r = q_vec_from_items(list->v.objs, list->n);
	kipc_unref(list);
	return r;
}

K *
q_enlist(K *x)
{
	if (is_simple(x) && x->type < 0)
	{
		K		   *r = mk(-x->type, 1, false);

		copy_item(r, 0, x, -1);
		return r;
	}
	if (is_dict(x) && !kipc_is_keyed_table(x) && kipc_dict_keys(x)->type == KIPC_T_SYMBOL)
	{
		/* enlist of a dict with symbol keys is a one-row table */
		K		   *cols = mklist(kipc_dict_values(x)->n);
		int64_t		k;

		for (k = 0; k < cols->n; k++)
		{
			K		   *it = q_item(kipc_dict_values(x), k);

			cols->v.objs[k] = q_enlist(it);
			kipc_unref(it);
		}
		return q_table_new(kipc_ref(kipc_dict_keys(x)), cols);
	}
	{
		K		   *r = mklist(1);

		r->v.objs[0] = kipc_ref(x);
		return r;
	}
}

K *
q_til(int64_t n)
{
	K		   *r;
	int64_t		k,
			   *p;

	if (n < 0)
		q_err("domain");
	r = mk(KIPC_T_LONG, n, false);
	p = (int64_t *) r->v.items;
	for (k = 0; k < n; k++)
		p[k] = k;
	return r;
}

int64_t
q_to_long(K *x)
{
	int			t = x->type;

	if (t == -KIPC_T_BOOLEAN || t == -KIPC_T_BYTE || t == -KIPC_T_SHORT || t == -KIPC_T_INT || t == -KIPC_T_LONG)
		return getJ(x, -1);
	if (t == -KIPC_T_FLOAT || t == -KIPC_T_REAL)
	{
		double		f = getF(x, -1);

		if (isnan(f))
			return NJ;
		if (f == floor(f))
			return (int64_t) f;
	}
	q_err("type");
}

bool
q_true(K *x)
{
	if (!is_simple(x) || x->type > 0)
	{
		if (x->type == KIPC_T_UNARY && x->a.g == U_IDENTITY)
			return false;
		q_err("type");
	}
	switch (-x->type)
	{
		case KIPC_T_GUID:
			return !item_null(x, -1);
		case KIPC_T_SYMBOL:
			q_err("type");
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			return getF(x, -1) != 0;
		default:
			return getJ(x, -1) != 0;
	}
}

/* ----------------------------------------------------------------
 * Calendar helpers
 * ----------------------------------------------------------------
 */
int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t
floormod(int64_t a, int64_t b)
{
	int64_t		r = a % b;		/* no overflow near INT64_MIN */

	if (r != 0 && ((r < 0) != (b < 0)))
		r += b;
	return r;
}

/* days from 2000.01.01 of a proleptic Gregorian y.m.d */
int64_t
q_days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t		era,
				yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468 - 10957;
}

void
q_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t		era,
				doe,
				yoe,
				doy,
				mp;

	z += 719468 + 10957;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int64_t
month_to_days(int64_t m)
{
	return q_days_from_civil(2000 + floordiv(m, 12), floormod(m, 12) + 1, 1);
}

int64_t
days_to_month(int64_t d)
{
	int64_t		y;
	int			m,
				dd;

	q_civil_from_days(d, &y, &m, &dd);
	return (y - 2000) * 12 + m - 1;
}

/* ----------------------------------------------------------------
 * Loading operands into int64 / double arrays
 * ----------------------------------------------------------------
 */

/* nanoseconds per unit of temporal type t */
int64_t
ns_unit(int t)
{
	switch (t)
	{
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			return 1;
		case KIPC_T_DATE:
			return NS_DAY;
		case KIPC_T_MINUTE:
			return INT64_C(60000000000);
		case KIPC_T_SECOND:
			return INT64_C(1000000000);
		case KIPC_T_TIME:
			return INT64_C(1000000);
	}
	return 1;
}

/*
 * x (atom or vector, int-like or temporal) as int64 values, nulls NJ,
 * rescaled by conv (> 1: multiply; CONV_*: calendar conversion).
 * Infinities of narrower types are widened to the long infinities when a
 * rescale happens, so that comparisons across types stay ordered.
 * Returns the array; *tofree is what the caller frees (maybe NULL).
 */
int64_t *
load_j(const K *x, int64_t conv, int64_t **tofree)
{
	int64_t		n = x->type < 0 ? 1 : x->n,
				k;
	int			t = absT(x);
	int64_t    *r;

	if (x->type > 0 && j64_t(t) && conv == 1)
	{
		*tofree = NULL;
		return (int64_t *) x->v.items;
	}
	r = xmalloc(sizeof(int64_t) * (n ? n : 1));
	*tofree = r;
	if (x->type < 0)
		r[0] = getJ(x, -1);
	else
		switch (t)
		{
			case KIPC_T_BOOLEAN:
			case KIPC_T_BYTE:
			case KIPC_T_CHAR:
				{
					const uint8_t *g = x->v.items;

					for (k = 0; k < n; k++)
						r[k] = g[k];
					break;
				}
			case KIPC_T_SHORT:
				for (k = 0; k < n; k++)
				{
					int16_t		v = kipc_get_h(x, k);

					r[k] = v == NH ? NJ : v;
				}
				break;
			case KIPC_T_INT:
			case KIPC_T_MONTH:
			case KIPC_T_DATE:
			case KIPC_T_MINUTE:
			case KIPC_T_SECOND:
			case KIPC_T_TIME:
				for (k = 0; k < n; k++)
				{
					int32_t		v = kipc_get_i(x, k);

					r[k] = v == NI ? NJ : v;
				}
				break;
			case KIPC_T_LONG:
			case KIPC_T_TIMESTAMP:
			case KIPC_T_TIMESPAN:
				qmemcpy(r, x->v.items, sizeof(int64_t) * n);
				break;
			default:
				q_err("type");
		}
	if (conv != 1)
	{
		bool		narrow = i32_t(t) || t == KIPC_T_SHORT;
		int64_t		inf = t == KIPC_T_SHORT ? KIPC_INF_SHORT : WI;

		for (k = 0; k < n; k++)
		{
			int64_t		v = r[k];

			if (v == NJ)
				continue;
			if (narrow && (v == inf || v == -inf))
			{
				r[k] = v > 0 ? WJ : -WJ;
				continue;
			}
			if (conv == CONV_M2D)
				r[k] = month_to_days(v);
			else if (conv == CONV_M2NS)
				r[k] = month_to_days(v) * NS_DAY;
			else if (__builtin_mul_overflow(v, conv, &r[k]))
				r[k] = v > 0 ? WJ : -WJ;	/* out of range: an infinity */
		}
	}
	return r;
}

/* x as doubles, nulls NaN; conv as load_j, or a divisor when < -2 */
double *
load_f(const K *x, double div, double **tofree)
{
	int64_t		n = x->type < 0 ? 1 : x->n,
				k;
	int			t = absT(x);
	double	   *r;

	if (x->type > 0 && f64_t(t) && div == 1)
	{
		*tofree = NULL;
		return (double *) x->v.items;
	}
	r = xmalloc(sizeof(double) * (n ? n : 1));
	*tofree = r;
	if (x->type < 0)
		r[0] = getF(x, -1);
	else if (t == KIPC_T_REAL)
		for (k = 0; k < n; k++)
			r[k] = kipc_get_e(x, k);
	else if (f64_t(t))
		qmemcpy(r, x->v.items, sizeof(double) * n);
	else
	{
		int64_t    *tf;
		int64_t    *j = load_j(x, 1, &tf);

		for (k = 0; k < n; k++)
			r[k] = j[k] == NJ ? NAN : (double) j[k];
		free(tf);
	}
	if (div != 1)
		for (k = 0; k < n; k++)
			r[k] /= div;
	return r;
}

/* result vector/atom r filled from int64 array R */
void
store_j(K *r, const int64_t *R, int64_t n)
{
	int			t = absT(r);
	int64_t		k;

	if (r->type < 0)
	{
		putJ(r, -1, R[0]);
		return;
	}
	if (j64_t(t))
	{
		if ((const void *) R != r->v.items && n > 0)
			qmemcpy(r->v.items, R, sizeof(int64_t) * n);
		return;
	}
	switch (t)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_CHAR:
			{
				uint8_t    *g = r->v.items;

				for (k = 0; k < n; k++)
					g[k] = (uint8_t) R[k];
				break;
			}
		case KIPC_T_SHORT:
			{
				int16_t    *h = r->v.items;

				for (k = 0; k < n; k++)
					h[k] = R[k] == NJ ? NH : (int16_t) R[k];
				break;
			}
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			for (k = 0; k < n; k++)
				putJ(r, k, R[k]);
			break;
		default:
			{
				int32_t    *i = r->v.items;

				for (k = 0; k < n; k++)
					i[k] = R[k] == NJ ? NI : (int32_t) R[k];
			}
	}
}

void
store_f(K *r, const double *R, int64_t n)
{
	int64_t		k;

	if (r->type < 0)
	{
		putF(r, -1, R[0]);
		return;
	}
	if (f64_t(r->type))
	{
		if ((const void *) R != r->v.items && n > 0)
			qmemcpy(r->v.items, R, sizeof(double) * n);
		return;
	}
	if (r->type == KIPC_T_REAL)
	{
		float	   *e = r->v.items;

		for (k = 0; k < n; k++)
			e[k] = (float) R[k];
		return;
	}
	for (k = 0; k < n; k++)
		putF(r, k, R[k]);
}
