/*-------------------------------------------------------------------------
 *
 * q_rand.c
 *		Random numbers (deterministic, seeded per interpreter).
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_rand.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Random numbers (deterministic; seeded per interpreter)
 * ----------------------------------------------------------------
 */
void
q_rand_seed(uint64_t s)
{
	q_cur->rng = s ? s : 0x2545F4914F6CDD1DULL;
}

static inline uint64_t
rnd(void)
{
	uint64_t	x = q_cur->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	q_cur->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline uint64_t
rnd_below(uint64_t m)
{
	return (uint64_t) (((unsigned __int128) rnd() * m) >> 64);
}

static inline double
rnd_unit(void)
{
	return (double) (rnd() >> 11) * (1.0 / 9007199254740992.0);
}

/* n distinct indexes below m in random order */
static int64_t *
deal_idx(int64_t n, int64_t m)
{
	int64_t    *I = xmalloc(sizeof(int64_t) * (n ? n : 1)),
				k;

	if (n > m)
		q_err("length");
	if (m <= 50000000)
	{
		int64_t    *P = xmalloc(sizeof(int64_t) * (m ? m : 1));

		for (k = 0; k < m; k++)
			P[k] = k;
		for (k = 0; k < n; k++)
		{
			int64_t		j = k + (int64_t) rnd_below((uint64_t) (m - k));
			int64_t		t = P[k];

			P[k] = P[j];
			P[j] = t;
			I[k] = P[k];
		}
		free(P);
		return I;
	}
	q_err("nyi");
}

K *
q_rand(K *x, K *y)
{
	int64_t		n,
				k;
	bool		deal = false;
	K		   *r;

	if (!(x->type == -KIPC_T_LONG || x->type == -KIPC_T_INT || x->type == -KIPC_T_SHORT))
		q_err("type");
	n = getJ(x, -1);
	if (n == NJ)
	{
		/* 0N?x: permute x, or til x for an int atom (KX deal.md) */
		if (q_is_atom(y))
		{
			if (!(y->type < 0 && intlike_t(-y->type)))
				q_err("type");
			n = getJ(y, -1);
			if (n == NJ || n < 0)
				q_err("domain");
			n = -n;
		}
		else
			n = -q_count(y);
	}
	if (n < 0)
	{
		deal = true;
		n = -n;
	}
	else if (n == NJ)
		q_err("domain");
	if (!q_is_atom(y))
	{
		int64_t		c = q_count(y);
		int64_t    *I;
		K		   *iv;

		if (deal)
			I = deal_idx(n, c);
		else
		{
			if (c == 0)
				q_err("length");
			I = xmalloc(sizeof(int64_t) * (n ? n : 1));
			for (k = 0; k < n; k++)
				I[k] = (int64_t) rnd_below((uint64_t) c);
		}
		if (y->type == KIPC_T_TABLE || is_dict(y))
		{
			iv = mk(KIPC_T_LONG, n, false);
			qmemcpy(iv->v.items, I, sizeof(int64_t) * n);
			r = q_index(y, iv);
			kipc_unref(iv);
		}
		else
			r = gather(y, I, n);
		free(I);
		return r;
	}
	switch (-y->type)
	{
		case KIPC_T_GUID:
			if (!item_null(y, -1))
				q_err("nyi");
			r = mk(KIPC_T_GUID, n, false);
			for (k = 0; k < n * 2; k++)
			{
				uint64_t	v = rnd();

				qmemcpy((uint8_t *) r->v.items + 8 * k, &v, 8);
			}
			return r;
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
			{
				double		m = getF(y, -1);

				if (deal || isnan(m) || m < 0)
					q_err("nyi");
				r = mk(-y->type, n, false);
				for (k = 0; k < n; k++)
					putF(r, k, rnd_unit() * m);
				return r;
			}
		case KIPC_T_DATETIME:
			q_err("nyi");
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_CHAR:
			{
				/* n?0b booleans, n?0x0 bytes, n?" " letters (KX deal.md) */
				int			t = -y->type;
				uint8_t    *R;

				if (deal || (t == KIPC_T_BOOLEAN && y->a.g) || (t == KIPC_T_BYTE && y->a.g) || (t == KIPC_T_CHAR && y->a.g != ' '))
					q_err("nyi");
				r = mk(t, n, false);
				R = r->v.items;
				for (k = 0; k < n; k++)
					R[k] = t == KIPC_T_BOOLEAN ? (uint8_t) rnd_below(2) : t == KIPC_T_BYTE ? (uint8_t) rnd_below(256) :
						(uint8_t) ('a' + rnd_below(26));
				return r;
			}
		case KIPC_T_SYMBOL:
			{
				/* n?`3: symbols of 3 letters from a..p */
				const char *w = y->a.s;
				int			len = (int) strlen(w),
							i;
				char		buf[9];

				if (deal || len != 1 || w[0] < '1' || w[0] > '8')
					q_err("nyi");
				len = w[0] - '0';
				r = mk(KIPC_T_SYMBOL, n, false);
				for (k = 0; k < n; k++)
				{
					for (i = 0; i < len; i++)
						buf[i] = (char) ('a' + rnd_below(16));
					buf[len] = 0;
					set_sym(r, k, buf);
				}
				return r;
			}
		default:
			{
				int64_t		m = getJ(y, -1);
				int			t = -y->type;

				if (m == 0 && !deal && (t == KIPC_T_LONG || t == KIPC_T_INT))
				{
					/* n?0 longs, n?0i ints: the whole range */
					r = mk(t, n, false);
					for (k = 0; k < n; k++)
						putJ(r, k, t == KIPC_T_LONG ? (int64_t) rnd() : (int64_t) (int32_t) rnd());
					return r;
				}
				if (m == NJ || m <= 0)
					q_err("nyi");
				r = mk(t, n, false);
				if (deal)
				{
					int64_t    *I = deal_idx(n, m);

					store_j(r, I, n);
					free(I);
					return r;
				}
				if (j64_t(t))
				{
					int64_t    *R = r->v.items;

					for (k = 0; k < n; k++)
						R[k] = (int64_t) rnd_below((uint64_t) m);
				}
				else
					for (k = 0; k < n; k++)
						putJ(r, k, (int64_t) rnd_below((uint64_t) m));
				return r;
			}
	}
}
