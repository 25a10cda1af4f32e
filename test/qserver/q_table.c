/*-------------------------------------------------------------------------
 *
 * q_table.c
 *		Tables, dictionaries and qSQL for the q test server's interpreter.
 *
 * Tables are libkipc tables (98: a dict of a symbol vector of names and a
 * general list of columns); keyed tables are dicts of two tables, as in
 * kdb+.  Everything here works column-wise: a Where subphrase evaluates to
 * a boolean vector which becomes an index vector of surviving rows, and a
 * column is materialised for those rows with one tight gather loop, and
 * only when a phrase names it (QScope caches it per row set).  Grouping
 * (By phrase) hashes the group key columns once, numbers the groups, sorts
 * them by key (a By result is sorted ascending, nulls first), and
 * evaluates each Select subphrase once per group on that group's rows, so
 * aggregates, uniform functions and arbitrary lambdas get exactly the
 * semantics of the verbs in q_verbs.c.  qSQL templates (QSql from
 * q_parse.c) and the functional forms ?[t;c;b;a] / ![t;c;b;a] are both
 * translated into one internal Query and run by the same engine; parse
 * trees of the functional forms are evaluated as kdb+ does (a symbol is a
 * name, a one-item list is a constant, a list headed by a function is an
 * application).
 *
 * Column naming (docs/basics/qsql.md "Computed columns"): an unnamed
 * subphrase is named after a column name found in it, else x.  A name
 * names itself (time.minute names minute); an operator glyph applied
 * (c2+c3, 2*c2, max[p]-min p) is named after its left argument, so 2*c2
 * is x; a keyword or lambda applied (sum size, string c3, size wavg price,
 * 5 xbar time.minute) after its last argument -- the rule that reproduces
 * every example in KX's select, wavg and qsql pages.  The virtual column
 * i never names a column (x); a name already in use gets the suffix 1,
 * 2, ... .  A clash between a By name and a Select name is 'dup names for
 * cols/groups.
 *
 * Sorting (xasc, xdesc, By groups, order arguments) is stable, nulls
 * first: an LSD radix sort on order-preserving 64-bit keys for numeric and
 * temporal columns, a merge sort otherwise (symbols, strings, guids).
 *
 * Date-partitioned mode (a stand-in for a kdb+ HDB, chosen for a test
 * server that has no disk database): .qserver.partition[`t;`date] marks
 * the in-memory global table t as partitioned by its date column.  The
 * table is reordered once -- date column first, as in an HDB's
 * `cols t` and `meta t`, rows stably sorted by date so that each partition
 * is contiguous -- and its columns keep the attributes that still hold
 * within each partition.  A select on it runs partition by partition as
 * kdb+'s .Q.ps does (run_parted): a first Where subphrase on the date
 * column picks the partitions visited, built-in aggregates are
 * map-reduced across partitions, anything else is evaluated per partition
 * with kdb+'s shapes.  exec and select with an order argument still see
 * the table whole.  .Q.pf is the column name, .Q.pt the partitioned
 * tables, .Q.PV the sorted distinct partition values (kept in the globals
 * .qserver.pf, .qserver.parts and .qserver.pv that q_eval.c's .Q lookups
 * read; they are also this file's registry, so every interpreter has its
 * own).  The virtual column i counts within each partition, as in kdb+.
 * A query whose first Where subphrase does not name the partition column
 * is answered but counted in .qserver.unconstrained (a long), and
 * .qserver.stats[] (q_stats.c) tells which partitions a select visited,
 * so tests can assert that the FDW constrains the partition first.
 * Updating, deleting from, sorting or inserting into a partitioned table
 * by name, and returning the bare table itself as a request result, are
 * the q error 'par ("unsupported operation on a partitioned table",
 * docs/basics/errors.md).
 *
 * Attributes: a Where subphrase col=v, col in v or col within v that comes
 * first (after the partition constraint) is answered through col's
 * attribute when it has one (attr_where, q_attr.c).
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_table.c
 *
 *-------------------------------------------------------------------------
 */
#include <ctype.h>

#include "q_int.h"

/* ----------------------------------------------------------------
 * Small helpers
 * ----------------------------------------------------------------
 */
static bool
is_table(const K *x)
{
	return x->type == KIPC_T_TABLE;
}

static bool
is_keyed(const K *x)
{
	return kipc_is_keyed_table(x);
}

static bool
is_dict(const K *x)
{
	return (x->type == KIPC_T_DICT || x->type == KIPC_T_SORTED_DICT) && !is_keyed(x);
}

static K *
tnames(const K *t)
{
	return t->v.objs[0]->v.objs[0];
}

static K *
tcols(const K *t)
{
	return t->v.objs[0]->v.objs[1];
}

static int64_t
tncols(const K *t)
{
	return tnames(t)->n;
}

static int64_t
trows(const K *t)
{
	K		   *c;

	if (tncols(t) == 0)
		return 0;
	c = tcols(t)->v.objs[0];
	return q_is_atom(c) ? 1 : c->n;
}

static int64_t
col_index(const K *t, const char *name)
{
	K		   *nm = tnames(t);
	int64_t		c;

	for (c = 0; c < nm->n; c++)
		if (strcmp(nm->v.syms[c], name) == 0)
			return c;
	return -1;
}

static K *
symvec_of(const char *const *names, int64_t n)
{
	K		   *v = kipc_new_vector(KIPC_T_SYMBOL, n);
	int64_t		k;

	for (k = 0; k < n; k++)
		kipc_set_symbol(v, k, names[k]);
	return v;
}

static K *
long_vec(const int64_t *x, int64_t n)
{
	K		   *v = kipc_new_vector(KIPC_T_LONG, n);

	if (n)
		memcpy(v->v.items, x, sizeof(int64_t) * n);
	return v;
}

static const int64_t *
lptr(const K *v)
{
	return (const int64_t *) v->v.items;
}

/* row k of a row set: idx NULL means all rows */
static inline int64_t
row_at(const K *idx, int64_t k)
{
	return idx ? kipc_get_j(idx, k) : k;
}

/* a vector of n nulls of vector type t (0: general list of ()) */
static K *
null_vector(int t, int64_t n)
{
	K		   *v;
	int64_t		k;

	if (t == KIPC_T_LIST)
	{
		v = kipc_new_list(n);
		for (k = 0; k < n; k++)
			v->v.objs[k] = kipc_new_list(0);
		return v;
	}
	v = kipc_new_vector(t, n);
	switch (t)
	{
		case KIPC_T_SHORT:
			for (k = 0; k < n; k++)
				kipc_set_h(v, k, KIPC_NULL_SHORT);
			break;
		case KIPC_T_INT:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			for (k = 0; k < n; k++)
				kipc_set_i(v, k, KIPC_NULL_INT);
			break;
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			for (k = 0; k < n; k++)
				kipc_set_j(v, k, KIPC_NULL_LONG);
			break;
		case KIPC_T_REAL:
			for (k = 0; k < n; k++)
				kipc_set_e(v, k, NAN);
			break;
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			for (k = 0; k < n; k++)
				kipc_set_f(v, k, NAN);
			break;
		case KIPC_T_CHAR:
			memset(v->v.items, ' ', n);
			break;
		default:
			break;				/* boolean 0b, byte 0x00, guid 0Ng, symbol ` */
	}
	return v;
}

/*
 * Gather rows of a column: result[k] = col[idx[k]]; an index outside the
 * column gives a null (as q's indexing does).  One loop per item size.
 */
static K *
gather_rows(K *col, const int64_t *ix, int64_t n)
{
	int64_t		k,
				cn;
	K		   *r;
	int			sz;

	if (q_is_atom(col))
		q_err("type");
	cn = col->n;
	if (col->type == KIPC_T_LIST)
	{
		r = kipc_new_list(n);
		for (k = 0; k < n; k++)
		{
			int64_t		p = ix[k];

			if (p >= 0 && p < cn)
				r->v.objs[k] = kipc_ref(col->v.objs[p]);
			else if (cn > 0 && !q_is_atom(col->v.objs[0]))
				r->v.objs[k] = q_take(0, col->v.objs[0]);
			else
				r->v.objs[k] = kipc_new_list(0);
		}
		return r;
	}
	if (col->type == KIPC_T_SYMBOL)
	{
		r = kipc_new_vector(KIPC_T_SYMBOL, n);
		for (k = 0; k < n; k++)
		{
			int64_t		p = ix[k];

			if (p >= 0 && p < cn && col->v.syms[p][0])
				set_sym_from(r, k, col, p);
		}
		return r;
	}
	r = kipc_new_vector(col->type, n);
	sz = kipc_type_size(col->type);
	switch (sz)
	{
		case 1:
			{
				const uint8_t *s = col->v.items;
				uint8_t    *d = r->v.items;
				uint8_t		nul = col->type == KIPC_T_CHAR ? ' ' : 0;

				for (k = 0; k < n; k++)
					d[k] = (uint64_t) ix[k] < (uint64_t) cn ? s[ix[k]] : nul;
				break;
			}
		case 2:
			for (k = 0; k < n; k++)
				kipc_set_h(r, k, (uint64_t) ix[k] < (uint64_t) cn ? kipc_get_h(col, ix[k]) : KIPC_NULL_SHORT);
			break;
		case 4:
			{
				const char *s = col->v.items;
				char	   *d = r->v.items;

				for (k = 0; k < n; k++)
				{
					if ((uint64_t) ix[k] < (uint64_t) cn)
						memcpy(d + k * 4, s + ix[k] * 4, 4);
					else if (col->type == KIPC_T_REAL)
						kipc_set_e(r, k, NAN);
					else
						kipc_set_i(r, k, KIPC_NULL_INT);
				}
				break;
			}
		case 8:
			{
				const char *s = col->v.items;
				char	   *d = r->v.items;

				for (k = 0; k < n; k++)
				{
					if ((uint64_t) ix[k] < (uint64_t) cn)
						memcpy(d + k * 8, s + ix[k] * 8, 8);
					else if (col->type == KIPC_T_FLOAT || col->type == KIPC_T_DATETIME)
						kipc_set_f(r, k, NAN);
					else
						kipc_set_j(r, k, KIPC_NULL_LONG);
				}
				break;
			}
		case 16:
			for (k = 0; k < n; k++)
				if ((uint64_t) ix[k] < (uint64_t) cn)
					memcpy((char *) r->v.items + k * 16, (const char *) col->v.items + ix[k] * 16, 16);
			break;
		default:
			q_err("nyi");
	}
	return r;
}

static K *
gather(K *col, K *idx)
{
	if (!idx)
		return kipc_ref(col);
	return gather_rows(col, lptr(idx), idx->n);
}

/* items of x (vector or list) as atoms/objects, x borrowed */
static K *
item_of(K *x, int64_t k)
{
	return q_item(x, k);
}

/* broadcast an atom to n items; a list is returned as is (new ref) */
static K *
extend(K *v, int64_t n)
{
	if (q_is_atom(v))
	{
		K		   *cnt = kipc_new_long(n);
		K		   *r = q_binary(B_TAKE, cnt, v);

		kipc_unref(cnt);
		return r;
	}
	return kipc_ref(v);
}

/* ----------------------------------------------------------------
 * Comparison and hashing of items (sorting, grouping, lookups)
 * ----------------------------------------------------------------
 */
static int
cmp_f(double a, double b)
{
	bool		na = isnan(a),
				nb = isnan(b);

	if (na || nb)
		return na && nb ? 0 : na ? -1 : 1;
	return a < b ? -1 : a > b ? 1 : 0;
}

static int	cmp_obj(const K *a, const K *b);

/* compare item a of x with item b of y (same vector type) */
static int
cmp_items(const K *x, int64_t a, const K *y, int64_t b)
{
	switch (x->type)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_CHAR:
			{
				uint8_t		p = kipc_get_g(x, a),
							q = kipc_get_g(y, b);

				return p < q ? -1 : p > q;
			}
		case KIPC_T_GUID:
			return memcmp(kipc_get_guid(x, a), kipc_get_guid(y, b), 16);
		case KIPC_T_SHORT:
			{
				int16_t		p = kipc_get_h(x, a),
							q = kipc_get_h(y, b);

				return p < q ? -1 : p > q;
			}
		case KIPC_T_INT:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			{
				int32_t		p = kipc_get_i(x, a),
							q = kipc_get_i(y, b);

				return p < q ? -1 : p > q;
			}
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			{
				int64_t		p = kipc_get_j(x, a),
							q = kipc_get_j(y, b);

				return p < q ? -1 : p > q;
			}
		case KIPC_T_REAL:
			return cmp_f(kipc_get_e(x, a), kipc_get_e(y, b));
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			return cmp_f(kipc_get_f(x, a), kipc_get_f(y, b));
		case KIPC_T_SYMBOL:
			{
				int			c = strcmp(x->v.syms[a], y->v.syms[b]);

				return c < 0 ? -1 : c > 0;
			}
		case KIPC_T_LIST:
			return cmp_obj(x->v.objs[a], y->v.objs[b]);
		default:
			q_err("nyi");
	}
}

/* cmp_items for the other files (q_attr.c) */
int
q_cmp_items(const K *x, int64_t a, const K *y, int64_t b)
{
	return cmp_items(x, a, y, b);
}

/* atoms as one-item views so that cmp_items can compare them */
static int
cmp_atoms(const K *a, const K *b)
{
	K			va = *a,
				vb = *b;

	va.type = (int8_t) -a->type;
	vb.type = (int8_t) -b->type;
	va.n = vb.n = 1;
	va.v.items = (void *) &a->a;
	vb.v.items = (void *) &b->a;
	if (a->type == -KIPC_T_SYMBOL)
		va.v.syms = (const char **) &a->a.s, vb.v.syms = (const char **) &b->a.s;
	return cmp_items(&va, 0, &vb, 0);
}

/* lists compare item-wise then by length (strings: lexicographic) */
static int
cmp_obj(const K *a, const K *b)
{
	int64_t		k,
				n;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->type < 0)
		return cmp_atoms(a, b);
	if (a->type > KIPC_T_TIME)
		q_err("nyi");
	n = a->n < b->n ? a->n : b->n;
	for (k = 0; k < n; k++)
	{
		int			c = cmp_items(a, k, b, k);

		if (c)
			return c;
	}
	return a->n < b->n ? -1 : a->n > b->n;
}

static uint64_t
hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *s = p;
	size_t		i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h;
}

static uint64_t hash_obj(uint64_t h, const K *o);

static uint64_t
hash_item(uint64_t h, const K *x, int64_t k)
{
	switch (x->type)
	{
		case KIPC_T_SYMBOL:
			{
				const char *s = x->v.syms[k];

				while (*s)
					h = (h ^ (uint8_t) *s++) * 1099511628211ULL;
				return h * 31 + 7;
			}
		case KIPC_T_REAL:
			{
				float		f = kipc_get_e(x, k);

				if (isnan(f))
					return h * 31 + 1;
				if (f == 0)
					f = 0;		/* -0e groups with 0e */
				return hash_bytes(h, &f, 4);
			}
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			{
				double		f = kipc_get_f(x, k);

				if (isnan(f))
					return h * 31 + 1;
				if (f == 0)
					f = 0;
				return hash_bytes(h, &f, 8);
			}
		case KIPC_T_LIST:
			return hash_obj(h, x->v.objs[k]);
		default:
			{
				int			sz = kipc_type_size(x->type);

				if (sz <= 0)
					q_err("nyi");
				return hash_bytes(h, (const char *) x->v.items + k * sz, sz);
			}
	}
}

static uint64_t
hash_obj(uint64_t h, const K *o)
{
	int64_t		k;

	h = (h ^ (uint8_t) o->type) * 1099511628211ULL;
	if (o->type < 0)
	{
		if (o->type == -KIPC_T_SYMBOL)
		{
			const char *s = o->a.s;

			while (*s)
				h = (h ^ (uint8_t) *s++) * 1099511628211ULL;
			return h;
		}
		if (o->type == -KIPC_T_FLOAT || o->type == -KIPC_T_DATETIME)
			return isnan(o->a.f) ? h * 31 + 1 : hash_bytes(h, &o->a.f, 8);
		if (o->type == -KIPC_T_REAL)
			return isnan(o->a.e) ? h * 31 + 1 : hash_bytes(h, &o->a.e, 4);
		return hash_bytes(h, &o->a, kipc_type_size(-o->type));
	}
	if (o->type > KIPC_T_TIME)
		q_err("nyi");
	for (k = 0; k < o->n; k++)
		h = hash_item(h, o, k);
	return h;
}

/* item equality as q's match on items (nulls equal each other) */
static bool
eq_items(const K *x, int64_t a, int64_t b)
{
	switch (x->type)
	{
		case KIPC_T_SYMBOL:
			return strcmp(x->v.syms[a], x->v.syms[b]) == 0;
		case KIPC_T_REAL:
			return cmp_f(kipc_get_e(x, a), kipc_get_e(x, b)) == 0;
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			return cmp_f(kipc_get_f(x, a), kipc_get_f(x, b)) == 0;
		case KIPC_T_LIST:
			return kipc_equal(x->v.objs[a], x->v.objs[b]);
		default:
			{
				int			sz = kipc_type_size(x->type);

				return memcmp((const char *) x->v.items + a * sz,
							  (const char *) x->v.items + b * sz, sz) == 0;
			}
	}
}

/* ----------------------------------------------------------------
 * Grouping: hash the key columns of rows idx into dense group numbers in
 * order of first appearance.
 * ----------------------------------------------------------------
 */
typedef struct Groups
{
	int64_t		n;				/* rows grouped */
	int64_t		ngroups;
	int64_t    *gid;			/* per row: group number */
	int64_t    *first;			/* per group: physical row of first member */
} Groups;

static void
group_rows(K **cols, int nc, K *idx, int64_t n, Groups *g)
{
	int64_t		cap = 64,
				k;
	int64_t    *slots;
	int			c;

	g->n = n;
	g->ngroups = 0;
	g->gid = malloc(sizeof(int64_t) * (n ? n : 1));
	if (!g->gid)
		q_err("wsfull");
	if (!q_group_slow())
	{
		g->ngroups = q_group_keys(cols, nc, idx, n, g->gid, &g->first);
		if (g->ngroups >= 0)
			return;
		g->ngroups = 0;
	}
	g->first = q_alloc(sizeof(int64_t) * 16);
	slots = malloc(sizeof(int64_t) * cap);
	memset(slots, 0xff, sizeof(int64_t) * cap);
	for (c = 0; c < nc; c++)
		if (q_is_atom(cols[c]))
			q_err("type");
	for (k = 0; k < n; k++)
	{
		int64_t		r = row_at(idx, k);
		uint64_t	h = 1469598103934665603ULL,
					s;

		for (c = 0; c < nc; c++)
			h = hash_item(h, cols[c], r);
		h ^= h >> 29;
		for (s = h & (cap - 1);; s = (s + 1) & (cap - 1))
		{
			int64_t		gi = slots[s];
			bool		same = true;

			if (gi < 0)
			{
				/* new group */
				if ((g->ngroups & (g->ngroups - 1)) == 0 && g->ngroups >= 16)
					g->first = realloc(g->first, sizeof(int64_t) * g->ngroups * 2);
				gi = g->ngroups++;
				g->first[gi] = r;
				slots[s] = gi;
				g->gid[k] = gi;
				if (g->ngroups * 2 > cap)
				{
					/* grow: rehash the representatives */
					int64_t		ncap = cap * 4,
								j;
					int64_t    *ns = malloc(sizeof(int64_t) * ncap);

					memset(ns, 0xff, sizeof(int64_t) * ncap);
					for (j = 0; j < g->ngroups; j++)
					{
						uint64_t	hh = 1469598103934665603ULL,
									t;

						for (c = 0; c < nc; c++)
							hh = hash_item(hh, cols[c], g->first[j]);
						hh ^= hh >> 29;
						for (t = hh & (ncap - 1); ns[t] >= 0; t = (t + 1) & (ncap - 1))
							;
						ns[t] = j;
					}
					free(slots);
					slots = ns;
					cap = ncap;
				}
				break;
			}
			for (c = 0; c < nc && same; c++)
				same = eq_items(cols[c], g->first[gi], r);
			if (same)
			{
				g->gid[k] = gi;
				break;
			}
		}
		if ((k & 0xfffff) == 0xfffff)
			q_check_deadline();
	}
	free(slots);
}

static void
groups_free(Groups *g)
{
	free(g->gid);
	free(g->first);
}

/* ----------------------------------------------------------------
 * Stable multi-column sort of an index array
 * ----------------------------------------------------------------
 */
typedef struct SortKeys
{
	K		  **cols;
	bool	   *desc;
	int			n;
} SortKeys;

static inline int
cmp_rows(const SortKeys *sk, int64_t a, int64_t b)
{
	int			c;

	for (c = 0; c < sk->n; c++)
	{
		int			r = cmp_items(sk->cols[c], a, sk->cols[c], b);

		if (r)
			return sk->desc[c] ? -r : r;
	}
	return 0;
}

/* QIdxCmp adapter for q_merge_sort */
static int
cmp_rows_idx(const void *ctx, int64_t a, int64_t b)
{
	return cmp_rows((const SortKeys *) ctx, a, b);
}

/* columns whose items map to order-preserving 64-bit keys */
static bool
radixable(const K *c)
{
	switch (c->type)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_CHAR:
		case KIPC_T_SHORT:
		case KIPC_T_INT:
		case KIPC_T_LONG:
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_DATETIME:
		case KIPC_T_TIMESPAN:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			return true;
		default:
			return false;
	}
}

/* item r of c as an unsigned key in q's order (nulls, i.e. the minimum
 * integers and NaN, first) */
static inline uint64_t
sort_key(const K *c, int64_t r)
{
	const uint64_t top = UINT64_C(1) << 63;

	switch (c->type)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_CHAR:
			return kipc_get_g(c, r);
		case KIPC_T_SHORT:
			return (uint64_t) (int64_t) kipc_get_h(c, r) ^ top;
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			return (uint64_t) kipc_get_j(c, r) ^ top;
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			{
				double		f = c->type == KIPC_T_REAL ? (double) kipc_get_e(c, r) : kipc_get_f(c, r);
				uint64_t	b;

				if (isnan(f))
					return 0;
				if (f == 0)
					f = 0;		/* -0 sorts with 0 */
				memcpy(&b, &f, 8);
				return (b & top) ? ~b : b | top;
			}
		default:
			return (uint64_t) (int64_t) kipc_get_i(c, r) ^ top;
	}
}

