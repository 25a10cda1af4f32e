/*-------------------------------------------------------------------------
 *
 * q_group.c
 *		Grouping rows by exact 64-bit keys: the fast path of By groups.
 *
 * Grouping assigns every row a dense group number in order of first
 * appearance.  For the key types a By phrase usually has (symbols, the
 * integer and temporal types, booleans, bytes, chars, reals and floats)
 * each item maps to a 64-bit key that is equal for two items exactly when
 * q's grouping puts them together: integers and temporals by value (their
 * nulls are ordinary values), reals and floats by their bits after
 * folding -0 into 0 and every NaN into one null (q groups nulls
 * together), symbols by their interned pointers (q_sym.c), or through a
 * table of their distinct strings when not interned.  A key of
 * several columns is grouped column by column: the group number of the
 * columns so far times the count of distinct values of the next column,
 * plus that value's number, is again an exact key.  Numbering in order
 * of first appearance at every step keeps the final numbers in order of
 * first appearance of the whole key, as the general path (hashing whole
 * rows) numbers them.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_group.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

static inline uint64_t
key_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/*
 * Dense numbering of 64-bit keys: slots hold group numbers, keys[g] the
 * key of group g.  next is the number the next new key gets.
 */
typedef struct KeyMap
{
	int32_t    *slot;			/* group number or -1 */
	uint64_t	mask;
	uint64_t   *keys;			/* per group */
	int64_t		n;				/* groups numbered */
	int64_t		cap;			/* room in keys */
} KeyMap;

static void
km_init(KeyMap *m)
{
	m->mask = 63;
	m->slot = xmalloc(sizeof(int32_t) * 64);
	memset(m->slot, 0xff, sizeof(int32_t) * 64);
	m->cap = 32;
	m->keys = xmalloc(sizeof(uint64_t) * m->cap);
	m->n = 0;
}

static void
km_free(KeyMap *m)
{
	free(m->slot);
	free(m->keys);
}

static void
km_grow(KeyMap *m)
{
	uint64_t	ncap = (m->mask + 1) * 4,
				mask = ncap - 1;
	int32_t    *ns = xmalloc(sizeof(int32_t) * ncap);
	int64_t		g;

	memset(ns, 0xff, sizeof(int32_t) * ncap);
	for (g = 0; g < m->n; g++)
	{
		uint64_t	s = key_mix(m->keys[g]) & mask;

		while (ns[s] >= 0)
			s = (s + 1) & mask;
		ns[s] = (int32_t) g;
	}
	free(m->slot);
	m->slot = ns;
	m->mask = mask;
}

/* the group number of key k, numbering it if new (*isnew set) */
static inline int64_t
km_get(KeyMap *m, uint64_t k, bool *isnew)
{
	uint64_t	s = key_mix(k) & m->mask;

	for (;;)
	{
		int32_t		g = m->slot[s];

		if (g < 0)
			break;
		if (m->keys[g] == k)
		{
			*isnew = false;
			return g;
		}
		s = (s + 1) & m->mask;
	}
	if (m->n == m->cap)
	{
		m->cap *= 2;
		m->keys = realloc(m->keys, sizeof(uint64_t) * m->cap);
		if (!m->keys)
			q_err("wsfull");
	}
	m->keys[m->n] = k;
	m->slot[s] = (int32_t) m->n;
	*isnew = true;
	if ((uint64_t) ++m->n * 2 > m->mask + 1)
		km_grow(m);
	return m->n - 1;
}

/*
 * Symbols: a string of fewer than 8 bytes is its own key (the bytes
 * packed little-end first, zero padded: no symbol holds a NUL byte, so
 * the packing is one to one); longer strings go through a second table
 * that compares whole strings.  Both number from one counter.
 */
typedef struct StrMap
{
	int32_t    *slot;
	uint64_t	mask;
	const char **strs;			/* per long-string entry */
	uint64_t   *hash;
	int64_t    *id;				/* its group number */
	int64_t		n,
				cap;
} StrMap;

