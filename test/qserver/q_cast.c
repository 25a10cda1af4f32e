/*-------------------------------------------------------------------------
 *
 * q_cast.c
 *		Cast ($) and tok ("J"$"12").
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_cast.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Cast ($) and tok ("J"$"12")
 * ----------------------------------------------------------------
 */
static int
type_of_name(const char *s)
{
	int			t;

	for (t = 1; t <= KIPC_T_TIME; t++)
		if (type_names[t][0] && strcmp(type_names[t], s) == 0)
			return t;
	return -1;
}

static int
type_of_char(char c)
{
	static const char letters[] = " bg xhijefcspmdznuvt";
	const char *p;

	if (c == ' ' || !c)
		return -1;
	p = strchr(letters, c);
	return p ? (int) (p - letters) : -1;
}

/* non-null, finite temporal/int value v of type s converted to type T
 * (both int-represented); false if the conversion is not supported */
static bool
tconv(int s, int T, int64_t v, int64_t *out)
{
	if (s == T || ((intlike_t(s) || s == KIPC_T_CHAR) && (intlike_t(T) || T == KIPC_T_CHAR || (temporal_t(T) && T != KIPC_T_DATETIME))) ||
		(temporal_t(s) && intlike_t(T)))
	{
		*out = v;
		return true;
	}
	switch (s)
	{
		case KIPC_T_TIMESTAMP:
			switch (T)
			{
				case KIPC_T_DATE: *out = floordiv(v, NS_DAY); return true;
				case KIPC_T_MONTH: *out = days_to_month(floordiv(v, NS_DAY)); return true;
				case KIPC_T_MINUTE:
				case KIPC_T_SECOND:
				case KIPC_T_TIME:
					*out = floormod(v, NS_DAY) / ns_unit(T);
					return true;
			}
			return false;
		case KIPC_T_DATE:
			switch (T)
			{
				case KIPC_T_TIMESTAMP:
					/* outside the timestamp range: +-0Wp (KX datatypes.md) */
					if (v > 106751 || v < -106751)
						*out = v > 0 ? WJ : -WJ;
					else
						*out = v * NS_DAY;
					return true;
				case KIPC_T_MONTH: *out = days_to_month(v); return true;
				case KIPC_T_MINUTE:
				case KIPC_T_SECOND:
				case KIPC_T_TIME:
					*out = 0;
					return true;
			}
			return false;
		case KIPC_T_MONTH:
			switch (T)
			{
				case KIPC_T_DATE: *out = month_to_days(v); return true;
				case KIPC_T_TIMESTAMP: *out = month_to_days(v) * NS_DAY; return true;
			}
			return false;
		case KIPC_T_TIMESPAN:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			if (span_t(T))
			{
				*out = floordiv(v * ns_unit(s), ns_unit(T));
				return true;
			}
			if (T == KIPC_T_TIMESTAMP && s == KIPC_T_TIMESPAN)
			{
				*out = v;
				return true;
			}
			return false;
	}
	return false;
}

int64_t
inf_of(int t, bool neg)
{
	int64_t		w = t == KIPC_T_SHORT ? KIPC_INF_SHORT : i32_t(t) ? WI : WJ;

	return neg ? -w : w;
}

/* q's parts of temporal values: `year`mm`dd`hh`uu`ss */
enum
{
	PART_YEAR, PART_MM, PART_DD, PART_HH, PART_UU, PART_SS
};

