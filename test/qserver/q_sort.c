/*-------------------------------------------------------------------------
 *
 * q_sort.c
 *		Sorting: iasc/idesc, asc/desc, rank and the stable merge sort
 *		the whole server uses (q_merge_sort).
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_sort.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Sorting
 * ----------------------------------------------------------------
 */

/*
 * Stable LSD radix sort of idx by 64-bit keys (keys permuted along).  The
 * keys are first rebased on their minimum, so only the bits that vary are
 * sorted: 11 bits per pass (2048 buckets stay in L1) up to 44 bits, else
 * four passes of 16 bits.
 */
static void
radix_sort(uint64_t *key, int64_t *idx, int64_t n)
{
	uint64_t   *k2,
				lo = UINT64_MAX,
				hi = 0,
				span;
	int64_t    *i2,
			   *cnt,
				j;
	int			bits = 0,
				shift,
				db;
	uint64_t	nb,
				mask;

	for (j = 0; j < n; j++)
	{
		if (key[j] < lo)
			lo = key[j];
		if (key[j] > hi)
			hi = key[j];
	}
	span = hi - lo;
	while (bits < 64 && (span >> bits) != 0)
		bits++;
	if (bits == 0)
		return;					/* all keys equal: already stable-sorted */
	for (j = 0; j < n; j++)
		key[j] -= lo;
	k2 = xmalloc(sizeof(uint64_t) * n);
	i2 = xmalloc(sizeof(int64_t) * n);
	db = bits <= 44 ? 11 : 16;
	nb = UINT64_C(1) << db;
	mask = nb - 1;
	cnt = xmalloc(sizeof(int64_t) * nb);
	for (shift = 0; shift < bits; shift += db)
	{
		int64_t		sum = 0;
		uint64_t	d;

		qmemset(cnt, 0, sizeof(int64_t) * nb);
		for (j = 0; j < n; j++)
			cnt[(key[j] >> shift) & mask]++;
		for (d = 0; d < nb; d++)
		{
			int64_t		c = cnt[d];

			cnt[d] = sum;
			sum += c;
		}
		for (j = 0; j < n; j++)
		{
			int64_t		p = cnt[(key[j] >> shift) & mask]++;

			k2[p] = key[j];
			i2[p] = idx[j];
		}
		qmemcpy(key, k2, sizeof(uint64_t) * n);
		qmemcpy(idx, i2, sizeof(int64_t) * n);
	}
	free(k2);
	free(i2);
	free(cnt);
}

/*
 * The one stable merge sort of the server: sorts idx[0..n) by cmp (ctx is
 * passed through), insertion-sorting runs of 16 and then merging bottom-up.
 * A pair of runs already in order (last of the left <= first of the right)
 * is copied without comparing, so sorted or nearly sorted input costs one
 * comparison per run.  Used by the verbs here and by q_table.c's
 * multi-column row sort.
 */
void
q_merge_sort(int64_t *idx, int64_t n, QIdxCmp cmp, const void *ctx)
{
	int64_t    *tmp;
	int64_t		w,
				i;

	if (n < 2)
		return;
	tmp = xmalloc(sizeof(int64_t) * n);
	for (i = 0; i < n; i += 16)
	{
		int64_t		e = i + 16 < n ? i + 16 : n,
					a;

		for (a = i + 1; a < e; a++)
		{
			int64_t		v = idx[a],
						b = a;

			while (b > i && cmp(ctx, idx[b - 1], v) > 0)
			{
				idx[b] = idx[b - 1];
				b--;
			}
			idx[b] = v;
		}
	}
	for (w = 16; w < n; w *= 2)
	{
		for (i = 0; i < n; i += 2 * w)
		{
			int64_t		m = i + w < n ? i + w : n,
						e = i + 2 * w < n ? i + 2 * w : n,
						a = i,
						b = m,
						o = i;

			if (m >= e || cmp(ctx, idx[m - 1], idx[m]) <= 0)
			{
				qmemcpy(tmp + i, idx + i, sizeof(int64_t) * (e - i));
				continue;
			}
			while (a < m && b < e)
				tmp[o++] = cmp(ctx, idx[b], idx[a]) < 0 ? idx[b++] : idx[a++];
			while (a < m)
				tmp[o++] = idx[a++];
			while (b < e)
				tmp[o++] = idx[b++];
		}
		qmemcpy(idx, tmp, sizeof(int64_t) * n);
		q_check_deadline();
	}
	free(tmp);
}

