/*-------------------------------------------------------------------------
 *
 * q_list.c
 *		Structural verbs: join, take, drop, sublist, index.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_list.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Structural verbs: join, take, drop, sublist, index
 * ----------------------------------------------------------------
 */
K *
dict_join(K *x, K *y)
{
	K		   *kx = kipc_dict_keys(x),
			   *vx = kipc_dict_values(x),
			   *ky = kipc_dict_keys(y),
			   *vy = kipc_dict_values(y);
	K		   *pos = find(kx, ky);
	int64_t		n = q_count(kx),
				m = q_count(ky),
				k,
				extra = 0;
	K		   *nk,
			   *nv;
	int64_t    *P;

	if (kx->type == KIPC_T_TABLE || ky->type == KIPC_T_TABLE)
		q_err("nyi");
	if (pos->type != KIPC_T_LONG)
		q_err("nyi");
	P = pos->v.items;
	for (k = 0; k < m; k++)
		if (P[k] == n)
			extra++;
	/* fresh lists: the key and value lists are resized and written below
	 * (sharing a table's column list would corrupt the table) */
	nk = mklist(n);
	nv = mklist(n);
	for (k = 0; k < n; k++)
	{
		nk->v.objs[k] = q_item(kx, k);
		nv->v.objs[k] = q_item(vx, k);
	}
	kipc_resize(nk, n + extra);
	kipc_resize(nv, n + extra);
	extra = 0;
	for (k = 0; k < m; k++)
	{
		int64_t		p = P[k] == n ? n + extra++ : P[k];

		if (p >= n && P[k] == n)
			nk->v.objs[p] = q_item(ky, k);
		kipc_unref(nv->v.objs[p]);
		nv->v.objs[p] = q_item(vy, k);
	}
	kipc_unref(pos);
	return q_dict_new(q_collapse(nk), q_collapse(nv));
}

K *
q_join(K *x, K *y)
{
	K		   *r;
	int64_t		nx,
				ny,
				k;

	if (is_dict(x) && is_dict(y))
		return dict_join(x, y);
	if (x->type == KIPC_T_TABLE && y->type == KIPC_T_TABLE)
	{
		K		   *dx = x->v.objs[0],
				   *dy = y->v.objs[0];
		K		   *names = kipc_dict_keys(dx);
		K		   *cols;

		if (!q_match(names, kipc_dict_keys(dy)))
			q_err("nyi");
		cols = mklist(names->n);
		for (k = 0; k < names->n; k++)
			cols->v.objs[k] = q_join(kipc_dict_values(dx)->v.objs[k], kipc_dict_values(dy)->v.objs[k]);
		return q_table_new(kipc_ref(names), cols);
	}
	if (x->type == KIPC_T_TABLE || y->type == KIPC_T_TABLE || is_dict(x) || is_dict(y))
		q_err("nyi");
	if (is_simple(x) && is_simple(y) && absT(x) == absT(y))
	{
		int			t = absT(x);

		nx = x->type < 0 ? 1 : x->n;
		ny = y->type < 0 ? 1 : y->n;
		r = mk(t, nx + ny, false);
		if (t == KIPC_T_SYMBOL)
		{
			for (k = 0; k < nx; k++)
				set_sym_from(r, k, x, x->type < 0 ? -1 : k);
			for (k = 0; k < ny; k++)
				set_sym_from(r, nx + k, y, y->type < 0 ? -1 : k);
			return r;
		}
		{
			int			sz = kipc_type_size(t);

			if (x->type < 0)
				copy_item(r, 0, x, -1);
			else if (nx)
				qmemcpy(r->v.items, x->v.items, sz * nx);
			if (y->type < 0)
				copy_item(r, nx, y, -1);
			else if (ny)
				qmemcpy((char *) r->v.items + sz * nx, y->v.items, sz * ny);
		}
		return r;
	}
	/* general list */
	nx = q_is_atom(x) ? 1 : q_count(x);
	ny = q_is_atom(y) ? 1 : q_count(y);
	r = mklist(nx + ny);
	for (k = 0; k < nx; k++)
		r->v.objs[k] = q_is_atom(x) ? kipc_ref(x) : q_item(x, k);
	for (k = 0; k < ny; k++)
		r->v.objs[nx + k] = q_is_atom(y) ? kipc_ref(y) : q_item(y, k);
	return q_collapse(r);
}

