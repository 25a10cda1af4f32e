/*-------------------------------------------------------------------------
 *
 * q_search.c
 *		Gathering items by index; hashing for distinct, find, in and group; match.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_search.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Gathering items by index
 * ----------------------------------------------------------------
 */

/* x[I] for simple vector or general list x; out-of-range -> null */
K *
gather(const K *x, const int64_t *I, int64_t n)
{
	int64_t		k,
				cnt = x->n;
	int			t = x->type;
	K		   *r;

	if (t == KIPC_T_LIST)
	{
		r = mklist(n);
		for (k = 0; k < n; k++)
			r->v.objs[k] = (I[k] >= 0 && I[k] < cnt) ? kipc_ref(x->v.objs[I[k]]) : proto_of(x);
		return q_collapse(r);
	}
	r = mk(t, n, false);
	if (t == KIPC_T_SYMBOL)
	{
		for (k = 0; k < n; k++)
			if (I[k] >= 0 && I[k] < cnt)
				set_sym_from(r, k, x, I[k]);
		return r;
	}
	switch (kipc_type_size(t))
	{
		case 1:
			{
				const uint8_t *s = x->v.items;
				uint8_t    *d = r->v.items;
				uint8_t		nul = t == KIPC_T_CHAR ? ' ' : 0;

				for (k = 0; k < n; k++)
					d[k] = (I[k] >= 0 && I[k] < cnt) ? s[I[k]] : nul;
				break;
			}
		case 2:
			for (k = 0; k < n; k++)
				kipc_set_h(r, k, (I[k] >= 0 && I[k] < cnt) ? kipc_get_h(x, I[k]) : NH);
			break;
		case 4:
			if (t == KIPC_T_REAL)
				for (k = 0; k < n; k++)
					kipc_set_e(r, k, (I[k] >= 0 && I[k] < cnt) ? kipc_get_e(x, I[k]) : NAN);
			else
			{
				int32_t    *d = r->v.items;

				for (k = 0; k < n; k++)
					d[k] = (I[k] >= 0 && I[k] < cnt) ? kipc_get_i(x, I[k]) : NI;
			}
			break;
		case 8:
			if (t == KIPC_T_FLOAT || t == KIPC_T_DATETIME)
				for (k = 0; k < n; k++)
					kipc_set_f(r, k, (I[k] >= 0 && I[k] < cnt) ? kipc_get_f(x, I[k]) : NAN);
			else
			{
				int64_t    *d = r->v.items;

				for (k = 0; k < n; k++)
					d[k] = (I[k] >= 0 && I[k] < cnt) ? kipc_get_j(x, I[k]) : NJ;
			}
			break;
		case 16:
			for (k = 0; k < n; k++)
				if (I[k] >= 0 && I[k] < cnt)
					qmemcpy((uint8_t *) r->v.items + 16 * k, kipc_get_guid(x, I[k]), 16);
			break;
	}
	return r;
}

/* index vector (any int-like vector) as an int64 array, nulls -> -1 */
int64_t *
index_array(const K *i, int64_t **tofree)
{
	int64_t    *I,
				k;

	if (!intlike_t(absT(i)) || i->type == KIPC_T_BOOLEAN)
	{
		if (i->type != KIPC_T_BOOLEAN)
			q_err("type");
	}
	I = load_j(i, 1, tofree);
	if (I[0] == NJ || 1)
	{
		/* nulls index nothing: give them an out-of-range position */
		bool		has_null = false;
		int64_t		n = i->type < 0 ? 1 : i->n;

		for (k = 0; k < n; k++)
			if (I[k] == NJ)
			{
				has_null = true;
				break;
			}
		if (has_null)
		{
			if (!*tofree)
			{
				int64_t    *c = xmalloc(sizeof(int64_t) * n);

				qmemcpy(c, I, sizeof(int64_t) * n);
				*tofree = I = c;
			}
			for (k = 0; k < n; k++)
				if (I[k] == NJ)
					I[k] = -1;
		}
	}
	return I;
}

/* ----------------------------------------------------------------
 * Hashing items (distinct, find, in, group)
 * ----------------------------------------------------------------
 */
static inline uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t
hash_bytes(const void *p, size_t n)
{
	const uint8_t *s = p;
	uint64_t	h = 1469598103934665603ULL;
	size_t		i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h;
}

