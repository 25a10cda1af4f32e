/*-------------------------------------------------------------------------
 *
 * q_parse.c
 *		Lexer and parser of the q test server's interpreter.
 *
 * q has no operator precedence: an expression is a noun, or a verb applied
 * to the whole expression on its right (monadic), or noun verb expression
 * (dyadic), or a noun applied to the expression on its right
 * (juxtaposition).  The parser builds that tree right to left by recursion
 * on the right operand.  Lexing is context dependent the way q's is: '-'
 * starts a negative number only when it is not a dyadic minus (nothing
 * noun-like touches it on the left), '/' starts a comment only after white
 * space, and ' / \ after a noun or verb with no space are iterators.
 * Numeric vectors (1 2 3f, 2024.01.01 2024.01.02) are single tokens, as in
 * q.  qSQL templates (select/exec/update/delete) are parsed into a QSql
 * with phrase lists split at top-level commas.  Everything a parse makes
 * (tokens, nodes, names, arrays, literal values) comes from the top parse
 * arena (q_palloc, q_arena_own in q_eval.c), so a parse abandoned by a q
 * error is freed with its arena; q_parse_lambda parses into an arena of
 * its own that the lambda keeps.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_parse.c
 *
 *-------------------------------------------------------------------------
 */
#include <ctype.h>
#include <errno.h>

#include "q_int.h"

typedef enum
{
	T_EOF, T_LIT, T_NAME, T_VERB, T_ADVERB, T_LPAREN, T_RPAREN, T_LBRACK,
	T_RBRACK, T_LBRACE, T_RBRACE, T_SEMI, T_SIGNAL
} TokType;

typedef struct Tok
{
	TokType		type;
	int			pos;			/* byte offset of the token */
	int			end;			/* offset just after it */
	bool		ws;				/* white space before it */
	K		   *val;			/* T_LIT */
	char	   *text;			/* T_NAME */
	int			verb;			/* T_VERB: B_* index; T_ADVERB: 0..5 */
	bool		colon;			/* T_VERB immediately followed by ':' */
} Tok;

typedef struct Parser
{
	const char *src;
	size_t		len;
	Tok		   *toks;
	int			ntoks;
	int			cap;
	int			p;				/* current token */
} Parser;

/* stop words/tokens while parsing qSQL phrases */
#define STOP_COMMA	0x01
#define STOP_BY		0x02
#define STOP_FROM	0x04
#define STOP_WHERE	0x08

/* ----------------------------------------------------------------
 * Nodes
 * ----------------------------------------------------------------
 */
QNode *
q_node(QNodeKind kind, int n)
{
	QNode	   *x = q_palloc(sizeof(QNode));

	x->kind = kind;
	x->n = n;
	if (n > 0)
		x->kids = q_palloc(sizeof(QNode *) * n);
	return x;
}

QNode *
q_node_const(K *v)
{
	QNode	   *x = q_node(N_CONST, 0);

	x->val = v;
	q_arena_own(v);
	return x;
}

/* ----------------------------------------------------------------
 * Literal parsing (shared with "D"$"..." casts)
 * ----------------------------------------------------------------
 */

/* parse up to n digits; returns digits consumed */
static int
digits(const char *s, int len, int64_t *out)
{
	int			i = 0;
	int64_t		v = 0;

	while (i < len && isdigit((unsigned char) s[i]))
		v = v * 10 + (s[i++] - '0');
	*out = v;
	return i;
}

/* "hh:mm[:ss[.frac]]" -> nanoseconds; *parts = number of : parts, *fd =
 * fraction digits; false if malformed */
static bool
parse_clock(const char *s, int len, int64_t *ns, int *parts, int *fd)
{
	int64_t		h,
				m = 0,
				sec = 0,
				frac = 0;
	int			i,
				k;
	bool		neg = false;

	i = 0;
	if (i < len && s[i] == '-')
	{
		neg = true;
		i++;
	}
	k = digits(s + i, len - i, &h);
	if (k == 0)
		return false;
	i += k;
	*parts = 1;
	*fd = 0;
	if (i < len && s[i] == ':')
	{
		i++;
		k = digits(s + i, len - i, &m);
		if (k != 2)
			return false;
		i += k;
		*parts = 2;
		if (i < len && s[i] == ':')
		{
			i++;
			k = digits(s + i, len - i, &sec);
			if (k != 2)
				return false;
			i += k;
			*parts = 3;
		}
	}
	if (i < len && s[i] == '.')
	{
		i++;
		k = 0;
		while (i < len && isdigit((unsigned char) s[i]) && k < 9)
		{
			frac = frac * 10 + (s[i++] - '0');
			k++;
		}
		*fd = k;
		while (k++ < 9)
			frac *= 10;
		if (*fd == 0)
			*fd = -1;
	}
	if (i != len)
		return false;
	*ns = ((h * 60 + m) * 60 + sec) * INT64_C(1000000000) + frac;
	if (neg)
		*ns = -*ns;
	return true;
}

static int
type_of_letter(char c)
{
	switch (c)
	{
		case 'b': return KIPC_T_BOOLEAN;
		case 'g': return KIPC_T_GUID;
		case 'x': return KIPC_T_BYTE;
		case 'h': return KIPC_T_SHORT;
		case 'i': return KIPC_T_INT;
		case 'j': return KIPC_T_LONG;
		case 'e': return KIPC_T_REAL;
		case 'f': return KIPC_T_FLOAT;
		case 'c': return KIPC_T_CHAR;
		case 's': return KIPC_T_SYMBOL;
		case 'p': return KIPC_T_TIMESTAMP;
		case 'm': return KIPC_T_MONTH;
		case 'd': return KIPC_T_DATE;
		case 'z': return KIPC_T_DATETIME;
		case 'n': return KIPC_T_TIMESPAN;
		case 'u': return KIPC_T_MINUTE;
		case 'v': return KIPC_T_SECOND;
		case 't': return KIPC_T_TIME;
	}
	return -1;
}

/* one parsed scalar: type (positive) and value */
typedef struct Num
{
	int			type;
	bool		isnull;
	int			inf;			/* +1 / -1 */
	int64_t		j;
	double		f;
	bool		explicit_type;
} Num;

static bool
is_int_type(int t)
{
	return t == KIPC_T_SHORT || t == KIPC_T_INT || t == KIPC_T_LONG ||
		t == KIPC_T_BYTE || t == KIPC_T_BOOLEAN;
}

/* convert a parsed number to type t (for vector suffixes and casts) */
static bool
num_convert(Num *n, int t)
{
	if (n->type == t)
		return true;
	if (n->isnull || n->inf)
	{
		n->type = t;
		return true;
	}
	if (is_int_type(n->type) || n->type == KIPC_T_FLOAT)
	{
		if (t == KIPC_T_FLOAT || t == KIPC_T_REAL)
		{
			if (n->type != KIPC_T_FLOAT)
				n->f = (double) n->j;
			n->type = t;
			return true;
		}
		if (n->type == KIPC_T_FLOAT)
			return false;
		if (is_int_type(t) || (t >= KIPC_T_TIMESTAMP && t <= KIPC_T_TIME && t != KIPC_T_DATETIME))
		{
			n->type = t;
			return true;
		}
		if (t == KIPC_T_DATETIME)
		{
			n->f = (double) n->j;
			n->type = t;
			return true;
		}
	}
	return false;
}