/*
 * Are equal items of x adjacent (the `p# property)?  One pass with the
 * hash set: an item seen before must belong to the same run as its
 * predecessor, i.e. have the same first occurrence.
 */
bool
q_is_parted(const K *x)
{
	HSet		h;
	int64_t		k,
				prev = -1;
	bool		ok = true;

	hs_init(&h, x, x->n);
	for (k = 0; k < x->n && ok; k++)
	{
		int64_t		f = hs_add(&h, k, item_hash(x, k));

		if (f != k && f != prev)
			ok = false;
		prev = f;
	}
	hs_free(&h);
	return ok;
}
/* positions for n#x over a list of count c (wrapping) */
static int64_t *
take_positions(int64_t n, int64_t c)
{
	int64_t		m = n < 0 ? -n : n,
				k;
	int64_t    *I = xmalloc(sizeof(int64_t) * (m ? m : 1));

	if (c == 0)
	{
		for (k = 0; k < m; k++)
			I[k] = -1;			/* nulls */
		return I;
	}
	if (n >= 0)
		for (k = 0; k < m; k++)
			I[k] = k < c ? k : k % c;
	else
		for (k = 0; k < m; k++)
			I[k] = floormod(c - m + k, c);
	return I;
}

K *
q_take(int64_t n, K *x)
{
	int64_t		m,
				k;
	K		   *r;

	if (n == NJ)
		q_err("domain");
	m = n < 0 ? -n : n;
	if (q_is_atom(x))
	{
		if (is_simple(x))
		{
			r = mk(-x->type, m, false);
			for (k = 0; k < m; k++)
				copy_item(r, k, x, -1);
			return r;
		}
		r = mklist(m);
		for (k = 0; k < m; k++)
			r->v.objs[k] = kipc_ref(x);
		return r;
	}
	if (x->type == KIPC_T_TABLE || is_dict(x))
	{
		int64_t		c = q_count(x);
		int64_t    *I = take_positions(n, c);
		K		   *iv = mk(KIPC_T_LONG, m, false);

		qmemcpy(iv->v.items, I, sizeof(int64_t) * m);
		free(I);
		if (x->type == KIPC_T_TABLE)
			r = q_table_rows(x, iv);
		else if (kipc_is_keyed_table(x))
			r = q_dict_new(q_table_rows(kipc_dict_keys(x), iv), q_table_rows(kipc_dict_values(x), iv));
		else
			r = q_dict_new(q_index(kipc_dict_keys(x), iv), q_index(kipc_dict_values(x), iv));
		kipc_unref(iv);
		return r;
	}
	{
		int64_t    *I = take_positions(n, x->n);

		if (x->type == KIPC_T_LIST && x->n == 0)
		{
			free(I);
			r = mklist(m);
			for (k = 0; k < m; k++)
				r->v.objs[k] = mklist(0);
			return r;
		}
		r = gather(x, I, m);
		free(I);
		return r;
	}
}