static uint64_t obj_hash(const K *o);

/* hash of item k of x (k < 0: atom); equal values of the same type hash
 * alike whether they sit in a vector or an atom */
uint64_t
item_hash(const K *x, int64_t k)
{
	int			t;

	if (x->type == KIPC_T_LIST)
		return obj_hash(x->v.objs[k]);
	t = absT(x);
	switch (t)
	{
		case KIPC_T_SYMBOL:
			return hash_bytes(k < 0 ? x->a.s : x->v.syms[k], strlen(k < 0 ? x->a.s : x->v.syms[k])) ^ 11;
		case KIPC_T_GUID:
			return hash_bytes(k < 0 ? x->a.guid : kipc_get_guid(x, k), 16) ^ 2;
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			{
				double		f = getF(x, k);
				uint64_t	b;

				if (isnan(f))
					return mix64(0x7ff8 + t);
				if (f == 0)
					f = 0;		/* -0.0 */
				qmemcpy(&b, &f, 8);
				return mix64(b + t);
			}
		default:
			return mix64((uint64_t) getJ(x, k) + (uint64_t) t * 0x9e3779b97f4a7c15ULL);
	}
}

static uint64_t
obj_hash(const K *o)
{
	uint64_t	h;
	int64_t		k;

	if (is_simple(o) && o->type < 0)
		return item_hash(o, -1);
	h = mix64((uint64_t) (o->type + 1000) * 31 + (uint64_t) o->n);
	if (is_vec(o) || o->type == KIPC_T_LIST)
		for (k = 0; k < o->n; k++)
			h = mix64(h ^ item_hash(o, k));
	else if (o->type == KIPC_T_TABLE || is_dict(o))
		for (k = 0; k < (o->type == KIPC_T_TABLE ? 1 : 2); k++)
			h = mix64(h ^ obj_hash(o->v.objs[k]));
	return h;
}

/* item i of x equals item j of y (exact; nulls equal) */
static bool
item_eq(const K *x, int64_t i, const K *y, int64_t j)
{
	int			t;

	if (x->type == KIPC_T_LIST || y->type == KIPC_T_LIST)
	{
		K		   *a = x->type == KIPC_T_LIST ? kipc_ref(x->v.objs[i]) : (i < 0 ? kipc_ref((K *) x) : vec_item(x, i));
		K		   *b = y->type == KIPC_T_LIST ? kipc_ref(y->v.objs[j]) : (j < 0 ? kipc_ref((K *) y) : vec_item(y, j));
		bool		r = q_match(a, b);

		kipc_unref(a);
		kipc_unref(b);
		return r;
	}
	t = absT(x);
	if (t != absT(y))
		return false;
	switch (t)
	{
		case KIPC_T_SYMBOL:
			return strcmp(i < 0 ? x->a.s : x->v.syms[i], j < 0 ? y->a.s : y->v.syms[j]) == 0;
		case KIPC_T_GUID:
			return memcmp(i < 0 ? x->a.guid : kipc_get_guid(x, i),
						  j < 0 ? y->a.guid : kipc_get_guid(y, j), 16) == 0;
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			{
				double		a = getF(x, i),
							b = getF(y, j);

				return (isnan(a) && isnan(b)) || a == b;
			}
		default:
			return getJ(x, i) == getJ(y, j);
	}
}

void
hs_init(HSet *h, const K *x, int64_t expect)
{
	uint64_t	cap = 16;

	while (cap < (uint64_t) expect * 2)
		cap <<= 1;
	h->x = x;
	h->mask = cap - 1;
	h->slot = xmalloc(sizeof(int64_t) * cap);
	qmemset(h->slot, 0xff, sizeof(int64_t) * cap);
}

void
hs_free(HSet *h)
{
	free(h->slot);
}

/* index in h->x of an item equal to item j of y, or -1 */
int64_t
hs_find(const HSet *h, const K *y, int64_t j, uint64_t hv)
{
	uint64_t	p = hv & h->mask;

	while (h->slot[p] >= 0)
	{
		if (item_eq(h->x, h->slot[p], y, j))
			return h->slot[p];
		p = (p + 1) & h->mask;
	}
	return -1;
}

