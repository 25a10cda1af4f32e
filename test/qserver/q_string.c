/*-------------------------------------------------------------------------
 *
 * q_string.c
 *		Strings: lower, upper, trim, vs, sv, ss.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_string.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Strings: lower upper trim vs sv ss
 * ----------------------------------------------------------------
 */
K *
case_map(K *x, bool up)
{
	int64_t		k;
	K		   *r;

	switch (x->type)
	{
		case -KIPC_T_CHAR:
			return kipc_new_char((char) (up ? toupper(x->a.g) : tolower(x->a.g)));
		case KIPC_T_CHAR:
			r = kipc_copy(x);
			for (k = 0; k < r->n; k++)
			{
				uint8_t    *c = (uint8_t *) r->v.items + k;

				*c = (uint8_t) (up ? toupper(*c) : tolower(*c));
			}
			return r;
		case -KIPC_T_SYMBOL:
		case KIPC_T_SYMBOL:
			{
				int64_t		n = x->type < 0 ? 1 : x->n;

				r = mk(KIPC_T_SYMBOL, n, x->type < 0);
				for (k = 0; k < n; k++)
				{
					char	   *s = strdup(x->type < 0 ? x->a.s : x->v.syms[k]);
					char	   *p;

					for (p = s; *p; p++)
						*p = (char) (up ? toupper((unsigned char) *p) : tolower((unsigned char) *p));
					if (x->type < 0)
					{
						kipc_unref(r);
						r = kipc_new_symbol(s);
					}
					else
						set_sym(r, k, s);
					free(s);
				}
				return r;
			}
	}
	if (x->type == KIPC_T_LIST || is_dict(x) || x->type == KIPC_T_TABLE)
		return atomic1(up ? U_UPPER : U_LOWER, x);
	q_err("type");
}

K *
trim(K *x, int which)
{
	if (x->type == KIPC_T_CHAR)
	{
		const char *s = x->v.items;
		int64_t		a = 0,
					b = x->n;

		if (which != 2)
			while (a < b && s[a] == ' ')
				a++;
		if (which != 1)
			while (b > a && s[b - 1] == ' ')
				b--;
		return kipc_new_string(s + a, (size_t) (b - a));
	}
	if (x->type == -KIPC_T_CHAR)
		return x->a.g == ' ' ? kipc_new_string("", 0) : kipc_ref(x);
	if (x->type == KIPC_T_LIST || is_dict(x))
		return atomic1(which == 0 ? U_TRIM : which == 1 ? U_LTRIM : U_RTRIM, x);
	q_err("type");
}

