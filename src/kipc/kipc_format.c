/*-------------------------------------------------------------------------
 *
 * kipc_format.c
 *		A q-like text rendering of objects, for logs, EXPLAIN and tests.
 *
 * The output follows q's console display where that is unambiguous
 * ("1 2 3", "`a`b", "\"abc\"", ",1", "2000.01.01", "0Ni") and uses q's
 * table literal syntax for tables ("([] a:1 2; b:`x`y)", keyed tables as
 * "([k:1 2] v:3 4)") so a log line can be pasted into q.  Floats are
 * printed with the fewest digits that read back exactly, unlike q's 7
 * significant digits: logs should not hide differences.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc_format.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kipc_int.h"

/* rendering stops descending here; deeper parts print as "..." */
#define KIPC_FORMAT_MAX_DEPTH	100

typedef struct KipcStr
{
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		failed;			/* an allocation failed: result is NULL */
} KipcStr;

static void str_printf(KipcStr *s, const char *fmt,...) kipc_attribute_printf(2, 3);

static void
str_reserve(KipcStr *s, size_t more)
{
	size_t		cap;
	char	   *p;

	if (s->failed)
		return;
	if (s->cap - s->len > more)
		return;
	cap = s->cap ? s->cap : 64;
	while (cap - s->len <= more)
	{
		if (cap > SIZE_MAX / 2)
		{
			s->failed = true;
			return;
		}
		cap *= 2;
	}
	p = kipc_realloc(s->data, cap);
	if (p == NULL)
	{
		s->failed = true;
		return;
	}
	s->data = p;
	s->cap = cap;
}

static void
str_append_len(KipcStr *s, const char *t, size_t n)
{
	str_reserve(s, n);
	if (s->failed)
		return;
	memcpy(s->data + s->len, t, n);
	s->len += n;
	s->data[s->len] = '\0';
}

static void
str_append(KipcStr *s, const char *t)
{
	str_append_len(s, t, strlen(t));
}

static void
str_char(KipcStr *s, char c)
{
	str_append_len(s, &c, 1);
}

static void
str_printf(KipcStr *s, const char *fmt,...)
{
	char		buf[128];
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
	{
		s->failed = true;
		return;
	}
	/* every caller formats numbers: 128 bytes always suffice */
	str_append_len(s, buf, (size_t) n < sizeof(buf) ? (size_t) n : sizeof(buf) - 1);
}

/* ----------------------------------------------------------------
 * Scalars
 * ----------------------------------------------------------------
 */

/*
 * Shortest rendering that reads back as the same value; values below 1e15
 * get at least their integer digits so that 100 prints as "100", not
 * "1e+02".
 */
static void
fmt_double(char *buf, size_t len, double x, int maxprec)
{
	int			prec = 1;
	double		ax = fabs(x);

	if (ax >= 1 && ax < 1e15)
		prec = (int) floor(log10(ax)) + 1;
	if (prec > maxprec)
		prec = maxprec;
	for (; prec <= maxprec; prec++)
	{
		snprintf(buf, len, "%.*g", prec, x);
		if (maxprec == 9 ? (float) strtod(buf, NULL) == (float) x : strtod(buf, NULL) == x)
			return;
	}
}

/* append a float item; returns true if it showed a '.' or exponent */
static bool
fmt_float(KipcStr *s, double x, bool is_real)
{
	char		buf[64];

	if (isnan(x))
	{
		str_append(s, "0n");
		return true;
	}
	if (isinf(x))
	{
		str_append(s, x > 0 ? "0w" : "-0w");
		return true;
	}
	fmt_double(buf, sizeof(buf), x, is_real ? 9 : 17);
	str_append(s, buf);
	return strpbrk(buf, ".e") != NULL;
}

/* int-like null and infinities; false if x is an ordinary value */
static bool
fmt_special(KipcStr *s, int64_t x, int64_t null, int64_t inf)
{
	if (x == null)
		str_append(s, "0N");
	else if (x == inf)
		str_append(s, "0W");
	else if (x == -inf)
		str_append(s, "-0W");
	else
		return false;
	return true;
}

