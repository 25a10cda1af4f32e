/*-------------------------------------------------------------------------
 *
 * expr.c
 *		  Value expressions as q parse trees: arithmetic, COALESCE, CASE,
 *		  upper/lower, and the comparisons between them.
 *
 * A value expression over the columns of one foreign table becomes a q
 * parse tree of built-ins (+ - * % neg ^ ?[;;] upper lower ...) whose
 * constants are scan arguments (typed q values, never q text).  The tree is
 * evaluated by q per row, as a column would be, so the same tree serves as a
 * where subphrase, a by-phrase key or the argument of a built-in aggregate;
 * on a partitioned table kdb+ evaluates it partition by partition, which is
 * right for per-row values.
 *
 * The tree's value is exact where PostgreSQL's value is a value:
 *	- the q value is the q null of its type exactly where the SQL value is
 *	  NULL (SQL's operators are strict; q's float arithmetic propagates NaN,
 *	  its null; COALESCE is q's fill ^, CASE the vector conditional ?[;;]);
 *	- integer arithmetic (smallint, integer) is done in q floats: every
 *	  operand and every exact result in the integer range is a float
 *	  exactly, and a result outside that range is outside it as a float too
 *	  (rounding is monotonic and the bounds are floats), so the range check
 *	  PostgreSQL makes can be made in q; integer division truncates toward
 *	  zero (q's div floors): t - signum(t) * (abs t) mod 1 of the float
 *	  quotient, which for operands below 2^31 is never rounded onto an
 *	  integer; bigint arithmetic (beyond 2^53) is not translated;
 *	- float arithmetic is IEEE double arithmetic in both (q's tolerance
 *	  applies to comparisons only: they are made through the sign of a
 *	  difference, and only 0 is tolerantly equal to 0);
 *	- text constants become symbols, never the empty one (q's null
 *	  symbol is SQL's NULL, '' is not); upper and lower only under the C
 *	  collation, where PostgreSQL maps ASCII letters only, as q does.
 *
 * Where PostgreSQL raises an error for a row (integer out of range, float
 * overflow or underflow, division by zero, a q integer infinity read as an
 * operand) or computes a value q cannot hold (NaN from infinities, which is
 * q's null), the row is a "hazard": the tree list QipcExpr.hazards says
 * where (each tree true on such rows, scoped to the rows on which
 * PostgreSQL would evaluate that part: a CASE branch only where it is
 * taken, a COALESCE argument only after nulls).  The caller decides what to
 * do with them: a WHERE condition is sent as a superset (the condition or a
 * hazard) and checked again by PostgreSQL, which then raises the error or
 * computes the value itself.  An aggregation (upper.c) may instead check
 * them by group (QipcExpr.bound and gchecks: magnitude bounds over the
 * per-group max and min of the columns read), testing rows only in the
 * rare groups that may hold a hazard; elsewhere an expression with hazards
 * is not pushed.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/expr.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/transam.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/pg_locale.h"

#include "qipc_fdw.h"

static bool deparse_value(QipcExprCxt *cxt, Expr *e, char want,
						  QipcExpr *out);

/* register a scan argument; while only probing a type (dry), none */
static int
add_arg(QipcExprCxt *cxt, Expr *value, int conv)
{
	if (cxt->dry > 0)
		return 0;
	return cxt->add_arg(cxt->arg, value, conv);
}
static bool deparse_bool(QipcExprCxt *cxt, Expr *e, bool want_true,
						 QipcExpr *out);

/* q literals of the typed nulls (fixed q syntax, not values) */
static const char *
null_literal(char qt)
{
	switch (qt)
	{
		case 'h':
			return "0Nh";
		case 'i':
			return "0Ni";
		case 'j':
			return "0N";
		case 'e':
			return "0Ne";
		case 'f':
			return "0n";
		case 's':
			return "(enlist`$\"\")";
		default:
			return NULL;
	}
}

/* the parse tree "x is null" for values of q type qt */
static char *
null_test(char qt, const char *x)
{
	if (qt == 's')
		return psprintf("(=;%s;(enlist`$\"\"))", x);
	return psprintf("(null;%s)", x);
}

static bool
is_int_type(Oid t)
{
	return t == INT2OID || t == INT4OID || t == INT8OID;
}

static bool
is_text_type(Oid t)
{
	return t == TEXTOID || t == VARCHAROID;
}

/* add group check c to out's (once) */
static void
add_gcheck(QipcExpr *out, char *c)
{
	ListCell   *lc;

	foreach(lc, out->gchecks)
	{
		if (strcmp((char *) lfirst(lc), c) == 0)
			return;
	}
	out->gchecks = lappend(out->gchecks, c);
}

/* add sub's hazards to out's, each restricted to the rows of mask (or all) */
static void
take_hazards(QipcExpr *out, const QipcExpr *sub, const char *mask)
{
	ListCell   *lc;

	foreach(lc, sub->hazards)
	{
		char	   *h = (char *) lfirst(lc);

		out->hazards = lappend(out->hazards,
							   mask ? psprintf("(&;%s;%s)", mask, h) : h);
	}
	foreach(lc, sub->nan_hazards)
	{
		char	   *h = (char *) lfirst(lc);

		out->nan_hazards = lappend(out->nan_hazards,
								   mask ? psprintf("(&;%s;%s)", mask, h) : h);
	}
	foreach(lc, sub->uf_hazards)
	{
		char	   *h = (char *) lfirst(lc);

		out->uf_hazards = lappend(out->uf_hazards,
								  mask ? psprintf("(&;%s;%s)", mask, h) : h);
	}
	/* group checks are not scoped: a check true for more groups is safe */
	foreach(lc, sub->gchecks)
		add_gcheck(out, (char *) lfirst(lc));
	out->hkinds |= sub->hkinds;
}

