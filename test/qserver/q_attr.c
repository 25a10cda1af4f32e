/*-------------------------------------------------------------------------
 *
 * q_attr.c
 *		Attributes after the fact: which appends keep them, and the
 *		lookups that answer a Where subphrase through them.
 *
 * Setting an attribute (`s#x and friends) is in q_list.c; this file holds
 * what kdb+ does with one afterwards.
 *
 * Append.  "`s, `u and `g are preserved on append in memory, if
 * possible"; "the parted attribute is removed by any operation on the
 * list" (KX ref/set-attribute.md).  q_append_attr gives the result of
 * x,:y (and of insert/upsert into an attributed column) the attribute of
 * x when the joined list still has the property: sorted still ascending,
 * unique still without duplicates, grouped always; otherwise none.  Join
 * as a verb (x,y making a new list) keeps nothing, as before.
 *
 * Lookups.  KX ref/set-attribute.md ("Performance") and basics/qsql.md
 * ("Performance"): Where subphrases of the form col=v, col in v and col
 * within v run faster when col has an attribute.  q_attr_rows answers
 * them: a binary search on a `s# column; for `u#, `g# and `p# an index
 * from each distinct value to its rows (kdb+ keeps such a hash for `u and
 * `g, and the positions of the runs for `p), built once per column value
 * and cached while the column lives.  The rows found are exactly the rows
 * the plain subphrase would keep, in table order, so the result of the
 * query does not change: only the rows read do (see q_stats.c).  Float
 * columns are left to the plain path, because = compares floats with
 * tolerance and the index compares exactly.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_attr.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Append
 * ----------------------------------------------------------------
 */
void
q_append_attr(const K *old, K *res)
{
	int64_t		k,
				from;

	res->attr = KIPC_ATTR_NONE;
	if (!is_vec(res) || old->type != res->type)
		return;
	switch (old->attr)
	{
		case KIPC_ATTR_SORTED:
			from = old->n > 0 ? old->n : 1;
			for (k = from; k < res->n; k++)
				if (q_cmp_items(res, k - 1, res, k) > 0)
					return;
			res->attr = KIPC_ATTR_SORTED;
			return;
		case KIPC_ATTR_UNIQUE:
			{
				K		   *d = distinct_idx(res);
				bool		ok = d->n == res->n;

				kipc_unref(d);
				if (ok)
					res->attr = KIPC_ATTR_UNIQUE;
				return;
			}
		case KIPC_ATTR_GROUPED:
			res->attr = KIPC_ATTR_GROUPED;
			return;
		default:
			return;				/* `p# and none: dropped */
	}
}

/* ----------------------------------------------------------------
 * Group index of a `u# / `g# / `p# column
 * ----------------------------------------------------------------
 */
typedef struct AttrIndex
{
	K		   *col;			/* the column (a reference is held) */
	int64_t		n;				/* its count when indexed */
	HSet		h;				/* distinct values: first rows */
	int64_t    *gid;			/* per row: its group (first rows only
								 * are read) */
	int64_t    *start;			/* per group: offset in rows, ngroups+1 */
	int64_t    *rows;			/* rows grouped, ascending in a group */
	int64_t		ngroups;
} AttrIndex;

#define NINDEX 8
static AttrIndex *indexes[NINDEX];
static int	next_slot;

static void
index_free(AttrIndex *ix)
{
	hs_free(&ix->h);
	free(ix->gid);
	free(ix->start);
	free(ix->rows);
	kipc_unref(ix->col);
	free(ix);
}

static AttrIndex *
index_build(K *col)
{
	AttrIndex  *ix = xmalloc(sizeof(AttrIndex));
	int64_t		n = col->n,
				k,
			   *cnt;

	ix->col = kipc_ref(col);
	ix->n = n;
	ix->gid = xmalloc(sizeof(int64_t) * (n ? n : 1));
	ix->ngroups = 0;
	hs_init(&ix->h, col, n);
	for (k = 0; k < n; k++)
	{
		int64_t		f = hs_add(&ix->h, k, item_hash(col, k));

		ix->gid[k] = f == k ? ix->ngroups++ : ix->gid[f];
	}
	ix->start = xmalloc(sizeof(int64_t) * (ix->ngroups + 1));
	cnt = xmalloc(sizeof(int64_t) * (ix->ngroups + 1));
	memset(ix->start, 0, sizeof(int64_t) * (ix->ngroups + 1));
	for (k = 0; k < n; k++)
		ix->start[ix->gid[k] + 1]++;
	for (k = 0; k < ix->ngroups; k++)
		ix->start[k + 1] += ix->start[k];
	memcpy(cnt, ix->start, sizeof(int64_t) * (ix->ngroups + 1));
	ix->rows = xmalloc(sizeof(int64_t) * (n ? n : 1));
	for (k = 0; k < n; k++)
		ix->rows[cnt[ix->gid[k]]++] = k;
	free(cnt);
	return ix;
}

/*
 * The index of col, built on first use.  A cached index whose column only
 * the cache still holds is dropped: the column is gone, and its address
 * may come back for another value.
 */
static AttrIndex *
index_of(K *col)
{
	int			i;

	for (i = 0; i < NINDEX; i++)
		if (indexes[i] && indexes[i]->col->refcount <= 1)
		{
			index_free(indexes[i]);
			indexes[i] = NULL;
		}
	for (i = 0; i < NINDEX; i++)
		if (indexes[i] && indexes[i]->col == col && indexes[i]->n == col->n)
			return indexes[i];
	i = next_slot;
	next_slot = (next_slot + 1) % NINDEX;
	if (indexes[i])
		index_free(indexes[i]);
	indexes[i] = index_build(col);
	return indexes[i];
}

