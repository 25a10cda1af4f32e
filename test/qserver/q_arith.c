/*-------------------------------------------------------------------------
 *
 * q_arith.c
 *		Arithmetic verbs (+ - * % div mod & | xexp xlog) and the unary math functions.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_arith.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Arithmetic
 * ----------------------------------------------------------------
 */

static int
num_rank(int t)
{
	switch (t)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
		case KIPC_T_SHORT:
		case KIPC_T_INT:
			return 0;
		case KIPC_T_LONG:
			return 1;
		case KIPC_T_REAL:
			return 2;
		case KIPC_T_FLOAT:
			return 3;
	}
	return -1;
}

static const int rank_type[] = {6, 7, 8, 9};

/* finer of two span units among minute/second/time */
static int
finer_span(int a, int b)
{
	return a > b ? a : b;		/* 17 < 18 < 19: minute < second < time */
}

/*
 * Result type and computation domain of x op y for + - * (KX reference
 * add.md / subtract.md range tables); false for 'type.  Combinations
 * outside the tables' well-understood part signal 'nyi.
 */
bool
plan_arith(int op, int tx, int ty, Plan *p)
{
	p->cx = p->cy = 1;
	p->fdom = false;
	if (numeric_t(tx) && numeric_t(ty))
	{
		int			r = num_rank(tx) > num_rank(ty) ? num_rank(tx) : num_rank(ty);

		/* numeric_t guarantees a rank; the check tells the compiler so */
		if (r < 0 || r > 3)
			return false;
		p->rt = rank_type[r];
		p->fdom = r >= 2;
		return true;
	}
	if (tx == KIPC_T_GUID || ty == KIPC_T_GUID || tx == KIPC_T_SYMBOL || ty == KIPC_T_SYMBOL || tx == KIPC_T_CHAR || ty == KIPC_T_CHAR)
		return false;
	if (op == OP_MUL)
	{
		if (span_t(tx) && intlike_t(ty))
			p->rt = tx;
		else if (intlike_t(tx) && span_t(ty))
			p->rt = ty;
		else
			q_err("nyi");
		return true;
	}
	/* + and - */
	if (temporal_t(tx) && intlike_t(ty))
	{
		p->rt = tx;
		p->fdom = tx == KIPC_T_DATETIME;
		return true;
	}
	if (intlike_t(tx) && temporal_t(ty))
	{
		p->rt = ty;
		p->fdom = ty == KIPC_T_DATETIME;
		return true;
	}
	if ((tx == KIPC_T_DATE || tx == KIPC_T_DATETIME) && (ty == KIPC_T_FLOAT || ty == KIPC_T_REAL))
	{
		p->rt = 15;
		p->fdom = true;
		return true;
	}
	if ((ty == KIPC_T_DATE || ty == KIPC_T_DATETIME) && (tx == KIPC_T_FLOAT || tx == KIPC_T_REAL))
	{
		p->rt = 15;
		p->fdom = true;
		return true;
	}
	/* p+p, p-p -> n; m, d -> i; z -> f (both tables, KX add.md and
	 * subtract.md; datatypes.md shows 0p+ -0W 0Wp+1 -1 as timespans) */
	if (tx == KIPC_T_DATETIME && ty == KIPC_T_DATETIME)
	{
		p->rt = 9;
		p->fdom = true;
		return true;
	}
	if (tx == ty && (tx == KIPC_T_TIMESTAMP || tx == KIPC_T_MONTH || tx == KIPC_T_DATE))
	{
		p->rt = tx == KIPC_T_TIMESTAMP ? 16 : 6;
		return true;
	}
	if ((tx == KIPC_T_TIMESTAMP || tx == KIPC_T_DATE) && span_t(ty))
	{
		p->rt = 12;
		p->cx = ns_unit(tx);
		p->cy = ns_unit(ty);
		return true;
	}
	if (span_t(tx) && (ty == KIPC_T_TIMESTAMP || ty == KIPC_T_DATE))
	{
		p->rt = 12;
		p->cx = ns_unit(tx);
		p->cy = ns_unit(ty);
		return true;
	}
	if (span_t(tx) && span_t(ty))
	{
		if (tx == KIPC_T_TIMESPAN || ty == KIPC_T_TIMESPAN)
		{
			p->rt = 16;
			p->cx = ns_unit(tx);
			p->cy = ns_unit(ty);
		}
		else
		{
			p->rt = finer_span(tx, ty);
			p->cx = ns_unit(tx) / ns_unit(p->rt);
			p->cy = ns_unit(ty) / ns_unit(p->rt);
		}
		return true;
	}
	q_err("nyi");
}

