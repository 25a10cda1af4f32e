/*-------------------------------------------------------------------------
 *
 * q_compare.c
 *		Comparison verbs and the atomic extension of binary verbs over lists, dictionaries and tables.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_compare.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Comparison
 * ----------------------------------------------------------------
 */

/*
 * q's tolerant float comparison: -1, 0, 1; nulls first.  Two finite
 * values are equal when |a-b| <= 2^-43 * max(|a|,|b|) (KX precision.md,
 * "Comparison tolerance").
 */

static inline bool
cmp_res(int op, int c)
{
	switch (op)
	{
		case C_EQ: return c == 0;
		case C_NE: return c != 0;
		case C_LT: return c < 0;
		case C_GT: return c > 0;
		case C_LE: return c <= 0;
		default: return c >= 0;
	}
}

static bool
instant_t(int t)
{
	return t == KIPC_T_TIMESTAMP || t == KIPC_T_MONTH || t == KIPC_T_DATE || t == KIPC_T_DATETIME;
}

static const int cmp_verb[] = {B_EQ, B_NE, B_LT, B_GT, B_LE, B_GE};

K *
compare(int op, K *x, K *y)
{
	int			tx,
				ty;
	int64_t		n,
				k;
	bool		atom;
	int			sx,
				sy;
	K		   *r;
	uint8_t    *R;

	if (!is_simple(x) || !is_simple(y))
		return atomic2(cmp_verb[op], x, y);
	tx = absT(x);
	ty = absT(y);
	n = pair_len(x, y);
	atom = n < 0;
	if (atom)
		n = 1;
	sx = x->type < 0 ? 0 : 1;
	sy = y->type < 0 ? 0 : 1;
	/* type errors before the result is made (it would leak) */
	if ((tx == KIPC_T_SYMBOL || ty == KIPC_T_SYMBOL || tx == KIPC_T_GUID || ty == KIPC_T_GUID) && tx != ty)
		q_err("type");
	r = mk(KIPC_T_BOOLEAN, n, atom);
	R = atom ? &r->a.g : (uint8_t *) r->v.items;

	if (tx == KIPC_T_SYMBOL || ty == KIPC_T_SYMBOL)
	{
		if (tx != ty)
			q_err("type");
		if ((op == C_EQ || op == C_NE) && q_sym_interned(x) && q_sym_interned(y))
		{
			/* interned symbols (q_sym.c) are equal exactly when their
			 * pointers are */
			for (k = 0; k < n; k++)
			{
				const char *a = sx ? x->v.syms[k] : x->a.s;
				const char *b = sy ? y->v.syms[k] : y->a.s;

				R[k] = (a == b) == (op == C_EQ);
			}
			return r;
		}
		if ((op == C_EQ || op == C_NE) && (sx != sy) && strlen(sx ? y->a.s : x->a.s) < 8)
		{
			/*
			 * a vector = an atom of fewer than 8 bytes: each symbol's
			 * bytes packed into a word (zero padded; no symbol holds a
			 * NUL) equal the atom's exactly when the strings are equal
			 */
			const char *at = sx ? y->a.s : x->a.s;
			K		   *v = sx ? x : y;
			uint64_t	w = 0;
			int			i;

			for (i = 0; at[i]; i++)
				w |= (uint64_t) (uint8_t) at[i] << (8 * i);
			for (k = 0; k < n; k++)
			{
				const char *s = v->v.syms[k];
				uint64_t	u = 0;

				for (i = 0; i < 8 && s[i]; i++)
					u |= (uint64_t) (uint8_t) s[i] << (8 * i);
				R[k] = (i < 8 && u == w) == (op == C_EQ);
			}
			return r;
		}
		for (k = 0; k < n; k++)
		{
			const char *a = sx ? x->v.syms[k] : x->a.s;
			const char *b = sy ? y->v.syms[k] : y->a.s;

			R[k] = cmp_res(op, strcmp(a, b));
		}
		return r;
	}
	if (tx == KIPC_T_GUID || ty == KIPC_T_GUID)
	{
		if (tx != ty)
			q_err("type");
		for (k = 0; k < n; k++)
		{
			const uint8_t *a = sx ? kipc_get_guid(x, k) : x->a.guid;
			const uint8_t *b = sy ? kipc_get_guid(y, k) : y->a.guid;

			R[k] = cmp_res(op, memcmp(a, b, 16));
		}
		return r;
	}
	/* chars compare by their numeric value (KX comparison.md) */
	if (temporal_t(tx) && temporal_t(ty) && instant_t(tx) != instant_t(ty))
	{
		/* ordinal vs cardinal: the ordinal is cast to the cardinal type
		 * first (KX comparison.md "Temporal values") */
		bool		xo = instant_t(tx);
		int			card = xo ? ty : tx;
		K		   *o = xo ? x : y;
		K		   *c,
				   *res;

		if (card == 16 || absT(o) == KIPC_T_DATETIME || absT(o) == KIPC_T_MONTH)
			q_err("nyi");
		c = cast_simple(card, o);
		res = xo ? compare(op, c, y) : compare(op, x, c);
		kipc_unref(c);
		kipc_unref(r);
		return res;
	}
	{
		bool		fdom = false;
		int64_t		cx = 1,
					cy = 1;

		if (temporal_t(tx) && temporal_t(ty) && tx != ty)
		{
			if (instant_t(tx) && instant_t(ty))
			{
				if (tx == KIPC_T_DATETIME || ty == KIPC_T_DATETIME)
				{
					/* compare as days */
					double	   *fx,
							   *fy,
							   *X,
							   *Y;

					if (tx == KIPC_T_MONTH || ty == KIPC_T_MONTH)
						q_err("nyi");
					X = load_f(x, tx == KIPC_T_TIMESTAMP ? (double) NS_DAY : 1, &fx);
					Y = load_f(y, ty == KIPC_T_TIMESTAMP ? (double) NS_DAY : 1, &fy);
					for (k = 0; k < n; k++)
						R[k] = cmp_res(op, fcmp(X[k * sx], Y[k * sy]));
					free(fx);
					free(fy);
					return r;
				}
				if (tx == KIPC_T_TIMESTAMP || ty == KIPC_T_TIMESTAMP)
				{
					cx = tx == KIPC_T_MONTH ? CONV_M2NS : ns_unit(tx);
					cy = ty == KIPC_T_MONTH ? CONV_M2NS : ns_unit(ty);
				}
				else
				{
					cx = tx == KIPC_T_MONTH ? CONV_M2D : 1;
					cy = ty == KIPC_T_MONTH ? CONV_M2D : 1;
				}
			}
			else
			{
				cx = ns_unit(tx);
				cy = ns_unit(ty);
			}
		}
		else if (tx == KIPC_T_REAL || tx == KIPC_T_FLOAT || tx == KIPC_T_DATETIME || ty == KIPC_T_REAL || ty == KIPC_T_FLOAT || ty == KIPC_T_DATETIME)
			fdom = true;
		if (fdom)
		{
			double	   *fx,
					   *fy,
					   *X = load_f(x, 1, &fx),
					   *Y = load_f(y, 1, &fy);

			switch (op)
			{
				case C_EQ:
					for (k = 0; k < n; k++)
						R[k] = fcmp(X[k * sx], Y[k * sy]) == 0;
					break;
				case C_LT:
					for (k = 0; k < n; k++)
						R[k] = fcmp(X[k * sx], Y[k * sy]) < 0;
					break;
				case C_GT:
					for (k = 0; k < n; k++)
						R[k] = fcmp(X[k * sx], Y[k * sy]) > 0;
					break;
				default:
					for (k = 0; k < n; k++)
						R[k] = cmp_res(op, fcmp(X[k * sx], Y[k * sy]));
			}
			free(fx);
			free(fy);
		}
		else
		{
			int64_t    *fx,
					   *fy,
					   *X = load_j(x, cx, &fx),
					   *Y = load_j(y, cy, &fy);

			/* nulls are INT64_MIN: plain integer order is q's order */
			switch (op)
			{
				case C_EQ:
					for (k = 0; k < n; k++)
						R[k] = X[k * sx] == Y[k * sy];
					break;
				case C_NE:
					for (k = 0; k < n; k++)
						R[k] = X[k * sx] != Y[k * sy];
					break;
				case C_LT:
					for (k = 0; k < n; k++)
						R[k] = X[k * sx] < Y[k * sy];
					break;
				case C_GT:
					for (k = 0; k < n; k++)
						R[k] = X[k * sx] > Y[k * sy];
					break;
				case C_LE:
					for (k = 0; k < n; k++)
						R[k] = X[k * sx] <= Y[k * sy];
					break;
				default:
					for (k = 0; k < n; k++)
						R[k] = X[k * sx] >= Y[k * sy];
			}
			free(fx);
			free(fy);
		}
	}
	return r;
}