/*
 * Parse one number word (no spaces).  forced > 0 parses it as that type
 * (a vector's trailing suffix, or a cast from a string).
 */
static bool
parse_num_word(const char *s, int len, int forced, Num *out)
{
	char		last;
	int			t = -1;
	int			body = len;
	const char *p;
	int			i;

	memset(out, 0, sizeof(*out));
	if (len <= 0)
		return false;
	last = s[len - 1];

	/* nulls and infinities */
	if ((len >= 2 && s[0] == '0' && (s[1] == 'N' || s[1] == 'W' || s[1] == 'n' || s[1] == 'w')) ||
		(len >= 3 && s[0] == '-' && s[1] == '0' && (s[2] == 'W' || s[2] == 'w')))
	{
		bool		neg = s[0] == '-';
		char		c = s[neg ? 2 : 1];
		int			rest = len - (neg ? 3 : 2);

		if (rest > 1)
			return false;
		if (c == 'n' || c == 'w')
		{
			/* 0n 0w, and with a real/float/datetime suffix: 0we 0wf 0wz */
			if (rest == 1 && (s[len - 1] == 'e' || s[len - 1] == 'f' || s[len - 1] == 'z'))
			{
				t = type_of_letter(s[len - 1]);
				out->explicit_type = true;
			}
			else if (rest != 0)
				return false;
			else
				t = KIPC_T_FLOAT;
		}
		else if (rest == 1)
		{
			t = type_of_letter(s[len - 1]);
			if (t < 0 || t == KIPC_T_BOOLEAN || t == KIPC_T_BYTE || t == KIPC_T_CHAR || t == KIPC_T_SYMBOL)
				return false;
			out->explicit_type = true;
		}
		else
			t = KIPC_T_LONG;
		if (forced > 0)
			t = forced;
		out->type = t;
		if (c == 'N' || c == 'n')
		{
			if (neg)
				return false;
			out->isnull = true;
		}
		else
			out->inf = neg ? -1 : 1;
		return true;
	}
	/* boolean vectors are handled by the caller; single 0b/1b here */
	if (last == 'b' && len == 2 && (s[0] == '0' || s[0] == '1'))
	{
		out->type = KIPC_T_BOOLEAN;
		out->j = s[0] - '0';
		out->explicit_type = true;
		return true;
	}
	/* timestamp / timespan: contains D */
	p = memchr(s, 'D', len);
	if (p)
	{
		int			pre = (int) (p - s);
		int64_t		ns = 0;
		int			parts,
					fd;
		int			tl = len - pre - 1;

		if (tl > 0 && s[len - 1] == 'p')
			tl--;
		if (tl > 0 && !parse_clock(p + 1, tl, &ns, &parts, &fd))
			return false;
		if (memchr(s, '.', pre))
		{
			Num			d;

			if (!parse_num_word(s, pre, KIPC_T_DATE, &d) || d.type != KIPC_T_DATE)
				return false;
			out->type = KIPC_T_TIMESTAMP;
			out->j = d.j * KIPC_NS_PER_DAY + ns;
		}
		else
		{
			int64_t		days;
			bool		neg = pre > 0 && s[0] == '-';

			if (digits(s + neg, pre - neg, &days) != pre - neg)
				return false;
			out->type = KIPC_T_TIMESPAN;
			out->j = days * KIPC_NS_PER_DAY + ns;
			if (neg)
				out->j = -days * KIPC_NS_PER_DAY - ns;
		}
		if (forced > 0 && forced != out->type)
			return false;
		return true;
	}
	/* datetime: contains T */
	p = memchr(s, 'T', len);
	if (p)
	{
		Num			d;
		int64_t		ns = 0;
		int			parts,
					fd,
					tl = len - (int) (p - s) - 1;

		if (tl > 0 && s[len - 1] == 'z')
			tl--;
		if (!parse_num_word(s, (int) (p - s), KIPC_T_DATE, &d))
			return false;
		if (tl > 0 && !parse_clock(p + 1, tl, &ns, &parts, &fd))
			return false;
		out->type = KIPC_T_DATETIME;
		out->f = (double) d.j + (double) (ns / 1000000) / 86400000.0;
		return true;
	}
	/* explicit type letter at the end */
	if (isalpha((unsigned char) last))
	{
		t = type_of_letter(last);
		if (t < 0)
			return false;
		/* "1e5" is a float with an exponent, "1e" a real */
		if (last == 'e' || len < 2 || !isdigit((unsigned char) s[len - 2]) ||
			!memchr(s, 'e', len - 1))
		{
			body = len - 1;
			out->explicit_type = true;
		}
		else
			t = -1;
		if (body == 0)
			return false;
	}
	if (forced > 0 && t < 0)
		t = forced;
	/* clock forms */
	if (memchr(s, ':', body))
	{
		int64_t		ns;
		int			parts,
					fd;

		if (!parse_clock(s, body, &ns, &parts, &fd))
			return false;
		if (t < 0)
		{
			if (parts == 2 && fd == 0)
				t = KIPC_T_MINUTE;
			else if (parts == 3 && fd == 0)
				t = KIPC_T_SECOND;
			else if (fd > 3)
				t = KIPC_T_TIMESPAN;
			else
				t = KIPC_T_TIME;
		}
		out->type = t;
		switch (t)
		{
			case KIPC_T_MINUTE: out->j = ns / INT64_C(60000000000); break;
			case KIPC_T_SECOND: out->j = ns / INT64_C(1000000000); break;
			case KIPC_T_TIME: out->j = ns / 1000000; break;
			case KIPC_T_TIMESPAN: out->j = ns; break;
			case KIPC_T_TIMESTAMP: out->j = ns; break;
			default: return false;
		}
		return true;
	}
	/* dates and months: digits.digits[.digits] */
	{
		int			ndots = 0;

		for (i = 0; i < body; i++)
			if (s[i] == '.')
				ndots++;
		if (ndots == 2 || (ndots == 1 && (t == KIPC_T_MONTH)) ||
			(ndots >= 1 && (t == KIPC_T_DATE || t == KIPC_T_TIMESTAMP)))
		{
			int64_t		y,
						m,
						d = 1;
			int			k = 0,
						q;

			if (ndots == 2 && t > 0 && t != KIPC_T_DATE && t != KIPC_T_TIMESTAMP &&
				t != KIPC_T_MONTH && t != KIPC_T_DATETIME)
				return false;
			q = digits(s, body, &y);
			if (q != 4)
				return false;
			k = q + 1;
			q = digits(s + k, body - k, &m);
			if (q != 2)
				return false;
			k += q;
			if (ndots == 2)
			{
				k++;
				q = digits(s + k, body - k, &d);
				if (q != 2)
					return false;
				k += q;
			}
			if (k != body || m < 1 || m > 12 || d < 1 || d > 31)
				return false;
			if (t == KIPC_T_MONTH || (t < 0 && ndots == 1))
			{
				out->type = KIPC_T_MONTH;
				out->j = (y - 2000) * 12 + m - 1;
			}
			else
			{
				out->type = KIPC_T_DATE;
				out->j = q_days_from_civil(y, m, d);
				if (t == KIPC_T_TIMESTAMP)
				{
					out->type = t;
					out->j *= KIPC_NS_PER_DAY;
				}
				else if (t == KIPC_T_DATETIME)
				{
					out->type = t;
					out->f = (double) out->j;
				}
			}
			return true;
		}
	}
	/* plain numbers */
	{
		char		buf[64];
		char	   *end;
		bool		isfloat = false;

		if (body >= (int) sizeof(buf))
			return false;
		memcpy(buf, s, body);
		buf[body] = 0;
		for (i = 0; i < body; i++)
		{
			char		c = buf[i];

			if (c == '.' || c == 'e' || c == 'E')
				isfloat = true;
			else if (!(isdigit((unsigned char) c) || (c == '-' && (i == 0 || buf[i - 1] == 'e'))))
				return false;
		}
		if (t < 0)
			t = isfloat ? KIPC_T_FLOAT : KIPC_T_LONG;
		out->type = t;
		if (t == KIPC_T_FLOAT || t == KIPC_T_REAL || t == KIPC_T_DATETIME)
		{
			out->f = strtod(buf, &end);
			return *end == 0;
		}
		if (isfloat)
			return false;
		errno = 0;
		out->j = strtoll(buf, &end, 10);
		if (*end != 0)
			return false;
		if (t == KIPC_T_BOOLEAN && (out->j > 1 || out->j < 0))
			return false;
		if (t == KIPC_T_CHAR || t == KIPC_T_SYMBOL || t == KIPC_T_GUID)
			return false;
		return true;
	}
}