static K *
cast_part(const char *part, K *x)
{
	int			t = absT(x);
	int64_t		n = x->type < 0 ? 1 : x->n,
				k;
	bool		atom = x->type < 0;
	bool		has_date = t == KIPC_T_TIMESTAMP || t == KIPC_T_MONTH || t == KIPC_T_DATE;
	bool		has_time = t != KIPC_T_MONTH && t != KIPC_T_DATE;
	int			which;
	K		   *r;

	if (!temporal_t(t) || t == KIPC_T_DATETIME)
		q_err("nyi");
	/* the part is decided once for the whole vector */
	if (strcmp(part, "year") == 0 && has_date)
		which = PART_YEAR;
	else if (strcmp(part, "mm") == 0 && has_date)
		which = PART_MM;
	else if (strcmp(part, "dd") == 0 && has_date && t != KIPC_T_MONTH)
		which = PART_DD;
	else if (strcmp(part, "hh") == 0 && has_time)
		which = PART_HH;
	else if (strcmp(part, "uu") == 0 && has_time)
		which = PART_UU;
	else if (strcmp(part, "ss") == 0 && has_time)
		which = PART_SS;
	else
		which = -1;				/* nyi, raised at the first non-null item */
	r = mk(KIPC_T_INT, n, atom);
	if (!atom && t == KIPC_T_TIMESTAMP && (which == PART_HH || which == PART_UU))
	{
		/*
		 * the clock parts of a timestamp vector, straight off the items (the
		 * divisors constant in each loop, which compilers make cheap)
		 */
		const int64_t *xv = (const int64_t *) x->v.items;
		int32_t    *rv = (int32_t *) r->v.items;

		if (which == PART_HH)
			for (k = 0; k < n; k++)
			{
				int64_t		tod = xv[k] % NS_DAY;	/* floored below */

				tod += tod < 0 ? NS_DAY : 0;
				rv[k] = xv[k] == NJ ? NI : (int32_t) (tod / INT64_C(3600000000000));
			}
		else
			for (k = 0; k < n; k++)
			{
				int64_t		tod = xv[k] % NS_DAY;

				tod += tod < 0 ? NS_DAY : 0;
				rv[k] = xv[k] == NJ ? NI :
					(int32_t) (tod / INT64_C(60000000000) % 60);
			}
		return r;
	}
	for (k = 0; k < n; k++)
	{
		int64_t		v = getJ(x, atom ? -1 : k),
					res,
					days = 0,
					tod = 0;		/* ns of day */
		int64_t		y;
		int			m,
					d;

		if (v == NJ)
		{
			putJ(r, atom ? -1 : k, NJ);
			continue;
		}
		if (t == KIPC_T_TIMESTAMP)
		{
			days = floordiv(v, NS_DAY);
			tod = floormod(v, NS_DAY);
		}
		else if (t == KIPC_T_DATE)
			days = v;
		else if (t == KIPC_T_MONTH)
			days = month_to_days(v);
		else
			tod = v * ns_unit(t);
		switch (which)
		{
			case -1:
				q_err("nyi");
				break;
			case PART_HH:
				res = tod / INT64_C(3600000000000);
				break;
			case PART_UU:
				res = tod / INT64_C(60000000000) % 60;
				break;
			case PART_SS:
				res = tod / INT64_C(1000000000) % 60;
				break;
			default:
				/* the calendar parts only */
				q_civil_from_days(days, &y, &m, &d);
				res = which == PART_YEAR ? y : which == PART_MM ? m : d;
				break;
		}
		putJ(r, atom ? -1 : k, res);
	}
	return r;
}