static void
init_out(QipcExpr *out)
{
	memset(out, 0, sizeof(*out));
}

/* a finite double as a q float literal (q reads no "e+") */
static char *
float_literal(double d)
{
	char		buf[64];
	char	   *p;
	StringInfoData b;

	snprintf(buf, sizeof(buf), "%.17g", d);
	initStringInfo(&b);
	for (p = buf; *p; p++)
		if (!(*p == '+' && p > buf && p[-1] == 'e'))
			appendStringInfoChar(&b, *p);
	if (strpbrk(b.data, ".e") == NULL)
		appendStringInfoChar(&b, 'f');
	return b.data;
}

/*
 * A constant or parameter as a scan argument in q type want ('\0': its
 * natural one).  Integer constants must fit the q type and be none of its
 * null and infinities; float constants must be finite; text is a
 * non-empty symbol.  Parameters only where any value is exact: integers
 * sent as floats, through PostgreSQL's own cast.
 */
static bool
deparse_leaf_value(QipcExprCxt *cxt, Expr *e, char want, QipcExpr *out)
{
	Oid			t = exprType((Node *) e);
	int			a;

	init_out(out);
	out->type = t;

	if (IsA(e, Param))
	{
		Param	   *p = (Param *) e;
		FuncExpr   *f;

		if (p->paramkind != PARAM_EXTERN && p->paramkind != PARAM_EXEC)
			return false;
		if (want != 'f' || (t != INT2OID && t != INT4OID))
			return false;
		/* float8(int): an exact conversion, evaluated with the parameter */
		f = makeFuncExpr(t == INT2OID ? F_FLOAT8_INT2 : F_FLOAT8_INT4,
						 FLOAT8OID, list_make1(copyObject(e)), InvalidOid,
						 InvalidOid, COERCE_EXPLICIT_CAST);
		a = add_arg(cxt, (Expr *) f, QIPC_CONV_NATURAL);
		out->tree = psprintf("a%d", a);
		out->qt = 'f';
		out->nullable = true;
		out->is_const = true;
		out->no_tiny = true;	/* an integer; its bound is unknown */
		return a >= 0;
	}

	if (!IsA(e, Const))
		return false;
	{
		Const	   *k = (Const *) e;
		Const	   *c = NULL;

		if (k->constisnull)
		{
			/* a typed null: q's null literal of the type */
			char		qt = want;

			if (qt == '\0')
			{
				if (t == INT2OID)
					qt = 'h';
				else if (t == INT4OID)
					qt = 'i';
				else if (t == INT8OID)
					qt = 'j';
				else if (t == FLOAT8OID)
					qt = 'f';
				else if (is_text_type(t))
					qt = 's';
			}
			if (null_literal(qt) == NULL)
				return false;
			out->tree = pstrdup(null_literal(qt));
			out->qt = qt;
			out->nullable = true;
			out->is_const = true;
			out->bound = pstrdup("0f");
			out->no_tiny = true;
			return true;
		}

		if (is_int_type(t))
		{
			int64		v = t == INT2OID ? DatumGetInt16(k->constvalue) :
				t == INT4OID ? DatumGetInt32(k->constvalue) :
				DatumGetInt64(k->constvalue);

			if (want == '\0')
				want = t == INT2OID ? 'h' : t == INT4OID ? 'i' : 'j';
			switch (want)
			{
				case 'h':
					if (v <= -32767 || v >= 32767)
						return false;
					c = makeConst(INT2OID, -1, InvalidOid, 2,
								  Int16GetDatum((int16) v), false, true);
					break;
				case 'i':
					if (v <= -(int64) PG_INT32_MAX || v >= PG_INT32_MAX)
						return false;
					c = makeConst(INT4OID, -1, InvalidOid, 4,
								  Int32GetDatum((int32) v), false, true);
					break;
				case 'j':
					if (v <= -PG_INT64_MAX || v >= PG_INT64_MAX)
						return false;
					c = makeConst(INT8OID, -1, InvalidOid, 8,
								  Int64GetDatum(v), false, FLOAT8PASSBYVAL);
					break;
				case 'f':
					if (v < -((int64) 1 << 53) || v > ((int64) 1 << 53))
						return false;
					c = makeConst(FLOAT8OID, -1, InvalidOid, 8,
								  Float8GetDatum((double) v), false,
								  FLOAT8PASSBYVAL);
					break;
				default:
					return false;
			}
		}
		else if (t == FLOAT8OID || t == FLOAT4OID)
		{
			double		d = t == FLOAT8OID ? DatumGetFloat8(k->constvalue) :
				(double) DatumGetFloat4(k->constvalue);

			if (isnan(d) || isinf(d) || (want != '\0' && want != 'f'))
				return false;
			want = 'f';
			c = makeConst(FLOAT8OID, -1, InvalidOid, 8, Float8GetDatum(d),
						  false, FLOAT8PASSBYVAL);
		}
		else if (is_text_type(t))
		{
			char	   *s = TextDatumGetCString(k->constvalue);

			if (s[0] == '\0' || (want != '\0' && want != 's'))
				return false;
			a = add_arg(cxt, e, QIPC_CONV_SYMBOL);
			if (a < 0)
				return false;
			out->tree = psprintf("(enlist a%d)", a);
			out->qt = 's';
			out->is_const = true;
			return true;
		}
		else
			return false;

		a = add_arg(cxt, (Expr *) c, QIPC_CONV_NATURAL);
		if (a < 0)
			return false;
		out->tree = psprintf("a%d", a);
		out->qt = want;
		out->is_const = true;
		out->has_cval = true;
		out->cval = c->consttype == FLOAT8OID ? DatumGetFloat8(c->constvalue) :
			c->consttype == INT2OID ? DatumGetInt16(c->constvalue) :
			c->consttype == INT4OID ? DatumGetInt32(c->constvalue) :
			(double) DatumGetInt64(c->constvalue);
		out->bound = float_literal(fabs(out->cval));
		out->no_tiny = (fabs(out->cval) >= 1.0 || out->cval == 0.0);
		return true;
	}
}