/*
 * Stable LSD radix sort of a[0..n) by one column (16-bit digits, digits
 * that never vary skipped).  Sorting by the columns from last to first
 * gives the lexicographic order, as every pass is stable.
 */
static void
radix_by_col(int64_t *a, int64_t *ta, uint64_t *key, uint64_t *tk, int64_t n,
			 const K *col, bool desc)
{
	uint64_t	diff = 0,
				flip = desc ? ~UINT64_C(0) : 0;
	int64_t    *cnt = malloc(sizeof(int64_t) * 65537);
	int64_t		k;
	int			d;

	for (k = 0; k < n; k++)
		key[k] = sort_key(col, a[k]) ^ flip;
	for (k = 1; k < n; k++)
		diff |= key[k] ^ key[0];
	for (d = 0; d < 4; d++)
	{
		int			sh = d * 16;
		int64_t		j;

		if (((diff >> sh) & 0xffff) == 0)
			continue;
		memset(cnt, 0, sizeof(int64_t) * 65537);
		for (k = 0; k < n; k++)
			cnt[((key[k] >> sh) & 0xffff) + 1]++;
		for (j = 0; j < 65536; j++)
			cnt[j + 1] += cnt[j];
		for (k = 0; k < n; k++)
		{
			int64_t		p = cnt[(key[k] >> sh) & 0xffff]++;

			ta[p] = a[k];
			tk[p] = key[k];
		}
		memcpy(a, ta, sizeof(int64_t) * n);
		memcpy(key, tk, sizeof(uint64_t) * n);
	}
	free(cnt);
}

/* sort the row numbers a[0..n) by the key columns */
static void
sort_rows(int64_t *a, int64_t n, K **cols, bool *desc, int nc)
{
	SortKeys	sk;
	int			c;
	bool		radix = n > 256;

	for (c = 0; c < nc; c++)
	{
		if (q_is_atom(cols[c]))
			q_err("type");
		if (!radixable(cols[c]))
			radix = false;
	}
	if (radix)
	{
		int64_t    *ta = malloc(sizeof(int64_t) * n);
		uint64_t   *key = malloc(sizeof(uint64_t) * n),
				   *tk = malloc(sizeof(uint64_t) * n);

		for (c = nc - 1; c >= 0; c--)
			radix_by_col(a, ta, key, tk, n, cols[c], desc[c]);
		free(ta);
		free(key);
		free(tk);
		return;
	}
	sk.cols = cols;
	sk.desc = desc;
	sk.n = nc;
	q_merge_sort(a, n, cmp_rows_idx, &sk);
}

/* ----------------------------------------------------------------
 * Tables and dictionaries
 * ----------------------------------------------------------------
 */
K *
q_dict_new(K *k, K *v)
{
	if (!q_is_atom(k) && !q_is_atom(v) && k->type != KIPC_T_TABLE &&
		v->type != KIPC_T_TABLE && q_count(k) != q_count(v))
		q_err("length");
	if (k->type == KIPC_T_TABLE && v->type == KIPC_T_TABLE && trows(k) != trows(v))
		q_err("length");
	return kipc_new_dict(k, v);
}

K *
q_table_new(K *names, K *cols)
{
	int64_t		c,
				len = -1;

	if (names->type != KIPC_T_SYMBOL)
		q_err("type");
	if (cols->type != KIPC_T_LIST)
	{
		/* a vector of columns is not possible; one column of atoms is */
		K		   *l = kipc_new_list(cols->n);

		for (c = 0; c < cols->n; c++)
			l->v.objs[c] = item_of(cols, c);
		kipc_unref(cols);
		cols = l;
	}
	if (names->n != cols->n)
		q_err("length");
	for (c = 0; c < cols->n; c++)
		if (!q_is_atom(cols->v.objs[c]))
		{
			int64_t		n = q_count(cols->v.objs[c]);

			if (cols->v.objs[c]->type > KIPC_T_TIME)
				q_err("type");
			if (len >= 0 && n != len)
				q_err("length");
			len = n;
		}
	if (len < 0)
		len = 1;
	for (c = 0; c < cols->n; c++)
		if (q_is_atom(cols->v.objs[c]))
		{
			K		   *v = extend(cols->v.objs[c], len);

			kipc_unref(cols->v.objs[c]);
			cols->v.objs[c] = v;
		}
	return kipc_new_table(names, cols);
}

/* a table of the given names sharing the given columns (refs taken) */
static K *
make_table(const char *const *names, K **cols, int64_t nc)
{
	K		   *l = kipc_new_list(nc);
	int64_t		c;

	for (c = 0; c < nc; c++)
		l->v.objs[c] = cols[c];
	return q_table_new(symvec_of(names, nc), l);
}

K *
q_table_col(K *t, const char *name)
{
	int64_t		c;

	if (is_keyed(t))
	{
		K		   *r = q_table_col(kipc_dict_keys(t), name);

		return r ? r : q_table_col(kipc_dict_values(t), name);
	}
	if (!is_table(t))
		return NULL;
	c = col_index(t, name);
	return c < 0 ? NULL : tcols(t)->v.objs[c];
}

K *
q_table_rows(K *t, K *idx)
{
	K		   *l;
	int64_t		c;

	if (is_keyed(t))
	{
		K		   *kk = q_table_rows(kipc_dict_keys(t), idx);

		return kipc_new_dict(kk, q_table_rows(kipc_dict_values(t), idx));
	}
	if (!is_table(t))
		q_err("type");
	l = kipc_new_list(tncols(t));
	for (c = 0; c < tncols(t); c++)
		l->v.objs[c] = gather(tcols(t)->v.objs[c], idx);
	return kipc_new_table(kipc_ref(tnames(t)), l);
}

K *
q_unkey(K *t)
{
	K		   *kt,
			   *vt,
			   *names,
			   *cols;
	int64_t		c,
				nk;

	if (!is_keyed(t))
		return kipc_ref(t);
	kt = kipc_dict_keys(t);
	vt = kipc_dict_values(t);
	nk = tncols(kt);
	names = kipc_new_vector(KIPC_T_SYMBOL, nk + tncols(vt));
	cols = kipc_new_list(nk + tncols(vt));
	for (c = 0; c < nk; c++)
	{
		kipc_set_symbol(names, c, tnames(kt)->v.syms[c]);
		cols->v.objs[c] = kipc_ref(tcols(kt)->v.objs[c]);
	}
	for (c = 0; c < tncols(vt); c++)
	{
		kipc_set_symbol(names, nk + c, tnames(vt)->v.syms[c]);
		cols->v.objs[nk + c] = kipc_ref(tcols(vt)->v.objs[c]);
	}
	return kipc_new_table(names, cols);
}

/* key the unkeyed table t by the columns flagged in iskey (order: keys
 * as listed in order[], values in table order) */
static K *
key_by(K *t, const int64_t *keycols, int64_t nk)
{
	int64_t		nc = tncols(t),
				c,
				k,
				nv = 0;
	bool	   *used = q_alloc(nc ? nc : 1);
	const char **kn = q_alloc(sizeof(char *) * (nk + 1));
	const char **vn = q_alloc(sizeof(char *) * (nc + 1));
	K		  **kc = q_alloc(sizeof(K *) * (nk + 1));
	K		  **vc = q_alloc(sizeof(K *) * (nc + 1));
	K		   *r;

	for (k = 0; k < nk; k++)
	{
		c = keycols[k];
		if (used[c])
			q_err("dup");
		used[c] = true;
		kn[k] = tnames(t)->v.syms[c];
		kc[k] = kipc_ref(tcols(t)->v.objs[c]);
	}
	for (c = 0; c < nc; c++)
		if (!used[c])
		{
			vn[nv] = tnames(t)->v.syms[c];
			vc[nv++] = kipc_ref(tcols(t)->v.objs[c]);
		}
	r = kipc_new_dict(make_table(kn, kc, nk), make_table(vn, vc, nv));
	free(used);
	free(kn);
	free(vn);
	free(kc);
	free(vc);
	return r;
}

K *
q_resolve_table(K *t)
{
	if (t->type == -KIPC_T_SYMBOL)
	{
		K		   *v = q_lookup(t->a.s);

		if (!v)
			q_err(t->a.s);
		return v;
	}
	return kipc_ref(t);
}

static void check_not_parted_name(const char *name);

K *
q_xkey(K *keys, K *t)
{
	K		   *u,
			   *r;
	int64_t    *kc;
	int64_t		nk,
				k;

	if (t->type == -KIPC_T_SYMBOL)
	{
		K		   *v = q_resolve_table(t);

		check_not_parted_name(t->a.s);
		r = q_xkey(keys, v);
		kipc_unref(v);
		q_set_global(t->a.s, r);
		return kipc_ref(t);
	}
	if (!is_table(t) && !is_keyed(t))
		q_err("type");
	u = q_unkey(t);
	if (keys->type == -KIPC_T_LONG || keys->type == -KIPC_T_INT ||
		keys->type == -KIPC_T_SHORT)
	{
		nk = q_to_long(keys);
		if (nk < 0 || nk > tncols(u))
			q_err("length");
		if (nk == 0)
			return u;
		kc = q_alloc(sizeof(int64_t) * nk);
		for (k = 0; k < nk; k++)
			kc[k] = k;
	}
	else if (keys->type == -KIPC_T_SYMBOL || keys->type == KIPC_T_SYMBOL ||
			 (keys->type == KIPC_T_LIST && keys->n == 0))
	{
		/* () xkey t removes the keys */
		nk = keys->type < 0 ? 1 : keys->n;
		if (nk == 0)
			return u;
		kc = q_alloc(sizeof(int64_t) * nk);
		for (k = 0; k < nk; k++)
		{
			const char *nm = keys->type < 0 ? keys->a.s : keys->v.syms[k];

			kc[k] = col_index(u, nm);
			if (kc[k] < 0)
				q_err(nm);
		}
	}
	else
		q_err("type");
	r = key_by(u, kc, nk);
	free(kc);
	kipc_unref(u);
	return r;
}

/* flip: dict of columns -> table, table -> dict, list of lists transposed */
K *
q_flip(K *x)
{
	if (is_table(x))
		return kipc_new_dict(kipc_ref(tnames(x)), kipc_ref(tcols(x)));
	if (is_dict(x))
	{
		K		   *k = kipc_dict_keys(x),
				   *v = kipc_dict_values(x),
				   *cols;
		int64_t		c;

		if (k->type != KIPC_T_SYMBOL)
			q_err("nyi");
		if (v->type != KIPC_T_LIST || k->n == 0)
			q_err("rank");		/* no column to give the row count */
		cols = kipc_new_list(k->n);
		for (c = 0; c < k->n; c++)
			cols->v.objs[c] = kipc_ref(v->v.objs[c]);
		for (c = 0; c < k->n; c++)
			if (!q_is_atom(cols->v.objs[c]))
				return q_table_new(kipc_ref(k), cols);
		q_err("rank");
	}
	if (is_keyed(x))
		q_err("nyi");
	if (x->type == KIPC_T_LIST)
	{
		int64_t		n = -1,
					c,
					r;
		K		   *out;

		for (c = 0; c < x->n; c++)
			if (!q_is_atom(x->v.objs[c]))
			{
				int64_t		m = q_count(x->v.objs[c]);

				if (n >= 0 && m != n)
					q_err("length");
				n = m;
			}
		if (n < 0)
			q_err("rank");
		out = kipc_new_list(n);
		for (r = 0; r < n; r++)
		{
			K		   *row = kipc_new_list(x->n);

			for (c = 0; c < x->n; c++)
				row->v.objs[c] = q_is_atom(x->v.objs[c]) ? kipc_ref(x->v.objs[c]) : item_of(x->v.objs[c], r);
			out->v.objs[r] = q_collapse(row);
		}
		return out;
	}
	if (x->type > 0 && x->type <= KIPC_T_TIME)
		return kipc_ref(x);
	q_err("rank");
}

/* position of key in the key list keys, or count keys if absent */
static int64_t
find_key(K *keys, K *key)
{
	int64_t		k,
				n = q_count(keys);

	if (keys->type == KIPC_T_SYMBOL && key->type == -KIPC_T_SYMBOL)
	{
		for (k = 0; k < n; k++)
			if (strcmp(keys->v.syms[k], key->a.s) == 0)
				return k;
		return n;
	}
	if (keys->type > 0 && keys->type <= KIPC_T_TIME && key->type == -keys->type)
	{
		K			v = *key;

		v.type = (int8_t) -key->type;
		v.n = 1;
		v.v.items = (void *) &key->a;
		for (k = 0; k < n; k++)
			if (cmp_items(keys, k, &v, 0) == 0)
				return k;
		return n;
	}
	for (k = 0; k < n; k++)
	{
		K		   *it = item_of(keys, k);
		bool		m = q_match(it, key);

		kipc_unref(it);
		if (m)
			return k;
	}
	return n;
}

/* null value of the kind held by values v (missing dictionary key) */
static K *
null_like(K *v)
{
	if (v->type > 0 && v->type <= KIPC_T_TIME)
		return q_null_atom(-v->type);
	if (v->type == KIPC_T_LIST && v->n > 0)
	{
		K		   *f = v->v.objs[0];

		if (q_is_atom(f))
			return q_null_atom(f->type);
		return q_take(0, f);
	}
	if (is_table(v))
	{
		/* a null row: dict of column nulls */
		K		   *vals = kipc_new_list(tncols(v));
		int64_t		c;

		for (c = 0; c < tncols(v); c++)
			vals->v.objs[c] = null_like(tcols(v)->v.objs[c]);
		return kipc_new_dict(kipc_ref(tnames(v)), q_collapse(vals));
	}
	return kipc_new_list(0);
}

/* row r of table t as a dictionary (nulls when out of range) */
static K *
table_row(K *t, int64_t r)
{
	K		   *vals = kipc_new_list(tncols(t));
	int64_t		c;

	for (c = 0; c < tncols(t); c++)
	{
		K		   *col = tcols(t)->v.objs[c];

		vals->v.objs[c] = r >= 0 && r < q_count(col) ? item_of(col, r) : null_like(col);
	}
	return kipc_new_dict(kipc_ref(tnames(t)), q_collapse(vals));
}

/* rows of a keyed table whose keys are the rows of table kt */
static K *
keyed_lookup_rows(K *d, K *kt)
{
	K		   *keys = kipc_dict_keys(d);
	K		   *vals = kipc_dict_values(d);
	int64_t		nk = tncols(keys),
				n = trows(kt),
				r,
				c;
	K		  **cols = q_alloc(sizeof(K *) * (nk + 1));
	int64_t    *ix = q_alloc(sizeof(int64_t) * (n + 1));
	Groups		g;
	K		   *res,
			   *iv;

	if (tncols(kt) != nk)
		q_err("length");
	/* hash the table keys, then probe with each wanted key */
	for (c = 0; c < nk; c++)
	{
		K		   *kc = tcols(keys)->v.objs[c],
				   *wc = col_index(kt, tnames(keys)->v.syms[c]) >= 0 ?
			tcols(kt)->v.objs[col_index(kt, tnames(keys)->v.syms[c])] : tcols(kt)->v.objs[c];

		if (kc->type != wc->type)
		{
			if (kc->type == KIPC_T_LIST || wc->type == KIPC_T_LIST)
				q_err("nyi");
			/* a key of another type is never found */
			for (r = 0; r < n; r++)
				ix[r] = -1;
			iv = long_vec(ix, n);
			res = q_table_rows(vals, iv);
			kipc_unref(iv);
			free(cols);
			free(ix);
			return res;
		}
		cols[c] = q_join(kc, wc);
	}
	group_rows(cols, (int) nk, NULL, trows(keys) + n, &g);
	{
		int64_t		nkeys = trows(keys);
		int64_t    *owner = q_alloc(sizeof(int64_t) * (g.ngroups + 1));

		for (r = 0; r < g.ngroups; r++)
			owner[r] = -1;
		for (r = nkeys - 1; r >= 0; r--)
			owner[g.gid[r]] = r;
		for (r = 0; r < n; r++)
			ix[r] = owner[g.gid[nkeys + r]];
		free(owner);
	}
	groups_free(&g);
	for (c = 0; c < nk; c++)
		kipc_unref(cols[c]);
	free(cols);
	iv = long_vec(ix, n);
	free(ix);
	res = q_table_rows(vals, iv);
	kipc_unref(iv);
	return res;
}

/*
 * A sorted dictionary (type 127, `s#d) is a step function (KX
 * ref/set-attribute.md): a key between two keys finds the lower one's
 * value, a key below the first finds nothing.  Returns the key to look up
 * exactly: each item replaced by the greatest key <= it (kept as is when
 * there is none, so the exact lookup yields a null).  Only keys of the key
 * vector's (or one-column key table's) own type are stepped; other lookups
 * ('nyi) are not modelled.
 */
static K *dict_index_exact(K *d, K *key);

static K *
step_key(K *d, K *key)
{
	K		   *keys = kipc_dict_keys(d);
	K		   *kc,
			   *pos,
			   *r;
	int64_t		i,
				n;

	if (is_table(keys))
	{
		if (tncols(keys) != 1 || is_table(key) || is_dict(key) || is_keyed(key))
			q_err("nyi");
		kc = tcols(keys)->v.objs[0];
	}
	else
		kc = keys;
	/* a key of another type: how kdb+ steps it is not modelled */
	if (kc->type <= 0 || kc->type > KIPC_T_TIME || (key->type != -kc->type && key->type != kc->type))
		q_err("nyi");
	pos = q_binary(B_BIN, kc, key);
	if (pos->type == -KIPC_T_LONG)
	{
		r = pos->a.j >= 0 ? q_item(kc, pos->a.j) : kipc_ref(key);
		kipc_unref(pos);
		return r;
	}
	n = q_count(pos);
	r = kipc_new_list(n);
	for (i = 0; i < n; i++)
	{
		int64_t		p = ((int64_t *) pos->v.items)[i];

		r->v.objs[i] = p >= 0 ? q_item(kc, p) : q_item(key, i);
	}
	kipc_unref(pos);
	return q_collapse(r);
}

K *
q_dict_index(K *d, K *key)
{
	if (d->type == KIPC_T_SORTED_DICT)
	{
		K		   *sk = step_key(d, key);
		K		   *r;

		if (sk == key)
		{
			kipc_unref(sk);
			return dict_index_exact(d, key);
		}
		r = dict_index_exact(d, sk);
		kipc_unref(sk);
		return r;
	}
	return dict_index_exact(d, key);
}

static K *
dict_index_exact(K *d, K *key)
{
	if (is_keyed(d))
	{
		K		   *keys = kipc_dict_keys(d);
		K		   *vals = kipc_dict_values(d);
		K		   *kt,
				   *rows,
				   *res;

		if (is_table(key))
			return keyed_lookup_rows(d, key);
		if (is_dict(key) && kipc_dict_keys(key)->type == KIPC_T_SYMBOL)
		{
			/* kt[`k1`k2!(v1;v2)]: one row */
			K		   *fl;

			kt = q_enlist(key);
			fl = keyed_lookup_rows(d, kt);
			kipc_unref(kt);
			res = table_row(fl, 0);
			kipc_unref(fl);
			return res;
		}
		if (tncols(keys) == 1)
		{
			K		   *kc = tcols(keys)->v.objs[0];
			bool		atom = q_is_atom(key);
			K		   *col;

			if (atom)
			{
				int64_t		p = find_key(kc, key);

				return table_row(vals, p);
			}
			col = kipc_ref(key);
			kt = make_table((const char *const *) tnames(keys)->v.syms, &col, 1);
			rows = keyed_lookup_rows(d, kt);
			kipc_unref(kt);
			return rows;
		}
		/* multi-column key given as a list: one row (k1;k2) */
		if (!q_is_atom(key) && q_count(key) == tncols(keys))
		{
			K		   *l = kipc_new_list(tncols(keys));
			int64_t		c;
			K		   *fl;

			for (c = 0; c < tncols(keys); c++)
			{
				K		   *it = item_of(key, c);

				if (!q_is_atom(it))
				{
					/* a list of key tuples: one row each */
					kipc_unref(it);
					kipc_unref(l);
					l = q_flip(key);
					kt = q_table_new(kipc_ref(tnames(keys)), l);
					fl = keyed_lookup_rows(d, kt);
					kipc_unref(kt);
					return fl;
				}
				l->v.objs[c] = q_enlist(it);
				kipc_unref(it);
			}
			kt = q_table_new(kipc_ref(tnames(keys)), l);
			fl = keyed_lookup_rows(d, kt);
			kipc_unref(kt);
			res = table_row(fl, 0);
			kipc_unref(fl);
			return res;
		}
		q_err("type");
	}
	if (!is_dict(d))
		q_err("type");
	{
		K		   *keys = kipc_dict_keys(d);
		K		   *vals = kipc_dict_values(d);

		if (is_table(vals))
		{
			/* d[k] where the values are a table: that row */
			if (q_is_atom(key))
				return table_row(vals, find_key(keys, key));
			q_err("nyi");
		}
		if (q_is_atom(key) || (keys->type == KIPC_T_LIST && find_key(keys, key) < q_count(keys)))
		{
			int64_t		p = find_key(keys, key);

			if (p < q_count(vals))
				return item_of(vals, p);
			return null_like(vals);
		}
		if (key->type == KIPC_T_TABLE || key->type == KIPC_T_DICT)
			q_err("nyi");
		{
			/* a list of keys: map each, keeping the shape */
			int64_t		n = q_count(key),
						k;
			K		   *r = kipc_new_list(n);

			for (k = 0; k < n; k++)
			{
				K		   *it = item_of(key, k);

				r->v.objs[k] = q_dict_index(d, it);
				kipc_unref(it);
			}
			return q_collapse(r);
		}
	}
}