/* add item i of h->x unless an equal one is there; returns the index
 * of the item kept */
int64_t
hs_add(HSet *h, int64_t i, uint64_t hv)
{
	uint64_t	p = hv & h->mask;

	while (h->slot[p] >= 0)
	{
		if (item_eq(h->x, h->slot[p], h->x, i))
			return h->slot[p];
		p = (p + 1) & h->mask;
	}
	h->slot[p] = i;
	return i;
}

/* indexes of the first occurrences of the distinct items of list x */
K *
distinct_idx(const K *x)
{
	int64_t		n = x->n,
				k,
				m = 0;
	HSet		h;
	K		   *r = mk(KIPC_T_LONG, n, false);
	int64_t    *R = r->v.items;

	hs_init(&h, x, n);
	for (k = 0; k < n; k++)
		if (hs_add(&h, k, item_hash(x, k)) == k)
			R[m++] = k;
	hs_free(&h);
	kipc_resize(r, m);
	return r;
}

K *
distinct(K *x)
{
	K		   *ix,
			   *r;

	if (x->type == KIPC_T_TABLE)
	{
		K		   *d = x->v.objs[0];
		K		   *cols = kipc_dict_values(d);
		int64_t		ng;
		K		   *first;
		K		   *g = q_group_ids(cols->v.objs, (int) cols->n, kipc_table_nrows(x), &ng, &first);

		kipc_unref(g);
		r = q_table_rows(x, first);
		kipc_unref(first);
		return r;
	}
	if (is_dict(x))
		return distinct(kipc_dict_values(x));
	if (q_is_atom(x))
		q_err("type");
	if (x->attr == KIPC_ATTR_UNIQUE)
		return kipc_ref(x);
	ix = distinct_idx(x);
	r = gather(x, ix->v.items, ix->n);
	kipc_unref(ix);
	if (is_vec(r) && x->attr == KIPC_ATTR_SORTED)
		r->attr = KIPC_ATTR_SORTED;
	return r;
}

/* position in list x of each item of y (ylist) or of y itself */
K *
find(K *x, K *y)
{
	int64_t		n,
				k;

	if (is_dict(x))
	{
		K		   *p = find(kipc_dict_values(x), y);
		K		   *r = q_index(kipc_dict_keys(x), p);

		kipc_unref(p);
		return r;
	}
	if (q_is_atom(x) || x->type == KIPC_T_TABLE)
		q_err(x->type == KIPC_T_TABLE ? "nyi" : "type");
	n = x->n;
	if (x->type == KIPC_T_LIST)
	{
		/*
		 * a general list x: an atom or simple list y is matched whole; the
		 * items of a mixed list y are looked up one by one (KX find.md)
		 */
		if (y->type != KIPC_T_LIST)
		{
			for (k = 0; k < n; k++)
				if (q_match(x->v.objs[k], y))
					return kipc_new_long(k);
			return kipc_new_long(n);
		}
		{
			int64_t		m = q_count(y),
						j;
			K		   *r = mklist(m);

			for (j = 0; j < m; j++)
			{
				K		   *yi = q_item(y, j);

				r->v.objs[j] = find(x, yi);
				kipc_unref(yi);
			}
			return q_collapse(r);
		}
	}
	if (!is_simple(y))
	{
		/* vector x, list y: item by item */
		int64_t		m = q_count(y),
					j;
		K		   *r;

		if (y->type != KIPC_T_LIST)
			q_err("type");
		r = mklist(m);
		for (j = 0; j < m; j++)
			r->v.objs[j] = find(x, y->v.objs[j]);
		return q_collapse(r);
	}
	if (absT(x) != absT(y))
		q_err("type");
	if (y->type < 0)
	{
		for (k = 0; k < n; k++)
			if (item_eq(x, k, y, -1))
				return kipc_new_long(k);
		return kipc_new_long(n);
	}
	{
		int64_t		m = y->n,
					j;
		K		   *r = mk(KIPC_T_LONG, m, false);
		int64_t    *R = r->v.items;

		if (n <= 8)
		{
			for (j = 0; j < m; j++)
			{
				R[j] = n;
				for (k = 0; k < n; k++)
					if (item_eq(x, k, y, j))
					{
						R[j] = k;
						break;
					}
			}
		}
		else
		{
			HSet		h;

			hs_init(&h, x, n);
			for (k = 0; k < n; k++)
				hs_add(&h, k, item_hash(x, k));
			for (j = 0; j < m; j++)
			{
				int64_t		p = hs_find(&h, y, j, item_hash(y, j));

				R[j] = p < 0 ? n : p;
			}
			hs_free(&h);
		}
		return r;
	}
}