/* the q type letter a column's values have, for its declared type, or 0 */
static char
column_qtype(QipcExprCxt *cxt, Var *var, char **sym)
{
	char		qt = cxt->column(cxt->arg, var, sym);

	switch (qt)
	{
		case 'h':
			return is_int_type(var->vartype) ? qt : '\0';
		case 'i':
			return (var->vartype == INT4OID || var->vartype == INT8OID) ? qt : '\0';
		case 'j':
			return var->vartype == INT8OID ? qt : '\0';
		case 'e':
			return (var->vartype == FLOAT4OID || var->vartype == FLOAT8OID) ? qt : '\0';
		case 'f':
			return var->vartype == FLOAT8OID ? qt : '\0';
		case 's':
			return is_text_type(var->vartype) ? qt : '\0';
		default:
			return '\0';
	}
}

/*
 * As a float: an integer value (a q short, int or long) cast with "f"$,
 * which keeps nulls; a q integer infinity would become a finite float, so
 * the rows holding one are hazards (PostgreSQL cannot read them, 22003).
 * Longs only while exact (not sent for bigint arithmetic).
 */
static bool
as_float_hz(QipcExpr *v, bool hz)
{
	const char *inf;

	if (v->qt == 'f')
		return true;
	if (v->qt == 'e')
	{
		/* real -> double precision is exact; so is q's "f"$ */
		v->tree = psprintf("($;\"f\";%s)", v->tree);
		v->qt = 'f';
		return true;
	}
	inf = v->qt == 'h' ? "0Wh" : v->qt == 'i' ? "0Wi" :
		(v->qt == 'j' && v->from_int8_cast) ? "0W" : NULL;
	if (inf == NULL)
		return false;
	if (v->leaf_col && hz)
	{
		v->hazards = lappend(v->hazards,
							 psprintf("(=;(abs;%s);%s)", v->tree, inf));
		v->hkinds |= QIPC_HZ_ERROR;
	}
	else if (!v->is_const && !v->leaf_col)
		return false;
	v->tree = psprintf("($;\"f\";%s)", v->tree);
	v->qt = 'f';
	return true;
}

static bool
as_float(QipcExpr *v)
{
	return as_float_hz(v, true);
}

/*
 * Binary arithmetic + - * / and unary minus on smallint/integer (computed
 * in floats, see the file header) and double precision.
 */