/* civil date from days since 2000.01.01 (Howard Hinnant's algorithm) */
static void
days_to_ymd(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t		z = days + 10957 + 719468;
	int64_t		era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;

	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static void
fmt_date(KipcStr *s, int64_t days)
{
	int64_t		y;
	int			m;
	int			d;

	days_to_ymd(days, &y, &m, &d);
	str_printf(s, "%04lld.%02d.%02d", (long long) y, m, d);
}

/* time of day with the given unit (ns per unit) and fraction digits */
static void
fmt_clock(KipcStr *s, int64_t v, int64_t per_sec, int frac_digits, bool show_secs)
{
	uint64_t	a;
	uint64_t	secs;

	if (v < 0)
	{
		str_char(s, '-');
		a = (uint64_t) 0 - (uint64_t) v;
	}
	else
		a = (uint64_t) v;
	secs = a / (uint64_t) per_sec;
	str_printf(s, "%02llu:%02llu", (unsigned long long) (secs / 3600),
			   (unsigned long long) (secs / 60 % 60));
	if (show_secs)
		str_printf(s, ":%02llu", (unsigned long long) (secs % 60));
	if (frac_digits)
		str_printf(s, ".%0*llu", frac_digits,
				   (unsigned long long) (a % (uint64_t) per_sec));
}

/*
 * One item of a typed vector or an atom, without the type suffix.
 * Returns false when the item was a null or infinity written as 0N/0W
 * (its type may then need a suffix to be readable).
 */
static bool
fmt_item(KipcStr *s, int t, const KipcObject *o, int64_t k, bool *has_point)
{
	int64_t		x = 0;
	double		f;
	int			i;

	switch (t)
	{
		case KIPC_T_BOOLEAN:
			str_char(s, (k < 0 ? o->a.g : kipc_get_g(o, k)) ? '1' : '0');
			return true;
		case KIPC_T_BYTE:
			str_printf(s, "%02x", k < 0 ? o->a.g : kipc_get_g(o, k));
			return true;
		case KIPC_T_GUID:
			{
				const uint8_t *g = k < 0 ? o->a.guid : kipc_get_guid(o, k);

				for (i = 0; i < 16; i++)
				{
					if (i == 4 || i == 6 || i == 8 || i == 10)
						str_char(s, '-');
					str_printf(s, "%02x", g[i]);
				}
				return true;
			}
		case KIPC_T_SHORT:
			x = k < 0 ? o->a.h : kipc_get_h(o, k);
			if (fmt_special(s, x, KIPC_NULL_SHORT, KIPC_INF_SHORT))
				return false;
			str_printf(s, "%lld", (long long) x);
			return true;
		case KIPC_T_INT:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			x = k < 0 ? o->a.i : kipc_get_i(o, k);
			if (fmt_special(s, x, KIPC_NULL_INT, KIPC_INF_INT))
				return false;
			break;
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			x = k < 0 ? o->a.j : kipc_get_j(o, k);
			if (fmt_special(s, x, KIPC_NULL_LONG, KIPC_INF_LONG))
				return false;
			break;
		case KIPC_T_REAL:
			f = k < 0 ? o->a.e : kipc_get_e(o, k);
			if (isnan(f) || isinf(f))
			{
				str_append(s, isnan(f) ? "0N" : (f > 0 ? "0W" : "-0W"));
				return false;
			}
			if (fmt_float(s, f, true))
				*has_point = true;
			return true;
		case KIPC_T_FLOAT:
			f = k < 0 ? o->a.f : kipc_get_f(o, k);
			if (fmt_float(s, f, false))
				*has_point = true;
			return true;
		case KIPC_T_DATETIME:
			f = k < 0 ? o->a.f : kipc_get_f(o, k);
			if (isnan(f) || isinf(f))
			{
				str_append(s, isnan(f) ? "0N" : (f > 0 ? "0W" : "-0W"));
				return false;
			}
			if (!(fabs(f) < 3e6))
			{
				/*
				 * Beyond year ~10000 no calendar rendering makes sense, and
				 * converting such a double to an integer would be undefined:
				 * show the raw day count.
				 */
				fmt_float(s, f, false);
				str_char(s, 'z');
				return true;
			}
			{
				double		day = floor(f);
				int64_t		ms = (int64_t) llround((f - day) * 86400000.0);

				if (ms >= 86400000)
				{
					day += 1;
					ms -= 86400000;
				}
				fmt_date(s, (int64_t) day);
				str_char(s, 'T');
				fmt_clock(s, ms, 1000, 3, true);
			}
			return true;
		default:
			return true;
	}

	switch (t)
	{
		case KIPC_T_MONTH:
			{
				int64_t		y = 2000 + (x >= 0 ? x / 12 : -((11 - x) / 12));
				int64_t		mon = x - (y - 2000) * 12;

				str_printf(s, "%04lld.%02lld", (long long) y, (long long) mon + 1);
			}
			break;
		case KIPC_T_DATE:
			fmt_date(s, x);
			break;
		case KIPC_T_MINUTE:
			fmt_clock(s, x * 60, 1, 0, false);
			break;
		case KIPC_T_SECOND:
			fmt_clock(s, x, 1, 0, true);
			break;
		case KIPC_T_TIME:
			fmt_clock(s, x, 1000, 3, true);
			break;
		case KIPC_T_TIMESTAMP:
			{
				int64_t		day = x / KIPC_NS_PER_DAY;
				int64_t		ns = x % KIPC_NS_PER_DAY;

				if (ns < 0)
				{
					ns += KIPC_NS_PER_DAY;
					day--;
				}
				fmt_date(s, day);
				str_char(s, 'D');
				fmt_clock(s, ns, 1000000000, 9, true);
			}
			break;
		case KIPC_T_TIMESPAN:
			{
				uint64_t	a = x < 0 ? (uint64_t) 0 - (uint64_t) x : (uint64_t) x;

				str_printf(s, "%s%lluD", x < 0 ? "-" : "",
						   (unsigned long long) (a / (uint64_t) KIPC_NS_PER_DAY));
				fmt_clock(s, (int64_t) (a % (uint64_t) KIPC_NS_PER_DAY), 1000000000, 9, true);
			}
			break;
		default:
			str_printf(s, "%lld", (long long) x);
			break;
	}
	return true;
}

static void
fmt_char(KipcStr *s, uint8_t c)
{
	switch (c)
	{
		case '"':
			str_append(s, "\\\"");
			break;
		case '\\':
			str_append(s, "\\\\");
			break;
		case '\n':
			str_append(s, "\\n");
			break;
		case '\r':
			str_append(s, "\\r");
			break;
		case '\t':
			str_append(s, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				str_printf(s, "\\%03o", c);
			else
				str_char(s, (char) c);
			break;
	}
}

/* a symbol; names q cannot read back as `name use `$"..." */
static void
fmt_symbol(KipcStr *s, const char *sym, bool in_vector)
{
	const char *p;
	bool		plain = true;

	if (sym == NULL)
		sym = "";
	for (p = sym; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
			  *p == ':' || *p == '/'))
			plain = false;
	if (plain || in_vector)
	{
		/* in a vector the quoted form would not parse anyway */
		str_char(s, '`');
		str_append(s, sym);
		return;
	}
	str_append(s, "`$\"");
	for (p = sym; *p; p++)
		fmt_char(s, (uint8_t) *p);
	str_char(s, '"');
}

static const char *const unary_names[] = {
	"::", "+:", "-:", "*:", "%:", "&:", "|:", "^:", "=:", "<:", ">:", "$:",
	",:", "#:", "_:", "~:", "!:", "?:", "@:", ".:", "0::", "1::", "2::",
	"avg", "last", "sum", "prd", "min", "max", "exit", "getenv", "abs",
	"sqrt", "log", "exp", "sin", "asin", "cos", "acos", "tan", "atan",
	"enlist", "var"
};
static const char *const binary_names[] = {
	":", "+", "-", "*", "%", "&", "|", "^", "=", "<", ">", "$", ",", "#",
	"_", "~", "!", "?", "@", ".", "0:", "1:", "2:", "in", "within", "like",
	"bin", "ss", "insert", "wsum", "wavg", "div", "xexp", "setenv", "binr",
	"cov", "cor"
};
static const char *const ternary_names[] = {"'", "/", "\\", "':", "/:", "\\:"};

static const char *const attr_prefix[] = {"", "`s#", "`u#", "`p#", "`g#"};

static void fmt_object(KipcStr *s, const KipcObject *o, int depth);

/*
 * Can o be rendered next to '!' or '[' without parentheses?  Vectors of
 * several items read back fine ("`a`b!1 2"), general lists bring their own
 * parentheses; enlisted items, attributes and dicts need them.
 */
static bool
is_simple(const KipcObject *o)
{
	if (o == NULL || o->type < 0)
		return true;
	if (o->type == KIPC_T_LIST)
		return o->attr == 0 && o->n != 1;
	if (kipc_type_is_vector(o->type))
		return o->attr == 0 && (o->n > 1 || o->type == KIPC_T_CHAR);
	return o->type == KIPC_T_LAMBDA ||
		(o->type >= KIPC_T_UNARY && o->type <= KIPC_T_TERNARY);
}

static void
fmt_paren(KipcStr *s, const KipcObject *o, int depth)
{
	if (is_simple(o))
		fmt_object(s, o, depth);
	else
	{
		str_char(s, '(');
		fmt_object(s, o, depth);
		str_char(s, ')');
	}
}

static void
fmt_vector(KipcStr *s, const KipcObject *o)
{
	int			t = o->type;
	int64_t		k;
	bool		has_point = false;
	bool		all_special = true;
	char		letter = kipc_type_char(t);

	if (o->attr <= KIPC_ATTR_GROUPED)
		str_append(s, attr_prefix[o->attr]);
	if (o->n == 0)
	{
		if (t == KIPC_T_CHAR)
			str_append(s, "\"\"");
		else
		{
			str_printf(s, "`%s$()", kipc_type_name(t));
		}
		return;
	}
	if (t == KIPC_T_CHAR)
	{
		if (o->n == 1)
			str_char(s, ',');
		str_char(s, '"');
		for (k = 0; k < o->n; k++)
			fmt_char(s, kipc_get_g(o, k));
		str_char(s, '"');
		return;
	}
	if (o->n == 1)
		str_char(s, ',');
	if (t == KIPC_T_SYMBOL)
	{
		for (k = 0; k < o->n; k++)
			fmt_symbol(s, o->v.syms[k], true);
		return;
	}
	if (t == KIPC_T_BYTE)
		str_append(s, "0x");
	for (k = 0; k < o->n; k++)
	{
		if (k > 0 && t != KIPC_T_BOOLEAN && t != KIPC_T_BYTE)
			str_char(s, ' ');
		if (fmt_item(s, t, o, k, &has_point))
			all_special = false;
	}
	switch (t)
	{
		case KIPC_T_BOOLEAN:
			str_char(s, 'b');
			break;
		case KIPC_T_SHORT:
		case KIPC_T_INT:
		case KIPC_T_REAL:
			str_char(s, letter);
			break;
		case KIPC_T_FLOAT:
			if (!has_point)
				str_char(s, 'f');
			break;
		case KIPC_T_MONTH:
			str_char(s, 'm');
			break;
		default:
			/* temporal vectors read back from their items unless all null */
			if (all_special && t != KIPC_T_LONG && t != KIPC_T_GUID)
				str_char(s, letter);
			break;
	}
}

static void
fmt_atom(KipcStr *s, const KipcObject *o)
{
	int			t = -o->type;
	bool		has_point = false;
	bool		plain;

	switch (t)
	{
		case KIPC_T_CHAR:
			str_char(s, '"');
			fmt_char(s, o->a.g);
			str_char(s, '"');
			return;
		case KIPC_T_SYMBOL:
			fmt_symbol(s, o->a.s, false);
			return;
		case KIPC_T_BYTE:
			str_append(s, "0x");
			break;
		case KIPC_T_GUID:
			break;
		default:
			break;
	}
	plain = fmt_item(s, t, o, -1, &has_point);
	switch (t)
	{
		case KIPC_T_BOOLEAN:
			str_char(s, 'b');
			break;
		case KIPC_T_SHORT:
		case KIPC_T_INT:
		case KIPC_T_REAL:
			str_char(s, kipc_type_char(t));
			break;
		case KIPC_T_FLOAT:
			if (!has_point)
				str_char(s, 'f');
			break;
		case KIPC_T_MONTH:
			str_char(s, 'm');
			break;
		case KIPC_T_LONG:
		case KIPC_T_BYTE:
			break;
		default:
			if (!plain)
				str_char(s, kipc_type_char(t));
			break;
	}
}

/* the columns of a table as "a:1 2; b:`x`y" */
static void
fmt_columns(KipcStr *s, const KipcObject *t, int depth)
{
	int64_t		c;
	int64_t		ncols = kipc_table_ncols(t);

	for (c = 0; c < ncols; c++)
	{
		KipcObject *col = kipc_table_column(t, c);

		if (c > 0)
			str_append(s, "; ");
		str_append(s, kipc_table_colname(t, c));
		str_char(s, ':');
		fmt_object(s, col, depth + 1);
	}
}

static void
fmt_object(KipcStr *s, const KipcObject *o, int depth)
{
	int64_t		k;

	if (s->failed)
		return;
	if (o == NULL)
	{
		str_append(s, "<null>");
		return;
	}
	if (depth > KIPC_FORMAT_MAX_DEPTH)
	{
		str_append(s, "...");
		return;
	}
	if (o->type == KIPC_T_ERROR)
	{
		str_char(s, '\'');
		str_append(s, o->a.s ? o->a.s : "");
		return;
	}
	if (o->type < 0)
	{
		fmt_atom(s, o);
		return;
	}
	if (kipc_type_is_vector(o->type))
	{
		fmt_vector(s, o);
		return;
	}
	switch (o->type)
	{
		case KIPC_T_LIST:
			if (o->attr > 0 && o->attr <= KIPC_ATTR_GROUPED)
				str_append(s, attr_prefix[o->attr]);
			if (o->n == 1)
			{
				str_append(s, "enlist ");
				fmt_paren(s, o->v.objs[0], depth + 1);
				return;
			}
			str_char(s, '(');
			for (k = 0; k < o->n; k++)
			{
				if (k > 0)
					str_char(s, ';');
				fmt_object(s, o->v.objs[k], depth + 1);
			}
			str_char(s, ')');
			return;
		case KIPC_T_TABLE:
			if (o->attr > 0 && o->attr <= KIPC_ATTR_GROUPED)
				str_append(s, attr_prefix[o->attr]);
			if (kipc_table_ncols(o) >= 0 &&
				(kipc_table_ncols(o) == 0 || kipc_table_column(o, 0) != NULL))
			{
				str_append(s, "([] ");
				fmt_columns(s, o, depth);
				str_char(s, ')');
			}
			else
			{
				/* e.g. a splayed table reference: show the flipped dict */
				str_append(s, "flip ");
				fmt_object(s, o->v.objs[0], depth + 1);
			}
			return;
		case KIPC_T_DICT:
		case KIPC_T_SORTED_DICT:
			if (o->type == KIPC_T_SORTED_DICT)
				str_append(s, "`s#");
			if (kipc_is_keyed_table(o) &&
				kipc_table_ncols(o->v.objs[0]) > 0 &&
				kipc_table_column(o->v.objs[0], 0) != NULL &&
				kipc_table_ncols(o->v.objs[1]) >= 0 &&
				(kipc_table_ncols(o->v.objs[1]) == 0 ||
				 kipc_table_column(o->v.objs[1], 0) != NULL))
			{
				str_append(s, "([");
				fmt_columns(s, o->v.objs[0], depth + 1);
				str_append(s, "] ");
				fmt_columns(s, o->v.objs[1], depth + 1);
				str_char(s, ')');
				return;
			}
			if (o->v.objs[0] && o->v.objs[0]->type == KIPC_T_LIST &&
				o->v.objs[0]->n == 0 && o->v.objs[1] &&
				o->v.objs[1]->type == KIPC_T_LIST && o->v.objs[1]->n == 0)
			{
				str_append(s, "()!()");
				return;
			}
			fmt_paren(s, o->v.objs[0], depth + 1);
			str_char(s, '!');
			fmt_paren(s, o->v.objs[1], depth + 1);
			return;
		case KIPC_T_LAMBDA:
			{
				const KipcObject *src = o->v.objs[0];

				if (o->a.s && o->a.s[0])
				{
					/* lambdas defined in another context, as \d .ctx shows */
					str_char(s, '.');
					str_append(s, o->a.s);
					str_char(s, ' ');
				}
				if (src && src->type == KIPC_T_CHAR && src->n > 0)
					str_append_len(s, (const char *) src->v.items, (size_t) src->n);
				return;
			}
		case KIPC_T_UNARY:
			if (o->a.g == 0xff)
				return;			/* elided argument of a projection */
			if (o->a.g < sizeof(unary_names) / sizeof(unary_names[0]))
				str_append(s, unary_names[o->a.g]);
			else
				str_printf(s, "<unary %d>", o->a.g);
			return;
		case KIPC_T_BINARY:
			if (o->a.g < sizeof(binary_names) / sizeof(binary_names[0]))
				str_append(s, binary_names[o->a.g]);
			else
				str_printf(s, "<binary %d>", o->a.g);
			return;
		case KIPC_T_TERNARY:
			if (o->a.g < sizeof(ternary_names) / sizeof(ternary_names[0]))
				str_append(s, ternary_names[o->a.g]);
			else
				str_printf(s, "<iterator %d>", o->a.g);
			return;
		case KIPC_T_PROJECTION:
			if (o->n == 0)
				return;
			fmt_paren(s, o->v.objs[0], depth + 1);
			str_char(s, '[');
			for (k = 1; k < o->n; k++)
			{
				if (k > 1)
					str_char(s, ';');
				fmt_object(s, o->v.objs[k], depth + 1);
			}
			str_char(s, ']');
			return;
		case KIPC_T_COMPOSITION:
			str_append(s, "'[");
			for (k = 0; k < o->n; k++)
			{
				if (k > 0)
					str_char(s, ';');
				fmt_object(s, o->v.objs[k], depth + 1);
			}
			str_char(s, ']');
			return;
		case KIPC_T_EACH:
		case KIPC_T_OVER:
		case KIPC_T_SCAN:
		case KIPC_T_EACHPRIOR:
		case KIPC_T_EACHRIGHT:
		case KIPC_T_EACHLEFT:
			if (o->n >= 1)
				fmt_paren(s, o->v.objs[0], depth + 1);
			str_append(s, ternary_names[o->type - KIPC_T_EACH]);
			return;
		default:
			str_printf(s, "<%s %d>", kipc_type_name(o->type), o->type);
			return;
	}
}

char *
kipc_format(const KipcObject *o)
{
	KipcStr		s;

	memset(&s, 0, sizeof(s));
	str_reserve(&s, 16);
	if (!s.failed)
		s.data[0] = '\0';
	fmt_object(&s, o, 1);
	if (s.failed)
	{
		kipc_free(s.data);
		return NULL;
	}
	return s.data;
}