/*
 * x in y for a vector x and a vector y of its type, straight into a
 * boolean vector (the general route, find then <, builds a long vector of
 * positions first).  Symbols and the integer and temporal types only: the
 * same exact item equality as find's (nulls equal each other).  A short y
 * is scanned; a longer one is put in a hash set of its items.  NULL for
 * other types.
 */
static K *
in_vector(K *x, K *y)
{
	int			t = x->type;
	int64_t		n = x->n,
				m = y->n,
				k,
				j;
	K		   *r;
	uint8_t    *R;

	if (t != y->type || (t != KIPC_T_SYMBOL && !j64_t(t) && !i32_t(t) && t != KIPC_T_SHORT &&
						 t != KIPC_T_BOOLEAN && t != KIPC_T_BYTE && t != KIPC_T_CHAR))
		return NULL;
	r = mk(KIPC_T_BOOLEAN, n, false);
	R = r->v.items;
	if (t == KIPC_T_SYMBOL && m <= 8 && q_sym_interned(x) && q_sym_interned(y))
	{
		/* interned symbols (q_sym.c): equal exactly when the pointers are */
		for (k = 0; k < n; k++)
		{
			const char *s = x->v.syms[k];
			uint8_t		hit = 0;

			for (j = 0; j < m; j++)
				hit |= s == y->v.syms[j];
			R[k] = hit;
		}
		return r;
	}
	if (t == KIPC_T_SYMBOL)
	{
		uint64_t	W[8];
		bool		packed = m <= 8;

		/* a symbol of fewer than 8 bytes packed into a word (zero padded;
		 * no symbol holds a NUL byte) compares as that word */
		for (j = 0; j < m && packed; j++)
		{
			const char *u = y->v.syms[j];
			int			i;

			W[j] = 0;
			for (i = 0; i < 8 && u[i]; i++)
				W[j] |= (uint64_t) (uint8_t) u[i] << (8 * i);
			packed = i < 8;
		}
		if (packed)
		{
			for (k = 0; k < n; k++)
			{
				const char *s = x->v.syms[k];
				uint64_t	w = 0;
				uint8_t		hit = 0;
				int			i;

				for (i = 0; i < 8 && s[i]; i++)
					w |= (uint64_t) (uint8_t) s[i] << (8 * i);
				if (i < 8)
					for (j = 0; j < m; j++)
						hit |= W[j] == w;
				R[k] = hit;
			}
		}
		else if (m <= 8)
		{
			for (k = 0; k < n; k++)
			{
				const char *s = x->v.syms[k];

				R[k] = 0;
				for (j = 0; j < m; j++)
				{
					const char *u = y->v.syms[j];

					if (s == u || (s[0] == u[0] && strcmp(s, u) == 0))
					{
						R[k] = 1;
						break;
					}
				}
			}
		}
		else
		{
			HSet		h;

			hs_init(&h, y, m);
			for (j = 0; j < m; j++)
				hs_add(&h, j, item_hash(y, j));
			for (k = 0; k < n; k++)
				R[k] = hs_find(&h, x, k, item_hash(x, k)) >= 0;
			hs_free(&h);
		}
		return r;
	}
	{
		int64_t    *fx,
				   *fy,
				   *X = load_j(x, 1, &fx),
				   *Y = load_j(y, 1, &fy);

		if (m <= 8)
		{
			for (k = 0; k < n; k++)
			{
				int64_t		v = X[k];
				uint8_t		hit = 0;

				for (j = 0; j < m; j++)
					hit |= Y[j] == v;
				R[k] = hit;
			}
		}
		else
		{
			int64_t		lo = Y[0],
						hi = Y[0];

			for (j = 1; j < m; j++)
			{
				lo = Y[j] < lo ? Y[j] : lo;
				hi = Y[j] > hi ? Y[j] : hi;
			}
			if ((uint64_t) hi - (uint64_t) lo < (uint64_t) m * 64 + 4096)
			{
				/* y's values span a short range: a map of it */
				uint64_t	span = (uint64_t) hi - (uint64_t) lo + 1;
				uint8_t    *B = xmalloc(span);

				memset(B, 0, span);
				for (j = 0; j < m; j++)
					B[(uint64_t) Y[j] - (uint64_t) lo] = 1;
				for (k = 0; k < n; k++)
				{
					uint64_t	d = (uint64_t) X[k] - (uint64_t) lo;

					R[k] = d < span ? B[d] : 0;
				}
				free(B);
				free(fx);
				free(fy);
				return r;
			}
		}
		if (m > 8)
		{
			/* open addressing over y's values, U marking used slots */
			uint64_t	cap = 16,
						mask;
			int64_t    *S;
			uint8_t    *U;

			while (cap < (uint64_t) m * 2)
				cap <<= 1;
			mask = cap - 1;
			S = xmalloc(sizeof(int64_t) * cap);
			U = xmalloc(cap);
			memset(U, 0, cap);
			for (j = 0; j < m; j++)
			{
				uint64_t	p = mix64((uint64_t) Y[j]) & mask;

				while (U[p] && S[p] != Y[j])
					p = (p + 1) & mask;
				S[p] = Y[j];
				U[p] = 1;
			}
			for (k = 0; k < n; k++)
			{
				int64_t		v = X[k];
				uint64_t	p = mix64((uint64_t) v) & mask;

				while (U[p] && S[p] != v)
					p = (p + 1) & mask;
				R[k] = U[p];
			}
			free(U);
			free(S);
		}
		free(fx);
		free(fy);
	}
	return r;
}