static void
ops_j(int op, const int64_t *X, int sx, const int64_t *Y, int sy, int64_t *R, int64_t n)
{
	int64_t		k;

#define LOOPJ(EXPR) \
	for (k = 0; k < n; k++) \
	{ \
		int64_t a = X[k * sx], b = Y[k * sy]; \
		R[k] = (a == NJ || b == NJ) ? NJ : (EXPR); \
	}
	switch (op)
	{
		case OP_ADD:
			LOOPJ((int64_t) ((uint64_t) a + (uint64_t) b));
			break;
		case OP_SUB:
			LOOPJ((int64_t) ((uint64_t) a - (uint64_t) b));
			break;
		case OP_MUL:
			LOOPJ((int64_t) ((uint64_t) a * (uint64_t) b));
			break;
		case OP_IDIV:
			LOOPJ(b == 0 ? NJ : floordiv(a, b));
			break;
		case OP_MOD:
			LOOPJ(b == 0 ? NJ : floormod(a, b));
			break;
		case OP_MIN:
			/* nulls are the smallest values: no null test needed */
			for (k = 0; k < n; k++)
			{
				int64_t		a = X[k * sx],
							b = Y[k * sy];

				R[k] = a < b ? a : b;
			}
			break;
		case OP_MAX:
			for (k = 0; k < n; k++)
			{
				int64_t		a = X[k * sx],
							b = Y[k * sy];

				R[k] = a > b ? a : b;
			}
			break;
		default:
			q_err("nyi");
	}
#undef LOOPJ
}

static void
ops_f(int op, const double *X, int sx, const double *Y, int sy, double *R, int64_t n)
{
	int64_t		k;

#define LOOPF(EXPR) \
	for (k = 0; k < n; k++) \
	{ \
		double a = X[k * sx], b = Y[k * sy]; \
		R[k] = (EXPR); \
	}
	switch (op)
	{
		case OP_ADD:
			LOOPF(a + b);
			break;
		case OP_SUB:
			LOOPF(a - b);
			break;
		case OP_MUL:
			LOOPF(a * b);
			break;
		case OP_FDIV:
			LOOPF(a / b);
			break;
		case OP_IDIV:
			LOOPF(floor(a / b));
			break;
		case OP_MOD:
			LOOPF(a - b * floor(a / b));
			break;
		case OP_MIN:
			LOOPF(isnan(a) ? a : isnan(b) ? b : (a < b ? a : b));
			break;
		case OP_MAX:
			LOOPF(isnan(a) ? b : isnan(b) ? a : (a > b ? a : b));
			break;
		case OP_XEXP:
			LOOPF(pow(a, b));
			break;
		case OP_XLOG:
			LOOPF(log(b) / log(a));
			break;
		default:
			q_err("nyi");
	}
#undef LOOPF
}

/* length of a conformable pair of simple operands; -1 if both atoms */
int64_t
pair_len(const K *x, const K *y)
{
	if (x->type < 0 && y->type < 0)
		return -1;
	if (x->type < 0)
		return y->n;
	if (y->type < 0)
		return x->n;
	if (x->n != y->n)
		q_err("length");
	return x->n;
}