static uint64_t
str_hash(const char *s)
{
	uint64_t	h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (uint8_t) *s++) * 1099511628211ULL;
	return key_mix(h);
}

static void
sm_init(StrMap *m)
{
	m->mask = 15;
	m->slot = xmalloc(sizeof(int32_t) * 16);
	memset(m->slot, 0xff, sizeof(int32_t) * 16);
	m->cap = 8;
	m->n = 0;
	m->strs = xmalloc(sizeof(char *) * m->cap);
	m->hash = xmalloc(sizeof(uint64_t) * m->cap);
	m->id = xmalloc(sizeof(int64_t) * m->cap);
}

static void
sm_free(StrMap *m)
{
	free(m->slot);
	free(m->strs);
	free(m->hash);
	free(m->id);
}

/* entry of string s: its group number, or -1 after adding it as id */
static int64_t
sm_get(StrMap *m, const char *s, int64_t id)
{
	uint64_t	h = str_hash(s),
				p = h & m->mask;

	for (;;)
	{
		int32_t		e = m->slot[p];

		if (e < 0)
			break;
		if (m->hash[e] == h && strcmp(m->strs[e], s) == 0)
			return m->id[e];
		p = (p + 1) & m->mask;
	}
	if (m->n == m->cap)
	{
		m->cap *= 2;
		m->strs = realloc(m->strs, sizeof(char *) * m->cap);
		m->hash = realloc(m->hash, sizeof(uint64_t) * m->cap);
		m->id = realloc(m->id, sizeof(int64_t) * m->cap);
		if (!m->strs || !m->hash || !m->id)
			q_err("wsfull");
	}
	m->strs[m->n] = s;
	m->hash[m->n] = h;
	m->id[m->n] = id;
	m->slot[p] = (int32_t) m->n;
	if ((uint64_t) ++m->n * 2 > m->mask + 1)
	{
		uint64_t	ncap = (m->mask + 1) * 4,
					mask = ncap - 1;
		int32_t    *ns = xmalloc(sizeof(int32_t) * ncap);
		int64_t		e;

		memset(ns, 0xff, sizeof(int32_t) * ncap);
		for (e = 0; e < m->n; e++)
		{
			uint64_t	t = m->hash[e] & mask;

			while (ns[t] >= 0)
				t = (t + 1) & mask;
			ns[t] = (int32_t) e;
		}
		free(m->slot);
		m->slot = ns;
		m->mask = mask;
	}
	return -1;
}

/* can column c be keyed exactly in 64 bits? */
static bool
keyable(const K *c)
{
	switch (c->type)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_CHAR:
		case KIPC_T_SHORT:
		case KIPC_T_INT:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
		case KIPC_T_SYMBOL:
			return true;
		default:
			return false;
	}
}

/* the exact key of item r of c (not symbols) */
static inline uint64_t
item_key(const K *c, int64_t r)
{
	switch (c->type)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_CHAR:
			return kipc_get_g(c, r);
		case KIPC_T_SHORT:
			return (uint64_t) (uint16_t) kipc_get_h(c, r);
		case KIPC_T_REAL:
			{
				float		f = kipc_get_e(c, r);
				uint32_t	b;

				if (isnan(f))
					return UINT64_C(1) << 40;
				if (f == 0)
					f = 0;
				memcpy(&b, &f, 4);
				return b;
			}
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			{
				double		f = kipc_get_f(c, r);
				uint64_t	b;

				if (isnan(f))
					return UINT64_C(0x7ff8000000000000);
				if (f == 0)
					f = 0;
				memcpy(&b, &f, 8);
				return b;
			}
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			return (uint64_t) kipc_get_j(c, r);
		default:
			return (uint64_t) (uint32_t) kipc_get_i(c, r);
	}
}

static inline int64_t
row_of(const K *idx, int64_t k)
{
	return idx ? ((const int64_t *) idx->v.items)[k] : k;
}

