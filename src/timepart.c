/*-------------------------------------------------------------------------
 *
 * timepart.c
 *		  Functions of a timestamp or date column that q computes exactly
 *		  as PostgreSQL does: extract(field FROM x) and date_part(field,
 *		  x) for the fields of one calendar or clock unit, and
 *		  date_bin(stride, ts, origin) as an xbar bucket.  Used for GROUP BY
 *		  keys (upper.c), for comparisons in WHERE and for sort keys of a
 *		  scan (deparse.c).
 *
 * The q is a per-row parse tree over the column (no lambda), so kdb+
 * evaluates it partition by partition like any other column expression.
 *
 * extract and date_part.  The field name is decoded as PostgreSQL decodes
 * it (DecodeUnits/DecodeSpecial on the lower-cased name, so "hours",
 * "HOUR" and "h" are the same field).  q timestamps count nanoseconds from
 * 2000-01-01 and dates days from it, as PostgreSQL's count microseconds and
 * days from the same midnight; the scan reads a timestamp by flooring the
 * nanoseconds, so every field below, which depends only on the floored
 * microsecond, is exact for values before 2000 (negative in q) too:
 *	year, month		`year$x, `mm$x
 *	day				`dd$x
 *	hour, minute	`hh$x, `uu$x (timestamps only)
 *	dow, isodow		from the day number d ("d"$ floors a timestamp to its
 *					day; "j"$ of a date counts days): 2000-01-01 was a Saturday
 *					((d+6) mod 7, 1+(d+5) mod 7; q's mod of a positive
 *					divisor is never negative)
 *	doy				the day number minus that of January 1st, found as the
 *					month 12 xbar `month$x (xbar floors)
 *	quarter			1 + (month-1) div 3
 *	microseconds	seconds and microseconds of the minute:
 *					(("j"$x) mod 60000000000) div 1000 (timestamps only)
 * (cast names as in the KX reference for Cast, where
 * `year`dd`mm`hh`uu`ss$2015.10.28D03:55:58 is 2015 28 10 3 55 58, and
 * `month$ is the month type; q writes them as (enlist`hh) in a parse tree,
 * a one-item symbol list evaluating to the symbol).  The value is a q
 * long: the scan turns it into
 * extract's numeric (scale 0, as PostgreSQL's for these fields) or
 * date_part's double precision.  second, milliseconds and epoch carry
 * fractions (and a display scale) and are left to PostgreSQL.  A NULL
 * column gives NULL (q's casts and arithmetic keep the null).  PostgreSQL
 * gives +-Infinity for the year of +-infinity and NULL for the other
 * fields; q's casts would give finite numbers for 0Wp and -0Wp, so those
 * are tested first: 0W and -0W (which the scan reads as +-Infinity) or
 * null.  date_part(text, date) is date_part of the date cast to
 * timestamp: the same fields, but the cast raises an error for a date past
 * 294276-12-31 (a valid date, beyond the timestamp range), so it is taken
 * only where that error is placed too (sort keys: qipc_time_fn_parse_key).
 *
 * date_bin(stride, ts, origin): origin + floor((ts - origin) / stride) *
 * stride, and +-infinity unchanged (timestamp_bin, timestamptz_bin: the
 * same arithmetic on the absolute time, which does not depend on the
 * session's TimeZone).  With r = the origin's offset from 2000-01-01
 * modulo the stride s, in [0, s), that is r + s xbar ts - r: q's xbar
 * floors, the offset moves the grid, and floors of the nanoseconds are
 * floors of the microseconds the scan reads (r and s are whole
 * microseconds).  Only strides without months (PostgreSQL refuses those)
 * and of at most 366 days, positive, and a finite origin: the others
 * raise errors in PostgreSQL, which keeps them.  As with date_trunc's
 * xbar, a value within one stride of q's earliest timestamp (1707-09-22)
 * would fall below q's range.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/timepart.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "parser/scansup.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "qipc_fdw.h"

/* the longest stride pushed: 366 days, in microseconds */
#define MAX_STRIDE_US	(INT64CONST(366) * USECS_PER_DAY)