/* run op over simple x, y with the given plan */
static K *
run_plan(int op, const K *x, const K *y, const Plan *p)
{
	int64_t		n = pair_len(x, y);
	bool		atom = n < 0;
	int			sx = x->type < 0 ? 0 : 1,
				sy = y->type < 0 ? 0 : 1;
	K		   *r;

	if (atom)
		n = 1;
	r = mk(p->rt, n, atom);
	if (p->fdom)
	{
		double	   *fx,
				   *fy,
				   *X = load_f(x, 1, &fx),
				   *Y = load_f(y, 1, &fy);
		double	   *R = (!atom && f64_t(p->rt)) ? (double *) r->v.items :
			xmalloc(sizeof(double) * n);

		ops_f(op, X, sx, Y, sy, R, n);
		store_f(r, R, n);
		if ((void *) R != r->v.items || atom)
			free(R);
		free(fx);
		free(fy);
	}
	else
	{
		int64_t    *fx,
				   *fy,
				   *X = load_j(x, p->cx, &fx),
				   *Y = load_j(y, p->cy, &fy);
		int64_t    *R = (!atom && j64_t(p->rt)) ? (int64_t *) r->v.items :
			xmalloc(sizeof(int64_t) * n);

		ops_j(op, X, sx, Y, sy, R, n);
		store_j(r, R, n);
		if ((void *) R != r->v.items || atom)
			free(R);
		free(fx);
		free(fy);
	}
	return r;
}

static const int op_verb[] = {B_PLUS, B_MINUS, B_TIMES, B_DIVIDE, B_DIV, B_MOD,
B_AND, B_OR, B_XEXP, B_XLOG};

K *
arith(int op, K *x, K *y)
{
	int			tx,
				ty;
	Plan		p;

	if (!is_simple(x) || !is_simple(y))
		return atomic2(op_verb[op], x, y);
	tx = absT(x);
	ty = absT(y);
	switch (op)
	{
		case OP_FDIV:
		case OP_XEXP:
		case OP_XLOG:
			if (tx == KIPC_T_GUID || tx == KIPC_T_SYMBOL || ty == KIPC_T_GUID || ty == KIPC_T_SYMBOL)
				q_err("type");
			p.rt = 9;
			p.fdom = true;
			p.cx = p.cy = 1;
			break;
		case OP_IDIV:
			/*
			 * div keeps the type of x, except char, byte, short (-> int)
			 * and real (-> float) (KX div.md)
			 */
			if (tx == KIPC_T_SYMBOL || ty == KIPC_T_SYMBOL || tx == KIPC_T_GUID || ty == KIPC_T_GUID)
				q_err("type");
			if (!numeric_t(ty) && ty != KIPC_T_CHAR)
				q_err("nyi");
			p.cx = p.cy = 1;
			p.rt = (tx == KIPC_T_BOOLEAN || tx == KIPC_T_BYTE || tx == KIPC_T_SHORT || tx == KIPC_T_CHAR) ? 6 : tx == KIPC_T_REAL ? 9 : tx;
			p.fdom = tx == KIPC_T_REAL || tx == KIPC_T_FLOAT || tx == KIPC_T_DATETIME || ty == KIPC_T_REAL || ty == KIPC_T_FLOAT;
			break;
		case OP_MOD:
			if (tx == KIPC_T_SYMBOL || ty == KIPC_T_SYMBOL || tx == KIPC_T_GUID || ty == KIPC_T_GUID)
				q_err("type");
			if (!numeric_t(tx) || !numeric_t(ty))
			{
				/* temporal mod an integer (KX mod.md range table) */
				if (!(temporal_t(tx) && tx != KIPC_T_DATETIME && intlike_t(ty)))
					q_err("nyi");
				p.rt = tx == KIPC_T_TIMESTAMP ? 16 : (tx == KIPC_T_MONTH || tx == KIPC_T_DATE) ? 6 : tx;
				p.fdom = false;
				p.cx = p.cy = 1;
				break;
			}
			if (!plan_arith(OP_ADD, tx, ty, &p))
				q_err("type");
			break;
		case OP_MIN:
		case OP_MAX:
			p.cx = p.cy = 1;
			if (tx == ty)
			{
				if (tx == KIPC_T_SYMBOL || tx == KIPC_T_GUID)
					q_err("type");
				p.rt = tx;
				p.fdom = tx == KIPC_T_REAL || tx == KIPC_T_FLOAT || tx == KIPC_T_DATETIME;
			}
			else if (numeric_t(tx) && numeric_t(ty))
			{
				int			r;

				if ((tx == KIPC_T_BOOLEAN || tx == KIPC_T_BYTE) && (ty == KIPC_T_BOOLEAN || ty == KIPC_T_BYTE))
					q_err("nyi");
				r = num_rank(tx) > num_rank(ty) ? num_rank(tx) : num_rank(ty);
				if (r < 0 || r > 3)
					q_err("type");
				p.rt = rank_type[r];
				if (r == 0)
					p.rt = tx == KIPC_T_INT || ty == KIPC_T_INT ? 6 : 5;
				p.fdom = r >= 2;
			}
			else if (temporal_t(tx) && intlike_t(ty) && tx != KIPC_T_DATETIME)
				p.rt = tx, p.fdom = false;
			else if (temporal_t(ty) && intlike_t(tx) && ty != KIPC_T_DATETIME)
				p.rt = ty, p.fdom = false;
			else
				q_err(tx == KIPC_T_SYMBOL || ty == KIPC_T_SYMBOL || tx == KIPC_T_CHAR || ty == KIPC_T_CHAR ? "type" : "nyi");
			break;
		default:
			if (!plan_arith(op, tx, ty, &p))
				q_err("type");
	}
	return run_plan(op, x, y, &p);
}