K *
take_verb(K *x, K *y)
{
	int			tx = x->type;

	if (tx == -KIPC_T_LONG || tx == -KIPC_T_INT || tx == -KIPC_T_SHORT)
		return q_take(getJ(x, -1), y);
	if (tx == -KIPC_T_SYMBOL)
	{
		const char *s = x->a.s;

		if (strcmp(s, "s") == 0 && is_dict(y))
		{
			/*
			 * `s#d: a dictionary (keyed table too) whose keys are sorted
			 * becomes a sorted dictionary, type 127h, a step function (KX
			 * ref/set-attribute.md, kb/serialization.md "Sorted keyed
			 * table": type 7f, the key table carries `s#, its columns
			 * none; a plain dict's key vector carries `s#)
			 */
			K		   *keys = kipc_dict_keys(y);
			K		   *p,
					   *nk;
			int64_t		k,
						n = q_count(keys);
			bool		ok = true;

			if (keys->type != KIPC_T_TABLE && !is_simple(keys))
				q_err("nyi");
			if (keys->type == KIPC_T_TABLE)
			{
				/* rows in order: stable grade by the last key column, then
				 * by each one before it */
				K		   *cl = kipc_dict_values(keys->v.objs[0]);
				int64_t		c;

				p = q_til(n);
				for (c = cl->n - 1; c >= 0; c--)
				{
					K		   *col = q_index(cl->v.objs[c], p);
					K		   *g = q_iasc(col, false);
					K		   *np = q_index(p, g);

					kipc_unref(col);
					kipc_unref(g);
					kipc_unref(p);
					p = np;
				}
			}
			else
				p = q_iasc(keys, false);
			for (k = 0; k < n; k++)
				if (((int64_t *) p->v.items)[k] != k)
					ok = false;
			kipc_unref(p);
			if (!ok)
				q_err("s-fail");
			nk = kipc_copy(keys);
			if (!nk)
				q_err("wsfull");
			nk->attr = KIPC_ATTR_SORTED;
			return kipc_new_sorted_dict(nk, kipc_ref(kipc_dict_values(y)));
		}
		if (strcmp(s, "s") == 0 && y->type == KIPC_T_TABLE)
		{
			/*
			 * `s#t on a table: "sets the parted attribute on the first
			 * column" (KX ref/set-attribute.md, Sorted); the first column
			 * must be in ascending order, as for a list
			 */
			K		   *d = y->v.objs[0];
			K		   *cols = kipc_dict_values(d);
			K		   *c0,
					   *r,
					   *nc;

			if (cols->n == 0)
				return kipc_ref(y);
			c0 = take_verb(x, cols->v.objs[0]);	/* s-fail if unsorted */
			c0->attr = KIPC_ATTR_PARTED;
			nc = kipc_copy(cols);
			if (!nc)
				q_err("wsfull");
			kipc_unref(nc->v.objs[0]);
			nc->v.objs[0] = c0;
			r = q_table_new(kipc_ref(kipc_dict_keys(d)), nc);
			return r;
		}
		if (is_simple(y) || y->type == KIPC_T_LIST)
		{
			/* attribute: `s# `u# `p# `g# `# */
			K		   *r;
			int			a = -1;

			if (strcmp(s, "s") == 0)
				a = KIPC_ATTR_SORTED;
			else if (strcmp(s, "u") == 0)
				a = KIPC_ATTR_UNIQUE;
			else if (strcmp(s, "p") == 0)
				a = KIPC_ATTR_PARTED;
			else if (strcmp(s, "g") == 0)
				a = KIPC_ATTR_GROUPED;
			else if (s[0] == 0)
				a = KIPC_ATTR_NONE;
			if (a < 0 || y->type < 0)
				q_err("type");
			if (a == KIPC_ATTR_SORTED && y->n > 1)
			{
				K		   *p = q_iasc(y, false);
				int64_t		k;
				bool		ok = true;

				for (k = 0; k < y->n; k++)
					if (((int64_t *) p->v.items)[k] != k)
						ok = false;
				kipc_unref(p);
				if (!ok)
					q_err("s-fail");
			}
			if (a == KIPC_ATTR_PARTED)
			{
				/*
				 * parted: equal items adjacent; a simple list only (KX
				 * ref/set-attribute.md, whose error table gives u-fail
				 * for "not unique or not parted")
				 */
				if (y->type == KIPC_T_LIST)
					q_err("type");
				if (!q_is_parted(y))
					q_err("u-fail");
			}
			if (a == KIPC_ATTR_UNIQUE)
			{
				K		   *d = distinct_idx(y);
				bool		ok = d->n == y->n;

				kipc_unref(d);
				if (!ok)
					q_err("u-fail");
			}
			r = kipc_copy(y);
			if (!r)
				q_err("wsfull");
			r->attr = (uint8_t) a;
			return r;
		}
		{
			K		   *e = q_enlist(x);
			K		   *r = take_verb(e, y);

			kipc_unref(e);
			return r;
		}
	}
	if (tx == KIPC_T_SYMBOL)
	{
		/* columns of a table, entries of a dict */
		if (y->type == KIPC_T_TABLE)
		{
			K		   *cols = mklist(x->n);
			int64_t		k;

			for (k = 0; k < x->n; k++)
			{
				K		   *c = q_table_col(y, x->v.syms[k]);

				if (!c)
					q_err(x->v.syms[k]);
				cols->v.objs[k] = kipc_ref(c);
			}
			return q_table_new(kipc_ref(x), cols);
		}
		if (is_dict(y) && !kipc_is_keyed_table(y))
			return q_dict_new(kipc_ref(x), q_dict_index(y, x));
		if (kipc_is_keyed_table(y))
			q_err("nyi");
	}
	if ((tx == KIPC_T_LONG || tx == KIPC_T_INT) && x->n == 1)
		return q_take(getJ(x, 0), y);	/* since V3.4: one dimension */
	if ((tx == KIPC_T_LONG || tx == KIPC_T_INT) && x->n == 2)
	{
		/* reshape (rows; cols) */
		int64_t		rows = getJ(x, 0),
					cl = getJ(x, 1),
					k;
		K		   *flat,
				   *r;

		if (rows == NJ || cl == NJ || rows < 0 || cl < 0)
			q_err("nyi");
		flat = q_take(rows * cl, y);
		r = mklist(rows);
		for (k = 0; k < rows; k++)
		{
			int64_t    *I = xmalloc(sizeof(int64_t) * (cl ? cl : 1)),
						j;

			for (j = 0; j < cl; j++)
				I[j] = k * cl + j;
			r->v.objs[k] = gather(flat, I, cl);
			free(I);
		}
		kipc_unref(flat);
		return r;
	}
	q_err("type");
}