/*
 * Number the items of column c at the rows idx (NULL: 0..n-1) in order of
 * first appearance into ids; returns the count of distinct items.
 */
static int64_t
number_column(const K *c, const K *idx, int64_t n, int64_t *ids)
{
	int64_t		k,
				next = 0;

	if (c->type == KIPC_T_SYMBOL && q_sym_interned(c))
	{
		/*
		 * Interned symbols (q_sym.c): equal exactly when their pointers
		 * are, and each carries its table id, so an array indexed by id
		 * numbers them (while the table is not much bigger than the
		 * column; otherwise the pointers are the keys)
		 */
		uint32_t	nsym = q_sym_count();

		if ((uint64_t) nsym <= (uint64_t) n * 4 + 4096)
		{
			int32_t    *dir = xmalloc(sizeof(int32_t) * ((size_t) nsym + 1));

			memset(dir, 0xff, sizeof(int32_t) * ((size_t) nsym + 1));
			for (k = 0; k < n; k++)
			{
				uint32_t	id = q_sym_id(c->v.syms[row_of(idx, k)]);

				if (dir[id] < 0)
					dir[id] = (int32_t) next++;
				ids[k] = dir[id];
			}
			free(dir);
			return next;
		}
		else
		{
			KeyMap		m;

			km_init(&m);
			for (k = 0; k < n; k++)
			{
				bool		isnew;

				ids[k] = km_get(&m, (uint64_t) (uintptr_t) c->v.syms[row_of(idx, k)], &isnew);
				if ((k & 0xfffff) == 0xfffff)
					q_check_deadline();
			}
			next = m.n;
			km_free(&m);
			return next;
		}
	}
	if (c->type == KIPC_T_SYMBOL)
	{
		KeyMap		m;
		StrMap		sm;
		int64_t		scap = 64;
		int64_t    *sid = xmalloc(sizeof(int64_t) * scap);	/* m's number ->
															 * shared one */

		km_init(&m);
		sm_init(&sm);
		for (k = 0; k < n; k++)
		{
			const char *s = c->v.syms[row_of(idx, k)];
			uint64_t	w = 0;
			int			i;

			for (i = 0; i < 8 && s[i]; i++)
				w |= (uint64_t) (uint8_t) s[i] << (8 * i);
			if (i < 8)
			{
				bool		isnew;
				int64_t		g = km_get(&m, w, &isnew);

				if (isnew)
				{
					if (g == scap)
					{
						scap *= 2;
						sid = realloc(sid, sizeof(int64_t) * scap);
						if (!sid)
							q_err("wsfull");
					}
					sid[g] = next++;
				}
				ids[k] = sid[g];
			}
			else
			{
				int64_t		e = sm_get(&sm, s, next);

				ids[k] = e < 0 ? next++ : e;
			}
			if ((k & 0xfffff) == 0xfffff)
				q_check_deadline();
		}
		free(sid);
		km_free(&m);
		sm_free(&sm);
		return next;
	}
	switch (c->type)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_CHAR:
			{
				int64_t		dir[256];
				const uint8_t *v = c->v.items;

				memset(dir, 0xff, sizeof(dir));
				for (k = 0; k < n; k++)
				{
					uint8_t		b = v[row_of(idx, k)];

					if (dir[b] < 0)
						dir[b] = next++;
					ids[k] = dir[b];
				}
				return next;
			}
		default:
			{
				KeyMap		m;
				uint64_t	prev = 0;
				int64_t		pid = -1;

				km_init(&m);
				for (k = 0; k < n; k++)
				{
					uint64_t	key = item_key(c, row_of(idx, k));
					bool		isnew;

					/* runs of one value (sorted or bucketed times) */
					if (pid < 0 || key != prev)
					{
						pid = km_get(&m, key, &isnew);
						prev = key;
					}
					ids[k] = pid;
					if ((k & 0xfffff) == 0xfffff)
						q_check_deadline();
				}
				next = m.n;
				km_free(&m);
				return next;
			}
	}
}