static bool
deparse_arith(QipcExprCxt *cxt, OpExpr *op, const char *name, QipcExpr *out)
{
	Oid			rt = op->opresulttype;
	QipcExpr	l;
	QipcExpr	r;
	char	   *L;
	char	   *R;
	char	   *v;
	bool		intres = (rt == INT2OID || rt == INT4OID);
	char	   *nonnull;
	char	   *bound;

	if (!intres && rt != FLOAT8OID)
		return false;
	if (list_length(op->args) == 1)
	{
		Expr	   *arg = linitial(op->args);

		if (strcmp(name, "-") != 0 || exprType((Node *) arg) != rt)
			return false;
		if (!deparse_value(cxt, arg, 'f', &l) || !as_float(&l))
			return false;
		init_out(out);
		take_hazards(out, &l, NULL);
		out->tree = psprintf("(neg;%s)", l.tree);
		out->qt = 'f';
		out->type = rt;
		out->nullable = l.nullable;
		out->bound = l.bound;
		out->no_tiny = l.no_tiny;
		if (intres)
		{
			/* -(-32768) and -(-2147483648) are out of range */
			out->hazards = lappend(out->hazards,
								   psprintf("(>;%s;%s)", out->tree,
											rt == INT2OID ? "32767f" : "2147483647f"));
			out->hkinds |= QIPC_HZ_ERROR;
			if (l.bound)
				add_gcheck(out, psprintf("(%s<%s)",
										 rt == INT2OID ? "32767f" : "2147483647f",
										 l.bound));
		}
		if (l.bound == NULL && cxt->dry == 0)
			cxt->nobound = true;
		return true;
	}
	if (list_length(op->args) != 2)
		return false;
	{
		Oid			lt = exprType(linitial(op->args));
		Oid			rgt = exprType(lsecond(op->args));

		if (intres)
		{
			if (!(lt == INT2OID || lt == INT4OID) ||
				!(rgt == INT2OID || rgt == INT4OID))
				return false;
		}
		else if (lt != FLOAT8OID || rgt != FLOAT8OID)
			return false;
	}
	if (!deparse_value(cxt, linitial(op->args), 'f', &l) || !as_float(&l) ||
		!deparse_value(cxt, lsecond(op->args), 'f', &r) || !as_float(&r))
		return false;

	init_out(out);
	take_hazards(out, &l, NULL);
	take_hazards(out, &r, NULL);
	out->qt = 'f';
	out->type = rt;
	out->nullable = l.nullable || r.nullable;
	L = l.tree;
	R = r.tree;
	nonnull = psprintf("(not;(|;(null;%s);(null;%s)))", L, R);

	/*
	 * The bound of the result from the operands' (rounding is monotonic, so
	 * the rounded bound bounds the rounded result); division only by a
	 * constant (any other divisor may be zero: such aggregates stay local)
	 */
	bound = NULL;
	if (l.bound && r.bound)
	{
		if (name[0] == '+' || name[0] == '-')
			bound = psprintf("(%s+%s)", l.bound, r.bound);
		else if (name[0] == '*')
			bound = psprintf("(%s*%s)", l.bound, r.bound);
		else if (r.has_cval && r.cval != 0.0)
			bound = psprintf("(%s%%%s)", l.bound, float_literal(fabs(r.cval)));
	}
	if (bound == NULL && cxt->dry == 0)
		cxt->nobound = true;
	out->bound = bound;
	if (bound)
		add_gcheck(out, intres ?
				   psprintf("(%s<%s)", rt == INT2OID ? "32767f" : "2147483647f", bound) :
				   psprintf("(1e300<%s)", bound));
	out->no_tiny = intres || (name[0] == '*' && l.no_tiny && r.no_tiny);

	switch (name[0])
	{
		case '+':
			v = psprintf("(+;%s;%s)", L, R);
			break;
		case '-':
			v = psprintf("(-;%s;%s)", L, R);
			break;
		case '*':
			v = psprintf("(*;%s;%s)", L, R);
			break;
		case '/':
			v = psprintf("(%%;%s;%s)", L, R);

			/*
			 * x/0 raises 22012 (for a float x that is not NaN: never null);
			 * never for a non-zero constant divisor
			 */
			if (!(r.has_cval && r.cval != 0.0))
			{
				out->hazards = lappend(out->hazards,
									   psprintf("(&;(not;(null;%s));(=;%s;0f))", L, R));
				out->hkinds |= QIPC_HZ_DIV0;
			}
			if (intres)
			{
				/* truncate toward zero: t - signum(t) * (abs t) mod 1 */
				v = psprintf("(-;%s;(*;(signum;%s);(mod;(abs;%s);1f)))", v, v, v);
			}
			break;
		default:
			return false;
	}
	out->tree = v;

	if (intres)
	{
		/*
		 * out of the result type's range: 22003 (q's null is below every
		 * number, and a NULL result is no error)
		 */
		out->hazards = lappend(out->hazards,
							   rt == INT2OID ?
							   psprintf("(|;(>;%s;32767f);(&;(not;(null;%s));(<;%s;-32768f)))", v, v, v) :
							   psprintf("(|;(>;%s;2147483647f);(&;(not;(null;%s));(<;%s;-2147483648f)))", v, v, v));
		out->hkinds |= QIPC_HZ_ERROR;
	}
	else
	{
		/*
		 * float8pl/mi/mul raise overflow for an infinite result of finite
		 * operands, float8mul and float8div underflow for a zero result of
		 * non-zero operands (float8div: a finite divisor); a NaN from
		 * non-null operands (infinities) is a value q holds as null.
		 */
		char	   *fin = psprintf("(&;(not;(=;0w;(abs;%s)));(not;(=;0w;(abs;%s))))", L, R);

		if (name[0] == '/')
			fin = psprintf("(not;(=;0w;(abs;%s)))", L);
		out->hazards = lappend(out->hazards,
							   psprintf("(&;(=;0w;(abs;%s));%s)", v, fin));

		/*
		 * Underflow: none when one factor is zero or at least 1 in magnitude
		 * (an integer: |x * n| >= |x|), nor for a dividend of such values and
		 * a constant divisor of magnitude at most 1
		 */
		if (name[0] == '*' && !l.no_tiny && !r.no_tiny)
		{
			char	   *h = psprintf("(&;(=;%s;0f);(&;(not;(=;%s;0f));(not;(=;%s;0f))))",
									 v, L, R);

			out->hazards = lappend(out->hazards, h);
			out->uf_hazards = lappend(out->uf_hazards, h);
		}
		else if (name[0] == '/' &&
				 !(l.no_tiny && r.has_cval && fabs(r.cval) <= 1.0))
		{
			char	   *h = psprintf("(&;(=;%s;0f);(&;(not;(=;%s;0f));(not;(=;0w;(abs;%s)))))",
									 v, L, R);

			out->hazards = lappend(out->hazards, h);
			out->uf_hazards = lappend(out->uf_hazards, h);
		}
		out->nan_hazards = lappend(out->nan_hazards,
								   psprintf("(&;(null;%s);%s)", v, nonnull));
		out->hkinds |= QIPC_HZ_ERROR | QIPC_HZ_NAN;
	}
	return true;
}

/*
 * Bring the values of the arms of a CASE or COALESCE to one q type: the
 * type of the arms that are not constants (which must agree); the
 * constants are then deparsed in it.
 */
