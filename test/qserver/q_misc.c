/*-------------------------------------------------------------------------
 *
 * q_misc.c
 *		Other verbs.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_misc.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Other verbs
 * ----------------------------------------------------------------
 */
K *
raze(K *x)
{
	int64_t		k;
	K		   *acc;

	if (is_dict(x))
		return raze(kipc_dict_values(x));
	if (x->type != KIPC_T_LIST)
		return kipc_ref(x);
	if (x->n == 0)
		return kipc_ref(x);
	/* fast path: all items vectors (or atoms) of one simple type */
	{
		int			t = absT(x->v.objs[0]);
		int64_t		total = 0;
		bool		uniform = is_simple(x->v.objs[0]);

		for (k = 0; k < x->n && uniform; k++)
		{
			K		   *it = x->v.objs[k];

			if (!is_simple(it) || absT(it) != t)
				uniform = false;
			else
				total += it->type < 0 ? 1 : it->n;
		}
		if (uniform)
		{
			K		   *r = mk(t, total, false);
			int64_t		o = 0,
						j;

			for (k = 0; k < x->n; k++)
			{
				K		   *it = x->v.objs[k];

				if (it->type < 0)
					copy_item(r, o++, it, -1);
				else
					for (j = 0; j < it->n; j++)
						copy_item(r, o++, it, j);
			}
			return r;
		}
	}
	acc = kipc_ref(x->v.objs[0]);
	if (q_is_atom(acc))
	{
		K		   *e = q_enlist(acc);

		kipc_unref(acc);
		acc = e;
	}
	for (k = 1; k < x->n; k++)
	{
		K		   *nx = q_join(acc, x->v.objs[k]);

		kipc_unref(acc);
		acc = nx;
	}
	return acc;
}

K *
cut(K *x, K *y)
{
	if (x->type < 0 && intlike_t(-x->type))
	{
		int64_t		sz = getJ(x, -1),
					c = q_count(y),
					k;
		K		   *pos;
		K		   *r;

		if (sz <= 0 || sz == NJ)
			q_err("domain");
		pos = mk(KIPC_T_LONG, c / sz + (c % sz != 0), false);
		for (k = 0; k < pos->n; k++)
			((int64_t *) pos->v.items)[k] = k * sz;
		r = cut_at(pos, y);
		kipc_unref(pos);
		return r;
	}
	return drop_verb(x, y);
}

K *
rotate(K *x, K *y)
{
	int64_t		n,
				c,
				k;
	int64_t    *I;
	K		   *r;

	if (!(x->type < 0 && intlike_t(-x->type)))
		q_err("type");
	if (q_is_atom(y))
		return kipc_ref(y);
	n = getJ(x, -1);
	c = q_count(y);
	I = xmalloc(sizeof(int64_t) * (c ? c : 1));
	if (n == NJ)
		q_err("domain");
	if (c > 0)
		n = floormod(n, c);
	for (k = 0; k < c; k++)
		I[k] = (k + n) % c;
	r = gather(y, I, c);
	free(I);
	return r;
}