/*
 * Group n rows (idx, or 0..n-1) by the columns cols: gid[k] gets the
 * group number of row k, *firstp (malloc'd) the first row of each group.
 * Returns the number of groups, or -1 when a column has a type without an
 * exact 64-bit key (the caller then hashes whole items).
 */
int64_t
q_group_keys(K **cols, int nc, const K *idx, int64_t n, int64_t *gid,
			 int64_t **firstp)
{
	int64_t		ng,
				k;
	int64_t    *first;
	int			c;

	if (n > INT32_MAX)
		return -1;
	for (c = 0; c < nc; c++)
		if (q_is_atom(cols[c]) || !keyable(cols[c]))
			return -1;
	ng = number_column(cols[0], idx, n, gid);
	if (nc > 1)
	{
		int64_t    *ids = xmalloc(sizeof(int64_t) * (n ? n : 1));

		for (c = 1; c < nc; c++)
		{
			int64_t		nv = number_column(cols[c], idx, n, ids);
			KeyMap		m;

			km_init(&m);
			for (k = 0; k < n; k++)
			{
				bool		isnew;

				gid[k] = km_get(&m, (uint64_t) gid[k] * (uint64_t) nv + (uint64_t) ids[k], &isnew);
			}
			ng = m.n;
			km_free(&m);
		}
		free(ids);
	}
	first = xmalloc(sizeof(int64_t) * (ng ? ng : 1));
	{
		int64_t		seen = 0;

		/* numbers are in order of first appearance: the first row of
		 * group g is the first row whose number is the next unseen one */
		for (k = 0; k < n && seen < ng; k++)
			if (gid[k] == seen)
				first[seen++] = row_of(idx, k);
	}
	*firstp = first;
	return ng;
}

/*
 * .qserver.slowgroup:1b (a test-server-only switch, not kdb+) sends every
 * By phrase through the general paths: hashing whole items and evaluating
 * each Select subphrase once per group.  Tests set it to compare the fast
 * paths with those on the same data.
 */
bool
q_group_slow(void)
{
	K		   *v = q_get_global(".qserver.slowgroup");

	return v && v->type == -KIPC_T_BOOLEAN && v->a.g;
}

/*
 * The built-in aggregate u (U_COUNT, U_SUM, U_AVG, U_MIN, U_MAX) of the
 * vector v for every group at once: gid[k] is the group of item k, the
 * result holds group g's value at rank[g].  Each group's value is the one
 * agg() (q_agg.c) computes on the group's items in row order -- the same
 * widening (load_j, load_f), null rules, starting values and, for float
 * sums, the same eight lanes: lane j of a group adds its items j, j+8, ...
 * in row order and the lanes are added left to right.  NULL when v's type
 * is one agg() would reject: the caller then takes the general path,
 * which signals the error.
 */