/* the Var under relabelings, or NULL */
static Var *
plain_var(Expr *e)
{
	while (e && IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	return (e && IsA(e, Var)) ? (Var *) e : NULL;
}

/* a non-null Const of type typid, or NULL */
static Const *
const_of(Expr *e, Oid typid)
{
	while (e && IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	if (e && IsA(e, Const) && !((Const *) e)->constisnull &&
		((Const *) e)->consttype == typid)
		return (Const *) e;
	return NULL;
}

/*
 * field_of
 *		The DTK_* field a unit name stands for, as extract and date_part
 *		decode it; -1 for a field not pushed (or not a field).
 */
static int
field_of(Const *units)
{
	char	   *s = TextDatumGetCString(units->constvalue);
	char	   *low = downcase_truncate_identifier(s, strlen(s), false);
	int			val = 0;
	int			type = DecodeUnits(0, low, &val);

	if (type == UNKNOWN_FIELD)
		type = DecodeSpecial(0, low, &val);
	if (type != UNITS)
		return -1;
	switch (val)
	{
		case DTK_YEAR:
		case DTK_MONTH:
		case DTK_DAY:
		case DTK_HOUR:
		case DTK_MINUTE:
		case DTK_DOW:
		case DTK_ISODOW:
		case DTK_DOY:
		case DTK_QUARTER:
		case DTK_MICROSEC:
			return val;
		default:
			return -1;
	}
}

/*
 * date_cast_arg
 *		The argument of arg when arg is the built-in cast of a date to
 *		timestamp written implicitly (COERCE_IMPLICIT_CAST) or, when
 *		explicit_ok, explicitly; else NULL.  date_part(text, date) is a SQL
 *		function, date_part($1, $2::timestamp), which the planner inlines
 *		into date_part of an explicit cast.
 */
static Expr *
date_cast_arg(Expr *arg, bool explicit_ok)
{
	FuncExpr   *fe;

	while (arg && IsA(arg, RelabelType))
		arg = ((RelabelType *) arg)->arg;
	if (arg == NULL || !IsA(arg, FuncExpr))
		return NULL;
	fe = (FuncExpr *) arg;
	if (fe->funcid != F_TIMESTAMP_DATE || list_length(fe->args) != 1 ||
		exprType(linitial(fe->args)) != DATEOID)
		return NULL;
	if (fe->funcformat == COERCE_IMPLICIT_CAST ||
		(explicit_ok && fe->funcformat == COERCE_EXPLICIT_CAST))
		return (Expr *) linitial(fe->args);
	return NULL;
}

/*
 * time_fn_parse
 *		qipc_time_fn_parse, also taking a date column under an explicit
 *		cast to timestamp when explicit_cast_ok.
 */
static bool
time_fn_parse(Expr *expr, QipcTimeFn *fn, bool explicit_cast_ok)
{
	FuncExpr   *fe;
	char	   *fname;
	Expr	   *arg;

	memset(fn, 0, sizeof(*fn));
	while (expr && IsA(expr, RelabelType))
		expr = ((RelabelType *) expr)->arg;
	if (expr == NULL || !IsA(expr, FuncExpr))
		return false;
	fe = (FuncExpr *) expr;
	if (fe->funcid >= FirstGenbkiObjectId || fe->funcretset ||
		fe->funcvariadic)
		return false;
	fname = get_func_name(fe->funcid);
	if (fname == NULL)
		return false;

	if ((strcmp(fname, "extract") == 0 || strcmp(fname, "date_part") == 0) &&
		list_length(fe->args) == 2)
	{
		Const	   *units = const_of(linitial(fe->args), TEXTOID);

		if (units == NULL ||
			!(fe->funcresulttype == NUMERICOID ||
			  fe->funcresulttype == FLOAT8OID))
			return false;
		arg = lsecond(fe->args);
		/* date_part(field, date) is date_part of the date as a timestamp */
		if (date_cast_arg(arg, explicit_cast_ok) != NULL)
		{
			arg = date_cast_arg(arg, explicit_cast_ok);
			fn->datecast = true;
		}
		fn->var = plain_var(arg);
		if (fn->var == NULL ||
			!(fn->var->vartype == TIMESTAMPOID || fn->var->vartype == DATEOID))
			return false;
		fn->field = field_of(units);
		if (fn->field < 0)
			return false;
		/* clock fields of a date: zero, or NULL for infinity; not pushed */
		if (fn->var->vartype == DATEOID &&
			(fn->field == DTK_HOUR || fn->field == DTK_MINUTE ||
			 fn->field == DTK_MICROSEC))
			return false;
		fn->kind = QIPC_TIME_PART;
		return true;
	}

	if (strcmp(fname, "date_bin") == 0 && list_length(fe->args) == 3 &&
		(fe->funcresulttype == TIMESTAMPOID ||
		 fe->funcresulttype == TIMESTAMPTZOID))
	{
		Const	   *stride = const_of(linitial(fe->args), INTERVALOID);
		Const	   *origin = const_of(lthird(fe->args),
									  fe->funcresulttype);
		Interval   *iv;
		int64		s;
		Timestamp	o;

		if (stride == NULL || origin == NULL)
			return false;
		iv = DatumGetIntervalP(stride->constvalue);
		if (iv->month != 0 || iv->day < 0 || iv->day > 366)
			return false;
		s = iv->day * USECS_PER_DAY + iv->time;
		if (s <= 0 || s > MAX_STRIDE_US)
			return false;
		o = DatumGetTimestamp(origin->constvalue);
		if (TIMESTAMP_NOT_FINITE(o))
			return false;
		fn->var = plain_var(lsecond(fe->args));
		if (fn->var == NULL || fn->var->vartype != fe->funcresulttype)
			return false;
		fn->kind = QIPC_TIME_BIN;
		fn->stride = s;
		fn->offset = ((o % s) + s) % s;
		return true;
	}
	return false;
}

/*
 * qipc_time_fn_parse
 *		See qipc_fdw.h.
 */
bool
qipc_time_fn_parse(Expr *expr, QipcTimeFn *fn)
{
	return time_fn_parse(expr, fn, false);
}

/*
 * qipc_time_fn_parse_key
 *		See qipc_fdw.h.
 */
bool
qipc_time_fn_parse_key(Expr *expr, QipcTimeFn *fn)
{
	return time_fn_parse(expr, fn, true);
}

/*
 * qipc_time_fn_cast_errs_q
 *		See qipc_fdw.h.  PostgreSQL's cast of a date to timestamp raises
 *		22008 from 294277-01-01 on (the first day past the timestamp
 *		range, TIMESTAMP_END_JULIAN); the date type's own range starts
 *		where the timestamp's does, so no date below raises it, and
 *		+-infinity become +-infinity.  q dates count days from 2000-01-01
 *		as PostgreSQL's do; 0Wd is the int 2147483647.
 */
char *
qipc_time_fn_cast_errs_q(const char *X)
{
	return psprintf("(&;(>=;($;\"j\";%s);%dj);(<;($;\"j\";%s);2147483647j))",
					X, TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE, X);
}

/* q timespan literal of us microseconds (0 <= us <= 366 days) */
static char *
timespan_lit(int64 us)
{
	int64		d = us / USECS_PER_DAY;
	int64		r = us % USECS_PER_DAY;

	return psprintf(INT64_FORMAT "D%02d:%02d:%02d.%06d000", d,
					(int) (r / USECS_PER_HOUR),
					(int) (r / USECS_PER_MINUTE % 60),
					(int) (r / USECS_PER_SEC % 60),
					(int) (r % USECS_PER_SEC));
}

/*
 * part_raw
 *		The field of fn over column X (meta type qt) as computed for finite
 *		values, before the infinity tests: a q int for the casts (`year`mm
 *		`dd`hh`uu), a long for the others; NULL if q cannot compute it.
 *		For a null X it is null; for 0Wp or -0Wp (0Wd, -0Wd) it is some
 *		finite number, which the callers must not use.
 */
static char *
part_raw(const QipcTimeFn *fn, const char *X, char qt)
{
	bool		isdate = (qt == 'd');
	char	   *D;
	char	   *e;

	if (fn->kind != QIPC_TIME_PART)
		return NULL;
	if (!((qt == 'p' && fn->var->vartype == TIMESTAMPOID) ||
		  (qt == 'd' && fn->var->vartype == DATEOID)))
		return NULL;
	D = isdate ? pstrdup(X) : psprintf("($;\"d\";%s)", X);
	switch (fn->field)
	{
		case DTK_YEAR:
			e = psprintf("($;(enlist`year);%s)", X);
			break;
		case DTK_MONTH:
			e = psprintf("($;(enlist`mm);%s)", X);
			break;
		case DTK_DAY:
			e = psprintf("($;(enlist`dd);%s)", X);
			break;
		case DTK_HOUR:
			e = psprintf("($;(enlist`hh);%s)", X);
			break;
		case DTK_MINUTE:
			e = psprintf("($;(enlist`uu);%s)", X);
			break;
		case DTK_DOW:
			e = psprintf("(mod;(+;($;\"j\";%s);6);7)", D);
			break;
		case DTK_ISODOW:
			e = psprintf("(+;1;(mod;(+;($;\"j\";%s);5);7))", D);
			break;
		case DTK_DOY:
			e = psprintf("(+;1;(-;($;\"j\";%s);($;\"j\";($;\"d\";(xbar;12;($;(enlist`month);%s))))))",
						 D, D);
			break;
		case DTK_QUARTER:
			e = psprintf("(+;1;(div;(-;($;(enlist`mm);%s);1);3))", X);
			break;
		case DTK_MICROSEC:
			e = psprintf("(div;(mod;($;\"j\";%s);60000000000);1000)", X);
			break;
		default:
			return NULL;
	}
	return e;
}

/*
 * qipc_time_fn_q
 *		See qipc_fdw.h.
 */
char *
qipc_time_fn_q(const QipcTimeFn *fn, const char *X, char qt)
{
	bool		isdate = (qt == 'd');
	const char *pinf = isdate ? "0Wd" : "0Wp";
	const char *ninf = isdate ? "-0Wd" : "-0Wp";
	char	   *e;

	if (fn->kind == QIPC_TIME_BIN)
	{
		char	   *S;
		char	   *R;

		if (qt != 'p')
			return NULL;
		S = timespan_lit(fn->stride);
		R = timespan_lit(fn->offset);
		if (fn->offset == 0)
			e = psprintf("(xbar;%s;%s)", S, X);
		else
			e = psprintf("(+;%s;(xbar;%s;(-;%s;%s)))", R, S, X, R);
		return psprintf("(?;(|;(=;%s;0Wp);(=;%s;-0Wp));%s;%s)", X, X, X, e);
	}

	if (fn->kind != QIPC_TIME_PART)
		return NULL;
	e = part_raw(fn, X, qt);
	if (e == NULL)
		return NULL;
	e = psprintf("($;\"j\";%s)", e);
	/* +-infinity: +-Infinity for the year, NULL otherwise */
	if (fn->field == DTK_YEAR)
		return psprintf("(?;(=;%s;%s);0W;(?;(=;%s;%s);-0W;%s))",
						X, pinf, X, ninf, e);
	return psprintf("(?;(|;(=;%s;%s);(=;%s;%s));0N;%s)",
					X, pinf, X, ninf, e);
}

/*
 * qipc_time_part_cmp_q
 *		See qipc_fdw.h.  For a field other than the year, PostgreSQL's
 *		value is NULL for a NULL or infinite x, so a comparison of it holds
 *		on no such row, whatever its operator and constant: the comparison
 *		can be made on the field as computed for finite values (part_raw:
 *		`hh$x, no vector conditional), with the rows of a null or infinite
 *		x dropped by one more where subphrase, x not in 0N -0W 0Wp (which
 *		kdb+ applies only to the rows the comparison left).  The year of
 *		+-infinity is +-Infinity, which compares: NULL for the year.
 */
char *
qipc_time_part_cmp_q(const QipcTimeFn *fn, const char *X, char qt,
					 char **guard)
{
	char	   *e;

	if (fn->kind != QIPC_TIME_PART || fn->field == DTK_YEAR)
		return NULL;
	e = part_raw(fn, X, qt);
	if (e == NULL)
		return NULL;
	*guard = psprintf("(not;(in;%s;0N -0W 0W%c))", X, qt);
	return e;
}