/* cast simple x to type T (1..19) */
K *
cast_simple(int T, K *x)
{
	int			s = absT(x);
	int64_t		n = x->type < 0 ? 1 : x->n,
				k;
	bool		atom = x->type < 0;
	K		   *r;

	if (s == T)
		return kipc_ref(x);
	if (T == KIPC_T_SYMBOL)
	{
		if (s == KIPC_T_CHAR)
		{
			/* `$"abc": blanks trimmed */
			const char *p = atom ? (const char *) &x->a.g : (const char *) x->v.items;
			size_t		len = atom ? 1 : (size_t) x->n;

			while (len > 0 && *p == ' ')
				p++, len--;
			while (len > 0 && p[len - 1] == ' ')
				len--;
			r = kipc_new_symbol_len(p, len);
			if (!r)
				q_err("wsfull");
			return r;
		}
		q_err("type");
	}
	if (s == KIPC_T_SYMBOL || s == KIPC_T_GUID || T == KIPC_T_GUID)
		q_err(s == KIPC_T_SYMBOL && T != KIPC_T_GUID ? "type" : "nyi");
	if (T == KIPC_T_CHAR && !(intlike_t(s) || s == KIPC_T_CHAR))
		q_err("nyi");
	r = mk(T, n, atom);
	if (T == KIPC_T_DATE && s == KIPC_T_TIMESTAMP && !atom)
	{
		/*
		 * timestamps to dates (timestamp::date buckets): the day from a
		 * double quotient made exact by whole days; nulls and infinities
		 * as below
		 */
		const double inv = 1.0 / (double) NS_DAY;

		for (k = 0; k < n; k++)
		{
			int64_t		v = kipc_get_j(x, k),
						q,
						m;

			if (v == NJ || v == WJ || v == -WJ)
			{
				putJ(r, k, v == NJ ? NJ : inf_of(T, v < 0));
				continue;
			}
			if (v > (INT64_C(1) << 62) || v < -(INT64_C(1) << 62))
			{
				putJ(r, k, floordiv(v, NS_DAY));
				continue;
			}
			q = (int64_t) floor((double) v * inv);
			m = v - q * NS_DAY;
			while (m < 0)
			{
				q--;
				m += NS_DAY;
			}
			while (m >= NS_DAY)
			{
				q++;
				m -= NS_DAY;
			}
			kipc_set_i(r, k, (int32_t) q);
		}
		return r;
	}
	if (!atom && T == KIPC_T_FLOAT &&
		(s == KIPC_T_SHORT || s == KIPC_T_INT || s == KIPC_T_LONG))
	{
		/*
		 * integers to floats (the FDW's "f"$ of an integer column) in one
		 * tight loop, as the general loop below converts them: a null
		 * becomes 0n, any other value (infinities too) C's conversion
		 */
		double	   *R = (double *) r->v.items;

		if (s == KIPC_T_SHORT)
		{
			const int16_t *X = (const int16_t *) x->v.items;

			for (k = 0; k < n; k++)
				R[k] = X[k] == NH ? NAN : (double) X[k];
		}
		else if (s == KIPC_T_INT)
		{
			const int32_t *X = (const int32_t *) x->v.items;

			for (k = 0; k < n; k++)
				R[k] = X[k] == NI ? NAN : (double) X[k];
		}
		else
		{
			const int64_t *X = (const int64_t *) x->v.items;

			for (k = 0; k < n; k++)
				R[k] = X[k] == NJ ? NAN : (double) X[k];
		}
		return r;
	}
	for (k = 0; k < n; k++)
	{
		int64_t		kk = atom ? -1 : k;

		if (item_null(x, kk) && s != KIPC_T_BOOLEAN && s != KIPC_T_BYTE)
		{
			if (T == KIPC_T_BOOLEAN || T == KIPC_T_BYTE)
			{
				/* nulls of wider types are nonzero bit patterns */
				if (s == KIPC_T_REAL || s == KIPC_T_FLOAT || s == KIPC_T_DATETIME)
					putJ(r, kk, T == KIPC_T_BOOLEAN ? 1 : 0);
				else
					putJ(r, kk, T == KIPC_T_BOOLEAN ? 1 : (uint8_t) getJ(x, kk));
				continue;
			}
			if (T == KIPC_T_CHAR)
				putJ(r, kk, ' ');
			else if (T == KIPC_T_REAL || T == KIPC_T_FLOAT || T == KIPC_T_DATETIME)
				putF(r, kk, NAN);
			else
				putJ(r, kk, NJ);
			continue;
		}
		if (s == KIPC_T_REAL || s == KIPC_T_FLOAT || s == KIPC_T_DATETIME)
		{
			double		f = getF(x, kk);

			if (T == KIPC_T_REAL || T == KIPC_T_FLOAT || T == KIPC_T_DATETIME)
			{
				if (T == KIPC_T_DATETIME || s == KIPC_T_DATETIME)
				{
					if (!(numeric_t(T) || numeric_t(s)))
						q_err("nyi");
				}
				putF(r, kk, f);
				continue;
			}
			if (T == KIPC_T_BOOLEAN)
			{
				putJ(r, kk, f != 0);
				continue;
			}
			if (isinf(f))
			{
				putJ(r, kk, inf_of(T, f < 0));
				continue;
			}
			if (s == KIPC_T_DATETIME && temporal_t(T))
			{
				int64_t		ns = (int64_t) llround(f * (double) NS_DAY);
				int64_t		o;

				if (!tconv(12, T, ns, &o))
					q_err("nyi");
				putJ(r, kk, o);
				continue;
			}
			if (temporal_t(T))
				q_err("nyi");
			putJ(r, kk, (int64_t) llround(f));
			continue;
		}
		{
			int64_t		v = getJ(x, kk),
						o;

			if (T == KIPC_T_BOOLEAN)
			{
				putJ(r, kk, v != 0);
				continue;
			}
			if (T == KIPC_T_REAL || T == KIPC_T_FLOAT)
			{
				if (temporal_t(s) || numeric_t(s) || s == KIPC_T_CHAR)
				{
					putF(r, kk, (double) v);
					continue;
				}
				q_err("nyi");
			}
			if (T == KIPC_T_DATETIME)
			{
				int64_t		days;

				if (s == KIPC_T_TIMESTAMP)
				{
					putF(r, kk, (double) v / (double) NS_DAY);
					continue;
				}
				if (!tconv(s, 14, v, &days) || !(s == KIPC_T_DATE || s == KIPC_T_MONTH))
					q_err("nyi");
				putF(r, kk, (double) days);
				continue;
			}
			if (temporal_t(s) && temporal_t(T))
			{
				/* infinities stay infinities across temporal types */
				int64_t		w = inf_of(s, false);

				if (v == w || v == -w)
				{
					putJ(r, kk, inf_of(T, v < 0));
					continue;
				}
			}
			if (!tconv(s, T, v, &o))
				q_err("nyi");
			putJ(r, kk, o);
		}
	}
	return r;
}