/* store a parsed number into a vector slot / atom */
static void
num_store(K *v, int64_t k, const Num *n)
{
	int			t = n->type;

	switch (t)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
			if (k < 0)
				v->a.g = (uint8_t) n->j;
			else
				((uint8_t *) v->v.items)[k] = (uint8_t) n->j;
			break;
		case KIPC_T_SHORT:
			{
				int16_t		x = n->isnull ? KIPC_NULL_SHORT : n->inf > 0 ? KIPC_INF_SHORT :
					n->inf < 0 ? KIPC_NINF_SHORT : (int16_t) n->j;

				if (k < 0)
					v->a.h = x;
				else
					kipc_set_h(v, k, x);
				break;
			}
		case KIPC_T_INT:
		case KIPC_T_MONTH:
		case KIPC_T_DATE:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			{
				int32_t		x = n->isnull ? KIPC_NULL_INT : n->inf > 0 ? KIPC_INF_INT :
					n->inf < 0 ? KIPC_NINF_INT : (int32_t) n->j;

				if (k < 0)
					v->a.i = x;
				else
					kipc_set_i(v, k, x);
				break;
			}
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			{
				int64_t		x = n->isnull ? KIPC_NULL_LONG : n->inf > 0 ? KIPC_INF_LONG :
					n->inf < 0 ? KIPC_NINF_LONG : n->j;

				if (k < 0)
					v->a.j = x;
				else
					kipc_set_j(v, k, x);
				break;
			}
		case KIPC_T_REAL:
			{
				float		x = n->isnull ? NAN : n->inf > 0 ? INFINITY : n->inf < 0 ? -INFINITY : (float) n->f;

				if (k < 0)
					v->a.e = x;
				else
					kipc_set_e(v, k, x);
				break;
			}
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			{
				double		x = n->isnull ? NAN : n->inf > 0 ? INFINITY : n->inf < 0 ? -INFINITY : n->f;

				if (k < 0)
					v->a.f = x;
				else
					kipc_set_f(v, k, x);
				break;
			}
		case KIPC_T_GUID:
			if (k < 0)
				memset(v->a.guid, 0, 16);
			else
				memset((uint8_t *) v->v.items + 16 * k, 0, 16);
			break;
	}
}

static K *
num_atom(const Num *n)
{
	K		   *v = kipc_new_atom(-n->type);

	num_store(v, -1, n);
	return v;
}

/* parse a sequence of number words separated by single blanks */
static K *
parse_num_words(const char **w, const int *wl, int nw)
{
	Num		   *nums = q_palloc(sizeof(Num) * (nw ? nw : 1));
	int			forced = -1;
	int			t = -1,
				i;
	K		   *v;

	/* a single boolean vector word: 101b */
	if (nw == 1 && wl[0] > 2 && w[0][wl[0] - 1] == 'b')
	{
		bool		ok = true;

		for (i = 0; i < wl[0] - 1; i++)
			if (w[0][i] != '0' && w[0][i] != '1')
				ok = false;
		if (ok)
		{
			v = kipc_new_vector(KIPC_T_BOOLEAN, wl[0] - 1);
			for (i = 0; i < wl[0] - 1; i++)
				((uint8_t *) v->v.items)[i] = w[0][i] - '0';
			
			return v;
		}
	}
	/* byte literals */
	if (nw == 1 && wl[0] >= 2 && w[0][0] == '0' && w[0][1] == 'x')
	{
		int			nd = wl[0] - 2;
		int			nb = (nd + 1) / 2;

		for (i = 2; i < wl[0]; i++)
			if (!isxdigit((unsigned char) w[0][i]))
			{
				
				return NULL;
			}
		v = nb == 1 ? kipc_new_atom(-KIPC_T_BYTE) : kipc_new_vector(KIPC_T_BYTE, nb);
		for (i = 0; i < nb; i++)
		{
			char		hx[3] = {0, 0, 0};
			uint8_t		b;

			if (nd % 2 == 1)
			{
				if (i == 0)
					hx[0] = w[0][2];
				else
				{
					hx[0] = w[0][2 * i + 1];
					hx[1] = w[0][2 * i + 2];
				}
			}
			else
			{
				hx[0] = w[0][2 + 2 * i];
				hx[1] = w[0][3 + 2 * i];
			}
			b = (uint8_t) strtol(hx, NULL, 16);
			if (nb == 1)
				v->a.g = b;
			else
				((uint8_t *) v->v.items)[i] = b;
		}
		return v;
	}
	if (!parse_num_word(w[nw - 1], wl[nw - 1], -1, &nums[nw - 1]))
	{
		return NULL;
	}
	if (nums[nw - 1].explicit_type)
		forced = nums[nw - 1].type;
	for (i = 0; i < nw; i++)
	{
		if (!parse_num_word(w[i], wl[i], forced, &nums[i]))
		{
			
			return NULL;
		}
		if (forced > 0 && !num_convert(&nums[i], forced))
		{
			
			return NULL;
		}
	}
	if (forced > 0)
		t = forced;
	else
	{
		/* unify: long nulls adopt the others' type, longs promote to float */
		for (i = 0; i < nw; i++)
		{
			int			ti = nums[i].type;

			if (ti == KIPC_T_LONG && (nums[i].isnull || nums[i].inf) && !nums[i].explicit_type)
				continue;
			if (t < 0)
				t = ti;
			else if (t != ti)
			{
				if ((t == KIPC_T_LONG && ti == KIPC_T_FLOAT) || (t == KIPC_T_FLOAT && ti == KIPC_T_LONG))
					t = KIPC_T_FLOAT;
				else
				{
					
					return NULL;
				}
			}
		}
		if (t < 0)
			t = nums[0].type;
		for (i = 0; i < nw; i++)
			if (!num_convert(&nums[i], t))
			{
				
				return NULL;
			}
	}
	if (nw == 1)
		v = num_atom(&nums[0]);
	else
	{
		v = kipc_new_vector(t, nw);
		for (i = 0; i < nw; i++)
			num_store(v, i, &nums[i]);
	}
	return v;
}