K *
q_group_agg(int u, const K *v, const int64_t *gid, const int64_t *rank,
			int64_t ng, int64_t n)
{
	int			t = v->type;
	int64_t		k,
				g;
	K		   *r;

	if (!is_vec(v) || v->n != n)
		return NULL;
	if (u == U_COUNT)
		return q_group_sizes(gid, rank, ng, n);
	if (t == KIPC_T_SYMBOL || t == KIPC_T_GUID)
		return NULL;
	if ((u == U_SUM && (t == KIPC_T_CHAR || (!numeric_t(t) && !temporal_t(t) && t != KIPC_T_BOOLEAN && t != KIPC_T_BYTE))) ||
		(u == U_AVG && !numeric_t(t) && !temporal_t(t) && t != KIPC_T_CHAR))
		return NULL;
	if ((u == U_SUM && (t == KIPC_T_REAL || t == KIPC_T_FLOAT || t == KIPC_T_DATETIME)) || u == U_AVG)
	{
		/*
		 * per group, side by side: the eight lanes, the items seen (the
		 * next lane) and the non-null count.  A null adds +0 to its lane,
		 * which is the same as skipping it: a lane starts at +0 and can
		 * never hold -0 (x + -x and +0 + -0 are +0 when rounding to
		 * nearest), the only value adding +0 would change.
		 */
		typedef struct Lanes
		{
			double		L[8];
			int64_t		seen;
			int64_t		cnt;
		}			Lanes;
		double	   *f,
				   *X = load_f(v, 1, &f);
		Lanes	   *G = xmalloc(sizeof(Lanes) * (ng ? ng : 1));

		memset(G, 0, sizeof(Lanes) * ng);
		for (k = 0; k < n; k++)
		{
			Lanes	   *p = &G[gid[k]];
			double		x = X[k];
			bool		ok = !isnan(x);

			p->L[p->seen++ & 7] += ok ? x : 0.0;
			p->cnt += ok;
		}
		r = u == U_AVG ? mk(KIPC_T_FLOAT, ng, false) : mk(sum_type(t), ng, false);
		for (g = 0; g < ng; g++)
		{
			double		s = G[g].L[0];
			int			j;

			for (j = 1; j < 8; j++)
				s += G[g].L[j];
			if (u == U_AVG)
				s = G[g].cnt ? s / G[g].cnt : NAN;
			putF(r, rank[g], s);
		}
		free(G);
		free(f);
		return r;
	}
	if (u == U_SUM)
	{
		int64_t    *f,
				   *X = load_j(v, 1, &f);
		int			sets = ng <= 4096 ? 4 : 1;	/* as in q_group_sizes */
		uint64_t   *S = xmalloc(sizeof(uint64_t) * sets * (ng ? ng : 1));

		/* sums modulo 2^64 (wrapping as q's do) in any grouping agree */
		memset(S, 0, sizeof(uint64_t) * sets * ng);
		for (k = 0; k < n; k++)
			S[(k & (sets - 1)) * ng + gid[k]] += X[k] != NJ ? (uint64_t) X[k] : 0;
		r = mk(sum_type(t), ng, false);
		for (g = 0; g < ng; g++)
		{
			uint64_t	x = S[g];
			int			j;

			for (j = 1; j < sets; j++)
				x += S[j * ng + g];
			putJ(r, rank[g], (int64_t) x);
		}
		free(S);
		free(f);
		return r;
	}
	/* min, max */
	r = mk(t, ng, false);
	if (t == KIPC_T_REAL || t == KIPC_T_FLOAT || t == KIPC_T_DATETIME)
	{
		double	   *f,
				   *X = load_f(v, 1, &f);
		double	   *B = xmalloc(sizeof(double) * (ng ? ng : 1));
		double		init = u == U_MIN ? INFINITY : -INFINITY;

		for (g = 0; g < ng; g++)
			B[g] = init;
		/* a NaN (null) compares false: skipped */
		if (u == U_MIN)
		{
			for (k = 0; k < n; k++)
				if (X[k] < B[gid[k]])
					B[gid[k]] = X[k];
		}
		else
			for (k = 0; k < n; k++)
				if (X[k] > B[gid[k]])
					B[gid[k]] = X[k];
		for (g = 0; g < ng; g++)
			putF(r, rank[g], B[g]);
		free(B);
		free(f);
	}
	else
	{
		int64_t    *f,
				   *X = load_j(v, 1, &f);
		int64_t    *B = xmalloc(sizeof(int64_t) * (ng ? ng : 1));
		int64_t		init;

		if (t == KIPC_T_BOOLEAN || t == KIPC_T_BYTE || t == KIPC_T_CHAR)
			init = u == U_MIN ? (t == KIPC_T_BOOLEAN ? 1 : 255) : 0;
		else if (t == KIPC_T_SHORT)
			init = u == U_MIN ? KIPC_INF_SHORT : KIPC_NINF_SHORT;
		else if (i32_t(t))
			init = u == U_MIN ? WI : KIPC_NINF_INT;
		else
			init = u == U_MIN ? WJ : -WJ;
		for (g = 0; g < ng; g++)
			B[g] = init;
		if (u == U_MIN)
		{
			for (k = 0; k < n; k++)
				if (X[k] != NJ && X[k] < B[gid[k]])
					B[gid[k]] = X[k];
		}
		else
			for (k = 0; k < n; k++)
				if (X[k] > B[gid[k]])
					B[gid[k]] = X[k];
		for (g = 0; g < ng; g++)
			putJ(r, rank[g], B[g]);
		free(B);
		free(f);
	}
	return r;
}