/* group of item j of y in the index, or -1 */
static int64_t
index_group(AttrIndex *ix, const K *y, int64_t j)
{
	int64_t		f = hs_find(&ix->h, y, j, item_hash(y, j));

	return f < 0 ? -1 : ix->gid[f];
}

/* ----------------------------------------------------------------
 * Lookups
 * ----------------------------------------------------------------
 */

/* first row in [lo,hi) of sorted col whose item is >= (strict: >) item j
 * of y */
static int64_t
lower_bound(const K *col, int64_t lo, int64_t hi, const K *y, int64_t j, bool strict)
{
	while (lo < hi)
	{
		int64_t		mid = lo + (hi - lo) / 2;
		int			c = q_cmp_items(col, mid, y, j);

		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

typedef struct RowBuf
{
	int64_t    *r;
	int64_t		n,
				cap;
} RowBuf;

static void
rb_add(RowBuf *b, int64_t row)
{
	if (b->n == b->cap)
	{
		int64_t    *nr;

		b->cap = b->cap ? b->cap * 2 : 64;
		nr = xmalloc(sizeof(int64_t) * b->cap);
		if (b->n)
			memcpy(nr, b->r, sizeof(int64_t) * b->n);
		free(b->r);
		b->r = nr;
	}
	b->r[b->n++] = row;
}

/* rows of group g that lie in [lo,hi) */
static void
add_group(RowBuf *b, AttrIndex *ix, int64_t g, int64_t lo, int64_t hi)
{
	const int64_t *r = ix->rows + ix->start[g];
	int64_t		n = ix->start[g + 1] - ix->start[g],
				a = 0,
				z = n,
				k;

	/* the group's rows ascend: binary search the window */
	while (a < z)
	{
		int64_t		m = a + (z - a) / 2;

		if (r[m] < lo)
			a = m + 1;
		else
			z = m;
	}
	for (k = a; k < n && r[k] < hi; k++)
		rb_add(b, r[k]);
}

static int
cmp_row(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *) a,
				y = *(const int64_t *) b;

	return x < y ? -1 : x > y;
}

/*
 * Rows r in [lo,hi) of col, ascending, where col[r] verb val holds (verb
 * B_EQ, B_IN or B_WITHIN), answered through col's attribute; NULL when
 * the attribute cannot answer (no attribute, a float column, a value of
 * another type), and the caller evaluates the subphrase as usual.
 */
K *
q_attr_rows(K *col, int verb, K *val, int64_t lo, int64_t hi)
{
	int			t = col->type;
	int			a = col->attr;
	K		   *y;
	RowBuf		b = {NULL, 0, 0};
	K		   *r;
	int64_t		k;

	if (a == KIPC_ATTR_NONE || !is_vec(col) || t == KIPC_T_REAL ||
		t == KIPC_T_FLOAT || t == KIPC_T_DATETIME || t == KIPC_T_BOOLEAN)
		return NULL;
	if (verb == B_EQ)
	{
		if (val->type != -t)
			return NULL;
	}
	else if (verb == B_IN)
	{
		if (val->type != t && val->type != -t)
			return NULL;
	}
	else if (verb == B_WITHIN)
	{
		if (val->type != t || val->n != 2)
			return NULL;
	}
	else
		return NULL;
	y = val->type < 0 ? q_enlist(val) : kipc_ref(val);
	if (a == KIPC_ATTR_SORTED)
	{
		if (verb == B_WITHIN)
		{
			int64_t		s = lower_bound(col, lo, hi, y, 0, false),
						e = lower_bound(col, lo, hi, y, 1, true);

			for (k = s; k < e; k++)
				rb_add(&b, k);
		}
		else
		{
			for (k = 0; k < y->n; k++)
			{
				int64_t		s = lower_bound(col, lo, hi, y, k, false),
							e = lower_bound(col, s, hi, y, k, true),
							m;

				for (m = s; m < e; m++)
					rb_add(&b, m);
			}
		}
	}
	else
	{
		AttrIndex  *ix = index_of(col);

		if (verb == B_WITHIN)
		{
			/* groups whose value lies in the range */
			for (k = 0; k < ix->ngroups; k++)
			{
				int64_t		f = ix->rows[ix->start[k]];

				if (q_cmp_items(col, f, y, 0) >= 0 && q_cmp_items(col, f, y, 1) <= 0)
					add_group(&b, ix, k, lo, hi);
			}
		}
		else
			for (k = 0; k < y->n; k++)
			{
				int64_t		g = index_group(ix, y, k);

				if (g >= 0)
					add_group(&b, ix, g, lo, hi);
			}
	}
	kipc_unref(y);
	/* several groups (in, within): table order, each row once */
	if (b.n > 1 && (verb != B_EQ || a != KIPC_ATTR_SORTED))
	{
		int64_t		o = 0;

		qsort(b.r, b.n, sizeof(int64_t), cmp_row);
		for (k = 0; k < b.n; k++)
			if (k == 0 || b.r[k] != b.r[k - 1])
				b.r[o++] = b.r[k];
		b.n = o;
	}
	r = kipc_new_vector(KIPC_T_LONG, b.n);
	if (b.n)
		memcpy(r->v.items, b.r, sizeof(int64_t) * b.n);
	free(b.r);
	return r;
}