/* x in y */
K *
in(K *x, K *y)
{
	if (x->type == KIPC_T_LIST && (is_simple(y) || is_dict(y)))
	{
		/* left-atomic */
		K		   *r = mklist(x->n);
		int64_t		k;

		for (k = 0; k < x->n; k++)
			r->v.objs[k] = in(x->v.objs[k], y);
		return q_collapse(r);
	}
	if (is_simple(y))
	{
		K		   *p,
				   *r,
				   *c;

		if (!is_simple(x))
			q_err("type");
		if (absT(x) != absT(y))
		{
			/* an atom or 1-item y compares with = (KX in.md) */
			if (y->type < 0 || y->n == 1)
			{
				K		   *yy = y->type < 0 ? kipc_ref(y) : vec_item(y, 0);

				r = q_binary(B_EQ, x, yy);
				kipc_unref(yy);
				return r;
			}
			q_err("type");
		}
		if (y->type < 0)
			return q_binary(B_EQ, x, y);
		if (x->type > 0 && (r = in_vector(x, y)) != NULL)
			return r;
		p = find(y, x);
		c = kipc_new_long(y->n);
		r = q_binary(B_LT, p, c);
		kipc_unref(p);
		kipc_unref(c);
		return r;
	}
	if (y->type == KIPC_T_LIST)
	{
		int64_t		k;
		bool		all_atoms = true,
					no_atoms = true;

		for (k = 0; k < y->n; k++)
		{
			if (q_is_atom(y->v.objs[k]))
				no_atoms = false;
			else
				all_atoms = false;
		}
		/* KX in.md: mixed-rank cases are "not intuitive": refuse them */
		if (!((q_is_atom(x) && all_atoms) || (!q_is_atom(x) && no_atoms)))
			q_err("nyi");
		for (k = 0; k < y->n; k++)
			if (q_match(y->v.objs[k], x))
				return kipc_new_bool(true);
		return kipc_new_bool(false);
	}
	q_err("nyi");
}