static bool
arms_qtype(QipcExprCxt *cxt, List *arms, Oid restype, char *qt)
{
	ListCell   *lc;
	char		t = '\0';

	foreach(lc, arms)
	{
		Expr	   *e = (Expr *) lfirst(lc);
		QipcExpr	v;
		bool		ok;

		while (e && IsA(e, RelabelType))
			e = ((RelabelType *) e)->arg;
		if (IsA(e, Const))
			continue;
		cxt->dry++;
		ok = deparse_value(cxt, e, '\0', &v);
		cxt->dry--;
		if (!ok)
			return false;
		if (t != '\0' && t != v.qt)
		{
			/* integer columns of different widths: compute as floats */
			if (is_int_type(restype) && restype != INT8OID &&
				strchr("hif", t) && strchr("hif", v.qt))
				t = 'f';
			else
				return false;
		}
		else
			t = v.qt;
	}
	if (t == '\0')
	{
		/* constants only */
		if (restype == INT2OID)
			t = 'h';
		else if (restype == INT4OID)
			t = 'i';
		else if (restype == INT8OID)
			t = 'j';
		else if (restype == FLOAT8OID)
			t = 'f';
		else if (is_text_type(restype))
			t = 's';
		else
			return false;
	}
	*qt = t;
	return true;
}

/* deparse e with values of q type qt exactly (casting integers to floats) */
static bool
deparse_as(QipcExprCxt *cxt, Expr *e, char qt, QipcExpr *out)
{
	if (!deparse_value(cxt, e, qt, out))
		return false;
	if (out->qt == qt)
		return true;
	if (qt == 'f')
		return as_float(out);
	return false;
}

static bool
deparse_coalesce(QipcExprCxt *cxt, CoalesceExpr *ce, QipcExpr *out)
{
	char		qt;
	int			n = list_length(ce->args);
	QipcExpr   *vs;
	int			i;
	char	   *acc;
	char	   *stillnull = NULL;

	if (!arms_qtype(cxt, ce->args, ce->coalescetype, &qt))
		return false;
	vs = palloc(sizeof(QipcExpr) * n);
	for (i = 0; i < n; i++)
	{
		if (!deparse_as(cxt, list_nth(ce->args, i), qt, &vs[i]))
			return false;
	}
	init_out(out);
	out->qt = qt;
	out->type = ce->coalescetype;
	/* the last argument fills the nulls of those before it: x^y */
	acc = vs[n - 1].tree;
	out->nullable = vs[n - 1].nullable;
	out->bound = vs[n - 1].bound;
	out->no_tiny = vs[n - 1].no_tiny;
	for (i = n - 2; i >= 0; i--)
	{
		acc = psprintf("(^;%s;%s)", acc, vs[i].tree);
		if (!vs[i].nullable)
			out->nullable = false;
		out->bound = (out->bound && vs[i].bound) ?
			psprintf("(%s|%s)", out->bound, vs[i].bound) : NULL;
		out->no_tiny = out->no_tiny && vs[i].no_tiny;
	}
	/* argument i is evaluated where all before it are null */
	for (i = 0; i < n; i++)
	{
		take_hazards(out, &vs[i], stillnull);
		stillnull = stillnull ?
			psprintf("(&;%s;%s)", stillnull, null_test(qt, vs[i].tree)) :
			null_test(qt, vs[i].tree);
	}
	out->tree = acc;
	/* COALESCE(symbol column, 'text') as a key: by the column, then filled */
	if (n == 2 && qt == 's' && vs[0].leaf_col && vs[1].is_const &&
		vs[1].hazards == NIL && vs[0].hazards == NIL)
	{
		out->prekey = vs[0].tree;
		out->keymap = psprintf("(^;%s;%%s)", vs[1].tree);
		out->keyclash = psprintf("(any (t`%%s)=`$\"\")&any (t`%%s)=first %s",
								 vs[1].tree);
	}
	return true;
}