static int
key_cmp(const void *ctx, int64_t a, int64_t b)
{
	const uint64_t *key = ctx;

	return key[a] < key[b] ? -1 : key[a] > key[b];
}

static int
sym_cmp_idx(const void *ctx, int64_t a, int64_t b)
{
	const K    *x = ctx;

	return strcmp(x->v.syms[a], x->v.syms[b]);
}

static int
guid_cmp_idx(const void *ctx, int64_t a, int64_t b)
{
	const K    *x = ctx;

	return memcmp(kipc_get_guid(x, a), kipc_get_guid(x, b), 16);
}

static int
list_cmp_idx(const void *ctx, int64_t a, int64_t b)
{
	const K    *x = ctx;

	return obj_cmp(x->v.objs[a], x->v.objs[b]);
}

/* order of two q values for sorting general lists */
int
obj_cmp(const K *a, const K *b)
{
	int64_t		k,
				n;

	if (is_simple(a) && is_simple(b) && a->type < 0 && b->type < 0)
	{
		int			ta = -a->type,
					tb = -b->type;

		/* a mixed list sorts by type first (KX asc.md "Mixed list") */
		if (ta != tb)
			return ta < tb ? -1 : 1;
		if (ta == 11)
			return strcmp(a->a.s, b->a.s);
		{
			if (ta == 8 || ta == 9 || ta == 15 || tb == 8 || tb == 9 || tb == 15)
			{
				double		x = getF(a, -1),
							y = getF(b, -1);

				if (isnan(x) || isnan(y))
					return isnan(x) ? (isnan(y) ? 0 : -1) : 1;
				return x < y ? -1 : x > y;
			}
			if (ta == 2)
				return memcmp(a->a.guid, b->a.guid, 16);
			{
				int64_t		x = getJ(a, -1),
							y = getJ(b, -1);

				return x < y ? -1 : x > y;
			}
		}
	}
	if ((is_vec(a) || a->type == KIPC_T_LIST) && (is_vec(b) || b->type == KIPC_T_LIST) && a->type == b->type)
	{
		/* lexicographic, shorter first on a tie */
		n = a->n < b->n ? a->n : b->n;
		for (k = 0; k < n; k++)
		{
			K		   *x = q_item(a, k),
					   *y = q_item(b, k);
			int			c = obj_cmp(x, y);

			kipc_unref(x);
			kipc_unref(y);
			if (c)
				return c;
		}
		return a->n < b->n ? -1 : a->n > b->n;
	}
	q_err("nyi");
}

/* order-preserving unsigned keys of a simple vector */
static uint64_t *
sort_keys(const K *x, bool desc)
{
	int64_t		n = x->n,
				k;
	uint64_t   *key = xmalloc(sizeof(uint64_t) * (n ? n : 1));
	int			t = x->type;

	if (t == KIPC_T_REAL || t == KIPC_T_FLOAT || t == KIPC_T_DATETIME)
	{
		for (k = 0; k < n; k++)
		{
			double		f = getF(x, k);
			uint64_t	b;

			if (isnan(f))
				b = 0;
			else
			{
				if (f == 0)
					f = 0;
				qmemcpy(&b, &f, 8);
				b = (b >> 63) ? ~b : (b | (UINT64_C(1) << 63));
			}
			key[k] = b;
		}
	}
	else
	{
		int64_t    *f,
				   *X = load_j(x, 1, &f);

		for (k = 0; k < n; k++)
			key[k] = (uint64_t) X[k] ^ (UINT64_C(1) << 63);
		free(f);
	}
	if (desc)
		for (k = 0; k < n; k++)
			key[k] = ~key[k];
	return key;
}