K *
q_where(K *x)
{
	int64_t		n,
				k,
				m = 0;
	K		   *r;
	int64_t    *R;

	if (is_dict(x))
	{
		K		   *w = q_where(kipc_dict_values(x));
		K		   *res = q_index(kipc_dict_keys(x), w);

		kipc_unref(w);
		return res;
	}
	if (x->type == -KIPC_T_BOOLEAN)
	{
		r = mk(KIPC_T_LONG, x->a.g ? 1 : 0, false);
		return r;
	}
	if (x->type == KIPC_T_BOOLEAN)
	{
		const uint8_t *g = x->v.items;

		n = x->n;
		for (k = 0; k < n; k++)
			m += g[k] != 0;
		r = mk(KIPC_T_LONG, m, false);
		R = r->v.items;
		m = 0;
		for (k = 0; k < n; k++)
			if (g[k])
				R[m++] = k;
		return r;
	}
	if (is_vec(x) && intlike_t(x->type))
	{
		int64_t    *f,
				   *X = load_j(x, 1, &f);

		n = x->n;
		for (k = 0; k < n; k++)
		{
			if (X[k] < 0)
				q_err("domain");
			m += X[k];
		}
		r = mk(KIPC_T_LONG, m, false);
		R = r->v.items;
		m = 0;
		for (k = 0; k < n; k++)
		{
			int64_t		c;

			for (c = 0; c < X[k]; c++)
				R[m++] = k;
		}
		free(f);
		return r;
	}
	if (x->type < 0 && intlike_t(-x->type))
	{
		K		   *e = q_enlist(x);

		r = q_where(e);
		kipc_unref(e);
		return r;
	}
	if (x->type == KIPC_T_LIST && x->n == 0)
		return mk(KIPC_T_LONG, 0, false);
	q_err("type");
}

/* x except y, x inter y (keep x's order and duplicates) */
K *
filter_in(K *x, K *y, bool keep_in)
{
	K		   *m,
			   *w,
			   *r;

	if (q_is_atom(x))
		q_err("type");
	if (is_simple(x) && is_simple(y) && absT(x) != absT(y))
	{
		/* different types: nothing is common */
		if (keep_in)
			return q_empty_of(x->type);
		return kipc_ref(x);
	}
	if (x->type == KIPC_T_LIST || !is_simple(y))
	{
		/* item by item: an item of x is in y if it matches an item of y */
		K		   *yy = q_is_atom(y) ? q_enlist(y) : kipc_ref(y);
		int64_t		k,
					j,
					ny = q_count(yy);

		m = mk(KIPC_T_BOOLEAN, x->n, false);
		for (k = 0; k < x->n; k++)
		{
			K		   *xi = q_item(x, k);
			bool		found = false;

			for (j = 0; j < ny && !found; j++)
			{
				K		   *yj = q_item(yy, j);

				found = q_match(xi, yj);
				kipc_unref(yj);
			}
			((uint8_t *) m->v.items)[k] = found;
			kipc_unref(xi);
		}
		kipc_unref(yy);
	}
	else
	{
		K		   *yy = q_is_atom(y) ? q_enlist(y) : kipc_ref(y);

		m = in(x, yy);
		kipc_unref(yy);
	}
	if (!keep_in)
	{
		K		   *nm = q_unary(U_NOT, m);

		kipc_unref(m);
		m = nm;
	}
	w = q_where(m);
	r = q_index(x, w);
	kipc_unref(m);
	kipc_unref(w);
	return r;
}

K *
union_(K *x, K *y)
{
	K		   *j = q_join(x, y);
	K		   *r = distinct(j);

	kipc_unref(j);
	return r;
}

/* group: dict distinct item -> indexes */
K *
group(K *x)
{
	int64_t		n,
				k,
				ng = 0;
	HSet		h;
	int64_t    *gid,
			   *cnt,
			   *first;
	K		   *keys,
			   *vals,
				*fi;

	if (q_is_atom(x) || x->type == KIPC_T_TABLE || is_dict(x))
		q_err("nyi");
	n = x->n;
	gid = xmalloc(sizeof(int64_t) * (n ? n : 1));
	first = xmalloc(sizeof(int64_t) * (n ? n : 1));
	hs_init(&h, x, n);
	for (k = 0; k < n; k++)
	{
		int64_t		p = hs_add(&h, k, item_hash(x, k));

		if (p == k)
		{
			first[ng] = k;
			gid[k] = ng++;
		}
		else
			gid[k] = gid[p];
	}
	hs_free(&h);
	cnt = calloc(ng ? ng : 1, sizeof(int64_t));
	for (k = 0; k < n; k++)
		cnt[gid[k]]++;
	vals = mklist(ng);
	for (k = 0; k < ng; k++)
	{
		vals->v.objs[k] = mk(KIPC_T_LONG, cnt[k], false);
		cnt[k] = 0;
	}
	for (k = 0; k < n; k++)
	{
		K		   *v = vals->v.objs[gid[k]];

		((int64_t *) v->v.items)[cnt[gid[k]]++] = k;
	}
	fi = mk(KIPC_T_LONG, ng, false);
	qmemcpy(fi->v.items, first, sizeof(int64_t) * ng);
	keys = gather(x, fi->v.items, ng);
	kipc_unref(fi);
	free(gid);
	free(first);
	free(cnt);
	return q_dict_new(keys, vals);
}