K *
q_table_index(K *t, K *i)
{
	if (is_keyed(t))
		return q_dict_index(t, i);
	if (!is_table(t))
		q_err("type");
	if (i->type == -KIPC_T_SYMBOL)
	{
		K		   *c = q_table_col(t, i->a.s);

		if (!c)
			q_err(i->a.s);
		return kipc_ref(c);
	}
	if (i->type == KIPC_T_SYMBOL)
	{
		K		   *l = kipc_new_list(i->n);
		int64_t		k;

		for (k = 0; k < i->n; k++)
		{
			K		   *c = q_table_col(t, i->v.syms[k]);

			if (!c)
				q_err(i->v.syms[k]);
			l->v.objs[k] = kipc_ref(c);
		}
		return l;
	}
	if (i->type == -KIPC_T_LONG || i->type == -KIPC_T_INT || i->type == -KIPC_T_SHORT)
		return table_row(t, q_to_long(i));
	if (i->type == KIPC_T_LONG)
		return q_table_rows(t, i);
	if (i->type == KIPC_T_INT || i->type == KIPC_T_SHORT || i->type == KIPC_T_BOOLEAN)
	{
		K		   *li = kipc_new_vector(KIPC_T_LONG, i->n);
		K		   *r;
		int64_t		k;

		for (k = 0; k < i->n; k++)
		{
			int64_t		v = i->type == KIPC_T_INT ? kipc_get_i(i, k) :
				i->type == KIPC_T_SHORT ? kipc_get_h(i, k) : kipc_get_g(i, k);

			kipc_set_j(li, k, v);
		}
		r = q_table_rows(t, li);
		kipc_unref(li);
		return r;
	}
	if (i->type == KIPC_T_LIST)
	{
		/* a list of index lists: each */
		K		   *l = kipc_new_list(i->n);
		int64_t		k;

		for (k = 0; k < i->n; k++)
			l->v.objs[k] = q_table_index(t, i->v.objs[k]);
		return l;
	}
	q_err("type");
}

/* ----------------------------------------------------------------
 * Partitioned tables (see the header comment)
 * ----------------------------------------------------------------
 */
/*
 * The registry lives in the interpreter's globals, so that every
 * interpreter has its own: .qserver.parts (the names, = .Q.pt) and
 * .qserver.pf (the partition column, = .Q.pf).  A partitioned table is
 * recognised by identity with the current value of its global.
 */
typedef struct Parted
{
	const char *name;			/* global table name */
	const char *pf;				/* partition column */
} Parted;

static bool
parted_lookup(const K *t, const char *name, Parted *out)
{
	K		   *parts = q_get_global(".qserver.parts");
	K		   *pf = q_get_global(".qserver.pf");
	int64_t		k;

	if (!parts || !pf || parts->type != KIPC_T_SYMBOL || pf->type != -KIPC_T_SYMBOL)
		return false;
	for (k = 0; k < parts->n; k++)
		if (name ? strcmp(parts->v.syms[k], name) == 0 :
			q_get_global(parts->v.syms[k]) == t)
		{
			out->name = parts->v.syms[k];
			out->pf = pf->a.s;
			return true;
		}
	return false;
}

/* the registry entry of table value t, if t is a partitioned table;
 * points into the globals: use it before the next assignment */
static Parted *
parted_of(const K *t)
{
	static Parted p;

	return parted_lookup(t, NULL, &p) ? &p : NULL;
}

static bool
parted_by_name(const char *name)
{
	Parted		p;

	return parted_lookup(NULL, name, &p);
}

/* true if x is a partitioned table itself (a request must not return it) */
bool
q_is_parted_table(const K *x)
{
	return x && x->type == KIPC_T_TABLE && parted_of(x) != NULL;
}

static void
check_not_parted_name(const char *name)
{
	if (parted_by_name(name))
		q_err("par");
}

/* .Q.PV: sorted distinct partition values of all partitioned tables */
static void
refresh_partition_globals(K *names, const char *pfname)
{
	K		   *pv = NULL;
	int64_t		k;

	for (k = 0; k < names->n; k++)
	{
		K		   *t = q_get_global(names->v.syms[k]);
		K		   *col = t ? q_table_col(t, pfname) : NULL;

		if (col)
		{
			K		   *nv = pv ? q_join(pv, col) : kipc_ref(col);

			kipc_unref(pv);
			pv = nv;
		}
	}
	if (pv)
	{
		/* sorted distinct values, no attribute */
		Groups		g;
		K		   *iv,
				   *d;
		bool		desc = false;

		group_rows(&pv, 1, NULL, pv->n, &g);
		sort_rows(g.first, g.ngroups, &pv, &desc, 1);
		iv = long_vec(g.first, g.ngroups);
		groups_free(&g);
		d = gather(pv, iv);
		kipc_unref(iv);
		kipc_unref(pv);
		pv = d;
	}
	{
		/* .Q.pt is sorted like tables[] */
		int64_t    *ix = q_alloc(sizeof(int64_t) * (names->n + 1));
		bool		desc = false;
		K		   *sorted;
		K		   *iv;

		for (k = 0; k < names->n; k++)
			ix[k] = k;
		sort_rows(ix, names->n, &names, &desc, 1);
		iv = long_vec(ix, names->n);
		sorted = gather(names, iv);
		kipc_unref(iv);
		free(ix);
		q_set_global(".qserver.parts", sorted);
	}
	q_set_global(".qserver.pf", kipc_new_symbol(pfname));
	if (pv)
		q_set_global(".qserver.pv", pv);
}

/*
 * The attributes of t's columns, on u (t's rows regrouped by partition)
 * where they still hold partition by partition: in an HDB each partition
 * is a table of its own and an attribute belongs to a partition's column
 * (`p# on sym is the usual one, .Q.dpft); `g# and `u# hold whatever the
 * row order, `s# and `p# are checked within each partition.  Where
 * lookups then use them per partition (attr_where).
 */
static K *slice(K *v, int64_t from, int64_t cnt);

static void
keep_part_attrs(K *t, K *u, const char *pf)
{
	K		   *pc = q_table_col(u, pf);
	int64_t		n = trows(u),
				c,
				k;

	for (c = 0; c < tncols(u); c++)
	{
		const char *nm = tnames(u)->v.syms[c];
		K		   *old = q_table_col(t, nm),
				   *col = tcols(u)->v.objs[c];
		bool		ok = true;

		if (!old || old->attr == KIPC_ATTR_NONE || strcmp(nm, pf) == 0 ||
			col->type != old->type || col->refcount != 1)
			continue;
		if (old->attr == KIPC_ATTR_SORTED)
		{
			for (k = 1; k < n && ok; k++)
				if (cmp_items(pc, k - 1, pc, k) == 0 && cmp_items(col, k - 1, col, k) > 0)
					ok = false;
		}
		else if (old->attr == KIPC_ATTR_PARTED)
		{
			int64_t		lo = 0;

			for (k = 1; k <= n && ok; k++)
				if (k == n || cmp_items(pc, k - 1, pc, k) != 0)
				{
					K		   *s = slice(col, lo, k - lo);

					ok = q_is_parted(s);
					kipc_unref(s);
					lo = k;
				}
		}
		if (ok)
			col->attr = old->attr;
	}
}

K *
q_partition(K *name, K *col)
{
	K		   *t,
			   *u,
			   *c,
			   *r,
			   *names;
	K		   *pf = q_get_global(".qserver.pf");
	K		   *parts = q_get_global(".qserver.parts");
	int64_t		pc,
				k,
				n;
	int64_t    *ix;
	bool		desc = false;

	if (name->type != -KIPC_T_SYMBOL || col->type != -KIPC_T_SYMBOL)
		q_err("type");
	if (parts && parts->type == KIPC_T_SYMBOL && parts->n > 0 && pf &&
		pf->type == -KIPC_T_SYMBOL && strcmp(pf->a.s, col->a.s) != 0)
		q_err("nyi");			/* an HDB has one partition field */
	t = q_resolve_table(name);
	if (!is_table(t))
		q_err("type");
	pc = col_index(t, col->a.s);
	if (pc < 0)
		q_err(col->a.s);
	c = tcols(t)->v.objs[pc];
	if (c->type != KIPC_T_DATE && c->type != KIPC_T_MONTH &&
		c->type != KIPC_T_INT && c->type != KIPC_T_LONG)
		q_err("type");
	/* rows stably sorted by partition, partition column first */
	n = trows(t);
	ix = q_alloc(sizeof(int64_t) * (n + 1));
	for (k = 0; k < n; k++)
		ix[k] = k;
	sort_rows(ix, n, &c, &desc, 1);
	{
		K		   *iv = long_vec(ix, n);
		int64_t		order[1];

		u = q_table_rows(t, iv);
		kipc_unref(iv);
		order[0] = pc;
		/* move the column to the front by keying on it and unkeying */
		r = key_by(u, order, 1);
		kipc_unref(u);
		u = q_unkey(r);
		kipc_unref(r);
	}
	free(ix);
	keep_part_attrs(t, u, col->a.s);
	kipc_unref(t);
	q_set_global(name->a.s, u);
	names = parts && parts->type == KIPC_T_SYMBOL ? kipc_copy(parts) : kipc_new_vector(KIPC_T_SYMBOL, 0);
	if (!parted_by_name(name->a.s))
	{
		kipc_resize(names, names->n + 1);
		kipc_set_symbol(names, names->n - 1, name->a.s);
	}
	if (!q_get_global(".qserver.unconstrained"))
		q_set_global(".qserver.unconstrained", kipc_new_long(0));
	refresh_partition_globals(names, col->a.s);
	kipc_unref(names);
	return kipc_new_identity();
}

static void
count_unconstrained(void)
{
	K		   *v = q_get_global(".qserver.unconstrained");
	int64_t		n = v && v->type == -KIPC_T_LONG ? v->a.j : 0;

	q_set_global(".qserver.unconstrained", kipc_new_long(n + 1));
}

/* ----------------------------------------------------------------
 * Catalogue: meta, cols, keys, tables
 * ----------------------------------------------------------------
 */
static char
meta_type(K *col)
{
	if (col->type == KIPC_T_LIST)
	{
		K		   *f;

		if (col->n == 0)
			return ' ';
		f = col->v.objs[0];
		if (f->type > 0 && f->type <= KIPC_T_TIME)
			return (char) toupper((unsigned char) kipc_type_char(f->type));
		return ' ';
	}
	return kipc_type_char(col->type);
}

static const char *
attr_name(int a)
{
	switch (a)
	{
		case KIPC_ATTR_SORTED: return "s";
		case KIPC_ATTR_UNIQUE: return "u";
		case KIPC_ATTR_PARTED: return "p";
		case KIPC_ATTR_GROUPED: return "g";
		default: return "";
	}
}

K *
q_meta(K *t)
{
	K		   *u = t->type == -KIPC_T_SYMBOL ? q_resolve_table(t) : kipc_ref(t);
	K		   *tab,
			   *c,
			   *ty,
			   *f,
			   *a,
			   *res;
	int64_t		k,
				nc;
	const char *kn[1] = {"c"};
	const char *vn[3] = {"t", "f", "a"};
	K		   *vc[3];

	if (is_keyed(u))
	{
		tab = q_unkey(u);
		kipc_unref(u);
	}
	else if (is_table(u))
		tab = u;
	else
		q_err("type");
	nc = tncols(tab);
	c = kipc_ref(tnames(tab));
	ty = kipc_new_vector(KIPC_T_CHAR, nc);
	f = kipc_new_vector(KIPC_T_SYMBOL, nc);
	a = kipc_new_vector(KIPC_T_SYMBOL, nc);
	for (k = 0; k < nc; k++)
	{
		K		   *col = tcols(tab)->v.objs[k];

		((char *) ty->v.items)[k] = meta_type(col);
		if (attr_name(col->attr)[0])
			kipc_set_symbol(a, k, attr_name(col->attr));
	}
	kipc_unref(tab);
	vc[0] = ty;
	vc[1] = f;
	vc[2] = a;
	res = kipc_new_dict(make_table(kn, &c, 1), make_table(vn, vc, 3));
	return res;
}

K *
q_cols(K *t)
{
	K		   *u = t->type == -KIPC_T_SYMBOL ? q_resolve_table(t) : kipc_ref(t);
	K		   *r;

	if (is_keyed(u))
	{
		K		   *x = q_unkey(u);

		r = kipc_ref(tnames(x));
		kipc_unref(x);
	}
	else if (is_table(u))
		r = kipc_ref(tnames(u));
	else if (is_dict(u))
		r = kipc_ref(kipc_dict_keys(u));
	else
		q_err("type");
	kipc_unref(u);
	return r;
}

K *
q_keys(K *t)
{
	K		   *u = t->type == -KIPC_T_SYMBOL ? q_resolve_table(t) : kipc_ref(t);
	K		   *r;

	if (is_keyed(u))
		r = kipc_ref(tnames(kipc_dict_keys(u)));
	else if (is_table(u))
		r = kipc_new_vector(KIPC_T_SYMBOL, 0);
	else
		q_err("type");
	kipc_unref(u);
	return r;
}

/*
 * Tables of a namespace: `tables[]` / `tables `.` is the root namespace
 * (global names without a dot), `tables `.ns` the names directly inside .ns
 * (returned unqualified, as \a .ns does).  Sorted.
 */
K *
q_tables_in(K *ns)
{
	QHash	   *h = &q_cur->globals;
	const char *prefix = "";
	size_t		pl;
	int64_t		k,
				n = 0;
	const char **names = q_alloc(sizeof(char *) * (h->n + 1));
	K		   *v,
			   *iv,
			   *r;
	int64_t    *ix;
	bool		desc = false;

	if (ns && ns->type == -KIPC_T_SYMBOL && ns->a.s[0] && strcmp(ns->a.s, ".") != 0)
		prefix = ns->a.s;
	else if (ns && ns->type != -KIPC_T_SYMBOL && ns->type != KIPC_T_UNARY &&
			 !(ns->type == KIPC_T_LIST && ns->n == 0))
		q_err("type");
	pl = strlen(prefix);
	for (k = 0; k < h->cap; k++)
	{
		const char *key = h->keys[k];
		const char *rest;
		K		   *val = h->vals[k];

		if (!key || !val || (!is_table(val) && !is_keyed(val)))
			continue;
		if (pl == 0)
		{
			if (key[0] == '.')
				continue;
			rest = key;
		}
		else
		{
			if (strncmp(key, prefix, pl) != 0 || key[pl] != '.')
				continue;
			rest = key + pl + 1;
			if (strchr(rest, '.'))
				continue;
		}
		names[n++] = rest;
	}
	v = symvec_of(names, n);
	free(names);
	ix = q_alloc(sizeof(int64_t) * (n + 1));
	for (k = 0; k < n; k++)
		ix[k] = k;
	sort_rows(ix, n, &v, &desc, 1);
	iv = long_vec(ix, n);
	free(ix);
	r = gather(v, iv);
	kipc_unref(iv);
	kipc_unref(v);
	return r;
}

K *
q_tables(void)
{
	return q_tables_in(NULL);
}

/* ----------------------------------------------------------------
 * Column scope of a qSQL phrase
 * ----------------------------------------------------------------
 */

/*
 * Per-group evaluation reads each referenced column once, in group order:
 * the rows are scattered (read sequentially, written to one stream per
 * group) into a permuted copy where every group is a contiguous slice,
 * and a group's column is then a plain copy of its slice.  Gathering each
 * group's rows from the original column instead would sweep the whole
 * column once per group.  The permutation belongs to one scope, checked
 * by the scope's cache array, which is never freed while a query that
 * failed part-way leaves this pointer behind.
 */
typedef struct GroupPerm
{
	QScope	   *sc;
	K		  **cache;			/* sc->cache when set up */
	K		   *idx;			/* the scope's rows before grouping */
	int64_t		n;				/* rows grouped */
	const int64_t *inv;			/* row position -> permuted position */
	const int64_t *start;		/* per group: first permuted position */
	K		  **pcols;			/* per table column: permuted copy */
	int64_t		cur;			/* group being evaluated */
	struct GroupPerm *prev;
} GroupPerm;

static GroupPerm *gperm;

/* out[inv[k]] = col[row k] for the n rows of the scope */
static K *
scatter_rows(K *col, K *idx, const int64_t *inv, int64_t n)
{
	K		   *r;
	int64_t		k;
	int			sz;

	if (col->type == KIPC_T_LIST)
	{
		r = kipc_new_list(n);
		for (k = 0; k < n; k++)
			r->v.objs[inv[k]] = kipc_ref(col->v.objs[row_at(idx, k)]);
		return r;
	}
	if (col->type == KIPC_T_SYMBOL)
	{
		r = kipc_new_vector(KIPC_T_SYMBOL, n);
		for (k = 0; k < n; k++)
		{
			int64_t		p = row_at(idx, k);

			if (col->v.syms[p][0])
				set_sym_from(r, inv[k], col, p);
		}
		return r;
	}
	r = kipc_new_vector(col->type, n);
	sz = kipc_type_size(col->type);
	switch (sz)
	{
		case 1:
			for (k = 0; k < n; k++)
				((uint8_t *) r->v.items)[inv[k]] = kipc_get_g(col, row_at(idx, k));
			break;
		case 2:
			for (k = 0; k < n; k++)
				kipc_set_h(r, inv[k], kipc_get_h(col, row_at(idx, k)));
			break;
		case 4:
			for (k = 0; k < n; k++)
				memcpy((char *) r->v.items + inv[k] * 4, (const char *) col->v.items + row_at(idx, k) * 4, 4);
			break;
		case 8:
			for (k = 0; k < n; k++)
				memcpy((char *) r->v.items + inv[k] * 8, (const char *) col->v.items + row_at(idx, k) * 8, 8);
			break;
		case 16:
			for (k = 0; k < n; k++)
				memcpy((char *) r->v.items + inv[k] * 16, (const char *) col->v.items + row_at(idx, k) * 16, 16);
			break;
		default:
			q_err("nyi");
	}
	return r;
}

/* items from..from+cnt of vector or list v, as a new one */
static K *
slice(K *v, int64_t from, int64_t cnt)
{
	K		   *r;
	int64_t		k;

	if (v->type == KIPC_T_LIST)
	{
		r = kipc_new_list(cnt);
		for (k = 0; k < cnt; k++)
			r->v.objs[k] = kipc_ref(v->v.objs[from + k]);
		return r;
	}
	r = kipc_new_vector(v->type, cnt);
	if (v->type == KIPC_T_SYMBOL)
	{
		for (k = 0; k < cnt; k++)
			if (v->v.syms[from + k][0])
				set_sym_from(r, k, v, from + k);
		return r;
	}
	if (cnt)
		memcpy(r->v.items, (const char *) v->v.items + from * kipc_type_size(v->type),
			   cnt * kipc_type_size(v->type));
	return r;
}

/* column c of the current group of sc, or NULL if sc is not grouped */
static K *
group_slice(QScope *sc, int64_t c)
{
	GroupPerm  *gp = gperm;

	if (!gp || gp->sc != sc || gp->cache != sc->cache || gp->cur < 0)
		return NULL;
	if (!gp->pcols[c])
	{
		gp->pcols[c] = scatter_rows(tcols(sc->table)->v.objs[c], gp->idx, gp->inv, gp->n);
		q_stats_rows(tnames(sc->table)->v.syms[c], gp->n);	/* .qserver.stats */
	}
	return slice(gp->pcols[c], gp->start[gp->cur], gp->start[gp->cur + 1] - gp->start[gp->cur]);
}