/* x bin y (binr: first >= y) over sorted x */
K *
bin(K *x, K *y, bool right)
{
	int64_t		n,
				m,
				k;
	K		   *r;
	bool		atom = q_is_atom(y);

	if (!is_vec(x) && x->type != KIPC_T_LIST)
		q_err("type");
	n = x->n;
	m = atom ? 1 : q_count(y);
	r = mk(KIPC_T_LONG, m, atom);
	for (k = 0; k < m; k++)
	{
		K		   *yk = atom ? kipc_ref(y) : q_item(y, k);
		int64_t		lo = 0,
					hi = n;

		/* first index with x[i] > yk (bin) or >= yk (binr) */
		while (lo < hi)
		{
			int64_t		mid = (lo + hi) / 2;
			K		   *xm = q_item(x, mid);
			int			c = obj_cmp(xm, yk);

			kipc_unref(xm);
			if (right ? c < 0 : c <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		putJ(r, atom ? -1 : k, right ? lo : lo - 1);
		kipc_unref(yk);
	}
	return r;
}

/* moving windows: msum mavg mcount mmax mmin */
K *
moving(int verb, K *x, K *y)
{
	int64_t		w,
				n,
				k;
	K		   *r;

	if (!(x->type < 0 && intlike_t(-x->type)))
		q_err("type");
	w = getJ(x, -1);
	if (w <= 0 || w == NJ)
		q_err("domain");
	if (!is_vec(y))
		q_err("nyi");
	n = y->n;
	if (verb == B_MMAX)
	{
		/* window max ignoring nulls, -0W if none (KX max.md) */
		K		   *acc = mklist(n);
		int64_t    *I = xmalloc(sizeof(int64_t) * (w < n ? w : n ? n : 1));

		for (k = 0; k < n; k++)
		{
			int64_t		j,
						s = k - w + 1 < 0 ? 0 : k - w + 1;
			K		   *win;

			for (j = s; j <= k; j++)
				I[j - s] = j;
			win = gather(y, I, k - s + 1);
			acc->v.objs[k] = agg(A_MAX, win);
			kipc_unref(win);
		}
		free(I);
		return q_collapse(acc);
	}
	if (verb == B_MMIN)
	{
		/* null is the minimum value here (KX min.md) */
		K		   *acc = mklist(n);

		for (k = 0; k < n; k++)
		{
			int64_t		j,
						s = k - w + 1 < 0 ? 0 : k - w + 1;
			K		   *a = vec_item(y, s);

			for (j = s + 1; j <= k; j++)
			{
				K		   *b = vec_item(y, j);
				K		   *c = q_binary(verb == B_MMAX ? B_OR : B_AND, a, b);

				kipc_unref(a);
				kipc_unref(b);
				a = c;
			}
			acc->v.objs[k] = a;
		}
		return q_collapse(acc);
	}
	if (!numeric_t(y->type))
		q_err("nyi");
	{
		double	   *f,
				   *Y = load_f(y, 1, &f);
		double		s = 0;
		int64_t		cnt = 0;
		bool		isf = y->type == KIPC_T_REAL || y->type == KIPC_T_FLOAT;

		if (verb == B_MSUM)
			r = mk(sum_type(y->type), n, false);
		else if (verb == B_MCOUNT)
			r = mk(KIPC_T_LONG, n, false);
		else
			r = mk(KIPC_T_FLOAT, n, false);
		if (verb == B_MSUM && !isf)
		{
			/* exact integer sums */
			int64_t    *fj,
					   *J = load_j(y, 1, &fj);
			int64_t		sj = 0;
			int64_t    *R = xmalloc(sizeof(int64_t) * (n ? n : 1));

			for (k = 0; k < n; k++)
			{
				if (J[k] != NJ)
					sj += J[k];
				if (k >= w && J[k - w] != NJ)
					sj -= J[k - w];
				R[k] = sj;
			}
			store_j(r, R, n);
			free(R);
			free(fj);
			free(f);
			return r;
		}
		for (k = 0; k < n; k++)
		{
			if (!isnan(Y[k]))
			{
				s += Y[k];
				cnt++;
			}
			if (k >= w && !isnan(Y[k - w]))
			{
				s -= Y[k - w];
				cnt--;
			}
			if (verb == B_MSUM)
				putF(r, k, s);
			else if (verb == B_MCOUNT)
				putJ(r, k, cnt);
			else
				putF(r, k, cnt ? s / cnt : NAN);
		}
		free(f);
		return r;
	}
}

K *
xprev(K *x, K *y)
{
	int64_t		n,
				c,
				k;
	int64_t    *I;
	K		   *r;

	if (!(x->type < 0 && intlike_t(-x->type)) || q_is_atom(y))
		q_err("type");
	n = getJ(x, -1);
	c = q_count(y);
	I = xmalloc(sizeof(int64_t) * (c ? c : 1));
	if (n == NJ)
		q_err("domain");
	for (k = 0; k < c; k++)
		if (__builtin_sub_overflow(k, n, &I[k]))
			I[k] = -1;
	r = gather(y, I, c);
	free(I);
	return r;
}

K *
cross(K *x, K *y)
{
	int64_t		nx = q_count(x),
				ny = q_count(y),
				i,
				j;
	K		   *r;

	if (q_is_atom(x) || q_is_atom(y) || x->type == KIPC_T_TABLE || y->type == KIPC_T_TABLE)
		q_err("nyi");
	r = mklist(nx * ny);
	for (i = 0; i < nx; i++)
		for (j = 0; j < ny; j++)
		{
			K		   *a = q_item(x, i),
					   *b = q_item(y, j);

			r->v.objs[i * ny + j] = q_join(a, b);
			kipc_unref(a);
			kipc_unref(b);
		}
	return r;
}

K *
wsum_wavg(K *x, K *y, bool avg)
{
	if (is_vec(x) && is_vec(y) && numeric_t(x->type) && numeric_t(y->type))
	{
		double	   *fx,
				   *fy,
				   *X,
				   *Y;
		double		s = 0,
					w = 0;
		int64_t		k;

		if (x->n != y->n)
			q_err("length");
		X = load_f(x, 1, &fx);
		Y = load_f(y, 1, &fy);
		for (k = 0; k < x->n; k++)
		{
			if (isnan(X[k]) || isnan(Y[k]))
				continue;		/* nulls are ignored (treated as 0) */
			s += X[k] * Y[k];
			w += X[k];
		}
		free(fx);
		free(fy);
		return kipc_new_float(avg ? (w == 0 ? NAN : s / w) : s);
	}
	{
		K		   *p = q_binary(B_TIMES, x, y);
		K		   *r = agg(A_SUM, p);

		kipc_unref(p);
		if (avg)
		{
			/* (sum x*y) % sum x */
			K		   *w = agg(A_SUM, x);
			K		   *q = q_binary(B_DIVIDE, r, w);

			kipc_unref(w);
			kipc_unref(r);
			r = q;
		}
		return r;
	}
}

K *
attr_of(K *x)
{
	static const char *const names[] = {"", "s", "u", "p", "g"};

	if (q_is_atom(x) || x->attr > 4)
		return kipc_new_symbol("");
	return kipc_new_symbol(names[x->attr]);
}

K *
type_of(K *x)
{
	return kipc_new_short(x->type == KIPC_T_SORTED_DICT ? 99 : x->type);
}

/* value: dict values, evaluate a string, look up a name, apply a list */
K *
value(K *x)
{
	if (is_dict(x))
		return kipc_ref(kipc_dict_values(x));
	if (x->type == KIPC_T_CHAR)
		return q_value_string((const char *) x->v.items, (size_t) x->n);
	if (x->type == -KIPC_T_CHAR)
		return q_value_string((const char *) &x->a.g, 1);
	if (x->type == -KIPC_T_SYMBOL)
	{
		K		   *v = q_lookup(x->a.s);

		if (!v)
			q_err(x->a.s);
		return v;
	}
	if (x->type == KIPC_T_LIST && x->n > 0)
	{
		K		   *f = x->v.objs[0];
		K		   *r;

		if (f->type == KIPC_T_CHAR)
			f = q_value_string((const char *) f->v.items, (size_t) f->n);
		else
			kipc_ref(f);
		r = q_apply(f, x->v.objs + 1, (int) (x->n - 1));
		kipc_unref(f);
		return r;
	}
	if (x->type == KIPC_T_TABLE || is_simple(x))
		return kipc_ref(x);
	q_err("nyi");
}

K *
key_of(K *x)
{
	if (is_dict(x))
		return kipc_ref(kipc_dict_keys(x));
	if (x->type < 0 && intlike_t(-x->type))
		return q_til(getJ(x, -1));
	q_err("nyi");
}

/* f each x, f over x, f scan x, f prior x as derived functions */
K *
derived_apply(int type, K *f, K *x)
{
	K		   *d = kipc_new_compound(type, 1);
	K		   *r;

	if (!d)
		q_err("wsfull");
	d->v.objs[0] = kipc_ref(f);
	r = q_apply1(d, x);
	kipc_unref(d);
	return r;
}

/* .qserver.sleep[ms]: sleep in slices so -T deadlines still fire */
K *
qs_sleep(K *x)
{
	int64_t		ms = q_to_long(x);
	int64_t		end = q_now_ms() + (ms > 0 ? ms : 0);

	for (;;)
	{
		int64_t		now = q_now_ms();
		int64_t		left = end - now;
		struct timespec ts;

		q_check_deadline();
		if (left <= 0)
			break;
		if (left > 10)
			left = 10;
		ts.tv_sec = 0;
		ts.tv_nsec = (long) left * 1000000L;
		nanosleep(&ts, NULL);
	}
	return kipc_new_identity();
}