/* cut y at the positions in x (ascending) */

K *
cut_at(K *x, K *y)
{
	int64_t    *f,
			   *P = load_j(x, 1, &f);
	int64_t		n = x->n,
				c = q_count(y),
				k;
	K		   *r = mklist(n);

	for (k = 0; k < n; k++)
	{
		int64_t		a = P[k],
					b = k + 1 < n ? P[k + 1] : c,
					j;
		int64_t    *I;

		if (a < 0 || a > c || b < a)
			q_err("domain");
		I = xmalloc(sizeof(int64_t) * (b - a ? b - a : 1));
		for (j = a; j < b; j++)
			I[j - a] = j;
		if (y->type == KIPC_T_TABLE)
		{
			K		   *iv = mk(KIPC_T_LONG, b - a, false);

			qmemcpy(iv->v.items, I, sizeof(int64_t) * (b - a));
			r->v.objs[k] = q_table_rows(y, iv);
			kipc_unref(iv);
		}
		else
			r->v.objs[k] = gather(y, I, b - a);
		free(I);
	}
	free(f);
	return r;
}

K *
drop_verb(K *x, K *y)
{
	int64_t		k;

	if (is_dict(y) && !kipc_is_keyed_table(y) && !(x->type < 0 && intlike_t(-x->type)))
	{
		/* drop the entries for keys x (KX drop.md) */
		K		   *ks = kipc_dict_keys(y);
		K		   *keep = filter_in(ks, x, false);
		K		   *p = find(ks, keep);
		K		   *r = q_dict_new(keep, q_index(kipc_dict_values(y), p));

		kipc_unref(p);
		return r;
	}
	if (y->type == KIPC_T_TABLE && x->type == KIPC_T_SYMBOL)
	{
		/* drop columns */
		K		   *names = kipc_dict_keys(y->v.objs[0]);
		K		   *keep = filter_in(names, x, false);
		K		   *r = take_verb(keep, y);

		kipc_unref(keep);
		return r;
	}

	if ((x->type == -KIPC_T_LONG || x->type == -KIPC_T_INT || x->type == -KIPC_T_SHORT) && !q_is_atom(y))
	{
		int64_t		n = getJ(x, -1),
					c = q_count(y),
					m,
					s;
		K		   *iv,
				   *r;

		if (n == NJ)
			q_err("domain");
		m = (n < 0 ? -n : n) >= c ? 0 : c - (n < 0 ? -n : n);
		s = n >= 0 ? (n > c ? c : n) : 0;
		iv = mk(KIPC_T_LONG, m, false);
		for (k = 0; k < m; k++)
			((int64_t *) iv->v.items)[k] = s + k;
		if (y->type == KIPC_T_TABLE)
			r = q_table_rows(y, iv);
		else if (is_dict(y))
		{
			if (kipc_is_keyed_table(y))
				r = q_dict_new(q_table_rows(kipc_dict_keys(y), iv), q_table_rows(kipc_dict_values(y), iv));
			else
				r = q_dict_new(q_index(kipc_dict_keys(y), iv), q_index(kipc_dict_values(y), iv));
		}
		else
			r = gather(y, iv->v.items, m);
		kipc_unref(iv);
		return r;
	}
	if ((x->type == KIPC_T_LONG || x->type == KIPC_T_INT) && !q_is_atom(y))
		return cut_at(x, y);
	if (is_dict(x) && !kipc_is_keyed_table(x))
	{
		/* remove one key (a list of keys is 'type: KX drop.md) */
		if (!q_is_atom(y))
			q_err("type");
		K		   *ks = kipc_dict_keys(x);
		K		   *keep = filter_in(ks, y, false);
		K		   *p = find(ks, keep);
		K		   *r = q_dict_new(keep, q_index(kipc_dict_values(x), p));

		kipc_unref(p);
		return r;
	}
	if ((is_vec(x) || x->type == KIPC_T_LIST) && (y->type == -KIPC_T_LONG || y->type == -KIPC_T_INT || y->type == -KIPC_T_SHORT))
	{
		/* remove the item at index y */
		int64_t		i = getJ(y, -1),
					c = x->n,
					m = 0;
		int64_t    *I = xmalloc(sizeof(int64_t) * (c ? c : 1));
		K		   *r;

		for (k = 0; k < c; k++)
			if (k != i)
				I[m++] = k;
		r = gather(x, I, m);
		free(I);
		return r;
	}
	if ((x->type == KIPC_T_TABLE && (y->type == KIPC_T_SYMBOL || y->type == -KIPC_T_SYMBOL)) ||
		(y->type == KIPC_T_TABLE && x->type == -KIPC_T_SYMBOL))
		q_err("type");
	if (x->type == KIPC_T_TABLE || y->type == KIPC_T_TABLE)
		q_err("nyi");
	q_err("type");
}