static bool
deparse_case(QipcExprCxt *cxt, CaseExpr *ce, QipcExpr *out)
{
	List	   *arms = NIL;
	ListCell   *lc;
	char		qt;
	QipcExpr	argv;
	QipcExpr	elsev;
	List	   *conds = NIL;
	List	   *results = NIL;
	char	   *notyet = NULL;
	char	   *acc;
	int			i;
	QipcExpr   *saved_test = cxt->casetest;

	foreach(lc, ce->args)
		arms = lappend(arms, ((CaseWhen *) lfirst(lc))->result);
	if (ce->defresult)
		arms = lappend(arms, ce->defresult);
	if (!arms_qtype(cxt, arms, ce->casetype, &qt))
		return false;

	init_out(out);
	out->qt = qt;
	out->type = ce->casetype;
	out->nullable = (ce->defresult == NULL);
	out->bound = pstrdup("0f");
	out->no_tiny = true;

	/* CASE x WHEN v ...: the WHEN clauses compare a CaseTestExpr with v */
	if (ce->arg)
	{
		if (!deparse_value(cxt, ce->arg, '\0', &argv))
			return false;
		take_hazards(out, &argv, NULL);
		cxt->casetest = &argv;
	}
	foreach(lc, ce->args)
	{
		CaseWhen   *w = (CaseWhen *) lfirst(lc);
		QipcExpr	c;
		QipcExpr	r;

		if (!deparse_bool(cxt, w->expr, true, &c) ||
			!deparse_as(cxt, w->result, qt, &r))
		{
			cxt->casetest = saved_test;
			return false;
		}
		/* the condition is evaluated where no earlier one held */
		take_hazards(out, &c, notyet);
		take_hazards(out, &r, notyet ? psprintf("(&;%s;%s)", notyet, c.tree) : c.tree);
		notyet = notyet ? psprintf("(&;%s;(not;%s))", notyet, c.tree) :
			psprintf("(not;%s)", c.tree);
		conds = lappend(conds, c.tree);
		results = lappend(results, r.tree);
		if (r.nullable)
			out->nullable = true;
		out->bound = (out->bound && r.bound) ?
			psprintf("(%s|%s)", out->bound, r.bound) : NULL;
		out->no_tiny = out->no_tiny && r.no_tiny;
	}
	cxt->casetest = saved_test;
	if (ce->defresult)
	{
		if (!deparse_as(cxt, ce->defresult, qt, &elsev))
			return false;
		take_hazards(out, &elsev, notyet);
		acc = elsev.tree;
		if (elsev.nullable)
			out->nullable = true;
		out->bound = (out->bound && elsev.bound) ?
			psprintf("(%s|%s)", out->bound, elsev.bound) : NULL;
		out->no_tiny = out->no_tiny && elsev.no_tiny;
	}
	else
	{
		if (null_literal(qt) == NULL)
			return false;
		acc = pstrdup(null_literal(qt));
	}
	for (i = list_length(conds) - 1; i >= 0; i--)
		acc = psprintf("(?;%s;%s;%s)", (char *) list_nth(conds, i),
					   (char *) list_nth(results, i), acc);
	out->tree = acc;

	/*
	 * A key whose results are distinct text constants: by the number of
	 * the branch taken (the condition itself for one WHEN), then mapped to
	 * the results
	 */
	if (qt == 's' && ce->defresult && out->hazards == NIL &&
		out->nan_hazards == NIL && cxt->dry == 0)
	{
		List	   *texts = NIL;
		ListCell   *l2;
		bool		ok = true;

		foreach(lc, arms)
		{
			Expr	   *a = (Expr *) lfirst(lc);

			while (a && IsA(a, RelabelType))
				a = ((RelabelType *) a)->arg;
			if (!IsA(a, Const) || ((Const *) a)->constisnull)
			{
				ok = false;
				break;
			}
			foreach(l2, texts)
			{
				if (strcmp((char *) lfirst(l2),
						   TextDatumGetCString(((Const *) a)->constvalue)) == 0)
					ok = false;
			}
			texts = lappend(texts, TextDatumGetCString(((Const *) a)->constvalue));
		}
		if (ok && list_length(conds) == 1)
		{
			out->prekey = (char *) linitial(conds);
			out->keymap = psprintf("(?;%%s;%s;%s)", (char *) linitial(results),
								   elsev.tree);
		}
		else if (ok)
		{
			StringInfoData m;

			acc = psprintf("%dj", list_length(conds));
			for (i = list_length(conds) - 1; i >= 0; i--)
				acc = psprintf("(?;%s;%dj;%s)", (char *) list_nth(conds, i), i, acc);
			out->prekey = acc;
			initStringInfo(&m);
			appendStringInfoString(&m, "(@;(enlist");
			foreach(l2, results)
				appendStringInfo(&m, ";%s", (char *) lfirst(l2));
			appendStringInfo(&m, ";%s);%%s)", elsev.tree);
			out->keymap = m.data;
		}
	}
	return true;
}

/*
 * upper/lower of text: under the C collation PostgreSQL maps ASCII letters
 * only, byte by byte, as q's upper and lower do on symbols.
 */
static bool
deparse_case_map(QipcExprCxt *cxt, FuncExpr *f, const char *name,
				 QipcExpr *out)
{
	QipcExpr	v;

	if (list_length(f->args) != 1 || !OidIsValid(f->inputcollid) ||
		!(f->inputcollid == C_COLLATION_OID ||
		  f->inputcollid == POSIX_COLLATION_OID))
		return false;
	if (!deparse_value(cxt, linitial(f->args), 's', &v) || v.qt != 's')
		return false;
	init_out(out);
	take_hazards(out, &v, NULL);
	out->tree = psprintf("(%s;%s)", name, v.tree);
	out->qt = 's';
	out->type = f->funcresulttype;
	out->nullable = v.nullable;
	return true;
}