K *
vs(K *x, K *y)
{
	if ((x->type == KIPC_T_CHAR || x->type == -KIPC_T_CHAR) && y->type == KIPC_T_CHAR)
	{
		const char *sep = x->type < 0 ? (const char *) &x->a.g : (const char *) x->v.items;
		size_t		sl = x->type < 0 ? 1 : (size_t) x->n;
		const char *s = y->v.items;
		size_t		n = (size_t) y->n,
					i = 0,
					start = 0;
		K		   *r = mklist(0);

		if (sl == 0)
			q_err("nyi");
		while (i + sl <= n)
		{
			if (memcmp(s + i, sep, sl) == 0)
			{
				kipc_resize(r, r->n + 1);
				r->v.objs[r->n - 1] = kipc_new_string(s + start, i - start);
				i += sl;
				start = i;
			}
			else
				i++;
		}
		kipc_resize(r, r->n + 1);
		r->v.objs[r->n - 1] = kipc_new_string(s + start, n - start);
		return r;
	}
	if (x->type == -KIPC_T_SYMBOL && x->a.s[0] == 0)
	{
		if (y->type == KIPC_T_CHAR || y->type == KIPC_T_BYTE)
		{
			/* lines; \r\n too; a trailing line break is elided */
			const char *p = y->v.items;
			int64_t		n = y->n,
						i = 0,
						start = 0;
			K		   *r = mklist(0);

			while (i <= n)
			{
				if (i == n || p[i] == '\n')
				{
					int64_t		e = i;

					if (i == n && start == n)
						break;
					if (e > start && p[e - 1] == '\r')
						e--;
					kipc_resize(r, r->n + 1);
					r->v.objs[r->n - 1] = kipc_new_string(p + start, (size_t) (e - start));
					start = i + 1;
				}
				i++;
			}
			return r;
		}
		if (y->type == -KIPC_T_SYMBOL)
		{
			/* `a.b -> `a`b; a file handle splits at its last / */
			const char *p = y->a.s;
			const char *slash = strrchr(p, '/');
			K		   *r = mk(KIPC_T_SYMBOL, 0, false);

			if (p[0] == ':' && slash)
			{
				char	   *d = q_strndup(p, (size_t) (slash - p));

				kipc_resize(r, 2);
				set_sym(r, 0, d);
				set_sym(r, 1, slash + 1);
				free(d);
				return r;
			}
			for (;;)
			{
				const char *dot = strchr(p, '.');
				char	   *part = q_strndup(p, dot ? (size_t) (dot - p) : strlen(p));

				kipc_resize(r, r->n + 1);
				set_sym(r, r->n - 1, part);
				free(part);
				if (!dot)
					break;
				p = dot + 1;
			}
			return r;
		}
	}
	if (x->type == -KIPC_T_BOOLEAN && !x->a.g && y->type < 0 && intlike_t(-y->type))
	{
		/* bits of y's width */
		int			w = kipc_type_size(-y->type) * 8,
					i;
		int64_t		v = getJ(y, -1);
		K		   *r;

		if (y->type == -KIPC_T_SHORT && v == NJ)
			v = NH;
		else if (y->type == -KIPC_T_INT && v == NJ)
			v = NI;
		r = mk(KIPC_T_BOOLEAN, w, false);
		for (i = 0; i < w; i++)
			((uint8_t *) r->v.items)[i] = (uint8_t) (((uint64_t) v >> (w - 1 - i)) & 1);
		return r;
	}
	if (x->type == -KIPC_T_BYTE && !x->a.g && y->type < 0 && numeric_t(-y->type) && y->type != -KIPC_T_BOOLEAN)
	{
		/* bytes of y's representation, most significant first */
		int			w = kipc_type_size(-y->type),
					i;
		uint8_t		b[8];
		K		   *r;

		qmemcpy(b, &y->a, (size_t) w);
		r = mk(KIPC_T_BYTE, w, false);
		for (i = 0; i < w; i++)
			((uint8_t *) r->v.items)[i] = b[w - 1 - i];
		return r;
	}
	if (x->type < 0 && intlike_t(-x->type) && y->type < 0 && intlike_t(-y->type))
	{
		/* base-x digits */
		int64_t		b = getJ(x, -1),
					v = getJ(y, -1);
		K		   *r = mk(KIPC_T_LONG, 0, false);

		if (b < 2 || v <= 0)
			q_err("nyi");
		while (v > 0)
		{
			kipc_resize(r, r->n + 1);
			memmove((int64_t *) r->v.items + 1, r->v.items, sizeof(int64_t) * (r->n - 1));
			((int64_t *) r->v.items)[0] = v % b;
			v /= b;
		}
		return r;
	}
	if (is_vec(x) && intlike_t(x->type) && y->type < 0 && intlike_t(-y->type))
	{
		/* mixed radix: 24 60 60 vs 3805 */
		int64_t		k,
					v = getJ(y, -1);
		K		   *r = mk(KIPC_T_LONG, x->n, false);

		if (v < 0)
			q_err("nyi");
		for (k = x->n - 1; k >= 0; k--)
		{
			int64_t		b = getJ(x, k);

			if (b <= 0)
				q_err("nyi");
			((int64_t *) r->v.items)[k] = v % b;
			v /= b;
		}
		return r;
	}
	q_err("nyi");
}