K *
q_iasc(K *x, bool desc)
{
	int64_t		n,
				k;
	K		   *r;
	int64_t    *I;

	if (is_dict(x))
	{
		K		   *p = q_iasc(kipc_dict_values(x), desc);
		K		   *res = q_index(kipc_dict_keys(x), p);

		kipc_unref(p);
		return res;
	}
	if (q_is_atom(x))
		q_err("rank");
	if (x->type == KIPC_T_TABLE)
		q_err("nyi");
	n = x->n;
	r = q_til(n);
	I = r->v.items;
	if (n < 2)
		return r;
	if (x->type == KIPC_T_SYMBOL && n >= 2048)
	{
		/*
		 * many symbols: sort the distinct ones, then radix-sort the rows by
		 * the rank of their symbol
		 */
		K		   *di = distinct_idx(x);
		int64_t    *D = di->v.items,
					nd = di->n;
		int64_t    *order = xmalloc(sizeof(int64_t) * (nd ? nd : 1));
		uint64_t   *key = xmalloc(sizeof(uint64_t) * n);
		HSet		h;

		for (k = 0; k < nd; k++)
			order[k] = D[k];
		q_merge_sort(order, nd, sym_cmp_idx, x);
		/* rank of each distinct symbol, found through a set over x */
		hs_init(&h, x, nd);
		{
			int64_t    *rank_of = xmalloc(sizeof(int64_t) * n);

			for (k = 0; k < nd; k++)
			{
				hs_add(&h, order[k], item_hash(x, order[k]));
				rank_of[order[k]] = k;
			}
			for (k = 0; k < n; k++)
			{
				int64_t		p = hs_find(&h, x, k, item_hash(x, k));
				uint64_t	rk = (uint64_t) rank_of[p];

				key[k] = desc ? ~rk : rk;
			}
			free(rank_of);
		}
		hs_free(&h);
		radix_sort(key, I, n);
		free(key);
		free(order);
		kipc_unref(di);
		return r;
	}
	if (x->type == KIPC_T_SYMBOL || x->type == KIPC_T_GUID || x->type == KIPC_T_LIST)
	{
		QIdxCmp		c = x->type == KIPC_T_SYMBOL ? sym_cmp_idx :
			x->type == KIPC_T_GUID ? guid_cmp_idx : list_cmp_idx;

		if (!desc)
			q_merge_sort(I, n, c, x);
		else
		{
			/* stable descending: sort ascending from the back, reverse */
			for (k = 0; k < n; k++)
				I[k] = n - 1 - k;
			q_merge_sort(I, n, c, x);
			for (k = 0; k < n / 2; k++)
			{
				int64_t		t = I[k];

				I[k] = I[n - 1 - k];
				I[n - 1 - k] = t;
			}
		}
		return r;
	}
	if (x->attr == KIPC_ATTR_SORTED && !desc)
		return r;
	{
		uint64_t   *key = sort_keys(x, desc);

		if (n < 2048)
			q_merge_sort(I, n, key_cmp, key);
		else
			radix_sort(key, I, n);
		free(key);
	}
	return r;
}

K *
sort_values(K *x, bool desc)
{
	K		   *p,
			   *r;

	if (q_is_atom(x))
		q_err("rank");
	if (x->type == KIPC_T_TABLE)
	{
		/* sorted by its first column only, stably (KX asc.md, desc.md) */
		K		   *names = kipc_dict_keys(x->v.objs[0]);
		K		   *first,
				   *r;

		if (names->n == 0)
			return kipc_ref(x);
		first = vec_item(names, 0);
		r = q_xasc(first, x, desc);
		kipc_unref(first);
		if (r->type == KIPC_T_TABLE && names->n > 1)
		{
			/* asc of a wider table sets `p#, desc no attribute (KX asc.md) */
			K		   *c0 = kipc_dict_values(r->v.objs[0])->v.objs[0];

			if (c0->refcount == 1 && is_vec(c0))
				c0->attr = desc ? KIPC_ATTR_NONE : KIPC_ATTR_PARTED;
		}
		else if (r->type == KIPC_T_TABLE && desc)
		{
			K		   *c0 = kipc_dict_values(r->v.objs[0])->v.objs[0];

			if (c0->refcount == 1 && is_vec(c0))
				c0->attr = KIPC_ATTR_NONE;
		}
		return r;
	}
	if (is_dict(x))
	{
		p = q_iasc(kipc_dict_values(x), desc);
		r = q_dict_new(q_index(kipc_dict_keys(x), p), q_index(kipc_dict_values(x), p));
		kipc_unref(p);
		return r;
	}
	if (x->attr == KIPC_ATTR_SORTED && !desc)
		return kipc_ref(x);
	p = q_iasc(x, desc);
	r = q_index(x, p);
	kipc_unref(p);
	if (!desc && is_vec(r))
		r->attr = KIPC_ATTR_SORTED;
	return r;
}