static bool
deparse_value(QipcExprCxt *cxt, Expr *e, char want, QipcExpr *out)
{
	check_stack_depth();
	init_out(out);
	if (e == NULL)
		return false;

	switch (nodeTag(e))
	{
		case T_RelabelType:
			{
				RelabelType *rt = (RelabelType *) e;

				/* varchar <-> text only */
				if (!is_text_type(rt->resulttype) ||
					!is_text_type(exprType((Node *) rt->arg)))
					return false;
				return deparse_value(cxt, rt->arg, want, out);
			}
		case T_Const:
		case T_Param:
			return deparse_leaf_value(cxt, e, want, out);
		case T_Var:
			{
				Var		   *var = (Var *) e;
				char	   *sym = NULL;
				char		qt;

				if (var->varno != cxt->relid || var->varlevelsup != 0 ||
					var->varattno <= 0)
					return false;
				qt = column_qtype(cxt, var, &sym);
				if (qt == '\0')
					return false;
				/* a real column is real in PostgreSQL: no float arithmetic */
				if (qt == 'e' && var->vartype != FLOAT8OID && want == 'f')
					return false;
				out->tree = sym;
				out->qt = qt;
				out->type = var->vartype;
				out->nullable = true;
				out->leaf_col = true;
				out->no_tiny = (strchr("hij", qt) != NULL);
				if (cxt->leaf_range && strchr("hijef", qt) && cxt->dry == 0)
				{
					char	   *mx;
					char	   *mn;
					const char *inf = qt == 'h' ? "0Wh" : qt == 'i' ? "0Wi" :
						qt == 'j' ? "0W" : qt == 'e' ? "0we" : "0w";

					/*
					 * |x| <= max(|max x|, |min x|) on the group's non-null
					 * values (none: max x < min x, bound 0); an infinity
					 * (a float one, or a q integer one that PostgreSQL
					 * cannot read) makes the group suspect
					 */
					cxt->leaf_range(cxt->arg, sym, qt, &mx, &mn);
					out->bound = psprintf("(?[%s<%s;0f;\"f\"$(abs %s)|abs %s])",
										  mx, mn, mx, mn);
					add_gcheck(out, psprintf("((%s=%s)|%s=-%s)", mx, inf, mn, inf));
				}
				return true;
			}
		case T_CaseTestExpr:
			if (cxt->casetest == NULL)
				return false;
			*out = *cxt->casetest;
			out->hazards = NIL;
			out->nan_hazards = NIL;
			out->uf_hazards = NIL;
			out->gchecks = NIL;
			out->hkinds = 0;
			return true;
		case T_OpExpr:
			{
				OpExpr	   *op = (OpExpr *) e;
				char	   *name;

				if (op->opno >= FirstGenbkiObjectId)
					return false;
				name = get_opname(op->opno);
				if (name == NULL || strlen(name) != 1 || strchr("+-*/", name[0]) == NULL)
					return false;
				return deparse_arith(cxt, op, name, out);
			}
		case T_FuncExpr:
			{
				FuncExpr   *f = (FuncExpr *) e;

				switch (f->funcid)
				{
					case F_FLOAT8_INT2:
					case F_FLOAT8_INT4:
					case F_FLOAT8_INT8:
					case F_FLOAT8_FLOAT4:
						{
							QipcExpr	v;

							/*
							 * float8(bigint) rounds to nearest, as q's "f"$
							 * of a long does (both are C's conversion)
							 */
							if (!deparse_value(cxt, linitial(f->args), '\0', &v))
								return false;
							v.from_int8_cast = (f->funcid == F_FLOAT8_INT8);
							if (!as_float(&v))
								return false;
							*out = v;
							out->type = FLOAT8OID;
							out->leaf_col = false;
							out->is_const = false;
							return true;
						}
					case F_UPPER_TEXT:
						return deparse_case_map(cxt, f, "upper", out);
					case F_LOWER_TEXT:
						return deparse_case_map(cxt, f, "lower", out);
					default:
						return false;
				}
			}
		case T_CoalesceExpr:
			return deparse_coalesce(cxt, (CoalesceExpr *) e, out);
		case T_CaseExpr:
			return deparse_case(cxt, (CaseExpr *) e, out);
		default:
			return false;
	}
}

/* the comparison of two values, T(l op r) or F(l op r) */
static bool
deparse_compare(QipcExprCxt *cxt, OpExpr *op, bool want_true, QipcExpr *out)
{
	static const char *const ops[] = {"=", "<>", "<", "<=", ">", ">="};
	static const int negated[] = {1, 0, 5, 4, 3, 2};
	char	   *name;
	int			c;
	Oid			lt;
	Oid			rt;
	QipcExpr	l;
	QipcExpr	r;
	char	   *cmp = NULL;
	char	   *guard = NULL;

	if (list_length(op->args) != 2 || op->opno >= FirstGenbkiObjectId)
		return false;
	name = get_opname(op->opno);
	if (name == NULL)
		return false;
	for (c = 0; c < 6; c++)
		if (strcmp(name, ops[c]) == 0)
			break;
	if (c == 6)
		return false;
	if (!want_true)
		c = negated[c];

	lt = exprType(linitial(op->args));
	rt = exprType(lsecond(op->args));
	init_out(out);

	if (is_text_type(lt) && is_text_type(rt))
	{
		/* symbols: equality under a deterministic collation */
		if (c > 1 || (OidIsValid(op->inputcollid) &&
					  !get_collation_isdeterministic(op->inputcollid)))
			return false;
		if (!deparse_value(cxt, linitial(op->args), 's', &l) ||
			!deparse_value(cxt, lsecond(op->args), 's', &r) ||
			l.qt != 's' || r.qt != 's')
			return false;
		cmp = psprintf("(=;%s;%s)", l.tree, r.tree);
		if (c == 1)
			cmp = psprintf("(not;%s)", cmp);
	}
	else if ((lt == FLOAT8OID && rt == FLOAT8OID) ||
			 ((lt == INT2OID || lt == INT4OID || lt == INT8OID) &&
			  (rt == INT2OID || rt == INT4OID || rt == INT8OID)))
	{
		static const char *const qops[] = {
			"(=;%s;%s)", "(not;(=;%s;%s))", "(<;%s;%s)",
			"(not;(>;%s;%s))", "(>;%s;%s)", "(not;(<;%s;%s))"
		};

		Expr	   *le = linitial(op->args);

		while (IsA(le, RelabelType))
			le = ((RelabelType *) le)->arg;
		if (IsA(le, Const) || IsA(le, Param))
		{
			/* a value on the left: typed after the right side */
			if (!deparse_value(cxt, lsecond(op->args), '\0', &r) ||
				!deparse_value(cxt, le, IsA(le, Param) ? 'f' : r.qt, &l))
				return false;
		}
		else
		{
			Expr	   *re = lsecond(op->args);

			while (IsA(re, RelabelType))
				re = ((RelabelType *) re)->arg;
			if (!deparse_value(cxt, le, '\0', &l) ||
				!deparse_value(cxt, re, IsA(re, Param) ? 'f' : l.qt, &r))
				return false;
		}
		if (l.qt != r.qt || l.qt == 'e' || strchr("hij", l.qt) == NULL)
		{
			/* floats (and mixed widths) through the sign of l - r */
			QipcExpr	d;
			char	   *D;

			/*
			 * An integer column is compared as the float of its value; a q
			 * infinity compares as the integer it stands for, as in a
			 * plain comparison (no hazard: only arithmetic needs its value).
			 */
			if (l.qt == 'j' || r.qt == 'j' || !as_float_hz(&l, false) ||
				!as_float_hz(&r, false))
				return false;
			D = psprintf("(-;%s;%s)", l.tree, r.tree);
			cmp = psprintf(qops[c], D, "0f");
			/*
			 * D is null where either side is; q's null float compares
			 * below every value and equal to no value, so =, > and "not <"
			 * are false there already: only <, <= and <> need the guard
			 */
			if (c == 1 || c == 2 || c == 3)
				guard = psprintf("(not;(null;%s))", D);
			/*
			 * -inf - -inf, inf - inf: NaN where PostgreSQL compares equal
			 * (never against a constant, which is finite)
			 */
			if (!l.is_const && !r.is_const)
			{
				init_out(&d);
				d.nan_hazards = list_make1(psprintf("(&;(null;%s);(not;(|;(null;%s);(null;%s))))",
													D, l.tree, r.tree));
				d.hkinds = QIPC_HZ_NAN;
				take_hazards(out, &d, NULL);
			}
		}
		else
		{
			cmp = psprintf(qops[c], l.tree, r.tree);
			if (l.nullable && r.nullable)
				guard = psprintf("(not;(|;(null;%s);(null;%s)))", l.tree, r.tree);
			else if (l.nullable || r.nullable)
				guard = psprintf("(not;(null;%s))", l.nullable ? l.tree : r.tree);
		}
	}
	else
		return false;

	if (guard == NULL && l.qt == 's')
	{
		if (l.nullable && r.nullable)
			guard = psprintf("(not;(|;%s;%s))", null_test('s', l.tree), null_test('s', r.tree));
		else if (l.nullable || r.nullable)
			guard = psprintf("(not;%s)", null_test('s', l.nullable ? l.tree : r.tree));
	}
	take_hazards(out, &l, NULL);
	take_hazards(out, &r, NULL);
	out->tree = guard ? psprintf("(&;%s;%s)", guard, cmp) : cmp;
	out->qt = 'b';
	out->type = BOOLOID;
	return true;
}

