/*-------------------------------------------------------------------------
 *
 * q_show.c
 *		Display: q's one-line -3! form and string.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_show.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Display (q's -3! / .Q.s1 single-line form) and string
 * ----------------------------------------------------------------
 */

void
sb_putn(SB *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap)
	{
		size_t		cap = b->cap ? b->cap * 2 : 64;

		while (cap < b->n + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			q_err("wsfull");
		b->cap = cap;
	}
	qmemcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

void
sb_puts(SB *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

static void
sb_printf(SB *b, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
sb_printf(SB *b, const char *fmt,...)
{
	char		buf[128];
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sb_putn(b, buf, n < (int) sizeof(buf) ? (size_t) n : sizeof(buf) - 1);
}

const char *const type_names[] = {
	"", "boolean", "guid", "", "byte", "short", "int", "long", "real", "float",
	"char", "symbol", "timestamp", "month", "date", "datetime", "timespan",
	"minute", "second", "time"
};

/*
 * q's text of a finite float: 7 significant digits (the default \P 7),
 * which is C's %.7g: 0.6666667, 100, 1e+10, 1e-05 all read as q shows them
 */
static void
fmt_float(char *buf, size_t len, double f)
{
	snprintf(buf, len, "%.7g", f);
}

static void
fmt_clock(SB *b, int64_t v, int64_t per_sec, int frac, bool secs)
{
	int64_t		s = v / per_sec,
				f = v % per_sec;

	sb_printf(b, "%02lld:%02lld", (long long) (s / 3600), (long long) (s / 60 % 60));
	if (secs)
		sb_printf(b, ":%02lld", (long long) (s % 60));
	if (frac)
		sb_printf(b, ".%0*lld", frac, (long long) f);
}

static void
fmt_date(SB *b, int64_t d)
{
	int64_t		y;
	int			m,
				dd;

	q_civil_from_days(d, &y, &m, &dd);
	/* valid dates are 0001.01.01 to 9999.12.31 (KX datatypes.md) */
	if (y < 1 || y > 9999)
		sb_puts(b, "0000.00.00");
	else
		sb_printf(b, "%04lld.%02d.%02d", (long long) y, m, dd);
}

/*
 * Item k of simple x in display form, without the vector type suffix.
 * Returns true if the text marks its type by itself (a '.', 'e', null or
 * infinity for floats), which decides whether a float vector needs "f".
 */
static bool
fmt_item(SB *b, const K *x, int64_t k, bool in_vec)
{
	int			t = absT(x);

	switch (t)
	{
		case KIPC_T_BOOLEAN:
			sb_printf(b, "%d", (k < 0 ? x->a.g : kipc_get_g(x, k)) ? 1 : 0);
			return false;
		case KIPC_T_BYTE:
			sb_printf(b, "%02x", k < 0 ? x->a.g : kipc_get_g(x, k));
			return false;
		case KIPC_T_GUID:
			{
				const uint8_t *g = k < 0 ? x->a.guid : kipc_get_guid(x, k);
				int			i;

				for (i = 0; i < 16; i++)
				{
					if (i == 4 || i == 6 || i == 8 || i == 10)
						sb_puts(b, "-");
					sb_printf(b, "%02x", g[i]);
				}
				return false;
			}
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
			{
				char		buf[64];
				double		f = getF(x, k);

				if (isnan(f))
				{
					sb_puts(b, t == KIPC_T_REAL ? "0N" : "0n");
					return true;
				}
				if (isinf(f))
				{
					sb_puts(b, f < 0 ? "-0w" : "0w");
					return true;
				}
				fmt_float(buf, sizeof(buf), f);
				sb_puts(b, buf);
				return strchr(buf, '.') || strchr(buf, 'e');
			}
		case KIPC_T_CHAR:
			{
				char		c = (char) (k < 0 ? x->a.g : kipc_get_g(x, k));

				sb_putn(b, &c, 1);
				return false;
			}
		case KIPC_T_SYMBOL:
			sb_puts(b, k < 0 ? x->a.s : x->v.syms[k]);
			return false;
		case KIPC_T_DATETIME:
			{
				double		f = getF(x, k);
				int64_t		ms;

				if (isnan(f))
				{
					sb_puts(b, "0N");
					return true;
				}
				if (isinf(f))
				{
					sb_puts(b, f < 0 ? "-0w" : "0w");
					return true;
				}
				ms = (int64_t) llround(f * 86400000.0);
				fmt_date(b, floordiv(ms, 86400000));
				sb_puts(b, "T");
				fmt_clock(b, floormod(ms, 86400000), 1000, 3, true);
				return false;
			}
		default:
			break;
	}
	{
		int64_t		v = getJ(x, k);
		int64_t		inf = t == KIPC_T_SHORT ? KIPC_INF_SHORT : (i32_t(t) ? WI : WJ);

		if (v == NJ)
		{
			sb_puts(b, "0N");
			return true;
		}
		if (t != KIPC_T_SHORT && (v == inf || v == -inf))
		{
			sb_puts(b, v < 0 ? "-0W" : "0W");
			return true;
		}
		switch (t)
		{
			case KIPC_T_SHORT:
			case KIPC_T_INT:
			case KIPC_T_LONG:
				sb_printf(b, "%lld", (long long) v);
				return false;
			case KIPC_T_TIMESTAMP:
				fmt_date(b, floordiv(v, NS_DAY));
				sb_puts(b, "D");
				fmt_clock(b, floormod(v, NS_DAY), INT64_C(1000000000), 9, true);
				return false;
			case KIPC_T_MONTH:
				sb_printf(b, "%04lld.%02lld", (long long) (2000 + floordiv(v, 12)),
						  (long long) (floormod(v, 12) + 1));
				return false;
			case KIPC_T_DATE:
				fmt_date(b, v);
				return false;
			case KIPC_T_TIMESPAN:
				if (v < 0)
				{
					sb_puts(b, "-");
					v = -v;
				}
				sb_printf(b, "%lldD", (long long) (v / NS_DAY));
				fmt_clock(b, v % NS_DAY, INT64_C(1000000000), 9, true);
				return false;
			case KIPC_T_MINUTE:
			case KIPC_T_SECOND:
			case KIPC_T_TIME:
				if (v < 0)
				{
					sb_puts(b, "-");
					v = -v;
				}
				if (t == KIPC_T_MINUTE)
					fmt_clock(b, v * 60, 1, 0, false);
				else if (t == KIPC_T_SECOND)
					fmt_clock(b, v, 1, 0, true);
				else
					fmt_clock(b, v, 1000, 3, true);
				return false;
		}
	}
	(void) in_vec;
	q_err("nyi");
}

static void
fmt_charq(SB *b, uint8_t c)
{
	switch (c)
	{
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\t': sb_puts(b, "\\t"); break;
		default:
			/* q shows control and non-ASCII bytes in octal (KX
			 * datatypes.md: "Z\303\274rich") */
			if (c < 32 || c >= 127)
				sb_printf(b, "\\%03o", c);
			else
				sb_putn(b, (const char *) &c, 1);
	}
}

static const char *const prim_names1[] = {
	"::", "+:", "-:", "*:", "%:", "&:", "|:", "^:", "=:", "<:", ">:", "$:", ",:",
	"#:", "_:", "~:", "!:", "?:", "@:", ".:"
};
static const char prim_chars[] = ":+-*%&|^=<>$,#_~!?@.";

static void show(SB *b, const K *x, bool top);

static const char *
attr_prefix(const K *x)
{
	switch (x->attr)
	{
		case KIPC_ATTR_SORTED: return "`s#";
		case KIPC_ATTR_UNIQUE: return "`u#";
		case KIPC_ATTR_PARTED: return "`p#";
		case KIPC_ATTR_GROUPED: return "`g#";
	}
	return "";
}

static void
show_vec(SB *b, const K *x)
{
	int			t = x->type;
	int64_t		k,
				n = x->n;

	sb_puts(b, attr_prefix(x));
	if (n == 0)
	{
		if (t == KIPC_T_CHAR)
			sb_puts(b, "\"\"");
		else
			sb_printf(b, "`%s$()", type_names[t]);
		return;
	}
	if (n == 1)
		sb_puts(b, ",");
	switch (t)
	{
		case KIPC_T_CHAR:
			sb_puts(b, "\"");
			for (k = 0; k < n; k++)
				fmt_charq(b, kipc_get_g(x, k));
			sb_puts(b, "\"");
			return;
		case KIPC_T_SYMBOL:
			for (k = 0; k < n; k++)
			{
				sb_puts(b, "`");
				sb_puts(b, x->v.syms[k]);
			}
			return;
		case KIPC_T_BOOLEAN:
			for (k = 0; k < n; k++)
				sb_puts(b, kipc_get_g(x, k) ? "1" : "0");
			sb_puts(b, "b");
			return;
		case KIPC_T_BYTE:
			sb_puts(b, "0x");
			for (k = 0; k < n; k++)
				sb_printf(b, "%02x", kipc_get_g(x, k));
			return;
		default:
			{
				bool		marked = false,
							all_null = true;

				for (k = 0; k < n; k++)
				{
					if (k)
						sb_puts(b, " ");
					if (fmt_item(b, x, k, true))
						marked = true;
					if (!item_null(x, k))
						all_null = false;
				}
				switch (t)
				{
					case KIPC_T_SHORT: sb_puts(b, "h"); break;
					case KIPC_T_INT: sb_puts(b, "i"); break;
					case KIPC_T_REAL: sb_puts(b, "e"); break;
					case KIPC_T_FLOAT:
						if (!marked)
							sb_puts(b, "f");
						break;
					case KIPC_T_MONTH:
						sb_puts(b, "m");
						break;
					case KIPC_T_LONG:
					case KIPC_T_GUID:
						break;
					default:
						if (all_null)
							sb_putn(b, &"  g xhijefcspmdznuvt"[t], 1);
				}
			}
	}
}

static void
show_atom(SB *b, const K *x)
{
	int			t = -x->type;

	switch (t)
	{
		case KIPC_T_BOOLEAN:
			sb_puts(b, x->a.g ? "1b" : "0b");
			return;
		case KIPC_T_BYTE:
			sb_printf(b, "0x%02x", x->a.g);
			return;
		case KIPC_T_CHAR:
			sb_puts(b, "\"");
			fmt_charq(b, x->a.g);
			sb_puts(b, "\"");
			return;
		case KIPC_T_SYMBOL:
			sb_puts(b, "`");
			sb_puts(b, x->a.s);
			return;
		case KIPC_T_GUID:
			fmt_item(b, x, -1, false);
			return;
	}
	{
		bool		marked = fmt_item(b, x, -1, false);
		bool		isnull = item_null(x, -1);

		switch (t)
		{
			case KIPC_T_SHORT: sb_puts(b, "h"); return;
			case KIPC_T_INT: sb_puts(b, "i"); return;
			case KIPC_T_LONG: return;
			case KIPC_T_REAL: sb_puts(b, "e"); return;
			case KIPC_T_FLOAT:
				if (!marked)
					sb_puts(b, "f");
				return;
			case KIPC_T_MONTH:
				if (!isnull && !marked)
					sb_puts(b, "m");
				else
					sb_puts(b, "m");
				return;
			default:
				if (isnull || marked)
					sb_putn(b, &"  g xhijefcspmdznuvt"[t], 1);
				return;
		}
	}
}

static void
show(SB *b, const K *x, bool top)
{
	int64_t		k;

	if (is_simple(x))
	{
		if (x->type < 0)
			show_atom(b, x);
		else
			show_vec(b, x);
		return;
	}
	switch (x->type)
	{
		case KIPC_T_LIST:
			if (x->n == 1)
			{
				sb_puts(b, ",");
				show(b, x->v.objs[0], false);
				return;
			}
			sb_puts(b, "(");
			for (k = 0; k < x->n; k++)
			{
				if (k)
					sb_puts(b, ";");
				show(b, x->v.objs[k], false);
			}
			sb_puts(b, ")");
			return;
		case KIPC_T_DICT:
		case KIPC_T_SORTED_DICT:
			{
				const K    *kk = kipc_dict_keys(x);

				/* keys that would not read back before '!' get parens:
				 * (,`a)!,1   (+(,`k)!,1 2)!+(,`v)!,3 4   (`symbol$())!() */
				bool		paren = kk->type == KIPC_T_TABLE || is_dict(kk) ||
					((is_vec(kk) || kk->type == KIPC_T_LIST) && kk->n <= 1 &&
					 kk->type != KIPC_T_CHAR);

				/* a sorted dict's key vector shows its own `s#; a key
				 * table does not, so the dict shows it */
				if (x->type == KIPC_T_SORTED_DICT && kk->type == KIPC_T_TABLE)
					sb_puts(b, "`s#");
				if (paren)
					sb_puts(b, "(");
				show(b, kk, false);
				if (paren)
					sb_puts(b, ")");
				sb_puts(b, "!");
				show(b, kipc_dict_values(x), false);
				return;
			}
		case KIPC_T_TABLE:
			sb_puts(b, "+");
			show(b, x->v.objs[0], false);
			return;
		case KIPC_T_LAMBDA:
			{
				const K    *src = x->v.objs[0];

				sb_putn(b, (const char *) src->v.items, src->n);
				return;
			}
		case KIPC_T_UNARY:
			if (x->a.g < 20)
				sb_puts(b, prim_names1[x->a.g]);
			else
				sb_printf(b, "<unary %d>", x->a.g);
			return;
		case KIPC_T_BINARY:
			if (x->a.g < 20)
				sb_putn(b, &prim_chars[x->a.g], 1);
			else
				sb_printf(b, "<binary %d>", x->a.g);
			return;
		case KIPC_T_ERROR:
			sb_puts(b, "'");
			sb_puts(b, x->a.s);
			return;
		default:
			if (x->type >= KIPC_T_EACH && x->type <= KIPC_T_EACHLEFT)
			{
				static const char *const adv[] = {"'", "/", "\\", "':", "/:", "\\:"};

				show(b, x->v.objs[0], false);
				sb_puts(b, adv[x->type - KIPC_T_EACH]);
				return;
			}
			if (x->type == KIPC_T_PROJECTION)
			{
				show(b, x->v.objs[0], false);
				sb_puts(b, "[");
				for (k = 1; k < x->n; k++)
				{
					if (k > 1)
						sb_puts(b, ";");
					if (!(x->v.objs[k]->type == KIPC_T_UNARY && x->v.objs[k]->a.g == U_ELIDED))
						show(b, x->v.objs[k], false);
				}
				sb_puts(b, "]");
				return;
			}
			sb_printf(b, "<type %d>", x->type);
	}
	(void) top;
}

char *
q_show(K *x)
{
	SB			b = {0};

	show(&b, x, true);
	if (!b.p)
		return strdup("");
	return b.p;
}

/* string of an atom (q's string: display text without type marks) */
static K *
string_atom(const K *x)
{
	SB			b = {0};
	K		   *r;
	int			t = -x->type;

	if (t == KIPC_T_CHAR)
		return q_enlist((K *) x);
	if (t == KIPC_T_SYMBOL)
		return kipc_new_cstring(x->a.s);
	/* a null is the empty string: `string 0Nd` is "" (observed kdb+) */
	if (t != KIPC_T_BOOLEAN && t != KIPC_T_BYTE && t != KIPC_T_GUID && item_null(x, -1))
		return kipc_new_string("", 0);
	if (t == KIPC_T_BOOLEAN)
		sb_puts(&b, x->a.g ? "1" : "0");
	else if (t == KIPC_T_BYTE)
		sb_printf(&b, "%02x", x->a.g);
	else
		fmt_item(&b, x, -1, false);
	r = kipc_new_string(b.p ? b.p : "", b.n);
	free(b.p);
	return r;
}

K *
q_string(K *x)
{
	int64_t		k,
				n;
	K		   *r;

	if (is_simple(x) && x->type < 0)
		return string_atom(x);
	if (is_vec(x))
	{
		n = x->n;
		r = mklist(n);
		for (k = 0; k < n; k++)
		{
			K		   *it = vec_item(x, k);

			r->v.objs[k] = string_atom(it);
			kipc_unref(it);
		}
		return r;
	}
	if (x->type == KIPC_T_LIST || is_dict(x) || x->type == KIPC_T_TABLE)
		return atomic1(U_STRING, x);
	if (q_is_function(x))
	{
		char	   *s = q_show(x);

		r = kipc_new_cstring(s);
		free(s);
		return r;
	}
	q_err("type");
}