/*
 * Cast from text as "D"$"2024.01.01" does: type t (positive).  Returns NULL
 * if the text does not parse (the caller then gives a null).
 */
K *
q_parse_literal(const char *s, size_t len, int type)
{
	Num			n;
	const char *w[1];
	int			wl[1];

	while (len > 0 && isspace((unsigned char) *s))
		s++, len--;
	while (len > 0 && isspace((unsigned char) s[len - 1]))
		len--;
	if (len == 0)
		return NULL;
	if (type == KIPC_T_BOOLEAN)
	{
		K		   *b = kipc_new_bool(false);

		b->a.g = (len == 1 && (s[0] == '1' || s[0] == 't' || s[0] == 'T' || s[0] == 'y' || s[0] == 'Y'));
		return b;
	}
	w[0] = s;
	wl[0] = (int) len;
	(void) w;
	(void) wl;
	if (!parse_num_word(s, (int) len, type, &n))
		return NULL;
	if (n.type != type && !num_convert(&n, type))
	{
		/* a date parsed as "D"$ of a timestamp string etc. */
		return NULL;
	}
	return num_atom(&n);
}

/* ----------------------------------------------------------------
 * Lexer
 * ----------------------------------------------------------------
 */
static void
push_tok(Parser *P, Tok t)
{
	if (P->ntoks == P->cap)
	{
		int			ncap = P->cap ? P->cap * 2 : 64;

		P->toks = q_pgrow(P->toks, sizeof(Tok) * P->cap, sizeof(Tok) * ncap);
		P->cap = ncap;
	}
	/* the arena owns the token's literal (node constants take their own
	 * reference) */
	if (t.val)
		q_arena_own(t.val);
	P->toks[P->ntoks++] = t;
}

static bool
noun_ending(const Parser *P)
{
	TokType		t;

	if (P->ntoks == 0)
		return false;
	t = P->toks[P->ntoks - 1].type;
	return t == T_LIT || t == T_NAME || t == T_RPAREN || t == T_RBRACK || t == T_RBRACE;
}

static bool
is_name_start(char c)
{
	return isalpha((unsigned char) c);
}

static bool
is_name_char(char c)
{
	return isalnum((unsigned char) c) || c == '_' || c == '.';
}

/* does a number word start at s[i]? */
static bool
num_start(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return false;
	if (isdigit((unsigned char) s[i]))
		return true;
	if (s[i] == '.' && i + 1 < len && isdigit((unsigned char) s[i + 1]))
		return true;
	if (s[i] == '-' && i + 1 < len &&
		(isdigit((unsigned char) s[i + 1]) ||
		 (s[i + 1] == '.' && i + 2 < len && isdigit((unsigned char) s[i + 2]))))
		return true;
	return false;
}

static size_t
num_word_end(const char *s, size_t len, size_t i)
{
	if (s[i] == '-')
		i++;
	while (i < len && (isalnum((unsigned char) s[i]) || s[i] == '.' || s[i] == ':'))
	{
		/* a '-' inside is only valid after an exponent e */
		i++;
		if (i < len && s[i] == '-' && (s[i - 1] == 'e') && i + 1 < len &&
			isdigit((unsigned char) s[i + 1]) && isdigit((unsigned char) s[i - 2]))
			i++;
	}
	return i;
}