/* ----------------------------------------------------------------
 * Atomic extension of binary verbs over lists, dicts and tables
 * ----------------------------------------------------------------
 */
static K *
table_map2(int verb, K *t, K *other, bool t_left)
{
	K		   *d = t->v.objs[0];
	K		   *names = kipc_dict_keys(d);
	K		   *cols = kipc_dict_values(d);
	K		   *nc = mklist(cols->n);
	int64_t		k;

	for (k = 0; k < cols->n; k++)
	{
		K		   *o = other;

		if (other->type == KIPC_T_TABLE)
		{
			o = q_table_col(other, names->v.syms[k]);
			if (!o)
				q_err("nyi");
		}
		nc->v.objs[k] = t_left ? q_binary(verb, cols->v.objs[k], o) :
			q_binary(verb, o, cols->v.objs[k]);
	}
	return q_table_new(kipc_ref(names), nc);
}

K *
atomic2(int verb, K *x, K *y)
{
	int64_t		n,
				k;
	K		   *r;

	if (q_is_function(x) || q_is_function(y) || x->type == KIPC_T_ERROR ||
		y->type == KIPC_T_ERROR)
		q_err("type");
	if (kipc_is_keyed_table(x) || kipc_is_keyed_table(y))
	{
		/* keyed tables: the value tables meet, the keys stay (KX add.md) */
		if (kipc_is_keyed_table(x) && kipc_is_keyed_table(y))
		{
			if (!q_match(kipc_dict_keys(x), kipc_dict_keys(y)))
				q_err("nyi");
			return q_dict_new(kipc_ref(kipc_dict_keys(x)),
							  q_binary(verb, kipc_dict_values(x), kipc_dict_values(y)));
		}
		if (kipc_is_keyed_table(x) && q_is_atom(y))
			return q_dict_new(kipc_ref(kipc_dict_keys(x)), q_binary(verb, kipc_dict_values(x), y));
		if (kipc_is_keyed_table(y) && q_is_atom(x))
			return q_dict_new(kipc_ref(kipc_dict_keys(y)), q_binary(verb, x, kipc_dict_values(y)));
		q_err("nyi");
	}
	if (is_dict(x) || is_dict(y))
	{
		if (is_dict(x) && is_dict(y))
		{
			if (!kipc_equal(kipc_dict_keys(x), kipc_dict_keys(y)))
				q_err("nyi");
			return q_dict_new(kipc_ref(kipc_dict_keys(x)),
							  q_binary(verb, kipc_dict_values(x), kipc_dict_values(y)));
		}
		/* an atom, or a list with an item per entry, meets the values */
		if (is_dict(x))
		{
			if (!q_is_atom(y) && q_count(y) != q_count(x))
				q_err("length");
			if (!q_is_atom(y) && kipc_dict_values(x)->type != KIPC_T_LIST)
				q_err("nyi");
			return q_dict_new(kipc_ref(kipc_dict_keys(x)),
							  q_binary(verb, kipc_dict_values(x), y));
		}
		if (!q_is_atom(x) && q_count(x) != q_count(y))
			q_err("length");
		if (!q_is_atom(x) && kipc_dict_values(y)->type != KIPC_T_LIST)
			q_err("nyi");
		return q_dict_new(kipc_ref(kipc_dict_keys(y)),
						  q_binary(verb, x, kipc_dict_values(y)));
	}
	if (x->type == KIPC_T_TABLE)
	{
		if (!(q_is_atom(y) || y->type == KIPC_T_TABLE))
			q_err("nyi");
		return table_map2(verb, x, y, true);
	}
	if (y->type == KIPC_T_TABLE)
	{
		if (!q_is_atom(x))
			q_err("nyi");
		return table_map2(verb, y, x, false);
	}
	/* general lists item by item; atoms are broadcast */
	if (!q_is_atom(x) && !q_is_atom(y) && q_count(x) != q_count(y))
		q_err("length");
	n = q_is_atom(x) ? q_count(y) : q_count(x);
	r = mklist(n);
	for (k = 0; k < n; k++)
	{
		K		   *xi = q_item(x, k);
		K		   *yi = q_item(y, k);

		r->v.objs[k] = q_binary(verb, xi, yi);
		kipc_unref(xi);
		kipc_unref(yi);
	}
	return q_collapse(r);
}

/* unary atomic extension: apply f to each item / value / column */
K *
atomic1(int verb, K *x)
{
	int64_t		k;
	K		   *r;

	if (is_dict(x))
		return q_dict_new(kipc_ref(kipc_dict_keys(x)), q_unary(verb, kipc_dict_values(x)));
	if (x->type == KIPC_T_TABLE)
	{
		K		   *d = x->v.objs[0];
		K		   *cols = kipc_dict_values(d);
		K		   *nc = mklist(cols->n);

		for (k = 0; k < cols->n; k++)
			nc->v.objs[k] = q_unary(verb, cols->v.objs[k]);
		return q_table_new(kipc_ref(kipc_dict_keys(d)), nc);
	}
	if (x->type != KIPC_T_LIST)
		q_err("type");
	r = mklist(x->n);
	for (k = 0; k < x->n; k++)
		r->v.objs[k] = q_unary(verb, x->v.objs[k]);
	return q_collapse(r);
}