/* ----------------------------------------------------------------
 * Unary arithmetic
 * ----------------------------------------------------------------
 */

static const int math_verb[] = {U_NEG, U_ABS, U_FLOOR, U_CEILING, U_SQRT, U_EXP,
U_LOG, U_SIGNUM, U_RECIP, U_NOT, U_NULL};

K *
math1(int m, K *x)
{
	int			t;
	int64_t		n,
				k;
	bool		atom;
	K		   *r;

	if (!is_simple(x))
	{
		if (m == M_NULL && q_is_function(x))
			return kipc_new_bool(x->type == KIPC_T_UNARY && x->a.g == U_IDENTITY);
		return atomic1(math_verb[m], x);
	}
	t = absT(x);
	atom = x->type < 0;
	n = atom ? 1 : x->n;
	if (m == M_NULL)
	{
		uint8_t    *R;

		r = mk(KIPC_T_BOOLEAN, n, atom);
		R = atom ? &r->a.g : (uint8_t *) r->v.items;
		if (atom)
			R[0] = item_null(x, -1);
		else if (t == KIPC_T_FLOAT || t == KIPC_T_DATETIME)
			for (k = 0; k < n; k++)
				R[k] = isnan(kipc_get_f(x, k));
		else if (j64_t(t))
			for (k = 0; k < n; k++)
				R[k] = kipc_get_j(x, k) == NJ;
		else if (i32_t(t))
			for (k = 0; k < n; k++)
				R[k] = kipc_get_i(x, k) == NI;
		else
			for (k = 0; k < n; k++)
				R[k] = item_null(x, k);
		return r;
	}
	if (m == M_NOT)
	{
		uint8_t    *R;

		if (t == KIPC_T_SYMBOL || t == KIPC_T_GUID)
			q_err("type");
		r = mk(KIPC_T_BOOLEAN, n, atom);
		R = atom ? &r->a.g : (uint8_t *) r->v.items;
		if (t == KIPC_T_REAL || t == KIPC_T_FLOAT || t == KIPC_T_DATETIME)
			for (k = 0; k < n; k++)
				R[k] = getF(x, atom ? -1 : k) == 0;
		else
			for (k = 0; k < n; k++)
				R[k] = getJ(x, atom ? -1 : k) == 0;
		return r;
	}
	if ((m == M_FLOOR || m == M_CEIL) && (t == KIPC_T_CHAR || t == KIPC_T_SYMBOL))
	{
		/* floor of text is lower case (KX floor.md range: c -> c, s -> s) */
		if (m == M_CEIL)
			q_err("nyi");
		return case_map(x, false);
	}
	if (t == KIPC_T_SYMBOL || t == KIPC_T_GUID)
		q_err("type");
	if (m == M_NEG || m == M_ABS || m == M_SIGNUM)
	{
		/* b x c -> i, others keep their type (KX abs.md range) */
		int			rt = (t == KIPC_T_BOOLEAN || t == KIPC_T_BYTE || t == KIPC_T_CHAR) ? 6 : t;
		K		   *z;

		/* signum of a temporal works on its underlying value (KX signum.md) */
		if (m == M_SIGNUM)
			rt = 6;
		r = mk(rt, n, atom);
		if (t == KIPC_T_REAL || t == KIPC_T_FLOAT || t == KIPC_T_DATETIME)
		{
			double	   *f,
					   *X = load_f(x, 1, &f);
			double	   *R = xmalloc(sizeof(double) * n);

			for (k = 0; k < n; k++)
			{
				double		a = X[k];

				if (m == M_SIGNUM)
				{
					/* signum of a null is -1i: nulls are the smallest */
					putJ(r, atom ? -1 : k, isnan(a) || a < 0 ? -1 : a > 0 ? 1 : 0);
					continue;
				}
				R[k] = m == M_NEG ? -a : fabs(a);
			}
			if (m != M_SIGNUM)
				store_f(r, R, n);
			free(R);
			free(f);
			return r;
		}
		{
			int64_t    *f,
					   *X = load_j(x, 1, &f);
			int64_t    *R = xmalloc(sizeof(int64_t) * n);

			for (k = 0; k < n; k++)
			{
				int64_t		a = X[k];

				if (m == M_SIGNUM)
					R[k] = a == NJ || a < 0 ? -1 : a > 0 ? 1 : 0;
				else if (a == NJ)
					R[k] = NJ;
				else
					R[k] = (m == M_NEG || a < 0) ? (int64_t) (0 - (uint64_t) a) : a;
			}
			store_j(r, R, n);
			free(R);
			free(f);
			z = r;
			return z;
		}
	}
	if (m == M_FLOOR || m == M_CEIL)
	{
		if (t == KIPC_T_BOOLEAN || t == KIPC_T_BYTE)
			q_err("type");		/* KX floor.md: no boolean or byte */
		if (intlike_t(t))
			return kipc_ref(x);
		if (t != KIPC_T_REAL && t != KIPC_T_FLOAT)
			q_err("type");
		r = mk(KIPC_T_LONG, n, atom);
		for (k = 0; k < n; k++)
		{
			double		a = getF(x, atom ? -1 : k);

			if (isnan(a))
				putJ(r, atom ? -1 : k, NJ);
			else if (isinf(a))
				putJ(r, atom ? -1 : k, a > 0 ? WJ : -WJ);
			else
				putJ(r, atom ? -1 : k, (int64_t) (m == M_FLOOR ? floor(a) : ceil(a)));
		}
		return r;
	}
	/* sqrt exp log reciprocal: float results */
	if (temporal_t(t))
		q_err("nyi");
	r = mk(KIPC_T_FLOAT, n, atom);
	{
		double	   *f,
				   *X = load_f(x, 1, &f);
		double	   *R = atom ? &r->a.f : (double *) r->v.items;

		for (k = 0; k < n; k++)
		{
			double		a = X[k];

			switch (m)
			{
				case M_SQRT: R[k] = a < 0 ? NAN : sqrt(a); break;
				case M_EXP: R[k] = exp(a); break;
				case M_LOG: R[k] = a < 0 ? NAN : log(a); break;
				default: R[k] = 1.0 / a; break;
			}
		}
		free(f);
	}
	return r;
}