static void
lex(Parser *P)
{
	const char *s = P->src;
	size_t		len = P->len;
	size_t		i = 0;
	int			depth = 0;
	bool		ws = true;

	while (i < len)
	{
		char		c = s[i];
		Tok			t;

		memset(&t, 0, sizeof(t));
		t.pos = (int) i;
		t.ws = ws;

		if (c == '\n')
		{
			/* newline at top level ends a statement unless the next line is
			 * a continuation (starts with white space) */
			if (depth == 0 && i + 1 < len && !isspace((unsigned char) s[i + 1]) &&
				P->ntoks > 0 && P->toks[P->ntoks - 1].type != T_SEMI)
			{
				t.type = T_SEMI;
				t.end = (int) i + 1;
				push_tok(P, t);
			}
			i++;
			ws = true;
			/* a line starting with / is a comment */
			if (i < len && s[i] == '/')
			{
				while (i < len && s[i] != '\n')
					i++;
			}
			continue;
		}
		if (isspace((unsigned char) c))
		{
			i++;
			ws = true;
			continue;
		}
		/* comment: / after white space or at the start */
		if (c == '/' && (ws || i == 0) && !(i > 0 && !isspace((unsigned char) s[i - 1]) && i != 0))
		{
			if (i == 0 || isspace((unsigned char) s[i - 1]))
			{
				while (i < len && s[i] != '\n')
					i++;
				continue;
			}
		}
		ws = false;
		/* iterators directly after a noun or verb */
		if ((c == '\'' || c == '/' || c == '\\') && P->ntoks > 0 && !t.ws &&
			(noun_ending(P) || P->toks[P->ntoks - 1].type == T_VERB ||
			 P->toks[P->ntoks - 1].type == T_ADVERB))
		{
			t.type = T_ADVERB;
			if (i + 1 < len && s[i + 1] == ':')
			{
				t.verb = c == '\'' ? 3 : c == '/' ? 4 : 5;
				i += 2;
			}
			else
			{
				t.verb = c == '\'' ? 0 : c == '/' ? 1 : 2;
				i++;
			}
			t.end = (int) i;
			push_tok(P, t);
			continue;
		}
		if (c == '\'')
		{
			t.type = T_SIGNAL;
			t.end = (int) ++i;
			push_tok(P, t);
			continue;
		}
		/* numbers, possibly a vector of them */
		if (num_start(s, len, i) && (c != '-' || t.ws || !noun_ending(P)) &&
			!(c == '.' && noun_ending(P) && !t.ws))
		{
			const char *w[4096];
			int			wl[4096];
			int			nw = 0;
			const char **wv = w;
			int		   *wlv = wl;
			int			wcap = 4096;
			size_t		j = i;

			for (;;)
			{
				size_t		e = num_word_end(s, len, j);

				if (nw == wcap)
				{
					const char **nwv = q_palloc(sizeof(char *) * wcap * 2);
					int		   *nwl = q_palloc(sizeof(int) * wcap * 2);

					memcpy(nwv, wv, sizeof(char *) * wcap);
					memcpy(nwl, wlv, sizeof(int) * wcap);
					wv = nwv;
					wlv = nwl;
					wcap *= 2;
				}
				wv[nw] = s + j;
				wlv[nw] = (int) (e - j);
				nw++;
				j = e;
				/* another word after blanks? */
				{
					size_t		k = j;

					while (k < len && (s[k] == ' ' || s[k] == '\t'))
						k++;
					if (k > j && num_start(s, len, k) && !(k + 1 < len && s[k] == '.' && 0))
					{
						j = k;
						continue;
					}
				}
				break;
			}
			t.type = T_LIT;
			t.val = parse_num_words(wv, wlv, nw);
			if (!t.val)
			{
				char		buf[64];
				int			l = (int) (j - i) < 40 ? (int) (j - i) : 40;

				snprintf(buf, sizeof(buf), "%.*s", l, s + i);
				q_err(buf);
			}
			i = j;
			t.end = (int) i;
			push_tok(P, t);
			continue;
		}
		/* symbols */
		if (c == '`')
		{
			const char *starts[1024];
			int			lens[1024];
			int			n = 0;

			while (i < len && s[i] == '`')
			{
				size_t		j = i + 1;

				while (j < len && (is_name_char(s[j]) || s[j] == ':' || s[j] == '/'))
					j++;
				if (n == 1024)
					q_err("limit");
				starts[n] = s + i + 1;
				lens[n] = (int) (j - i - 1);
				n++;
				i = j;
			}
			t.type = T_LIT;
			if (n == 1)
				t.val = kipc_new_symbol_len(starts[0], lens[0]);
			else
			{
				int			k;

				t.val = kipc_new_vector(KIPC_T_SYMBOL, n);
				for (k = 0; k < n; k++)
				{
					char	   *tmp = q_pstrndup(starts[k], lens[k]);

					kipc_set_symbol(t.val, k, tmp);
				}
			}
			t.end = (int) i;
			push_tok(P, t);
			continue;
		}
		/* strings */
		if (c == '"')
		{
			char	   *buf;
			size_t		n = 0,
						k = i + 1;

			/* the literal's extent first: the arena keeps the buffer, so it
			 * must not be sized by the rest of the text */
			while (k < len && s[k] != '"')
				k += s[k] == '\\' && k + 1 < len ? 2 : 1;
			buf = q_palloc(k - i + 1);
			i++;
			while (i < len && s[i] != '"')
			{
				if (s[i] == '\\' && i + 1 < len)
				{
					char		e = s[i + 1];

					if (e >= '0' && e <= '7' && i + 3 < len)
					{
						buf[n++] = (char) (((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
						i += 4;
						continue;
					}
					buf[n++] = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
					i += 2;
					continue;
				}
				buf[n++] = s[i++];
			}
			if (i >= len)
				q_err("\"");
			i++;
			t.type = T_LIT;
			t.val = n == 1 ? kipc_new_char(buf[0]) : kipc_new_string(buf, n);
			t.end = (int) i;
			push_tok(P, t);
			continue;
		}
		/* names */
		if (is_name_start(c) || (c == '.' && i + 1 < len && is_name_start(s[i + 1])))
		{
			size_t		j = i + 1;

			while (j < len && is_name_char(s[j]))
				j++;
			t.type = T_NAME;
			t.text = q_pstrndup(s + i, j - i);
			i = j;
			t.end = (int) i;
			push_tok(P, t);
			continue;
		}
		switch (c)
		{
			case '(': t.type = T_LPAREN; depth++; break;
			case ')': t.type = T_RPAREN; depth--; break;
			case '[': t.type = T_LBRACK; depth++; break;
			case ']': t.type = T_RBRACK; depth--; break;
			case '{': t.type = T_LBRACE; depth++; break;
			case '}': t.type = T_RBRACE; depth--; break;
			case ';': t.type = T_SEMI; break;
			default:
				{
					static const char verbs[] = ":+-*%&|^=<>$,#_~!?@.";
					const char *vp = strchr(verbs, c);

					if (!vp || c == 0)
						q_errf("%c", c);
					t.type = T_VERB;
					t.verb = (int) (vp - verbs);
					if (c == '<' && i + 1 < len && s[i + 1] == '>')
					{
						t.verb = B_NE;
						i++;
					}
					else if (c == '<' && i + 1 < len && s[i + 1] == '=')
					{
						t.verb = B_LE;
						i++;
					}
					else if (c == '>' && i + 1 < len && s[i + 1] == '=')
					{
						t.verb = B_GE;
						i++;
					}
					else if (c == ':' && i + 1 < len && s[i + 1] == ':')
					{
						/* :: identity or global assignment */
						t.verb = 0;
						t.colon = true;
						i++;
					}
					if (c != ':' && i + 1 < len && s[i + 1] == ':' &&
						!(i + 2 < len && s[i + 2] == ':'))
					{
						t.colon = true;
						i++;
					}
				}
		}
		i++;
		t.end = (int) i;
		push_tok(P, t);
	}
	{
		Tok			t;

		memset(&t, 0, sizeof(t));
		t.type = T_EOF;
		t.pos = t.end = (int) len;
		push_tok(P, t);
	}
}

/* ----------------------------------------------------------------
 * Parser
 * ----------------------------------------------------------------
 */
static QNode *parse_expr(Parser *P, int stop);
static QNode *parse_seq(Parser *P, TokType end);

static Tok *
peek(Parser *P)
{
	return &P->toks[P->p];
}

static bool
is_stop_word(Tok *t, int stop)
{
	if (t->type != T_NAME)
		return false;
	if ((stop & STOP_BY) && strcmp(t->text, "by") == 0)
		return true;
	if ((stop & STOP_FROM) && strcmp(t->text, "from") == 0)
		return true;
	if ((stop & STOP_WHERE) && strcmp(t->text, "where") == 0)
		return true;
	return false;
}

static bool
at_end(Parser *P, int stop)
{
	Tok		   *t = peek(P);

	switch (t->type)
	{
		case T_EOF:
		case T_SEMI:
		case T_RPAREN:
		case T_RBRACK:
		case T_RBRACE:
			return true;
		case T_VERB:
			return (stop & STOP_COMMA) && t->verb == B_JOIN && !t->colon;
		case T_NAME:
			return is_stop_word(t, stop);
		default:
			return false;
	}
}

static void
expect(Parser *P, TokType tt, const char *what)
{
	if (peek(P)->type != tt)
		q_err(what);
	P->p++;
}

/* binary keywords usable infix, as q's own operators */
static const struct
{
	const char *name;
	int			idx;
}			infix_words[] =
{
	{"in", B_IN}, {"within", B_WITHIN}, {"like", B_LIKE}, {"and", B_AND},
	{"or", B_OR}, {"div", B_DIV}, {"mod", B_MOD}, {"xbar", B_XBAR},
	{"xasc", B_XASC}, {"xdesc", B_XDESC}, {"sublist", B_SUBLIST},
	{"insert", B_INSERT}, {"upsert", B_UPSERT}, {"xkey", B_XKEY},
	{"except", B_EXCEPT}, {"inter", B_INTER}, {"union", B_UNION},
	{"each", B_EACH}, {"over", B_OVER}, {"scan", B_SCAN}, {"cross", B_CROSS},
	{"xcol", B_XCOL}, {"xcols", B_XCOLS}, {"vs", B_VS}, {"sv", B_SV},
	{"set", B_SET}, {"cut", B_CUT}, {"rotate", B_ROTATE}, {"xexp", B_XEXP},
	{"xlog", B_XLOG}, {"bin", B_BIN}, {"binr", B_BINR}, {"ss", B_SS},
	{"wavg", B_WAVG}, {"wsum", B_WSUM}, {"xgroup", B_XGROUP},
	{"mavg", B_MAVG}, {"msum", B_MSUM}, {"mmax", B_MMAX}, {"mmin", B_MMIN},
	{"mcount", B_MCOUNT}, {"xprev", B_XPREV}, {"prior", B_PRIOR}, {"lj", B_LJ},
	{"ij", B_IJ}, {"uj", B_UJ}, {"ssr", B_SSR}, {"fby", B_FBY},
	{NULL, 0}
};

static int
infix_index(const char *name)
{
	int			i;

	for (i = 0; infix_words[i].name; i++)
		if (strcmp(infix_words[i].name, name) == 0)
			return infix_words[i].idx;
	return -1;
}

static QNode *
verb_node(int type, int idx)
{
	QNode	   *n = q_node_const(kipc_new_primitive(type, (uint8_t) idx));

	n->is_verb = type == KIPC_T_BINARY;
	return n;
}

/* parse "[a;b;;c]" after the '[' has been seen; returns args (NULL=elided) */
static QNode **
parse_args(Parser *P, int *nargs)
{
	QNode	  **args = NULL;
	int			n = 0,
				cap = 0;

	for (;;)
	{
		QNode	   *e = parse_expr(P, 0);

		if (n == cap)
		{
			int			oldcap = cap;
			
			cap = cap ? cap * 2 : 4;
			args = q_pgrow(args, sizeof(QNode *) * oldcap, sizeof(QNode *) * cap);
		}
		args[n++] = e;
		if (peek(P)->type == T_SEMI)
		{
			P->p++;
			continue;
		}
		expect(P, T_RBRACK, "]");
		break;
	}
	*nargs = n;
	return args;
}

static QNode *
make_apply(QNode *f, QNode **args, int nargs)
{
	QNode	   *a = q_node(N_APPLY, nargs + 1);
	int			i;

	a->kids[0] = f;
	for (i = 0; i < nargs; i++)
		a->kids[i + 1] = args[i];
	return a;
}

/* find the offset of the '}' matching the '{' at token index */
static int
match_brace(Parser *P, int tk)
{
	int			d = 0,
				i;

	for (i = tk; i < P->ntoks; i++)
	{
		if (P->toks[i].type == T_LBRACE)
			d++;
		else if (P->toks[i].type == T_RBRACE && --d == 0)
			return i;
	}
	q_err("{");
}

static QLambda *
parse_lambda_here(Parser *P)
{
	int			open = P->p;
	int			close = match_brace(P, open);
	QLambda    *L = q_palloc(sizeof(QLambda));

	L->src = q_pstrndup(P->src + P->toks[open].pos,
					   P->toks[close].end - P->toks[open].pos);
	P->p++;
	if (peek(P)->type == T_LBRACK)
	{
		P->p++;
		while (peek(P)->type != T_RBRACK)
		{
			if (peek(P)->type == T_NAME)
			{
				if (L->nparams == 8)
					q_err("params");
				L->params[L->nparams++] = peek(P)->text;
				P->p++;
			}
			else if (peek(P)->type == T_SEMI)
				P->p++;
			else
				q_err("params");
		}
		P->p++;
		if (L->nparams == 0)
		{
			/* {[] ...} is a unary function of :: */
			L->nparams = 1;
			L->params[0] = "";
		}
	}
	else
	{
		/* implicit x, y, z: highest one used decides the rank */
		int			i,
					r = 1;

		for (i = open + 1; i < close; i++)
		{
			Tok		   *t = &P->toks[i];

			if (t->type == T_NAME && t->text[1] == 0)
			{
				if (t->text[0] == 'z')
					r = 3;
				else if (t->text[0] == 'y' && r < 2)
					r = 2;
			}
			/* names inside nested lambdas belong to them */
			if (t->type == T_LBRACE)
				i = match_brace(P, i);
		}
		L->nparams = r;
		L->params[0] = "x";
		L->params[1] = "y";
		L->params[2] = "z";
	}
	L->body = parse_seq(P, T_RBRACE);
	expect(P, T_RBRACE, "}");
	return L;
}

/* qSQL: keyword already consumed */
static QNode *
parse_sql(Parser *P, QSqlKind kind)
{
	QSql	   *s = q_palloc(sizeof(QSql));
	QNode	   *n = q_node(N_QSQL, 0);
	int			cap;

	n->sql = s;
	s->kind = kind;
	if (kind == SQL_SELECT && peek(P)->type == T_LBRACK && !peek(P)->ws)
	{
		int			na;
		QNode	  **a;

		P->p++;
		a = parse_args(P, &na);
		if (na < 1 || na > 2 || !a[0] || (na == 2 && !a[1]))
			q_err("nyi");
		s->limit = a[0];
		if (na == 2)
			s->order_by = a[1];	/* select[n;>col] */
	}
	if (peek(P)->type == T_NAME && strcmp(peek(P)->text, "distinct") == 0 && kind == SQL_SELECT)
	{
		s->distinct = true;
		P->p++;
	}
	/* column phrase */
	cap = 0;
	while (!is_stop_word(peek(P), STOP_BY | STOP_FROM))
	{
		QNode	   *e = parse_expr(P, STOP_COMMA | STOP_BY | STOP_FROM);
		char	   *name = NULL;

		if (!e)
			q_err("from");
		if (e->kind == N_ASSIGN && e->op == 0 && !e->global)
		{
			name = e->name;
			e = e->kids[0];
		}
		if (s->ncols == cap)
		{
			int			oldcap = cap;
			
			cap = cap ? cap * 2 : 4;
			s->cols = q_pgrow(s->cols, sizeof(QNode *) * oldcap, sizeof(QNode *) * cap);
			s->colnames = q_pgrow(s->colnames, sizeof(char *) * oldcap, sizeof(char *) * cap);
		}
		s->cols[s->ncols] = e;
		s->colnames[s->ncols] = name;
		s->ncols++;
		if (peek(P)->type == T_VERB && peek(P)->verb == B_JOIN)
			P->p++;
		else
			break;
	}
	if (peek(P)->type == T_NAME && strcmp(peek(P)->text, "by") == 0)
	{
		P->p++;
		cap = 0;
		if (kind == SQL_DELETE)
			q_err("nyi");
		while (!is_stop_word(peek(P), STOP_FROM))
		{
			QNode	   *e = parse_expr(P, STOP_COMMA | STOP_FROM);
			char	   *name = NULL;

			if (!e)
				q_err("from");
			if (e->kind == N_ASSIGN && e->op == 0 && !e->global)
			{
				name = e->name;
				e = e->kids[0];
			}
			if (s->nby == cap)
			{
				int			oldcap = cap;
				
				cap = cap ? cap * 2 : 4;
				s->by = q_pgrow(s->by, sizeof(QNode *) * oldcap, sizeof(QNode *) * cap);
				s->bynames = q_pgrow(s->bynames, sizeof(char *) * oldcap, sizeof(char *) * cap);
			}
			s->by[s->nby] = e;
			s->bynames[s->nby] = name;
			s->nby++;
			if (peek(P)->type == T_VERB && peek(P)->verb == B_JOIN)
				P->p++;
			else
				break;
		}
	}
	if (!(peek(P)->type == T_NAME && strcmp(peek(P)->text, "from") == 0))
		q_err("from");
	P->p++;
	s->from = parse_expr(P, STOP_WHERE);
	if (!s->from)
		q_err("from");
	if (peek(P)->type == T_NAME && strcmp(peek(P)->text, "where") == 0)
	{
		P->p++;
		cap = 0;
		for (;;)
		{
			QNode	   *e = parse_expr(P, STOP_COMMA);

			if (!e)
				q_err("where");
			if (s->nwhere == cap)
			{
				int			oldcap = cap;
				
				cap = cap ? cap * 2 : 4;
				s->where = q_pgrow(s->where, sizeof(QNode *) * oldcap, sizeof(QNode *) * cap);
			}
			s->where[s->nwhere++] = e;
			if (peek(P)->type == T_VERB && peek(P)->verb == B_JOIN)
				P->p++;
			else
				break;
		}
	}
	if (kind == SQL_DELETE)
	{
		int			i;

		if (s->ncols > 0 && s->nwhere > 0)
			q_err("nyi");
		for (i = 0; i < s->ncols; i++)
			if (s->cols[i]->kind != N_VAR)
				q_err("nyi");
	}
	return n;
}

/* "([k:..] c:..; ..)" after "(" when '[' follows */
static QNode *
parse_table_literal(Parser *P)
{
	QNode	  **keys;
	int			nk;
	QNode	   *n;
	QNode	  **cols = NULL;
	int			nc = 0,
				cap = 0,
				i;

	P->p++;						/* '[' */
	if (peek(P)->type == T_RBRACK)
	{
		P->p++;
		keys = NULL;
		nk = 0;
	}
	else
		keys = parse_args(P, &nk);
	while (peek(P)->type != T_RPAREN)
	{
		QNode	   *e = parse_expr(P, 0);

		if (nc == cap)
		{
			int			oldcap = cap;
			
			cap = cap ? cap * 2 : 4;
			cols = q_pgrow(cols, sizeof(QNode *) * oldcap, sizeof(QNode *) * cap);
		}
		if (!e)
			q_err("nyi");
		cols[nc++] = e;
		if (peek(P)->type == T_SEMI)
			P->p++;
		else if (peek(P)->type != T_RPAREN)
			q_err(")");
	}
	P->p++;
	/* encoded as a call of an internal constructor: kids alternate */
	n = q_node(N_LIST, nk + nc);
	n->op = nk + 1;				/* marks a table literal; op-1 = key count */
	for (i = 0; i < nk; i++)
		n->kids[i] = keys[i];
	for (i = 0; i < nc; i++)
		n->kids[nk + i] = cols[i];
	return n;
}

/* a noun or verb with its postfix brackets and iterators */
static QNode *
parse_term(Parser *P, int stop)
{
	Tok		   *t = peek(P);
	QNode	   *n = NULL;

	switch (t->type)
	{
		case T_LIT:
			P->p++;
			n = q_node_const(kipc_ref(t->val));
			break;
		case T_NAME:
			{
				int			bi;

				P->p++;
				if (strcmp(t->text, "select") == 0)
					return parse_sql(P, SQL_SELECT);
				if (strcmp(t->text, "exec") == 0)
					return parse_sql(P, SQL_EXEC);
				if (strcmp(t->text, "update") == 0)
					return parse_sql(P, SQL_UPDATE);
				if (strcmp(t->text, "delete") == 0)
					return parse_sql(P, SQL_DELETE);
				if ((strcmp(t->text, "if") == 0 || strcmp(t->text, "do") == 0 ||
					 strcmp(t->text, "while") == 0) && peek(P)->type == T_LBRACK)
				{
					int			na,
								i;
					QNode	  **a;

					P->p++;
					a = parse_args(P, &na);
					n = q_node(t->text[0] == 'i' ? N_IF : t->text[0] == 'd' ? N_DO : N_WHILE, na);
					for (i = 0; i < na; i++)
						n->kids[i] = a[i];
					return n;
				}
				bi = infix_index(t->text);
				if (bi >= 0)
					n = verb_node(KIPC_T_BINARY, bi);
				else
				{
					n = q_node(N_VAR, 0);
					n->name = t->text;
				}
				break;
			}
		case T_VERB:
			P->p++;
			if (t->verb == 0 && t->colon)
			{
				/* :: generic null */
				n = q_node_const(kipc_new_identity());
				break;
			}
			if (t->colon)
			{
				/* "#:" style unary form */
				n = verb_node(KIPC_T_UNARY, t->verb);
				n->is_verb = true;
				break;
			}
			/* $[c;a;b] cond */
			if (t->verb == B_CAST && peek(P)->type == T_LBRACK && !peek(P)->ws)
			{
				int			na,
							i;
				QNode	  **a;

				P->p++;
				a = parse_args(P, &na);
				if (na >= 3)
				{
					n = q_node(N_COND, na);
					for (i = 0; i < na; i++)
						n->kids[i] = a[i];
				}
				else
				{
					n = make_apply(verb_node(KIPC_T_BINARY, B_CAST), a, na);
				}
				break;
			}
			n = verb_node(KIPC_T_BINARY, t->verb);
			break;
		case T_LPAREN:
			P->p++;
			if (peek(P)->type == T_LBRACK)
				n = parse_table_literal(P);
			else if (peek(P)->type == T_RPAREN)
			{
				P->p++;
				n = q_node_const(kipc_new_list(0));
			}
			else
			{
				QNode	  **items = NULL;
				int			ni = 0,
							cap = 0;

				for (;;)
				{
					QNode	   *e = parse_expr(P, 0);

					if (ni == cap)
					{
						int			oldcap = cap;
						
						cap = cap ? cap * 2 : 4;
						items = q_pgrow(items, sizeof(QNode *) * oldcap, sizeof(QNode *) * cap);
					}
					items[ni++] = e;
					if (peek(P)->type == T_SEMI)
					{
						P->p++;
						continue;
					}
					expect(P, T_RPAREN, ")");
					break;
				}
				if (ni == 1)
				{
					n = items[0];
					if (!n)
						n = q_node_const(kipc_new_identity());
					else if (n->is_verb && n->kind == N_CONST)
					{
						/* (+) is a noun */
						QNode	   *c = q_node_const(kipc_ref(n->val));

						n = c;
					}
					else if (n->kind == N_DERIVED || n->kind == N_QSQL)
					{
						/* (f') and (select ..) are nouns: the expression
						 * goes on after the ')' */
						QNode	   *w = q_node(N_SEQ, 1);

						w->kids[0] = n;
						n = w;
					}
				}
				else
				{
					int			i;

					n = q_node(N_LIST, ni);
					for (i = 0; i < ni; i++)
						n->kids[i] = items[i];
				}
			}
			break;
		case T_LBRACE:
			n = q_node(N_LAMBDA, 0);
			n->lam = parse_lambda_here(P);
			break;
		default:
			q_errf("%s", t->type == T_RBRACK ? "]" : t->type == T_ADVERB ? "'" : "parse");
	}
	/* postfix: brackets and iterators */
	for (;;)
	{
		t = peek(P);
		if (t->type == T_LBRACK)
		{
			int			na;
			QNode	  **a;

			P->p++;
			a = parse_args(P, &na);
			n = make_apply(n, a, na);
			continue;
		}
		if (t->type == T_ADVERB)
		{
			QNode	   *d = q_node(N_DERIVED, 1);

			P->p++;
			d->kids[0] = n;
			d->op = t->verb;
			d->is_verb = true;
			n = d;
			continue;
		}
		break;
	}
	return n;
}

/*
 * Does a derived function start here: a lambda or a name with an iterator
 * straight after it ({x*2}/ or f/)?  Between two nouns it is used infix,
 * as in 3 {x*2}/ 1 (do) or 0 f/ list (fold).
 */
static bool
derived_follows(Parser *P)
{
	Tok		   *t = peek(P);
	int			i = P->p;

	if (t->type == T_NAME && infix_index(t->text) < 0 &&
		!is_stop_word(t, STOP_BY | STOP_FROM | STOP_WHERE))
		i = P->p + 1;
	else if (t->type == T_LBRACE)
		i = match_brace(P, P->p) + 1;
	else
		return false;
	return i < P->ntoks && P->toks[i].type == T_ADVERB;
}

static QNode *
parse_expr(Parser *P, int stop)
{
	QNode	   *left;
	Tok		   *t;

	if (at_end(P, stop))
		return NULL;
	t = peek(P);
	if (t->type == T_SIGNAL)
	{
		QNode	   *s = q_node(N_SIGNAL, 1);

		P->p++;
		s->kids[0] = parse_expr(P, stop);
		if (!s->kids[0])
			q_err("'");
		return s;
	}
	if (t->type == T_VERB && t->verb == 0 && !t->colon)
	{
		/* :x return */
		QNode	   *r = q_node(N_RETURN, 1);

		P->p++;
		r->kids[0] = parse_expr(P, stop);
		return r;
	}
	left = parse_term(P, stop);
	if (left->kind == N_QSQL)
		return left;
	t = peek(P);
	if (left->is_verb)
	{
		QNode	   *rhs;

		if (at_end(P, stop))
			return left;
		/* a verb used monadically: its unary form */
		rhs = parse_expr(P, stop);
		if (left->kind == N_CONST && left->val->type == KIPC_T_BINARY &&
			left->val->a.g < 20)
		{
			QNode	   *u = verb_node(KIPC_T_UNARY, left->val->a.g);

			u->is_verb = false;
			return make_apply(u, &rhs, 1);
		}
		return make_apply(left, &rhs, 1);
	}
	/* assignment */
	if (t->type == T_VERB && t->verb == 0 && left->kind == N_VAR)
	{
		QNode	   *a = q_node(N_ASSIGN, 1);

		P->p++;
		a->name = left->name;
		a->global = t->colon;
		a->kids[0] = parse_expr(P, stop);
		if (!a->kids[0])
			a->kids[0] = q_node_const(kipc_new_identity());
		return a;
	}
	if (t->type == T_VERB && t->verb == 0 && left->kind == N_APPLY &&
		left->kids[0]->kind == N_VAR)
	{
		/* x[i]:v */
		QNode	   *a = q_node(N_IASSIGN, left->n);
		int			i;

		P->p++;
		a->name = left->kids[0]->name;
		a->kids[0] = parse_expr(P, stop);
		for (i = 1; i < left->n; i++)
			a->kids[i] = left->kids[i];
		return a;
	}
	if (t->type == T_VERB && t->colon && t->verb != 0 && left->kind == N_VAR)
	{
		/* x+:y */
		QNode	   *a = q_node(N_ASSIGN, 1);

		P->p++;
		a->name = left->name;
		a->op = t->verb;
		a->kids[0] = parse_expr(P, stop);
		return a;
	}
	if (at_end(P, stop))
		return left;
	if (t->type == T_VERB || t->type == T_ADVERB ||
		(t->type == T_NAME && infix_index(t->text) >= 0) || derived_follows(P))
	{
		QNode	   *v = parse_term(P, stop);
		QNode	   *args[2];

		if (!v->is_verb)
		{
			/* e.g. a verb with brackets: juxtaposition */
			QNode	   *rhs = v;
			QNode	   *a;

			if (!at_end(P, stop))
			{
				QNode	   *r2 = parse_expr(P, stop);

				rhs = make_apply(v, &r2, 1);
			}
			a = make_apply(left, &rhs, 1);
			return a;
		}
		args[0] = left;
		args[1] = at_end(P, stop) ? NULL : parse_expr(P, stop);
		return make_apply(v, args, 2);
	}
	{
		/* juxtaposition: left applied to everything on its right */
		QNode	   *rhs = parse_expr(P, stop);

		return make_apply(left, &rhs, 1);
	}
}

static QNode *
parse_seq(Parser *P, TokType end)
{
	QNode	  **st = NULL;
	int			n = 0,
				cap = 0,
				i;
	QNode	   *s;

	for (;;)
	{
		QNode	   *e;

		if (peek(P)->type == end)
			break;
		e = parse_expr(P, 0);
		if (n == cap)
		{
			int			oldcap = cap;
			
			cap = cap ? cap * 2 : 8;
			st = q_pgrow(st, sizeof(QNode *) * oldcap, sizeof(QNode *) * cap);
		}
		st[n++] = e ? e : q_node(N_NIL, 0);
		if (peek(P)->type == T_SEMI)
		{
			P->p++;
			if (peek(P)->type == end)
			{
				/* trailing ';' makes the result :: */
				if (n == cap)
				{
					int			oldcap = cap;
					
					cap *= 2;
					st = q_pgrow(st, sizeof(QNode *) * oldcap, sizeof(QNode *) * cap);
				}
				st[n++] = q_node(N_NIL, 0);
			}
			continue;
		}
		if (peek(P)->type == end)
			break;
		switch (peek(P)->type)
		{
			case T_RPAREN: q_err(")");
			case T_RBRACK: q_err("]");
			case T_RBRACE: q_err("}");
			default: q_err("parse");
		}
	}
	s = q_node(N_SEQ, n);
	for (i = 0; i < n; i++)
		s->kids[i] = st[i];
	return s;
}

QNode *
q_parse(const char *src, size_t len)
{
	Parser		P;
	QNode	   *n;

	memset(&P, 0, sizeof(P));
	P.src = src;
	P.len = len;
	lex(&P);
	n = parse_seq(&P, T_EOF);
	return n;
}

QLambda *
q_parse_lambda(const char *src, size_t len)
{
	Parser		P;
	QLambda    *L;
	QArena	   *a = q_arena_push();

	memset(&P, 0, sizeof(P));
	P.src = src;
	P.len = len;
	lex(&P);
	if (peek(&P)->type != T_LBRACE)
		q_err("bad lambda");
	L = parse_lambda_here(&P);
	if (peek(&P)->type != T_EOF)
		q_err("bad lambda");
	L->arena = q_arena_detach(a);
	return L;
}