/* the virtual column i for the rows of a scope */
static K *
virtual_i(QScope *sc)
{
	int64_t		n = sc->idx ? sc->idx->n : trows(sc->table);
	K		   *r = kipc_new_vector(KIPC_T_LONG, n);
	int64_t    *o = (int64_t *) r->v.items;
	int64_t		k;
	Parted	   *p = parted_of(sc->table);

	for (k = 0; k < n; k++)
		o[k] = row_at(sc->idx, k);
	if (p)
	{
		/* a partitioned table counts i within each partition; the rows
		 * are sorted by partition, so subtract the partition's start */
		K		   *pc = q_table_col(sc->table, p->pf);

		for (k = 0; k < n; k++)
		{
			int64_t		lo = 0,
						hi = o[k];

			while (lo < hi)
			{
				int64_t		mid = (lo + hi) / 2;

				if (cmp_items(pc, mid, pc, o[k]) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			o[k] -= lo;
		}
	}
	return r;
}

K *
q_scope_lookup(const char *name)
{
	QScope	   *sc = q_cur->scope;
	int64_t		c;

	if (!sc)
		return NULL;
	c = col_index(sc->table, name);
	if (c < 0)
	{
		const char *dot = strrchr(name, '.');

		if (strcmp(name, "i") == 0)
			return virtual_i(sc);
		if (dot && dot != name && dot[1])
		{
			/* col.minute, col.date, ...: the cast `minute$col */
			char	   *cn = q_strndup(name, dot - name);
			K		   *col = q_scope_lookup(cn);
			K		   *f,
					   *r;

			free(cn);
			if (!col)
				return NULL;
			f = kipc_new_symbol(dot + 1);
			r = q_cast(f, col);
			kipc_unref(f);
			kipc_unref(col);
			return r;
		}
		return NULL;
	}
	if (!sc->cache[c])
	{
		sc->cache[c] = group_slice(sc, c);
		if (!sc->cache[c])
		{
			sc->cache[c] = gather(tcols(sc->table)->v.objs[c], sc->idx);
			q_stats_rows(name, sc->cache[c]->n);	/* .qserver.stats */
		}
	}
	return kipc_ref(sc->cache[c]);
}

/* the column cache as its arena sees it: an error frees the arena, and
 * the columns still cached with it */
typedef struct ScopeCache
{
	K		  **cache;
	int64_t		ncols;
} ScopeCache;

static void
scope_cache_cleanup(void *arg)
{
	ScopeCache *c = arg;
	int64_t		i;

	for (i = 0; i < c->ncols; i++)
	{
		kipc_unref(c->cache[i]);
		c->cache[i] = NULL;
	}
}

static void
scope_init(QScope *sc, K *table, K *idx)
{
	ScopeCache *c = q_palloc(sizeof(ScopeCache));

	sc->table = table;
	sc->idx = idx;
	sc->ncols = tncols(table);
	/* in run_query's arena */
	sc->cache = q_palloc(sizeof(K *) * (sc->ncols + 1));
	sc->up = NULL;
	c->cache = sc->cache;
	c->ncols = sc->ncols;
	q_arena_cleanup(scope_cache_cleanup, c);
}

static void
scope_set_rows(QScope *sc, K *idx)
{
	int64_t		c;

	for (c = 0; c < sc->ncols; c++)
	{
		kipc_unref(sc->cache[c]);
		sc->cache[c] = NULL;
	}
	sc->idx = idx;
}

static void
scope_free(QScope *sc)
{
	scope_set_rows(sc, NULL);
}

/* ----------------------------------------------------------------
 * Parse trees of the functional forms
 * ----------------------------------------------------------------
 */
static bool
is_enlist_fn(const K *f, int nargs)
{
	if (f->type == KIPC_T_UNARY && (f->a.g == U_ENLIST || f->a.g == U_ENLIST1))
		return true;
	/* (,;x): the unary form of , in a parse tree is enlist */
	return f->type == KIPC_T_BINARY && f->a.g == B_JOIN && nargs == 1;
}

/*
 * Evaluate a parse tree as kdb+'s eval does: a symbol atom is a name
 * (column, local, global, keyword); a one-item list -- general, or a
 * symbol vector like ,`x -- quotes its item; a longer general list is an
 * application of its first item (a function, or a name of one) to the
 * values of the others, evaluated right to left; anything else is a
 * constant.
 */
static K *
eval_tree(K *t)
{
	if (t->type == -KIPC_T_SYMBOL)
	{
		K		   *v;

		if (t->a.s[0] == 0)
			return kipc_ref(t);
		v = q_lookup(t->a.s);
		if (!v)
			q_err(t->a.s);
		return v;
	}
	if ((t->type == KIPC_T_LIST || t->type == KIPC_T_SYMBOL) && t->n == 1)
		return item_of(t, 0);
	if (t->type == KIPC_T_LIST && t->n > 1)
	{
		int			na = (int) t->n - 1,
					i;
		K		   *argv[16];
		K		  **args = na <= 16 ? argv : q_alloc(sizeof(K *) * na);
		K		   *head = t->v.objs[0],
				   *f,
				   *r;

		for (i = na - 1; i >= 0; i--)
			args[i] = eval_tree(t->v.objs[i + 1]);
		if (head->type == -KIPC_T_SYMBOL || head->type == KIPC_T_LIST)
			f = eval_tree(head);
		else
			f = kipc_ref(head);
		if (is_enlist_fn(f, na))
		{
			K		   *l = kipc_new_list(na);

			for (i = 0; i < na; i++)
				l->v.objs[i] = kipc_ref(args[i]);
			r = q_collapse(l);
		}
		else
			r = q_apply(f, args, na);
		kipc_unref(f);
		for (i = 0; i < na; i++)
			kipc_unref(args[i]);
		if (args != argv)
			free(args);
		return r;
	}
	return kipc_ref(t);
}

/* does a parse tree / node name column c (for the partition check) */
static bool
tree_mentions(const K *t, const char *c)
{
	int64_t		k;

	if (t->type == -KIPC_T_SYMBOL)
		return strcmp(t->a.s, c) == 0;
	if (t->type == KIPC_T_LIST && t->n > 1)
		for (k = 0; k < t->n; k++)
			if (tree_mentions(t->v.objs[k], c))
				return true;
	return false;
}

static bool
node_mentions(const QNode *n, const char *c)
{
	int			k;

	if (!n)
		return false;
	if (n->kind == N_VAR)
		return strcmp(n->name, c) == 0;
	if (n->kind == N_QSQL || n->kind == N_LAMBDA)
		return false;
	for (k = 0; k < n->n; k++)
		if (node_mentions(n->kids[k], c))
			return true;
	return false;
}

/* ----------------------------------------------------------------
 * The query engine shared by qSQL templates and functional forms
 * ----------------------------------------------------------------
 */
typedef struct QExpr
{
	QNode	   *node;			/* qSQL subphrase, or */
	K		   *tree;			/* functional parse tree (borrowed) */
} QExpr;

typedef struct Query
{
	QSqlKind	kind;
	K		   *src;			/* table value (own ref) */
	const char *byname;			/* table given by name: update/delete in
								 * place */
	int			nwhere;
	QExpr	   *where;
	int			nby;
	QExpr	   *by;
	char	  **bynames;
	bool		by_named;		/* exec: by given with names (dict) */
	bool		by_false;		/* exec ... by 0b: a table */
	int			ncols;
	QExpr	   *cols;
	char	  **colnames;
	bool		cols_named;		/* exec: columns given with names */
	bool		distinct;
	K		   *limit;			/* evaluated select[..] / 5th argument */
	K		   *order;			/* (iasc;`c) / (idesc;`c) */
	QNode	   *order_node;		/* select[n;>c]: evaluates to a grade */
	bool		del_cols;		/* delete columns (names in colnames) */
	char	   *owned[64];		/* names made by uniquify, freed at the end */
	int			nowned;
	/* one partition of a partitioned table (run_parted) */
	int			wfirst;			/* first Where subphrase still to apply */
	K		   *part_rows;		/* the partition's rows, or NULL */
	bool		rows_only;		/* return the rows the Where phrase keeps */
} Query;

static K *
eval_expr(QExpr *e)
{
	if (e->node)
		return q_eval(e->node);
	return eval_tree(e->tree);
}

/* keep the rows of the current row set where v is true (non-zero) */
static K *
filter_rows(K *v, K *idx, int64_t n)
{
	K		   *r;
	int64_t    *o;
	int64_t		k,
				m = 0;

	if (q_is_atom(v))
	{
		bool		t;

		if (v->type != -KIPC_T_BOOLEAN && v->type != -KIPC_T_LONG &&
			v->type != -KIPC_T_INT && v->type != -KIPC_T_SHORT &&
			v->type != -KIPC_T_BYTE)
			q_err("type");
		t = q_true(v);
		r = kipc_new_vector(KIPC_T_LONG, t ? n : 0);
		for (k = 0; t && k < n; k++)
			kipc_set_j(r, k, row_at(idx, k));
		return r;
	}
	if (v->n != n)
		q_err("length");
	r = kipc_new_vector(KIPC_T_LONG, n);
	o = (int64_t *) r->v.items;
	switch (v->type)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
			{
				const uint8_t *b = v->v.items;

				if (idx)
				{
					const int64_t *ix = lptr(idx);

					for (k = 0; k < n; k++)
					{
						o[m] = ix[k];
						m += b[k] != 0;
					}
				}
				else
					for (k = 0; k < n; k++)
					{
						o[m] = k;
						m += b[k] != 0;
					}
				break;
			}
		case KIPC_T_SHORT:
			for (k = 0; k < n; k++)
				if (kipc_get_h(v, k) != 0)
					o[m++] = row_at(idx, k);
			break;
		case KIPC_T_INT:
			for (k = 0; k < n; k++)
				if (kipc_get_i(v, k) != 0)
					o[m++] = row_at(idx, k);
			break;
		case KIPC_T_LONG:
			for (k = 0; k < n; k++)
				if (kipc_get_j(v, k) != 0)
					o[m++] = row_at(idx, k);
			break;
		default:
			q_err("type");
	}
	kipc_resize(r, m);
	return r;
}

static int64_t
nrows_of(QScope *sc)
{
	return sc->idx ? sc->idx->n : trows(sc->table);
}

/* select[n] / select[-n] / select[m n] on a row set of n rows */
static void
limit_range(K *lim, int64_t n, int64_t *from, int64_t *cnt)
{
	if (lim->type == -KIPC_T_LONG || lim->type == -KIPC_T_INT || lim->type == -KIPC_T_SHORT)
	{
		int64_t		m = q_to_long(lim);

		if (m >= 0)
		{
			*from = 0;
			*cnt = m < n ? m : n;
		}
		else
		{
			*cnt = -m < n ? -m : n;
			*from = n - *cnt;
		}
		return;
	}
	if ((lim->type == KIPC_T_LONG || lim->type == KIPC_T_INT || lim->type == KIPC_T_LIST) && q_count(lim) == 2)
	{
		K		   *a = item_of(lim, 0),
				   *b = item_of(lim, 1);
		int64_t		m = q_to_long(a),
					c = q_to_long(b);

		kipc_unref(a);
		kipc_unref(b);
		if (m < 0 || c < 0)
			q_err("domain");
		*from = m < n ? m : n;
		*cnt = c < n - *from ? c : n - *from;
		return;
	}
	q_err("type");
}

static K *
limit_rows(K *lim, K *idx, int64_t n)
{
	int64_t		from,
				cnt,
				k;
	K		   *r;

	limit_range(lim, n, &from, &cnt);
	r = kipc_new_vector(KIPC_T_LONG, cnt);
	for (k = 0; k < cnt; k++)
		kipc_set_j(r, k, row_at(idx, from + k));
	return r;
}

/* take rows from..from+cnt of a (keyed) table */
static K *
limit_table(K *lim, K *t)
{
	int64_t		from,
				cnt,
				k,
				n = is_keyed(t) ? trows(kipc_dict_keys(t)) : trows(t);
	K		   *iv,
			   *r;

	limit_range(lim, n, &from, &cnt);
	iv = kipc_new_vector(KIPC_T_LONG, cnt);
	for (k = 0; k < cnt; k++)
		kipc_set_j(iv, k, from + k);
	r = q_table_rows(t, iv);
	kipc_unref(iv);
	return r;
}

/* distinct rows of a table, first occurrences in order */
static K *
distinct_rows(K *t)
{
	Groups		g;
	K		   *iv,
			   *r;

	if (tncols(t) == 0)
		return kipc_ref(t);
	group_rows(tcols(t)->v.objs, (int) tncols(t), NULL, trows(t), &g);
	iv = long_vec(g.first, g.ngroups);
	groups_free(&g);
	r = q_table_rows(t, iv);
	kipc_unref(iv);
	return r;
}

/* a column of per-group values: same-type atoms become a vector */
static K *
collect(K **vals, int64_t n)
{
	K		   *l = kipc_new_list(n);
	int64_t		k;

	for (k = 0; k < n; k++)
		l->v.objs[k] = vals[k];
	return q_collapse(l);
}

/* type-preserving empty column for the value an expression gives on no
 * rows: an atom gives an empty vector of its type */
static K *
empty_col_like(K *v)
{
	if (q_is_atom(v))
	{
		K		   *e = q_enlist(v);
		K		   *r = q_take(0, e);

		kipc_unref(e);
		return r;
	}
	return kipc_new_list(0);
}

/*
 * Group the current rows of the scope by the By phrase.  Fills the
 * group key table columns (sorted ascending by key, as q's By result),
 * and for each group the physical rows of its members, in row order.
 */
typedef struct ByGroups
{
	int64_t		ngroups;
	K		  **keycols;		/* nby columns of ngroups key values */
	K		  **rows;			/* per group: long vector of physical rows */
	int64_t    *pos_start;		/* per group: offset into pos */
	int64_t    *pos;			/* current-row positions grouped */
	int64_t    *gid;			/* per current-row position: group number */
	int64_t    *rank;			/* per group number: its place in key order */
} ByGroups;

/*
 * By subphrases that each name a column of simple type not read yet are
 * grouped in the table's columns at the scope's rows, without copying
 * them out (a symbol column's copy allocates every string).  The read is
 * counted as the scope lookup would count it.  Sets bv to the columns
 * (borrowed references taken) and returns true, or false to evaluate.
 */
static bool
by_in_place(Query *Q, QScope *sc, K **bv)
{
	int			b;

	if (q_group_slow())
		return false;
	for (b = 0; b < Q->nby; b++)
	{
		QExpr	   *e = &Q->by[b];
		const char *nm = e->node ? (e->node->kind == N_VAR ? e->node->name : NULL) :
			(e->tree->type == -KIPC_T_SYMBOL ? e->tree->a.s : NULL);
		int64_t		c = nm ? col_index(sc->table, nm) : -1;
		K		   *col;

		if (c < 0 || sc->cache[c])
			return false;
		col = tcols(sc->table)->v.objs[c];
		if (col->type < 1 || col->type > 19 || trows(sc->table) != col->n)
			return false;
	}
	for (b = Q->nby - 1; b >= 0; b--)
	{
		QExpr	   *e = &Q->by[b];
		const char *nm = e->node ? e->node->name : e->tree->a.s;

		bv[b] = kipc_ref(tcols(sc->table)->v.objs[col_index(sc->table, nm)]);
		q_stats_rows(nm, nrows_of(sc));	/* .qserver.stats */
	}
	return true;
}

/*
 * Group the rows; with need_rows false only keycols, gid and rank are
 * filled (for the aggregates computed per group number in one pass).
 */
static void
by_groups(Query *Q, QScope *sc, ByGroups *bg, bool need_rows)
{
	int64_t		n = nrows_of(sc),
				k,
				g;
	K		  **bv = q_alloc(sizeof(K *) * Q->nby);
	Groups		gr;
	int64_t    *perm,
			   *rank,
			   *cnt;
	bool	   *desc = q_alloc(Q->nby + 1);
	int			b;

	K		  **kv = q_alloc(sizeof(K *) * Q->nby);
	const K    *gidx = NULL;	/* rows bv is indexed by: positions */

	if (by_in_place(Q, sc, bv))
		gidx = sc->idx;			/* bv are table columns: rows */
	else
		for (b = Q->nby - 1; b >= 0; b--)
		{
			K		   *v = eval_expr(&Q->by[b]);

			bv[b] = extend(v, n);
			kipc_unref(v);
			if (q_count(bv[b]) != n)
				q_err("length");
		}
	group_rows(bv, Q->nby, (K *) gidx, n, &gr);
	/*
	 * order the groups by their keys: the key of each group (at its first
	 * row), sorted; the keys are distinct, so the order is unique
	 */
	for (b = 0; b < Q->nby; b++)
		kv[b] = gather_rows(bv[b], gr.first, gr.ngroups);
	perm = q_alloc(sizeof(int64_t) * (gr.ngroups + 1));
	for (g = 0; g < gr.ngroups; g++)
		perm[g] = g;
	sort_rows(perm, gr.ngroups, kv, desc, Q->nby);
	rank = q_alloc(sizeof(int64_t) * (gr.ngroups + 1));
	for (g = 0; g < gr.ngroups; g++)
		rank[perm[g]] = g;
	bg->ngroups = gr.ngroups;
	bg->keycols = q_alloc(sizeof(K *) * Q->nby);
	for (b = 0; b < Q->nby; b++)
	{
		bg->keycols[b] = gather_rows(kv[b], perm, gr.ngroups);
		kipc_unref(kv[b]);
	}
	free(kv);
	bg->gid = NULL;
	bg->rank = NULL;
	bg->rows = NULL;
	bg->pos = NULL;
	bg->pos_start = NULL;
	if (!need_rows)
	{
		bg->gid = gr.gid;
		bg->rank = rank;
		for (b = 0; b < Q->nby; b++)
			kipc_unref(bv[b]);
		free(bv);
		free(desc);
		free(perm);
		free(gr.first);
		return;
	}
	/* counting sort of positions by group rank (stable: row order) */
	cnt = q_alloc(sizeof(int64_t) * (gr.ngroups + 1));
	for (k = 0; k < n; k++)
		cnt[rank[gr.gid[k]] + 1]++;
	for (g = 0; g < gr.ngroups; g++)
		cnt[g + 1] += cnt[g];
	bg->pos_start = q_alloc(sizeof(int64_t) * (gr.ngroups + 1));
	memcpy(bg->pos_start, cnt, sizeof(int64_t) * (gr.ngroups + 1));
	bg->pos = q_alloc(sizeof(int64_t) * (n + 1));
	for (k = 0; k < n; k++)
		bg->pos[cnt[rank[gr.gid[k]]]++] = k;
	bg->rows = q_alloc(sizeof(K *) * (gr.ngroups + 1));
	for (g = 0; g < gr.ngroups; g++)
	{
		int64_t		s = bg->pos_start[g],
					e = bg->pos_start[g + 1];
		K		   *r = kipc_new_vector(KIPC_T_LONG, e - s);

		for (k = s; k < e; k++)
			kipc_set_j(r, k - s, row_at(sc->idx, bg->pos[k]));
		bg->rows[g] = r;
	}
	for (b = 0; b < Q->nby; b++)
		kipc_unref(bv[b]);
	free(bv);
	free(desc);
	free(perm);
	free(rank);
	free(cnt);
	groups_free(&gr);
}

static void
by_groups_free(ByGroups *bg, int nby)
{
	int64_t		g;
	int			b;

	if (bg->rows)
		for (g = 0; g < bg->ngroups; g++)
			kipc_unref(bg->rows[g]);
	free(bg->gid);
	free(bg->rank);
	for (b = 0; b < nby; b++)
		kipc_unref(bg->keycols[b]);
	free(bg->rows);
	free(bg->keycols);
	free(bg->pos_start);
	free(bg->pos);
}

/* does name resolve to the count keyword (not a local or global)? */
static bool
is_count_fn(const char *name)
{
	K		   *f = q_lookup(name);
	bool		r = f && f->type == KIPC_T_UNARY && f->a.g == U_COUNT;

	kipc_unref(f);
	return r;
}

/*
 * Is e "count i" or "count col"?  Its value per group is the group size,
 * so the per-group evaluation can skip materialising anything.
 */
static bool
is_count_rows(QExpr *e, K *table)
{
	if (e->node)
	{
		QNode	   *n = e->node,
				   *h,
				   *a;

		if (n->kind != N_APPLY || n->n != 2 || !n->kids[1])
			return false;
		h = n->kids[0];
		a = n->kids[1];
		if (!((h->kind == N_VAR && strcmp(h->name, "count") == 0 &&
			   col_index(table, "count") < 0 && is_count_fn("count")) ||
			  (h->kind == N_CONST && h->val->type == KIPC_T_UNARY && h->val->a.g == U_COUNT)))
			return false;
		return a->kind == N_VAR && (col_index(table, a->name) >= 0 ||
									strcmp(a->name, "i") == 0);
	}
	else
	{
		K		   *t = e->tree,
				   *h,
				   *a;

		if (t->type != KIPC_T_LIST || t->n != 2)
			return false;
		h = t->v.objs[0];
		a = t->v.objs[1];
		if (!((h->type == KIPC_T_UNARY && h->a.g == U_COUNT) ||
			  (h->type == -KIPC_T_SYMBOL && strcmp(h->a.s, "count") == 0 &&
			   col_index(table, "count") < 0 && is_count_fn("count"))))
			return false;
		return a->type == -KIPC_T_SYMBOL && (col_index(table, a->a.s) >= 0 ||
											 strcmp(a->a.s, "i") == 0);
	}
}

/* evaluate every Select subphrase once per group: vals[c][g] */
static K ***
eval_per_group(Query *Q, QScope *sc, ByGroups *bg)
{
	K		 ***vals = q_alloc(sizeof(K **) * (Q->ncols + 1));
	K		   *saved = sc->idx;
	int64_t		g;
	int			c;
	bool	   *cnt = q_alloc(Q->ncols + 1);

	/* on the heap: a failed evaluation leaves gperm pointing at it */
	GroupPerm  *gp = q_alloc(sizeof(GroupPerm));
	int64_t		n = nrows_of(sc),
				k;
	int64_t    *inv = q_alloc(sizeof(int64_t) * (n + 1));

	for (c = 0; c < Q->ncols; c++)
	{
		vals[c] = q_alloc(sizeof(K *) * (bg->ngroups + 1));
		cnt[c] = is_count_rows(&Q->cols[c], sc->table);
	}
	for (k = 0; k < n; k++)
		inv[bg->pos[k]] = k;
	gp->sc = sc;
	gp->cache = sc->cache;
	gp->idx = saved;
	gp->n = n;
	gp->inv = inv;
	gp->start = bg->pos_start;
	gp->pcols = q_alloc(sizeof(K *) * (sc->ncols + 1));
	gp->cur = -1;
	gp->prev = gperm;
	gperm = gp;
	for (g = 0; g < bg->ngroups; g++)
	{
		scope_set_rows(sc, bg->rows[g]);
		gp->cur = g;
		for (c = Q->ncols - 1; c >= 0; c--)
			vals[c][g] = cnt[c] ? kipc_new_long(bg->rows[g]->n) : eval_expr(&Q->cols[c]);
		if ((g & 0x3ff) == 0x3ff)
			q_check_deadline();
	}
	gp->cur = -1;
	gperm = gp->prev;
	scope_set_rows(sc, saved);
	for (k = 0; k < sc->ncols; k++)
		kipc_unref(gp->pcols[k]);
	free(gp->pcols);
	free(gp);
	free(inv);
	free(cnt);
	return vals;
}

/* the per-group column c, typed from an empty evaluation when no groups */
static K *
group_column(Query *Q, QScope *sc, K **vals, int64_t ngroups, int c)
{
	if (ngroups == 0)
	{
		K		   *saved = sc->idx;
		K		   *none = kipc_new_vector(KIPC_T_LONG, 0);
		K		   *v,
				   *r;

		scope_set_rows(sc, none);
		v = eval_expr(&Q->cols[c]);
		scope_set_rows(sc, saved);
		kipc_unref(none);
		r = empty_col_like(v);
		kipc_unref(v);
		free(vals);
		return r;
	}
	{
		K		   *r = collect(vals, ngroups);

		free(vals);
		return r;
	}
}

static K *
key_table(Query *Q, ByGroups *bg)
{
	K		  **kc = q_alloc(sizeof(K *) * Q->nby);
	K		   *r;
	int			b;

	for (b = 0; b < Q->nby; b++)
		kc[b] = kipc_ref(bg->keycols[b]);
	r = make_table((const char *const *) Q->bynames, kc, Q->nby);
	free(kc);
	return r;
}

/* Select phrase without By: one value per subphrase, atoms broadcast */
static K *
select_plain(Query *Q, QScope *sc)
{
	K		  **v = q_alloc(sizeof(K *) * (Q->ncols + 1));
	int64_t		len = -1;
	int			c;
	K		   *r;

	for (c = Q->ncols - 1; c >= 0; c--)
		v[c] = eval_expr(&Q->cols[c]);
	for (c = 0; c < Q->ncols; c++)
		if (!q_is_atom(v[c]))
		{
			if (v[c]->type > KIPC_T_TIME)
				q_err("type");
			if (len >= 0 && q_count(v[c]) != len)
				q_err("length");
			len = q_count(v[c]);
		}
	for (c = 0; c < Q->ncols; c++)
		if (q_is_atom(v[c]))
		{
			K		   *e = len < 0 ? q_enlist(v[c]) : extend(v[c], len);

			kipc_unref(v[c]);
			v[c] = e;
		}
	r = make_table((const char *const *) Q->colnames, v, Q->ncols);
	free(v);
	return r;
}

/* ----------------------------------------------------------------
 * Grouped built-in aggregates, one pass per Select subphrase
 *
 * A subphrase agg[x] -- agg one of count, sum, avg, min, max (the
 * primitives, not a column or a redefined name) and x a column or an
 * item-wise expression of columns and constants -- has the same value per
 * group whether x is evaluated per group (the general path) or once over
 * all rows and split by group afterwards.  q_group_agg (q_group.c) then
 * accumulates every group in one pass over x, as kdb+ computes grouped
 * aggregates in C.  Anything else takes the general path.
 * ----------------------------------------------------------------
 */

/* the primitive at a function position: a verb value, or a name that is
 * no column of table and resolves to one (new ref); NULL otherwise */
static K *
prim_at(K *val, const char *name, K *table)
{
	K		   *f;

	if (val)
		return val->type == KIPC_T_UNARY || val->type == KIPC_T_BINARY ? kipc_ref(val) : NULL;
	if (!name || !name[0] || col_index(table, name) >= 0)
		return NULL;
	f = q_lookup(name);
	if (f && (f->type == KIPC_T_UNARY || f->type == KIPC_T_BINARY))
		return f;
	kipc_unref(f);
	return NULL;
}

/* a column of simple vector type */
static bool
simple_col(K *table, const char *name)
{
	int64_t		c = col_index(table, name);

	if (c < 0)
		return false;
	return tcols(table)->v.objs[c]->type >= 1 && tcols(table)->v.objs[c]->type <= 19;
}

static bool
itemwise_unary(int g)
{
	switch (g)
	{
		case U_NEG:
		case U_NOT:
		case U_NULL:
		case U_ABS:
		case U_FLOOR:
		case U_CEILING:
		case U_SIGNUM:
		case U_RECIP:
		case U_SQRT:
		case U_EXP:
		case U_LOG:
			return true;
		default:
			return false;
	}
}

static bool
itemwise_binary(int g)
{
	switch (g)
	{
		case B_PLUS:
		case B_MINUS:
		case B_TIMES:
		case B_DIVIDE:
		case B_AND:
		case B_OR:
		case B_EQ:
		case B_LT:
		case B_GT:
		case B_NE:
		case B_LE:
		case B_GE:
		case B_DIV:
		case B_MOD:
			return true;
		default:
			return false;
	}
}

/* a cast letter whose cast of a simple vector is item by item */
static bool
itemwise_cast(const K *a)
{
	return a->type == -KIPC_T_CHAR && a->a.g && strchr("bxhijefpmdznuvt", a->a.g) != NULL;
}

/*
 * Can the function f applied to arguments whose shapes are given (1: an
 * item-wise expression of the rows, 0: a constant atom) be split by
 * group?  left is the first argument's value when it is a constant.
 */
static bool
itemwise_apply(const K *f, int na, const bool *rowwise, const K *left)
{
	if (f->type == KIPC_T_UNARY)
		return na == 1 && rowwise[0] && itemwise_unary(f->a.g);
	if (na != 2 || !rowwise[1])
		return false;
	if (f->a.g == B_XBAR)
		return !rowwise[0];
	if (f->a.g == B_CAST)
		return !rowwise[0] && left && itemwise_cast(left);
	return itemwise_binary(f->a.g);
}

/* a constant atom of a parse tree (a symbol atom is a name) */
static const K *
tree_const(const K *t)
{
	if (t->type <= -1 && t->type >= -19 && t->type != -KIPC_T_SYMBOL)
		return t;
	return NULL;
}

static bool
rowwise_tree(K *t, K *table, int depth)
{
	K		   *f;
	bool		rw[2],
				ok;
	int			na,
				k;

	if (t->type == -KIPC_T_SYMBOL)
		return simple_col(table, t->a.s);
	if (depth > 16 || t->type != KIPC_T_LIST || t->n < 2 || t->n > 3)
		return false;
	f = t->v.objs[0]->type == -KIPC_T_SYMBOL ?
		prim_at(NULL, t->v.objs[0]->a.s, table) : prim_at(t->v.objs[0], NULL, table);
	if (!f)
		return false;
	na = (int) t->n - 1;
	ok = true;
	for (k = 0; k < na && ok; k++)
	{
		rw[k] = rowwise_tree(t->v.objs[k + 1], table, depth + 1);
		if (!rw[k] && !tree_const(t->v.objs[k + 1]))
			ok = false;
	}
	ok = ok && itemwise_apply(f, na, rw, na == 2 ? tree_const(t->v.objs[1]) : NULL);
	kipc_unref(f);
	return ok;
}

static const K *
node_const(const QNode *n)
{
	if (n && n->kind == N_CONST && n->val->type <= -1 && n->val->type >= -19)
		return n->val;
	return NULL;
}

static bool
rowwise_node(QNode *n, K *table, int depth)
{
	K		   *f;
	bool		rw[2],
				ok;
	int			na,
				k;

	if (!n)
		return false;
	if (n->kind == N_VAR)
		return simple_col(table, n->name);
	if (depth > 16 || n->kind != N_APPLY || n->n < 2 || n->n > 3)
		return false;
	if (n->kids[0]->kind == N_VAR)
		f = prim_at(NULL, n->kids[0]->name, table);
	else if (n->kids[0]->kind == N_CONST)
		f = prim_at(n->kids[0]->val, NULL, table);
	else
		return false;
	if (!f)
		return false;
	na = n->n - 1;
	ok = true;
	for (k = 0; k < na && ok; k++)
	{
		rw[k] = rowwise_node(n->kids[k + 1], table, depth + 1);
		if (!rw[k] && !node_const(n->kids[k + 1]))
			ok = false;
	}
	ok = ok && itemwise_apply(f, na, rw, na == 2 ? node_const(n->kids[1]) : NULL);
	kipc_unref(f);
	return ok;
}

static bool
fast_agg_prim(K *f, int *u)
{
	bool		ok = f && f->type == KIPC_T_UNARY &&
		(f->a.g == U_COUNT || f->a.g == U_SUM || f->a.g == U_AVG ||
		 f->a.g == U_MIN || f->a.g == U_MAX);

	if (ok)
		*u = f->a.g;
	kipc_unref(f);
	return ok;
}

/* is e agg[x] as above?  sets the aggregate and the argument x */
static bool
fast_col(QExpr *e, K *table, int *u, QExpr *arg)
{
	arg->node = NULL;
	arg->tree = NULL;
	if (e->node)
	{
		QNode	   *n = e->node;

		if (n->kind != N_APPLY || n->n != 2 || !n->kids[1])
			return false;
		if (!fast_agg_prim(n->kids[0]->kind == N_VAR ? prim_at(NULL, n->kids[0]->name, table) :
						   n->kids[0]->kind == N_CONST ? prim_at(n->kids[0]->val, NULL, table) : NULL, u))
			return false;
		arg->node = n->kids[1];
		return *u == U_COUNT && n->kids[1]->kind == N_VAR && strcmp(n->kids[1]->name, "i") == 0 ?
			true : rowwise_node(n->kids[1], table, 0);
	}
	else
	{
		K		   *t = e->tree,
				   *h;

		if (t->type != KIPC_T_LIST || t->n != 2)
			return false;
		h = t->v.objs[0];
		if (!fast_agg_prim(h->type == -KIPC_T_SYMBOL ? prim_at(NULL, h->a.s, table) : prim_at(h, NULL, table), u))
			return false;
		arg->tree = t->v.objs[1];
		return *u == U_COUNT && arg->tree->type == -KIPC_T_SYMBOL && strcmp(arg->tree->a.s, "i") == 0 ?
			true : rowwise_tree(arg->tree, table, 0);
	}
}

/* the primitive index at a parse-tree function position, or -1 */
static int
tree_prim(K *h, K *table, int type)
{
	K		   *f = h->type == -KIPC_T_SYMBOL ? prim_at(NULL, h->a.s, table) : prim_at(h, NULL, table);
	int			g = f && f->type == type ? f->a.g : -1;

	kipc_unref(f);
	return g;
}

static int
node_prim(QNode *h, K *table, int type)
{
	K		   *f = h->kind == N_VAR ? prim_at(NULL, h->name, table) :
		h->kind == N_CONST ? prim_at(h->val, NULL, table) : NULL;
	int			g = f && f->type == type ? f->a.g : -1;

	kipc_unref(f);
	return g;
}

/*
 * Is x "j"$not null c for a column c (the FDW's count of non-null
 * values)?  Returns c's name: its sum per group is the count of c's
 * non-null items, computed without the three intermediate vectors.
 */
static const char *
valid_count_col(QExpr *x, K *table)
{
	if (x->tree)
	{
		K		   *t = x->tree,
				   *a,
				   *b;

		if (t->type != KIPC_T_LIST || t->n != 3 ||
			tree_prim(t->v.objs[0], table, KIPC_T_BINARY) != B_CAST ||
			t->v.objs[1]->type != -KIPC_T_CHAR || t->v.objs[1]->a.g != 'j')
			return NULL;
		a = t->v.objs[2];
		if (a->type != KIPC_T_LIST || a->n != 2 || tree_prim(a->v.objs[0], table, KIPC_T_UNARY) != U_NOT)
			return NULL;
		b = a->v.objs[1];
		if (b->type != KIPC_T_LIST || b->n != 2 || tree_prim(b->v.objs[0], table, KIPC_T_UNARY) != U_NULL ||
			b->v.objs[1]->type != -KIPC_T_SYMBOL || !simple_col(table, b->v.objs[1]->a.s))
			return NULL;
		return b->v.objs[1]->a.s;
	}
	else
	{
		QNode	   *n = x->node,
				   *a,
				   *b;

		if (!n || n->kind != N_APPLY || n->n != 3 || !n->kids[1] || !n->kids[2] ||
			node_prim(n->kids[0], table, KIPC_T_BINARY) != B_CAST ||
			n->kids[1]->kind != N_CONST || n->kids[1]->val->type != -KIPC_T_CHAR ||
			n->kids[1]->val->a.g != 'j')
			return NULL;
		a = n->kids[2];
		if (a->kind != N_APPLY || a->n != 2 || !a->kids[1] || node_prim(a->kids[0], table, KIPC_T_UNARY) != U_NOT)
			return NULL;
		b = a->kids[1];
		if (b->kind != N_APPLY || b->n != 2 || !b->kids[1] || node_prim(b->kids[0], table, KIPC_T_UNARY) != U_NULL ||
			b->kids[1]->kind != N_VAR || !simple_col(table, b->kids[1]->name))
			return NULL;
		return b->kids[1]->name;
	}
}

/*
 * Are parse trees a and b the same, item for item (constants bit for bit,
 * names by spelling, primitives by identity)?  Anything else (lambdas,
 * dictionaries, ...) is never the same: the caller then evaluates both.
 */
static bool
same_tree(const K *a, const K *b)
{
	int64_t		k;

	if (a->type != b->type)
		return false;
	if (a->type == -KIPC_T_SYMBOL)
		return strcmp(a->a.s, b->a.s) == 0;
	if (a->type == KIPC_T_UNARY || a->type == KIPC_T_BINARY)
		return a->a.g == b->a.g;
	if (a->type < 0 && a->type >= -19 && a->type != -KIPC_T_GUID)
		return memcmp(&a->a, &b->a, (size_t) kipc_type_size(-a->type)) == 0;
	if (a->type == KIPC_T_LIST)
	{
		if (a->n != b->n)
			return false;
		for (k = 0; k < a->n; k++)
			if (!same_tree(a->v.objs[k], b->v.objs[k]))
				return false;
		return true;
	}
	if (a->type == KIPC_T_SYMBOL)
	{
		if (a->n != b->n)
			return false;
		for (k = 0; k < a->n; k++)
			if (strcmp(a->v.syms[k], b->v.syms[k]) != 0)
				return false;
		return true;
	}
	if (a->type >= 1 && a->type <= 19)
		return a->n == b->n &&
			memcmp(a->v.items, b->v.items, (size_t) a->n * kipc_type_size(a->type)) == 0;
	return false;
}

/*
 * The Select columns of a grouped select by the one-pass aggregates, or
 * NULL when a subphrase's value type is one its aggregate rejects (the
 * general path then signals the error).  Subphrases are evaluated right
 * to left, as eval_per_group does.
 */
static K **
fast_group_cols(Query *Q, QScope *sc, ByGroups *bg, const int *u, QExpr *args)
{
	K		  **vc = q_alloc(sizeof(K *) * (Q->ncols + 1));
	K		  **xv = q_alloc(sizeof(K *) * (Q->ncols + 1));
	int64_t		n = nrows_of(sc);
	int			c;

	/*
	 * xv[c]: the argument vector of subphrase c when it is an expression
	 * (a parse tree list): another subphrase over the same item-wise
	 * expression (sum x*y, max x*y) aggregates the same vector, which is
	 * evaluated once
	 */
	memset(xv, 0, sizeof(K *) * (Q->ncols + 1));
	for (c = Q->ncols - 1; c >= 0; c--)
	{
		K		   *v;
		const char *vn;

		if (u[c] == U_COUNT && is_count_rows(&Q->cols[c], sc->table))
		{
			/* the group sizes, counted once; nothing read, as on the
			 * general path */
			int			d;

			for (d = c + 1; d < Q->ncols; d++)
				if (u[d] == U_COUNT && is_count_rows(&Q->cols[d], sc->table))
					break;
			vc[c] = d < Q->ncols ? kipc_ref(vc[d]) :
				q_group_sizes(bg->gid, bg->rank, bg->ngroups, n);
			continue;
		}
		{
			/* the same aggregate of the same column: computed once */
			int			d;

			for (d = c + 1; d < Q->ncols; d++)
				if (u[d] == u[c] && args[c].tree && args[d].tree &&
					args[c].tree->type == -KIPC_T_SYMBOL && args[d].tree->type == -KIPC_T_SYMBOL &&
					strcmp(args[c].tree->a.s, args[d].tree->a.s) == 0)
					break;
			if (d < Q->ncols)
			{
				vc[c] = kipc_ref(vc[d]);
				continue;
			}
		}
		if (u[c] == U_SUM && (vn = valid_count_col(&args[c], sc->table)) != NULL)
		{
			v = q_scope_lookup(vn);
			vc[c] = q_group_count_valid(v, bg->gid, bg->rank, bg->ngroups, n);
		}
		else
		{
			int			d = Q->ncols;

			if (args[c].tree && args[c].tree->type == KIPC_T_LIST)
				for (d = c + 1; d < Q->ncols; d++)
					if (xv[d] && same_tree(args[c].tree, args[d].tree))
						break;
			v = d < Q->ncols ? kipc_ref(xv[d]) : eval_expr(&args[c]);
			if (args[c].tree && args[c].tree->type == KIPC_T_LIST)
				xv[c] = kipc_ref(v);
			vc[c] = q_group_agg(u[c], v, bg->gid, bg->rank, bg->ngroups, n);
		}
		kipc_unref(v);
		if (!vc[c])
		{
			for (c++; c < Q->ncols; c++)
				kipc_unref(vc[c]);
			for (c = 0; c < Q->ncols; c++)
				kipc_unref(xv[c]);
			free(xv);
			free(vc);
			return NULL;
		}
	}
	for (c = 0; c < Q->ncols; c++)
		kipc_unref(xv[c]);
	free(xv);
	return vc;
}

static K *
run_select(Query *Q, QScope *sc, bool keyed_src, int64_t nkeys)
{
	K		   *r;

	if (Q->nby == 0)
	{
		if (Q->ncols == 0)
		{
			int64_t		c;

			r = q_table_rows(sc->table, sc->idx);
			for (c = 0; c < tncols(sc->table); c++)
				q_stats_rows(tnames(sc->table)->v.syms[c], trows(r));	/* .qserver.stats */
			if (keyed_src && !Q->distinct)
			{
				K		   *kn = kipc_new_long(nkeys);
				K		   *kr = q_xkey(kn, r);

				kipc_unref(kn);
				kipc_unref(r);
				r = kr;
			}
		}
		else
			r = select_plain(Q, sc);
		if (Q->distinct && is_table(r))
		{
			K		   *d = distinct_rows(r);

			kipc_unref(r);
			r = d;
		}
		return r;
	}
	{
		ByGroups	bg;
		K		   *vt;
		int64_t		g;
		int			c;
		int		   *fu = q_alloc(sizeof(int) * (Q->ncols + 1));
		QExpr	   *fa = q_alloc(sizeof(QExpr) * (Q->ncols + 1));
		bool		fast = Q->ncols > 0 && !q_group_slow();
		K		  **fvc = NULL;

		for (c = 0; c < Q->ncols && fast; c++)
			fast = fast_col(&Q->cols[c], sc->table, &fu[c], &fa[c]);
		if (fast)
		{
			by_groups(Q, sc, &bg, false);
			/* the general path reads the Select phrase's columns anew
			 * after grouping (per group): so does this one, which keeps
			 * .qserver.stats[] the same both ways */
			scope_set_rows(sc, sc->idx);
			if (bg.ngroups > 0)
				fvc = fast_group_cols(Q, sc, &bg, fu, fa);
			if (!fvc)
			{
				/* no groups (typed from an empty evaluation) or a
				 * type the aggregate rejects: the general path */
				by_groups_free(&bg, Q->nby);
				fast = false;
			}
		}
		free(fu);
		free(fa);
		if (fast)
		{
			vt = make_table((const char *const *) Q->colnames, fvc, Q->ncols);
			free(fvc);
			r = kipc_new_dict(key_table(Q, &bg), vt);
			by_groups_free(&bg, Q->nby);
			return r;
		}
		by_groups(Q, sc, &bg, true);
		if (Q->ncols == 0)
		{
			/* no Select phrase: the last row of each group */
			K		   *last = kipc_new_vector(KIPC_T_LONG, bg.ngroups);
			K		  **vc = q_alloc(sizeof(K *) * (tncols(sc->table) + 1));
			const char **vn = q_alloc(sizeof(char *) * (tncols(sc->table) + 1));
			int64_t		nv = 0,
						tc;

			for (g = 0; g < bg.ngroups; g++)
				kipc_set_j(last, g, kipc_get_j(bg.rows[g], bg.rows[g]->n - 1));
			for (tc = 0; tc < tncols(sc->table); tc++)
			{
				const char *nm = tnames(sc->table)->v.syms[tc];
				int			b;
				bool		isby = false;

				for (b = 0; b < Q->nby; b++)
					if (strcmp(Q->bynames[b], nm) == 0)
						isby = true;
				if (isby)
					continue;
				vn[nv] = nm;
				vc[nv++] = gather(tcols(sc->table)->v.objs[tc], last);
			}
			vt = make_table(vn, vc, nv);
			free(vc);
			free(vn);
			kipc_unref(last);
		}
		else
		{
			K		 ***vals = eval_per_group(Q, sc, &bg);
			K		  **vc = q_alloc(sizeof(K *) * (Q->ncols + 1));

			for (c = 0; c < Q->ncols; c++)
				vc[c] = group_column(Q, sc, vals[c], bg.ngroups, c);
			free(vals);
			vt = make_table((const char *const *) Q->colnames, vc, Q->ncols);
			free(vc);
		}
		r = kipc_new_dict(key_table(Q, &bg), vt);
		by_groups_free(&bg, Q->nby);
		return r;
	}
}

static K *
run_exec(Query *Q, QScope *sc)
{
	int			c;

	if (Q->nby == 0 || Q->by_false)
	{
		if (Q->ncols == 0)
		{
			/* exec from t: the last record */
			int64_t		n = nrows_of(sc);
			K		   *t = q_table_rows(sc->table, sc->idx);
			K		   *r = table_row(t, n - 1);

			kipc_unref(t);
			return r;
		}
		if (Q->by_false)
			return select_plain(Q, sc);
		if (Q->ncols == 1 && !Q->cols_named)
		{
			K		   *v = eval_expr(&Q->cols[0]);

			if (Q->distinct)
			{
				K		   *d = q_unary(U_DISTINCT, v);

				kipc_unref(v);
				v = d;
			}
			return v;
		}
		{
			K		   *l = kipc_new_list(Q->ncols);

			for (c = Q->ncols - 1; c >= 0; c--)
				l->v.objs[c] = eval_expr(&Q->cols[c]);
			if (Q->distinct)
			{
				K		   *d = q_unary(U_DISTINCT, l->v.objs[0]);

				kipc_unref(l->v.objs[0]);
				l->v.objs[0] = d;
			}
			return kipc_new_dict(symvec_of((const char *const *) Q->colnames, Q->ncols), q_collapse(l));
		}
	}
	{
		ByGroups	bg;
		K		   *keys,
				   *vals;

		if (Q->ncols == 0)
			q_err("nyi");
		if (Q->nby > 1 && !Q->by_named)
			q_err("nyi");
		by_groups(Q, sc, &bg, true);
		{
			K		 ***pv = eval_per_group(Q, sc, &bg);

			if (Q->ncols == 1 && !Q->cols_named)
				vals = group_column(Q, sc, pv[0], bg.ngroups, 0);
			else
			{
				K		  **vc = q_alloc(sizeof(K *) * (Q->ncols + 1));

				for (c = 0; c < Q->ncols; c++)
					vc[c] = group_column(Q, sc, pv[c], bg.ngroups, c);
				vals = make_table((const char *const *) Q->colnames, vc, Q->ncols);
				free(vc);
			}
			free(pv);
		}
		if (Q->by_named)
			keys = key_table(Q, &bg);
		else
			keys = kipc_ref(bg.keycols[0]);
		by_groups_free(&bg, Q->nby);
		return kipc_new_dict(keys, vals);
	}
}

/* concatenate per-group values (already extended to group lengths) */
static K *
concat_values(K **vals, int64_t nv, int64_t total)
{
	int			t = -1;
	int64_t		k,
				o = 0;
	K		   *r;

	for (k = 0; k < nv; k++)
	{
		int			vt = vals[k]->type;

		if (k == 0)
			t = vt;
		else if (vt != t)
			t = KIPC_T_LIST;
	}
	if (t < 0 || t == KIPC_T_LIST)
	{
		r = kipc_new_list(total);
		for (k = 0; k < nv; k++)
		{
			int64_t		j,
						n = q_count(vals[k]);

			for (j = 0; j < n; j++)
				r->v.objs[o++] = item_of(vals[k], j);
		}
		return q_collapse(r);
	}
	r = kipc_new_vector(t, total);
	for (k = 0; k < nv; k++)
	{
		int64_t		n = vals[k]->n,
					j;

		if (t == KIPC_T_SYMBOL)
			for (j = 0; j < n; j++)
				set_sym_from(r, o + j, vals[k], j);
		else if (n)
			memcpy((char *) r->v.items + o * kipc_type_size(t), vals[k]->v.items,
				   n * kipc_type_size(t));
		o += n;
	}
	return r;
}

/*
 * Column col with the rows listed in rows replaced by the values v (one
 * per row).  col NULL: a new column, null elsewhere.  An amended typed
 * column keeps its type: other values are 'type, as in q.
 */
static K *
amend_col(K *col, int64_t n, K *rows, K *v)
{
	K		   *r;
	int64_t		k,
				m = rows->n;
	const int64_t *ix = lptr(rows);

	if (!col)
	{
		if (v->type > 0 && v->type <= KIPC_T_TIME)
			r = null_vector(v->type, n);
		else
		{
			K		   *e = v->n > 0 ? v->v.objs[0] : NULL;

			r = kipc_new_list(n);
			for (k = 0; k < n; k++)
				r->v.objs[k] = e && !q_is_atom(e) ? q_take(0, e) : kipc_new_list(0);
		}
	}
	else if (col->type == KIPC_T_LIST)
	{
		r = kipc_new_list(n);
		for (k = 0; k < n; k++)
			r->v.objs[k] = kipc_ref(col->v.objs[k]);
	}
	else
	{
		if (v->type != col->type)
			q_err("type");
		r = kipc_copy(col);
		r->attr = 0;
	}
	if (r->type == KIPC_T_LIST)
	{
		for (k = 0; k < m; k++)
		{
			kipc_unref(r->v.objs[ix[k]]);
			r->v.objs[ix[k]] = item_of(v, k);
		}
		return r;
	}
	if (r->type == KIPC_T_SYMBOL)
	{
		for (k = 0; k < m; k++)
			set_sym_from(r, ix[k], v, k);
		return r;
	}
	{
		int			sz = kipc_type_size(r->type);

		for (k = 0; k < m; k++)
			memcpy((char *) r->v.items + ix[k] * sz, (const char *) v->v.items + k * sz, sz);
	}
	return r;
}

static K *
run_update(Query *Q, QScope *sc)
{
	int64_t		n = nrows_of(sc),
				total = trows(sc->table),
				nc = tncols(sc->table);
	K		  **nv = q_alloc(sizeof(K *) * (Q->ncols + 1));
	K		   *names,
			   *cols;
	int			c;
	int64_t		k;

	if (Q->nby == 0)
	{
		for (c = Q->ncols - 1; c >= 0; c--)
		{
			K		   *v = eval_expr(&Q->cols[c]);

			nv[c] = extend(v, n);
			kipc_unref(v);
			if (q_is_atom(nv[c]) || nv[c]->type > KIPC_T_TIME || q_count(nv[c]) != n)
				q_err("length");
		}
	}
	else
	{
		ByGroups	bg;
		K		 ***pv;
		int64_t		g;
		int64_t    *inv;

		by_groups(Q, sc, &bg, true);
		pv = eval_per_group(Q, sc, &bg);
		inv = q_alloc(sizeof(int64_t) * (n + 1));
		for (k = 0; k < n; k++)
			inv[bg.pos[k]] = k;
		for (c = 0; c < Q->ncols; c++)
		{
			K		   *cat;

			for (g = 0; g < bg.ngroups; g++)
			{
				K		   *e = extend(pv[c][g], bg.rows[g]->n);

				if (q_is_atom(e) || q_count(e) != bg.rows[g]->n)
					q_err("length");
				kipc_unref(pv[c][g]);
				pv[c][g] = e;
			}
			cat = concat_values(pv[c], bg.ngroups, n);
			for (g = 0; g < bg.ngroups; g++)
				kipc_unref(pv[c][g]);
			free(pv[c]);
			if (n == 0)
				nv[c] = cat;
			else
			{
				nv[c] = gather_rows(cat, inv, n);
				kipc_unref(cat);
			}
		}
		free(pv);
		free(inv);
		by_groups_free(&bg, Q->nby);
	}
	/* build the new table: amended or added columns */
	names = kipc_new_vector(KIPC_T_SYMBOL, nc);
	cols = kipc_new_list(nc);
	for (k = 0; k < nc; k++)
	{
		kipc_set_symbol(names, k, tnames(sc->table)->v.syms[k]);
		cols->v.objs[k] = kipc_ref(tcols(sc->table)->v.objs[k]);
	}
	for (c = 0; c < Q->ncols; c++)
	{
		int64_t		ci = col_index(sc->table, Q->colnames[c]);
		K		   *newcol;

		if (!sc->idx)
			newcol = kipc_ref(nv[c]);
		else
			newcol = amend_col(ci >= 0 ? tcols(sc->table)->v.objs[ci] : NULL, total, sc->idx, nv[c]);
		kipc_unref(nv[c]);
		if (ci < 0)
		{
			/* a later subphrase may name the same new column */
			for (k = 0; k < names->n; k++)
				if (strcmp(names->v.syms[k], Q->colnames[c]) == 0)
					break;
			if (k == names->n)
			{
				kipc_resize(names, names->n + 1);
				kipc_set_symbol(names, names->n - 1, Q->colnames[c]);
				kipc_resize(cols, cols->n + 1);
				cols->v.objs[cols->n - 1] = newcol;
				continue;
			}
			ci = k;
		}
		kipc_unref(cols->v.objs[ci]);
		cols->v.objs[ci] = newcol;
	}
	free(nv);
	return q_table_new(names, cols);
}

static K *
run_delete(Query *Q, QScope *sc, bool keyed_src, int64_t nkeys)
{
	if (Q->del_cols)
	{
		int64_t		nc = tncols(sc->table),
					k,
					m = 0;
		const char **vn = q_alloc(sizeof(char *) * (nc + 1));
		K		  **vc = q_alloc(sizeof(K *) * (nc + 1));
		K		   *r;
		int			c;

		for (c = 0; c < Q->ncols; c++)
		{
			int64_t		ci = col_index(sc->table, Q->colnames[c]);

			if (keyed_src && ci >= 0 && ci < nkeys)
				q_err("nyi");	/* deleting a key column */
		}
		for (k = 0; k < nc; k++)
		{
			const char *nm = tnames(sc->table)->v.syms[k];
			bool		drop = false;

			for (c = 0; c < Q->ncols; c++)
				if (strcmp(Q->colnames[c], nm) == 0)
					drop = true;
			if (drop)
				continue;
			vn[m] = nm;
			vc[m++] = kipc_ref(tcols(sc->table)->v.objs[k]);
		}
		r = make_table(vn, vc, m);
		free(vn);
		free(vc);
		return r;
	}
	{
		/* delete rows: keep the rows not selected by the Where phrase */
		int64_t		total = trows(sc->table),
					k,
					m = 0;
		uint8_t    *del = q_alloc(total + 1);
		K		   *keep,
				   *r;

		if (!sc->idx)
			memset(del, 1, total);
		else
			for (k = 0; k < sc->idx->n; k++)
				del[kipc_get_j(sc->idx, k)] = 1;
		keep = kipc_new_vector(KIPC_T_LONG, total);
		for (k = 0; k < total; k++)
			if (!del[k])
				kipc_set_j(keep, m++, k);
		kipc_resize(keep, m);
		free(del);
		r = q_table_rows(sc->table, keep);
		kipc_unref(keep);
		return r;
	}
}

/* sort the current rows by an order spec (iasc;`c) / (idesc;`c) */
static K *
order_rows(K *order, QScope *sc)
{
	K		   *f,
			   *v,
			   *r;
	bool		desc;
	int64_t		n = nrows_of(sc),
				k;
	int64_t    *ix;

	if (order->type != KIPC_T_LIST || order->n != 2)
		q_err("type");
	f = order->v.objs[0];
	if (f->type == -KIPC_T_SYMBOL)
		f = q_lookup(f->a.s);
	else
		f = kipc_ref(f);
	if (!f)
		q_err("type");
	if (f->type == KIPC_T_UNARY && (f->a.g == U_IDESC || f->a.g == U_IASC))
		desc = f->a.g == U_IDESC;
	else if (f->type == KIPC_T_BINARY && (f->a.g == B_GT || f->a.g == B_LT))
		desc = f->a.g == B_GT;
	else
		q_err("nyi");
	kipc_unref(f);
	v = eval_tree(order->v.objs[1]);
	if (q_is_atom(v) || q_count(v) != n)
		q_err("length");
	ix = q_alloc(sizeof(int64_t) * (n + 1));
	for (k = 0; k < n; k++)
		ix[k] = k;
	sort_rows(ix, n, &v, &desc, 1);
	r = kipc_new_vector(KIPC_T_LONG, n);
	for (k = 0; k < n; k++)
		kipc_set_j(r, k, row_at(sc->idx, ix[k]));
	free(ix);
	kipc_unref(v);
	return r;
}

/*
 * A Where subphrase col=v, col in v or col within v on a column with an
 * attribute, with v free of columns: the rows of the current row set it
 * keeps, found through the attribute (q_attr.c), or NULL when the plain
 * evaluation must do.  Only a row set that is a whole table or one whole
 * partition qualifies: kdb+ uses the attribute of the first constraint
 * (after the partition column), whose rows are still the column's own
 * (KX basics/qsql.md, "Performance").
 */
static K *
attr_where(QExpr *e, QScope *sc)
{
	K		   *t = sc->table;
	int			verb;
	const char *cname = NULL;
	QNode	   *vnode = NULL;
	K		   *vtree = NULL,
			   *col,
			   *val,
			   *r;
	int64_t		c,
				k,
				lo,
				hi;
	const K    *names = tnames(t);

	if (e->node)
	{
		QNode	   *n = e->node;

		if (n->kind != N_APPLY || n->n != 3 || !n->kids[0] || !n->kids[1] || !n->kids[2] ||
			n->kids[0]->kind != N_CONST || n->kids[0]->val->type != KIPC_T_BINARY ||
			n->kids[1]->kind != N_VAR)
			return NULL;
		verb = n->kids[0]->val->a.g;
		cname = n->kids[1]->name;
		vnode = n->kids[2];
	}
	else
	{
		K		   *x = e->tree;

		if (x->type != KIPC_T_LIST || x->n != 3 || x->v.objs[0]->type != KIPC_T_BINARY ||
			x->v.objs[1]->type != -KIPC_T_SYMBOL)
			return NULL;
		verb = x->v.objs[0]->a.g;
		cname = x->v.objs[1]->a.s;
		vtree = x->v.objs[2];
	}
	if (verb != B_EQ && verb != B_IN && verb != B_WITHIN)
		return NULL;
	c = col_index(t, cname);
	if (c < 0)
		return NULL;
	col = tcols(t)->v.objs[c];
	if (col->attr == KIPC_ATTR_NONE)
		return NULL;
	/* the current rows: all, or one contiguous partition */
	if (!sc->idx)
	{
		lo = 0;
		hi = trows(t);
	}
	else
	{
		const int64_t *ix = lptr(sc->idx);
		int64_t		n = sc->idx->n;

		if (n == 0)
			return NULL;
		lo = ix[0];
		hi = ix[n - 1] + 1;
		if (hi - lo != n)
			return NULL;
	}
	/* the value must not read a column */
	if (vnode ? node_mentions(vnode, "i") : tree_mentions(vtree, "i"))
		return NULL;
	for (k = 0; k < names->n; k++)
		if (vnode ? node_mentions(vnode, names->v.syms[k]) : tree_mentions(vtree, names->v.syms[k]))
			return NULL;
	val = vnode ? q_eval(vnode) : eval_tree(vtree);
	q_vpush(val);
	r = q_attr_rows(col, verb, val, lo, hi);
	q_vpop(q_cur->vsp - 1);
	if (r)
		q_stats_attr(cname, col->attr, r->n);
	return r;
}

static K *run_parted(Query *Q, K *t, Parted *p);

static K *
run_query(Query *Q)
{
	K		   *src = Q->src;
	bool		keyed = is_keyed(src);
	int64_t		nkeys = keyed ? tncols(kipc_dict_keys(src)) : 0;
	QScope		sc;
	QScope	   *saved = q_cur->scope;
	K		   *t,
			   *idx = NULL,
			   *r = NULL;
	Parted	   *p;
	int			w;
	int64_t		vbase;
	QArena	   *arena;

	if (!is_table(src) && !keyed)
		q_err(is_dict(src) ? "nyi" : "type");
	if (Q->byname && (Q->kind == SQL_UPDATE || Q->kind == SQL_DELETE))
		check_not_parted_name(Q->byname);
	t = keyed ? q_unkey(src) : kipc_ref(src);
	vbase = q_cur->vsp;
	q_vpush(t);					/* dropped by the catching frame on an error */
	p = Q->part_rows ? NULL : parted_of(t);
	if (p && Q->kind == SQL_SELECT && !Q->order && !Q->order_node)
	{
		/* partition by partition, as kdb+ (run_parted) */
		r = run_parted(Q, t, p);
		q_vpop(vbase);			/* t */
		return r;
	}
	arena = q_arena_push();		/* the scope's column cache */
	if (p && (Q->nwhere == 0 ||
			  !(Q->where[0].node ? node_mentions(Q->where[0].node, p->pf) :
				tree_mentions(Q->where[0].tree, p->pf))))
		count_unconstrained();
	scope_init(&sc, t, Q->part_rows);
	if (Q->part_rows)
		idx = kipc_ref(Q->part_rows);
	sc.up = saved;
	q_cur->scope = &sc;
	for (w = Q->wfirst; w < Q->nwhere; w++)
	{
		K		   *ni = w == Q->wfirst ? attr_where(&Q->where[w], &sc) : NULL;

		if (!ni)
		{
			K		   *v = eval_expr(&Q->where[w]);

			ni = filter_rows(v, sc.idx, nrows_of(&sc));
			kipc_unref(v);
		}
		scope_set_rows(&sc, ni);
		kipc_unref(idx);
		idx = ni;
	}
	if (Q->order_node && Q->kind == SQL_SELECT)
	{
		/* >col / <col: idesc / iasc of the column, a grade of the rows */
		K		   *g = q_eval(Q->order_node);
		int64_t		n = nrows_of(&sc),
					k;
		K		   *ni;

		if (g->type != KIPC_T_LONG || g->n != n)
			q_err("type");
		ni = kipc_new_vector(KIPC_T_LONG, n);
		for (k = 0; k < n; k++)
		{
			int64_t		p = kipc_get_j(g, k);

			if (p < 0 || p >= n)
				q_err("index");
			kipc_set_j(ni, k, row_at(sc.idx, p));
		}
		kipc_unref(g);
		scope_set_rows(&sc, ni);
		kipc_unref(idx);
		idx = ni;
	}
	if (Q->order && Q->kind == SQL_SELECT)
	{
		K		   *ni = order_rows(Q->order, &sc);

		scope_set_rows(&sc, ni);
		kipc_unref(idx);
		idx = ni;
	}
	if (Q->limit && Q->nby == 0 && Q->kind == SQL_SELECT)
	{
		K		   *ni = limit_rows(Q->limit, idx, nrows_of(&sc));

		scope_set_rows(&sc, ni);
		kipc_unref(idx);
		idx = ni;
	}
	if (Q->rows_only)
		r = idx ? kipc_ref(idx) : q_til(trows(t));
	else
		switch (Q->kind)
		{
			case SQL_SELECT:
				r = run_select(Q, &sc, keyed, nkeys);
				if (Q->limit && Q->nby > 0)
				{
					K		   *l = limit_table(Q->limit, r);

					kipc_unref(r);
					r = l;
				}
				break;
			case SQL_EXEC:
				r = run_exec(Q, &sc);
				break;
			case SQL_UPDATE:
				r = run_update(Q, &sc);
				break;
			case SQL_DELETE:
				r = run_delete(Q, &sc, keyed, nkeys);
				break;
		}
	q_cur->scope = saved;
	scope_free(&sc);
	q_arena_pop(arena);
	kipc_unref(idx);
	q_vpop(vbase);				/* t */
	if ((Q->kind == SQL_UPDATE || Q->kind == SQL_DELETE) && keyed)
	{
		K		   *kn = kipc_new_long(nkeys);
		K		   *kr = q_xkey(kn, r);

		kipc_unref(kn);
		kipc_unref(r);
		r = kr;
	}
	if ((Q->kind == SQL_UPDATE || Q->kind == SQL_DELETE) && Q->byname)
	{
		q_set_global(Q->byname, r);
		return kipc_new_symbol(Q->byname);
	}
	return r;
}

/* ----------------------------------------------------------------
 * Selects on a partitioned table: partition by partition
 *
 * kdb+ answers a select on a partitioned table with .Q.ps (q.k): the
 * first Where subphrase, when it constrains the partition column, picks
 * the partitions to visit (evaluated over the partition values); the rest
 * of the query runs in each partition, and the per-partition results are
 * combined:
 *
 *	- one partition left, or no By phrase and a first Select column that
 *	  is not a built-in aggregate: the per-partition results are joined
 *	  (so a lambda aggregate gives one row per partition);
 *	- a first Select column that is a built-in aggregate (.Q.a0: count
 *	  first last sum prd min max all any distinct, and the ones .Q.ps
 *	  rewrites into them, .Q.a1: avg wsum wavg var dev sdev; med gives
 *	  'part): map-reduce.  Each aggregate call becomes a partial computed
 *	  per partition (and By group) and a final step over the joined
 *	  partials: count -> sum of counts, sum -> sum, min -> min, first ->
 *	  first, ..., distinct -> distinct raze; avg x is
 *	  (sum "f"$x) % sum not null x, var x is avg(x*x) - avg[x]*avg x, and
 *	  so on, as in q.k's .Q.a2;
 *	- a By phrase and a first Select column that is not an aggregate:
 *	  each group's value is the raze of its per-partition values (a list
 *	  per group for a lambda aggregate).
 *
 * KX basics/qsql.md ("Special functions": an aggregate wrapped in another
 * function is not recognised and gets no cross-partition step), q.k's
 * .Q.ps/.Q.a0/.Q.a1/.Q.a2, kb/partition.md.  Left to the whole-table
 * path (as before): exec, and select[>col] / functional order arguments.
 * q.k's shortcuts for "select date" and "count i" without other
 * constraints are not modelled: this server's partition column is a real
 * column, and the general path gives the same counts.
 * ----------------------------------------------------------------
 */
typedef struct Parts
{
	K		   *pv;				/* partition values (vector) */
	int64_t    *lo,
			   *hi;				/* rows [lo, hi) of each partition */
	int64_t		n;
} Parts;

static void
parts_of(K *t, const char *pf, Parts *ps)
{
	K		   *pc = q_table_col(t, pf);
	int64_t		n = trows(t),
				lo = 0,
				m = 0,
				cap = 64;
	K		   *first;

	ps->lo = q_palloc(sizeof(int64_t) * cap);
	ps->hi = q_palloc(sizeof(int64_t) * cap);
	/* rows are sorted by partition: each partition ends where a binary
	 * search for the first greater value lands */
	while (lo < n)
	{
		int64_t		a = lo + 1,
					z = n;

		while (a < z)
		{
			int64_t		mid = a + (z - a) / 2;

			if (cmp_items(pc, mid, pc, lo) <= 0)
				a = mid + 1;
			else
				z = mid;
		}
		if (m == cap)
		{
			ps->lo = q_pgrow(ps->lo, sizeof(int64_t) * cap, sizeof(int64_t) * cap * 2);
			ps->hi = q_pgrow(ps->hi, sizeof(int64_t) * cap, sizeof(int64_t) * cap * 2);
			cap *= 2;
		}
		ps->lo[m] = lo;
		ps->hi[m] = a;
		m++;
		lo = a;
	}
	ps->n = m;
	first = long_vec(ps->lo, m);
	ps->pv = gather(pc, first);
	ps->pv->attr = KIPC_ATTR_NONE;
	kipc_unref(first);
}

/* does Where subphrase e constrain the partition column: (op; pf; ...) */
static bool
constrains_pf(QExpr *e, const char *pf)
{
	const char *nm = NULL;
	size_t		l = strlen(pf);

	if (e->node)
	{
		if (e->node->kind == N_APPLY && e->node->n >= 2 && e->node->kids[1] &&
			e->node->kids[1]->kind == N_VAR)
			nm = e->node->kids[1]->name;
	}
	else if (e->tree->type == KIPC_T_LIST && e->tree->n >= 2 &&
			 e->tree->v.objs[1]->type == -KIPC_T_SYMBOL)
		nm = e->tree->v.objs[1]->a.s;
	return nm && strncmp(nm, pf, l) == 0 && (nm[l] == 0 || nm[l] == '.');
}

/* map-reduce rewriting (q.k's x0 / x1 / x2) */
enum
{
	MR_NONE = -1,
	MR_COUNT, MR_FIRST, MR_LAST, MR_SUM, MR_PRD, MR_MIN, MR_MAX, MR_ALL,
	MR_ANY, MR_DISTINCT,		/* .Q.a0 */
	MR_AVG, MR_WSUM, MR_WAVG, MR_VAR, MR_DEV, MR_SDEV, MR_MED	/* .Q.a1 */
};

static const struct
{
	const char *name;
	int			type;
	int			idx;
}			mr_fns[] = {
	{"count", KIPC_T_UNARY, U_COUNT}, {"first", KIPC_T_UNARY, U_FIRST},
	{"last", KIPC_T_UNARY, U_LAST}, {"sum", KIPC_T_UNARY, U_SUM},
	{"prd", KIPC_T_UNARY, U_PRD}, {"min", KIPC_T_UNARY, U_MIN},
	{"max", KIPC_T_UNARY, U_MAX}, {"all", KIPC_T_UNARY, U_ALL},
	{"any", KIPC_T_UNARY, U_ANY}, {"distinct", KIPC_T_UNARY, U_DISTINCT},
	{"avg", KIPC_T_UNARY, U_AVG}, {"wsum", KIPC_T_BINARY, B_WSUM},
	{"wavg", KIPC_T_BINARY, B_WAVG}, {"var", KIPC_T_UNARY, U_VAR},
	{"dev", KIPC_T_UNARY, U_DEV}, {"sdev", KIPC_T_UNARY, U_SDEV},
	{"med", KIPC_T_UNARY, U_MED}
};

/* which aggregate the function node f is, or MR_NONE */
static int
mr_fn(const QNode *f)
{
	int			i;

	if (!f)
		return MR_NONE;
	for (i = 0; i < (int) (sizeof(mr_fns) / sizeof(mr_fns[0])); i++)
	{
		if (f->kind == N_VAR && strcmp(f->name, mr_fns[i].name) == 0)
			return i;
		if (f->kind == N_CONST && f->val->type == mr_fns[i].type &&
			f->val->a.g == mr_fns[i].idx)
			return i;
	}
	return MR_NONE;
}

/* the aggregate n applies, or MR_NONE (n an application of one) */
static int
mr_call(const QNode *n)
{
	if (!n || n->kind != N_APPLY || n->n < 2)
		return MR_NONE;
	return mr_fn(n->kids[0]);
}

static QNode *
mr_prim(int type, int idx)
{
	QNode	   *n = q_node_const(kipc_new_primitive(type, (uint8_t) idx));

	n->is_verb = true;
	return n;
}

static QNode *
mr_ap(QNode *f, QNode *a, QNode *b)
{
	QNode	   *n = q_node(N_APPLY, b ? 3 : 2);

	n->kids[0] = f;
	n->kids[1] = a;
	if (b)
		n->kids[2] = b;
	return n;
}

static QNode *
mr_var(const char *name)
{
	QNode	   *n = q_node(N_VAR, 0);

	n->name = q_pstrndup(name, strlen(name));
	return n;
}

static QNode *
mr_agg(int which, QNode *a, QNode *b)
{
	return mr_ap(mr_prim(mr_fns[which].type, mr_fns[which].idx), a, b);
}

/* "f"$x */
static QNode *
mr_float(QNode *x)
{
	return mr_ap(mr_prim(KIPC_T_BINARY, B_CAST), q_node_const(kipc_new_char('f')), x);
}

/* x0: the .Q.a1 aggregates rewritten into .Q.a0 ones (q.k's .Q.a2) */
static QNode *
mr_x0(QNode *n)
{
	int			a = mr_call(n),
				k;
	QNode	   *x,
			   *y,
			   *r;

	if (!n || (n->kind != N_APPLY && n->kind != N_LIST))
		return n;
	if (a >= MR_AVG)
	{
		x = n->kids[1];
		y = n->n > 2 ? n->kids[2] : NULL;
		switch (a)
		{
			case MR_AVG:		/* (sum "f"$x) % sum not null x */
				r = mr_ap(mr_prim(KIPC_T_BINARY, B_DIVIDE),
						  mr_agg(MR_SUM, mr_float(x), NULL),
						  mr_agg(MR_SUM, mr_ap(mr_prim(KIPC_T_UNARY, U_NOT),
											   mr_ap(mr_prim(KIPC_T_UNARY, U_NULL), x, NULL), NULL), NULL));
				break;
			case MR_WSUM:		/* sum ("f"$x) * y */
				if (!y)
					q_err("rank");
				r = mr_agg(MR_SUM, mr_ap(mr_prim(KIPC_T_BINARY, B_TIMES), mr_float(x), y), NULL);
				break;
			case MR_WAVG:		/* (x wsum y) % sum x * not null y */
				if (!y)
					q_err("rank");
				r = mr_ap(mr_prim(KIPC_T_BINARY, B_DIVIDE),
						  mr_agg(MR_WSUM, x, y),
						  mr_agg(MR_SUM, mr_ap(mr_prim(KIPC_T_BINARY, B_TIMES), x,
											   mr_ap(mr_prim(KIPC_T_UNARY, U_NOT),
													 mr_ap(mr_prim(KIPC_T_UNARY, U_NULL), y, NULL), NULL)), NULL));
				break;
			case MR_VAR:		/* cov[x;x]: avg[("f"$x)*x] - avg[x]*avg x */
				r = mr_ap(mr_prim(KIPC_T_BINARY, B_MINUS),
						  mr_agg(MR_AVG, mr_ap(mr_prim(KIPC_T_BINARY, B_TIMES), mr_float(x), x), NULL),
						  mr_ap(mr_prim(KIPC_T_BINARY, B_TIMES), mr_agg(MR_AVG, x, NULL),
								mr_agg(MR_AVG, x, NULL)));
				break;
			case MR_DEV:		/* sqrt var x */
				r = mr_ap(mr_prim(KIPC_T_UNARY, U_SQRT), mr_agg(MR_VAR, x, NULL), NULL);
				break;
			case MR_SDEV:		/* sqrt (count i % -1 + count i) * var x */
				r = mr_ap(mr_prim(KIPC_T_UNARY, U_SQRT),
						  mr_ap(mr_prim(KIPC_T_BINARY, B_TIMES),
								mr_ap(mr_prim(KIPC_T_BINARY, B_DIVIDE),
									  mr_agg(MR_COUNT, mr_var("i"), NULL),
									  mr_ap(mr_prim(KIPC_T_BINARY, B_PLUS),
											q_node_const(kipc_new_long(-1)),
											mr_agg(MR_COUNT, mr_var("i"), NULL))),
								mr_agg(MR_VAR, x, NULL)), NULL);
				break;
			default:			/* med: q.k's .Q.a2 signals 'part */
				q_err("part");
		}
		return mr_x0(r);
	}
	r = q_node(n->kind, n->n);
	*r = *n;
	r->kids = q_palloc(sizeof(QNode *) * (n->n + 1));
	for (k = 0; k < n->n; k++)
		r->kids[k] = n->kind == N_APPLY && k == 0 ? n->kids[0] : mr_x0(n->kids[k]);
	return r;
}

typedef struct Partials
{
	QNode	  **call;			/* the aggregate calls (after x0) */
	QNode	  **part;			/* their partial expressions */
	int			n,
				cap;
	bool		by;				/* the query has a By phrase */
} Partials;

/* count distinct x: its partial is distinct x */
static bool
mr_qd(const QNode *n)
{
	return mr_call(n) == MR_COUNT && mr_call(n->kids[1]) == MR_DISTINCT;
}

/* x1: collect the .Q.a0 calls of n */
static void
mr_x1(QNode *n, Partials *P)
{
	int			k;

	if (!n || (n->kind != N_APPLY && n->kind != N_LIST))
		return;
	if (mr_call(n) != MR_NONE)
	{
		if (P->n == P->cap)
		{
			P->cap = P->cap ? P->cap * 2 : 8;
			P->call = q_pgrow(P->call, sizeof(QNode *) * P->n, sizeof(QNode *) * P->cap);
			P->part = q_pgrow(P->part, sizeof(QNode *) * P->n, sizeof(QNode *) * P->cap);
		}
		P->call[P->n] = n;
		P->part[P->n] = mr_qd(n) ? n->kids[1] : n;
		/* without By, a distinct partial is one list per partition: kdb+
		 * enlists the results of the aggregates it recognises (KX
		 * basics/qsql.md, "Special functions") */
		if (!P->by && mr_call(P->part[P->n]) == MR_DISTINCT)
			P->part[P->n] = mr_ap(mr_prim(KIPC_T_UNARY, U_ENLIST), P->part[P->n], NULL);
		P->n++;
		return;
	}
	for (k = n->kind == N_APPLY ? 1 : 0; k < n->n; k++)
		mr_x1(n->kids[k], P);
}

/* x2: n with each .Q.a0 call replaced by its reduction over the partials */
static QNode *
mr_x2(QNode *n, Partials *P)
{
	int			k,
				a = mr_call(n);
	QNode	   *r;

	if (!n || (n->kind != N_APPLY && n->kind != N_LIST))
		return n;
	if (a != MR_NONE)
	{
		char		name[16];
		QNode	   *v;

		for (k = 0; k < P->n && P->call[k] != n; k++)
			;
		snprintf(name, sizeof(name), "%d", k);
		v = mr_var(name);
		if (mr_qd(n))			/* count distinct raze y */
			return mr_agg(MR_COUNT, mr_agg(MR_DISTINCT, mr_ap(mr_prim(KIPC_T_UNARY, U_RAZE), v, NULL), NULL), NULL);
		if (a == MR_DISTINCT)	/* distinct raze y */
			return mr_agg(MR_DISTINCT, mr_ap(mr_prim(KIPC_T_UNARY, U_RAZE), v, NULL), NULL);
		if (a == MR_COUNT)		/* sum y */
			return mr_agg(MR_SUM, v, NULL);
		return mr_ap(n->kids[0], v, NULL);	/* f y */
	}
	r = q_node(n->kind, n->n);
	*r = *n;
	r->kids = q_palloc(sizeof(QNode *) * (n->n + 1));
	for (k = 0; k < n->n; k++)
		r->kids[k] = n->kind == N_APPLY && k == 0 ? n->kids[0] : mr_x2(n->kids[k], P);
	return r;
}

/* q.k's qa: does n contain a .Q.a0 / .Q.a1 call */
static bool
mr_qa(const QNode *n)
{
	int			k;

	if (!n || (n->kind != N_APPLY && n->kind != N_LIST))
		return false;
	if (mr_call(n) != MR_NONE)
		return true;
	for (k = n->kind == N_APPLY ? 1 : 0; k < n->n; k++)
		if (mr_qa(n->kids[k]))
			return true;
	return false;
}

/* the expression node of a phrase item */
static QNode *
expr_node(QExpr *e)
{
	return e->node ? e->node : q_tree_to_node(e->tree);
}

/* run sub-query S over partition k of t; an unkeyed table */
static K *
run_one_part(Query *S, Parts *ps, int64_t k, bool empty)
{
	int64_t		n = empty ? 0 : ps->hi[k] - ps->lo[k],
				j;
	K		   *rows = kipc_new_vector(KIPC_T_LONG, n),
			   *r,
			   *u;

	for (j = 0; j < n; j++)
		kipc_set_j(rows, j, ps->lo[k] + j);
	S->part_rows = rows;
	q_vpush(rows);
	r = run_query(S);
	q_vpop(q_cur->vsp - 1);
	S->part_rows = NULL;
	if (!is_keyed(r))
		return r;
	u = q_unkey(r);
	kipc_unref(r);
	return u;
}

/*
 * The per-partition results parts[0..n) (unkeyed tables) joined into one,
 * column by column in one pass (joining them pairwise would copy the rows
 * so far once per partition).  Results whose columns differ are joined
 * with , as q joins tables.
 */
static K *
join_parts(K **parts, int64_t n)
{
	int64_t		k,
				c,
				nc,
				total = 0;
	K		   *cols,
			   *r;
	K		  **vals;

	if (n == 1)
		return kipc_ref(parts[0]);
	for (k = 0; k < n; k++)
		if (!is_table(parts[k]) || !kipc_equal(tnames(parts[k]), tnames(parts[0])))
		{
			r = kipc_ref(parts[0]);
			for (k = 1; k < n; k++)
			{
				K		   *j;

				q_vpush(r);
				j = q_join(r, parts[k]);
				q_vpop(q_cur->vsp - 1);
				r = j;
			}
			return r;
		}
	nc = tncols(parts[0]);
	for (k = 0; k < n; k++)
		total += trows(parts[k]);
	vals = q_palloc(sizeof(K *) * (n + 1));
	cols = kipc_new_list(nc);
	q_vpush(cols);
	for (c = 0; c < nc; c++)
	{
		for (k = 0; k < n; k++)
			vals[k] = tcols(parts[k])->v.objs[c];
		cols->v.objs[c] = concat_values(vals, n, total);
	}
	q_vdrop(q_cur->vsp - 1);
	return q_table_new(kipc_ref(tnames(parts[0])), cols);
}

/*
 * select from t (no Select or By phrase) over the selected partitions:
 * the rows each partition's Where phrase keeps, in partition order, taken
 * from t at once (the table itself when that is every row).  The value
 * stack holds the result.
 */
static K *
parts_rows(Query *S, Parts *ps, K *sel, K *t)
{
	int64_t		n = sel->n,
				k,
				total = 0,
				o = 0,
				c;
	K		  **rows = q_palloc(sizeof(K *) * (n + 1));
	K		   *all,
			   *r;

	S->rows_only = true;
	for (k = 0; k < n; k++)
	{
		rows[k] = run_one_part(S, ps, kipc_get_j(sel, k), false);
		q_vpush(rows[k]);
		total += rows[k]->n;
	}
	S->rows_only = false;
	if (total == trows(t))
		r = kipc_ref(t);		/* every row, in order */
	else
	{
		all = kipc_new_vector(KIPC_T_LONG, total);
		for (k = 0; k < n; k++)
		{
			if (rows[k]->n)
				memcpy((int64_t *) all->v.items + o, rows[k]->v.items, sizeof(int64_t) * rows[k]->n);
			o += rows[k]->n;
		}
		q_vpush(all);
		r = q_table_rows(t, all);
		q_vpop(q_cur->vsp - 1);
	}
	for (c = 0; c < tncols(t); c++)
		q_stats_rows(tnames(t)->v.syms[c], total);	/* .qserver.stats */
	q_vpop(q_cur->vsp - n);
	q_vpush(r);
	return r;
}

/* S over each selected partition, joined; the value stack holds it */
static K *
run_parts(Query *S, Parts *ps, K *sel)
{
	int64_t		n = sel->n,
				k;
	K		  **parts = q_palloc(sizeof(K *) * (n + 1));
	K		   *r;

	for (k = 0; k < n; k++)
	{
		parts[k] = run_one_part(S, ps, kipc_get_j(sel, k), false);
		q_vpush(parts[k]);
	}
	r = join_parts(parts, n);
	q_vpop(q_cur->vsp - n);
	q_vpush(r);
	return r;
}

static K *
run_parted(Query *Q, K *t, Parted *p)
{
	Parts		ps;
	K		   *sel,
			   *acc = NULL,
			   *r;
	int64_t		nsel;
	int			w0 = 0;
	bool		g;
	Query		S;
	int64_t		base = q_cur->vsp;

	parts_of(t, p->pf, &ps);
	q_vpush(ps.pv);
	if (Q->nwhere > 0 && constrains_pf(&Q->where[0], p->pf))
	{
		/* the first constraint picks partitions: evaluate it over the
		 * partition values (q.k: d@:&-6!*c) */
		const char *nm = p->pf;
		K		   *pvc = kipc_ref(ps.pv);
		K		   *pt = make_table(&nm, &pvc, 1);
		QScope		sc;
		QScope	   *saved = q_cur->scope;
		QArena	   *arena;
		K		   *v;

		q_vpush(pt);
		arena = q_arena_push();
		scope_init(&sc, pt, NULL);
		sc.up = saved;
		q_cur->scope = &sc;
		q_cur->stats_off++;		/* partition values are not rows */
		v = eval_expr(&Q->where[0]);
		q_cur->stats_off--;
		sel = filter_rows(v, NULL, ps.n);
		kipc_unref(v);
		q_cur->scope = saved;
		scope_free(&sc);
		q_arena_pop(arena);
		w0 = 1;
	}
	else
	{
		count_unconstrained();
		sel = q_til(ps.n);
	}
	q_vpush(sel);
	nsel = sel->n;
	{
		K		   *vis = gather(ps.pv, sel);

		q_stats_parts(vis);		/* .qserver.stats */
		kipc_unref(vis);
	}
	S = *Q;
	S.wfirst = w0;
	S.limit = NULL;
	S.distinct = false;
	S.nowned = 0;
	g = Q->ncols > 0 && mr_qa(expr_node(&Q->cols[0]));
	if (nsel <= 1 || (Q->nby == 0 && !g))
	{
		/* joined per-partition results; no partition left: the last one,
		 * with no rows, for the shape (q.k) */
		if (nsel == 0)
		{
			acc = run_one_part(&S, &ps, ps.n > 0 ? ps.n - 1 : 0, true);
			q_vpush(acc);
		}
		else if (Q->ncols == 0 && Q->nby == 0)
			acc = parts_rows(&S, &ps, sel, t);
		else
			acc = run_parts(&S, &ps, sel);
		if (Q->nby > 0)
		{
			K		   *kn = kipc_new_long(Q->nby);

			r = q_xkey(kn, acc);
			kipc_unref(kn);
		}
		else
			r = kipc_ref(acc);
	}
	else
	{
		/* map step per partition, reduce step over the joined results */
		Query		F;
		Partials	P;
		QNode	  **fin = q_palloc(sizeof(QNode *) * (Q->ncols + 1));
		int			c;

		memset(&P, 0, sizeof(P));
		P.by = Q->nby > 0;
		if (g)
		{
			for (c = 0; c < Q->ncols; c++)
			{
				QNode	   *x = mr_x0(expr_node(&Q->cols[c]));

				mr_x1(x, &P);
				fin[c] = mr_x2(x, &P);
			}
			S.ncols = P.n;
			S.cols = q_palloc(sizeof(QExpr) * (P.n + 1));
			S.colnames = q_palloc(sizeof(char *) * (P.n + 1));
			for (c = 0; c < P.n; c++)
			{
				char		name[16];

				snprintf(name, sizeof(name), "%d", c);
				S.cols[c].node = P.part[c];
				S.colnames[c] = q_pstrndup(name, strlen(name));
			}
			S.cols_named = true;
		}
		else
			for (c = 0; c < Q->ncols; c++)	/* raze of each column */
				fin[c] = mr_ap(mr_prim(KIPC_T_UNARY, U_RAZE), mr_var(Q->colnames[c]), NULL);
		acc = run_parts(&S, &ps, sel);
		memset(&F, 0, sizeof(F));
		F.kind = SQL_SELECT;
		F.nby = Q->nby;
		F.by = q_palloc(sizeof(QExpr) * (Q->nby + 1));
		F.bynames = Q->bynames;
		F.by_named = Q->by_named;
		for (c = 0; c < Q->nby; c++)
			F.by[c].node = mr_var(Q->bynames[c]);
		F.ncols = Q->ncols;
		F.cols = q_palloc(sizeof(QExpr) * (Q->ncols + 1));
		F.colnames = Q->colnames;
		F.cols_named = Q->cols_named;
		for (c = 0; c < Q->ncols; c++)
			F.cols[c].node = fin[c];
		F.src = kipc_ref(acc);		/* run_query leaves Q->src alone */
		q_vpush(F.src);
		q_cur->stats_off++;		/* the reduce step reads no table rows */
		r = run_query(&F);
		q_cur->stats_off--;
	}
	q_vpush(r);
	if (Q->distinct && is_table(r))
	{
		K		   *d = distinct_rows(r);

		q_vpop(q_cur->vsp - 1);
		r = d;
		q_vpush(r);
	}
	if (Q->limit)
	{
		K		   *l = limit_table(Q->limit, r);

		q_vpop(q_cur->vsp - 1);
		r = l;
		q_vpush(r);
	}
	q_vdrop(q_cur->vsp - 1);
	q_vpop(base);
	return r;
}

/* ----------------------------------------------------------------
 * Column naming (see the header comment)
 * ----------------------------------------------------------------
 */
static const char *
node_name(const QNode *n)
{
	if (!n)
		return NULL;
	switch (n->kind)
	{
		case N_VAR:
			{
				/* time.minute names the column minute */
				const char *dot = strrchr(n->name, '.');

				if (dot && dot != n->name)
					return dot + 1;
				return strcmp(n->name, "i") == 0 ? NULL : n->name;
			}
		case N_APPLY:
			{
				const QNode *h = n->kids[0];
				bool		glyph;

				if (n->n < 2)
					return NULL;
				/* an operator glyph (+ - * ...) names after its left
				 * argument, a keyword or lambda after its last one */
				glyph = (h->kind == N_CONST &&
						 (h->val->type == KIPC_T_UNARY || h->val->type == KIPC_T_BINARY) &&
						 h->val->a.g < 20) || h->kind == N_DERIVED;
				/* `p#c, Set Attribute on a column, keeps the column's
				 * name (update `g#sym from t gives sym the attribute) */
				if (glyph && h->kind == N_CONST && h->val->type == KIPC_T_BINARY &&
					h->val->a.g == B_TAKE && n->n == 3 && n->kids[1] &&
					n->kids[1]->kind == N_CONST && n->kids[1]->val->type == -KIPC_T_SYMBOL)
					return node_name(n->kids[2]);
				return node_name(glyph ? n->kids[1] : n->kids[n->n - 1]);
			}
		case N_LIST:
			return n->op == 0 && n->n >= 1 ? node_name(n->kids[n->n - 1]) : NULL;
		default:
			return NULL;
	}
}

/* unique names: a name in use gets 1, 2, ... appended */
static void
uniquify(Query *Q, char **names, int n)
{
	int			i,
				j;

	for (i = 0; i < n; i++)
	{
		bool		clash = false;

		for (j = 0; j < i; j++)
			if (strcmp(names[j], names[i]) == 0)
				clash = true;
		if (clash)
		{
			char		buf[256];
			int			suffix;

			for (suffix = 1;; suffix++)
			{
				bool		used = false;

				snprintf(buf, sizeof(buf), "%s%d", names[i], suffix);
				for (j = 0; j < n; j++)
					if (j != i && strcmp(names[j], buf) == 0)
						used = true;
				if (!used)
					break;
			}
			names[i] = q_strdup(buf);
			if (Q->nowned < 64)
				Q->owned[Q->nowned++] = names[i];
		}
	}
}

static void
check_dup_groups(Query *Q)
{
	int			i,
				j;

	for (i = 0; i < Q->ncols; i++)
		for (j = 0; j < Q->nby; j++)
			if (strcmp(Q->colnames[i], Q->bynames[j]) == 0)
				q_errf("dup names for cols/groups %s", Q->colnames[i]);
}

static void
query_free(Query *Q)
{
	int			k;

	for (k = 0; k < Q->nowned; k++)
		free(Q->owned[k]);
	kipc_unref(Q->src);
	kipc_unref(Q->limit);
	free(Q->where);
	free(Q->by);
	free(Q->bynames);
	free(Q->cols);
	free(Q->colnames);
}

/* the table of a From phrase value; a symbol names a global */
static void
query_source(Query *Q, K *v)
{
	if (v->type == -KIPC_T_SYMBOL)
	{
		Q->byname = v->a.s;
		Q->src = q_resolve_table(v);
	}
	else
		Q->src = kipc_ref(v);
}

/* >col / <col parse to the unary forms idesc / iasc applied */
static bool
is_grade_node(const QNode *n)
{
	const QNode *h;

	if (n->kind != N_APPLY || n->n != 2)
		return false;
	h = n->kids[0];
	return h->kind == N_CONST && h->val->type == KIPC_T_UNARY &&
		(h->val->a.g == U_IASC || h->val->a.g == U_IDESC);
}

K *
q_run_sql(QSql *s)
{
	Query		Q;
	K		   *from,
			   *r;
	int			i;

	/* on an error the catching frame drops what the stack holds and frees
	 * the arena with the phrase arrays */
	int64_t		base = q_cur->vsp;
	QArena	   *arena = q_arena_push();

	memset(&Q, 0, sizeof(Q));
	Q.kind = s->kind;
	Q.distinct = s->distinct;
	Q.order_node = s->order_by;
	if (s->limit && !s->order_by && is_grade_node(s->limit))
		Q.order_node = s->limit;	/* select[>col] */
	else if (s->limit)
	{
		Q.limit = q_eval(s->limit);
		q_vpush(Q.limit);
	}
	from = q_eval(s->from);
	q_vpush(from);
	query_source(&Q, from);
	q_vpush(Q.src);
	Q.nwhere = s->nwhere;
	Q.where = q_palloc(sizeof(QExpr) * (s->nwhere + 1));
	for (i = 0; i < s->nwhere; i++)
		Q.where[i].node = s->where[i];
	Q.nby = s->nby;
	Q.by = q_palloc(sizeof(QExpr) * (s->nby + 1));
	Q.bynames = q_palloc(sizeof(char *) * (s->nby + 1));
	for (i = 0; i < s->nby; i++)
	{
		const char *nm = s->bynames[i] ? s->bynames[i] : node_name(s->by[i]);

		Q.by[i].node = s->by[i];
		Q.bynames[i] = (char *) (nm ? nm : "x");
		if (s->bynames[i])
			Q.by_named = true;
	}
	if (s->kind == SQL_EXEC && s->nby == 1 && s->by[0]->kind == N_CONST &&
		s->by[0]->val->type == -KIPC_T_BOOLEAN && !s->by[0]->val->a.g)
	{
		Q.by_false = true;
		Q.nby = 0;
	}
	Q.ncols = s->ncols;
	Q.cols = q_palloc(sizeof(QExpr) * (s->ncols + 1));
	Q.colnames = q_palloc(sizeof(char *) * (s->ncols + 1));
	for (i = 0; i < s->ncols; i++)
	{
		const char *nm = s->colnames[i] ? s->colnames[i] : node_name(s->cols[i]);

		Q.cols[i].node = s->cols[i];
		Q.colnames[i] = (char *) (nm ? nm : "x");
		if (s->colnames[i])
			Q.cols_named = true;
	}
	if (s->ncols > 1)
		Q.cols_named = true;
	if (s->kind == SQL_DELETE)
	{
		Q.del_cols = s->ncols > 0;
		for (i = 0; i < s->ncols; i++)
			Q.colnames[i] = s->cols[i]->name;
	}
	else
	{
		uniquify(&Q, Q.colnames, Q.ncols);
		uniquify(&Q, Q.bynames, Q.nby);
		if (s->kind != SQL_UPDATE)
			check_dup_groups(&Q);
	}
	r = run_query(&Q);
	/* the stack and the arena own these */
	Q.src = Q.limit = NULL;
	Q.where = Q.by = Q.cols = NULL;
	Q.bynames = Q.colnames = NULL;
	query_free(&Q);
	q_vpop(base);
	q_arena_pop(arena);
	return r;
}

/* items of a functional-form list argument as parse trees */
static int
tree_items(K *x, QExpr **out)
{
	int64_t		n,
				k;
	QExpr	   *e;

	if (q_is_atom(x))
		q_err("type");
	n = q_count(x);
	e = q_alloc(sizeof(QExpr) * (n + 1));
	for (k = 0; k < n; k++)
		e[k].tree = item_of(x, k);	/* leaked on error: see q_int.h */
	*out = e;
	return (int) n;
}

static void
tree_items_free(QExpr *e, int n)
{
	int			k;

	for (k = 0; k < n; k++)
		kipc_unref(e[k].tree);
}

/* a dict of name!parse-tree: fills names and trees */
static int
tree_dict(K *d, char ***names, QExpr **out)
{
	K		   *k = kipc_dict_keys(d);
	int			n,
				i;

	if (k->type != KIPC_T_SYMBOL)
		q_err("type");
	n = tree_items(kipc_dict_values(d), out);
	if (n != k->n)
		q_err("length");
	*names = q_alloc(sizeof(char *) * (n + 1));
	for (i = 0; i < n; i++)
		(*names)[i] = (char *) k->v.syms[i];
	return n;
}

static bool
is_empty_list(const K *x)
{
	return !q_is_atom(x) && x->type >= 0 && x->type <= KIPC_T_TIME && x->n == 0;
}

K *
q_functional(int which, K **args, int n)
{
	Query		Q;
	K		   *t = args[0],
			   *c = args[1],
			   *b = args[2],
			   *a = args[3],
			   *r;

	memset(&Q, 0, sizeof(Q));
	query_source(&Q, t);
	if (is_empty_list(c))
		Q.nwhere = 0;
	else if (c->type == KIPC_T_LIST)
		Q.nwhere = tree_items(c, &Q.where);
	else
		q_err("type");
	if (which == '?')
	{
		bool		exec = false;

		if (b->type == -KIPC_T_BOOLEAN)
			Q.distinct = b->a.g != 0;
		else if (is_empty_list(b))
			exec = true;
		else if (b->type == -KIPC_T_SYMBOL)
		{
			/* exec by one unnamed group column */
			exec = true;
			Q.nby = 1;
			Q.by = q_alloc(sizeof(QExpr));
			Q.by[0].tree = kipc_ref(b);
			Q.bynames = q_alloc(sizeof(char *));
			Q.bynames[0] = (char *) b->a.s;
		}
		else if (is_dict(b))
		{
			Q.nby = tree_dict(b, &Q.bynames, &Q.by);
			Q.by_named = true;
		}
		else
			q_err("type");
		if (is_empty_list(a))
			Q.ncols = 0;
		else if (is_dict(a))
		{
			Q.ncols = tree_dict(a, &Q.colnames, &Q.cols);
			Q.cols_named = true;
		}
		else if (exec && (a->type == -KIPC_T_SYMBOL || a->type == KIPC_T_LIST))
		{
			Q.ncols = 1;
			Q.cols = q_alloc(sizeof(QExpr));
			Q.cols[0].tree = kipc_ref(a);
			Q.colnames = q_alloc(sizeof(char *));
			Q.colnames[0] = (char *) (a->type == -KIPC_T_SYMBOL ? a->a.s : "x");
		}
		else
			q_err(exec ? "nyi" : "type");
		Q.kind = exec ? SQL_EXEC : SQL_SELECT;
		if (!exec)
			check_dup_groups(&Q);
		if (n >= 5)
		{
			K		   *lim = args[4];

			if (!(lim->type == KIPC_T_LIST && lim->n == 0))
				Q.limit = kipc_ref(lim);
		}
		if (n == 6)
			Q.order = args[5];
	}
	else
	{
		/* ![t;c;b;a]: update (a dict) or delete (a symbols or empty) */
		if (n != 4)
			q_err("rank");
		if (b->type == -KIPC_T_BOOLEAN && !b->a.g)
			;
		else if (is_dict(b))
			Q.nby = tree_dict(b, &Q.bynames, &Q.by);
		else
			q_err("type");
		if (is_dict(a))
		{
			Q.kind = SQL_UPDATE;
			Q.ncols = tree_dict(a, &Q.colnames, &Q.cols);
		}
		else if (a->type == KIPC_T_SYMBOL || is_empty_list(a))
		{
			Q.kind = SQL_DELETE;
			if (Q.nby > 0)
				q_err("nyi");
			if (a->n > 0)
			{
				int64_t		k;

				if (Q.nwhere > 0)
					q_err("nyi");
				Q.del_cols = true;
				Q.ncols = (int) a->n;
				Q.colnames = q_alloc(sizeof(char *) * (a->n + 1));
				for (k = 0; k < a->n; k++)
					Q.colnames[k] = (char *) a->v.syms[k];
			}
			else if (a->type == KIPC_T_LIST && Q.nwhere == 0)
			{
				/* ![t;();0b;()]: nothing to do */
				r = kipc_ref(Q.byname ? t : Q.src);
				tree_items_free(Q.where, Q.nwhere);
				query_free(&Q);
				return r;
			}
		}
		else
			q_err("type");
	}
	r = run_query(&Q);
	tree_items_free(Q.where, Q.nwhere);
	tree_items_free(Q.by, Q.nby);
	if (Q.kind != SQL_DELETE)
		tree_items_free(Q.cols, Q.ncols);
	query_free(&Q);
	return r;
}

/* ----------------------------------------------------------------
 * insert, upsert
 * ----------------------------------------------------------------
 */

/*
 * New rows for table tab (unkeyed, all columns) from the right argument
 * of insert/upsert: a table, a dict (one row), or a list of column values
 * in column order (atoms for one row, vectors for several).  Columns come
 * back with the table's own types; a value of another type is 'type, as in
 * q.  An empty untyped column (a general empty list) takes the value's
 * type.
 */
static K *
rows_to_table(K *tab, K *rows)
{
	int64_t		nc = tncols(tab),
				c,
				n = -1;
	K		  **v = q_alloc(sizeof(K *) * (nc + 1));
	K		   *cols;

	if (is_keyed(rows))
	{
		K		   *u = q_unkey(rows);
		K		   *r = rows_to_table(tab, u);

		kipc_unref(u);
		free(v);
		return r;
	}
	if (is_table(rows) || (is_dict(rows) && kipc_dict_keys(rows)->type == KIPC_T_SYMBOL))
	{
		for (c = 0; c < nc; c++)
		{
			const char *nm = tnames(tab)->v.syms[c];
			K		   *x;

			if (is_table(rows))
			{
				x = q_table_col(rows, nm);
				if (!x)
					q_err("mismatch");
				v[c] = kipc_ref(x);
			}
			else
			{
				K		   *key = kipc_new_symbol(nm);
				int64_t		p = find_key(kipc_dict_keys(rows), key);

				kipc_unref(key);
				if (p >= kipc_dict_keys(rows)->n)
					q_err("mismatch");
				v[c] = item_of(kipc_dict_values(rows), p);
			}
		}
		if (is_table(rows) && tncols(rows) != nc)
			q_err("mismatch");
	}
	else
	{
		if (q_is_atom(rows) && nc == 1)
			v[0] = kipc_ref(rows);
		else
		{
			if (q_is_atom(rows) || rows->type > KIPC_T_TIME)
				q_err("type");
			if (q_count(rows) != nc)
				q_err("length");
			for (c = 0; c < nc; c++)
				v[c] = item_of(rows, c);
		}
	}
	/* the number of rows: typed columns decide, then general ones */
	for (c = 0; c < nc; c++)
	{
		K		   *col = tcols(tab)->v.objs[c];
		int64_t		m;

		if (col->type == KIPC_T_LIST && col->n > 0)
			continue;
		m = q_is_atom(v[c]) ? 1 : q_count(v[c]);
		if (n >= 0 && m != n)
			q_err("length");
		n = m;
	}
	for (c = 0; c < nc; c++)
	{
		K		   *col = tcols(tab)->v.objs[c];
		int64_t		m;

		if (!(col->type == KIPC_T_LIST && col->n > 0))
			continue;
		m = v[c]->type == KIPC_T_LIST ? v[c]->n : 1;
		if (n >= 0 && m != n)
		{
			if (m == 1 || n != 1)
				q_err("length");
		}
		if (n < 0)
			n = m;
	}
	if (n < 0)
		n = 1;
	cols = kipc_new_list(nc);
	for (c = 0; c < nc; c++)
	{
		K		   *col = tcols(tab)->v.objs[c];
		K		   *x = v[c];

		if (col->type == KIPC_T_LIST)
		{
			if (col->n == 0 && trows(tab) == 0)
				cols->v.objs[c] = q_is_atom(x) ? extend(x, n) : kipc_ref(x);
			else if (x->type == KIPC_T_LIST && x->n == n)
				cols->v.objs[c] = kipc_ref(x);
			else
			{
				K		   *l = kipc_new_list(1);

				l->v.objs[0] = kipc_ref(x);
				cols->v.objs[c] = l;
			}
		}
		else
		{
			if (q_is_atom(x) ? x->type != -col->type : x->type != col->type)
				q_err("type");
			cols->v.objs[c] = q_is_atom(x) ? extend(x, n) : kipc_ref(x);
		}
		kipc_unref(x);
	}
	free(v);
	return q_table_new(kipc_ref(tnames(tab)), cols);
}

/* append the rows of table add (same columns) to table tab */
static K *
append_rows(K *tab, K *add)
{
	int64_t		nc = tncols(tab),
				c;
	K		   *cols = kipc_new_list(nc);

	for (c = 0; c < nc; c++)
	{
		K		   *a = tcols(tab)->v.objs[c],
				   *b = tcols(add)->v.objs[c];

		if (a->type == KIPC_T_LIST && a->n == 0)
			cols->v.objs[c] = kipc_ref(b);
		else
		{
			K		   *j = q_join(a, b);

			if (j->type == KIPC_T_LIST && a->type != KIPC_T_LIST)
				q_err("type");
			/* an append keeps `s `u `g when it still holds (q_attr.c) */
			q_append_attr(a, j);
			cols->v.objs[c] = j;
		}
	}
	return kipc_new_table(kipc_ref(tnames(tab)), cols);
}

/* row positions in keyed table kt (by key) of the rows of table add; -1
 * when the key is new */
static int64_t *
key_positions(K *kt, K *add)
{
	K		   *keys = kipc_dict_keys(kt);
	int64_t		nk = tncols(keys),
				nold = trows(keys),
				nnew = trows(add),
				k;
	K		  **cols = q_alloc(sizeof(K *) * (nk + 1));
	int64_t    *pos = q_alloc(sizeof(int64_t) * (nnew + 1));
	int64_t    *owner;
	Groups		g;
	int			c;

	for (c = 0; c < nk; c++)
	{
		K		   *a = tcols(keys)->v.objs[c],
				   *b = q_table_col(add, tnames(keys)->v.syms[c]);

		cols[c] = a->type == KIPC_T_LIST && a->n == 0 ? kipc_ref(b) : q_join(a, b);
	}
	group_rows(cols, (int) nk, NULL, nold + nnew, &g);
	owner = q_alloc(sizeof(int64_t) * (g.ngroups + 1));
	for (k = 0; k < g.ngroups; k++)
		owner[k] = -1;
	for (k = 0; k < nold; k++)
		if (owner[g.gid[k]] < 0)
			owner[g.gid[k]] = k;
	for (k = 0; k < nnew; k++)
		pos[k] = owner[g.gid[nold + k]];
	free(owner);
	groups_free(&g);
	for (c = 0; c < nk; c++)
		kipc_unref(cols[c]);
	free(cols);
	return pos;
}

K *
q_insert(K *name, K *rows)
{
	K		   *t,
			   *u,
			   *add,
			   *nt,
			   *r;
	int64_t		old,
				k,
				n;

	if (name->type != -KIPC_T_SYMBOL)
		q_err("type");
	check_not_parted_name(name->a.s);
	t = q_resolve_table(name);
	if (!is_table(t) && !is_keyed(t))
		q_err("type");
	u = q_unkey(t);
	add = rows_to_table(u, rows);
	n = trows(add);
	old = trows(u);
	if (is_keyed(t))
	{
		int64_t    *pos = key_positions(t, add);

		for (k = 0; k < n; k++)
			if (pos[k] >= 0)
				q_err("insert");
		free(pos);
	}
	nt = append_rows(u, add);
	if (is_keyed(t))
	{
		K		   *kn = kipc_new_long(tncols(kipc_dict_keys(t)));
		K		   *kt = q_xkey(kn, nt);

		kipc_unref(kn);
		kipc_unref(nt);
		nt = kt;
	}
	q_set_global(name->a.s, nt);
	r = kipc_new_vector(KIPC_T_LONG, n);
	for (k = 0; k < n; k++)
		kipc_set_j(r, k, old + k);
	kipc_unref(add);
	kipc_unref(u);
	kipc_unref(t);
	return r;
}

K *
q_upsert(K *t, K *rows)
{
	K		   *tv,
			   *u,
			   *add,
			   *r;

	if (t->type == -KIPC_T_SYMBOL)
	{
		check_not_parted_name(t->a.s);
		tv = q_resolve_table(t);
		r = q_upsert(tv, rows);
		kipc_unref(tv);
		q_set_global(t->a.s, r);
		return kipc_ref(t);
	}
	if (!is_table(t) && !is_keyed(t))
		q_err("type");
	u = q_unkey(t);
	add = rows_to_table(u, rows);
	if (!is_keyed(t))
		r = append_rows(u, add);
	else
	{
		int64_t    *pos = key_positions(t, add);
		int64_t		n = trows(add),
					k,
					m = 0,
					nc = tncols(u),
					c;
		K		   *upd = kipc_new_vector(KIPC_T_LONG, n),
				   *src = kipc_new_vector(KIPC_T_LONG, n),
				   *newr = kipc_new_vector(KIPC_T_LONG, n),
				   *names = kipc_ref(tnames(u)),
				   *cols = kipc_new_list(nc),
				   *tab,
				   *more,
				   *kn;
		int64_t		nu = 0;

		/* a key seen twice among the new rows: the last one wins, later
		 * occurrences of a new key update the row just appended */
		for (k = 0; k < n; k++)
		{
			if (pos[k] >= 0)
			{
				kipc_set_j(upd, nu, pos[k]);
				kipc_set_j(src, nu++, k);
			}
			else
				kipc_set_j(newr, m++, k);
		}
		kipc_resize(upd, nu);
		kipc_resize(src, nu);
		kipc_resize(newr, m);
		for (c = 0; c < nc; c++)
		{
			K		   *vals = gather(tcols(add)->v.objs[c], src);

			cols->v.objs[c] = amend_col(tcols(u)->v.objs[c], trows(u), upd, vals);
			kipc_unref(vals);
		}
		tab = kipc_new_table(names, cols);
		more = q_table_rows(add, newr);
		r = append_rows(tab, more);
		kipc_unref(tab);
		kipc_unref(more);
		kipc_unref(upd);
		kipc_unref(src);
		kipc_unref(newr);
		free(pos);
		kn = kipc_new_long(tncols(kipc_dict_keys(t)));
		tab = q_xkey(kn, r);
		kipc_unref(kn);
		kipc_unref(r);
		r = tab;
	}
	kipc_unref(add);
	kipc_unref(u);
	return r;
}

/* ----------------------------------------------------------------
 * xasc / xdesc
 * ----------------------------------------------------------------
 */
K *
q_xasc(K *cols, K *t, bool desc)
{
	K		   *u,
			   *iv,
			   *r;
	K		  **kc;
	bool	   *dv;
	int64_t		nk,
				k,
				n;
	int64_t    *ix;

	if (t->type == -KIPC_T_SYMBOL)
	{
		K		   *v = q_resolve_table(t);

		check_not_parted_name(t->a.s);
		r = q_xasc(cols, v, desc);
		kipc_unref(v);
		q_set_global(t->a.s, r);
		return kipc_ref(t);
	}
	if (!is_table(t) && !is_keyed(t))
		q_err("type");
	if (cols->type != -KIPC_T_SYMBOL && cols->type != KIPC_T_SYMBOL)
		q_err("type");
	nk = cols->type < 0 ? 1 : cols->n;
	if (nk == 0)
		return kipc_ref(t);
	u = q_unkey(t);
	kc = q_alloc(sizeof(K *) * nk);
	dv = q_alloc(nk);
	for (k = 0; k < nk; k++)
	{
		const char *nm = cols->type < 0 ? cols->a.s : cols->v.syms[k];

		kc[k] = q_table_col(u, nm);
		if (!kc[k])
			q_err(nm);
		dv[k] = desc;
	}
	n = trows(u);
	ix = q_alloc(sizeof(int64_t) * (n + 1));
	for (k = 0; k < n; k++)
		ix[k] = k;
	sort_rows(ix, n, kc, dv, (int) nk);
	iv = long_vec(ix, n);
	free(ix);
	r = q_table_rows(u, iv);
	kipc_unref(iv);
	if (!desc)
	{
		/* xasc sets the sorted attribute on its first column */
		K		   *c0 = q_table_col(r, cols->type < 0 ? cols->a.s : cols->v.syms[0]);

		if (c0 && c0->type != KIPC_T_LIST)
			c0->attr = KIPC_ATTR_SORTED;
	}
	free(kc);
	free(dv);
	if (is_keyed(t))
	{
		K		   *kn = kipc_new_long(tncols(kipc_dict_keys(t)));
		K		   *kr = q_xkey(kn, r);

		kipc_unref(kn);
		kipc_unref(r);
		r = kr;
	}
	kipc_unref(u);
	return r;
}