K *
q_sublist(K *x, K *y)
{
	int64_t		c = q_count(y),
				s,
				m,
				k;
	K		   *iv,
			   *r;

	if (q_is_atom(y))
		q_err("type");
	if (x->type < 0 && intlike_t(-x->type))
	{
		int64_t		n = getJ(x, -1);

		if (n == NJ)
			q_err("domain");
		if (n >= 0)
		{
			s = 0;
			m = n < c ? n : c;
		}
		else
		{
			m = -n < c ? -n : c;
			s = c - m;
		}
	}
	else if (is_vec(x) && intlike_t(x->type) && x->n == 2)
	{
		s = getJ(x, 0);
		m = getJ(x, 1);
		if (s == NJ || m == NJ || s < 0 || m < 0)
			q_err("domain");
		if (s > c)
			s = c;
		if (m > c - s)
			m = c - s;
	}
	else
		q_err("type");
	iv = mk(KIPC_T_LONG, m, false);
	for (k = 0; k < m; k++)
		((int64_t *) iv->v.items)[k] = s + k;
	if (y->type == KIPC_T_TABLE)
		r = q_table_rows(y, iv);
	else if (is_dict(y))
	{
		if (kipc_is_keyed_table(y))
			r = q_dict_new(q_table_rows(kipc_dict_keys(y), iv), q_table_rows(kipc_dict_values(y), iv));
		else
			r = q_dict_new(q_index(kipc_dict_keys(y), iv), q_index(kipc_dict_values(y), iv));
	}
	else
		r = gather(y, iv->v.items, m);
	kipc_unref(iv);
	return r;
}