K *
sv(K *x, K *y)
{
	if ((x->type == KIPC_T_CHAR || x->type == -KIPC_T_CHAR) &&
		(y->type == KIPC_T_LIST || y->type == KIPC_T_CHAR))
	{
		const char *sep = x->type < 0 ? (const char *) &x->a.g : (const char *) x->v.items;
		size_t		sl = x->type < 0 ? 1 : (size_t) x->n;
		SB			b = {0};
		int64_t		k;
		K		   *r;

		for (k = 0; k < q_count(y); k++)
		{
			K		   *it = q_item(y, k);

			if (k)
				sb_putn(&b, sep, sl);
			if (it->type == KIPC_T_CHAR)
				sb_putn(&b, it->v.items, (size_t) it->n);
			else if (it->type == -KIPC_T_CHAR)
				sb_putn(&b, (const char *) &it->a.g, 1);
			else
				q_err("type");
			kipc_unref(it);
		}
		r = kipc_new_string(b.p ? b.p : "", b.n);
		free(b.p);
		return r;
	}
	if (x->type == -KIPC_T_SYMBOL && x->a.s[0] == 0 && y->type == KIPC_T_SYMBOL)
	{
		/* `a`b -> `a.b; a file handle first joins with / */
		SB			b = {0};
		int64_t		k;
		K		   *r;
		char		sep = y->n > 0 && y->v.syms[0][0] == ':' ? '/' : '.';

		for (k = 0; k < y->n; k++)
		{
			if (k)
				sb_putn(&b, &sep, 1);
			sb_puts(&b, y->v.syms[k]);
		}
		r = kipc_new_symbol(b.p ? b.p : "");
		free(b.p);
		return r;
	}
	if (x->type == -KIPC_T_SYMBOL && x->a.s[0] == 0 && y->type == KIPC_T_LIST)
	{
		/* lines, each ended by \n */
		SB			b = {0};
		int64_t		k;
		K		   *r;

		for (k = 0; k < y->n; k++)
		{
			K		   *it = y->v.objs[k];

			if (it->type != KIPC_T_CHAR)
				q_err("type");
			sb_putn(&b, it->v.items, (size_t) it->n);
			sb_puts(&b, "\n");
		}
		r = kipc_new_string(b.p ? b.p : "", b.n);
		free(b.p);
		return r;
	}
	if (x->type == -KIPC_T_BOOLEAN && !x->a.g && y->type == KIPC_T_BOOLEAN &&
		(y->n == 8 || y->n == 16 || y->n == 32 || y->n == 64))
	{
		uint64_t	v = 0;
		int64_t		k;
		K		   *r;

		for (k = 0; k < y->n; k++)
			v = (v << 1) | (((uint8_t *) y->v.items)[k] & 1);
		switch (y->n)
		{
			case 8: return kipc_new_byte((uint8_t) v);
			case 16: r = kipc_new_short((int16_t) v); return r;
			case 32: return kipc_new_int((int32_t) v);
			default: return kipc_new_long((int64_t) v);
		}
	}
	if (x->type == -KIPC_T_BYTE && !x->a.g && y->type == KIPC_T_BYTE &&
		(y->n == 2 || y->n == 4 || y->n == 8))
	{
		uint64_t	v = 0;
		int64_t		k;

		for (k = 0; k < y->n; k++)
			v = (v << 8) | ((uint8_t *) y->v.items)[k];
		switch (y->n)
		{
			case 2: return kipc_new_short((int16_t) v);
			case 4: return kipc_new_int((int32_t) v);
			default: return kipc_new_long((int64_t) v);
		}
	}
	if (is_vec(x) && intlike_t(x->type) && is_vec(y) && intlike_t(y->type) && x->n == y->n)
	{
		/* mixed radix; the first base is not used */
		int64_t		acc = 0,
					k;

		for (k = 0; k < y->n; k++)
			acc = (int64_t) ((uint64_t) acc * (uint64_t) (k ? getJ(x, k) : 1) + (uint64_t) getJ(y, k));
		return kipc_new_long(acc);
	}
	if (x->type < 0 && intlike_t(-x->type) && is_vec(y) && intlike_t(y->type))
	{
		/* base decoding: 10 sv 1 2 3 -> 123 */
		int64_t		base = getJ(x, -1),
					acc = 0,
					k;

		for (k = 0; k < y->n; k++)
			acc = (int64_t) ((uint64_t) acc * (uint64_t) base + (uint64_t) getJ(y, k));
		return kipc_new_long(acc);
	}
	q_err("nyi");
}

K *
ss(K *x, K *y)
{
	const char *p;
	size_t		m,
				i;
	K		   *r;

	if (x->type != KIPC_T_CHAR)
		q_err("type");
	if (y->type == -KIPC_T_CHAR)
	{
		p = (const char *) &y->a.g;
		m = 1;
	}
	else if (y->type == KIPC_T_CHAR)
	{
		p = y->v.items;
		m = (size_t) y->n;
	}
	else
		q_err("type");
	{
		/* the pattern's length in characters: a [..] list is one; a *
		 * is a length error (KX regex.md) */
		size_t		units = 0,
					j = 0;

		while (j < m)
		{
			if (p[j] == '*')
				q_err("length");
			if (p[j] == '[')
			{
				size_t		e = j + 1;

				if (e < m && p[e] == '^')
					e++;
				if (e < m && p[e] == ']')
					e++;
				while (e < m && p[e] != ']')
					e++;
				j = e < m ? e + 1 : j + 1;
			}
			else
				j++;
			units++;
		}
		if (units == 0)
			q_err("length");
		r = mk(KIPC_T_LONG, 0, false);
		for (i = 0; i + units <= (size_t) x->n; i++)
			if (like_match((const char *) x->v.items + i, units, p, m))
			{
				kipc_resize(r, r->n + 1);
				kipc_set_j(r, r->n - 1, (int64_t) i);
				i += units - 1;
			}
	}
	return r;
}