/*
 * deparse_bool
 *		T(e) (want_true) or F(e): the rows where the condition e is TRUE,
 *		respectively FALSE (never where it is NULL), as one boolean tree.
 */
static bool
deparse_bool(QipcExprCxt *cxt, Expr *e, bool want_true, QipcExpr *out)
{
	check_stack_depth();
	init_out(out);
	if (e == NULL)
		return false;
	switch (nodeTag(e))
	{
		case T_OpExpr:
			return deparse_compare(cxt, (OpExpr *) e, want_true, out);
		case T_NullTest:
			{
				NullTest   *nt = (NullTest *) e;
				QipcExpr	v;
				bool		isnull;

				if (nt->argisrow || !deparse_value(cxt, nt->arg, '\0', &v))
					return false;
				isnull = (nt->nulltesttype == IS_NULL) == want_true;
				take_hazards(out, &v, NULL);
				out->tree = null_test(v.qt, v.tree);
				if (!isnull)
					out->tree = psprintf("(not;%s)", out->tree);
				out->qt = 'b';
				out->type = BOOLOID;
				return true;
			}
		case T_BoolExpr:
			{
				BoolExpr   *b = (BoolExpr *) e;
				ListCell   *lc;
				bool		conj;
				char	   *acc = NULL;

				if (b->boolop == NOT_EXPR)
					return deparse_bool(cxt, linitial(b->args), !want_true, out);
				/* T(a AND b) = T(a) & T(b), F(a AND b) = F(a) | F(b) */
				conj = (b->boolop == AND_EXPR) == want_true;
				foreach(lc, b->args)
				{
					QipcExpr	a;

					if (!deparse_bool(cxt, lfirst(lc), want_true, &a))
						return false;
					take_hazards(out, &a, NULL);
					acc = acc ? psprintf("(%c;%s;%s)", conj ? '&' : '|', acc, a.tree) :
						a.tree;
				}
				out->tree = acc;
				out->qt = 'b';
				out->type = BOOLOID;
				return acc != NULL;
			}
		default:
			return false;
	}
}

/*
 * qipc_deparse_value / qipc_deparse_condition: see qipc_fdw.h.
 */
bool
qipc_deparse_value(QipcExprCxt *cxt, Expr *expr, QipcExpr *out)
{
	return deparse_value(cxt, expr, '\0', out);
}

bool
qipc_deparse_condition(QipcExprCxt *cxt, Expr *expr, bool want_true,
					   QipcExpr *out)
{
	return deparse_bool(cxt, expr, want_true, out);
}

/* the hazards of e as one tree (0b when there are none) */
char *
qipc_expr_hazard_tree(const QipcExpr *e)
{
	ListCell   *lc;
	char	   *acc = NULL;

	foreach(lc, list_concat_copy(e->hazards, e->nan_hazards))
		acc = acc ? psprintf("(|;%s;%s)", acc, (char *) lfirst(lc)) :
			(char *) lfirst(lc);
	return acc ? acc : pstrdup("0b");
}

/* the error hazards of e only (nan: the NaN ones only) as one tree */
char *
qipc_expr_hazard_tree_of(const QipcExpr *e, bool nan)
{
	ListCell   *lc;
	char	   *acc = NULL;

	foreach(lc, nan ? e->nan_hazards : e->hazards)
		acc = acc ? psprintf("(|;%s;%s)", acc, (char *) lfirst(lc)) :
			(char *) lfirst(lc);
	return acc ? acc : pstrdup("0b");
}