/* "J"$"12": parse text as type T */
static K *
tok(int T, K *x)
{
	if (x->type == KIPC_T_LIST || (x->type == KIPC_T_SYMBOL))
	{
		int64_t		k;
		K		   *r = mklist(q_count(x));

		for (k = 0; k < r->n; k++)
		{
			K		   *it = q_item(x, k);

			r->v.objs[k] = tok(T, it);
			kipc_unref(it);
		}
		if (r->n == 0)
		{
			kipc_unref(r);
			return mk(T, 0, false);
		}
		return q_collapse(r);
	}
	if (x->type != KIPC_T_CHAR && x->type != -KIPC_T_CHAR && x->type != -KIPC_T_SYMBOL)
		q_err("type");
	{
		const char *s = x->type == KIPC_T_CHAR ? (const char *) x->v.items :
			x->type == -KIPC_T_SYMBOL ? x->a.s : (const char *) &x->a.g;
		size_t		len = x->type == KIPC_T_CHAR ? (size_t) x->n :
			x->type == -KIPC_T_SYMBOL ? strlen(x->a.s) : 1;
		K		   *r;

		if (T == KIPC_T_SYMBOL)
		{
			while (len > 0 && *s == ' ')
				s++, len--;
			while (len > 0 && s[len - 1] == ' ')
				len--;
			return kipc_new_symbol_len(s, len);
		}
		if (T == KIPC_T_CHAR)
			return kipc_ref(x);
		if (T == KIPC_T_GUID)
		{
			uint8_t		g[16];
			int			i = 0,
						j = 0;
			char		buf[40];

			if (len == 36)
			{
				for (j = 0; j < 36 && i < 32; j++)
					if (s[j] != '-')
						buf[i++] = s[j];
			}
			if (len != 36 || i != 32)
				return q_null_atom(-2);
			for (i = 0; i < 16; i++)
			{
				char		h[3] = {buf[2 * i], buf[2 * i + 1], 0};

				if (!isxdigit((unsigned char) h[0]) || !isxdigit((unsigned char) h[1]))
					return q_null_atom(-2);
				g[i] = (uint8_t) strtol(h, NULL, 16);
			}
			return kipc_new_guid(g);
		}
		{
			/* the other text forms Tok accepts (KX tok.md): ISO dates
			 * 2000-12-12, digit-only clocks 123456789, hex bytes */
			char		buf[64];
			size_t		i,
						nd = 0;

			while (len > 0 && *s == ' ')
				s++, len--;
			while (len > 0 && s[len - 1] == ' ')
				len--;
			for (i = 0; i < len; i++)
				nd += isdigit((unsigned char) s[i]) != 0;
			if (T == KIPC_T_BYTE)
			{
				unsigned	v;

				if (len == 0 || len > 2 || sscanf(s, "%2x", &v) != 1)
					return q_null_atom(-T);
				return kipc_new_byte((uint8_t) v);
			}
			if (len < sizeof(buf) - 8 && (T == KIPC_T_TIMESTAMP || T == KIPC_T_DATE || T == KIPC_T_DATETIME) && len >= 10 &&
				s[4] == '-' && s[7] == '-')
			{
				qmemcpy(buf, s, len);
				buf[4] = buf[7] = '.';
				s = buf;
			}
			else if (nd == len && len > 0 && (T == KIPC_T_TIME || T == KIPC_T_MINUTE || T == KIPC_T_SECOND || T == KIPC_T_TIMESPAN) &&
					 len <= 15)
			{
				/* hhmm[ss[fff...]] */
				size_t		o = 0;

				if (T == KIPC_T_TIMESPAN)
				{
					qmemcpy(buf, "0D", 2);
					o = 2;
				}
				for (i = 0; i < len; i++)
				{
					if (i == 2 || i == 4)
						buf[o++] = ':';
					if (i == 6)
						buf[o++] = '.';
					buf[o++] = s[i];
				}
				s = buf;
				len = o;
			}
			if (T >= KIPC_T_SHORT && T <= KIPC_T_FLOAT)
			{
				/* no type suffixes in numeric text: "J"$"12x" is 0N */
				for (i = 0; i < len; i++)
					if (isalpha((unsigned char) s[i]) && !strchr("eEnNwW", s[i]))
						return q_null_atom(-T);
			}
			r = q_parse_literal(s, len, T);
			if (!r && (T == KIPC_T_MINUTE || T == KIPC_T_SECOND))
			{
				/* "U"$"12:13:14": a finer clock truncates */
				K		   *tt = q_parse_literal(s, len, 19);

				if (tt && tt->type == -KIPC_T_TIME)
				{
					r = cast_simple(T, tt);
				}
				kipc_unref(tt);
			}
		}
		if (!r)
			return q_null_atom(-T);
		if (r->type != -T)
		{
			K		   *c = cast_simple(T, r);

			kipc_unref(r);
			r = c;
		}
		return r;
	}
}