K *
q_index(K *x, K *i)
{
	if (q_is_function(x))
		return q_apply1(x, i);
	if (x->type == KIPC_T_TABLE)
		return q_table_index(x, i);
	if (is_dict(x))
		return q_dict_index(x, i);
	if (x->type == -KIPC_T_SYMBOL)
	{
		K		   *v = q_resolve_table(x);
		K		   *r = q_index(v, i);

		kipc_unref(v);
		return r;
	}
	if (q_is_atom(x))
		q_err("type");
	if (i->type == KIPC_T_UNARY && i->a.g == U_IDENTITY)
		return kipc_ref(x);
	if (i->type < 0 && (intlike_t(-i->type)))
	{
		int64_t		k = getJ(i, -1);

		if (k == NJ)
			k = -1;
		return q_item(x, k);
	}
	if (is_vec(i) && intlike_t(i->type))
	{
		int64_t    *f,
				   *I = index_array(i, &f);
		K		   *r = gather(x, I, i->n);

		free(f);
		return r;
	}
	if (i->type == KIPC_T_LIST || is_dict(i))
	{
		K		   *r;
		int64_t		k;

		if (is_dict(i))
			return q_dict_new(kipc_ref(kipc_dict_keys(i)), q_index(x, kipc_dict_values(i)));
		r = mklist(i->n);
		for (k = 0; k < i->n; k++)
			r->v.objs[k] = q_index(x, i->v.objs[k]);
		return q_collapse(r);
	}
	q_err("type");
}

/* x . y: apply / index at depth */
K *
dot_verb(K *x, K *y)
{
	int64_t		n = q_count(y),
				k;
	K		   *r;

	if (q_is_function(x))
	{
		K		  **av;

		if (q_is_atom(y) && !(y->type == KIPC_T_UNARY && y->a.g == U_IDENTITY))
			q_err("type");
		if (q_is_atom(y))
			return q_apply1(x, y);
		av = xmalloc(sizeof(K *) * (n ? n : 1));
		for (k = 0; k < n; k++)
			av[k] = q_item(y, k);
		r = q_apply(x, av, (int) n);
		for (k = 0; k < n; k++)
			kipc_unref(av[k]);
		free(av);
		return r;
	}
	if (q_is_atom(y))
		return q_index(x, y);
	r = kipc_ref(x);
	for (k = 0; k < n; k++)
	{
		K		   *ik = q_item(y, k);
		K		   *nr;

		if (k > 0 && !q_is_atom(ik) && !(r->type == KIPC_T_TABLE || is_dict(r)))
		{
			/* a list index below the top: index each item */
			q_err("nyi");
		}
		nr = q_index(r, ik);
		kipc_unref(ik);
		kipc_unref(r);
		r = nr;
	}
	return r;
}

K *
reverse(K *x)
{
	int64_t		n,
				k;
	int64_t    *I;
	K		   *r;

	if (q_is_atom(x))
		return kipc_ref(x);
	if (is_dict(x))
	{
		K		   *kk = reverse(kipc_dict_keys(x));

		return q_dict_new(kk, reverse(kipc_dict_values(x)));
	}
	n = q_count(x);
	I = xmalloc(sizeof(int64_t) * (n ? n : 1));
	for (k = 0; k < n; k++)
		I[k] = n - 1 - k;
	if (x->type == KIPC_T_TABLE)
	{
		K		   *iv = mk(KIPC_T_LONG, n, false);

		qmemcpy(iv->v.items, I, sizeof(int64_t) * n);
		r = q_table_rows(x, iv);
		kipc_unref(iv);
	}
	else
		r = gather(x, I, n);
	free(I);
	return r;
}

K *
first_last(K *x, bool last)
{
	int64_t		n;

	if (q_is_atom(x))
		return kipc_ref(x);
	if (is_dict(x))
	{
		if (kipc_is_keyed_table(x))
			return first_last(kipc_dict_values(x), last);
		return first_last(kipc_dict_values(x), last);
	}
	n = q_count(x);
	if (x->type == KIPC_T_TABLE)
	{
		if (n == 0)
			q_err("nyi");
		return q_item(x, last ? n - 1 : 0);
	}
	if (n == 0)
	{
		if (x->type == KIPC_T_LIST)
			return kipc_new_identity();
		return q_null_atom(x->type);
	}
	return q_item(x, last ? n - 1 : 0);
}