/*
 * The size of every group (count i per group) at rank[g].  Rows of one
 * group follow each other often, and each adds one to the same counter:
 * four sets of counters, taken in turn, keep those additions apart.
 */
K *
q_group_sizes(const int64_t *gid, const int64_t *rank, int64_t ng, int64_t n)
{
	K		   *r = mk(KIPC_T_LONG, ng, false);
	int64_t    *R = r->v.items,
				k,
				g;

	if (ng <= 4096)
	{
		int64_t    *C = xmalloc(sizeof(int64_t) * 4 * (ng ? ng : 1));

		memset(C, 0, sizeof(int64_t) * 4 * ng);
		for (k = 0; k + 4 <= n; k += 4)
		{
			C[gid[k]]++;
			C[ng + gid[k + 1]]++;
			C[2 * ng + gid[k + 2]]++;
			C[3 * ng + gid[k + 3]]++;
		}
		for (; k < n; k++)
			C[gid[k]]++;
		for (g = 0; g < ng; g++)
			R[rank[g]] = C[g] + C[ng + g] + C[2 * ng + g] + C[3 * ng + g];
		free(C);
		return r;
	}
	memset(R, 0, sizeof(int64_t) * ng);
	for (k = 0; k < n; k++)
		R[rank[gid[k]]]++;
	return r;
}

/*
 * sum "j"$not null v for every group at once: the count of v's non-null
 * items per group (null as q's null: item_null), at rank[g]; NULL if v is
 * no vector of n items.
 */
K *
q_group_count_valid(const K *v, const int64_t *gid, const int64_t *rank,
					int64_t ng, int64_t n)
{
	K		   *r;
	int64_t    *R,
				k;
	int			t = v->type;

	if (!is_vec(v) || v->n != n)
		return NULL;
	r = mk(KIPC_T_LONG, ng, false);
	R = r->v.items;
	if (ng <= 4096 && (t == KIPC_T_FLOAT || t == KIPC_T_DATETIME || j64_t(t)))
	{
		/* four sets of counters, as in q_group_sizes */
		int64_t    *C = xmalloc(sizeof(int64_t) * 4 * (ng ? ng : 1));
		int64_t		g;

		memset(C, 0, sizeof(int64_t) * 4 * ng);
		if (j64_t(t))
			for (k = 0; k < n; k++)
				C[(k & 3) * ng + gid[k]] += kipc_get_j(v, k) != NJ;
		else
			for (k = 0; k < n; k++)
				C[(k & 3) * ng + gid[k]] += !isnan(kipc_get_f(v, k));
		for (g = 0; g < ng; g++)
			R[rank[g]] = C[g] + C[ng + g] + C[2 * ng + g] + C[3 * ng + g];
		free(C);
		return r;
	}
	memset(R, 0, sizeof(int64_t) * ng);
	if (t == KIPC_T_FLOAT || t == KIPC_T_DATETIME)
		for (k = 0; k < n; k++)
			R[rank[gid[k]]] += !isnan(kipc_get_f(v, k));
	else if (j64_t(t))
		for (k = 0; k < n; k++)
			R[rank[gid[k]]] += kipc_get_j(v, k) != NJ;
	else
		for (k = 0; k < n; k++)
			R[rank[gid[k]]] += !item_null(v, k);
	return r;
}