/* group ids of rows over several columns (q_table.c's by) */
typedef struct RowSet
{
	K		  **cols;
	int			ncols;
} RowSet;

static bool
row_eq(const RowSet *rs, int64_t a, int64_t b)
{
	int			c;

	for (c = 0; c < rs->ncols; c++)
		if (!item_eq(rs->cols[c], a, rs->cols[c], b))
			return false;
	return true;
}

K *
q_group_ids(K **cols, int ncols, int64_t n, int64_t *ngroups, K **firstp)
{
	K		   *g = mk(KIPC_T_LONG, n, false);
	int64_t    *G = g->v.items;
	int64_t    *first = xmalloc(sizeof(int64_t) * (n ? n : 1));
	uint64_t	cap = 16,
				mask;
	int64_t    *slot;
	int64_t		k,
				ng = 0;
	RowSet		rs;
	int			c;
	K		   *f;

	for (c = 0; c < ncols; c++)
		if (q_is_atom(cols[c]) || q_count(cols[c]) != n)
			q_err("length");
	rs.cols = cols;
	rs.ncols = ncols;
	while (cap < (uint64_t) n * 2)
		cap <<= 1;
	mask = cap - 1;
	slot = xmalloc(sizeof(int64_t) * cap);
	qmemset(slot, 0xff, sizeof(int64_t) * cap);
	for (k = 0; k < n; k++)
	{
		uint64_t	h = 0x12345;
		uint64_t	p;

		for (c = 0; c < ncols; c++)
			h = mix64(h ^ item_hash(cols[c], k));
		p = h & mask;
		for (;;)
		{
			int64_t		s = slot[p];

			if (s < 0)
			{
				slot[p] = ng;
				first[ng] = k;
				G[k] = ng++;
				break;
			}
			if (row_eq(&rs, first[s], k))
			{
				G[k] = s;
				break;
			}
			p = (p + 1) & mask;
		}
	}
	free(slot);
	f = mk(KIPC_T_LONG, ng, false);
	qmemcpy(f->v.items, first, sizeof(int64_t) * ng);
	free(first);
	*ngroups = ng;
	if (firstp)
		*firstp = f;
	else
		kipc_unref(f);
	return g;
}

/* ----------------------------------------------------------------
 * Match
 * ----------------------------------------------------------------
 */
bool
q_match(K *x, K *y)
{
	int64_t		k;

	if (x == y)
		return true;
	if (x->type != y->type)
		return false;
	if (x->type == KIPC_T_LIST)
	{
		if (x->n != y->n)
			return false;
		for (k = 0; k < x->n; k++)
			if (!q_match(x->v.objs[k], y->v.objs[k]))
				return false;
		return true;
	}
	if (is_dict(x) || x->type == KIPC_T_TABLE)
	{
		for (k = 0; k < (x->type == KIPC_T_TABLE ? 1 : 2); k++)
			if (!q_match(x->v.objs[k], y->v.objs[k]))
				return false;
		return true;
	}
	/* floats match tolerantly, like = (KX precision.md "Use") */
	if (absT(x) == KIPC_T_REAL || absT(x) == KIPC_T_FLOAT || absT(x) == KIPC_T_DATETIME)
	{
		int64_t		n = x->type < 0 ? 1 : x->n;

		if (x->type > 0 && x->n != y->n)
			return false;
		for (k = 0; k < n; k++)
			if (fcmp(getF(x, x->type < 0 ? -1 : k), getF(y, y->type < 0 ? -1 : k)) != 0)
				return false;
		return true;
	}
	/* kipc_equal: same type, same values, attributes ignored */
	return kipc_equal(x, y);
}