K *
q_cast(K *t, K *x)
{
	int			T = -1;
	bool		parse = false;

	if (t->type == -KIPC_T_SYMBOL)
	{
		if (t->a.s[0] == 0)
		{
			T = 11;
			parse = true;
			if (x->type == -KIPC_T_SYMBOL || x->type == KIPC_T_SYMBOL)
				return kipc_ref(x);
		}
		else
		{
			T = type_of_name(t->a.s);
			if (T < 0)
			{
				if (strcmp(t->a.s, "year") == 0 || strcmp(t->a.s, "mm") == 0 ||
					strcmp(t->a.s, "dd") == 0 || strcmp(t->a.s, "hh") == 0 ||
					strcmp(t->a.s, "uu") == 0 || strcmp(t->a.s, "ss") == 0)
				{
					if (!is_simple(x))
						return atomic2(B_CAST, t, x);
					return cast_part(t->a.s, x);
				}
				/* `sym$ enumerations are not supported */
				q_err("nyi");
			}
		}
	}
	else if (t->type == -KIPC_T_CHAR)
	{
		char		c = (char) t->a.g;

		if (c == '*')
			return kipc_ref(x);
		if (isupper((unsigned char) c))
		{
			parse = true;
			T = type_of_char((char) tolower((unsigned char) c));
		}
		else
			T = type_of_char(c);
		if (T < 0)
			q_err("type");
	}
	else if (t->type == -KIPC_T_SHORT)
	{
		int64_t		v = getJ(t, -1);

		if (v == 0)
			return kipc_ref(x);
		if (v < 0)
		{
			parse = true;
			v = -v;
		}
		if (v > 19 || v == 3)
			q_err("type");
		T = (int) v;
	}
	else if (t->type == KIPC_T_SYMBOL || t->type == KIPC_T_LIST || t->type == KIPC_T_CHAR)
		return atomic2(B_CAST, t, x);
	else
		q_err("type");

	if (parse)
		return tok(T, x);
	if (T == KIPC_T_SYMBOL && (x->type == KIPC_T_LIST))
	{
		/* `$("a";"b") / `symbol$() */
		if (x->n == 0)
			return mk(KIPC_T_SYMBOL, 0, false);
	}
	if (x->type == KIPC_T_LIST)
	{
		K		   *r = mklist(x->n);
		int64_t		k;

		if (x->n == 0)
		{
			kipc_unref(r);
			return mk(T, 0, false);
		}
		for (k = 0; k < x->n; k++)
			r->v.objs[k] = q_cast(t, x->v.objs[k]);
		return q_collapse(r);
	}
	if (is_dict(x))
		return q_dict_new(kipc_ref(kipc_dict_keys(x)), q_cast(t, kipc_dict_values(x)));
	if (x->type == KIPC_T_TABLE)
	{
		K		   *d = x->v.objs[0];
		K		   *cols = kipc_dict_values(d);
		K		   *nc = mklist(cols->n);
		int64_t		k;

		for (k = 0; k < cols->n; k++)
			nc->v.objs[k] = q_cast(t, cols->v.objs[k]);
		return q_table_new(kipc_ref(kipc_dict_keys(d)), nc);
	}
	if (!is_simple(x))
		q_err("type");
	return cast_simple(T, x);
}
